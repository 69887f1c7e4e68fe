// The one owner of the SQLite worker: calls, progress, restarts and crashes, and
// which build it runs. Every reply is a value: `{ok, outcome, error, fatal}`; nothing here throws.
//
// Every page starts the light build (worker-light.js: no verify, review, sample rows
// or Compare, a smaller download). When the light one answers that an action is not
// in it (the core's error kind `not_in_build`, never a sentence read here), the
// playground is handed to the full build (worker.js) and the action asked again:
// infrastructure, not a decision about migrations.

let worker;
let nextId = 1;
const waiting = new Map();
const progressHandlers = new Map();
let onWorkerError = () => {};
let generation = 0;

/** Counts restarts: work begun before a restart (reading files, say) checks it has not changed before it goes on. */
export const currentGeneration = () => generation;

const LIGHT = './worker-light.js';
const FULL = './worker.js';
// What a new worker runs: the light build until the page has switched (restarts keep the full one).
let workerFile = LIGHT;
// The switch to the full build under way (a promise of `{ok, error}`), and its worker while it starts.
let switching = null;
let incoming = null;

const spawn = (file) => new Worker(new URL(file, import.meta.url), { type: 'module' });

/** Hands `target`'s replies to whoever waits for them; `onError` hears of a worker that cannot load. */
function listen(target, onError) {
  target.onmessage = ({ data }) => {
    if (data.progress) {
      progressHandlers.get(data.id)?.(data.progress);
      return;
    }
    const done = waiting.get(data.id);
    waiting.delete(data.id);
    progressHandlers.delete(data.id);
    done?.(data);
  };
  target.onerror = (event) => onError(event.message);
}

function startWorker() {
  // The first worker was started by boot.js, ahead of the page's modules.
  worker = window.migraplayWorker || spawn(workerFile);
  window.migraplayWorker = null;
  listen(worker, failed);
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

// The page's progress line, read and written through the page (the action that asked keeps the page busy meanwhile).
let progressLine = { get: () => '', set: () => {} };

/**
 * Starts the first worker; `onError(message)` hears of a worker that failed to load;
 * `progress` ({get, set}) is the page's progress line, which says when the full build loads.
 */
export function connect(onError, progress = progressLine) {
  onWorkerError = onError;
  progressLine = progress;
  startWorker();
}

// The replies not yet in, by id, with the worker that owes each.
const owing = new Map();

/** Sends `op` to `target`; `{id, reply}`, the reply a promise. */
function post(target, op, args = [], onProgress = null) {
  const id = nextId++;
  const reply = new Promise((resolve) => {
    waiting.set(id, resolve);
    if (onProgress) progressHandlers.set(id, onProgress);
    target.postMessage({ id, op, args });
  }).finally(() => owing.delete(id));
  owing.set(id, { target, reply });
  return { id, reply };
}

/**
 * Sends `op` to the worker; resolves with its reply. `onProgress` hears of progress.
 * An op the light build does not have switches to the full build, then is sent again.
 */
export async function call(op, args = [], onProgress = null) {
  while (switching) await switching;
  const reply = await post(worker, op, args, onProgress).reply;
  if (!reply.notInBuild || workerFile === FULL) return reply;
  const switched = await switchToFull();
  return switched.ok ? call(op, args, onProgress) : switched;
}

/**
 * Starts the full build's worker with the light one's playground (the set and the
 * database as it would save them, its playground id and budgets), then stops the
 * light one. One switch at a time; calls made meanwhile wait for it. When the full
 * build cannot load, the light worker stays, as it was: `{ok: false, error}`.
 */
function switchToFull() {
  switching ??= (async () => {
    const asked = generation;
    const said = progressLine.get();
    progressLine.set('Loading the full build (verify, review, sample rows, Compare)…');
    const light = worker;
    // The light worker answers in order: what it was asked before this is in the state it hands over.
    const handed = await post(light, 'handover').reply;
    if (generation !== asked) return handed; // a restart (Cancel) came first: its reply says so
    // What it still owes (a save finishing, say) is answered before it stops.
    await Promise.all([...owing.values()].filter((p) => p.target === light).map((p) => p.reply));
    if (generation !== asked) return { ok: false, cancelled: true, error: 'Cancelled.' };
    let started = { ok: false, error: handed.error };
    if (handed.ok) {
      incoming = spawn(FULL);
      const init = post(incoming, 'init', [{ ...handed.init, handover: handed.state }]);
      // A worker that cannot load answers nothing: its error is the reply.
      listen(incoming, (message) => {
        const done = waiting.get(init.id);
        waiting.delete(init.id);
        done?.({ ok: false, error: message || 'it did not load' });
      });
      started = await init.reply;
    }
    if (generation !== asked) return started; // a restart stopped the new worker too: its reply says so
    if (!started.ok) {
      incoming?.terminate();
      incoming = null;
      progressLine.set(said);
      return { ok: false, error: `The full build (verify, review, sample rows, Compare) did not load: ${started.error}. `
        + 'The playground is as it was; try again, or reload the page.' };
    }
    light.terminate();
    worker = incoming;
    incoming = null;
    listen(worker, failed);
    workerFile = FULL;
    progressLine.set(said);
    return { ok: true };
  })().finally(() => { switching = null; });
  return switching;
}

/**
 * Stops the worker (what it runs is lost, and so rolled back: nothing is saved
 * until an action ends) and starts a new one with `init`. Whoever waited gets
 * `{ok: false, error}`. Resolves with the new worker's `init` reply.
 */
export function restart(error, init) {
  worker.terminate();
  incoming?.terminate();
  incoming = null;
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
