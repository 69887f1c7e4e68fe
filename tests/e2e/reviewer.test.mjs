// The reviewer's workflow, through the page in Chromium: their own migrations
// from a folder, hostile names shown as text, persistence across a reload,
// export read back by an independent SQLite, import with drift, share links,
// the diagram, the editor, the console and the demo view.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setup, open, loadFixture, INDEX_LEFT_BEHIND, ctx, fixture, fixtureDir, download, total, tableNames, badges, progress } from './harness.mjs';

setup();

test('a folder loaded with the file input verifies, naming the defect', async () => {
  const { page, problems } = await open();
  await page.setInputFiles('#folder', fixtureDir('trigger_created_twice'));
  await page.waitForFunction(() => document.querySelectorAll('#migrations tbody tr').length === 2);
  assert.match(await page.locator('#source').textContent(), /^Your set: 2 migrations from 4 files\./);
  await page.click('#verify');
  await page.waitForSelector('#verify-summary.fail');
  assert.deepEqual(await page.locator('#verify-results tr[data-version="20250101000100"] .problems li .finding').allTextContents(),
    ['down: trigger trigger_items_updated_at is missing (created by 20250101000000 create items, 20250101000000_create_items.up.sql line 7); see 20250101000100_create_triggers.down.sql line 2']);
  assert.deepEqual(problems, []);
  await page.context().close();
});

test('hostile names, defaults and file names render as text and run no script', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hostile-'));
  const evil = '<img src=x onerror=window.__pwned=1>';
  writeFileSync(path.join(dir, `1_<script>window.__pwned=2<script><img src=x onerror=window.__pwned=7>.up.sql`),
    `CREATE TABLE IF NOT EXISTS "${evil}" (\n  "<svg onload=window.__pwned=3>" TEXT DEFAULT '<b onmouseover=window.__pwned=4>x</b>'\n    CHECK ("<svg onload=window.__pwned=3>" <> '<script>window.__pwned=5</script>')\n);\n`
    + `CREATE INDEX IF NOT EXISTS "<iframe src=javascript:window.__pwned=6>" ON "${evil}" ("<svg onload=window.__pwned=3>");\n`);
  writeFileSync(path.join(dir, `1_<script>window.__pwned=2<script><img src=x onerror=window.__pwned=7>.down.sql`), `DROP TABLE IF EXISTS "${evil}";\n`);
  const { page, problems } = await open();
  await page.setInputFiles('#folder', dir);
  await page.waitForFunction(() => document.querySelectorAll('#migrations tbody tr').length === 1);
  await page.click('#apply-all');
  await progress(page, 'Apply all: 1 migration');
  await page.click('#verify');
  await page.waitForSelector('#verify-summary.pass, #verify-summary.fail');
  await page.click('#console-run');
  await progress(page, 'Run SQL');
  assert.equal(await page.locator('#migrations tbody td').nth(1).textContent(), '<script>window.  pwned=2<script><img src=x onerror=window.  pwned=7>', 'the description reads _ as a space');
  assert.deepEqual(await tableNames(page), [evil]);
  assert.equal(await page.locator('#tables .columns td').nth(3).textContent(), "'<b onmouseover=window.__pwned=4>x</b>'");
  assert.equal(await page.locator('svg.er .table-box text.name').textContent(), `${evil.slice(0, 27)}…`, 'long names are cut in the diagram');
  const injected = await page.evaluate(() => ({
    pwned: window.__pwned,
    elements: document.querySelectorAll('main img, main script, main iframe, main b, main svg svg, main [onerror], main [onload]').length,
  }));
  assert.deepEqual(injected, { pwned: undefined, elements: 0 });
  assert.deepEqual(problems, []);
  await page.context().close();
});

