// Starts the SQLite worker as early as the page can: this module has no
// imports, so it runs right after the HTML is parsed, and the worker fetches
// and compiles the wasm while app.js and its modules are still loading.
const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
// A worker that fails to load may fail before the page listens: remember it.
worker.addEventListener('error', (event) => { window.migraplayWorkerFailed = event.message || 'it did not load'; });
window.migraplayWorker = worker;
