// The schema panel's "Schema as SQL" (what `sqlite3 .schema` prints, and its
// download) and "Compare versions" (the differences in words and each object's
// SQL line by line, made again when the set changes), read as a user reads them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { setup, open, root, fixtureDir, download, progress, audit } from './harness.mjs';

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
  assert.equal(await workflows.locator('h4').textContent(), 'table workflows added');
  // A new table is all added lines, each with its + in the gutter.
  const lines = await diffLines(workflows);
  assert.deepEqual(lines.slice(0, 2), ['+CREATE TABLE workflows (', '+    id           TEXT PRIMARY KEY NOT NULL,']);
  assert.ok(lines.every((l) => l.startsWith('+')), lines.join('\n'));
  assert.equal(await workflows.locator('details.whole').count(), 0, 'nothing to show twice: it is only at B');
  assert.equal(await page.locator('#schema-sql-details').getAttribute('open'), null, 'the playground was not touched');
  assert.equal(await page.locator('[data-total="tables"] dd').textContent(), '0');

  // The set changes: the same pair is compared again.
  await page.click('#migrations button[data-file="20250115010100_create_workflows.up.sql"]');
  const text = await page.locator('#editor textarea').inputValue();
  await page.locator('#editor textarea').fill(text.replace('name         TEXT NOT NULL,', 'name         TEXT NOT NULL,\n    owner        TEXT,'));
  await page.click('#editor-save');
  await page.waitForFunction(() => document.querySelector('#compare-result section[data-object="table workflows"] pre.sql-diff')?.textContent.includes('owner'));
  assert.deepEqual((await diffLines(workflows)).slice(2, 4), ['+    name         TEXT NOT NULL,', '+    owner        TEXT,']);

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

/** An object's diff as the user reads it: each row's gutter sign and text (`−…`, `+…`, ` …`, `⋯ n unchanged lines`). */
const diffLines = (object) => object.locator('pre.sql-diff > .line').allTextContents();

const file = (name, text) => ({ name, mimeType: 'text/plain', buffer: Buffer.from(text) });

// A table renamed in one migration and given a column (with a foreign key written without a column list) in the next.
const RENAMED_SET = [
  file('1_tasks.up.sql', `CREATE TABLE workspaces (id TEXT PRIMARY KEY);
CREATE TABLE tasks (
    id          INTEGER PRIMARY KEY,
    title       TEXT NOT NULL,
    description TEXT,
    priority    INTEGER NOT NULL DEFAULT 0,
    input       TEXT,
    output      TEXT,
    error       TEXT,
    created_at  TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at  TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    status      TEXT NOT NULL DEFAULT 'pending'
);
`),
  file('2_rename.up.sql', 'ALTER TABLE tasks RENAME TO jobs;\n'),
  file('3_workspace.up.sql', 'ALTER TABLE jobs ADD COLUMN workspace_id TEXT REFERENCES workspaces;\n'),
];

for (const scheme of ['light', 'dark']) {
  test(`comparing across a rename shows one table renamed, its lines removed and added, readable in the ${scheme} theme`, async () => {
    const { page, context, problems } = await open();
    await page.emulateMedia({ colorScheme: scheme });
    assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor),
      { light: 'rgb(247, 248, 251)', dark: 'rgb(17, 20, 26)' }[scheme], `the page is drawn ${scheme}`);
    await page.setInputFiles('#files', RENAMED_SET);
    await page.waitForFunction(() => document.querySelectorAll('#migrations tbody tr').length === 3);
    // Apply next calls the step a rename ...
    await page.selectOption('#target', '1');
    await page.click('#migrate-to');
    await progress(page, 'Migrate to 1');
    await page.click('#apply-next');
    await progress(page, 'Apply next: 1 migration');
    assert.deepEqual(await page.locator('#changes li').allTextContents(), ['table tasks: renamed tasks → jobs']);

    // ... and so does Compare, across it and the step after.
    await page.click('#compare-details summary');
    await page.selectOption('#compare-from', '1');
    await page.selectOption('#compare-to', '3');
    await page.click('#compare-run');
    await page.waitForSelector('#compare-result:not([hidden]) .compare-object');
    assert.deepEqual(await page.locator('#compare-result ul.compare-words li').allTextContents(), [
      'table tasks: renamed tasks → jobs',
      'column jobs.workspace_id added',
      'table jobs: FOREIGN KEY (workspace_id) → workspaces (its primary key) added',
    ]);
    const objects = page.locator('#compare-result section.compare-object');
    assert.equal(await objects.count(), 1, 'one table renamed, not one removed and one added');
    assert.equal(await objects.locator('h4').textContent(), 'table tasks renamed to jobs');
    assert.deepEqual(await diffLines(objects), [
      '−CREATE TABLE tasks (',
      '+CREATE TABLE IF NOT EXISTS "jobs" (',
      '     id          INTEGER PRIMARY KEY,',
      '     title       TEXT NOT NULL,',
      '     description TEXT,',
      '⋯ 4 unchanged lines',
      '     created_at  TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,',
      '     updated_at  TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,',
      "     status      TEXT NOT NULL DEFAULT 'pending'",
      '−);',
      '+, workspace_id TEXT REFERENCES workspaces);',
    ]);
    // Removed lines are deletions and added ones insertions, on the theme's bad and good backgrounds.
    const marked = await objects.locator('pre.sql-diff > .line').evaluateAll((rows) => rows
      .filter((r) => !r.classList.contains('same') && !r.classList.contains('skipped'))
      .map((r) => [r.tagName, getComputedStyle(r).backgroundColor]));
    const bg = await page.evaluate(() => ['--bad-bg', '--good-bg'].map((v) => {
      const probe = document.createElement('div');
      probe.style.background = `var(${v})`;
      document.body.append(probe);
      const c = getComputedStyle(probe).backgroundColor;
      probe.remove();
      return c;
    }));
    assert.deepEqual(marked, [['DEL', bg[0]], ['INS', bg[1]], ['DEL', bg[0]], ['INS', bg[1]]]);
    // Both whole statements are a click away.
    await objects.locator('details.whole > summary').click();
    assert.equal(await objects.locator('details.whole .side').nth(0).locator('h5').textContent(), 'at 1');
    assert.match(await objects.locator('details.whole .side').nth(1).locator('pre').textContent(), /^CREATE TABLE IF NOT EXISTS "jobs" \(\n/);
    await audit(page, `on a comparison across a rename (${scheme})`);

    // Back the other way: the table renamed back, the column's lines removed.
    await page.selectOption('#compare-from', '3');
    await page.selectOption('#compare-to', '1');
    await page.click('#compare-run');
    await page.waitForFunction(() => document.querySelector('#compare-result .compare-head')?.textContent.startsWith('From 3 to 1'));
    assert.equal(await objects.locator('h4').textContent(), 'table jobs renamed to tasks');
    assert.deepEqual((await diffLines(objects)).slice(-2), ['−, workspace_id TEXT REFERENCES workspaces);', '+);']);

    // The schema's card names the key a foreign key without a column list references.
    await page.click('#apply-next');
    await page.waitForSelector('#tables [data-table="jobs"] ul.foreign-keys li');
    assert.deepEqual(await page.locator('#tables [data-table="jobs"] ul.foreign-keys li').allTextContents(),
      ['(workspace_id) → workspaces (its primary key) ON DELETE NO ACTION ON UPDATE NO ACTION']);
    assert.deepEqual(problems, []);
    await context.close();
  });
}
