// End to end: serve the built page with `migraplay serve`, open it in Debian's
// Chromium (playwright-core, no downloaded browser), click as a user would and
// read what the page shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup, open, loadFixture, INDEX_LEFT_BEHIND, fixture, fixtureDir, download as downloadBytes, total, tableNames } from './harness.mjs';

setup();

test('the page lists the seven bundled migrations, all pending', async () => {
  const { page, problems } = await open();
  const rows = page.locator('#migrations tbody tr');
  assert.equal(await rows.count(), 7);
  assert.deepEqual(await page.locator('#migrations tbody .badge').allTextContents(), Array(7).fill('pending'));
  assert.equal(await rows.nth(0).locator('td').nth(1).textContent(), 'create tasks');
  assert.equal(await page.locator('#revert-all').isDisabled(), true, 'nothing to revert yet');
  assert.equal(await page.locator('#apply-all').isDisabled(), false);
  assert.deepEqual(problems, []);
  await page.context().close();
});

test('apply all shows 6 tables, 4 triggers and 2 foreign keys; revert all leaves none', async () => {
  const { page, problems } = await open();
  await page.click('#apply-all');
  await page.waitForFunction(() => document.querySelector('#progress').textContent.startsWith('Apply all: 7 migrations'));
  assert.equal(await total(page, 'tables'), '6');
  assert.equal(await total(page, 'triggers'), '4');
  assert.equal(await total(page, 'foreign_keys'), '2');
  assert.equal(await total(page, 'indexes'), '23');
  assert.deepEqual(await tableNames(page),
    ['configurations', 'sessions', 'tasks', 'tool_executions', 'workflow_tasks', 'workflows']);
  const fks = await page.locator('[data-table="workflow_tasks"] ul.foreign-keys li').allTextContents();
  assert.deepEqual(fks, [
    '(task_id) → tasks(id) ON DELETE CASCADE ON UPDATE NO ACTION',
    '(workflow_id) → workflows(id) ON DELETE CASCADE ON UPDATE NO ACTION',
  ]);
  const log = await page.locator('#log li').allTextContents();
  assert.equal(log.length, 7);
  assert.match(log[0], /^Applied 20250115010000\/migrate create tasks \(\d+(\.\d+)?(ns|µs|ms|s)\)$/);
  assert.deepEqual(await page.locator('#migrations tbody .badge').allTextContents(), Array(7).fill('applied'));
  assert.equal(await page.locator('#apply-all').isDisabled(), true, 'nothing left to apply');

  await page.click('#revert-all');
  await page.waitForFunction(() => document.querySelector('#progress').textContent.startsWith('Revert all: 7 migrations'));
  assert.equal(await total(page, 'tables'), '0');
  assert.deepEqual(await tableNames(page), []);
  assert.equal(await page.locator('#tables .empty').textContent(), 'No user tables.');
  assert.match((await page.locator('#log li').allTextContents())[7], /^Applied 20250115010600\/revert create triggers \(/);
  assert.deepEqual(problems, []);
  await page.context().close();
});

test('migrate to a version goes there and back', async () => {
  const { page } = await open();
  await page.selectOption('#target', '20250115010200');
  await page.click('#migrate-to');
  await page.waitForFunction(() => document.querySelector('#progress').textContent.includes('3 migrations'));
  assert.deepEqual(await tableNames(page), ['tasks', 'workflow_tasks', 'workflows']);
  await page.selectOption('#target', '0');
  await page.click('#migrate-to');
  await page.waitForFunction(() => document.querySelector('[data-total="tables"] dd').textContent === '0');
  await page.context().close();
});

test('a broken third statement leaves no trace and the page names file, statement 3 and line', async () => {
  const { page } = await open();
  await page.setInputFiles('#files', fixture('broken_third_statement',
    '1_create_authors.up.sql', '1_create_authors.down.sql', '2_create_books.up.sql', '2_create_books.down.sql'));
  await page.waitForFunction(() => document.querySelectorAll('#migrations tbody tr').length === 2);
  assert.match(await page.locator('#source').textContent(), /^Your set: 2 migrations from 4 files/);
  await page.click('#apply-all');
  await page.waitForSelector('#error:not([hidden])');
  assert.equal(await page.locator('#error .message').textContent(),
    '2_create_books.up.sql, statement 3 (line 12): near "TABEL": syntax error');
  assert.deepEqual(await tableNames(page), ['authors'], 'books and its index were rolled back');
  assert.deepEqual(await page.locator('#migrations tbody .badge').allTextContents(), ['applied', 'pending']);

  await page.click('#load-bundled');
  await page.waitForFunction(() => document.querySelectorAll('#migrations tbody tr').length === 7);
  await page.context().close();
});

test('a set of which nothing loads is reported and the loaded set stays', async () => {
  const { page } = await open();
  const file = (name, text) => ({ name, mimeType: 'text/plain', buffer: Buffer.from(text) });
  await page.setInputFiles('#files', [file('2_create_b.down.sql', 'DROP TABLE b;')]);
  await page.waitForSelector('#error:not([hidden])');
  assert.equal(await page.locator('#error .message').textContent(),
    '2_create_b.down.sql has no matching up migration; add 2_create_b.up.sql');
  assert.equal(await page.locator('#migrations tbody tr').count(), 7, 'the bundled set is still loaded');
  await page.context().close();
});

test('a set with a broken file loads what it can, lists the file, verifies the rest and refuses to apply', async () => {
  const { page } = await open();
  const file = (name, text) => ({ name, mimeType: 'text/plain', buffer: Buffer.from(text) });
  await page.setInputFiles('#files', [file('1_create_a.up.sql', 'CREATE TABLE a (x);'), file('1_create_a.down.sql', 'DROP TABLE a;'),
    file('2_create_b.down.sql', 'DROP TABLE b;')]);
  await page.waitForFunction(() => document.querySelectorAll('#migrations tbody tr').length === 1);
  assert.deepEqual(await page.locator('#load-problems li').allTextContents(),
    ['Could not load: 2_create_b.down.sql has no matching up migration; add 2_create_b.up.sql']);
  await page.click('#verify');
  await page.waitForSelector('#verify-summary.fail');
  assert.equal(await page.locator('#verify-summary').textContent(),
    'FAIL: 1 file could not be loaded; of what loaded, the 1 migration applies, reverts and re-applies cleanly.');
  // The core refuses before anything runs, and the button says why.
  assert.equal(await page.locator('#apply-all').getAttribute('aria-disabled'), 'true');
  await page.evaluate(() => document.querySelector('#apply-all').click());
  assert.match(await page.locator('#progress').textContent(),
    /^Apply all: not now, 1 file of the set could not be loaded; fix it before applying or reverting:/);
  await page.context().close();
});

const download = async (page, id) => String(await downloadBytes(page, `#${id}`));

test('verify shows PASS per migration, the totals, no lint, and downloads of the same report', async () => {
  const { page, problems } = await open();
  await page.click('#verify');
  await page.waitForSelector('#verify-summary.pass, #verify-summary.fail');
  assert.equal(await page.locator('#verify-summary').textContent(),
    'PASS: all 7 migrations apply, revert and re-apply cleanly.');
  assert.deepEqual(await page.locator('#verify-results tbody .badge').allTextContents(), Array(7).fill('PASS'));
  assert.equal(await page.locator('#verify-rollback').textContent(),
    'Full rollback: from 20250115010600 to 0, cleanly (7 downs, the schema as before the first up)');
  assert.equal(await page.locator('#verify-repeat').textContent(), 'Repeatability: UP→DOWN→UP gives the same schema for all 7');
  assert.equal(await page.locator('#verify-step').textContent(), 'Done.');
  assert.equal(await page.locator('#verify-progress').evaluate((p) => p.value === p.max && p.max === 21), true);
  assert.equal(await page.locator('#verify-lint-counts').textContent(), 'Lint: 0 safety warnings; 0 style warnings.');
  assert.equal(await page.locator('#verify-lint li').count(), 0);
  const md = await download(page, 'download-md');
  const json = JSON.parse(await download(page, 'download-json'));
  assert.equal(json.ok, true);
  assert.deepEqual([json.totals.tables, json.totals.indexes, json.totals.triggers, json.totals.foreign_keys], [6, 23, 4, 2]);
  assert.match(json.ran_on, /Chrome/);
  assert.ok(md.startsWith('# Database Migrations Test Report\n'));
  assert.ok(md.includes(`- SQLite version: ${json.sqlite_version}\n`));
  assert.ok(md.includes(`- Ran on: ${json.ran_on}\n`));
  for (const line of json.tests.up.log) assert.ok(md.includes(`${line}\n`), `${line} is in the Markdown`);
  assert.ok(md.includes('- 23 indexes\n') && md.includes('- 6 tables (51 columns)\n'));
  // The rendered report is the downloaded Markdown, drawn as text.
  assert.equal(await page.locator('#report h3').first().textContent(), 'Database Migrations Test Report');
  assert.match(await page.locator('#report').textContent(), /Verdict: PASS: all 7 migrations apply, revert and re-apply cleanly\./);
  assert.equal(await page.locator('#migrations tbody .badge').first().textContent(), 'pending', 'verify leaves the playground database alone');
  assert.deepEqual(problems, []);
  await page.context().close();
});

test('verify in the page names the index a down forgot and the migration that made it', async () => {
  const { page } = await open();
  await loadFixture(page, 'index_left_behind', INDEX_LEFT_BEHIND, 2);
  await page.click('#verify');
  await page.waitForSelector('#verify-summary.fail');
  assert.equal(await page.locator('#verify-summary').textContent(), 'FAIL: 1 of 2 migrations failing (2), 1 passing.');
  assert.deepEqual(await page.locator('#verify-failing li .finding').allTextContents(),
    ['2 index b: down: index idx_b is still there (created by 2 index b, 2_index_b.up.sql line 1); nothing in 2_index_b.down.sql touches index idx_b']);
  assert.deepEqual(await page.locator('#verify-results tbody .badge').allTextContents(), ['PASS', 'FAIL']);
  assert.deepEqual(await page.locator('#verify-results tr[data-version="2"] .problems li .finding').allTextContents(),
    ['down: index idx_b is still there (created by 2 index b, 2_index_b.up.sql line 1); nothing in 2_index_b.down.sql touches index idx_b']);
  // Dropping the table takes the forgotten index with it: one database still goes down to 0 cleanly,
  // and what re-ran only on a rebuilt database is said apart.
  assert.equal(await page.locator('#verify-rollback').textContent(),
    'Full rollback: from 2 to 0, cleanly (2 downs, the schema as before the first up)');
  assert.match(await page.locator('#verify-repeat').textContent(), /1 re-ran only on a rebuilt database/);
  assert.deepEqual(await page.locator('#verify-results tr[data-version="2"] .step-changes li').allTextContents(), ['index idx_b added', 'index idx_b_id added']);
  const json = JSON.parse(await download(page, 'download-json'));
  assert.equal(json.ok, false);
  assert.deepEqual(json.migrations.map((m) => m.status), ['pass', 'fail']);
  assert.deepEqual(json.migrations[1].problems.map((p) => [p.kind, p.stage, p.difference.kind, p.difference.change, p.origin.by]),
    [['differs', 'down', 'index', 'still_there', 'up']]);
  await page.context().close();
});

test('verify in the page counts what was not tested apart, lists what each up changes, and toggles the style rules', async () => {
  const { page, problems } = await open();
  await page.setInputFiles('#files', fixture('not_tested_after_failure',
    '1_create_a.up.sql', '1_create_a.down.sql', '2_create_b.up.sql', '2_create_b.down.sql', '3_create_c.up.sql', '3_create_c.down.sql'));
  await page.waitForFunction(() => document.querySelectorAll('#migrations tbody tr').length === 3);
  await page.click('#verify');
  await page.waitForSelector('#verify-summary.fail');
  assert.equal(await page.locator('#verify-summary').textContent(), 'FAIL: 1 of 3 migrations failing (2), 1 not tested, 1 passing.');
  assert.deepEqual(await page.locator('#verify-failing li .finding').allTextContents(),
    ['2 create b: up failed: 2_create_b.up.sql, statement 2 (line 2): no such table: missing_table (rolled back)']);
  assert.equal(await page.locator('#verify-counts').textContent(),
    'Up: 2 ran, 1 failed, 1 not tested. Down: 1 ran (1 left the schema as before, 0 left a difference, 0 stopped on an error), '
    + '0 irreversible, 2 not tested. Up again: 1 ran, 0 gave another schema or failed, 2 not tested.');
  assert.deepEqual(await page.locator('#verify-results tbody .badge').allTextContents(), ['PASS', 'FAIL', 'NOT TESTED']);
  assert.deepEqual(await page.locator('#verify-results tr[data-version="3"] .problems li .finding').allTextContents(),
    ['not tested: the up of 2 create b failed before it']);
  assert.deepEqual(await page.locator('#verify-results tr[data-version="1"] .step-changes li').allTextContents(), ['table a added']);
  assert.equal(await page.locator('#verify-lint-counts').textContent(),
    'Lint: 0 safety warnings; 6 style warnings (create-without-if-not-exists 3, drop-without-if-exists 3).');
  assert.equal(await page.locator('#verify-lint li').count(), 6);
  // Style rules off: the report on screen and its downloads lose them at once, and the choice survives a reload.
  await page.uncheck('#style-lint');
  await page.waitForFunction(() => document.querySelector('#verify-lint-counts').textContent === 'Lint: 0 safety warnings; style rules off.');
  await page.waitForFunction(() => document.activeElement === document.querySelector('#style-lint'));
  assert.equal(await page.locator('#verify-lint li').count(), 0);
  assert.match(await download(page, 'download-md'), /- \*\*Lint\*\*: 0 safety warnings; style rules off\n/);
  await page.reload();
  await page.waitForSelector('#verify[aria-disabled="false"]');
  assert.equal(await page.locator('#style-lint').isChecked(), false);
  assert.deepEqual(problems, []);
  await page.context().close();
});

test('verify in the page shows a down that loses a UNIQUE constraint, a collation and an index order', async () => {
  const { page } = await open();
  await page.setInputFiles('#files', fixture('rebuild_loses_constraints',
    '1_create_accounts.up.sql', '1_create_accounts.down.sql', '2_add_plan.up.sql', '2_add_plan.down.sql'));
  await page.waitForFunction(() => document.querySelectorAll('#migrations tbody tr').length === 2);
  await page.click('#verify');
  await page.waitForSelector('#verify-summary.fail');
  assert.deepEqual(await page.locator('#verify-results tr[data-version="2"] .problems li .finding').allTextContents(), [
    'down: column accounts.email: collation NOCASE → none (created by 1 create accounts, 1_create_accounts.up.sql line 1); see 2_add_plan.down.sql line 10',
    'down: column accounts.id: autoincrement yes → no (created by 1 create accounts, 1_create_accounts.up.sql line 1); see 2_add_plan.down.sql line 10',
    'down: table accounts: UNIQUE (org, handle) is missing (created by 1 create accounts, 1_create_accounts.up.sql line 1); see 2_add_plan.down.sql line 10',
    'down: table accounts_backup is new (the down created it); see 2_add_plan.down.sql line 12',
    'down: index idx_accounts_email: key email DESC → email (created by 1 create accounts, 1_create_accounts.up.sql line 8); see 2_add_plan.down.sql line 11',
  ]);
  assert.deepEqual(await page.locator('#verify-results tr[data-version="2"] .step-changes li').allTextContents(),
    ['column accounts.plan added', "table accounts: CHECK (plan IN ('free', 'pro')) added"]);
  // The rendered report shows escaped Markdown as plain text.
  assert.match(await page.locator('#report').textContent(), /UNIQUE \(org, handle\) is missing/);
  await page.context().close();
});

test('a goose set is read as goose and says why; another flavor can be asked for and survives a reload', async () => {
  const { page, problems } = await open();
  await page.setInputFiles('#files', fixture('goose_set',
    '20240101000000_create_items.sql', '20240102000000_index_names.sql', '20240103000000_add_price.sql'));
  await page.waitForFunction(() => document.querySelectorAll('#migrations tbody tr').length === 3);
  assert.equal(await page.locator('#flavor-why').textContent(), 'goose (3 files have `-- +goose Up` sections).');
  assert.equal(await page.locator('#flavor').inputValue(), 'auto');
  await page.click('#verify');
  await page.waitForSelector('#verify-summary.pass');
  assert.deepEqual(await page.locator('#verify-results tbody .badge').allTextContents(), ['PASS', 'PASS', 'PASS']);
  await page.selectOption('#flavor', 'sqlx');
  await page.waitForFunction(() => document.querySelector('#flavor-why').textContent === 'sqlx (asked for).');
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await page.locator('#flavor').inputValue(), 'sqlx');
  assert.equal(await page.locator('#flavor-why').textContent(), 'sqlx (asked for).');
  assert.deepEqual(problems, []);
  await page.context().close();
});

test('a golang-migrate set that brings its own transactions runs as golang-migrate would', async () => {
  const { page } = await open();
  await page.setInputFiles('#folder', fixtureDir('golang_migrate_own_transactions'));
  await page.waitForFunction(() => document.querySelectorAll('#migrations tbody tr').length === 2);
  assert.match(await page.locator('#flavor-why').textContent(), /^golang-migrate \(3 files bring their own BEGIN\/COMMIT/);
  await page.click('#apply-all');
  await page.waitForFunction(() => document.querySelector('#progress').textContent.startsWith('Apply all: 2 migrations'));
  assert.deepEqual(await tableNames(page), ['accounts']);
  await page.context().close();
});
