// The page: DOM and events only. It sends actions to the worker and draws
// what comes back. Everything from migrations or the database is inserted as
// text, never as HTML.
import { $, el, download } from './dom.js';
import { renderMarkdown } from './markdown.js';
import { drawDiagram } from './diagram.js';
import { createEditor } from './editor.js';
import { encodeSet, decodeSet, setItems, MAX_LINK_CHARS } from './share.js';

const ROW_LIMIT = 200;

// Small preferences (time budget, console history). A page embedded in an
// iframe may be denied storage; it then simply forgets them.
const prefs = {
  get(key) { try { return localStorage.getItem(key); } catch { return null; } },
  set(key, value) { try { localStorage.setItem(key, value); } catch { /* storage denied */ } },
  remove(key) { try { localStorage.removeItem(key); } catch { /* storage denied */ } },
};
const params = new URLSearchParams(location.search);
const demo = params.has('demo');

// --- the worker ------------------------------------------------------------

let worker;
let nextId = 1;
const waiting = new Map();
const progressHandlers = new Map();

function startWorker() {
  // The first worker was started by boot.js, ahead of this module.
  worker = window.migraplayWorker || new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
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
  worker.onerror = (event) => {
    showError(`The SQLite worker failed: ${event.message || 'unknown error'}`);
    setProgress('');
  };
}
startWorker();

function call(op, args = [], onProgress = null) {
  const id = nextId++;
  return new Promise((resolve) => {
    waiting.set(id, resolve);
    if (onProgress) progressHandlers.set(id, onProgress);
    worker.postMessage({ id, op, args });
  });
}

/**
 * Stops the worker (whatever it runs is lost, and so rolled back) and starts a
 * new one from what was saved before the action; in the demo view, from the
 * set the page shows. Whoever waited gets `reply`.
 */
async function restartWorker(reply, { reset = false } = {}) {
  worker.terminate();
  for (const done of waiting.values()) done({ ok: false, ...reply });
  waiting.clear();
  progressHandlers.clear();
  startWorker();
  const files = demo && current && !reset ? setFiles() : null;
  const again = await call('init', [{ ...initOptions(files), reset }]);
  if (again.ok) render(again.state);
  return again;
}

const budgetSeconds = () => Math.max(0, Number($('budget').value) || 0);
const memoryMib = () => Math.max(0, Number($('memory').value) || 0);
const initOptions = (files) => ({
  persist: !demo, files, timeBudgetMs: budgetSeconds() * 1000, memoryBudgetMib: memoryMib(), hooks: params.has('test-hooks'),
});
/** The loaded set's files, as [{name, text}]. */
const setFiles = () => current.migrations.flatMap((m) => m.files);

// --- messages ----------------------------------------------------------------

function showError(message) {
  $('error').replaceChildren(el('strong', { text: 'Error: ' }), el('span', { class: 'message', text: message }));
  $('error').hidden = false;
}

function clearError() {
  $('error').hidden = true;
  $('error').replaceChildren();
}

const setProgress = (text) => { $('progress').textContent = text; };
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

// --- state and buttons ---------------------------------------------------------

let busy = true;
let current = null;
let lastChanges = [];

const controls = ['budget', 'memory', 'flavor', 'style-lint', 'apply-next', 'revert-last', 'apply-all', 'revert-all', 'migrate-to', 'verify', 'target',
  'files', 'folder', 'load-bundled', 'paste-add', 'export', 'import', 'share', 'reset-db', 'reset', 'console-run',
  'editor-save'];

