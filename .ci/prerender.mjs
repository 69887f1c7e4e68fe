// Writes the page's first screen into DIR/index.html at build time (`make dist`),
// so the bundled migrations are listed at the first paint, before any script or
// wasm has run (issue 27: content before the wasm). It loads the built page in
// headless Chromium, waits until the page has drawn the core's view of the
// bundled set, and copies what the page itself drew into each element of
// index.html marked `data-prerender` (empty in the source): the same markup the
// page draws, from the same code, with nothing written twice. The page draws
// them again when the worker is ready; www/boot.js hides them until then where
// the page will show another set (a saved playground, a shared link, the demo).
//
// Usage: node .ci/prerender.mjs DIR   (DIR: the built site, e.g. dist; needs `cargo build --bin migraplay`)
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { chromium } = await import(path.join(root, 'tests/e2e/node_modules/playwright-core/index.mjs'));
const { serve, launch } = await import(path.join(root, 'tests/e2e/served.mjs'));
const dir = path.resolve(process.argv[2] || 'dist');
const indexFile = path.join(dir, 'index.html');
const source = await readFile(indexFile, 'utf8');

// An element marked for the first screen, empty in the source: `<tag … data-prerender …></tag>`.
const MARKED = /(<([a-z]+)\b[^>]*\bdata-prerender\b[^>]*>)(<\/\2>)/g;
const marked = [...source.matchAll(MARKED)].length;
if (marked === 0) throw new Error(`${indexFile} has no empty element marked data-prerender`);
if ([...source.matchAll(/<[a-z]+\b[^>]*\bdata-prerender\b[^>]*>/g)].length !== marked) {
  throw new Error(`${indexFile}: an element marked data-prerender is not empty in the source`);
}

// Served as `make serve` serves it (the same headers), by the debug build of the command.
const { base, server } = await serve(path.join(root, 'target/debug/migraplay'), dir);
let browser;
try {
  browser = await launch(chromium);
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(base);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  const drawn = await page.evaluate(() => ({
    html: [...document.querySelectorAll('[data-prerender]')].map((e) => e.innerHTML),
    rows: document.querySelectorAll('#migrations tbody tr').length,
    error: document.getElementById('error').hidden ? null : document.getElementById('error').textContent,
  }));
  if (errors.length || drawn.error) throw new Error(`the page failed while prerendering: ${[...errors, drawn.error].filter(Boolean).join('; ')}`);
  if (drawn.rows === 0) throw new Error('the page listed no migrations to prerender');
  if (drawn.html.length !== marked) throw new Error(`index.html marks ${marked} elements, the page has ${drawn.html.length}`);
  let i = 0;
  await writeFile(indexFile, source.replace(MARKED, (_, open, _tag, close) => open + drawn.html[i++] + close));
  console.log(`prerendered ${drawn.rows} migrations into ${path.relative(process.cwd(), indexFile)}`);
} finally {
  await browser?.close();
  server.kill();
}