test('a reload keeps the loaded set and the database', async () => {
  const { page, context } = await open();
  await page.setInputFiles('#files', fixture('broken_third_statement',
    '1_create_authors.up.sql', '1_create_authors.down.sql', '2_create_books.up.sql', '2_create_books.down.sql'));
  await page.waitForFunction(() => document.querySelectorAll('#migrations tbody tr').length === 2);
  await page.click('#apply-next');
  await progress(page, 'Apply next: 1 migration');
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  assert.match(await page.locator('#source').textContent(), /^Your set: 2 migrations from 4 files\. The set and the database are kept in this browser\./);
  assert.deepEqual(await badges(page), ['applied', 'pending']);
  assert.deepEqual(await tableNames(page), ['authors']);

  await page.click('#reset');
  await progress(page, 'Reset everything: done');
  assert.equal(await page.locator('#migrations tbody tr').count(), 7);
  assert.equal(await total(page, 'tables'), '0');
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await page.locator('#migrations tbody tr').count(), 7, 'the reset is saved too');
  await context.close();
});

test('an exported database holds sqlx rows an independent SQLite reads, and imports back with no drift', async () => {
  const { page, context } = await open();
  await page.click('#apply-all');
  await progress(page, 'Apply all: 7 migrations');
  const bytes = await download(page, '#export');
  const dir = mkdtempSync(path.join(tmpdir(), 'export-'));
  const file = path.join(dir, 'migraplay.sqlite');
  writeFileSync(file, bytes);
  // Python's sqlite3 module: an SQLite build that has nothing to do with migraplay's.
  const rows = JSON.parse(execFileSync('python3', ['-c', `
import sqlite3, json, sys
c = sqlite3.connect(sys.argv[1])
print(json.dumps({
  "check": c.execute("PRAGMA integrity_check").fetchone()[0],
  "rows": [[v, d, s, cs.hex(), t] for v, d, s, cs, t in c.execute(
    "SELECT version, description, success, checksum, execution_time FROM _sqlx_migrations ORDER BY version")],
  "tables": [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE '\\\\_%' ESCAPE '\\\\' ORDER BY name")],
}))`, file], { encoding: 'utf8' }));
  assert.equal(rows.check, 'ok');
  assert.deepEqual(rows.tables, ['configurations', 'sessions', 'tasks', 'tool_executions', 'workflow_tasks', 'workflows']);
  const ups = readdirSync(fixtureDir('bundled')).filter((f) => f.endsWith('.up.sql')).sort();
  assert.equal(rows.rows.length, 7);
  rows.rows.forEach(([version, description, success, checksum, time], i) => {
    const name = ups[i];
    assert.equal(String(version), name.split('_')[0]);
    assert.equal(description, name.replace(/^\d+_/, '').replace('.up.sql', '').replaceAll('_', ' '));
    assert.equal(success, 1);
    assert.equal(checksum, createHash('sha384').update(readFileSync(path.join(fixtureDir('bundled'), name))).digest('hex'));
    assert.ok(time > 0);
  });

  await page.click('#reset-db');
  await progress(page, 'New database: done');
  assert.equal(await total(page, 'tables'), '0');
  await page.setInputFiles('#import', file);
  await progress(page, 'Open migraplay.sqlite: done');
  assert.equal(await page.locator('#drift').textContent(), 'Compared with migraplay.sqlite: 7 installed. No drift.');
  assert.equal(await total(page, 'tables'), '6');

  await page.setInputFiles('#import', { name: 'notes.sqlite', mimeType: 'application/octet-stream', buffer: Buffer.from('hello') });
  await page.waitForSelector('#error:not([hidden])');
  assert.equal(await page.locator('#error .message').textContent(), "notes.sqlite is not a SQLite database (it does not start with SQLite's header)");
  assert.equal(await total(page, 'tables'), '6', 'a refused file changes nothing');
  await context.close();
});