function updateButtons() {
  const status = current ? current.status : [];
  const pending = status.some((s) => s.state === 'pending');
  const applied = status.some((s) => s.state !== 'pending');
  const has = status.length > 0;
  const enabled = {
    'apply-next': pending,
    'apply-all': pending,
    'revert-last': applied,
    'revert-all': applied,
    'migrate-to': has,
    target: has,
    verify: current && current.migrations.length > 0,
    'load-bundled': current && current.source.kind !== 'bundled',
    flavor: current && current.source.kind !== 'bundled',
    'editor-save': editorFile !== null && !editor.refused(),
  };
  for (const id of controls) $(id).disabled = busy || !current || enabled[id] === false;
  // Reset needs nothing from the worker (it starts a new one): it works after any failure.
  $('reset').disabled = busy;
  $('cancel').disabled = !busy || !current;
}

function render(state) {
  current = state;
  $('engine').textContent = `SQLite ${state.sqliteVersion} (WebAssembly, in a worker)`;
  const n = plural(state.migrations.length, 'migration');
  const where = state.persist ? 'kept in this browser'
    : demo ? 'not saved (demo view)' : 'not saved (this browser refused storage to the page)';
  const from = {
    bundled: `The bundled set: ${n}.`,
    files: `Your set: ${n} from ${plural(state.source.files, 'file')}.`,
    edited: `Your set, edited: ${n}.`,
    link: `A shared set: ${n} from a link.`,
  }[state.source.kind];
  $('source').textContent = `${from} The set and the database are ${where}.`;
  $('flavor').value = state.source.flavor ?? 'auto';
  $('flavor-why').textContent = `${state.flavor.flavor} (${state.flavor.why}).`;
  $('load-problems').replaceChildren(...state.loadProblems.map((p) => el('li', { text: `Could not load: ${p}` })));
  renderMigrations(state);
  renderTargets(state);
  renderSchema(state.schema);
  renderDiagram(state.diagram);
  renderDrift(state.drift);
  updateButtons();
}

function renderMigrations({ status, migrations }) {
  const files = new Map(migrations.map((m) => [m.version, m]));
  const fileButton = (name) => (demo ? el('code', { text: name })
    : el('button', { class: 'link', type: 'button', 'data-file': name, title: `Edit ${name}` }, el('code', { text: name })));
  const rows = status.map((s) => {
    const m = files.get(s.version);
    const cell = el('td', { class: 'files' });
    if (m) {
      cell.append(fileButton(m.up_file));
      if (m.down_file) cell.append(el('br'), fileButton(m.down_file));
    } else {
      cell.append(el('em', { text: 'not in this set' }));
    }
    return el('tr', { 'data-version': s.version, class: `state-${s.state}` },
      el('td', { text: String(s.version) }),
      el('td', { text: s.description }),
      el('td', {}, el('span', { class: `badge ${s.state}`, text: s.state })),
      cell,
      el('td', { class: 'checksum', title: s.checksum }, el('code', { text: `${s.checksum.slice(0, 16)}…` })));
  });
  $('migrations').tBodies[0].replaceChildren(...rows);
}

function renderTargets({ status }) {
  const select = $('target');
  const previous = select.value;
  select.replaceChildren(el('option', { value: '0', text: '0 — before the first (empty)' }),
    ...status.filter((s) => s.state !== 'missing')
      .map((s) => el('option', { value: String(s.version), text: `${s.version} — ${s.description}` })));
  if ([...select.options].some((o) => o.value === previous)) select.value = previous;
}

// The words and the verdict are the core's (in the set's tool's words); the page only places them.
function renderDrift(drift) {
  $('drift').hidden = !drift.bad && !importedFrom;
  $('drift').textContent = `${importedFrom ? `Compared with ${importedFrom}: ` : 'Drift: '}${drift.text}`;
  $('drift').className = `drift ${drift.bad ? 'bad' : 'good'}`;
}

