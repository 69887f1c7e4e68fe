// Review: the set on screen (the head) against a base loaded with "Compare
// with…" (files, a folder, or a share link). The base's files are read as a
// set's are (the core says which to read), the core builds both sets and
// returns its review: the verdict, each migration's change in the tools'
// words, verify on the head, and the schema change base → head. Read-only: the
// playground is untouched and nothing is saved. A review is about the set it
// was made from: once the view's `set_id` differs it is marked stale.
import { $, el } from '../dom.js';
import { setAble, onClick } from '../controls.js';
import * as client from '../client.js';
import { decodeSet } from '../share.js';
import { resultRows } from './verify.js';
import { renderComparison } from './schema.js';
import { readFiles } from './sets.js';

let reviewedSetId = null;

function showError(message) {
  $('review-error').replaceChildren(el('strong', { text: 'Review: ' }), el('span', { class: 'message', text: message }));
  $('review-error').hidden = false;
}

/** Reviews the set on screen against the base `items` (`kind`: `files` or `link`); Cancel stops it. */
async function review(app, items, kind, label) {
  const generation = client.currentGeneration();
  app.setBusy(label);
  app.clearError();
  app.setProgress(`${label}…`);
  $('review-error').hidden = true;
  // Verify of the set on screen reports each step; Cancel (which restarts the worker) stops it.
  $('review-progress').hidden = false;
  $('review-progress').removeAttribute('value');
  $('review-step').textContent = 'Reading the base and verifying the set on screen…';
  const onProgress = ({ done, total, step: what }) => {
    $('review-progress').max = total;
    $('review-progress').value = done;
    $('review-step').textContent = `Verifying the set on screen, step ${Math.min(done + 1, total)} of ${total}: ${what}`;
  };
  const reply = await client.act('review', [items, kind], { init: () => app.init(), onProgress });
  if (reply.restarted?.ok) app.render(reply.restarted.outcome.view);
  app.setBusy(null);
  $('review-progress').hidden = true;
  $('review-step').textContent = '';
  if (reply.cancelled || generation !== client.currentGeneration()) {
    app.setProgress(reply.cancelled ? reply.error : 'Cancelled. Nothing was compared.');
    return;
  }
  if (!reply.ok) {
    app.setProgress(`${label} failed.`);
    showError(reply.error);
    return;
  }
  show(app, reply.reviewed);
  update(app);
  app.setProgress(`${label}: ${reply.reviewed.review.verdict.headline}`);
}

let urls = [];

function setDownload(id, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  urls.push(url);
  $(id).href = url;
}

const versionOf = (c) => (c.migration ?? c.after).version;

function show(app, { review: r, markdown, json, set_id: setId }) {
  reviewedSetId = setId;
  const v = r.verdict;
  $('review-verdict').className = `verdict ${v.ok ? 'pass' : 'fail'}`;
  $('review-verdict').textContent = v.headline;
  $('review-exit').textContent = v.ok
    ? 'migraplay review would exit 0: nothing to worry about.'
    : 'migraplay review would exit 1: a defect in this set\'s migrations, or a change its tool refuses or loses.';
  $('review-failing').replaceChildren(
    ...r.base_load_problems.map((p) => el('li', { text: `the base could not load: ${p}` })),
    ...v.load_problems.map((p) => el('li', { text: `could not load: ${p}` })),
    ...v.defects.map((d) => el('li', { text: `${d.version} ${d.description}: ${d.problems.join('; ')}` })));
  const flavor = `Read as ${r.flavor.flavor} (${r.flavor.why})${r.base_flavor ? `; the base's files say ${r.base_flavor}, the head's tool decides` : ''}.`;
  $('review-counts').textContent = `${flavor} ${app.plural(r.changes.length, 'change')}; ${app.plural(r.unchanged, 'migration')} the same.`;
  $('review-changes').replaceChildren(...(r.changes.length === 0
    ? [el('li', { class: 'muted', text: 'No migration was added, removed, renamed or modified.' })]
    : r.changes.map((c) => el('li', { class: c.kind, 'data-version': versionOf(c), 'data-kind': c.kind, text: c.text }))));

  const { report } = r;
  // Which rows are the pull request's is the core's verdict (versions above 2^53 arrive as exact strings).
  const counted = new Set(v.counted.map(String));
  const ours = report.migrations.filter((m) => counted.has(String(m.version)));
  $('review-verify-summary').className = `verdict ${report.ok ? 'pass' : 'fail'}`;
  $('review-verify-summary').textContent = `The whole set: ${report.summary.headline}`;
  $('review-verify-failing').replaceChildren(
    el('li', { class: 'muted', text: v.from_version === null
      ? 'This set changes no migration of the base: none of its results count against it.'
      : `This set's migrations are those from ${v.from_version} on (${app.plural(ours.length, 'migration')}), shown below; those before are the base's.` }),
    ...(v.in_base.length ? [el('li', { text: `Already failing in the base (not counted): ${v.in_base.map((d) => d.version).join(', ')}` })] : []));
  $('review-verify').tBodies[0].replaceChildren(...resultRows(app, { ...report, migrations: ours }));

  if (r.schema.status === 'compared') {
    const c = r.schema;
    $('review-schema').replaceChildren(...renderComparison(app, { ...c, from: `the base (${c.from})`, to: `the head (${c.to})` }));
  } else {
    $('review-schema').replaceChildren(el('p', { class: 'problems', text: `The ${r.schema.side}'s final schema cannot be built: ${r.schema.error}` }));
  }
  for (const url of urls) URL.revokeObjectURL(url);
  urls = [];
  setDownload('review-download-md', markdown, 'text/markdown');
  setDownload('review-download-json', json, 'application/json');
  $('review-result').hidden = false;
}