test('importing into an edited set shows the drift sqlx would report', async () => {
  const { page, context } = await open();
  await page.click('#apply-all');
  await progress(page, 'Apply all');
  const bytes = await download(page, '#export');
  await page.click('#migrations button[data-file="20250115010000_create_tasks.up.sql"]');
  await page.locator('#editor textarea').press('End');
  await page.locator('#editor textarea').type('\n-- reviewed');
  await page.click('#editor-save');
  await progress(page, 'Save 20250115010000_create_tasks.up.sql: done');
  await page.setInputFiles('#import', { name: 'prod.sqlite', mimeType: 'application/vnd.sqlite3', buffer: bytes });
  await progress(page, 'Open prod.sqlite: done');
  assert.equal(await page.locator('#drift').textContent(),
    'Compared with prod.sqlite: 6 installed, 1 installed with a different checksum. sqlx would refuse to migrate this database until that is resolved.');
  assert.equal((await badges(page))[0], 'modified');
  // The core would refuse: Revert last says so before anything runs.
  assert.equal(await page.locator('#revert-last').getAttribute('aria-disabled'), 'true');
  await page.evaluate(() => document.querySelector('#revert-last').click());
  assert.equal(await page.locator('#progress').textContent(),
    'Revert last: not now, migration 20250115010000 was previously applied but has been modified.');
  await context.close();
});