function renderSchema(schema) {
  const t = schema.totals;
  const totals = [['tables', t.tables], ['columns', t.columns], ['indexes', t.indexes], ['triggers', t.triggers],
    ['views', t.views], ['foreign keys', t.foreign_keys], ['checks', t.checks], ['defaults', t.defaults],
    ['primary keys', t.primary_keys]];
  $('totals').replaceChildren(...totals.map(([name, n]) =>
    el('div', { 'data-total': name.replace(' ', '_') }, el('dt', { text: name }), el('dd', { text: String(n) }))));
  const sections = schema.tables.map(renderTable);
  for (const view of schema.views) {
    sections.push(el('section', { class: 'table-card view' },
      el('h3', {}, el('span', { class: 'kind', text: 'view ' }), el('span', { class: 'name', text: view.name })),
      el('pre', { text: view.sql })));
  }
  if (sections.length === 0) sections.push(el('p', { class: 'muted empty', text: 'No user tables.' }));
  $('tables').replaceChildren(...sections);
}

function renderTable(table) {
  const columns = el('table', { class: 'columns' },
    el('thead', {}, el('tr', {}, ...['column', 'type', 'not null', 'default', 'key'].map((h) => el('th', { text: h })))),
    el('tbody', {}, ...table.columns.map((c) => el('tr', {},
      el('td', { text: c.name }), el('td', { text: c.decl_type }), el('td', { text: c.not_null ? 'yes' : '' }),
      el('td', { text: c.default ?? '' }), el('td', { text: c.primary_key ? `PK ${c.primary_key}` : '' })))));
  const list = (title, items) => (items.length === 0 ? [] : [
    el('h4', { text: title }),
    el('ul', { class: title.replace(' ', '-') }, ...items.map((text) => el('li', { text }))),
  ]);
  return el('section', { class: 'table-card', 'data-table': table.name },
    el('h3', {}, el('span', { class: 'kind', text: 'table ' }), el('span', { class: 'name', text: table.name })),
    columns,
    list('foreign keys', table.foreign_keys.map((fk) =>
      `(${fk.columns.join(', ')}) → ${fk.target}(${fk.target_columns.join(', ')}) ON DELETE ${fk.on_delete} ON UPDATE ${fk.on_update}`)),
    list('checks', table.checks.map((c) => `CHECK (${c})`)),
    list('indexes', table.indexes.map((ix) =>
      `${ix.unique ? 'UNIQUE ' : ''}${ix.name} (${ix.columns.join(', ')})${ix.partial ? ' WHERE …' : ''}`)),
    list('triggers', table.triggers.map((tr) => tr.name)));
}

function renderDiagram(diagram) {
  $('diagram').replaceChildren(diagram.boxes.length === 0
    ? el('p', { class: 'muted', text: 'No tables to draw.' })
    : drawDiagram(diagram, lastChanges));
}

function renderChanges(changes) {
  lastChanges = changes;
  $('changes').replaceChildren(...(changes.length === 0
    ? [el('li', { class: 'muted', text: 'No change to the schema.' })]
    : changes.map((c) => el('li', { class: c.change === 'still_there' ? 'added' : c.change === 'missing' ? 'removed' : 'changed', text: c.sentence }))));
}

function appendLog(lines, failed) {
  const log = $('log');
  for (const entry of lines) log.append(el('li', { class: entry.direction, text: entry.line }));
  if (failed) log.append(el('li', { class: 'failed', text: `Failed: ${failed}` }));
  log.scrollTop = log.scrollHeight;
}

// --- running actions -------------------------------------------------------------

let importedFrom = null;

/** Runs a worker action; returns the reply. `done(reply)` words the progress line. */
async function run(op, label, args = [], done = null) {
  if (busy) return { ok: false, error: 'busy' };
  busy = true;
  updateButtons();
  clearError();
  setProgress(`${label}…`);
  const started = performance.now();
  let reply = await call(op, args);
  if (reply.fatal) {
    const error = `migraplay crashed inside WebAssembly (${reply.error}). The worker was restarted; `
      + 'the set and the database are as they were before this action.';
    await restartWorker({ error });
    reply = { ok: false, error };
  }
  busy = false;
  const result = reply.result || {};
  if (result.changes) renderChanges(result.changes);
  if (reply.state) render(reply.state);
  if (result.log) appendLog(result.log, reply.ok ? null : reply.error);
  if (reply.ok) {
    const n = result.log ? result.log.length : null;
    setProgress(done ? done(reply) : n === null ? `${label}: done.`
      : n === 0 ? `${label}: nothing to do.`
        : `${label}: ${plural(n, 'migration')} in ${(performance.now() - started).toFixed(1)} ms.`);
  } else {
    showError(reply.error);
    setProgress(`${label} failed.`);
    if (reply.location) openEditor(reply.location.file, reply.location.line);
  }
  updateButtons();
  return reply;
}

