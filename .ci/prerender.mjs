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
// Usage: node .ci/prerender.mjs DIR   (DIR: the built site, e.g. dist)
import { createServer } from 'node:http';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { chromium } = await import(path.join(root, 'tests/e2e/node_modules/playwright-core/index.mjs'));
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

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.json': 'application/json' };
const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://localhost');
  const file = path.join(dir, url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname));
  if (!file.startsWith(dir + path.sep)) { res.writeHead(403).end(); return; }
  try {
    const body = file === indexFile ? source : await readFile(file);
    // As `migraplay serve` sends them: the page is cross-origin isolated.
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' }).end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
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
  await browser.close();
  server.close();
}
