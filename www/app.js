// The page: DOM and events only. It sends actions to the worker and draws
// what comes back. Everything from migrations or the database is inserted as
// text (textContent), never as HTML.

import { renderMarkdown } from './markdown.js';

const $ = (id) => document.getElementById(id);
const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });

let nextId = 1;
const waiting = new Map();
const progressHandlers = new Map();
worker.onmessage = ({ data }) => {
  if (data.progress) {
    progressHandlers.get(data.id)?.(data.progress);
    return;
  }
  const done = waiting.get(data.id);
  waiting.delete(data.id);
  progressHandlers.delete(data.id);
  if (done) done(data);
};
worker.onerror = (event) => {
  showError(`The SQLite worker failed to start: ${event.message || 'unknown error'}`);
  setProgress('');
};

function call(op, args = [], onProgress = null) {
  const id = nextId++;
  return new Promise((resolve) => {
    waiting.set(id, resolve);
    if (onProgress) progressHandlers.set(id, onProgress);
    worker.postMessage({ id, op, args });
  });
}

// --- small DOM helpers -----------------------------------------------------

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) {
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function showError(message) {
  const box = $('error');
  box.replaceChildren(el('strong', { text: 'Error: ' }), el('span', { class: 'message', text: message }));
  box.hidden = false;
}

function clearError() {
  $('error').hidden = true;
  $('error').replaceChildren();
}

function setProgress(text) {
  $('progress').textContent = text;
}

// --- state ---------------------------------------------------------------

let busy = true;
let current = null;

const buttons = ['apply-next', 'revert-last', 'apply-all', 'revert-all', 'migrate-to', 'verify'];

function updateButtons() {
  const status = current ? current.status : [];
  const pending = status.some((s) => s.state === 'pending');
  const applied = status.some((s) => s.state !== 'pending');
  const enabled = {
    'apply-next': pending,
    'apply-all': pending,
    'revert-last': applied,
    'revert-all': applied,
    'migrate-to': status.length > 0,
    verify: current && current.migrations.length > 0,
  };
  for (const id of buttons) $(id).disabled = busy || !enabled[id];
  $('target').disabled = busy || status.length === 0;
  $('files').disabled = busy;
  $('load-bundled').disabled = busy || !current || current.source.kind === 'bundled';
}

function render(state) {
  current = state;
  $('engine').textContent = `SQLite ${state.sqliteVersion} (WebAssembly, in a worker)`;
  const n = state.migrations.length;
  $('source').textContent = state.source.kind === 'bundled'
    ? `The bundled set: ${n} migrations. The database is new and in memory.`
    : `Your set: ${n} migration${n === 1 ? '' : 's'} from ${state.source.files} file${state.source.files === 1 ? '' : 's'}. The database is new and in memory.`;
  renderMigrations(state);
  renderTargets(state);
  renderSchema(state.schema);
  updateButtons();
}

function renderMigrations({ status, migrations }) {
  const files = new Map(migrations.map((m) => [m.version, m]));
  const rows = status.map((s) => {
    const m = files.get(s.version);
    const fileCell = el('td', { class: 'files' });
    if (m) {
      fileCell.append(el('code', { text: m.up_file }));
      if (m.down_file) fileCell.append(el('br'), el('code', { text: m.down_file }));
    } else {
      fileCell.append(el('em', { text: 'not in this set' }));
    }
    return el('tr', { 'data-version': String(s.version), class: `state-${s.state}` },
      el('td', { text: String(s.version) }),
      el('td', { text: s.description }),
      el('td', {}, el('span', { class: `badge ${s.state}`, text: s.state })),
      fileCell,
      el('td', { class: 'checksum', title: s.checksum }, el('code', { text: `${s.checksum.slice(0, 16)}…` })));
  });
  $('migrations').tBodies[0].replaceChildren(...rows);
}

function renderTargets({ status }) {
  const select = $('target');
  const previous = select.value;
  const options = [el('option', { value: '0', text: '0 — before the first (empty)' })];
  for (const s of status.filter((s) => s.state !== 'missing')) {
    options.push(el('option', { value: String(s.version), text: `${s.version} — ${s.description}` }));
  }
  select.replaceChildren(...options);
  if ([...select.options].some((o) => o.value === previous)) select.value = previous;
}

function renderSchema(schema) {
  const t = schema.totals;
  const totals = [
    ['tables', t.tables], ['columns', t.columns], ['indexes', t.indexes], ['triggers', t.triggers],
    ['views', t.views], ['foreign keys', t.foreign_keys], ['checks', t.checks], ['defaults', t.defaults],
    ['primary keys', t.primary_keys],
  ];
  $('totals').replaceChildren(...totals.flatMap(([name, n]) => [
    el('div', { 'data-total': name.replace(' ', '_') }, el('dt', { text: name }), el('dd', { text: String(n) })),
  ]));
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
      el('td', { text: c.name }),
      el('td', { text: c.decl_type }),
      el('td', { text: c.not_null ? 'yes' : '' }),
      el('td', { text: c.default ?? '' }),
      el('td', { text: c.primary_key ? `PK ${c.primary_key}` : '' })))));
  const list = (title, items) => (items.length === 0 ? [] : [
    el('h4', { text: title }),
    el('ul', { class: title.replace(' ', '-') }, ...items.map((text) => el('li', { text }))),
  ]);
  return el('section', { class: 'table-card', 'data-table': table.name },
    el('h3', {}, el('span', { class: 'kind', text: 'table ' }), el('span', { class: 'name', text: table.name })),
    columns,
    ...list('foreign keys', table.foreign_keys.map((fk) =>
      `(${fk.columns.join(', ')}) → ${fk.target}(${fk.target_columns.join(', ')}) ON DELETE ${fk.on_delete} ON UPDATE ${fk.on_update}`)),
    ...list('checks', table.checks.map((c) => `CHECK (${c})`)),
    ...list('indexes', table.indexes.map((ix) =>
      `${ix.unique ? 'UNIQUE ' : ''}${ix.name} (${ix.columns.join(', ')})${ix.partial ? ' WHERE …' : ''}`)),
    ...list('triggers', table.triggers.map((tr) => tr.name)));
}

