// Starts the SQLite worker as early as the page can: a classic script at the
// top of <head>, so it runs as soon as it arrives, while the rest of the HTML
// and the page's modules are still loading (a module script would wait for
// the whole document). The worker fetches and compiles the wasm meanwhile.
(() => {
  const worker = new Worker(new URL('worker.js', document.currentScript.src), { type: 'module' });
  // A worker that fails to load may fail before the page listens: remember it.
  worker.addEventListener('error', (event) => { window.migraplayWorkerFailed = event.message || 'it did not load'; });
  window.migraplayWorker = worker;
})();

// The theme, before the first paint (no flash of the other one): `&theme=light|dark` forces it
// (the demo view's embedder chooses), else the saved choice (not in the demo view, which saves
// nothing); an unknown value or none follows the system. www/theme.js keeps it afterwards.
(() => {
  const params = new URLSearchParams(location.search);
  let theme = params.get('theme');
  if (theme !== 'light' && theme !== 'dark' && !params.has('demo')) {
    try { theme = localStorage.getItem('migraplay-theme'); } catch { theme = null; /* storage denied */ }
  }
  if (theme === 'light' || theme === 'dark') document.documentElement.dataset.theme = theme;
})();
