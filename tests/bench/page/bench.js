// The browser side of `make bench`: migraplay's wasm build and sql.js in the
// same page, on the same sets, the same way: one transaction per migration
// with its _sqlx_migrations row. Driven by tests/bench/bench.mjs.
import init, { Session } from './bench-pkg/migraplay.js';

const BOOKKEEPING = `CREATE TABLE IF NOT EXISTS _sqlx_migrations (
    version BIGINT PRIMARY KEY, description TEXT NOT NULL,
    installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, success BOOLEAN NOT NULL,
    checksum BLOB NOT NULL, execution_time BIGINT NOT NULL)`;

// Untimed warm-up runs first (one, and a second when the first took under 50 ms), then
// `runs` timed ones. Returns { runs, warmup_runs }.
function time(runs, f) {
  const start = performance.now();
  f();
  let warmup = 1;
  if (performance.now() - start < 50) { f(); warmup += 1; }
  const out = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    f();
    out.push(performance.now() - start);
  }
  return { runs: out, warmup_runs: warmup };
}

async function sha384(text) {
  return new Uint8Array(await crypto.subtle.digest('SHA-384', new TextEncoder().encode(text)));
}

/** The set as sql.js will run it: ups in order, with checksums made beforehand (migraplay makes them at load). */
async function prepared(files) {
  const ups = files.filter((f) => !f.name.endsWith('.down.sql')).sort((a, b) => (a.name < b.name ? -1 : 1));
  return Promise.all(ups.map(async (f) => {
    const [version, ...rest] = f.name.replace(/(\.up)?\.sql$/, '').split('_');
    return { version: Number(version), description: rest.join(' '), sql: f.text, checksum: await sha384(f.text) };
  }));
}

window.runBench = async (sets, runsFor, failing) => {
  await init();
  // A session on `list` (the bundled set when null), with no time budget.
  const open = (list) => {
    const pg = new Session();
    if (list && !pg.load(list).ok) throw new Error('the set did not load');
    pg.setTimeBudget(0);
    return pg;
  };
  const SQL = await window.initSqlJs({ locateFile: (f) => f });
  const results = [];
  for (const [name, files] of Object.entries(sets)) {
    const runs = runsFor[name];
    const list = files ? files : null;
    // As natively: from the files (names parsed, SHA-384 computed) to a database with
    // every migration applied, with no Session and no view around it.
    const sources = list || new Session().view().files.map(({ name: file, text }) => ({ name: file, text }));
    results.push({ case: `apply all, ${name}`, engine: 'wasm', ...time(runs, () => {
      if (Session.applyAllFiles(sources) === 0) throw new Error(`nothing applied of ${name}`);
    }) });
    // Verify as the page runs it (the report handed to JavaScript) on a session made
    // beforehand, with its data checks (the page's) and with the schema alone (--data off).
    const pg = open(list);
    for (const [label, data] of [['verify', true], ['verify, schema only', false]]) {
      results.push({ case: `${label}, ${name}`, engine: 'wasm', ...time(runs, () => {
        const v = pg.verify('bench', true, () => {}, data);
        if (!v.ok || v.verified.report.summary.failed !== (failing[name] || 0)) throw new Error(`verify of ${name} did not find what it should`);
      }) });
    }
    pg.free();
    const migrations = await prepared(list || new Session().view().files);
    results.push({ case: `apply all, ${name}`, engine: 'sql.js', ...time(runs, () => {
      const db = new SQL.Database();
      db.exec('PRAGMA foreign_keys = ON');
      for (const m of migrations) {
        db.exec(BOOKKEEPING);
        const start = performance.now();
        db.exec('BEGIN');
        db.exec(m.sql);
        db.run('INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (?, ?, TRUE, ?, ?)',
          [m.version, m.description, m.checksum, Math.round((performance.now() - start) * 1e6)]);
        db.exec('COMMIT');
      }
      db.close();
    }) });
  }
  return results;
};

document.getElementById('status').textContent = 'ready';
document.body.dataset.ready = 'true';