const step = (op, label) => () => run(op, label);
$('apply-next').addEventListener('click', step('applyNext', 'Apply next'));
$('revert-last').addEventListener('click', step('revertLast', 'Revert last'));
$('apply-all').addEventListener('click', step('applyAll', 'Apply all'));
$('revert-all').addEventListener('click', step('revertAll', 'Revert all'));
$('migrate-to').addEventListener('click', () => {
  // As text: a version above 2^53 is not a safe JavaScript number.
  const version = $('target').value;
  run('migrateTo', `Migrate to ${version}`, [version]);
});

// --- loading sets -------------------------------------------------------------------

// The core's limits (in every state): the page uses them only to decide what
// not to read whole; a file past them goes to the core as {name, size}, and
// the core words the refusal.
/** A set saved by "Share link" when too large for a link (a browser may add " (1)"). */
const SET_FILE = /\.migraplay(?: \(\d+\))?\.json$/;

async function readFiles(list) {
  const { maxFileBytes, maxTotalBytes } = current.limits;
  const files = [];
  let total = 0;
  for (const f of list) {
    const name = f.relativePath || f.webkitRelativePath || f.name;
    if (SET_FILE.test(name)) {
      if (f.size > maxTotalBytes) throw new Error(`${name}: too large for a set file (${f.size} bytes; at most ${maxTotalBytes})`);
      let bundle;
      try {
        bundle = JSON.parse(await f.text());
      } catch (e) {
        throw new Error(`${name}: not a migraplay set file (${e.message})`);
      }
      for (const item of setItems(bundle, name)) files.push({ name: item.name, bytes: new TextEncoder().encode(item.text) });
      continue;
    }
    // Other files (a package.json, a README) are not migrations: ignored, as the core ignores them.
    if (!name.endsWith('.sql')) continue;
    total += f.size;
    if (f.size > maxFileBytes || total > maxTotalBytes) files.push({ name, size: f.size });
    else files.push({ name, bytes: new Uint8Array(await f.arrayBuffer()) });
  }
  return files;
}

async function loadFiles(list) {
  if (list.length === 0) return;
  if (!current) {
    showError('The page is still starting; load the files again in a moment.');
    return;
  }
  let files;
  try {
    files = await readFiles(list);
  } catch (e) {
    showError(e.message);
    return;
  }
  importedFrom = null;
  const reply = await run('load', `Load ${plural(files.length, 'file')}`, [files]);
  if (!reply.ok) setProgress('Nothing was loaded; the set you had is still here.');
  else closeEditor();
}

for (const id of ['files', 'folder']) {
  $(id).addEventListener('change', async (event) => {
    const picked = [...event.target.files];
    event.target.value = '';
    await loadFiles(picked);
  });
}

// Dropped folders arrive as entries to walk.
async function entryFiles(entry, path = '') {
  if (entry.isFile) {
    const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
    return [Object.assign(file, { relativePath: `${path}${file.name}` })];
  }
  const reader = entry.createReader();
  const entries = [];
  for (let batch; (batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject))).length;) entries.push(...batch);
  return (await Promise.all(entries.map((e) => entryFiles(e, `${path}${entry.name}/`)))).flat();
}