/** The fragment of a pasted share link (a whole URL, `#set=…` or `set=…`). */
function fragmentOf(text) {
  const at = text.indexOf('#');
  return at >= 0 ? text.slice(at) : text;
}

async function compareFiles(app, list) {
  if (list.length === 0) return;
  if (app.busy || !app.view) {
    app.setProgress(`Not now: wait until “${app.busy ?? 'Loading SQLite'}” is done, then pick the base again.`);
    return;
  }
  const label = `Read ${app.plural(list.length, 'file')} of the base`;
  const generation = client.currentGeneration();
  app.setBusy(label);
  app.setProgress(`${label}…`);
  let files;
  try {
    files = await readFiles(app, list);
  } catch (e) {
    app.setBusy(null);
    showError(e.message);
    app.setProgress('Compare with…: the base could not be read.');
    return;
  }
  app.setBusy(null);
  if (files === null || generation !== client.currentGeneration()) {
    app.setProgress('Cancelled. Nothing was compared.');
    return;
  }
  await review(app, files, 'files', `Compare with ${app.plural(files.length, 'file')}`);
}

async function compareLink(app) {
  const text = $('review-link').value.trim();
  let items;
  try {
    items = await decodeSet(fragmentOf(text));
  } catch (e) {
    showError(`the base could not be loaded: ${e.message}`);
    return;
  }
  if (!items) {
    showError('the base could not be loaded: this is not a share link (it has no #set=… part)');
    return;
  }
  await review(app, items, 'link', 'Compare with the link');
}

export function wire(app) {
  for (const id of ['review-files', 'review-folder']) {
    $(id).addEventListener('change', async (event) => {
      const picked = [...event.target.files];
      event.target.value = '';
      await compareFiles(app, picked);
    });
  }
  $('review-link-form').addEventListener('submit', (e) => e.preventDefault());
  $('review-link').addEventListener('input', () => update(app));
  onClick(app, $('review-link-run'), (e) => {
    e.preventDefault();
    compareLink(app);
  });
}

/** Marks the review on screen stale when the set changed since it was made. */
function render(app, view) {
  const stale = reviewedSetId !== null && reviewedSetId !== view.set_id;
  $('review-panel').classList.toggle('stale', stale);
  $('review-stale').hidden = !stale;
}

/** Sets the controls from the busy state, and marks the review stale (app.render ends in app.update). */
export function update(app) {
  if (app.view) render(app, app.view);
  const idle = Boolean(app.view) && !app.busy;
  for (const id of ['review-files', 'review-folder']) $(id).disabled = !idle;
  setAble(app, $('review-link-run'), $('review-link').value.trim() ? true
    : { ok: false, why: 'paste a share link (…#set=…) first' });
}
