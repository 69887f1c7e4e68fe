// Verification: the report the core writes (verdict, counts, each
// migration's results, lint), its downloads, and whether it is still about
// the set on screen: the core fingerprints the set (`set_id`) and the report
// carries the fingerprint it verified, so a verdict about another set is
// marked stale, never shown as current.
import { $, el } from '../dom.js';
import { renderMarkdown } from '../markdown.js';
import { setAble, onClick } from '../controls.js';

let reportUrls = [];
let verifiedSetId = null;

function setDownload(id, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  reportUrls.push(url);
  $(id).href = url;
}

/**
 * Links to where a finding is (the core's `place`): its file at its line in the
 * editor, and the schema card of its table (or view). Nothing here decides where
 * it is. A link made for one version of the set does not follow into another:
 * the set's fingerprint when it was drawn must still be the view's.
 */
export function placeLinks(app, place) {
  if (!place) return [];
  const setId = app.view?.set_id;
  const links = [el('button', { type: 'button', class: 'link place', 'data-goto': 'file', 'data-file': place.file,
    title: `Open ${place.file} at line ${place.line} in the editor`, text: `${place.file}:${place.line}` })];
  if (place.table) {
    links.push(el('button', { type: 'button', class: 'link place', 'data-goto': 'table',
      title: `Show ${place.table} in the schema`, text: `${place.table} in the schema` }));
  }
  for (const [i, link] of links.entries()) {
    link.addEventListener('click', () => {
      if (app.view?.set_id !== setId) {
        app.setProgress('The set changed since these findings were made: their lines may have moved. Verify again to follow them.');
      } else if (i === 0) app.openFile(place.file, place.line);
      else app.showTable(place.table);
    });
  }
  return el('span', { class: 'goto' }, ...links);
}

/** The first `n` items as they are, the rest folded under “k more”. */
function folded(items, n, what) {
  if (items.length <= n) return items;
  const rest = items.length - n;
  return [...items.slice(0, n), el('li', { class: 'more' }, el('details', {},
    el('summary', { text: `${rest} more ${what}${rest === 1 ? '' : 's'}` }), el('ul', {}, ...items.slice(n))))];
}

/** A finding: its words, then where it is. */
const finding = (app, text, place, cls = null) =>
  el('li', { class: cls }, el('span', { class: 'finding', text }), ' ', placeLinks(app, place));

/** Each migration's row of the results table, from the core's report (the review panel shows them too). */
export function resultRows(app, report) {
  const ms = (t) => (t === null || t === undefined ? '—' : `${t.toFixed(3)} ms`);
  const WORDS = { pass: 'PASS', fail: 'FAIL', not_tested: 'NOT TESTED' };
  const up = (m) => (m.up === 'pass' ? ms(m.up_ms) : WORDS[m.up]);
  const down = (m) => ({ none: 'irreversible', not_tested: 'not tested', error: 'error' }[m.down] ?? ms(m.down_ms));
  const again = (m) => ({ pass: 'same schema', fail: 'differs', not_tested: 'not tested' }[m.up_again]);
  // Under 600 px each row is a card: the cells say what they are.
  const cell = (label, props, ...children) => el('td', { 'data-label': label, ...props }, ...children);
  return report.migrations.map((m) => {
    const times = `up ${up(m)} · down ${down(m)} · up again ${again(m)}`;
    return el('tr', { class: m.status, 'data-version': m.version },
    cell('Version', { class: 'version', text: String(m.version) }),
    cell('Description', { class: 'description', text: m.description }),
    cell('Result', { class: 'result' }, el('span', { class: `badge ${m.status}`, text: WORDS[m.status] })),
    cell('Up', { class: 'time', text: up(m) }),
    cell('Down', { class: 'time', text: down(m) }),
    cell('Up again', { class: 'time', text: again(m) }),
    // The three, on one line of a card (under 600 px the cells above hide and this shows).
    // One line whatever the times (a slow machine's 123.456 ms would wrap it): what cannot fit is in its title.
    el('td', { class: 'times', text: times, title: times }),
    cell('What the up changes', { class: 'changes' }, el('ul', { class: 'step-changes' },
      ...folded(m.changes.map((c) => el('li', { class: c.effect, text: c.text })), 3, 'change'))),
    cell('Data', { class: 'data' }, ...(m.data ? [el('p', { text: m.data.text }), el('ul', { class: 'data-notes' },
      ...folded([...m.data.up.map((w) => el('li', { class: 'warning', text: w.text })),
        ...m.data.not_seeded.map((n) => el('li', { class: 'muted', text: n.text })),
        ...(m.data.stopped ? [el('li', { class: 'muted', text: m.data.stopped })] : [])], 2, 'note'))] : ['—'])),
    cell('Problems', { class: 'problems-cell' }, el('ul', { class: 'problems' },
      ...folded(m.problems.map((p, i) => finding(app, p.text, m.places?.[i], p.kind)), 1, 'problem'))));
  });
}

