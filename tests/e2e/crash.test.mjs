// A panic inside wasm, on purpose: served from the build with the test hooks
// (make dist-test; the product's API has no crashForTests).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup, open, loadFixture, INDEX_LEFT_BEHIND, fixture, badges, tableNames, progress } from './harness.mjs';

setup({ testHooks: true });

test('a panic inside wasm shows an error and a new worker keeps the set and the database', async () => {
  const { page, context } = await open('?test-hooks');
  await loadFixture(page, 'index_left_behind', INDEX_LEFT_BEHIND, 2);
  await page.click('#apply-next');
  await progress(page, 'Apply next: 1 migration');
  await page.evaluate(() => document.querySelector('#apply-all').dispatchEvent(new CustomEvent('crash-for-tests', { bubbles: true })));
  await page.waitForSelector('#error:not([hidden])');
  assert.match(await page.locator('#error .message').textContent(),
    /^migraplay crashed inside WebAssembly \(RuntimeError: unreachable\)\. The worker was restarted; the set and the database are as they were before this action\.$/);
  await page.waitForFunction(() => document.querySelector('#apply-next').getAttribute('aria-disabled') === 'false');
  assert.deepEqual(await badges(page), ['applied', 'pending']);
  assert.deepEqual(await tableNames(page), ['things']);
  await page.click('#apply-next');
  await progress(page, 'Apply next: 1 migration');
  await context.close();
});
