// The worker owns the Playground (SQLite in wasm), so a long migration never
// freezes the page, and it saves the set and the database after each action.
// It only relays: every decision about migrations is the Rust core's.
import init, { Playground } from '../pkg/migraplay.js';
import * as storage from './storage.js';

let playground;
let source = { kind: 'bundled', files: 0 };
let persist = true;
let testHooks = false;
let budgetMs = 5000;
let memoryMib = 256;

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
    limits: Playground.limits(),
    flavor: playground.flavor(),
    loadProblems: playground.loadProblems(),
    drift: playground.drift(),
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

// A playground is taken only once the page can be shown from it: a set or a
// database the core accepted but that cannot be shown would otherwise be
// saved, and every reload after would fail.
function accept(candidate) {
  const previous = playground;
  playground = candidate;
  try {
    candidate.setTimeBudget(budgetMs);
    state();
  } catch (e) {
    playground = previous;
    throw e;
  }
}

// Starts from a shared set, the saved state, or the bundled set; `reset` first
// forgets what was saved. What cannot be loaded is said in `problem`, and the
// start goes on with the next: a link that fails leaves the saved state, a
// saved state that fails stays saved (until the next action) under the bundled set.
async function start({ persist: keep = true, files = null, sharedName = null, timeBudgetMs = 5000, memoryBudgetMib = 256, hooks = false, reset = false } = {}) {
  persist = keep;
  budgetMs = timeBudgetMs;
  memoryMib = memoryBudgetMib;
  Playground.setMemoryBudget(memoryMib);
  testHooks = hooks;
  const problems = [];
  if (reset) await storage.clear().catch(() => {});
  if (files) {
    try {
      accept(Playground.fromFiles(files));
      source = { kind: 'link', files: files.length, name: sharedName };
      await save();
      return { linkLoaded: true, problems };
    } catch (e) {
      problems.push(`This link's set was not loaded: ${messageOf(e)}`);
    }
  }
  const saved = persist && !reset ? await savedState : undefined;
  if (saved) {
    try {
      const restored = saved.source.kind === 'bundled' ? new Playground() : fromFiles(saved.files, saved.source.flavor);
      restored.restoreDatabase(saved.database);
      accept(restored);
      source = saved.source;
      return { linkLoaded: false, problems };
    } catch (e) {
      problems.push(`The saved playground could not be restored (${messageOf(e)}); starting with the bundled set. `
        + 'What was saved stays saved until you change something; Reset everything forgets it.');
    }
  }
  accept(new Playground());
  source = { kind: 'bundled', files: 0 };
  return { linkLoaded: false, problems };
}

const messageOf = (e) => String(e && e.message !== undefined ? e.message : e);

// A set's files as a Playground, read as the flavor asked for (if any).
const fromFiles = (files, flavor = source.flavor) => Playground.fromFiles(files, flavor ?? undefined);

// Each returns what the page shows besides the new state.
const actions = {
  applyNext: () => playground.applyNext(),
  revertLast: () => playground.revertLast(),
  applyAll: () => playground.applyAll(),
  revertAll: () => playground.revertAll(),
  migrateTo: (version) => playground.migrateTo(version),
  // A set that fails to load throws before anything is replaced.
  load: (files) => {
    accept(fromFiles(files, null));
    source = { kind: 'files', files: files.length };
  },
  // Reads the same files as another tool's (null: as the files say), on a new database.
  setFlavor: (flavor) => {
    accept(fromFiles(playground.files(), flavor));
    source = { ...source, flavor };
  },
  loadBundled: () => {
    accept(new Playground());
    source = { kind: 'bundled', files: 0 };
  },
  // Pasted or edited files join the set; the database stays.
  addFiles: (files) => {
    const byName = new Map(playground.files().map((f) => [f.name, f]));
    for (const f of files) byName.set(f.name, f);
    const before = playground.files();
    playground.replaceFiles([...byName.values()], source.flavor ?? undefined);
    try {
      state();
    } catch (e) {
      playground.replaceFiles(before, source.flavor ?? undefined);
      throw e;
    }
    source = { kind: 'edited', files: byName.size, flavor: source.flavor };
  },
  importDatabase: (name, bytes, size) => {
    const opened = source.kind === 'bundled' ? new Playground() : fromFiles(playground.files());
    opened.importDatabase(name, bytes, size);
    accept(opened);
  },
  exportDatabase: () => ({ bytes: playground.exportDatabase() }),
  resetDatabase: () => {
    const files = playground.files();
    accept(source.kind === 'bundled' ? new Playground() : fromFiles(files));
  },
  console: (sql, maxRows) => ({ console: playground.console(sql, maxRows) }),
  setTimeBudget: (ms) => { budgetMs = ms; },
  setMemoryBudget: (mib) => { memoryMib = mib; Playground.setMemoryBudget(mib); },
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
const readOnly = new Set(['exportDatabase', 'console', 'setTimeBudget', 'setMemoryBudget']);

self.onmessage = async ({ data: { id, op, args = [] } }) => {
  try {
    await ready;
    if (op === 'init') {
      let outcome;
      try {
        outcome = await start(args[0]);
      } finally {
        markStarted();
      }
      self.postMessage({ id, ok: true, state: state(), ...outcome });
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
    // Saved only once the new state could be read: what is saved always loads again.
    const now = state();
    if (!readOnly.has(op)) await save();
    self.postMessage({ id, ok: true, result, state: now });
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
        // A failed step may have applied migrations before the failing one: keep them.
        current = state();
        if (!readOnly.has(op)) await save();
      }
    } catch { /* report the first error */ }
    self.postMessage({
      id,
      ok: false,
      error: messageOf(e),
      result: { log: (e && e.applied) || [], changes: (e && e.changes) || [] },
      location: (e && e.location) || null,
      state: current,
    });
  }
};
