// Loading sets: files, a folder, a drop, a pasted migration, the bundled set.
// Which files are migrations, how a set file unpacks, how a pasted migration's
// files are named: the core decides; the page reads the bytes it is told to.
import { $ } from '../dom.js';
import { setAble, onClick } from '../controls.js';
import * as client from '../client.js';
import * as fileEditor from './file-editor.js';

/**
 * Reads what the core wants of `list` (File objects): migration files and set
 * files, as `{name, bytes}`; a file over the core's limits as `{name, size}`,
 * unread, for the core to refuse by its size. Null when cancelled. (Review reads
 * a base set with it too.)
 */
export async function readFiles(app, list) {
  const { max_file_bytes: maxFile, max_total_bytes: maxTotal } = app.view.limits;
  const names = list.map((f) => f.relativePath || f.webkitRelativePath || f.name);
  const kinds = await client.call('fileKinds', [names]);
  if (kinds.cancelled) return null;
  if (!kinds.ok) throw new Error(kinds.error);
  const files = [];
  let total = 0;
  for (const [i, f] of list.entries()) {
    if (kinds.kinds[i] === 'other') continue;
    total += f.size;
    const limit = kinds.kinds[i] === 'set' ? maxTotal : maxFile;
    if (f.size > limit || total > maxTotal) files.push({ name: names[i], size: f.size });
    else files.push({ name: names[i], bytes: new Uint8Array(await f.arrayBuffer()) });
  }
  return files;
}

/** Loads files (File objects) as the set, on a new database. The page is busy while it reads them. */
export async function loadFiles(app, list) {
  if (list.length === 0) return;
  if (app.busy || !app.view) {
    app.setProgress(`Not now: wait until “${app.busy ?? 'Loading SQLite'}” is done, then load the files again.`);
    return;
  }
  app.clearError();
  app.setBusy(`Reading ${app.plural(list.length, 'file')}`);
  app.setProgress(`Reading ${app.plural(list.length, 'file')}…`);
  const generation = client.currentGeneration();
  let files;
  try {
    files = await readFiles(app, list);
  } catch (e) {
    app.setBusy(null);
    app.showError(e.message);
    app.setProgress('Nothing was loaded; the set you had is still here.');
    return;
  }
  app.setBusy(null);
  // Cancel (or Reset) while the files were read: they are not loaded.
  if (files === null || generation !== client.currentGeneration()) {
    app.setProgress('Cancelled. Nothing was loaded; the set you had is still here.');
    return;
  }
  const reply = await app.run('load', `Load ${app.plural(files.length, 'file')}`, [files, null, 'files']);
  if (!reply.ok) app.setProgress('Nothing was loaded; the set you had is still here.');
  else fileEditor.close(app);
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

export function wire(app) {
  for (const id of ['files', 'folder']) {
    $(id).addEventListener('change', async (event) => {
      const picked = [...event.target.files];
      event.target.value = '';
      await loadFiles(app, picked);
    });
  }
  const zone = $('migrations-panel');
  zone.addEventListener('dragover', (e) => { if (!app.demo) { e.preventDefault(); zone.classList.add('dropping'); } });
  zone.addEventListener('dragleave', () => zone.classList.remove('dropping'));
  zone.addEventListener('drop', async (e) => {
    if (app.demo) return;
    e.preventDefault();
    zone.classList.remove('dropping');
    const entries = [...e.dataTransfer.items].map((i) => i.webkitGetAsEntry?.()).filter(Boolean);
    const files = entries.length ? (await Promise.all(entries.map((en) => entryFiles(en)))).flat() : [...e.dataTransfer.files];
    await loadFiles(app, files);
  });

  onClick(app, $('load-bundled'), () => {
    fileEditor.close(app);
    app.run('loadBundled', 'Load the bundled set');
  });

  onClick(app, $('paste-add'), async (e) => {
    e.preventDefault();
    if (!$('paste-form').reportValidity()) return;
    const base = $('paste-name').value.trim();
    const reply = await app.run('paste', `Add ${base}`, [base, $('paste-up').value, $('paste-down').value]);
    if (reply.ok) {
      $('paste-form').reset();
      $('paste').open = false;
    } else {
      app.setProgress('Nothing was added; the set is as it was.');
    }
  });
  $('paste-form').addEventListener('submit', (e) => e.preventDefault());
}

export function update(app) {
  const idle = Boolean(app.view) && !app.busy;
  for (const id of ['files', 'folder']) $(id).disabled = !idle;
  setAble(app, $('load-bundled'), app.view?.actions.load_bundled ?? false);
  setAble(app, $('paste-add'), true);
}
