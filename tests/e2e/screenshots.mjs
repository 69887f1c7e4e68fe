// Takes docs/page.md's screenshots of a reviewer's walk-through, from the served
// page (run by `make screenshots`; not a test). Writes tests/e2e/screenshots/*.png.
import { test } from 'node:test';
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { setup, open, fixtureDir, progress, root, ctx } from './harness.mjs';
import { generateRealShaped } from '../bench/generate.mjs';
import { seventy } from './seventy.mjs';

setup();
const out = path.join(root, 'tests/e2e/screenshots');
mkdirSync(out, { recursive: true });
const shot = (locator, name) => locator.screenshot({ path: path.join(out, `${name}.png`) });

test('reviewer walk-through screenshots', async () => {
  const { page, context } = await open();
  await shot(page.locator('#migrations-panel'), '1-bundled-set');
  await page.setInputFiles('#folder', fixtureDir('rebuild_loses_constraints'));
  await page.waitForFunction(() => document.querySelectorAll('#migrations tbody tr').length === 2);
  await page.click('#verify');
  await page.waitForSelector('#verify-summary.fail');
  await page.locator('#report-details').evaluate((d) => { d.open = false; });
  await shot(page.locator('#verify-panel'), '2-verify-finds-lost-constraints');
  await page.click('#load-bundled');
  await progress(page, 'Load the bundled set');
  await page.click('#apply-all');
  await progress(page, 'Apply all');
  await shot(page.locator('#diagram-panel'), '3-diagram-and-changes');
  await page.locator('#console-editor textarea').fill("INSERT INTO tasks (id, workspace_id, title, task_type) VALUES ('t1', 'w', 'Review PR', 'review');\nSELECT id, title, status, priority FROM tasks;");
  await page.click('#console-run');
  await progress(page, 'Run SQL');
  await shot(page.locator('#console-panel'), '4-console');
  await context.close();
});

test('the demo embedded at 800 px, and the page at 400 px', async () => {
  // What a documentation page's <iframe src="…/?demo&view=diagram&at=latest" width="800" height="500"> shows.
  const embed = await ctx.browser.newContext({ viewport: { width: 800, height: 500 } });
  const { page } = await open('?demo&view=diagram&at=latest', { context: embed });
  await progress(page, 'Migrate to the latest');
  await page.screenshot({ path: path.join(out, '5-embed-800px.png') });
  await embed.close();

  const phone = await ctx.browser.newContext({ viewport: { width: 400, height: 900 } });
  const { page: narrow } = await open('', { context: phone });
  await narrow.click('#apply-all');
  await progress(narrow, 'Apply all');
  await shot(narrow.locator('#migrations-panel'), '6-page-400px');
  await phone.close();
});

test('a real-sized schema: 58 tables fitted, then one table found, in the dark theme', async () => {
  // generateRealShaped(220) makes 58 tables with foreign keys, rebuilds, renames, views and triggers.
  const files = generateRealShaped(220, 0).map((f) => ({ name: f.name, mimeType: 'text/plain', buffer: Buffer.from(f.text) }));
  const wide = await ctx.browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const { page } = await open('', { context: wide });
  await page.setInputFiles('#files', files);
  await page.waitForFunction((n) => document.querySelectorAll('#migrations tbody tr').length === n, files.length / 2);
  await page.click('#apply-all');
  await progress(page, 'Apply all:');
  await page.click('#diagram-fit');
  await shot(page.locator('#diagram-panel'), '7-diagram-58-tables');
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.fill('#diagram-search', 't0001');
  await page.click('#diagram-find');
  await shot(page.locator('#diagram-panel'), '8-diagram-dark-found');
  await wide.close();
});

test('70 migrations verified on a phone: the verdict first; Compare versions as a diff', async () => {
  const phone = await ctx.browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  const { page } = await open('', { context: phone });
  await page.setInputFiles('#files', seventy());
  await page.waitForFunction(() => document.querySelectorAll('#migrations tbody tr').length === 70);
  await page.click('#verify');
  await page.waitForSelector('#verify-summary.fail', { timeout: 60000 });
  await page.screenshot({ path: path.join(out, '9-verify-70-phone.png') });
  await phone.close();

  const { page: wide, context } = await open();
  await wide.click('#compare-details > summary');
  await wide.selectOption('#compare-from', { index: 1 });
  await wide.selectOption('#compare-to', { index: 4 });
  await wide.click('#compare-run');
  await wide.waitForSelector('#compare-result:not([hidden]) .compare-object');
  await shot(wide.locator('#compare-result'), '10-compare-diff');
  await context.close();
});
