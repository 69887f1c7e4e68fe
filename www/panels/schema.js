// The schema panel and the diagram: totals, each table's card, the laid-out
// diagram, and what the last action changed (each change's text and effect
// are the core's).
import { $, el } from '../dom.js';
import { drawDiagram } from '../diagram.js';

export function render(app, view) {
  renderSchema(view.schema);
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
