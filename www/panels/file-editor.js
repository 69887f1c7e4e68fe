// The file editor: a migration's file, opened from its row or at a failing
// statement's line; Save hands the text to the core, which merges it into the
// set and keeps the database.
import { $ } from '../dom.js';
import { createEditor } from '../editor.js';
import { setAble, onClick } from '../controls.js';

let editor;
let editorFile = null;
// The button that opened the editor: focus goes back to it on Close.
let opener = null;

/** Opens `name` (a file of the set) in the editor, at `line` when given. */
export function open(app, name, line = null) {
  if (app.demo || !app.view) return;
  const file = app.view.files.find((f) => f.name === name);
  if (!file) return;
  if (editorFile !== name) editor.set(file.text);
  editorFile = name;
  opener = document.activeElement?.closest?.('button[data-file]') ?? opener;
  $('editor-file').textContent = name;
  $('editor-panel').hidden = false;
  $('editor-note').textContent = line ? `The error is on line ${line}.` : '';
  if (line) editor.mark(line);
  update(app);
}

export function close(app) {
  editorFile = null;
  $('editor-panel').hidden = true;
  update(app);
}

export function wire(app) {
  editor = createEditor($('editor'), { label: 'Migration file', onInput: () => { $('editor-note').textContent = 'Unsaved changes.'; } });
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
    const reply = await app.run('edit', `Save ${editorFile}`, [[{ name: editorFile, text: editor.get() }]]);
    if (reply.ok) $('editor-note').textContent = 'Saved.';
  });
}

// A file the set no longer has (another set was loaded) closes the editor.
export function render(app, view) {
  if (editorFile !== null && !view.files.some((f) => f.name === editorFile)) close(app);
}

export function update(app) {
  if (!editor) return;
  setAble(app, $('editor-save'), editorFile === null ? { ok: false, why: 'no file is open' }
    : editor.refused() ? { ok: false, why: 'this file is too long to edit here' } : true);
}
