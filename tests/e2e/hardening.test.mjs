// Hard to break, through the page in Chromium: the Content-Security-Policy
// (header and meta tag) with no violation and no request but the page's own
// assets, and a corpus of odd but legal input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setup, open, ctx, root, fixture, fixtureDir, total, tableNames, badges, progress } from './harness.mjs';

setup();

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; object-src 'none'; base-uri 'none'";

test('the page is served with the CSP, carries it as a meta tag, and a whole session violates nothing', async () => {
  const res = await fetch(ctx.base);
  assert.equal(res.headers.get('content-security-policy'), CSP);
  const dist = readFileSync(path.join(process.env.MIGRAPLAY_DIST || path.join(root, 'dist'), 'index.html'), 'utf8');
  assert.ok(dist.includes(`<meta http-equiv="Content-Security-Policy" content="${CSP}">`));
  assert.equal(/<script(?![^>]*\bsrc=)[^>]*>/.test(dist), false, 'no inline script');
  assert.equal(/\sstyle=|<style/.test(dist), false, 'no inline style');

  const { page, problems, context } = await open();
  await page.evaluate(() => {
    window.violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.click('#apply-all');
  await progress(page, 'Apply all');
  await page.click('#verify');
  await page.waitForSelector('#verify-summary.pass');
  await page.click('#share');
  await page.click('#console-run');
  await progress(page, 'Run SQL');
  await page.click('#revert-all');
  await progress(page, 'Revert all');
  assert.deepEqual(await page.evaluate(() => window.violations), []);
  assert.deepEqual(problems, [], 'no console error, page error, or request to another origin');
  await context.close();
});

test('the odd corpus loads, applies and verifies in the page, names shown exactly', async () => {
  const { page, problems, context } = await open();
  await page.setInputFiles('#folder', fixtureDir('odd_corpus'));
  await page.waitForFunction(() => document.querySelectorAll('#migrations tbody tr').length === 5);
  await page.click('#apply-all');
  await progress(page, 'Apply all: 5 migrations');
  const long = `l${'o'.repeat(998)}ng`;
  assert.deepEqual(await tableNames(page), [long, 'outside_tx', 'עברית']);
  const columns = await page.locator('[data-table="עברית"] .columns tbody td:first-child').allTextContents();
  assert.deepEqual(columns, ['\u202eevil\u202c', 'zero\u200bwidth', '🦀']);
  await page.click('#verify');
  await page.waitForSelector('#verify-summary.pass');
  assert.deepEqual(await page.locator('#verify-results tbody .badge').allTextContents(), Array(5).fill('PASS'));
  assert.deepEqual(problems, []);
  await context.close();
});

test('CRLF line endings keep the error line right in the page and the editor', async () => {
  const { page, context } = await open();
  await page.setInputFiles('#files', fixture('crlf_error', '1_crlf.up.sql', '1_crlf.down.sql'));
  await page.waitForFunction(() => document.querySelectorAll('#migrations tbody tr').length === 1);
  await page.click('#apply-all');
  await page.waitForSelector('#error:not([hidden])');
  assert.equal(await page.locator('#error .message').textContent(), '1_crlf.up.sql, statement 2 (line 5): no such table: missing_table');
  assert.equal(await page.locator('#editor .gutter .marked').textContent(), '5');
  assert.deepEqual(await badges(page), ['pending']);
  await context.close();
});

test('a 10,000-line migration applies in the page and its failure names line 10000', async () => {
  const lines = ['CREATE TABLE IF NOT EXISTS big (n INTEGER);'];
  for (let i = 1; i < 9999; i++) lines.push(`INSERT INTO big VALUES (${i});`);
  const file = (last) => ({ name: '1_big.up.sql', mimeType: 'text/plain', buffer: Buffer.from(`${[...lines, last].join('\n')}\n`) });
  const down = { name: '1_big.down.sql', mimeType: 'text/plain', buffer: Buffer.from('DROP TABLE IF EXISTS big;\n') };
  const { page, context } = await open();
  await page.setInputFiles('#files', [file('INSERT INTO nowhere VALUES (0);'), down]);
  await page.waitForFunction(() => document.querySelectorAll('#migrations tbody tr').length === 1);
  await page.click('#apply-all');
  await page.waitForSelector('#error:not([hidden])');
  assert.equal(await page.locator('#error .message').textContent(), '1_big.up.sql, statement 10000 (line 10000): no such table: nowhere');
  assert.equal(await total(page, 'tables'), '0');
  await page.setInputFiles('#files', [file('INSERT INTO big VALUES (9999);'), down]);
  await progress(page, 'Load 2 files: done');
  await page.click('#apply-all');
  await progress(page, 'Apply all: 1 migration');
  await page.locator('#console-editor textarea').fill('SELECT count(*) FROM big;');
  await page.click('#console-run');
  await progress(page, 'Run SQL: 1 statement');
  assert.equal(await page.locator('#console-results td').textContent(), '9999');
  await context.close();
});

test('a file over the size limit is named and the set already loaded stays', async () => {
  const { page, context } = await open();
  const big = { name: '9_huge.up.sql', mimeType: 'text/plain', buffer: Buffer.alloc(4 * 1024 * 1024 + 1, 0x20) };
  const down = { name: '9_huge.down.sql', mimeType: 'text/plain', buffer: Buffer.from('') };
  await page.setInputFiles('#files', [big, down]);
  await page.waitForSelector('#error:not([hidden])');
  assert.equal(await page.locator('#error .message').textContent(),
    '9_huge.up.sql: too large (4194305 bytes; a migration file may have at most 4194304 bytes)');
  assert.equal(await page.locator('#migrations tbody tr').count(), 7);
  await context.close();
});
