// The worker owns the Playground (SQLite in wasm), so a long migration never
// freezes the page. It only relays: every decision is the Rust core's.
import init, { Playground } from '../pkg/migraplay.js';

let playground;
let source = { kind: 'bundled', files: 0 };
const ready = init().then(() => {
  playground = new Playground();
});

const state = () => ({
  migrations: playground.migrations(),
  status: playground.status(),
  schema: playground.schema(),
  sqliteVersion: Playground.sqliteVersion(),
  source,
});

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
    return [];
  },
  loadBundled: () => {
    playground = new Playground();
    source = { kind: 'bundled', files: 0 };
    return [];
  },
};

self.onmessage = async ({ data: { id, op, args = [] } }) => {
  try {
    await ready;
    if (op === 'state') {
      self.postMessage({ id, ok: true, log: [], state: state() });
      return;
    }
    if (op === 'verify') {
      const onProgress = (progress) => self.postMessage({ id, progress });
      const verified = playground.verify(self.navigator.userAgent, onProgress);
      self.postMessage({ id, ok: true, log: [], verified, state: state() });
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
