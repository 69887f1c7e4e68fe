// The worker owns the Playground (SQLite in wasm), so a long migration never
// freezes the page, and it saves the set and the database after each action.
// It only relays: every decision about migrations is the Rust core's.
import init, { Playground } from '../pkg/migraplay.js';
import * as storage from './storage.js';

let playground;
let source = { kind: 'bundled', files: 0 };
let persist = true;
let restoreNote = null;
let testHooks = false;
let budgetMs = 5000;

const ready = init();
// Read what was saved while the wasm compiles; the demo view ignores it.
const savedState = storage.load().catch(() => undefined);
// Every action waits for the first `init` to have set the playground up.
let markStarted;
const started = new Promise((resolve) => { markStarted = resolve; });

function state() {
  return {
    migrations: playground.migrations(),
    status: playground.status(),
    schema: playground.schema(),
    diagram: playground.diagram(),
    sqliteVersion: Playground.sqliteVersion(),
    source,
    persist,
  };
}

async function save() {
  if (!persist) return;
  try {
    await storage.save({ source, files: playground.files(), database: playground.exportDatabase() });
  } catch {
    // Storage can be refused (an iframe of another site, private modes): go on without it.
    persist = false;
  }
}

// Starts from the saved state, a shared set, or the bundled set.
async function start({ persist: keep = true, files = null, sharedName = null, timeBudgetMs = 5000, hooks = false } = {}) {
  persist = keep;
  budgetMs = timeBudgetMs;
  testHooks = hooks;
  if (files) {
    playground = Playground.fromFiles(files);
    source = { kind: 'link', files: files.length, name: sharedName };
    await save();
    return;
  }
  const saved = persist ? await savedState : undefined;
  if (saved) {
    try {
      playground = saved.source.kind === 'bundled' ? new Playground() : Playground.fromFiles(saved.files);
      playground.restoreDatabase(saved.database);
      source = saved.source;
      return;
    } catch (e) {
      restoreNote = `The saved playground could not be restored (${e.message}); starting with the bundled set.`;
    }
  }
  playground = new Playground();
  source = { kind: 'bundled', files: 0 };
}

// Each returns what the page shows besides the new state.
const actions = {
  applyNext: () => playground.applyNext(),
  revertLast: () => playground.revertLast(),
  applyAll: () => playground.applyAll(),
  revertAll: () => playground.revertAll(),
  migrateTo: (version) => playground.migrateTo(version),
  // A set that fails to load throws before anything is replaced.
  load: (files) => {
    playground = Playground.fromFiles(files);
    source = { kind: 'files', files: files.length };
  },
  loadBundled: () => {
    playground = new Playground();
    source = { kind: 'bundled', files: 0 };
  },
  // Pasted or edited files join the set; the database stays.
  addFiles: (files) => {
    const byName = new Map(playground.files().map((f) => [f.name, f]));
    for (const f of files) byName.set(f.name, f);
    playground.replaceFiles([...byName.values()]);
    source = { kind: 'edited', files: byName.size };
  },
  importDatabase: (name, bytes) => playground.importDatabase(name, bytes),
  exportDatabase: () => ({ bytes: playground.exportDatabase() }),
  resetDatabase: () => {
    const files = playground.files();
    playground = source.kind === 'bundled' ? new Playground() : Playground.fromFiles(files);
  },
  reset: async () => {
    await storage.clear().catch(() => {});
    playground = new Playground();
    source = { kind: 'bundled', files: 0 };
  },
  console: (sql, maxRows) => ({ console: playground.console(sql, maxRows) }),
  setTimeBudget: (ms) => { budgetMs = ms; },
  crashForTests: () => {
    if (!testHooks) throw new Error('crashForTests needs ?test-hooks');
    playground.crashForTests();
  },
};

// Loading a new set makes a new Playground: it keeps the budget in force.
function withBudget(result) {
  playground.setTimeBudget(budgetMs);
  return result;
}

// Actions that leave the set and the database as they were.
const readOnly = new Set(['exportDatabase', 'console', 'setTimeBudget']);

self.onmessage = async ({ data: { id, op, args = [] } }) => {
  try {
    await ready;
    if (op === 'init') {
      try {
        await start(args[0]);
      } finally {
        markStarted();
      }
      playground.setTimeBudget(budgetMs);
      self.postMessage({ id, ok: true, state: state(), note: restoreNote });
      return;
    }
    await started;
    if (op === 'verify') {
      const onProgress = (progress) => self.postMessage({ id, progress });
      const verified = playground.verify(self.navigator.userAgent, args[0] !== false, onProgress);
      self.postMessage({ id, ok: true, verified, state: state() });
      return;
    }
    const action = actions[op];
    if (!action) throw new Error(`unknown operation: ${op}`);
    const result = withBudget(await action(...args)) || {};
    if (!readOnly.has(op)) await save();
    self.postMessage({ id, ok: true, result, state: state() });
  } catch (e) {
    // A panic (or any trap) leaves the wasm instance unusable: save nothing, and
    // let the page start a new worker from what was saved before this action.
    if (e instanceof WebAssembly.RuntimeError) {
      self.postMessage({ id, ok: false, fatal: true, error: `${e.name}: ${e.message}` });
      return;
    }
    let current = null;
    try {
      if (playground) {
        if (!readOnly.has(op)) await save();
        current = state();
      }
    } catch { /* report the first error */ }
    self.postMessage({
      id,
      ok: false,
      error: String(e && e.message !== undefined ? e.message : e),
      result: { log: (e && e.applied) || [], changes: (e && e.changes) || [] },
      location: (e && e.location) || null,
      state: current,
    });
  }
};
