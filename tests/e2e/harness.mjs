// Shared by the end-to-end tests: serve the built page with `migraplay serve`
// and drive Debian's Chromium with playwright-core (no downloaded browser).
import { before, after } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { serve, launch } from './served.mjs';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = process.env.MIGRAPLAY_BIN || path.join(root, 'target/debug/migraplay');
const dists = {
  product: process.env.MIGRAPLAY_DIST || path.join(root, 'dist'),
  // The same page with the test hooks (make dist-test), for the crash test only.
  testHooks: process.env.MIGRAPLAY_DIST_TEST || path.join(root, 'target/dist-test'),
};

export const fixtureDir = (name) => (name === 'bundled' ? path.join(root, 'migrations') : path.join(root, 'tests/fixtures', name));
export const fixture = (name, ...files) => files.map((f) => path.join(fixtureDir(name), f));

export const ctx = { base: null, browser: null };
let server;

/**
 * Starts the server and the browser before the file's tests, and stops them
 * after. `testHooks`: serve the build with the test hooks instead of the product.
 */
export function setup({ testHooks = false } = {}) {
  const dist = testHooks ? dists.testHooks : dists.product;
  before(async () => {
    let base;
    ({ base, server } = await serve(bin, dist));
    ctx.base = base;
    ctx.browser = await launch(chromium);
  });
  after(async () => {
    await ctx.browser?.close();
    server?.kill();
  });
}

/**
 * Opens the page in a new browser context (its own storage) and waits until it
 * is ready. `problems` collects page errors, console errors and requests that
 * leave the page's origin.
 */
export async function open(url = '', { context = null } = {}) {
  const browserContext = context || await ctx.browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  const page = await browserContext.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(ctx.base) && !u.startsWith('blob:') && !u.startsWith('data:')) problems.push(`request: ${u}`);
  });
  const pending = new Set();
  page.on('request', (r) => pending.add(r.url()));
  page.on('requestfinished', (r) => pending.delete(r.url()));
  try {
    await page.goto(ctx.base + url);
  } catch (e) {
    throw new Error(`${e.message}\nstill loading: ${[...pending].join(', ')}`);
  }
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
  return { page, problems, context: browserContext };
}

/** Clicks a download link or button as a user would and returns the saved file's bytes. */
export async function download(page, selector) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return readFile(await file.path());
}

export const total = (page, name) => page.locator(`[data-total="${name}"] dd`).textContent();
export const tableNames = (page) => page.locator('#tables .table-card .name').allTextContents();
export const badges = (page) => page.locator('#migrations tbody .badge').allTextContents();
export const progress = (page, prefix) => page.waitForFunction(
  (p) => document.querySelector('#progress').textContent.startsWith(p), prefix);

/** Loads the migrations of fixture `name` (its files named) with Load files, and waits for `rows` rows. */
export async function loadFixture(page, name, files, rows) {
  await page.setInputFiles('#files', fixture(name, ...files));
  await page.waitForFunction((n) => document.querySelectorAll('#migrations tbody tr').length === n, rows);
}

/** The index_left_behind fixture's four files (two migrations). */
export const INDEX_LEFT_BEHIND = ['1_create_things.up.sql', '1_create_things.down.sql', '2_index_b.up.sql', '2_index_b.down.sql'];

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

/**
 * Runs axe on the page and fails listing every violation: rule, impact and the nodes.
 * The page's CSP (script-src 'self') forbids an injected <script>, so axe goes in through
 * page.evaluate (DevTools' Runtime.evaluate, which the page's CSP does not govern).
 */
export async function audit(page, where) {
  await page.evaluate(axeSource);
  assert.equal(await page.evaluate(() => typeof window.axe?.run), 'function', 'axe-core is in the page despite its CSP');
  const { violations, passes } = await page.evaluate((tags) => window.axe.run(document, {
    runOnly: { type: 'tag', values: tags },
  }).then((r) => ({
    violations: r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
    })),
    passes: r.passes.map((p) => p.id),
  })), TAGS);
  assert.ok(passes.length > 0, 'axe ran its rules');
  const text = violations.map((v) => `- ${v.id} (${v.impact}): ${v.help}\n`
    + v.nodes.map((n) => `    ${n.target}\n      ${n.summary.replace(/\n/g, '\n      ')}`).join('\n')).join('\n');
  assert.equal(violations.length, 0, `axe found ${violations.length} violation(s) ${where}:\n${text}`);
  return passes;
}

