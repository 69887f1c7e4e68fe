// A small SQL editor: a textarea over a highlighted copy of its text, with
// line numbers and a marked line for errors. Highlighting builds text nodes
// only, so nothing typed can become HTML.
import { el } from './dom.js';

const KEYWORDS = new Set(`ABORT ACTION ADD AFTER ALL ALTER ALWAYS ANALYZE AND AS ASC AUTOINCREMENT BEFORE BEGIN BETWEEN BY
CASCADE CASE CAST CHECK COLLATE COLUMN COMMIT CONFLICT CONSTRAINT CREATE CROSS CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP
DEFAULT DEFERRABLE DEFERRED DELETE DESC DISTINCT DROP EACH ELSE END ESCAPE EXCEPT EXISTS FAIL FILTER FOR FOREIGN FROM FULL
GENERATED GLOB GROUP HAVING IF IGNORE IMMEDIATE IN INDEX INITIALLY INNER INSERT INSTEAD INTERSECT INTO IS ISNULL JOIN KEY
LEFT LIKE LIMIT MATCH NATURAL NO NOT NOTHING NOTNULL NULL OF OFFSET ON OR ORDER OUTER PRAGMA PRIMARY RAISE RECURSIVE
REFERENCES REINDEX RELEASE RENAME REPLACE RESTRICT RETURNING RIGHT ROLLBACK ROW ROWID SAVEPOINT SELECT SET STORED STRICT
TABLE TEMP TEMPORARY THEN TO TRANSACTION TRIGGER UNION UNIQUE UPDATE USING VACUUM VALUES VIEW VIRTUAL WHEN WHERE WITH
WITHOUT INTEGER TEXT REAL BLOB NUMERIC BOOLEAN BIGINT TIMESTAMP VARCHAR`.split(/\s+/));

const TOKEN = /(--[^\n]*|\/\*[\s\S]*?(?:\*\/|$)|'(?:[^']|'')*'?|"(?:[^"]|"")*"?|`[^`]*`?|\[[^\]]*\]?|\b\d+(?:\.\d+)?\b|[A-Za-z_][A-Za-z0-9_$]*)/g;

/**
 * Past this many lines (or characters) the editor is a plain textarea: no
 * highlighting, no line numbers, so a 4-million-line file opens at once and
 * typing stays responsive; an error's line is still selected and shown.
 */
export const MAX_HIGHLIGHT_LINES = 20_000;
export const MAX_HIGHLIGHT_CHARS = 2_000_000;
/**
 * Past this many lines even a plain textarea freezes the tab (Chromium lays
 * one out at about 7 µs a line: 4 million lines took 27 s), so such a text is
 * not put in the editor at all: it is kept as it is, and the note says why.
 */
export const MAX_EDIT_LINES = 100_000;

/**
 * `n` with its thousands grouped as English writes them (100,000): what
 * `toLocaleString('en')` says, without its first call's cost (setting up the
 * locale's data took 20–50 ms, at every page start).
 */
const grouped = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** The number of lines of `text`, counting no further than `limit + 1`. */
function countLines(text, limit) {
  let lines = 1;
  for (let at = text.indexOf('\n'); at !== -1 && lines <= limit; at = text.indexOf('\n', at + 1)) lines += 1;
  return lines;
}

/** The offset where line `line` (1-based) starts. */
function lineStart(text, line) {
  let at = 0;
  for (let n = 1; n < line && at !== -1; n += 1) {
    at = text.indexOf('\n', at);
    if (at !== -1) at += 1;
  }
  return at === -1 ? text.length : at;
}

