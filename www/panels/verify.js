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

/** Each migration's row of the results table, from the core's report (the review panel shows them too). */
export function resultRows(report) {
  const ms = (t) => (t === null || t === undefined ? '—' : `${t.toFixed(3)} ms`);
  const WORDS = { pass: 'PASS', fail: 'FAIL', not_tested: 'NOT TESTED' };
  const down = (m) => ({ none: 'irreversible', not_tested: 'not tested', error: 'error' }[m.down] ?? ms(m.down_ms));
  const again = (m) => ({ pass: 'same schema', fail: 'differs', not_tested: 'not tested' }[m.up_again]);
  return report.migrations.map((m) => el('tr', { class: m.status, 'data-version': m.version },
    el('td', { text: String(m.version) }),
    el('td', { text: m.description }),
    el('td', {}, el('span', { class: `badge ${m.status}`, text: WORDS[m.status] })),
    el('td', { text: m.up === 'pass' ? ms(m.up_ms) : WORDS[m.up] }),
    el('td', { text: down(m) }),
    el('td', { text: again(m) }),
    el('td', {}, el('ul', { class: 'step-changes' }, ...m.changes.map((c) => el('li', { class: c.effect, text: c.text })))),
    el('td', { class: 'data' }, ...(m.data ? [el('p', { text: m.data.text }), el('ul', { class: 'data-notes' },
      ...m.data.up.map((w) => el('li', { class: 'warning', text: w.text })),
      ...m.data.not_seeded.map((n) => el('li', { class: 'muted', text: n.text })),
      ...(m.data.stopped ? [el('li', { class: 'muted', text: m.data.stopped })] : []))] : ['—'])),
    el('td', {}, el('ul', { class: 'problems' }, ...m.problems.map((p) => el('li', { class: p.kind, text: p.text }))))));
}

function show({ report, markdown, json, set_id: setId }) {
  for (const url of reportUrls) URL.revokeObjectURL(url);
  reportUrls = [];
  verifiedSetId = setId;
  const { summary } = report;
  $('verify-summary').className = `verdict ${report.ok ? 'pass' : 'fail'}`;
  $('verify-summary').textContent = summary.headline;
  $('verify-failing').replaceChildren(...report.load_problems.map((p) => el('li', { text: `could not load: ${p}` })),
    ...summary.failing.map((f) => el('li', { text: f.text })));
  // The full rollback (every down in turn on one database) has a line of its own.
  $('verify-rollback').className = `rollback ${report.full_rollback.result}`;
  $('verify-rollback').textContent = `Full rollback: ${report.full_rollback.text}`;
  $('verify-repeat').textContent = `Repeatability: ${summary.repeatability}`;
  $('verify-counts').textContent = report.counts;
  $('verify-results').tBodies[0].replaceChildren(...resultRows(report));
  $('verify-lint-counts').textContent = `Lint: ${report.lint_summary}.`;
  $('verify-lint').replaceChildren(...report.lint.map((w) =>
    el('li', { class: w.category }, el('code', { text: w.code }), ` ${w.file}:${w.line} — ${w.message}`)));
  setDownload('download-md', markdown, 'text/markdown');
  setDownload('download-json', json, 'application/json');
  $('report').replaceChildren(renderMarkdown(markdown));
}

async function verify(app) {
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
    show(reply.verified);
    render(app, app.view);
    app.setProgress(`Verify: ${reply.verified.report.ok ? 'PASS' : 'FAIL'}.`);
  }
}

export function wire(app) {
  onClick(app, $('verify'), () => verify(app));
  // The style rules' toggle is remembered, and applies to the report on screen at once.
  $('style-lint').checked = app.prefs.get('migraplay-style-lint') !== 'off';
  $('style-lint').addEventListener('change', () => {
    app.prefs.set('migraplay-style-lint', $('style-lint').checked ? 'on' : 'off');
    if (!$('verify-panel').hidden && !app.busy) verify(app);
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
