// The page: it renders the view the Rust core returns after every action and
// sends intents; it holds no rule about migrations (see "What the page does"
// in docs/page.md). This module runs actions and starts the page; each panel
// (www/panels/) draws its part of the view and wires its controls.
import { $, el } from './dom.js';
import * as client from './client.js';
import * as workspaces from './workspaces.js';
import * as storage from './storage.js';
import { decodeSet } from './share.js';
import * as migrations from './panels/migrations.js';
import * as schema from './panels/schema.js';
import * as log from './panels/log.js';
import * as sets from './panels/sets.js';
import * as fileEditor from './panels/file-editor.js';
import * as verify from './panels/verify.js';
import * as database from './panels/database.js';
import * as sqlConsole from './panels/console.js';
import * as link from './panels/link.js';
import * as theme from './theme.js';
import * as embed from './embed.js';
import * as diagram from './panels/diagram.js';
import * as review from './panels/review.js';

const params = new URLSearchParams(location.search);

// Small preferences (budgets, console history, drafts). A page embedded in an
// iframe may be denied storage; it then simply forgets them (`set` says whether it kept one).
const prefs = {
  get(key) { try { return localStorage.getItem(key); } catch { return null; } },
  set(key, value) { try { localStorage.setItem(key, value); return true; } catch { return false; } },
  remove(key) { try { localStorage.removeItem(key); } catch { /* storage denied */ } },
};

const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** What every panel shares: the view, the busy state, and how to run an action. */
const app = {
  demo: params.has('demo'),
  params,
  prefs,
  plural,
  view: null,
  /** The saved playground's id; null when nothing is saved (demo, storage refused). */
  workspace: null,
  /** Whether the worker saves (storage may be refused). */
  saved: false,
  /** What the page is busy with (a label), or null. */
  busy: null,
  /** The set a demo view shows (restarts load it again). */
  demoLink: null,

  setProgress(text) {
    $('progress').textContent = text;
    $('progress').title = text; // the demo bar cuts a line that does not fit
  },
  /** The error on screen, or null. */
  errorText: null,
  showError(message) {
    app.errorText = message;
    $('error').replaceChildren(el('strong', { text: 'Error: ' }), el('span', { class: 'message', text: message }));
    $('error').hidden = false;
  },
  clearError() {
    app.errorText = null;
    $('error').hidden = true;
    $('error').replaceChildren();
  },

  /** Opens a file of the set in the editor at `line` (a finding's link), in view. */
  openFile(file, line) {
    fileEditor.open(app, file, line, { lineIs: 'finding' });
    if (!$('editor-panel').hidden) $('editor-panel').scrollIntoView({ block: 'start' });
  },
  /** Opens the schema card of table (or view) `name` (a finding's link), or says it is not in the database now. */
  showTable(name) {
    if (!diagram.showTable(name)) app.setProgress(`${name} is not in the playground's database now: apply the migrations to see its card.`);
  },

  /** Options for a (new) worker's `init`. */
  init(extra = {}) {
    return {
      id: app.workspace,
      timeBudgetMs: database.budgetSeconds() * 1000,
      memoryBudgetMib: database.memoryMib(),
      link: app.demo ? app.demoLink : null,
      ...extra,
    };
  },

  /** Draws a view from the core in every panel. */
  render(view) {
    app.view = view;
    migrations.render(app, view);
    schema.render(app, view);
    verify.render(app, view);
    fileEditor.render(app, view);
    if (app.demo) embed.render(view);
    app.update();
  },

  /** Sets every control from the view's actions and the busy state. */
  update() {
    migrations.update(app);
    sets.update(app);
    database.update(app);
    fileEditor.update(app);
    sqlConsole.update(app);
    verify.update(app);
    link.update(app);
    review.update(app);
  },

  /** Marks the page busy with `label` (null: idle) and says so. */
  setBusy(label) {
    app.busy = label;
    document.body.toggleAttribute('aria-busy', label !== null);
    app.update();
  },

  /**
   * Runs a Session action in the worker and draws its outcome; returns the
   * reply. `done(outcome, ms)` words the progress line. Focus goes back to where
   * it was (the button that asked), or to the error.
   */
  async run(op, label, args = [], { done = null, onProgress = null, ownError = false } = {}) {
    if (app.busy) return { ok: false, error: `busy: ${app.busy}` };
    const focused = document.activeElement;
    app.setBusy(label);
    app.clearError();
    app.setProgress(`${label}…`);
    const started = performance.now();
    const reply = await client.act(op, args, { onProgress, init: () => app.init() });
    if (reply.restarted?.ok) app.render(reply.restarted.outcome.view);
    const outcome = reply.outcome;
    app.busy = null;
    if (reply.saved !== undefined) app.saved = reply.saved;
    if (app.saved && outcome?.changed) hintSaved(true);
    if (outcome) {
      schema.showChanges(app, outcome.changes);
      app.render(outcome.view);
      const failed = outcome.ok || ownError ? null : outcome.error.message;
      if (outcome.log.length || failed) log.append(outcome.log, failed);
    }
    // A console run that stopped at an error shows it in the console (`ownError`), not as the page's error.
    const error = outcome && !outcome.ok ? (ownError ? null : outcome.error)
      : reply.ok || reply.outcome || reply.cancelled ? null : { message: reply.error };
    if (reply.cancelled) {
      app.setProgress(reply.error);
    } else if (!error) {
      app.setProgress(done ? done(outcome, performance.now() - started) : `${label}: done.`);
    } else {
      app.showError(error.message);
      app.setProgress(`${label} failed.`);
      if (error.file) fileEditor.open(app, error.file, error.line);
    }
    if (reply.saveFailure) app.showError(error ? `${error.message} ${reply.saveFailure}` : reply.saveFailure);
    document.body.toggleAttribute('aria-busy', false);
    app.update();
    if (focused && focused !== document.body && focused.isConnected && document.activeElement !== focused) focused.focus();
    else if (error && document.activeElement === document.body) $('error').focus();
    return reply;
  },

  /** Stops what runs (it is rolled back) and starts a new worker from what was saved. */
  async restart(error, extra = {}) {
    const reply = await client.restart(error, app.init(extra));
    if (reply.ok) app.render(reply.outcome.view);
    return reply;
  },
};

