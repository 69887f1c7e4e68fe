// The file editor: a migration's file, opened from its row or at a failing
// statement's line; Save hands the text to the core, which merges it into the
// set and keeps the database. Text typed and not saved is a draft, kept per
// playground (www/drafts.js): a reload reopens the editor on it, and opening
// a file that has one shows it, until Save or Discard draft.
import { $, el } from '../dom.js';
import { createEditor } from '../editor.js';
import { setAble, onClick } from '../controls.js';
import { keeper, fingerprint } from '../drafts.js';

let editor;
let editorFile = null;
// The set's text of the open file as last shown, and its fingerprint (what a draft's `base` is compared with).
let fileText = null;
let fileBase = null;
// The button that opened the editor: focus goes back to it on Close.
let opener = null;

// This playground's drafts: file name → {text, base}, `base` the fingerprint
// of the set's file the draft started from; `open` is the file a reload reopens.
const drafts = { workspace: null, open: null, files: new Map() };
const draftsKeyOf = (id) => `migraplay-editor-drafts:${id}`;
let store;

const REFUSED = 'This browser does not let the page keep a draft: save before you leave, or a reload loses these changes.';

const fileOf = (app, name) => app.view?.files.find((f) => f.name === name);

function persist() {
  markDrafts();
  if (drafts.workspace === null) return;
  const files = Object.fromEntries(drafts.files);
  store.keep(draftsKeyOf(drafts.workspace), drafts.files.size ? JSON.stringify({ open: drafts.open, files }) : null);
}

/**
 * Marks each file with an unsaved draft where the migrations table names it ("draft" beside
 * its name), so a draft left in a closed editor is seen; the table is drawn anew with each view.
 */
function markDrafts() {
  for (const button of $('migrations').querySelectorAll('button[data-file]')) {
    const has = drafts.files.has(button.dataset.file);
    const tag = button.querySelector('.draft-tag');
    if (has && !tag) button.append(el('span', { class: 'draft-tag', text: 'draft', title: 'Unsaved draft: open the file to save or discard it' }));
    else if (!has && tag) tag.remove();
  }
}

/** Reads the drafts of this tab's playground (those of files the set lacks now wait for them to return). */
function loadDrafts(app, view) {
  store.flush();
  drafts.workspace = app.workspace;
  drafts.open = null;
  drafts.files.clear();
  let saved = null;
  try { saved = JSON.parse(app.prefs.get(draftsKeyOf(app.workspace)) ?? 'null'); } catch { /* unreadable: none */ }
  if (typeof saved?.files !== 'object' || saved.files === null) return;
  for (const [name, draft] of Object.entries(saved.files)) {
    if (typeof draft?.text === 'string' && typeof draft.base === 'string') drafts.files.set(name, draft);
  }
  drafts.open = typeof saved.open === 'string' ? saved.open : null;
  if (drafts.files.size !== Object.keys(saved.files).length) persist();
}

/**
 * Says where the open file stands: the line it was opened at (an error's, or the line a
 * verify finding points to: `lineIs`), and its draft (restored, taken from an older file, not kept).
 */
function showState(app, { line = null, lineIs = 'error', restored = false } = {}) {
  const draft = editorFile !== null ? drafts.files.get(editorFile) : undefined;
  const parts = [];
  const of = draft ? ' of the saved file' : '';
  if (line) parts.push(lineIs === 'finding' ? `Verify’s finding points to line ${line}${of}.` : `The error is on line ${line}${of}.`);
  if (draft) {
    parts.push(restored ? 'Unsaved draft restored (not saved to the set yet).'
      : store.refused() ? 'Unsaved changes.' : 'Unsaved changes, kept as a draft until you save or discard them.');
    if (draft.base !== fileBase) {
      parts.push('The file in the set has changed since this draft was taken: Save puts the draft in its place, '
        + 'Discard draft shows the set’s version.');
    }
    if (store.refused()) parts.push(REFUSED);
  }
  $('editor-note').textContent = parts.join(' ');
  $('editor-discard').hidden = !draft;
  update(app);
}

function showFile(file) {
  fileText = file.text;
  fileBase = fingerprint(file.text);
}

/** A file's text as the editor's textarea holds it: line ends as \n. */
const asTyped = (text) => text.replace(/\r\n?/g, '\n');

/** Keeps what is typed in the open file as its draft (none when it is the set's text again). */
function track(app) {
  const file = fileOf(app, editorFile);
  if (!file || editor.refused()) return;
  const text = editor.get();
  const draft = drafts.files.get(editorFile);
  // The textarea keeps \n only: a file with CRLF line ends is unchanged when only its line ends differ.
  if (text === asTyped(file.text)) drafts.files.delete(editorFile);
  else drafts.files.set(editorFile, { text, base: draft?.base ?? fileBase });
  drafts.open = editorFile;
  persist();
  showState(app);
}

