// Starts the SQLite worker as early as the page can: this module has no
// imports, so it runs right after the HTML is parsed, and the worker fetches
// and compiles the wasm while app.js and its modules are still loading.
window.migraplayWorker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
