// The schema panel and the diagram: totals, each table's card, the laid-out
// diagram, and what the last action changed (each change's text and effect
// are the core's). Also the schema as SQL (the core's `.schema` text) and two
// versions compared (the core builds both and diffs them): read-only worker
// operations, asked for when shown, never an action that saves.
import { $, el, download } from '../dom.js';
import { drawDiagram } from '../diagram.js';
import { setAble } from '../controls.js';
import * as client from '../client.js';

export function render(app, view) {
  wireOnce(app);
  renderSchema(view.schema);
  renderSqlControls(app, view);
  $('diagram').replaceChildren(view.diagram.boxes.length === 0
    ? el('p', { class: 'muted', text: 'No tables to draw.' })
    : drawDiagram(view.diagram));
}

/** Lists what the last action changed in the schema (the core marks it on the diagram too). */
export function showChanges(app, changes) {
  $('changes').replaceChildren(...(changes.length === 0
    ? [el('li', { class: 'muted', text: 'No change to the schema.' })]
    : changes.map((c) => el('li', { class: c.effect, text: c.text }))));
}

/** Forgets the last changes (a new start). */
export function clearChanges() {
  $('changes').replaceChildren(el('li', { class: 'muted', text: 'Nothing yet.' }));
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
    sections.push(el('section', { class: 'table-card view', 'data-table': view.name },
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
      `(${fk.columns.join(', ')}) → ${fk.reference} ON DELETE ${fk.on_delete} ON UPDATE ${fk.on_update}`)),
    list('checks', table.checks.map((c) => `CHECK (${c})`)),
    list('indexes', table.indexes.map((ix) =>
      `${ix.unique ? 'UNIQUE ' : ''}${ix.name} (${ix.columns.join(', ')})${ix.partial ? ' WHERE …' : ''}`)),
    list('triggers', table.triggers.map((tr) => tr.name)));
}

// --- schema as SQL, and two versions compared ---------------------------------------

let wired = false;
let sqlAsked = 0;
/** The pair on screen and the set it was made from: an edited set compares again. */
let compared = null;
let compareAsked = 0;

function wireOnce(app) {
  if (wired) return;
  wired = true;
  $('schema-sql-details').addEventListener('toggle', () => { if ($('schema-sql-details').open) refreshSql(); });
  $('schema-sql-download').addEventListener('click', async () => {
    const sql = await refreshSql();
    if (sql !== null) download('schema.sql', sql, 'application/sql');
  });
  $('compare-run').addEventListener('click', () => {
    setAble(app, $('compare-run'), compareAble(app));
    if ($('compare-run').getAttribute('aria-disabled') === 'true') {
      app.setProgress(`Compare: not now, ${$('compare-run').dataset.why}.`);
      return;
    }
    compare(app, $('compare-from').value, $('compare-to').value, { busy: true });
  });
}

function compareAble(app) {
  if (!app.view) return false;
  return app.view.targets.length > 1 ? true : { ok: false, why: 'the set has no migration to compare' };
}

/** Asks the core for `.schema` of the database now and shows it; resolves with the text, or null. */
async function refreshSql() {
  const asked = ++sqlAsked;
  $('schema-sql-status').textContent = 'Reading the schema…';
  const reply = await client.call('schemaSql');
  if (asked !== sqlAsked) return reply.ok ? reply.sql : null;
  if (!reply.ok) {
    $('schema-sql-status').textContent = `Could not read the schema: ${reply.error}`;
    return null;
  }
  $('schema-sql').textContent = reply.sql;
  $('schema-sql-status').textContent = reply.sql === '' ? 'The database has no schema yet.'
    : `${reply.sql.split('\n').length - 1} lines.`;
  return reply.sql;
}

function renderSqlControls(app, view) {
  if ($('schema-sql-details').open) refreshSql();
  for (const id of ['compare-from', 'compare-to']) {
    const select = $(id);
    const was = select.value;
    select.replaceChildren(...view.targets.map((t) => el('option', { value: t.value, text: t.label })));
    const values = view.targets.map((t) => t.value);
    select.value = values.includes(was) ? was : id === 'compare-from' ? values[0] : values[values.length - 1];
  }
  setAble(app, $('compare-run'), compareAble(app));
  // A comparison is about the set it was made from: after an edit it is made again (the database plays no part).
  if (compared && compared.setId !== view.set_id) {
    const values = view.targets.map((t) => t.value);
    if (values.includes(compared.from) && values.includes(compared.to)) compare(app, compared.from, compared.to, { busy: false });
    else showCompareError(`The set changed and no longer has version ${values.includes(compared.from) ? compared.to : compared.from}; pick two versions again.`);
  }
}