/**
 * Opens `name` (a file of the set) in the editor, at `line` when given (an error's, or with
 * `lineIs: 'finding'` where a verify finding points); its draft, when it has one.
 */
export function open(app, name, line = null, { lineIs = 'error' } = {}) {
  if (app.demo || !app.view) return;
  const file = fileOf(app, name);
  if (!file) return;
  const draft = drafts.files.get(name);
  const restored = Boolean(draft) && editorFile !== name;
  if (editorFile !== name) {
    editor.set(draft?.text ?? file.text);
    showFile(file);
  }
  editorFile = name;
  if (drafts.open !== name) {
    drafts.open = name;
    if (drafts.files.size) persist();
  }
  opener = document.activeElement?.closest?.('button[data-file]') ?? opener;
  $('editor-file').textContent = name;
  $('editor-panel').hidden = false;
  showState(app, { line, lineIs, restored });
  if (line) editor.mark(line);
  update(app);
}

/** Closes the editor; its draft stays, shown again when the file is opened. */
export function close(app) {
  editorFile = null;
  if (drafts.open !== null) {
    drafts.open = null;
    if (drafts.files.size) persist();
  }
  $('editor-panel').hidden = true;
  update(app);
}

/** Forgets the drafts of this tab's playground (Reset everything). */
export function forgetDrafts(app) {
  drafts.files.clear();
  drafts.open = null;
  if (app.workspace !== null) store.drop(draftsKeyOf(app.workspace));
  markDrafts();
  if (editorFile !== null) showState(app);
}

/** Forgets the drafts of a deleted playground. */
export const forgetDraftsOf = (app, id) => app.prefs.remove(draftsKeyOf(id));

export function wire(app) {
  store = keeper(app.prefs, { onRefused: () => { if (editorFile !== null) showState(app); } });
  editor = createEditor($('editor'), { label: 'Migration file', onInput: () => track(app) });
  $('migrations').addEventListener('click', (e) => {
    const button = e.target.closest('button[data-file]');
    if (button) open(app, button.dataset.file);
  });
  $('editor-close').addEventListener('click', () => {
    const name = editorFile;
    close(app);
    const back = opener?.isConnected ? opener : $('migrations').querySelector(`button[data-file="${CSS.escape(name ?? '')}"]`);
    (back ?? $('migrations').querySelector('button[data-file]') ?? $('apply-next')).focus();
    opener = null;
  });
  onClick(app, $('editor-save'), async () => {
    // The draft ends as the set gets its text (in render), unless more was typed meanwhile.
    const reply = await app.run('edit', `Save ${editorFile}`, [[{ name: editorFile, text: editor.get() }]]);
    if (reply.ok) $('editor-note').textContent = 'Saved.';
  });
  onClick(app, $('editor-discard'), () => {
    const file = fileOf(app, editorFile);
    drafts.files.delete(editorFile);
    persist();
    if (file) {
      editor.set(file.text);
      showFile(file);
    }
    showState(app);
    $('editor-note').textContent = 'Draft discarded: this is the file as the set has it.';
    editor.focus();
  });
}

// A file the set no longer has (another set was loaded) closes the editor; its
// draft stays until that file is back (nothing typed is lost by looking at another set); the open file, changed in the set, is shown as the set has
// it, or its draft says the file changed. After a reload (or a switch of
// playground) the editor reopens on the draft it had.
export function render(app, view) {
  renderEditor(app, view);
  markDrafts();
}

function renderEditor(app, view) {
  if (!app.demo && app.workspace !== null && drafts.workspace !== app.workspace) {
    loadDrafts(app, view);
    if (drafts.open !== null && drafts.files.has(drafts.open)) {
      if (editorFile !== null) close(app);
      open(app, drafts.open);
    }
    return;
  }
  if (editorFile === null) return;
  const file = view.files.find((f) => f.name === editorFile);
  if (!file) {
    close(app);
    return;
  }
  if (file.text === fileText) return;
  showFile(file);
  const draft = drafts.files.get(editorFile);
  if (!draft) editor.set(file.text);
  else if (draft.text === asTyped(file.text)) {
    drafts.files.delete(editorFile);
    persist();
  }
  showState(app);
}

export function update(app) {
  if (!editor) return;
  setAble(app, $('editor-save'), editorFile === null ? { ok: false, why: 'no file is open' }
    : editor.refused() ? { ok: false, why: 'this file is too long to edit here' } : true);
  setAble(app, $('editor-discard'), editorFile !== null && drafts.files.has(editorFile) ? true : { ok: false, why: 'there is no draft' });
}
