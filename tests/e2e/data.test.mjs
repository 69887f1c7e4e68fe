// Data survives (verify seeds rows before each up and checks them after each
// up and down), as the page shows it; and Fill with sample rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup, open, loadFixture, progress } from './harness.mjs';

setup();

test('verify in the page shows what each migration did to the seeded rows, and a down that loses a column', async () => {
  const { page, context, problems } = await open();
  await loadFixture(page, 'data_rebuild_forgets_column', ['1_create_replications.up.sql', '1_create_replications.down.sql',
    '2_require_name_length.up.sql', '2_require_name_length.down.sql'], 2);
  await page.click('#verify');
  await page.waitForSelector('#verify-summary.fail');
  const row = page.locator('#verify-results tbody tr[data-version="2"]');
  assert.equal(await row.locator('td.data p').textContent(), '3 rows seeded; the up kept 3 of 3 rows');
  assert.deepEqual(await row.locator('ul.problems li .finding').allTextContents(), ['down of 2 loses remote_id in 3 rows of replications']);
  assert.match(await page.locator('#report').textContent(), /down of 2 loses remote_id in 3 rows of replications/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('Fill with sample rows puts rows in every table; they move through the steps and survive a reload', async () => {
  const { page, context, problems } = await open();
  assert.equal(await page.locator('#fill-rows').getAttribute('aria-disabled'), 'true', 'no table to fill yet');
  await page.click('#apply-all');
  await progress(page, 'Apply all: 7 migrations');
  await page.click('#fill-rows');
  await progress(page, 'Fill with sample rows: 18 rows in 6 tables.');
  const count = async (sql) => {
    await page.locator('#console-editor textarea').fill(sql);
    await page.click('#console-run');
    await progress(page, 'Run SQL: 1 statement');
    return page.locator('#console-results td').allTextContents();
  };
  assert.deepEqual(await count('SELECT count(*) FROM workflow_tasks;'), ['3']);
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  assert.deepEqual(await count('SELECT count(*) FROM tasks;'), ['3']);
  await page.click('#fill-rows');
  await progress(page, 'Fill with sample rows: every table already has its sample rows.');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the demo view can fill sample rows too', async () => {
  const { page, context } = await open('?demo&at=latest');
  assert.equal(await page.locator('#fill-rows').isVisible(), true);
  await page.click('#fill-rows');
  await progress(page, 'Fill with sample rows: 18 rows in 6 tables.');
  await context.close();
});