test('a share link carries the set and opening it loads the set', async () => {
  const { page, context } = await open();
  await loadFixture(page, 'index_left_behind', INDEX_LEFT_BEHIND, 2);
  await page.click('#share');
  const link = await page.locator('#share-link').inputValue();
  assert.match(link, /#set=[A-Za-z0-9_-]+$/);
  await context.close();

  const other = await open(link.slice(link.indexOf('#')));
  assert.match(await other.page.locator('#source').textContent(), /^A shared set: 2 migrations from a link\./);
  const files = await other.page.locator('#migrations tbody .files code').allTextContents();
  assert.deepEqual(files, ['1_create_things.up.sql', '1_create_things.down.sql', '2_index_b.up.sql', '2_index_b.down.sql']);
  await other.page.click('#migrations button[data-file="2_index_b.down.sql"]');
  assert.equal(await other.page.locator('#editor textarea').inputValue(), readFileSync(fixture('index_left_behind', '2_index_b.down.sql')[0], 'utf8'));
  assert.equal(new URL(other.page.url()).hash, '', 'the link is not loaded again on reload');
  assert.deepEqual(other.problems, []);
  await other.context.close();
});

test('the diagram shows every bundled table and the two workflow_tasks foreign keys, and marks what changed', async () => {
  const { page, context } = await open();
  await page.selectOption('#target', '20250115010100');
  await page.click('#migrate-to');
  await progress(page, 'Migrate to 20250115010100: 2 migrations');
  await page.click('#apply-all');
  await progress(page, 'Apply all: 5 migrations');
  const boxes = await page.locator('svg.er g.table-box').evaluateAll((gs) => gs.map((g) => [g.dataset.table, g.getAttribute('class')]));
  assert.deepEqual(boxes.map(([t]) => t).sort(), ['configurations', 'sessions', 'tasks', 'tool_executions', 'workflow_tasks', 'workflows']);
  assert.deepEqual(boxes.filter(([, c]) => c.includes('added')).map(([t]) => t).sort(),
    ['configurations', 'sessions', 'tool_executions', 'workflow_tasks'], 'tables the last action made');
  const edges = await page.locator('svg.er path.edge').evaluateAll((ps) => ps.map((p) => `${p.dataset.from}→${p.dataset.to}`));
  assert.deepEqual(edges, ['workflow_tasks→tasks', 'workflow_tasks→workflows']);
  const changes = await page.locator('#changes li').allTextContents();
  assert.ok(changes.includes('table workflow_tasks added'));
  assert.ok(changes.includes('trigger trigger_tasks_updated_at added'));
  await page.click('#revert-last');
  await progress(page, 'Revert last: 1 migration');
  assert.equal(await page.locator('#changes li').count(), 4);
  assert.equal(await page.locator('#changes li').first().textContent(), 'trigger trigger_configurations_updated_at removed');
  await context.close();
});

test('an error opens the file in the editor at its line; a fix there applies', async () => {
  const { page, context } = await open();
  await page.setInputFiles('#files', fixture('broken_third_statement',
    '1_create_authors.up.sql', '1_create_authors.down.sql', '2_create_books.up.sql', '2_create_books.down.sql'));
  await page.waitForFunction(() => document.querySelectorAll('#migrations tbody tr').length === 2);
  await page.click('#apply-all');
  await page.waitForSelector('#error:not([hidden])');
  assert.equal(await page.locator('#editor-file').textContent(), '2_create_books.up.sql');
  assert.equal(await page.locator('#editor .gutter .marked').textContent(), '12');
  assert.equal(await page.locator('#editor-note').textContent(), 'The error is on line 12.');
  const text = await page.locator('#editor textarea').inputValue();
  await page.locator('#editor textarea').fill(text.replace('TABEL', 'TABLE'));
  await page.click('#editor-save');
  await progress(page, 'Save 2_create_books.up.sql: done');
  await page.click('#apply-all');
  await progress(page, 'Apply all: 1 migration');
  assert.deepEqual(await tableNames(page), ['authors', 'books', 'reviews']);
  await context.close();
});

test('a pasted migration joins the set and applies', async () => {
  const { page, context } = await open();
  await page.click('#apply-all');
  await progress(page, 'Apply all');
  await page.click('#paste summary');
  await page.fill('#paste-name', '20250201000000_add_task_owner');
  await page.fill('#paste-up', 'ALTER TABLE tasks ADD COLUMN owner TEXT;');
  await page.fill('#paste-down', 'ALTER TABLE tasks DROP COLUMN owner;');
  await page.click('#paste-add');
  await progress(page, 'Add 20250201000000_add_task_owner: done');
  assert.deepEqual((await badges(page)).slice(-2), ['applied', 'pending']);
  await page.click('#apply-next');
  await progress(page, 'Apply next: 1 migration');
  assert.deepEqual(await page.locator('#changes li').allTextContents(), ['column tasks.owner added']);
  await context.close();
});

test('the console shows rows in a grid and an error at its line and column', async () => {
  const { page, context } = await open();
  await page.click('#apply-all');
  await progress(page, 'Apply all');
  await page.locator('#console-editor textarea').fill("INSERT INTO workflows (id, name) VALUES ('w1', 'nightly');\nSELECT id, name, is_active FROM workflows;\nSELECT nope FROM workflows;");
  await page.click('#console-run');
  await progress(page, 'Run SQL: stopped at an error.');
  assert.equal(await page.locator('#console-results .result').count(), 2);
  assert.deepEqual(await page.locator('#console-results table.grid td').allTextContents(), ['w1', 'nightly', '1']);
  assert.equal(await page.locator('#console-error .message').textContent(), 'Statement 3, line 3, column 8: no such column: nope');
  assert.equal(await page.locator('#console-error pre').textContent(), 'SELECT nope FROM workflows;\n       ^');
  assert.equal(await page.locator('#console-history li').count(), 1);
  await context.close();
});

test('the demo view is read-only, at the version asked for, and saves nothing', async () => {
  const { page, problems, context } = await open('?demo&version=20250115010200');
  await progress(page, 'Migrate to 20250115010200: 3 migrations');
  assert.deepEqual(await tableNames(page), ['tasks', 'workflow_tasks', 'workflows']);
  for (const id of ['#files', '#console-panel', '#export', '#paste']) {
    assert.equal(await page.locator(id).isVisible(), false, `${id} is hidden in the demo view`);
  }
  assert.match(await page.locator('#source').textContent(), /not saved \(demo view\)/);
  const saved = await page.evaluate(() => new Promise((resolve) => {
    const r = indexedDB.open('migraplay');
    r.onsuccess = () => resolve(r.result.objectStoreNames.length);
    r.onupgradeneeded = () => resolve(0);
  }));
  assert.equal(saved, 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a runaway migration is stopped by the time budget, rolled back, and the page stays responsive', async () => {
  const { page, context } = await open();
  await page.fill('#budget', '0.5');
  await page.locator('#budget').blur();
  await progress(page, 'Time budget: 0.5 s per migration.');
  await page.setInputFiles('#files', fixture('runaway', '1_runaway.up.sql', '1_runaway.down.sql'));
  await page.waitForFunction(() => document.querySelectorAll('#migrations tbody tr').length === 1);
  const started = Date.now();
  await page.click('#apply-all');
  // While it runs, the page answers and offers Cancel.
  assert.equal(await page.locator('#cancel').isEnabled(), true);
  assert.equal(await page.evaluate(() => 6 * 7), 42);
  await page.waitForSelector('#error:not([hidden])');
  assert.ok(Date.now() - started < 5000, `stopped after ${Date.now() - started} ms`);
  assert.equal(await page.locator('#error .message').textContent(),
    '1_runaway.up.sql, statement 2 (line 3): stopped: it ran longer than the time budget of 500ms');
  assert.deepEqual(await badges(page), ['pending']);
  assert.equal(await total(page, 'tables'), '0');
  assert.equal(await page.locator('#cancel').isDisabled(), true);
  await context.close();
});

test('Cancel stops a long action; the set and the database are as before it', async () => {
  const { page, context } = await open();
  await page.fill('#budget', '0');
  await page.locator('#budget').blur();
  await progress(page, 'Time budget: none.');
  await page.click('#apply-next');
  await progress(page, 'Apply next: 1 migration');
  await page.locator('#console-editor textarea').fill('WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n;');
  await page.click('#console-run');
  await page.waitForFunction(() => document.querySelector('#progress').textContent === 'Run SQL…');
  await page.waitForTimeout(300);
  await page.click('#cancel');
  // A cancel the user chose is said, not shown as an error.
  await progress(page, 'Cancelled. What was running was stopped and rolled back; the set and the database are as they were before it.');
  assert.equal(await page.locator('#error').isHidden(), true);
  await page.waitForFunction(() => document.querySelector('#apply-next').getAttribute('aria-disabled') === 'false');
  assert.deepEqual((await badges(page)).slice(0, 2), ['applied', 'pending']);
  assert.deepEqual(await tableNames(page), ['tasks']);
  await page.click('#apply-next');
  await progress(page, 'Apply next: 1 migration');
  await context.close();
});

test('files dropped on the migrations panel load as a set', async () => {
  const { page, context } = await open();
  const files = ['1_create_things.up.sql', '1_create_things.down.sql', '2_index_b.up.sql', '2_index_b.down.sql']
    .map((name) => ({ name, text: readFileSync(fixture('index_left_behind', name)[0], 'utf8') }));
  await page.evaluate((list) => {
    const data = new DataTransfer();
    for (const f of list) data.items.add(new File([f.text], f.name, { type: 'text/plain' }));
    const zone = document.getElementById('migrations-panel');
    zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  }, files);
  await page.waitForFunction(() => document.querySelectorAll('#migrations tbody tr').length === 2);
  assert.match(await page.locator('#source').textContent(), /^Your set: 2 migrations from 4 files\./);
  await context.close();
});

test('in a frame sandboxed without allow-same-origin the page says why it cannot start', async () => {
  const context = await ctx.browser.newContext();
  const page = await context.newPage();
  await page.setContent(`<iframe id="demo" sandbox="allow-scripts" width="1200" height="900" src="${ctx.base}?demo"></iframe>`);
  const error = page.frameLocator('#demo').locator('#error');
  await error.waitFor({ state: 'visible', timeout: 20000 });
  assert.match(await error.textContent(), /^migraplay cannot start in this frame: it is sandboxed without allow-same-origin/);
  await context.close();
});

test('the demo view works embedded in an iframe on another page', async () => {
  const context = await ctx.browser.newContext();
  const page = await context.newPage();
  // A documentation page of another origin (about:blank) embedding the demo.
  await page.setContent(`<h1>Our schema</h1><iframe id="demo" width="1200" height="900"
    src="${ctx.base}?demo&version=20250115010100"></iframe>`);
  const frame = page.frameLocator('#demo');
  await frame.locator('body[data-ready="true"]').waitFor({ timeout: 20000 });
  await frame.locator('#progress').filter({ hasText: 'Migrate to 20250115010100: 2 migrations' }).waitFor();
  assert.deepEqual(await frame.locator('#tables .table-card .name').allTextContents(), ['tasks', 'workflows']);
  assert.equal(await frame.locator('svg.er g.table-box').count(), 2);
  assert.equal(await frame.locator('#console-panel').isVisible(), false);
  await context.close();
});

test('a diesel folder loads with its folders, says why it is read as diesel, and verifies', async () => {
  const { page, problems } = await open();
  await page.setInputFiles('#folder', fixtureDir('diesel_set'));
  await page.waitForFunction(() => document.querySelectorAll('#migrations tbody tr').length === 3);
  assert.equal(await page.locator('#flavor').inputValue(), 'auto');
  assert.match(await page.locator('#flavor-why').textContent(), /^diesel \(3 folders with up\.sql, as diesel lays out migrations; /);
  const files = await page.locator('#migrations tbody .files code').allTextContents();
  assert.ok(files.includes('2024-02-01-120000-0000_add_posts/up.sql'), files.join(', '));
  assert.deepEqual(await page.locator('#load-problems li').allTextContents(), [], 'README.md is no problem');
  await page.click('#verify');
  await page.waitForSelector('#verify-summary.fail');
  assert.equal(await page.locator('#verify-summary').textContent(), 'FAIL: 1 of 3 migrations failing (202403010000000000), 2 passing.');
  assert.deepEqual(problems, []);
  await page.context().close();
});

test('a folder no tool reads is one short error, and the set that was loaded stays', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'unknown-'));
  for (let i = 1; i <= 40; i++) writeFileSync(path.join(dir, `${String(i).padStart(3, '0')}-step.sql`), 'SELECT 1;\n');
  const { page, problems } = await open();
  await page.waitForFunction(() => document.querySelectorAll('#migrations tbody tr').length === 7);
  await page.setInputFiles('#folder', dir);
  await page.waitForFunction(() => document.querySelector('#progress')?.textContent.includes('Nothing was loaded'));
  const error = page.locator('#error');
  assert.match(await error.textContent(), /^Error: no migrations found in the folder unknown-\w+: 40 \.sql files named as no tool names a migration \(001-step\.sql, 002-step\.sql, 003-step\.sql, …\)\. migraplay reads /);
  const height = (await error.boundingBox()).height;
  assert.ok(height < 200, `the error box is ${height} px tall`);
  assert.equal(await page.locator('#progress').textContent(), 'Nothing was loaded; the set you had is still here.');
  assert.equal(await page.locator('#migrations tbody tr').count(), 7, 'the bundled set is still loaded');
  assert.deepEqual(problems, []);
  await page.context().close();
});

test('a share link keeps the flavor the set was asked to be read as', async () => {
  const { page, context } = await open();
  await loadFixture(page, 'index_left_behind', INDEX_LEFT_BEHIND, 2);
  await page.selectOption('#flavor', 'golang-migrate');
  await page.waitForFunction(() => document.querySelector('#flavor-why').textContent === 'golang-migrate (asked for).');
  await page.click('#share');
  const link = await page.locator('#share-link').inputValue();
  assert.match(link, /#set=[A-Za-z0-9_-]+&as=golang-migrate$/);
  await context.close();

  const other = await open(link.slice(link.indexOf('#')));
  await other.page.waitForFunction(() => document.querySelectorAll('#migrations tbody tr').length === 2);
  assert.equal(await other.page.locator('#flavor').inputValue(), 'golang-migrate');
  assert.equal(await other.page.locator('#flavor-why').textContent(), 'golang-migrate (asked for).');
  assert.deepEqual(other.problems, []);
  await other.context.close();
});
