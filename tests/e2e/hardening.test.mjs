// Hard to break, through the page in Chromium: the Content-Security-Policy
// (header and meta tag) with no violation and no request but the page's own
// assets, and a corpus of odd but legal input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync as readBytes } from 'node:fs';
import { tmpdir } from 'node:os';
import { setup, open, ctx, root, fixture, fixtureDir, total, tableNames, badges, progress } from './harness.mjs';

setup();

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' blob:; object-src 'none'; base-uri 'none'";

test('the page is served with the CSP, carries it as a meta tag, and a whole session violates nothing', async () => {
  const res = await fetch(ctx.base);
  assert.equal(res.headers.get('content-security-policy'), CSP);
  const dist = readFileSync(path.join(process.env.MIGRAPLAY_DIST || path.join(root, 'dist'), 'index.html'), 'utf8');
  assert.ok(dist.includes(`<meta http-equiv="Content-Security-Policy" content="${CSP}">`));
  assert.equal(/<script(?![^>]*\bsrc=)[^>]*>/.test(dist), false, 'no inline script');
  assert.equal(/\sstyle=|<style/.test(dist), false, 'no inline style');

  const { page, problems, context } = await open();
  await page.evaluate(() => {
    window.violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.click('#apply-all');
  await progress(page, 'Apply all');
  await page.click('#verify');
  await page.waitForSelector('#verify-summary.pass');
  await page.click('#share');
  await page.click('#console-run');
  await progress(page, 'Run SQL');
  await page.click('#revert-all');
  await progress(page, 'Revert all');
  assert.deepEqual(await page.evaluate(() => window.violations), []);
  assert.deepEqual(problems, [], 'no console error, page error, or request to another origin');
  await context.close();
});

test('the odd corpus loads, applies and verifies in the page, names shown exactly', async () => {
  const { page, problems, context } = await open();
  await page.setInputFiles('#folder', fixtureDir('odd_corpus'));
  await page.waitForFunction(() => document.querySelectorAll('#migrations tbody tr').length === 5);
  await page.click('#apply-all');
  await progress(page, 'Apply all: 5 migrations');
  const long = `l${'o'.repeat(998)}ng`;
  assert.deepEqual(await tableNames(page), [long, 'outside_tx', 'עברית']);
  const columns = await page.locator('[data-table="עברית"] .columns tbody td:first-child').allTextContents();
  assert.deepEqual(columns, ['\u202eevil\u202c', 'zero\u200bwidth', '🦀']);
  await page.click('#verify');
  await page.waitForSelector('#verify-summary.pass');
  assert.deepEqual(await page.locator('#verify-results tbody .badge').allTextContents(), Array(5).fill('PASS'));
  assert.deepEqual(problems, []);
  await context.close();
});

test('CRLF line endings keep the error line right in the page and the editor', async () => {
  const { page, context } = await open();
  await page.setInputFiles('#files', fixture('crlf_error', '1_crlf.up.sql', '1_crlf.down.sql'));
  await page.waitForFunction(() => document.querySelectorAll('#migrations tbody tr').length === 1);
  await page.click('#apply-all');
  await page.waitForSelector('#error:not([hidden])');
  assert.equal(await page.locator('#error .message').textContent(), '1_crlf.up.sql, statement 2 (line 5): no such table: missing_table');
  assert.equal(await page.locator('#editor .gutter .marked').textContent(), '5');
  assert.deepEqual(await badges(page), ['pending']);
  await context.close();
});

test('a 10,000-line migration applies in the page and its failure names line 10000', async () => {
  const lines = ['CREATE TABLE IF NOT EXISTS big (n INTEGER);'];
  for (let i = 1; i < 9999; i++) lines.push(`INSERT INTO big VALUES (${i});`);
  const file = (last) => ({ name: '1_big.up.sql', mimeType: 'text/plain', buffer: Buffer.from(`${[...lines, last].join('\n')}\n`) });
  const down = { name: '1_big.down.sql', mimeType: 'text/plain', buffer: Buffer.from('DROP TABLE IF EXISTS big;\n') };
  const { page, context } = await open();
  await page.setInputFiles('#files', [file('INSERT INTO nowhere VALUES (0);'), down]);
  await page.waitForFunction(() => document.querySelectorAll('#migrations tbody tr').length === 1);
  await page.click('#apply-all');
  await page.waitForSelector('#error:not([hidden])');
  assert.equal(await page.locator('#error .message').textContent(), '1_big.up.sql, statement 10000 (line 10000): no such table: nowhere');
  assert.equal(await total(page, 'tables'), '0');
  await page.setInputFiles('#files', [file('INSERT INTO big VALUES (9999);'), down]);
  await progress(page, 'Load 2 files: done');
  await page.click('#apply-all');
  await progress(page, 'Apply all: 1 migration');
  await page.locator('#console-editor textarea').fill('SELECT count(*) FROM big;');
  await page.click('#console-run');
  await progress(page, 'Run SQL: 1 statement');
  assert.equal(await page.locator('#console-results td').textContent(), '9999');
  await context.close();
});

test('a file over the size limit is named and the set already loaded stays', async () => {
  const { page, context } = await open();
  const big = { name: '9_huge.up.sql', mimeType: 'text/plain', buffer: Buffer.alloc(4 * 1024 * 1024 + 1, 0x20) };
  const down = { name: '9_huge.down.sql', mimeType: 'text/plain', buffer: Buffer.from('') };
  await page.setInputFiles('#files', [big, down]);
  await page.waitForSelector('#error:not([hidden])');
  assert.equal(await page.locator('#error .message').textContent(),
    '9_huge.up.sql: too large (4194305 bytes; a migration file may have at most 4194304 bytes)');
  assert.equal(await page.locator('#migrations tbody tr').count(), 7);
  await context.close();
});

// --- the page can't be bricked (issue 10): each attack asserts the exact error
// the page shows, that what was saved survived a reload, and that the page stays
// usable (Reset everything works).

const BIG = '9007199254740993'; // 2^53 + 1: a JavaScript number would round it to ...992
const bigSet = [
  { name: `${BIG}_big.up.sql`, text: 'CREATE TABLE big (x);\n' },
  { name: `${BIG}_big.down.sql`, text: 'DROP TABLE big;\n' },
];
const fragment = (payload) => `set=${deflateRawSync(Buffer.from(payload)).toString('base64url')}`;
const file = (name, text) => ({ name, mimeType: 'text/plain', buffer: Buffer.from(text) });
const errorText = (page) => page.locator('#error .message').textContent();
/** Opens `suffix` (a query and/or #fragment) as a new document, as pasting a link does. */
async function visit(page, suffix) {
  const base = page.url().split(/[?#]/)[0];
  await page.goto('about:blank');
  await page.goto(base + suffix);
  await page.waitForSelector('body[data-ready="true"]');
}

/** Apply next in the bundled set, so there is a saved state to lose. */
async function savedWork(page) {
  await page.click('#apply-next');
  await progress(page, 'Apply next: 1 migration');
  assert.deepEqual(await tableNames(page), ['tasks']);
}

/** After a reload the saved work is there; then Reset everything starts over. */
async function survivesAndResets(page, tables = ['tasks']) {
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  assert.deepEqual(await tableNames(page), tables);
  await page.click('#reset');
  await progress(page, 'Reset everything: done');
  assert.equal(await page.locator('#migrations tbody tr').count(), 7);
  assert.equal(await total(page, 'tables'), '0');
}

test('a share link with version 2^53 + 1 loads, migrates to it exactly, and survives a reload', async () => {
  const { page, problems, context } = await open(`#${fragment(JSON.stringify(bigSet))}`);
  assert.deepEqual(await page.locator('#migrations tbody td:first-child').allTextContents(), [BIG]);
  await page.selectOption('#target', BIG);
  await page.click('#migrate-to');
  await progress(page, `Migrate to ${BIG}: 1 migration`);
  assert.deepEqual(await tableNames(page), ['big']);
  assert.match((await page.locator('#log li').allTextContents())[0], new RegExp(`^Applied ${BIG}/migrate big `));
  await survivesAndResets(page, ['big']);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the same two files through Load files, and ?demo&version=2^53 + 1, carry the version exactly', async () => {
  const { page, context } = await open();
  await page.setInputFiles('#files', bigSet.map((f) => file(f.name, f.text)));
  await progress(page, 'Load 2 files: done');
  await page.click('#apply-all');
  await progress(page, 'Apply all: 1 migration');
  assert.deepEqual(await badges(page), ['applied']);
  assert.equal(await page.locator('#migrations tbody tr').getAttribute('data-version'), BIG);
  await visit(page, `?demo&version=${BIG}#${fragment(JSON.stringify(bigSet))}`);
  assert.deepEqual(await tableNames(page), ['big']);
  await context.close();
});

/** A database made by the command, then changed by `sql` with Python's sqlite3. */
function database(sql) {
  const dir = mkdtempSync(path.join(tmpdir(), 'migraplay-db-'));
  const db = path.join(dir, 'prod.sqlite');
  const bin = process.env.MIGRAPLAY_BIN || path.join(root, 'target/debug/migraplay');
  execFileSync(bin, ['--db', db, 'up', '--to', '20250115010100']);
  execFileSync('python3', ['-c', 'import sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\nc.executescript(sys.argv[2])\nc.commit()', db, sql]);
  return { name: 'prod.sqlite', mimeType: 'application/vnd.sqlite3', buffer: readBytes(db) };
}

test('an opened .sqlite with a text version or damage is refused whole, and the database stays', async () => {
  const { page, problems, context } = await open();
  await savedWork(page);
  await page.setInputFiles('#import', database("UPDATE _sqlx_migrations SET version = 'v2' WHERE version = 20250115010100;"));
  await page.waitForSelector('#error:not([hidden])');
  assert.equal(await errorText(page), 'prod.sqlite cannot be opened: its _sqlx_migrations is not as sqlx makes it: '
    + "row 2 (version 'v2') has a text version; sqlx stores an integer");
  assert.equal(await page.locator('#progress').textContent(), 'prod.sqlite was not opened; the database you had is still here.');
  await page.setInputFiles('#import', database(`CREATE TABLE d(x); INSERT INTO d VALUES (1), (2); CREATE INDEX di ON d(x);
    PRAGMA writable_schema = ON; UPDATE sqlite_schema SET sql = 'CREATE INDEX di ON d(-x)' WHERE name = 'di';`));
  await progress(page, 'prod.sqlite was not opened');
  assert.match(await errorText(page), /^prod\.sqlite cannot be opened: it is damaged \(integrity check: /);
  assert.deepEqual(await tableNames(page), ['tasks']);
  await survivesAndResets(page);
  assert.deepEqual(problems.filter((p) => !p.startsWith('console:')), []);
  await context.close();
});

test('a deflate-bomb link is refused at 64 MiB without freezing the page, and the saved state stays', async () => {
  const { page, context } = await open();
  await savedWork(page);
  const bomb = fragment(Buffer.alloc(256 * 1024 * 1024, 0x20)); // 256 MiB of spaces in about 250 KB
  const started = Date.now();
  await visit(page, `#${bomb}`);
  const took = Date.now() - started;
  assert.equal(await errorText(page), "this link's migration set is too large: it unpacks to more than 67108864 bytes");
  assert.ok(took < 5000, `refused in ${took} ms`);
  assert.deepEqual(await tableNames(page), ['tasks']);
  await survivesAndResets(page);
  await context.close();
});

test('a set item without text names the item; a package.json among the files is ignored', async () => {
  const { page, context } = await open();
  await savedWork(page);
  const setFile = file('pr.migraplay.json', JSON.stringify([{ name: '1_a.up.sql', text: 'SELECT 1;' }, { name: '1_a.down.sql' }]));
  await page.setInputFiles('#files', [setFile]);
  await page.waitForSelector('#error:not([hidden])');
  assert.equal(await errorText(page), 'pr.migraplay.json: item 2 (1_a.down.sql) has no text');
  assert.equal(await page.locator('#migrations tbody tr').count(), 7, 'the set you had stays');

  // With saved work the link is offered; opened here, the core says what is wrong with it.
  await visit(page, `#${fragment(JSON.stringify([{ name: '1_a.sql' }]))}`);
  await page.click('text=Replace this playground with it');
  assert.equal(await errorText(page), 'this link: item 1 (1_a.sql) has no text');
  assert.deepEqual(await tableNames(page), ['tasks']);

  await page.setInputFiles('#files', [file('1_a.up.sql', 'CREATE TABLE a (x);'), file('1_a.down.sql', 'DROP TABLE a;'),
    file('package.json', '{"name": "not a migration"}')]);
  await progress(page, 'Load 2 files: done');
  assert.deepEqual(await page.locator('#migrations tbody td:nth-child(2)').allTextContents(), ['a']);
  await context.close();
});

test('a saved state that cannot be restored leaves the page usable and Reset working', async () => {
  const { page, context } = await open();
  await savedWork(page);
  await page.evaluate(() => new Promise((resolve, reject) => {
    const r = indexedDB.open('migraplay');
    r.onsuccess = () => {
      // This tab's saved playground (its id is kept for the tab's reloads).
      const id = sessionStorage.getItem('migraplay-playground');
      const tx = r.result.transaction('state', 'readwrite');
      const store = tx.objectStore('state');
      const get = store.get(id);
      get.onsuccess = () => store.put({ ...get.result, database: new Uint8Array([1, 2, 3]) }, id);
      tx.oncomplete = () => { r.result.close(); resolve(); };
      tx.onerror = () => reject(tx.error);
    };
  }));
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await errorText(page), 'The saved playground could not be restored (the saved database is not a SQLite database '
    + "(it does not start with SQLite's header)); starting with the bundled set. "
    + 'What was saved stays saved until you change something; Reset everything forgets it.');
  assert.equal(await page.locator('#apply-all').isDisabled(), false);
  await page.click('#reset');
  await progress(page, 'Reset everything: done');
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await page.locator('#error').isHidden(), true);
  await context.close();
});

test('a 4-million-line file is refused by the editor with its error line, and the page stays responsive', async () => {
  const { page, context } = await open();
  const up = `CREATE TABLE t (x);\n${'\n'.repeat(3_999_997)}INSERT INTO nowhere VALUES (1);\n`;
  await page.setInputFiles('#files', [file('1_long.up.sql', up), file('1_long.down.sql', 'DROP TABLE t;')]);
  await progress(page, 'Load 2 files: done');
  const started = Date.now();
  await page.click('#apply-all');
  await page.waitForSelector('#error:not([hidden])');
  assert.equal(await errorText(page), '1_long.up.sql, statement 2 (line 3999999): no such table: nowhere');
  await page.waitForSelector('#editor-panel:not([hidden])');
  assert.equal(await page.locator('#editor .editor-plain').textContent(), 'This text has more than 100,000 lines: too many to edit here '
    + '(the page would freeze). Edit it in a text editor and load it again. Line 3999999: INSERT INTO nowhere VALUES (1);');
  assert.equal(await page.locator('#editor-save').isDisabled(), true);
  const took = Date.now() - started;
  assert.ok(took < 5000, `took ${took} ms`);
  // Still usable: the console runs.
  await page.click('#console-run');
  await progress(page, 'Run SQL: 1 statement');
  await context.close();
});

test('a 30,000-line file opens plain, without highlighting, at its error line', async () => {
  const { page, context } = await open();
  const up = `CREATE TABLE t (x);\n${'\n'.repeat(29_997)}INSERT INTO nowhere VALUES (1);\n`;
  await page.setInputFiles('#files', [file('1_long.up.sql', up), file('1_long.down.sql', 'DROP TABLE t;')]);
  await progress(page, 'Load 2 files: done');
  await page.click('#apply-all');
  await page.waitForSelector('#editor-panel:not([hidden])');
  assert.match(await page.locator('#editor .editor-plain').textContent(), /^Highlighting and line numbers are off: .* Line 29999 is selected\.$/);
  const selected = await page.evaluate(() => {
    const t = document.querySelector('#editor textarea');
    return t.value.slice(t.selectionStart, t.selectionEnd);
  });
  assert.equal(selected, 'INSERT INTO nowhere VALUES (1);');
  await context.close();
});

test('a huge console value is cut at 10,000 characters in the grid', async () => {
  const { page, context } = await open();
  await page.locator('#console-editor textarea').fill("SELECT length(x), x FROM (SELECT printf('%.*c', 20000000, 'x') AS x);");
  await page.click('#console-run');
  await progress(page, 'Run SQL: 1 statement');
  const cells = await page.locator('#console-results td').allTextContents();
  assert.equal(cells[0], '20000000');
  assert.equal(cells[1], `${'x'.repeat(10000)}…`);
  await context.close();
});

test('the page is a sandbox: ATTACH and VACUUM INTO of a file are refused, and the memory budget is settable', async () => {
  const { page, context, problems } = await open();
  const target = path.join(mkdtempSync(path.join(tmpdir(), 'sandbox-')), 'k.db');
  await page.locator('#console-editor textarea').fill(`ATTACH '${target}' AS k;`);
  await page.click('#console-run');
  await progress(page, 'Run SQL: stopped at an error.');
  assert.match(await page.locator('#console-error .message').textContent(),
    new RegExp(`refused: '${target.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}' is a file, and migrations run in a sandbox: ATTACH and VACUUM INTO may only name ':memory:'$`));
  await page.locator('#console-editor textarea').fill("ATTACH ':memory:' AS m; CREATE TABLE m.t(x); INSERT INTO m.t VALUES (1); VACUUM;");
  await page.click('#console-run');
  await progress(page, 'Run SQL: 4 statements');
  const said = await page.locator('#console-results .result p').allTextContents();
  assert.deepEqual(said.filter((t) => t.startsWith('OK')),
    ['OK, 0 rows changed.', 'OK, 0 rows changed.', 'OK, 1 row changed.', 'OK, 0 rows changed.'], 'VACUUM after an INSERT changes no row');
  await page.fill('#memory', '16');
  await page.dispatchEvent('#memory', 'change');
  await progress(page, 'Memory budget: 16 MiB per migration.');
  await page.locator('#console-editor textarea').fill('SELECT length(randomblob(100000000));');
  await page.click('#console-run');
  await progress(page, 'Run SQL: stopped at an error.');
  assert.match(await page.locator('#console-error .message').textContent(), /stopped: it ran out of its memory budget of 16 MiB$/);
  assert.deepEqual(problems, []);
  await context.close();
});
