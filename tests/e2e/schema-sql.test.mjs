// The schema panel's "Schema as SQL" (what `sqlite3 .schema` prints, and its
// download) and "Compare versions" (the differences in words and as SQL, made
// again when the set changes), read as a user reads them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { setup, open, root, fixtureDir, download, progress } from './harness.mjs';

setup();

// sqlx's bookkeeping table, which migraplay creates before the first up (so it comes first in .schema).
const SQLX_MIGRATIONS = `CREATE TABLE _sqlx_migrations (
    version BIGINT PRIMARY KEY,
    description TEXT NOT NULL,
    installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    success BOOLEAN NOT NULL,
    checksum BLOB NOT NULL,
    execution_time BIGINT NOT NULL
);
`;

/** What `.schema` prints for the bundled set's ups, from the independent Python oracle. */
const oracle = (at) => execFileSync('python3', [path.join(root, 'tests/oracle/schema_sql_oracle.py'), fixtureDir('bundled'),
  ...(at ? ['--at', at] : [])], { encoding: 'utf8' });

test('after apply all the page shows what sqlite3 .schema prints, and downloads it as schema.sql', async () => {
  const { page, context, problems } = await open();
  await page.click('#schema-sql-details summary');
  await page.waitForFunction(() => document.querySelector('#schema-sql-status').textContent === 'The database has no schema yet.');
  assert.equal(await page.locator('#schema-sql').textContent(), '');
  await page.click('#apply-all');
  await progress(page, 'Apply all: 7 migrations');
  const expected = SQLX_MIGRATIONS + oracle();
  await page.waitForFunction((text) => document.querySelector('#schema-sql').textContent === text, expected);
  assert.match(await page.locator('#schema-sql').textContent(), /\nCREATE TRIGGER trigger_tasks_updated_at\nAFTER UPDATE ON tasks\n/);
  assert.equal((await download(page, '#schema-sql-download')).toString('utf8'), expected);
  // It follows every action.
  await page.click('#revert-last');
  await progress(page, 'Revert last');
  await page.waitForFunction(() => !document.querySelector('#schema-sql').textContent.includes('CREATE TRIGGER'));
  assert.equal(await page.locator('#schema-sql').textContent(), SQLX_MIGRATIONS + oracle('20250115010500'));
  assert.deepEqual(problems, []);
  await context.close();
});

test('comparing two versions shows the differences in words and as SQL, and follows an edit of the set', async () => {
  const { page, context, problems } = await open();
  await page.click('#compare-details summary');
  await page.selectOption('#compare-from', '20250115010000');
  await page.selectOption('#compare-to', '20250115010100');
  await page.click('#compare-run');
  await page.waitForSelector('#compare-result:not([hidden])');
  assert.equal(await page.locator('#compare-result .compare-head').textContent(), 'From 20250115010000 to 20250115010100: 4 differences.');
  assert.deepEqual(await page.locator('#compare-result ul.compare-words li').allTextContents(), [
    'table workflows added', 'index idx_workflows_created added', 'index idx_workflows_name added', 'index idx_workflows_status added']);
  assert.deepEqual(await page.locator('#compare-result ul.compare-words li').evaluateAll((lis) => lis.map((li) => li.className)),
    ['added', 'added', 'added', 'added']);
  const workflows = page.locator('#compare-result section[data-object="table workflows"]');
  assert.equal(await workflows.locator('.side').nth(0).textContent(), 'at 20250115010000not there');
  assert.match(await workflows.locator('.side').nth(1).locator('pre').textContent(), /^CREATE TABLE workflows \(\n {4}id {11}TEXT PRIMARY KEY NOT NULL,\n/);
  assert.equal(await page.locator('#schema-sql-details').getAttribute('open'), null, 'the playground was not touched');
  assert.equal(await page.locator('[data-total="tables"] dd').textContent(), '0');

  // The set changes: the same pair is compared again.
  await page.click('#migrations button[data-file="20250115010100_create_workflows.up.sql"]');
  const text = await page.locator('#editor textarea').inputValue();
  await page.locator('#editor textarea').fill(text.replace('name         TEXT NOT NULL,', 'name         TEXT NOT NULL,\n    owner        TEXT,'));
  await page.click('#editor-save');
  await page.waitForFunction(() => document.querySelector('#compare-result section[data-object="table workflows"] .side:last-child pre')?.textContent.includes('owner'));
  assert.match(await workflows.locator('.side').nth(1).locator('pre').textContent(), /name {9}TEXT NOT NULL,\n {4}owner {8}TEXT,\n/);

  // A version that cannot be built says why, in the page, naming the file and line.
  const broken = await page.locator('#editor textarea').inputValue();
  await page.locator('#editor textarea').fill(broken.replace('CREATE TABLE IF NOT EXISTS workflows', 'CREATE TABEL workflows'));
  await page.click('#editor-save');
  await page.waitForSelector('#compare-error:not([hidden])');
  assert.match(await page.locator('#compare-error .message').textContent(),
    /^version 20250115010100 cannot be built: 20250115010100_create_workflows\.up\.sql, statement 1 \(line 2\): near "TABEL": syntax error$/);
  assert.equal(await page.locator('#compare-result').isHidden(), true);

  // The same version on both sides: nothing differs.
  await page.selectOption('#compare-from', '20250115010000');
  await page.selectOption('#compare-to', '20250115010000');
  await page.click('#compare-run');
  await page.waitForFunction(() => document.querySelector('#compare-result .compare-head')?.textContent.includes('the same schema'));
  assert.equal(await page.locator('#compare-error').isHidden(), true);
  assert.equal(await page.locator('#compare-result .compare-head').textContent(), 'Versions 20250115010000 and 20250115010000 have the same schema.');
  assert.deepEqual(problems, []);
  await context.close();
});