const zone = $('migrations-panel');
zone.addEventListener('dragover', (e) => { if (!demo) { e.preventDefault(); zone.classList.add('dropping'); } });
zone.addEventListener('dragleave', () => zone.classList.remove('dropping'));
zone.addEventListener('drop', async (e) => {
  if (demo) return;
  e.preventDefault();
  zone.classList.remove('dropping');
  if (busy) return;
  const entries = [...e.dataTransfer.items].map((i) => i.webkitGetAsEntry?.()).filter(Boolean);
  const files = entries.length ? (await Promise.all(entries.map((en) => entryFiles(en)))).flat() : [...e.dataTransfer.files];
  await loadFiles(files);
});

$('load-bundled').addEventListener('click', () => { importedFrom = null; closeEditor(); run('loadBundled', 'Load the bundled set'); });

$('paste-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const base = $('paste-name').value.trim().replace(/(\.up|\.down)?\.sql$/, '');
  const up = $('paste-up').value;
  const down = $('paste-down').value;
  const files = down.trim()
    ? [{ name: `${base}.up.sql`, text: up }, { name: `${base}.down.sql`, text: down }]
    : [{ name: `${base}.sql`, text: up }];
  const reply = await run('addFiles', `Add ${base}`, [files]);
  if (reply.ok) {
    $('paste-form').reset();
    $('paste').open = false;
  } else {
    setProgress('Nothing was added; the set is as it was.');
  }
});

// --- the editor ------------------------------------------------------------------

let editorFile = null;
const editor = createEditor($('editor'), { label: 'Migration file', onInput: () => { $('editor-note').textContent = 'Unsaved changes.'; } });

function openEditor(name, line = null) {
  const file = current && setFiles().find((f) => f.name === name);
  if (!file || demo) return;
  if (editorFile !== name) editor.set(file.text);
  editorFile = name;
  $('editor-file').textContent = name;
  $('editor-panel').hidden = false;
  $('editor-note').textContent = line ? `The error is on line ${line}.` : '';
  if (line) editor.mark(line);
  updateButtons();
}

function closeEditor() {
  editorFile = null;
  $('editor-panel').hidden = true;
  updateButtons();
}

$('migrations').addEventListener('click', (e) => {
  const button = e.target.closest('button[data-file]');
  if (button) openEditor(button.dataset.file);
});
$('editor-close').addEventListener('click', closeEditor);
$('editor-save').addEventListener('click', async () => {
  const reply = await run('addFiles', `Save ${editorFile}`, [[{ name: editorFile, text: editor.get() }]]);
  if (reply.ok) $('editor-note').textContent = 'Saved.';
});

// --- verification ---------------------------------------------------------------

let reportUrls = [];

function setDownload(id, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  reportUrls.push(url);
  $(id).href = url;
}

