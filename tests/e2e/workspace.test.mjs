// The page loses nothing and shows nothing stale: console writes survive a
// reload and Cancel, two tabs keep their own playgrounds, a link never
// replaces saved work without asking, a verdict about another set is marked
// stale, actions wait for a folder being read, and the controls say what the
// core says (current version, why a button cannot act).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setup, open, loadFixture, INDEX_LEFT_BEHIND, fixture, badges, tableNames, progress } from './harness.mjs';

setup();

const ready = (page) => page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
const runSql = async (page, sql, done = 'Run SQL: ') => {
  await page.locator('#console-editor textarea').fill(sql);
  await page.click('#console-run');
  await progress(page, done);
};
/** The paths of `n` generated migrations (a table each, with its down), in a new folder. */
function manyFiles(n) {
  const dir = mkdtempSync(path.join(tmpdir(), `migraplay-${n}-`));
  const paths = [];
  for (let i = 1; i <= n; i += 1) {
    for (const [suffix, sql] of [['up', `CREATE TABLE t${i} (x);\n`], ['down', `DROP TABLE t${i};\n`]]) {
      paths.push(path.join(dir, `${i}_t${i}.${suffix}.sql`));
      writeFileSync(paths.at(-1), sql);
    }
  }
  return paths;
}
const able = (page, id) => page.locator(`#${id}`).getAttribute('aria-disabled').then((v) => v !== 'true');

test('console writes are saved: they survive a reload and a Cancel, and show as changes', async () => {
  const { page, context, problems } = await open();
  await runSql(page, 'CREATE TABLE notes (body TEXT NOT NULL); INSERT INTO notes VALUES (\'kept\');');
  assert.deepEqual(await page.locator('#changes li').allTextContents(), ['table notes added']);
  assert.match(await page.locator('#console-status').textContent(), /the database changed and is saved/);
  await page.reload();
  await ready(page);
  assert.deepEqual(await tableNames(page), ['notes']);

  // A long run, cancelled from the console's own Cancel: the earlier write stays.
  await page.fill('#budget', '0');
  await page.locator('#budget').blur();
  await progress(page, 'Time budget: none.');
  await page.locator('#console-editor textarea').fill('WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n;');
  await page.click('#console-run');
  await page.waitForFunction(() => document.querySelector('#console-status').textContent === 'Running…');
  assert.equal(await able(page, 'console-cancel'), true);
  await page.click('#console-cancel');
  await progress(page, 'Cancelled. The console run was stopped and rolled back; the database is as it was before it.');
  assert.equal(await page.locator('#error').isHidden(), true);
  assert.match(await page.locator('#console-status').textContent(), /^Stopped: Cancelled\./);
  await page.waitForFunction(() => document.querySelector('#apply-next').getAttribute('aria-disabled') === 'false');
  assert.deepEqual(await tableNames(page), ['notes']);
  await runSql(page, 'SELECT body FROM notes;');
  assert.deepEqual(await page.locator('#console-results td').allTextContents(), ['kept']);
  assert.deepEqual(problems, []);
  await context.close();
});

test('two tabs of one origin keep their own playgrounds through reloads', async () => {
  const { page: a, context } = await open();
  await loadFixture(a, 'index_left_behind', INDEX_LEFT_BEHIND, 2);
  await a.click('#apply-all');
  await progress(a, 'Apply all: 2 migrations');

  // A second tab gets a playground of its own (the bundled set), not tab A's.
  const { page: b } = await open('', { context });
  assert.equal(await b.locator('#migrations tbody tr').count(), 7);
  await b.click('#apply-next');
  await progress(b, 'Apply next: 1 migration');
  await runSql(b, 'CREATE TABLE only_in_b (x);');

  await a.reload();
  await ready(a);
  await b.reload();
  await ready(b);
  assert.deepEqual(await badges(a), ['applied', 'applied']);
  assert.deepEqual(await tableNames(a), ['things']);
  assert.deepEqual(await badges(b), ['applied', ...Array(6).fill('pending')]);
  assert.deepEqual(await tableNames(b), ['only_in_b', 'tasks']);
  await b.click('#playgrounds summary');
  await b.waitForFunction(() => document.querySelectorAll('#playground-list li').length === 2);
  assert.deepEqual(await b.locator('#playground-list li em, #playground-list li strong').allTextContents(),
    ['This tab.', 'Open in another tab.'], 'the most recently saved first');
  await context.close();
});