function appendLog(lines, failed) {
  const log = $('log');
  for (const entry of lines) log.append(el('li', { class: entry.direction, text: entry.line }));
  if (failed) log.append(el('li', { class: 'failed', text: `Failed: ${failed}` }));
  log.scrollTop = log.scrollHeight;
}

// --- actions -------------------------------------------------------------

async function run(op, label, ...args) {
  busy = true;
  updateButtons();
  clearError();
  setProgress(`${label}…`);
  const started = performance.now();
  const reply = await call(op, args);
  busy = false;
  if (reply.state) render(reply.state);
  appendLog(reply.log, reply.ok ? null : reply.error);
  if (reply.ok && op.startsWith('load')) {
    setProgress(`${label}: done.`);
  } else if (reply.ok) {
    const n = reply.log.length;
    setProgress(n === 0 ? `${label}: nothing to do.`
      : `${label}: ${n} migration${n === 1 ? '' : 's'} in ${(performance.now() - started).toFixed(1)} ms.`);
  } else {
    showError(reply.error);
    setProgress(`${label} failed.`);
  }
  updateButtons();
}

// --- verification --------------------------------------------------------

let downloads = [];

function setDownload(id, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  downloads.push(url);
  $(id).href = url;
}

function renderVerification({ report, markdown, json }) {
  for (const url of downloads) URL.revokeObjectURL(url);
  downloads = [];
  const failing = report.migrations.filter((m) => m.status === 'fail').length;
  $('verify-summary').className = `verdict ${report.ok ? 'pass' : 'fail'}`;
  $('verify-summary').textContent = report.ok
    ? `PASS: all ${report.migrations.length} migrations apply, revert and re-apply cleanly.`
    : `FAIL: ${failing} of ${report.migrations.length} migrations have problems.`;
  const ms = (t) => (t === null || t === undefined ? '—' : `${t.toFixed(3)} ms`);
  $('verify-results').tBodies[0].replaceChildren(...report.migrations.map((m) => el('tr', { class: m.status, 'data-version': String(m.version) },
    el('td', { text: String(m.version) }),
    el('td', { text: m.description }),
    el('td', {}, el('span', { class: `badge ${m.status}`, text: m.status.toUpperCase() })),
    el('td', { text: ms(m.up_ms) }),
    el('td', { text: m.down === 'none' ? 'irreversible' : ms(m.down_ms) }),
    el('td', { text: m.repeatable ? 'yes' : 'no' }),
    el('td', {}, el('ul', { class: 'problems' }, ...m.problems.map((p) => el('li', { text: p })))))));
  $('verify-lint').replaceChildren(...(report.lint.length === 0
    ? [el('li', { class: 'muted', text: 'No lint warnings.' })]
    : report.lint.map((w) => el('li', {}, el('code', { text: w.code }), ` ${w.file}:${w.line} — ${w.message}`))));
  setDownload('download-md', markdown, 'text/markdown');
  setDownload('download-json', json, 'application/json');
  $('report').replaceChildren(renderMarkdown(markdown));
}

$('verify').addEventListener('click', async () => {
  busy = true;
  updateButtons();
  clearError();
  $('verify-panel').hidden = false;
  $('verify-progress').value = 0;
  $('verify-summary').textContent = '';
  setProgress('Verifying…');
  const reply = await call('verify', [], ({ done, total, step }) => {
    $('verify-progress').max = total;
    $('verify-progress').value = done;
    $('verify-step').textContent = `Step ${Math.min(done + 1, total)} of ${total}: ${step}`;
  });
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
});

$('files').addEventListener('change', async (event) => {
  const picked = [...event.target.files];
  event.target.value = '';
  if (picked.length === 0) return;
  const files = await Promise.all(picked.map(async (f) => ({
    name: f.webkitRelativePath || f.name,
    bytes: new Uint8Array(await f.arrayBuffer()),
  })));
  await run('load', `Load ${files.length} file${files.length === 1 ? '' : 's'}`, files);
  if (!$('error').hidden) setProgress('Nothing was loaded; the previous set is still here.');
});
$('load-bundled').addEventListener('click', () => run('loadBundled', 'Load the bundled set'));
$('apply-next').addEventListener('click', () => run('applyNext', 'Apply next'));
$('revert-last').addEventListener('click', () => run('revertLast', 'Revert last'));
$('apply-all').addEventListener('click', () => run('applyAll', 'Apply all'));
$('revert-all').addEventListener('click', () => run('revertAll', 'Revert all'));
$('migrate-to').addEventListener('click', () => {
  const version = Number($('target').value);
  run('migrateTo', `Migrate to ${version}`, version);
});

(async () => {
  setProgress('Loading SQLite (WebAssembly)…');
  const reply = await call('state');
  busy = false;
  if (reply.ok) {
    render(reply.state);
    setProgress('');
    document.body.dataset.ready = 'true';
  } else {
    showError(reply.error);
    setProgress('');
    updateButtons();
  }
})();