/** Shows only the rows that did not pass (`failing`), or all. */
function showRows(which) {
  for (const input of document.querySelectorAll('input[name="verify-show"]')) input.checked = input.value === which;
  $('verify-results').classList.toggle('failing-only', which === 'failing');
}

/** Draws a verification; `keepRows`: the rows shown stay as the user chose (a re-verify by a toggle). */
function show(app, { report, markdown, json, set_id: setId }, { keepRows = false } = {}) {
  for (const url of reportUrls) URL.revokeObjectURL(url);
  reportUrls = [];
  verifiedSetId = setId;
  const { summary } = report;
  $('verify-summary').className = `verdict ${report.ok ? 'pass' : 'fail'}`;
  $('verify-summary').textContent = summary.headline;
  $('verify-failing').replaceChildren(...report.load_problems.map((p) => el('li', {}, el('span', { class: 'finding', text: `could not load: ${p}` }))),
    ...summary.failing.map((f) => finding(app, f.text, f.place)));
  // The full rollback (every down in turn on one database) has a line of its own.
  $('verify-rollback').className = `rollback ${report.full_rollback.result}`;
  $('verify-rollback').textContent = `Full rollback: ${report.full_rollback.text}`;
  $('verify-repeat').textContent = `Repeatability: ${summary.repeatability}`;
  $('verify-counts').textContent = report.counts;
  $('verify-results').tBodies[0].replaceChildren(...resultRows(app, report));
  const notPassing = summary.failed + summary.not_tested;
  $('verify-show-failing').textContent = `only those that did not pass (${notPassing})`;
  $('verify-show-all').textContent = `all (${report.migrations.length})`;
  if (!keepRows) showRows(notPassing > 0 ? 'failing' : 'all');
  $('verify-lint-counts').textContent = `Lint: ${report.lint_summary}.`;
  $('verify-lint').replaceChildren(...report.lint.map((w) =>
    el('li', { class: w.category }, el('code', { text: w.code }), ` ${w.file}:${w.line} — ${w.message}`)));
  setDownload('download-md', markdown, 'text/markdown');
  setDownload('download-json', json, 'application/json');
  $('report').replaceChildren(renderMarkdown(markdown));
}

/** Verifies the set; `reveal`: then brings the verdict into view and focus (not when a toggle re-verifies). */
async function verify(app, { reveal = true } = {}) {
  $('verify-panel').hidden = false;
  $('verify-progress').value = 0;
  $('verify-step').textContent = '';
  const reply = await app.run('verify', 'Verify', [$('style-lint').checked], {
    done: () => '',
    onProgress: ({ done, total, step: what }) => {
      $('verify-progress').max = total;
      $('verify-progress').value = done;
      $('verify-step').textContent = `Step ${Math.min(done + 1, total)} of ${total}: ${what}`;
    },
  });
  if (reply.ok && reply.verified) {
    $('verify-progress').value = $('verify-progress').max;
    $('verify-step').textContent = 'Done.';
    show(app, reply.verified, { keepRows: !reveal });
    render(app, app.view);
    app.setProgress(`Verify: ${reply.verified.report.ok ? 'PASS' : 'FAIL'}.`);
    // The verdict first: it, the full rollback and the failing migrations come into view,
    // unless the user went on to something else while it ran (focus left Verify).
    const waited = [$('verify'), document.body, null].includes(document.activeElement);
    if (reveal && waited) {
      $('verify-summary').scrollIntoView({ block: 'start' });
      $('verify-summary').focus({ preventScroll: true });
    }
  }
}

export function wire(app) {
  onClick(app, $('verify'), () => verify(app));
  for (const input of document.querySelectorAll('input[name="verify-show"]')) {
    input.addEventListener('change', () => showRows(input.value));
  }
  // The style rules' toggle is remembered, and applies to the report on screen at once.
  $('style-lint').checked = app.prefs.get('migraplay-style-lint') !== 'off';
  $('style-lint').addEventListener('change', () => {
    app.prefs.set('migraplay-style-lint', $('style-lint').checked ? 'on' : 'off');
    if (!$('verify-panel').hidden && !app.busy) verify(app, { reveal: false });
  });
}

/** Marks the verdict on screen stale when the set changed since it was verified. */
export function render(app, view) {
  const stale = verifiedSetId !== null && verifiedSetId !== view.set_id;
  $('verify-panel').classList.toggle('stale', stale);
  $('verify-stale').hidden = !stale;
}

/** Forgets the verdict on screen (a new start). */
export function clear() {
  verifiedSetId = null;
  $('verify-panel').hidden = true;
}

export function update(app) {
  setAble(app, $('verify'), app.view?.actions.verify ?? false);
}
