// The SQL console: its editor, its own Run and Cancel beside it, what it is
// doing, results, errors at their line and column, and its history. Whether a
// run changed the database is the core's answer; the worker then saves it.
import { $, el } from '../dom.js';
import { createEditor } from '../editor.js';
import { setAble, onClick } from '../controls.js';
import { keeper } from '../drafts.js';

const ROW_LIMIT = 200;
/** The most characters of one value the grid shows (the core already cuts text there). */
const CELL_CHARS = 10_000;
// Each playground has its own history (Reset in one tab forgets only its own).
const historyKeyOf = (id) => `migraplay-console-history:${id ?? 'unsaved'}`;
const historyKey = (app) => historyKeyOf(app.workspace);
// And the text in the console, as typed (www/drafts.js): a reload puts it back.
const textKeyOf = (id) => `migraplay-console-text:${id}`;
const FIRST_SQL = "SELECT name, type FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name;";

/** Forgets the history (and the text) of a deleted playground. */
export const forgetHistoryOf = (app, id) => {
  app.prefs.remove(historyKeyOf(id));
  app.prefs.remove(textKeyOf(id));
};

let consoleEditor;
let history = [];
let running = false;
let textStore;

/** Keeps the console's text for this playground (nothing when it is the first query again). */
function keepText(app) {
  if (app.demo || app.workspace === null) return;
  const sql = consoleEditor.get();
  textStore.keep(textKeyOf(app.workspace), sql === FIRST_SQL ? null : sql);
}

function renderHistory(app) {
  $('console-history').replaceChildren(...history.map((sql) => {
    const b = el('button', { type: 'button', class: 'link', title: 'Put back in the console' }, el('code', { text: sql }));
    b.addEventListener('click', () => {
      consoleEditor.set(sql);
      keepText(app);
    });
    return el('li', {}, b);
  }));
}

function cell(value) {
  if (value === null) return el('td', { class: 'null', text: 'NULL' });
  if (typeof value === 'object') return el('td', { class: 'blob', text: `BLOB ${value.blob_bytes} bytes x'${value.hex}${value.blob_bytes > 32 ? '…' : ''}'` });
  const text = String(value);
  return el('td', { class: typeof value, text: text.length > CELL_CHARS ? `${text.slice(0, CELL_CHARS)}…` : text });
}

function renderResults(app, { outputs, error }, sql) {
  $('console-results').replaceChildren(...outputs.map((o) => {
    const head = el('p', { class: 'muted' }, el('code', { text: o.sql }));
    if (o.columns.length === 0) return el('div', { class: 'result' }, head, el('p', { text: `OK, ${app.plural(o.changes, 'row')} changed.` }));
    const more = o.truncated ? ` (only the first ${ROW_LIMIT} are shown)` : '';
    return el('div', { class: 'result' }, head,
      el('div', { class: 'grid-scroll', tabindex: '0', role: 'region', 'aria-label': `Result of: ${o.sql.slice(0, 80)}` },
        el('table', { class: 'grid' },
          el('thead', {}, el('tr', {}, ...o.columns.map((c) => el('th', { text: c })))),
          el('tbody', {}, ...o.rows.map((r) => el('tr', {}, ...r.map(cell)))))),
      el('p', { class: 'muted', text: `${app.plural(o.rows.length, 'row')}${more}.` }));
  }));
  $('console-error').hidden = !error;
  if (error) {
    const line = sql.split('\n')[error.line - 1] ?? '';
    $('console-error').replaceChildren(
      el('span', { class: 'message', text: `Statement ${error.statement}, line ${error.line}, column ${error.column}: ${error.message}` }),
      el('pre', { class: 'caret', text: `${line}\n${' '.repeat(Math.max(0, error.column - 1))}^` }));
    consoleEditor.mark(error.line);
  }
}

async function runConsole(app) {
  const sql = consoleEditor.get();
  if (!sql.trim()) {
    $('console-status').textContent = 'Nothing to run: the console is empty.';
    return;
  }
  running = true;
  $('console-status').textContent = 'Running…';
  const reply = await app.run('console', 'Run SQL', [sql, ROW_LIMIT], {
    ownError: true,
    done: (outcome) => (outcome.console.error ? 'Run SQL: stopped at an error.'
      : `Run SQL: ${app.plural(outcome.console.outputs.length, 'statement')}.`),
  });
  running = false;
  update(app);
  const run = reply.outcome?.console;
  if (!run) {
    $('console-status').textContent = reply.error ? `Stopped: ${reply.error}` : '';
    return;
  }
  $('console-status').textContent = run.error ? 'Stopped at an error.'
    : `Done: ${app.plural(run.outputs.length, 'statement')}${reply.outcome.changed ? '; the database changed and is saved' : ''}.`;
  if (history[0] !== sql) history.unshift(sql);
  history.length = Math.min(history.length, 30);
  app.prefs.set(historyKey(app), JSON.stringify(history));
  renderHistory(app);
  renderResults(app, run, sql);
}

export function wire(app) {
  textStore = keeper(app.prefs);
  consoleEditor = createEditor($('console-editor'), { label: 'SQL to run', onInput: () => keepText(app) });
  consoleEditor.set(FIRST_SQL);
  $('row-limit').textContent = String(ROW_LIMIT);
  onClick(app, $('console-run'), () => runConsole(app));
  onClick(app, $('console-cancel'), () => {
    $('console-status').textContent = 'Cancelling…';
    app.restart('Cancelled. The console run was stopped and rolled back; the database is as it was before it.');
  });
  consoleEditor.textarea.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      if ($('console-run').getAttribute('aria-disabled') !== 'true') runConsole(app);
    }
  });
}

/** Shows the history and the text of this tab's playground (after it is known, and after a switch). */
export function loadHistory(app) {
  try { history = JSON.parse(app.prefs.get(historyKey(app)) || '[]'); } catch { history = []; }
  if (!Array.isArray(history)) history = [];
  renderHistory(app);
  textStore.flush(); // the text of the playground this tab had, before the next one's is read
  consoleEditor.set(app.prefs.get(textKeyOf(app.workspace)) ?? FIRST_SQL);
}

export function update(app) {
  if (!consoleEditor) return;
  setAble(app, $('console-run'), true);
  const cancel = $('console-cancel');
  cancel.setAttribute('aria-disabled', String(!running));
  cancel.dataset.why = running ? '' : 'the console is not running';
}

/** Clears the results and the status (a new start). */
export function clear() {
  $('console-results').replaceChildren();
  $('console-error').hidden = true;
  $('console-status').textContent = '';
}

export function forgetHistory(app) {
  history = [];
  app.prefs.remove(historyKey(app));
  renderHistory(app);
  textStore.drop(textKeyOf(app.workspace));
  consoleEditor.set(FIRST_SQL);
}
