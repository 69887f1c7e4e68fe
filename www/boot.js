// Starts the SQLite worker as early as the page can: this module has no
// imports, so it runs right after the HTML is parsed. It also fetches and
// compiles the wasm here, in parallel with the worker's own modules, and hands
// the compiled module over (a WebAssembly.Module can be posted to a worker).
const wasm = WebAssembly.compileStreaming(fetch(new URL('../pkg/migraplay_bg.wasm', import.meta.url)))
  .catch(() => null); // the worker then fetches it itself
window.migraplayWasm = wasm;
window.migraplayWorker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const first = window.migraplayWorker;
wasm.then((module) => first.postMessage({ op: 'wasm', module }));