function highlight(text) {
  const out = document.createDocumentFragment();
  let last = 0;
  for (const m of text.matchAll(TOKEN)) {
    const t = m[0];
    let kind = null;
    if (t.startsWith('--') || t.startsWith('/*')) kind = 'comment';
    else if (t.startsWith("'")) kind = 'string';
    else if (/^["`[]/.test(t)) kind = 'ident';
    else if (/^\d/.test(t)) kind = 'number';
    else if (KEYWORDS.has(t.toUpperCase())) kind = 'keyword';
    if (!kind) continue;
    out.append(text.slice(last, m.index), el('span', { class: `tok-${kind}`, text: t }));
    last = m.index + t.length;
  }
  out.append(text.slice(last));
  return out;
}

/** What a keyboard user needs to know to leave the editor (its textarea's description). */
export const LEAVE_HINT = 'Tab inserts spaces; press Escape, then Tab, to leave the editor.';
let editors = 0;

/** An editor in `container`; returns {get, set, mark, focus, textarea}. */
export function createEditor(container, { label = 'SQL', onInput = () => {} } = {}) {
  editors += 1;
  const hintId = `${container.id || 'editor'}-hint-${editors}`;
  const gutter = el('div', { class: 'gutter', 'aria-hidden': 'true' });
  const code = el('pre', { class: 'highlight', 'aria-hidden': 'true' });
  const textarea = el('textarea', { spellcheck: 'false', autocapitalize: 'off', autocomplete: 'off', 'aria-label': label,
    'aria-describedby': hintId, wrap: 'off' });
  const hint = el('span', { id: hintId, class: 'visually-hidden', text: LEAVE_HINT });
  const body = el('div', { class: 'editor-body' }, code, textarea);
  const note = el('p', { class: 'editor-plain muted', hidden: true });
  const frame = el('div', { class: 'editor' }, gutter, body);
  container.replaceChildren(frame, hint, note);
  let marked = null;

  // The text when it is too long to edit (the textarea is then empty and disabled).
  let refused = null;
  const tooLong = (text) => countLines(text, MAX_EDIT_LINES) > MAX_EDIT_LINES;
  const refusal = `This text has more than ${grouped(MAX_EDIT_LINES)} lines: too many to edit here `
    + '(the page would freeze). Edit it in a text editor and load it again.';

  function render() {
    if (refused !== null) {
      frame.hidden = true;
      note.hidden = false;
      const line = marked && refused.slice(lineStart(refused, marked)).split('\n', 1)[0];
      note.textContent = marked ? `${refusal} Line ${marked}: ${line.slice(0, 200)}` : refusal;
      return;
    }
    frame.hidden = false;
    const text = textarea.value;
    const lines = countLines(text, MAX_HIGHLIGHT_LINES);
    const plain = lines > MAX_HIGHLIGHT_LINES || text.length > MAX_HIGHLIGHT_CHARS;
    frame.classList.toggle('plain', plain);
    note.hidden = !plain;
    if (plain) {
      note.textContent = `Highlighting and line numbers are off: this text is over ${grouped(MAX_HIGHLIGHT_LINES)} lines `
        + `or ${grouped(MAX_HIGHLIGHT_CHARS)} characters.${marked ? ` Line ${marked} is selected.` : ''}`;
      gutter.replaceChildren();
      code.replaceChildren();
      return;
    }
    gutter.replaceChildren(...Array.from({ length: lines }, (_, i) =>
      el('div', { class: i + 1 === marked ? 'marked' : '', 'data-line': i + 1, text: String(i + 1) })));
    // A trailing newline needs a line of its own in the copy, or the two drift apart.
    code.replaceChildren(highlight(text.endsWith('\n') ? `${text} ` : text));
    // In the next frame: reading the textarea's scroll position here would lay
    // the page out at once (at the start, before anything is drawn, a whole
    // layout of its own).
    requestAnimationFrame(sync);
  }
  function sync() {
    code.scrollTop = textarea.scrollTop;
    code.scrollLeft = textarea.scrollLeft;
    gutter.scrollTop = textarea.scrollTop;
  }
  textarea.addEventListener('input', () => { marked = null; render(); onInput(); });
  textarea.addEventListener('paste', (e) => {
    const pasted = e.clipboardData?.getData('text') ?? '';
    if (!tooLong(pasted)) return;
    e.preventDefault();
    note.hidden = false;
    note.textContent = `The pasted text was not added: it has more than ${grouped(MAX_EDIT_LINES)} lines, too many to edit here.`;
  });
  textarea.addEventListener('scroll', sync);
  // Tab indents, so a keyboard user would be kept in the editor: after Escape, the next
  // Tab (or Shift+Tab) moves focus on as usual. Any other key (modifiers alone aside, so
  // Shift+Tab still counts) cancels the Escape, and so does leaving the editor.
  let escaped = false;
  textarea.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') { escaped = true; return; }
    if (e.key === 'Tab') {
      if (escaped) { escaped = false; return; }
      if (e.shiftKey || e.ctrlKey || e.altKey || e.metaKey) return;
      e.preventDefault();
      textarea.setRangeText('    ', textarea.selectionStart, textarea.selectionEnd, 'end');
      render();
      return;
    }
    if (!['Shift', 'Control', 'Alt', 'Meta', 'AltGraph', 'CapsLock'].includes(e.key)) escaped = false;
  });
  textarea.addEventListener('blur', () => { escaped = false; });

  return {
    textarea,
    get: () => refused ?? textarea.value,
    set(text) {
      refused = tooLong(text) ? text : null;
      textarea.value = refused === null ? text : '';
      textarea.disabled = refused !== null;
      marked = null;
      render();
    },
    /** Whether the text is too long to edit (it is then kept, not shown). */
    refused: () => refused !== null,
    /** Marks a line (1-based) as the error's, and shows it. */
    mark(line) {
      marked = line;
      render();
      if (refused !== null) return;
      const lineHeight = parseFloat(getComputedStyle(textarea).lineHeight) || 18;
      textarea.scrollTop = Math.max(0, (line - 3) * lineHeight);
      const start = lineStart(textarea.value, line);
      if (frame.classList.contains('plain')) {
        const end = textarea.value.indexOf('\n', start);
        textarea.setSelectionRange(start, end === -1 ? textarea.value.length : end);
      } else {
        textarea.setSelectionRange(start, start);
      }
      sync();
    },
    marked: () => marked,
    focus: () => textarea.focus(),
  };
}