function showCompareError(message) {
  compared = null;
  $('compare-result').hidden = true;
  $('compare-result').replaceChildren();
  $('compare-error').replaceChildren(el('strong', { text: 'Compare: ' }), el('span', { class: 'message', text: message }));
  $('compare-error').hidden = false;
}

async function compare(app, from, to, { busy }) {
  const asked = ++compareAsked;
  const setId = app.view.set_id;
  if (busy) app.setBusy('Compare');
  app.setProgress(`Compare ${from} → ${to}…`);
  const reply = await client.call('compare', [from, to]);
  if (busy) {
    app.busy = null;
    document.body.toggleAttribute('aria-busy', false);
    app.update();
    setAble(app, $('compare-run'), compareAble(app));
  }
  if (asked !== compareAsked) return;
  if (reply.cancelled) {
    app.setProgress(reply.error);
    return;
  }
  if (!reply.ok) {
    app.setProgress('Compare failed.');
    showCompareError(reply.error);
    return;
  }
  const c = reply.comparison;
  compared = { from, to, setId };
  $('compare-error').hidden = true;
  const n = c.differences.length;
  app.setProgress(`Compare ${c.from} → ${c.to}: ${n === 0 ? 'no difference' : app.plural(n, 'difference')}.`);
  $('compare-result').replaceChildren(...renderComparison(app, c));
  $('compare-result').hidden = false;
}

/**
 * A comparison's words and each object's SQL as the core diffed it, line by line
 * (the review panel shows its schema change so too); a changed object's whole
 * statement at both ends is folded under it.
 */
export function renderComparison(app, c) {
  const head = el('p', { class: 'compare-head', text: c.differences.length === 0
    ? `Versions ${c.from} and ${c.to} have the same schema.`
    : `From ${c.from} to ${c.to}: ${app.plural(c.differences.length, 'difference')}.` });
  if (c.differences.length === 0) return [head];
  const words = el('ul', { class: 'changes compare-words', tabindex: '0', 'aria-label': 'Differences' }, ...c.differences.map((d) => el('li', { class: d.effect, text: d.text })));
  const side = (title, sql) => el('div', { class: 'side' }, el('h5', { text: title }),
    sql === null || sql === undefined ? el('p', { class: 'muted', text: 'not there' }) : el('pre', { class: 'sql', text: sql }));
  const objects = c.objects.map((o) => el('section', { class: `compare-object ${o.effect}`, 'data-object': `${o.kind} ${o.name}` },
    objectHeading(o),
    sqlDiff(o),
    o.before != null && o.after != null
      ? el('details', { class: 'whole' }, el('summary', { text: 'Both statements' }),
        el('div', { class: 'sides' }, side(`at ${c.from}`, o.before), side(`at ${c.to}`, o.after)))
      : null));
  const legend = el('p', { class: 'muted diff-legend' }, el('span', { class: 'sign removed', text: '−' }), ` only at ${c.from}, `,
    el('span', { class: 'sign added', text: '+' }), ` only at ${c.to}.`);
  return [head, words, el('h3', { text: 'As SQL' }), legend, ...objects];
}

/** `table tasks changed`, or for a rename `table tasks renamed to jobs`. */
function objectHeading(o) {
  const kind = el('span', { class: 'kind', text: `${o.kind} ` });
  if (o.renamed) {
    return el('h4', {}, kind, el('span', { class: 'name', text: o.renamed.from }),
      el('span', { class: 'effect renamed', text: ' renamed to ' }), el('span', { class: 'name', text: o.renamed.to }));
  }
  return el('h4', {}, kind, el('span', { class: 'name', text: o.name }), el('span', { class: `effect ${o.effect}`, text: ` ${o.effect}` }));
}

/** The core's lines: removed in <del>, added in <ins>, each with its gutter sign; a fold says how many it hides. */
function sqlDiff(o) {
  const line = (l) => {
    if (l.op === 'skipped') return el('span', { class: 'line skipped', text: `⋯ ${l.count} unchanged line${l.count === 1 ? '' : 's'}` });
    const [tag, sign] = { removed: ['del', '−'], added: ['ins', '+'], same: ['span', ' '] }[l.op];
    return el(tag, { class: `line ${l.op}` }, el('span', { class: 'sign', text: sign }), el('span', { class: 'text', text: l.text }));
  };
  return el('pre', { class: 'sql sql-diff' }, ...o.lines.map(line));
}
