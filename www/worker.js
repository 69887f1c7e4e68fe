// The worker owns the Session (SQLite in wasm), so a long migration never
// freezes the page, and it saves the playground after every action the core
// says changed the set or the database. It only relays: every decision about
// migrations is the Rust core's, and every reply is a value.

// The wasm is fetched and compiled first, while this worker's modules load
// (static imports would hold it back until they had); the modules are
// imported dynamically for that. A compile that fails here leaves it to the
// glue's own fetch, which says why.
// make dist bundles this file twice: as worker-light.js with the light build's glue
// (pkg-light: no verify, review, sample rows or Compare), which every page starts,
// and as worker.js with the full build's, which www/client.js starts from the light
// one's state (`handover`) when that says an action is not in it; WASM_PATH
// (esbuild's --define) names the wasm that goes with the glue.
const wasmUrl = new URL(WASM_PATH, import.meta.url);
const wasm = WebAssembly.compileStreaming(fetch(wasmUrl)).catch(() => null);
let Session;
let storage;
const ready = Promise.all([import('../pkg/migraplay.js'), import('./storage.js')]).then(async ([glue, store]) => {
  await glue.default({ module_or_path: (await wasm) ?? wasmUrl });
  ({ Session } = glue);
  storage = store;
});

let session;
let workspace = null; // the saved playground's id; null: nothing is saved (demo, storage refused)
let budgets = {}; // the time and memory budgets last set, handed over with the state

// The bundled set on a new database, made while the page is still choosing its
// playground (Web Locks, IndexedDB): most starts open exactly this, and the
// page then waits for nothing but the reply. A start that restores or loads
// something else drops it.
const prepared = ready.then(() => {
  const fresh = new Session();
  return { session: fresh, view: fresh.view() };
}).catch(() => null);
// Every action waits for the first `init` to have set the session up.
let markStarted;
const started = new Promise((resolve) => { markStarted = resolve; });

// A reason in words; IndexedDB can reject with null (an aborted transaction says no more).
const messageOf = (e) => {
  const m = e && e.message !== undefined ? e.message : e;
  return m === null || m === undefined || m === '' ? 'the browser gave no reason: storage may be off, full or blocked here' : String(m);
};

// Why the last save failed (the page says it once), or null.
let saveFailure = null;

async function save(view) {
  if (workspace === null) return;
  try {
    await storage.save(workspace, session.saved(), view.source.text);
  } catch (e) {
    // Storage can be refused (an iframe of another site, private modes, a full
    // quota): go on without it, and say so.
    workspace = null;
    saveFailure = `This browser refused to save the playground (${messageOf(e)}): from now on nothing is saved in this tab. `
      + 'Export .sqlite and Share link keep your work.';
  }
}

/** Whether the worker still saves, and why not when that just changed. */
function savedState() {
  const reply = { saved: workspace !== null, saveFailure };
  saveFailure = null;
  return reply;
}

// The session the worker starts with: the saved playground, then the link
// over it when asked. What cannot be loaded is said in `problems`, and the
// start goes on: a saved playground that fails stays saved (until the next
// change) under the bundled set; a link that fails leaves the playground as it was.
// `unsaved`: `id` is a playground the page has just made, so nothing is saved under it to restore.
// `handover`: what another worker's session saved (`handover` below), restored instead of
// anything stored: the demo view and a tab whose storage is refused store nothing.
async function start({ id = null, timeBudgetMs = 5000, memoryBudgetMib = 256, reset = false, link = null, unsaved = false, handover = null } = {}) {
  workspace = id;
  budgets = { timeBudgetMs, memoryBudgetMib };
  Session.setMemoryBudget(memoryBudgetMib);
  const problems = [];
  session = undefined;
  if (handover) {
    const restored = Session.restore(handover);
    if (!restored.session) throw new Error(`the playground could not be handed over (${restored.error.message})`);
    session = restored.session;
  }
  if (reset && id !== null) await storage.remove(id).catch(() => {});
  const stored = id !== null && !reset && !unsaved && !handover ? await storage.load(id) : undefined;
  if (stored) {
    const restored = Session.restore(stored);
    if (restored.session) {
      session = restored.session;
    } else {
      problems.push(`The saved playground could not be restored (${restored.error.message}); starting with the bundled set. `
        + 'What was saved stays saved until you change something; Reset everything forgets it.');
    }
  }
  let view;
  const ahead = await prepared;
  if (ahead && !ahead.taken) {
    // Taken once (each worker starts once); a start that restored something else frees it.
    ahead.taken = true;
    if (session) ahead.session.free();
    else ({ session, view } = ahead);
  }
  session ??= new Session();
  session.setTimeBudget(timeBudgetMs);
  let outcome = { view: view ?? session.view(), changed: false };
  if (link) {
    outcome = session.load(link, link[0]?.flavor ?? null, 'link');
    if (!outcome.ok) problems.push(`This link's set was not loaded: ${outcome.error.message}`);
    else await save(outcome.view);
  }
  const { saved, saveFailure: failure } = savedState();
  if (failure) problems.push(failure);
  return { outcome, problems, saved };
}