test('a link never replaces saved work without asking, and a new #set= in an open tab is offered', async () => {
  const { page, context } = await open();
  await loadFixture(page, 'index_left_behind', INDEX_LEFT_BEHIND, 2);
  await page.click('#share');
  const link = await page.locator('#share-link').inputValue();
  await page.click('#load-bundled');
  await page.waitForFunction(() => document.querySelectorAll('#migrations tbody tr').length === 7);
  await page.click('#apply-next');
  await progress(page, 'Apply next: 1 migration');

  // Pasted into the open tab: offered, not loaded.
  await page.evaluate((hash) => { location.hash = hash; }, new URL(link).hash);
  await page.waitForSelector('#link-offer:not([hidden])');
  assert.match(await page.locator('#link-offer p').textContent(), /^This link carries a migration set\./);
  assert.equal(await page.locator('#migrations tbody tr').count(), 7, 'the saved set is still shown');
  await page.click('text=Open it in a new playground');
  await page.waitForFunction(() => document.querySelectorAll('#migrations tbody tr').length === 2);
  assert.match(await page.locator('#source').textContent(), /^A shared set: 2 migrations from a link\./);
  assert.equal(new URL(page.url()).hash, '');

  // The playground it did not replace is one click away, as it was.
  await page.click('#playgrounds summary');
  await page.click('#playground-list button:text("Open here")');
  await page.waitForFunction(() => document.querySelectorAll('#migrations tbody tr').length === 7);
  assert.deepEqual(await badges(page), ['applied', ...Array(6).fill('pending')]);
  await page.close();

  // Opened fresh with saved work: the saved playground shows and the link is offered.
  const { page: again } = await open(new URL(link).hash, { context });
  await again.waitForSelector('#link-offer:not([hidden])');
  assert.deepEqual(await badges(again), ['applied', ...Array(6).fill('pending')]);
  await again.click('text=Not now');
  assert.equal(await again.locator('#link-offer').isHidden(), true);
  await context.close();
});

test('a verdict about another set is marked stale', async () => {
  const { page, context } = await open();
  await page.click('#verify');
  await page.waitForFunction(() => document.querySelector('#verify-summary').textContent.startsWith('PASS'));
  assert.equal(await page.locator('#verify-stale').isHidden(), true);
  await loadFixture(page, 'index_left_behind', INDEX_LEFT_BEHIND, 2);
  assert.equal(await page.locator('#verify-stale').isVisible(), true);
  assert.match(await page.locator('#verify-stale').textContent(), /^The set changed since this verification/);
  await page.click('#verify');
  await page.waitForFunction(() => document.querySelector('#verify-summary').textContent.startsWith('FAIL'));
  assert.equal(await page.locator('#verify-stale').isHidden(), true);
  await context.close();
});

test('Verify while a folder is being read waits for it, then verifies the new set', async () => {
  const { page, context } = await open();
  await page.setInputFiles('#files', manyFiles(99));
  // Clicked at once, as an impatient user would: the page is busy reading and says so.
  await page.evaluate(() => document.querySelector('#verify').click());
  assert.match(await page.locator('#progress').textContent(), /^(Verify: not now, wait until “(Reading 198 files|Load 198 files)” is done\.|Reading 198 files…|Load 198 files…)$/);
  await page.click('#verify');
  await page.waitForFunction(() => /^(PASS|FAIL)/.test(document.querySelector('#verify-summary').textContent));
  assert.match(await page.locator('#verify-counts').textContent(), /99/);
  assert.equal(await page.locator('#verify-results tbody tr').count(), 99);
  await context.close();
});

test('the controls say what the core says: the current version, and why a button cannot act', async () => {
  const { page, context } = await open();
  await page.click('#apply-all');
  await progress(page, 'Apply all: 7 migrations');
  assert.equal(await page.locator('#target').inputValue(), '20250115010600');
  assert.equal(await able(page, 'apply-all'), false);

  // A migration without a down, applied last: Revert last cannot act, and says why.
  await page.click('#paste summary');
  await page.fill('#paste-name', '20250201000000_extra');
  await page.fill('#paste-up', 'CREATE TABLE extra (x);');
  await page.click('#paste-add');
  await progress(page, 'Add 20250201000000_extra: done.');
  await page.click('#apply-next');
  await progress(page, 'Apply next: 1 migration');
  assert.equal(await able(page, 'revert-last'), false);
  await page.evaluate(() => document.querySelector('#revert-last').click());
  assert.equal(await page.locator('#progress').textContent(),
    'Revert last: not now, migration 20250201000000 is irreversible (it has no down).');
  await context.close();

  const demo = await open('?demo&version=20250115010200');
  assert.equal(await demo.page.locator('#target').inputValue(), '20250115010200');
  await demo.context.close();
  const bad = await open('?demo&version=abc');
  await bad.page.waitForSelector('#error:not([hidden])');
  assert.equal(await bad.page.locator('#error .message').textContent(), 'not a migration version: abc');
  await bad.context.close();
});

