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

/** An editor in `container`; returns {get, set, mark, focus, textarea}. */
export function createEditor(container, { label = 'SQL', onInput = () => {} } = {}) {
  const gutter = el('div', { class: 'gutter', 'aria-hidden': 'true' });
  const code = el('pre', { class: 'highlight', 'aria-hidden': 'true' });
  const textarea = el('textarea', { spellcheck: 'false', autocapitalize: 'off', autocomplete: 'off', 'aria-label': label, wrap: 'off' });
  const body = el('div', { class: 'editor-body' }, code, textarea);
  container.replaceChildren(el('div', { class: 'editor' }, gutter, body));
  let marked = null;

  function render() {
    const text = textarea.value;
    const lines = text.split('\n').length;
    gutter.replaceChildren(...Array.from({ length: lines }, (_, i) =>
      el('div', { class: i + 1 === marked ? 'marked' : '', 'data-line': i + 1, text: String(i + 1) })));
    // A trailing newline needs a line of its own in the copy, or the two drift apart.
    code.replaceChildren(highlight(text.endsWith('\n') ? `${text} ` : text));
    sync();
  }
  function sync() {
    code.scrollTop = textarea.scrollTop;
    code.scrollLeft = textarea.scrollLeft;
    gutter.scrollTop = textarea.scrollTop;
  }
  textarea.addEventListener('input', () => { marked = null; render(); onInput(); });
  textarea.addEventListener('scroll', sync);
  textarea.addEventListener('keydown', (e) => {
    if (e.key === 'Tab' && !e.shiftKey) {
      e.preventDefault();
      textarea.setRangeText('    ', textarea.selectionStart, textarea.selectionEnd, 'end');
      render();
    }
  });

  return {
    textarea,
    get: () => textarea.value,
    set(text) { textarea.value = text; marked = null; render(); },
    /** Marks a line (1-based) as the error's, and shows it. */
    mark(line) {
      marked = line;
      render();
      const lineHeight = parseFloat(getComputedStyle(textarea).lineHeight) || 18;
      textarea.scrollTop = Math.max(0, (line - 3) * lineHeight);
      const start = textarea.value.split('\n').slice(0, line - 1).join('\n').length + (line > 1 ? 1 : 0);
      textarea.setSelectionRange(start, start);
      sync();
    },
    marked: () => marked,
    focus: () => textarea.focus(),
  };
}