function renderVerification({ report, markdown, json }) {
  for (const url of reportUrls) URL.revokeObjectURL(url);
  reportUrls = [];
  const { summary } = report;
  $('verify-summary').className = `verdict ${report.ok ? 'pass' : 'fail'}`;
  $('verify-summary').textContent = summary.headline;
  $('verify-failing').replaceChildren(...report.load_problems.map((p) => el('li', { text: `could not load: ${p}` })),
    ...summary.failing.map((f) => el('li', { text: f.text })));
  $('verify-counts').textContent = report.counts;
  const ms = (t) => (t === null || t === undefined ? '—' : `${t.toFixed(3)} ms`);
  const WORDS = { pass: 'PASS', fail: 'FAIL', not_tested: 'NOT TESTED' };
  const down = (m) => ({ none: 'irreversible', not_tested: 'not tested', error: 'error' }[m.down] ?? ms(m.down_ms));
  const again = (m) => ({ pass: 'same schema', fail: 'differs', not_tested: 'not tested' }[m.up_again]);
  const stepClass = (c) => (c.change === 'still_there' ? 'added' : c.change === 'missing' ? 'removed' : 'changed');
  $('verify-results').tBodies[0].replaceChildren(...report.migrations.map((m) => el('tr', { class: m.status, 'data-version': m.version },
    el('td', { text: String(m.version) }),
    el('td', { text: m.description }),
    el('td', {}, el('span', { class: `badge ${m.status}`, text: WORDS[m.status] })),
    el('td', { text: m.up === 'pass' ? ms(m.up_ms) : WORDS[m.up] }),
    el('td', { text: down(m) }),
    el('td', { text: again(m) }),
    el('td', {}, el('ul', { class: 'step-changes' }, ...m.changes.map((c) => el('li', { class: stepClass(c), text: c.text })))),
    el('td', {}, el('ul', { class: 'problems' }, ...m.problems.map((p) => el('li', { class: p.kind, text: p.text })))))));
  $('verify-lint-counts').textContent = `Lint: ${report.lint_summary}.`;
  $('verify-lint').replaceChildren(...report.lint.map((w) =>
    el('li', { class: w.category }, el('code', { text: w.code }), ` ${w.file}:${w.line} — ${w.message}`)));
  setDownload('download-md', markdown, 'text/markdown');
  setDownload('download-json', json, 'application/json');
  $('report').replaceChildren(renderMarkdown(markdown));
}

async function verify() {
  busy = true;
  updateButtons();
  clearError();
  $('verify-panel').hidden = false;
  $('verify-progress').value = 0;
  $('verify-summary').textContent = '';
  setProgress('Verifying…');
  let reply = await call('verify', [$('style-lint').checked], ({ done, total, step: what }) => {
    $('verify-progress').max = total;
    $('verify-progress').value = done;
    $('verify-step').textContent = `Step ${Math.min(done + 1, total)} of ${total}: ${what}`;
  });
  if (reply.fatal) {
    reply = { ok: false, error: `migraplay crashed inside WebAssembly (${reply.error}). The worker was restarted.` };
    await restartWorker(reply);
  }
  busy = false;
  if (reply.ok) {
    $('verify-progress').value = $('verify-progress').max;
    $('verify-step').textContent = 'Done.';
    renderVerification(reply.verified);
    setProgress(`Verify: ${reply.verified.report.ok ? 'PASS' : 'FAIL'}.`);
  } else {
    showError(reply.error);
    setProgress('Verify failed.');
  }
  updateButtons();
}

$('verify').addEventListener('click', verify);

// The style rules' toggle is remembered, and applies to the report on screen at once.
$('style-lint').checked = prefs.get('migraplay-style-lint') !== 'off';
$('style-lint').addEventListener('change', () => {
  prefs.set('migraplay-style-lint', $('style-lint').checked ? 'on' : 'off');
  // The report on screen follows at once; the keyboard stays on the checkbox.
  if (!$('verify-panel').hidden && !busy) verify().then(() => $('style-lint').focus());
});

// --- the database: export, import, share, reset ----------------------------------

$('export').addEventListener('click', async () => {
  const reply = await run('exportDatabase', 'Export the database');
  if (reply.ok) download('migraplay.sqlite', reply.result.bytes, 'application/vnd.sqlite3');
});

$('import').addEventListener('change', async (event) => {
  const file = event.target.files[0];
  event.target.value = '';
  if (!file) return;
  // A file over the core's limit is not read: the core refuses it by its size.
  const bytes = file.size > current.limits.maxDatabaseBytes ? new Uint8Array() : new Uint8Array(await file.arrayBuffer());
  const reply = await run('importDatabase', `Open ${file.name}`, [file.name, bytes, file.size]);
  if (reply.ok) {
    importedFrom = file.name;
    renderDrift(reply.state.drift);
  } else {
    setProgress(`${file.name} was not opened; the database you had is still here.`);
  }
});

