// The first screen before the wasm (issue 27): the bundled migrations are in
// index.html from the build (.ci/prerender.mjs), listed while SQLite is still
// loading; hidden where the page will show another set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup, open, ctx } from './harness.mjs';

setup();

/** Holds every wasm download of `context` until the returned function is called. */
async function holdWasm(context) {
  let release;
  const released = new Promise((resolve) => { release = resolve; });
  await context.route(/\.wasm$/, async (route) => { await released; await route.continue(); });
  return release;
}

/** What the migrations table lists now: each row's version, description and status as shown. */
const listed = (page) => page.$$eval('#migrations tbody tr', (rows) => rows.map((r) => ({
  version: r.cells[0].textContent,
  description: r.cells[1].textContent,
  status: r.cells[2].textContent,
  visible: getComputedStyle(r).visibility === 'visible' && r.getBoundingClientRect().height > 0,
})));

test('the bundled migrations are listed before the wasm has loaded, the buttons waiting, and stay the same once it has', async () => {
  const context = await ctx.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const release = await holdWasm(context);
  const page = await context.newPage();
  await page.goto(ctx.base, { waitUntil: 'domcontentloaded' });
  await page.waitForTimeout(300);
  assert.equal(await page.$('body[data-ready]'), null, 'the wasm is held, so the page is not ready');
  const before = await listed(page);
  assert.equal(before.length, 7);
  assert.deepEqual(before[0], { version: '20250115010000', description: 'create tasks', status: 'pending', visible: true });
  assert.ok(before.every((r) => r.visible && r.status === 'pending'));
  assert.match(await page.textContent('#source'), /^The bundled set: 7 migrations\./);
  assert.equal(await page.getAttribute('#apply-next', 'aria-disabled'), 'true');
  assert.equal(await page.textContent('#engine'), 'Loading SQLite…');
  const firstHtml = await page.innerHTML('#migrations tbody');
  release();
  await page.waitForSelector('body[data-ready="true"]');
  assert.deepEqual(await listed(page), before);
  assert.equal(await page.innerHTML('#migrations tbody'), firstHtml, 'the page draws what the build wrote in');
  assert.equal(await page.getAttribute('#apply-next', 'aria-disabled'), 'false');
  await context.close();
});

test('a browser with a saved playground sees no bundled listing before its own', async () => {
  const context = await ctx.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const { page } = await open('', { context });
  await page.click('#apply-all');
  await page.waitForSelector('#migrations tbody tr.state-applied');
  await page.close();
  const release = await holdWasm(context);
  const again = await context.newPage();
  await again.goto(ctx.base, { waitUntil: 'domcontentloaded' });
  await again.waitForTimeout(300);
  assert.ok((await listed(again)).every((r) => !r.visible), 'the bundled set, all pending, would be the wrong picture');
  release();
  await again.waitForSelector('body[data-ready="true"]');
  const after = await listed(again);
  assert.equal(after.length, 7);
  assert.ok(after.every((r) => r.visible && r.status === 'applied'));
  await context.close();
});

test('a shared link and the demo view show no bundled listing before their own', async () => {
  for (const url of ['#set=AAAA', '?demo']) {
    const context = await ctx.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const release = await holdWasm(context);
    const page = await context.newPage();
    await page.goto(ctx.base + url, { waitUntil: 'domcontentloaded' });
    await page.waitForTimeout(300);
    assert.ok((await listed(page)).every((r) => !r.visible), url);
    release();
    await page.waitForSelector('body[data-ready="true"]');
    await context.close();
  }
});
