// `make bench`: the native core, the wasm build in headless Chromium and
// sql.js in the same page, side by side on the bundled set and on generated
// sets of 100 and 1,000 migrations; then the page's cold start and transfer
// size. Prints a table and writes target/bench/results.json.
import { spawnSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync, rmSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { gzipSync } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate, generateRealShaped, writeSet } from './generate.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tooling = path.join(root, 'tests/e2e/node_modules');
const { chromium } = await import(path.join(tooling, 'playwright-core/index.mjs'));
const out = path.join(root, 'target/bench');
const sets = path.join(out, 'sets');
const RUNS = { bundled: 30, 100: 10, 1000: 3, 'real-shaped 200': 10 };

mkdirSync(sets, { recursive: true });
const generated = { 100: generate(100), 1000: generate(1000), real200: generateRealShaped(200) };
for (const [n, files] of Object.entries(generated)) writeSet(sets, n, files);

// The native core twice: the fastest native build (profile bench-native: opt-level 3, fat
// LTO, one codegen unit) as `native`, the reference for wasm/native; and the shipped release
// profile (opt-level "s") as `native-shipped`. Both are built first, then run interleaved,
// NATIVE_ROUNDS processes each in A B B A order, each taking its share of every case's timed
// runs, and the runs pooled: on this shared 2-core machine a burst of load lands on both
// builds alike, where one whole process after the other put all of it on one of them.
const NATIVE_ROUNDS = 4;
const nativeBuilds = [['native', ['--profile', 'bench-native']], ['native-shipped', []]].map(([engine, profile]) => {
  console.error(`bench: building ${engine} (cargo bench --no-run ${[...profile, '--bench', 'native'].join(' ')})…`);
  const built = spawnSync('cargo', ['bench', '--no-run', '--quiet', '--message-format=json', ...profile, '--bench', 'native'],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 28 });
  if (built.status !== 0) throw new Error(`building the native benchmark failed (${engine})`);
  const exe = built.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l))
    .find((m) => m.reason === 'compiler-artifact' && m.target?.name === 'native' && m.executable)?.executable;
  if (!exe) throw new Error(`cargo named no executable for the native benchmark (${engine})`);
  return [engine, exe];
});
const pooled = new Map();
for (let round = 0; round < NATIVE_ROUNDS; round++) {
  for (const [engine, exe] of round % 2 ? [...nativeBuilds].reverse() : nativeBuilds) {
    console.error(`bench: ${engine}, round ${round + 1} of ${NATIVE_ROUNDS}…`);
    const native = spawnSync(exe, [sets, `--engine=${engine}`, `--part=${NATIVE_ROUNDS}`],
      { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (native.status !== 0) throw new Error(`the native benchmark failed (${engine})`);
    for (const r of JSON.parse(native.stdout.trim().split('\n').pop())) {
      const key = `${r.case}\n${r.engine}`;
      const p = pooled.get(key);
      if (p) { p.runs.push(...r.runs); p.warmup_runs += r.warmup_runs; } else pooled.set(key, { ...r, runs: [...r.runs] });
    }
  }
}
const results = [...pooled.values()];

// The site: the built page, the bench page, sql.js, and the sets.
const site = path.join(out, 'site');
rmSync(site, { recursive: true, force: true });
// The page is the product (dist/: its cold start and transfer are measured); the bench page
// imports the same wasm built with the test hooks (applyAllFiles), optimized the same way.
cpSync(path.join(root, 'dist'), site, { recursive: true });
cpSync(path.join(root, 'target/dist-bench/pkg'), path.join(site, 'bench-pkg'), { recursive: true });
cpSync(path.join(root, 'tests/bench/page'), site, { recursive: true });
for (const f of ['sql-wasm.js', 'sql-wasm.wasm']) cpSync(path.join(tooling, 'sql.js/dist', f), path.join(site, f));
// The reference for the cold start: a blank page from the same server, loaded the same way.
writeFileSync(path.join(site, 'blank.html'), '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>blank</title></head><body></body></html>\n');

const port = await new Promise((resolve) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
});
const server = spawn(path.join(root, 'target/release/migraplay'), ['serve', '--root', site, '--port', String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise((resolve) => server.stdout.on('data', (d) => String(d).includes('Serving') && resolve()));
const base = `http://127.0.0.1:${port}/`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});

try {
  console.error('bench: wasm and sql.js in Chromium…');
  const page = await browser.newPage();
  await page.goto(`${base}bench.html`);
  await page.waitForSelector('body[data-ready="true"]');
  results.push(...await page.evaluate(([s, r, f]) => window.runBench(s, r, f),
    [{ bundled: null, 100: generated[100], 1000: generated[1000], 'real-shaped 200': generated.real200 }, RUNS, { 'real-shaped 200': 20 }]));
  await page.close();

  console.error('bench: cold start of the page…');
  const starts = [];
  const blanks = [];
  let transfer = null;
  for (let i = 0; i < 7; i++) {
    // A blank page's navigation first, in a fresh context too: what any page costs here.
    const blankContext = await browser.newContext();
    const blank = await blankContext.newPage();
    await blank.goto(`${base}blank.html`);
    await blank.waitForLoadState('load');
    blanks.push(await blank.evaluate(() => performance.getEntriesByType('navigation')[0].loadEventEnd));
    await blankContext.close();
    const context = await browser.newContext();
    const p = await context.newPage();
    const bodies = [];
    p.on('response', async (r) => { try { bodies.push([r.url(), await r.body()]); } catch { /* redirects have none */ } });
    await p.goto(base);
    await p.waitForSelector('body[data-ready="true"]');
    starts.push(Number(await p.evaluate(() => document.body.dataset.readyAt)));
    await p.waitForTimeout(200);
    if (!transfer) {
      transfer = { files: bodies.map(([u, b]) => [new URL(u).pathname, b.length, gzipSync(b, { level: 9 }).length]) };
      transfer.raw = transfer.files.reduce((a, f) => a + f[1], 0);
      transfer.gzip = transfer.files.reduce((a, f) => a + f[2], 0);
    }
    await context.close();
  }

  const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
  const rows = results.map((r) => ({ ...r, median_ms: median(r.runs), min_ms: Math.min(...r.runs), max_ms: Math.max(...r.runs) }));
  const find = (c, e) => rows.find((r) => r.case === c && r.engine === e);
  const fmt = (x) => (x === undefined ? '—' : x < 10 ? x.toFixed(3) : x.toFixed(1));
  const ENGINES = ['native', 'native-shipped', 'wasm', 'sql.js'];
  const cases = [...new Set(rows.map((r) => r.case))];
  const lines = ['| case | native ms (O3) | native-shipped ms (Os) | wasm ms | sql.js ms | wasm/native | wasm/sql.js | wasm spread (min–max) |',
    '|---|---:|---:|---:|---:|---:|---:|---|'];
  for (const c of cases) {
    const [n, ns, w, s] = ENGINES.map((e) => find(c, e));
    const spread = w ? `${fmt(w.min_ms)}–${fmt(w.max_ms)} (${w.runs.length} runs)` : '—';
    lines.push(`| ${c} | ${fmt(n?.median_ms)} | ${fmt(ns?.median_ms)} | ${fmt(w?.median_ms)} | ${fmt(s?.median_ms)} | ${n && w ? (w.median_ms / n.median_ms).toFixed(2) : '—'} | ${s && w ? (w.median_ms / s.median_ms).toFixed(2) : '—'} | ${spread} |`);
  }
  lines.push('', `Per case and engine (ms; warm-up runs untimed, not counted; natively each of the ${NATIVE_ROUNDS} interleaved processes warms up, and the warm-up column sums them):`, '',
    '| case | engine | min | median | max | runs | warm-up |', '|---|---|---:|---:|---:|---:|---:|');
  for (const c of cases) {
    for (const e of ENGINES) {
      const r = find(c, e);
      if (r) lines.push(`| ${c} | ${e} | ${fmt(r.min_ms)} | ${fmt(r.median_ms)} | ${fmt(r.max_ms)} | ${r.runs.length} | ${r.warmup_runs} |`);
    }
  }
  const cold = median(starts);
  const blankNavigation = median(blanks);
  const machine = `${os.cpus()[0].model}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Chromium ${browser.version()}, Node ${process.version}`;
  lines.push('', `Page cold start (navigation to migrations listed and buttons enabled): median ${cold.toFixed(1)} ms over ${starts.length} loads (${starts.map((x) => x.toFixed(0)).join(', ')}); a blank page's navigation, for reference: median ${blankNavigation.toFixed(1)} ms (${blanks.map((x) => x.toFixed(0)).join(', ')}).`);
  lines.push(`Page transfer: ${transfer.raw} bytes raw, ${transfer.gzip} bytes gzip -9 (${transfer.files.length} files; largest: ${transfer.files.sort((a, b) => b[2] - a[2]).slice(0, 3).map(([f, , g]) => `${f} ${g}`).join(', ')}).`);
  lines.push(`Machine: ${machine}.`);

  // The targets of issue 14, each at every size, with the figure that decides it.
  const SIZES = ['bundled', '100', '1000', 'real-shaped 200'];
  const ms = (c, e) => find(c, e)?.median_ms;
  const ratio = (x, y) => (x === undefined || y === undefined ? NaN : x / y);
  const everySize = (label, limit, f) => {
    const worst = SIZES.map((n) => [n, f(n)]).sort((a, b) => b[1] - a[1])[0];
    return [`${label} at every size (worst: ${worst[1].toFixed(2)}, ${worst[0]})`, SIZES.every((n) => f(n) <= limit)];
  };
  const targets = [
    everySize('apply all in Chromium ≤ 1.3× native (opt-level 3)', 1.3, (n) => ratio(ms(`apply all, ${n}`, 'wasm'), ms(`apply all, ${n}`, 'native'))),
    everySize('apply all in Chromium ≤ 0.6× sql.js', 0.6, (n) => ratio(ms(`apply all, ${n}`, 'wasm'), ms(`apply all, ${n}`, 'sql.js'))),
    everySize('verify (data checks off) ≤ 3.5× apply all, in Chromium', 3.5, (n) => ratio(ms(`verify, schema only, ${n}`, 'wasm'), ms(`apply all, ${n}`, 'wasm'))),
    everySize('verify (data checks off) ≤ 3.5× apply all, native', 3.5, (n) => ratio(ms(`verify, schema only, ${n}`, 'native'), ms(`apply all, ${n}`, 'native'))),
    [`verify of 1,000 generated migrations ≤ 3 s in Chromium (${ms('verify, 1000', 'wasm').toFixed(0)} ms with data checks, ${ms('verify, schema only, 1000', 'wasm').toFixed(0)} ms without)`, ms('verify, 1000', 'wasm') <= 3000],
    [`verify of the real-shaped 200 ≤ 1 s in Chromium (${ms('verify, real-shaped 200', 'wasm').toFixed(0)} ms with data checks, ${ms('verify, schema only, real-shaped 200', 'wasm').toFixed(0)} ms without)`, ms('verify, real-shaped 200', 'wasm') <= 1000],
    [`page transfer ≤ 400 KB gzip (${transfer.gzip} bytes)`, transfer.gzip <= 400 * 1024],
    [`cold start ≤ 150 ms median (${cold.toFixed(1)} ms)`, cold <= 150],
  ];
  lines.push('', 'Targets:', ...targets.map(([t, ok]) => `- ${ok ? 'met' : 'MISSED'}: ${t}`));
  console.log(lines.join('\n'));
  writeFileSync(path.join(out, 'results.json'), JSON.stringify({
    results: rows.map(({ case: c, engine, median_ms, runs, min_ms, max_ms, warmup_runs }) => ({ case: c, engine, median_ms, runs, min_ms, max_ms, warmup_runs })),
    transfer_bytes_raw: transfer.raw, transfer_bytes_gzip: transfer.gzip, cold_start_ms: cold, cold_start_runs: starts,
    blank_navigation_ms: blankNavigation, blank_navigation_runs: blanks,
    machine, targets: Object.fromEntries(targets),
  }, null, 1));
  writeFileSync(path.join(out, 'table.md'), `${lines.join('\n')}\n`);
  console.error(`bench: wrote ${path.join(out, 'results.json')} and table.md`);
} finally {
  await browser.close();
  server.kill();
}
