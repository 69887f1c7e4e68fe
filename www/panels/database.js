// The database and the playground: export, open a .sqlite file, share the
// set as a link, a new database, the budgets, Reset everything, and the list
// of saved playgrounds (one per tab at a time; see www/workspaces.js).
import { $, el, download } from '../dom.js';
import { setAble, onClick } from '../controls.js';
import { encodeSet, MAX_LINK_CHARS } from '../share.js';
import * as workspaces from '../workspaces.js';
import * as log from './log.js';
import * as schema from './schema.js';
import * as verify from './verify.js';
import * as fileEditor from './file-editor.js';
import * as sqlConsole from './console.js';

export const budgetSeconds = () => Math.max(0, Number($('budget').value) || 0);
export const memoryMib = () => Math.max(0, Number($('memory').value) || 0);

async function share(app) {
  const { files, flavor } = app.view;
  const fragment = await encodeSet(files, flavor.forced ? flavor.flavor : null);
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
  box.replaceChildren(el('p', { text: `A link that carries the set (${app.plural(files.length, 'file')}, ${link.length} characters). `
    + 'The set travels in the part after #, which browsers never send to a server.' }), input, copy);
}

/** Clears what the page shows about the previous playground (log, changes, verdict, editor, console). */
function forgetScreen(app) {
  fileEditor.close(app);
  log.clear();
  schema.clearChanges();
  verify.clear();
  sqlConsole.clear();
  $('share-box').hidden = true;
}

/** Works on saved playground `id` in this tab (a new one when `id` is new). */
export async function switchTo(app, id, { link = null, label = 'Open the playground' } = {}) {
  if (app.busy) return;
  if (!await workspaces.switchTo(id)) {
    app.showError('That playground is open in another tab; close it there first, or work on it there.');
    return;
  }
  forgetScreen(app);
  app.workspace = id;
  sqlConsole.loadHistory(app);
  await startOver(app, label, { link });
  await listPlaygrounds(app);
}

/** A new worker started with `init` options `extra`, the page busy with `label` meanwhile. */
async function startOver(app, label, extra) {
  app.setBusy(label);
  app.clearError();
  app.setProgress(`${label}…`);
  const reply = await app.restart(`${label} stopped this.`, extra);
  app.setBusy(null);
  if (reply.ok) {
    app.saved = reply.saved;
    app.setProgress(`${label}: done.`);
    if (reply.problems.length) app.showError(reply.problems.join(' '));
  } else {
    app.showError(reply.error);
    app.setProgress(`${label} failed.`);
  }
}

/** Lists the saved playgrounds, each with what can be done with it from this tab. */
export async function listPlaygrounds(app) {
  if (app.demo || !app.saved) {
    $('playgrounds').hidden = true;
    return;
  }
  const all = await workspaces.all();
  $('playgrounds').hidden = false;
  $('playgrounds-count').textContent = String(all.length);
  $('playground-list').replaceChildren(...all.map((p) => {
    const when = p.savedAt ? new Date(p.savedAt).toLocaleString() : 'earlier';
    const item = el('li', { 'data-playground': p.id }, el('span', { text: `${p.summary} Saved ${when}.` }), ' ');
    if (p.here) {
      item.append(el('strong', { text: 'This tab.' }));
    } else if (p.elsewhere) {
      item.append(el('em', { text: 'Open in another tab.' }));
    } else {
      const open = el('button', { type: 'button', class: 'secondary', text: 'Open here' });
      open.addEventListener('click', () => switchTo(app, p.id));
      const forget = el('button', { type: 'button', class: 'secondary', text: 'Delete' });
      forget.addEventListener('click', async () => {
        if (await workspaces.forget(p.id)) {
          sqlConsole.forgetHistoryOf(app, p.id);
          fileEditor.forgetDraftsOf(app, p.id);
        }
        await listPlaygrounds(app);
      });
      item.append(open, ' ', forget);
    }
    return item;
  }));
}

export function wire(app) {
  onClick(app, $('export'), async () => {
    const reply = await app.run('exportDatabase', 'Export the database');
    if (reply.ok) download('migraplay.sqlite', reply.bytes, 'application/vnd.sqlite3');
  });

  $('import').addEventListener('change', async (event) => {
    const file = event.target.files[0];
    event.target.value = '';
    if (!file) return;
    // A file over the core's limit is not read: the core refuses it by its size.
    const bytes = file.size > app.view.limits.max_database_bytes ? new Uint8Array() : new Uint8Array(await file.arrayBuffer());
    const reply = await app.run('importDatabase', `Open ${file.name}`, [file.name, bytes, file.size]);
    if (!reply.ok) app.setProgress(`${file.name} was not opened; the database you had is still here.`);
  });

  onClick(app, $('share'), () => share(app));
  onClick(app, $('reset-db'), () => app.run('resetDatabase', 'New database'));
  onClick(app, $('new-playground'), () => switchTo(app, workspaces.newId(), { label: 'New playground' }));
  $('playgrounds').addEventListener('toggle', () => { if ($('playgrounds').open) listPlaygrounds(app); });

  // A new worker that forgets what this playground saved: Reset works even
  // when the worker failed to start, hangs, or crashed.
  onClick(app, $('reset'), async () => {
    forgetScreen(app);
    sqlConsole.forgetHistory(app);
    fileEditor.forgetDrafts(app);
    window.history.replaceState(null, '', location.pathname + location.search);
    await startOver(app, 'Reset everything', { reset: true });
  });

  $('memory').value = app.prefs.get('migraplay-memory') ?? '256';
  $('memory').addEventListener('change', () => {
    app.prefs.set('migraplay-memory', String(memoryMib()));
    app.run('setMemoryBudget', 'Memory budget', [memoryMib()],
      { done: () => (memoryMib() ? `Memory budget: ${memoryMib()} MiB per migration.` : 'Memory budget: none.') });
  });
  $('budget').value = app.prefs.get('migraplay-budget') ?? '5';
  $('budget').addEventListener('change', () => {
    app.prefs.set('migraplay-budget', String(budgetSeconds()));
    app.run('setTimeBudget', 'Time budget', [budgetSeconds() * 1000],
      { done: () => (budgetSeconds() ? `Time budget: ${budgetSeconds()} s per migration.` : 'Time budget: none.') });
  });

  onClick(app, $('cancel'), () => {
    app.setProgress('Cancelling…');
    app.restart('Cancelled. What was running was stopped and rolled back; the set and the database are as they were before it.');
  });
}

export function update(app) {
  const actions = app.view?.actions ?? {};
  setAble(app, $('export'), actions.export ?? false);
  setAble(app, $('share'), actions.share ?? false);
  setAble(app, $('reset-db'), actions.reset_database ?? false);
  setAble(app, $('new-playground'), true);
  $('import').disabled = !app.view || Boolean(app.busy);
  // Reset needs nothing from the worker (it starts a new one): it works after any failure, unless something runs.
  setAble(app, $('reset'), true, { needsView: false });
  const cancel = $('cancel');
  cancel.setAttribute('aria-disabled', String(!app.busy || !app.view));
  cancel.dataset.why = app.busy ? '' : 'nothing is running';
}