$('share').addEventListener('click', async () => {
  const files = setFiles();
  const fragment = await encodeSet(files);
  const box = $('share-box');
  box.hidden = false;
  if (fragment.length > MAX_LINK_CHARS) {
    const save = el('button', { type: 'button', class: 'secondary', text: 'Download the set as a file' });
    save.addEventListener('click', () => download('migrations.migraplay.json', JSON.stringify(files, null, 1), 'application/json'));
    box.replaceChildren(el('p', { text: `This set is too large for a link (${fragment.length} characters; a link may carry ${MAX_LINK_CHARS}). `
      + 'Download it as a file instead; “Load files” opens it again.' }), save);
    return;
  }
  const link = `${location.origin}${location.pathname}#${fragment}`;
  const input = el('input', { id: 'share-link', readonly: true, value: link, 'aria-label': 'Share link' });
  const copy = el('button', { type: 'button', class: 'secondary', text: 'Copy' });
  copy.addEventListener('click', async () => {
    input.select();
    try { await navigator.clipboard.writeText(link); copy.textContent = 'Copied'; } catch { copy.textContent = 'Press Ctrl+C'; }
  });
  box.replaceChildren(el('p', { text: `A link that carries the set (${plural(files.length, 'file')}, ${link.length} characters). `
    + 'The set travels in the part after #, which browsers never send to a server.' }), input, copy);
});

$('reset-db').addEventListener('click', () => { importedFrom = null; run('resetDatabase', 'New database'); });
$('reset').addEventListener('click', async () => {
  if (busy) return;
  importedFrom = null;
  closeEditor();
  $('log').replaceChildren();
  renderChanges([]);
  consoleHistory.length = 0;
  prefs.remove('migraplay-console-history');
  renderHistory();
  window.history.replaceState(null, '', location.pathname + location.search);
  // A new worker that forgets what was saved: Reset works even when the one
  // running failed to start, hangs, or crashed.
  busy = true;
  updateButtons();
  clearError();
  setProgress('Reset everything…');
  const reply = await restartWorker({ error: 'Reset everything stopped this.' }, { reset: true });
  busy = false;
  if (reply.ok) {
    setProgress('Reset everything: done.');
  } else {
    showError(reply.error);
    setProgress('Reset everything failed.');
  }
  updateButtons();
});

// A crash, on purpose, for the tests of crash recovery (only with ?test-hooks).
if (params.has('test-hooks')) document.addEventListener('crash-for-tests', () => run('crashForTests', 'Crash'));

// --- time budget, cancel --------------------------------------------------------

$('flavor').addEventListener('change', () => {
  const flavor = $('flavor').value === 'auto' ? null : $('flavor').value;
  run('setFlavor', 'Read as', [flavor], () => `Read as ${current.flavor.flavor}, on a new database.`);
});

$('memory').value = prefs.get('migraplay-memory') ?? '256';
$('memory').addEventListener('change', () => {
  prefs.set('migraplay-memory', String(memoryMib()));
  run('setMemoryBudget', 'Memory budget', [memoryMib()],
    () => (memoryMib() ? `Memory budget: ${memoryMib()} MiB per migration.` : 'Memory budget: none.'));
});

$('budget').value = prefs.get('migraplay-budget') ?? '5';
$('budget').addEventListener('change', () => {
  prefs.set('migraplay-budget', String(budgetSeconds()));
  run('setTimeBudget', 'Time budget', [budgetSeconds() * 1000],
    () => (budgetSeconds() ? `Time budget: ${budgetSeconds()} s per migration.` : 'Time budget: none.'));
});

$('cancel').addEventListener('click', () => {
  setProgress('Cancelling…');
  restartWorker({ error: 'Cancelled. What was running was stopped and rolled back; the set and the database are as they were before it.' });
});

// --- the console ----------------------------------------------------------------

const consoleEditor = createEditor($('console-editor'), { label: 'SQL to run' });
consoleEditor.set("SELECT name, type FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name;");
$('row-limit').textContent = String(ROW_LIMIT);
const consoleHistory = JSON.parse(prefs.get('migraplay-console-history') || '[]');

