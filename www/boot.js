// Starts the SQLite worker as early as the page can: a classic script at the
// top of <head>, so it runs as soon as it arrives, while the rest of the HTML
// and the page's modules are still loading (a module script would wait for
// the whole document). The worker fetches and compiles the wasm meanwhile.
//
// A frame sandboxed without allow-same-origin gives the page an opaque origin: the
// browser refuses its modules, its worker and its storage, and nothing but this
// classic script runs to say so.
(() => {
  if (self.origin !== 'null') return;
  const say = () => {
    const box = document.getElementById('error');
    if (!box) return;
    box.textContent = 'migraplay cannot start in this frame: it is sandboxed without allow-same-origin, so the browser '
      + 'refuses the page its scripts, its SQLite worker and its storage. Embed it with '
      + 'sandbox="allow-scripts allow-same-origin", or without a sandbox.';
    box.hidden = false;
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', say); else say();
})();

(() => {
  if (self.origin === 'null') return;
  // Every page starts the light build (dist/pkg-light: no verify, review, sample rows or
  // Compare), the smaller download; www/client.js loads the full one (worker.js) on first use.
  const worker = new Worker(new URL('worker-light.js', document.currentScript.src), { type: 'module' });
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

// The bundled set's listing is in index.html from the build (.ci/prerender.mjs), shown at the
// first paint. Where the page will show something else, it stays hidden until the page draws
// its own (www/app.js removes data-wait): a saved playground (the page notes in localStorage
// that this browser has one, as IndexedDB cannot be read before the paint), a shared set
// (#set=…), the demo view.
(() => {
  let saved = null;
  try { saved = localStorage.getItem('migraplay-has-saved'); } catch { /* storage denied: nothing is saved either */ }
  if (saved || /^#?set=/.test(location.hash) || new URLSearchParams(location.search).has('demo')) {
    document.documentElement.dataset.wait = '';
  }
})();
