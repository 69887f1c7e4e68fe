// Takes the README's screenshots of a reviewer's walk-through, from the served
// page (run by `make screenshots`; not a test). Writes tests/e2e/screenshots/*.png.
import { test } from 'node:test';
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { setup, open, fixtureDir, progress, root } from './harness.mjs';

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