// The first screen index.html brings from the build (the bundled set, .ci/prerender.mjs) goes
// when the worker cannot show it: the page lists nothing it does not have.
function dropFirstScreen() {
  if (app.view) return;
  for (const e of document.querySelectorAll('[data-prerender]')) e.replaceChildren();
}

// Whether this browser has a saved playground, for www/boot.js: it hides the bundled set's first
// screen before the first paint when the page will show a saved one (IndexedDB is too late for that).
function hintSaved(saved) {
  if (saved) prefs.set('migraplay-has-saved', '1'); else prefs.remove('migraplay-has-saved');
}

client.connect((message) => {
  dropFirstScreen();
  app.showError(message);
  app.setProgress('');
}, { get: () => $('progress').textContent, set: (text) => app.setProgress(text) });

for (const panel of [migrations, sets, fileEditor, verify, database, sqlConsole, link, diagram, review]) panel.wire(app);
theme.wire(app);
if (app.demo) embed.start(app);

// --- start -------------------------------------------------------------------------

(async () => {
  if (app.demo) document.body.classList.add('demo');
  app.setBusy('Loading SQLite');
  app.setProgress('Loading SQLite (WebAssembly)…');
  let shared = null;
  // What went wrong on the way in, said after the start (the demo's first step would clear it).
  const startErrors = [];
  // This tab's playground, and which are saved, asked at once and while the link is read:
  // each waits on the browser (Web Locks, IndexedDB), not on the others.
  const listed = app.demo ? null : storage.list();
  const claimed = app.demo ? null : Promise.all([workspaces.claim(listed), listed]);
  try {
    shared = await decodeSet(location.hash);
  } catch (e) {
    startErrors.push(e.message);
  }
  let openLink = null;
  let unsaved = false;
  if (app.demo) {
    app.demoLink = shared;
  } else {
    const [{ id, fresh }, saved] = await claimed;
    app.workspace = id;
    hintSaved(saved.length > 0);
    // A new playground has nothing saved to restore: the worker need not look.
    unsaved = fresh;
    sqlConsole.loadHistory(app);
    // A link opens at once only where it replaces nothing saved; otherwise it is offered.
    const hasSaved = saved.some((p) => p.id === app.workspace);
    if (shared && !hasSaved) openLink = shared;
  }
  const reply = await client.call('init', [app.init({ link: app.demo ? app.demoLink : openLink, unsaved })]);
  app.busy = null;
  if (!reply.ok) {
    dropFirstScreen();
    // Reset everything stays enabled: the way out of any failure.
    app.showError(`${reply.error} Reset everything starts over with the bundled set.`);
    app.setProgress('');
    app.update();
    document.body.dataset.ready = 'true';
    return;
  }
  app.saved = reply.saved;
  app.render(reply.outcome.view);
  delete document.documentElement.dataset.wait;
  if (openLink && app.saved) hintSaved(true);
  document.body.toggleAttribute('aria-busy', false);
  app.setProgress('');
  startErrors.push(...reply.problems);
  if (!app.demo) {
    if (openLink) link.forget();
    else if (shared) link.offer(app, shared);
    database.listPlaygrounds(app);
  }
  if (app.demo) {
    // The demo starts before the first migration, so Apply next acts at once; &at=V migrates
    // to V first, &at=latest applies all (&version=V is &at's older name). A version the set
    // does not have is the core's error, shown in the bar, and nothing is applied.
    const at = (params.get('at') || params.get('version') || '').trim();
    // The version goes as text: above 2^53 a JavaScript number would round it.
    if (at.toLowerCase() === 'latest') await app.run('applyAll', 'Migrate to the latest', [], { done: migrations.stepped(app, 'Migrate to the latest') });
    else if (at) await app.run('migrateTo', `Migrate to ${at}`, [at], { done: migrations.stepped(app, `Migrate to ${at}`) });
  }
  if (startErrors.length) app.showError([...startErrors, app.errorText].filter(Boolean).join(' '));
  document.body.dataset.readyAt = performance.now().toFixed(1);
  document.body.dataset.ready = 'true';
})();

// A crash, on purpose, for the tests of crash recovery (only in a build with test hooks).
if (params.has('test-hooks')) document.addEventListener('crash-for-tests', () => app.run('crashForTests', 'Crash'));

export default app;