function renderHistory() {
  $('console-history').replaceChildren(...consoleHistory.map((sql) => {
    const b = el('button', { type: 'button', class: 'link', title: 'Put back in the console' }, el('code', { text: sql }));
    b.addEventListener('click', () => consoleEditor.set(sql));
    return el('li', {}, b);
  }));
}

/** The most characters of one value the grid shows (the worker already cuts text there). */
const CELL_CHARS = 10_000;

function cell(value) {
  if (value === null) return el('td', { class: 'null', text: 'NULL' });
  if (typeof value === 'object') return el('td', { class: 'blob', text: `BLOB ${value.blob_bytes} bytes x'${value.hex}${value.blob_bytes > 32 ? '…' : ''}'` });
  const text = String(value);
  return el('td', { class: typeof value, text: text.length > CELL_CHARS ? `${text.slice(0, CELL_CHARS)}…` : text });
}

function renderConsole({ outputs, error }, sql) {
  $('console-results').replaceChildren(...outputs.map((o) => {
    const head = el('p', { class: 'muted' }, el('code', { text: o.sql }));
    if (o.columns.length === 0) return el('div', { class: 'result' }, head, el('p', { text: `OK, ${plural(o.changes, 'row')} changed.` }));
    const more = o.truncated ? ` (only the first ${ROW_LIMIT} are shown)` : '';
    return el('div', { class: 'result' }, head,
      el('table', { class: 'grid' },
        el('thead', {}, el('tr', {}, ...o.columns.map((c) => el('th', { text: c })))),
        el('tbody', {}, ...o.rows.map((r) => el('tr', {}, ...r.map(cell))))),
      el('p', { class: 'muted', text: `${plural(o.rows.length, 'row')}${more}.` }));
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

async function runConsole() {
  const sql = consoleEditor.get();
  if (!sql.trim() || busy) return;
  const reply = await run('console', 'Run SQL', [sql, ROW_LIMIT], ({ result }) =>
    (result.console.error ? 'Run SQL: stopped at an error.' : `Run SQL: ${plural(result.console.outputs.length, 'statement')}.`));
  if (!reply.ok) return;
  if (consoleHistory[0] !== sql) consoleHistory.unshift(sql);
  consoleHistory.length = Math.min(consoleHistory.length, 30);
  prefs.set('migraplay-console-history', JSON.stringify(consoleHistory));
  renderHistory();
  renderConsole(reply.result.console, sql);
}

$('console-run').addEventListener('click', runConsole);
consoleEditor.textarea.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); runConsole(); }
});
renderHistory();

// --- start -------------------------------------------------------------------------

(async () => {
  if (demo) document.body.classList.add('demo');
  setProgress('Loading SQLite (WebAssembly)…');
  let files = null;
  try {
    files = await decodeSet(location.hash);
  } catch (e) {
    showError(e.message);
  }
  const reply = await call('init', [initOptions(files)]);
  busy = false;
  if (!reply.ok) {
    // Reset everything stays enabled (see updateButtons): the way out of any failure.
    showError(`${reply.error} Reset everything starts over with the bundled set.`);
    setProgress('');
    updateButtons();
    document.body.dataset.ready = 'true';
    return;
  }
  render(reply.state);
  setProgress('');
  if (reply.problems.length) showError(reply.problems.join(' '));
  // The set is saved now; a reload should not load the link again over it.
  if (reply.linkLoaded && !demo) window.history.replaceState(null, '', location.pathname + location.search);
  const version = params.get('version');
  if (demo) {
    // The version goes as text: above 2^53 a JavaScript number would round it.
    if (version) await run('migrateTo', `Migrate to ${version}`, [version]);
    else await run('applyAll', 'Migrate to the latest');
  }
  document.body.dataset.readyAt = performance.now().toFixed(1);
  document.body.dataset.ready = 'true';
})();
