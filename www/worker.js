// The worker owns the Playground (SQLite in wasm), so a long migration never
// freezes the page. It only relays: every decision is the Rust core's.
import init, { Playground } from '../pkg/migraplay.js';

let playground;
const ready = init().then(() => {
  playground = new Playground();
});

const state = () => ({
  migrations: playground.migrations(),
  status: playground.status(),
  schema: playground.schema(),
  sqliteVersion: Playground.sqliteVersion(),
});

const actions = {
  applyNext: () => playground.applyNext(),
  revertLast: () => playground.revertLast(),
  applyAll: () => playground.applyAll(),
  revertAll: () => playground.revertAll(),
  migrateTo: (version) => playground.migrateTo(version),
};

self.onmessage = async ({ data: { id, op, args = [] } }) => {
  try {
    await ready;
    if (op === 'state') {
      self.postMessage({ id, ok: true, log: [], state: state() });
      return;
    }
    const action = actions[op];
    if (!action) throw new Error(`unknown operation: ${op}`);
    const log = action(...args);
    self.postMessage({ id, ok: true, log, state: state() });
  } catch (e) {
    let current = null;
    try { current = playground && state(); } catch { /* report the first error */ }
    self.postMessage({
      id,
      ok: false,
      error: String(e && e.message !== undefined ? e.message : e),
      log: (e && e.applied) || [],
      state: current,
    });
  }
};