test('keyboard: focus stays on the button that acted', async () => {
  const { page, context } = await open();
  await page.focus('#apply-next');
  await page.keyboard.press('Enter');
  await progress(page, 'Apply next: 1 migration');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'apply-next');
  await page.keyboard.press('Enter');
  await progress(page, 'Apply next: 1 migration');
  assert.deepEqual((await badges(page)).slice(0, 3), ['applied', 'applied', 'pending']);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'apply-next');
  await context.close();
});

test('Cancel while files are read loads nothing: the set you had stays', async () => {
  const { page, context } = await open();
  await page.setInputFiles('#files', manyFiles(1500));
  await page.evaluate(() => document.querySelector('#cancel').click());
  await page.waitForFunction(() => document.querySelector('#progress').textContent.startsWith('Cancelled.'));
  await page.waitForFunction(() => !document.body.hasAttribute('aria-busy'));
  await page.waitForTimeout(500);
  assert.equal(await page.locator('#migrations tbody tr').count(), 7);
  assert.match(await page.locator('#source').textContent(), /^The bundled set: 7 migrations\./);
  assert.equal(await page.locator('#error').isHidden(), true);
  await context.close();
});

test('a link offered while the page is busy waits, and says why', async () => {
  const { page, context } = await open();
  await page.click('#share');
  const { hash } = new URL(await page.locator('#share-link').inputValue());
  await page.click('#apply-next');
  await progress(page, 'Apply next: 1 migration');
  await page.fill('#budget', '0');
  await page.locator('#budget').blur();
  await progress(page, 'Time budget: none.');
  await page.locator('#console-editor textarea').fill('WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n;');
  await page.click('#console-run');
  await page.evaluate((h) => { location.hash = h; }, hash);
  await page.waitForSelector('#link-offer:not([hidden])');
  await page.evaluate(() => [...document.querySelectorAll('#link-offer button')][1].click());
  assert.equal(await page.locator('#progress').textContent(), 'Replace this playground with it: not now, wait until “Run SQL” is done.');
  assert.equal(await page.locator('#link-offer').isVisible(), true, 'the offer stays');
  await page.click('#console-cancel');
  await page.click('text=Replace this playground with it');
  await progress(page, 'Open the shared set: done.');
  assert.match(await page.locator('#source').textContent(), /^A shared set: 7 migrations from a link\./);
  await context.close();
});

test('Reset everything forgets only this tab\'s playground and console history', async () => {
  const { page: a, context } = await open();
  const { page: b } = await open('', { context });
  await runSql(b, 'SELECT 42 AS only_in_b;');
  await runSql(a, 'SELECT 1 AS only_in_a;');
  await a.click('#reset');
  await progress(a, 'Reset everything: done.');
  assert.equal(await a.locator('#console-history li').count(), 0);
  await b.reload();
  await ready(b);
  assert.deepEqual(await b.locator('#console-history li').allTextContents(), ['SELECT 42 AS only_in_b;']);
  await context.close();
});

test('the demo view says a damaged link is damaged, and does not pass the bundled set off as it', async () => {
  const { page, context } = await open('?demo#set=AAAA');
  await page.waitForSelector('#error:not([hidden])');
  assert.equal(await page.locator('#error .message').textContent(),
    "this link's migration set is damaged (it may have been cut short when it was copied)");
  await context.close();
});

test('keyboard: closing the editor returns focus to the file; Read as says why it cannot act', async () => {
  const { page, context } = await open();
  await page.focus('#migrations button[data-file="20250115010100_create_workflows.up.sql"]');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#editor-panel:not([hidden])');
  await page.focus('#editor-close');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.file), '20250115010100_create_workflows.up.sql');

  // By keyboard, as a user would change it (the select stays focusable).
  await page.focus('#flavor');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.locator('#progress').textContent(), 'Read as: not now, the bundled set is sqlx\'s.');
  assert.equal(await page.locator('#flavor').inputValue(), 'auto');
  await context.close();
});
