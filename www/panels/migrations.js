// The migrations panel: where the set came from, how it is read, each
// migration's row, the step buttons, the Migrate-to control and the drift.
// Every state, target, verdict and reason is the core's; this draws them.
import { $, el } from '../dom.js';
import { setAble, onClick } from '../controls.js';

const STEPS = [
  ['apply-next', 'applyNext', 'apply_next', 'Apply next'],
  ['revert-last', 'revertLast', 'revert_last', 'Revert last'],
  ['apply-all', 'applyAll', 'apply_all', 'Apply all'],
  ['revert-all', 'revertAll', 'revert_all', 'Revert all'],
];

/** The progress line after a step: what ran, and how long it took. */
export const stepped = (app, label) => (outcome, ms) => (outcome.log.length === 0 ? `${label}: nothing to do.`
  : `${label}: ${app.plural(outcome.log.length, 'migration')} in ${ms.toFixed(1)} ms.`);

export function wire(app) {
  for (const [id, op, , label] of STEPS) onClick(app, $(id), () => app.run(op, label, [], { done: stepped(app, label) }));
  onClick(app, $('migrate-to'), () => {
    // As text: a version above 2^53 is not a safe JavaScript number.
    const version = $('target').value;
    app.run('migrateTo', `Migrate to ${version}`, [version], { done: stepped(app, `Migrate to ${version}`) });
  });
  onClick(app, $('fill-rows'), () => app.run('fillSampleRows', 'Fill with sample rows', [], { done: (outcome) => filled(app, outcome.seeded) }));
  $('flavor').addEventListener('change', () => {
    // Like a button that cannot act: the choice goes back, and the line says why.
    if ($('flavor').getAttribute('aria-disabled') === 'true') {
      $('flavor').value = app.view.flavor.forced ? app.view.flavor.flavor : 'auto';
      app.setProgress(`Read as: not now, ${$('flavor').dataset.why}.`);
      return;
    }
    const flavor = $('flavor').value === 'auto' ? null : $('flavor').value;
    app.run('readAs', 'Read as', [flavor], { done: () => `Read as ${app.view.flavor.flavor}, on a new database.` });
  });
}

/** The progress line after *Fill with sample rows*: how many rows went where, and what could not be filled. */
function filled(app, { rows, not_seeded: notSeeded }) {
  const n = rows.reduce((sum, [, count]) => sum + count, 0);
  const added = n === 0 ? 'Fill with sample rows: every table already has its sample rows.'
    : `Fill with sample rows: ${app.plural(n, 'row')} in ${app.plural(rows.length, 'table')}.`;
  return [added, ...notSeeded.map((t) => `Could not fill ${t.table}: ${t.reason}.`)].join(' ');
}

export function render(app, view) {
  $('engine').textContent = `SQLite ${view.sqlite_version} (WebAssembly, in a worker)`;
  const where = app.saved ? 'kept in this browser'
    : app.demo ? 'not saved (demo view)' : 'not saved (this browser refused storage to the page)';
  $('source').textContent = `${view.source.text} The set and the database are ${where}.`;
  $('flavor').value = view.flavor.forced ? view.flavor.flavor : 'auto';
  $('flavor-why').textContent = `${view.flavor.flavor} (${view.flavor.why}).`;
  $('load-problems').replaceChildren(...view.load_problems.map((p) => el('li', { text: `Could not load: ${p}` })));
  renderRows(app, view.rows);
  const select = $('target');
  select.replaceChildren(...view.targets.map((t) => el('option', { value: t.value, text: t.label })));
  select.value = view.current_target;
  const drift = $('drift');
  drift.hidden = !view.drift.shown;
  drift.textContent = view.drift.text;
  drift.className = `drift ${view.drift.bad ? 'bad' : 'good'}`;
}

function renderRows(app, rows) {
  const fileButton = (name) => (app.demo ? el('code', { text: name })
    : el('button', { class: 'link', type: 'button', 'data-file': name, title: `Edit ${name}` }, el('code', { text: name })));
  $('migrations').tBodies[0].replaceChildren(...rows.map((r) => {
    const cell = el('td', { class: 'files' });
    if (r.in_set) {
      r.files.forEach((name, i) => cell.append(...(i ? [el('br')] : []), fileButton(name)));
    } else {
      cell.append(el('em', { text: 'not in this set' }));
    }
    return el('tr', { 'data-version': r.version, class: `state-${r.state}` },
      el('td', { text: String(r.version) }),
      // Where the checksum's own column is folded (a narrow screen), the stylesheet shows it under the
      // description from data-checksum (generated text: the cell's own text stays the description).
      el('td', { class: 'description', 'data-checksum': `SHA-384 ${r.checksum.slice(0, 16)}…` }, r.description),
      el('td', {}, el('span', { class: `badge ${r.state}`, text: r.state })),
      cell,
      el('td', { class: 'checksum', title: r.checksum }, el('code', { text: `${r.checksum.slice(0, 16)}…` })));
  }));
}

export function update(app) {
  const actions = app.view?.actions ?? {};
  for (const [id, , key] of STEPS) setAble(app, $(id), actions[key] ?? false);
  setAble(app, $('migrate-to'), actions.migrate_to ?? false);
  setAble(app, $('fill-rows'), actions.fill_sample_rows ?? false);
  $('target').disabled = !app.view || Boolean(app.busy);
  setAble(app, $('flavor'), actions.read_as ?? false);
}