// The operations the page may ask for, each a method of the Session that returns an outcome.
const ACTIONS = new Set(['applyNext', 'revertLast', 'applyAll', 'revertAll', 'migrateTo', 'load', 'loadBundled', 'readAs',
  'edit', 'paste', 'importDatabase', 'resetDatabase', 'console', 'fillSampleRows']);

// A reply's error that says the action is not in this build (the light one): the
// core's typed kind, which www/client.js acts on by switching to the full build.
const missing = (error) => (error?.kind === 'not_in_build' ? { notInBuild: true } : {});

self.onmessage = async ({ data: { id, op, args = [] } }) => {
  try {
    await ready;
    if (op === 'init') {
      let reply;
      try {
        reply = await start(args[0]);
      } finally {
        markStarted();
      }
      self.postMessage({ id, ok: true, ...reply });
      return;
    }
    await started;
    if (op === 'verify') {
      const onProgress = (progress) => self.postMessage({ id, progress });
      const { ok, verified, error } = session.verify(self.navigator.userAgent, args[0] !== false, onProgress);
      self.postMessage({ id, ok, verified, error: error?.message, ...missing(error) });
      return;
    }
    if (op === 'fileKinds') {
      self.postMessage({ id, ok: true, kinds: args[0].map((name) => Session.fileKind(name)) });
      return;
    }
    // Read-only questions (nothing to save): the schema as SQL, and two versions compared on new databases.
    if (op === 'schemaSql') {
      const { ok, sql, error } = session.schemaSql();
      self.postMessage({ id, ok, sql, error: error?.message });
      return;
    }
    if (op === 'compare') {
      const { ok, comparison, error } = session.compare(args[0], args[1]);
      self.postMessage({ id, ok, comparison, error: error?.message, ...missing(error) });
      return;
    }
    // Read-only too: the set on screen reviewed against a base read from `args[0]` (items, as `load` takes them).
    if (op === 'review') {
      const onProgress = (progress) => self.postMessage({ id, progress });
      const { ok, reviewed, error } = session.review(args[0], args[1], self.navigator.userAgent, onProgress);
      self.postMessage({ id, ok, reviewed, error: error?.message, ...missing(error) });
      return;
    }
    if (op === 'exportDatabase') {
      self.postMessage({ id, ok: true, bytes: session.exportDatabase() });
      return;
    }
    // The session as it would be saved, and the options to start another worker with it:
    // www/client.js hands it to the full build's worker (this one is then stopped).
    if (op === 'handover') {
      const state = session.saved();
      self.postMessage({ id, ok: true, state, init: { id: workspace, ...budgets } }, [state.database.buffer]);
      return;
    }
    if (op === 'setTimeBudget') {
      budgets.timeBudgetMs = args[0];
      session.setTimeBudget(args[0]);
      self.postMessage({ id, ok: true });
      return;
    }
    if (op === 'setMemoryBudget') {
      budgets.memoryBudgetMib = args[0];
      Session.setMemoryBudget(args[0]);
      self.postMessage({ id, ok: true });
      return;
    }
    if (op === 'crashForTests') {
      if (!session.crashForTests) throw new Error('this build has no test hooks');
      session.crashForTests();
    }
    if (!ACTIONS.has(op)) throw new Error(`unknown operation: ${op}`);
    const outcome = session[op](...args);
    if (outcome.changed) await save(outcome.view);
    self.postMessage({ id, ok: outcome.ok, outcome, ...savedState(), ...missing(outcome.error) });
  } catch (e) {
    // A panic (or any trap) leaves the wasm instance unusable: save nothing, and
    // let the page start a new worker from what was saved before this action.
    if (e instanceof WebAssembly.RuntimeError) {
      self.postMessage({ id, ok: false, fatal: true, error: `${e.name}: ${e.message}` });
      return;
    }
    self.postMessage({ id, ok: false, error: messageOf(e) });
  }
};
