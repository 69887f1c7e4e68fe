// The one owner of the SQLite worker: calls, progress, restarts and crashes.
// Every reply is a value: `{ok, outcome, error, fatal}`; nothing here throws.

let worker;
let nextId = 1;
const waiting = new Map();
const progressHandlers = new Map();
let onWorkerError = () => {};
let generation = 0;

/** Counts restarts: work begun before a restart (reading files, say) checks it has not changed before it goes on. */
export const currentGeneration = () => generation;

// The worker boot.js starts: the demo view's runs the light build (make dist).
const workerFile = new URLSearchParams(location.search).has('demo') ? './worker-demo.js' : './worker.js';

function startWorker() {
  // The first worker was started by boot.js, ahead of the page's modules.
  worker = window.migraplayWorker || new Worker(new URL(workerFile, import.meta.url), { type: 'module' });
  window.migraplayWorker = null;
  worker.onmessage = ({ data }) => {
    if (data.progress) {
      progressHandlers.get(data.id)?.(data.progress);
      return;
    }
    const done = waiting.get(data.id);
    waiting.delete(data.id);
    progressHandlers.delete(data.id);
    done?.(data);
  };
  worker.onerror = (event) => failed(event.message);
  if (window.migraplayWorkerFailed) failed(window.migraplayWorkerFailed);
  window.migraplayWorkerFailed = null;
}

// A worker that cannot load answers nothing: whoever waits hears why.
function failed(message) {
  const error = `The SQLite worker failed: ${message || 'it did not load'}. Reload the page; Reset everything starts over.`;
  onWorkerError(error);
  for (const done of waiting.values()) done({ ok: false, error });
  waiting.clear();
  progressHandlers.clear();
}

/** Starts the first worker; `onError(message)` hears of a worker that failed to load. */
export function connect(onError) {
  onWorkerError = onError;
  startWorker();
}

/** Sends `op` to the worker; resolves with its reply. `onProgress` hears of progress. */
export function call(op, args = [], onProgress = null) {
  const id = nextId++;
  return new Promise((resolve) => {
    waiting.set(id, resolve);
    if (onProgress) progressHandlers.set(id, onProgress);
    worker.postMessage({ id, op, args });
  });
}

/**
 * Stops the worker (what it runs is lost, and so rolled back: nothing is saved
 * until an action ends) and starts a new one with `init`. Whoever waited gets
 * `{ok: false, error}`. Resolves with the new worker's `init` reply.
 */
export function restart(error, init) {
  worker.terminate();
  generation += 1;
  for (const done of waiting.values()) done({ ok: false, error, cancelled: true });
  waiting.clear();
  progressHandlers.clear();
  startWorker();
  return call('init', [init]);
}

/**
 * Calls `op`; when wasm crashed (a panic leaves the instance unusable), starts
 * a new worker from what was saved before the action and replies with the error.
 */
export async function act(op, args, { onProgress = null, init }) {
  const reply = await call(op, args, onProgress);
  if (!reply.fatal) return reply;
  const error = `migraplay crashed inside WebAssembly (${reply.error}). The worker was restarted; `
    + 'the set and the database are as they were before this action.';
  const again = await restart(error, init());
  return { ok: false, error, restarted: again };
}
