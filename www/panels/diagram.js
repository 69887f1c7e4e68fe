// The diagram panel's controls: zoom and fit, the keyboard on the diagram,
// finding a table, opening a table's schema card, and the SVG and PNG
// downloads. The schema panel draws the diagram on every render; the drawing
// and its camera are www/diagram.js's. Nothing here is about migrations.
import { $, el, download } from '../dom.js';
import * as er from '../diagram.js';

/** How long an opened schema card stays marked (or until the next click). */
const CARD_MARK_MS = 4000;
/** How far an arrow key pans, in screen pixels (four times as far with Shift). */
const PAN_STEP = 60;
/** How long the view rests before the status line says again how much of it is shown (it is read aloud). */
const VIEW_QUIET_MS = 500;

let markedCard = null;
let markTimer = null;
/** What the status line says: 'view' (how much is shown), 'find' (a search's answer), or null (nothing). */
let saying = null;
let viewTimer = null;

export function wire(app) {
  const area = $('diagram');
  // The schema panel replaces the drawing on every render: follow it.
  new MutationObserver(sync).observe(area, { childList: true });
  sync();
  const on = (id, act) => $(id).addEventListener('click', act);
  on('diagram-zoom-in', () => er.zoomBy(er.ZOOM_STEP));
  on('diagram-zoom-out', () => er.zoomBy(1 / er.ZOOM_STEP));
  on('diagram-fit', () => er.fit());
  on('diagram-actual', () => er.actualSize());
  on('diagram-find', () => find($('diagram-search').value));
  on('diagram-svg', () => {
    const text = er.exportSvg();
    if (text !== null) download('schema.svg', text, 'image/svg+xml');
  });
  on('diagram-png', async () => {
    try {
      const png = await er.exportPng();
      if (png) download('schema.png', png, 'image/png');
    } catch (e) {
      app.showError(`The PNG could not be made: ${e.message}`);
    }
  });
  const search = $('diagram-search');
  search.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') { e.preventDefault(); find(search.value); }
  });
  // A name picked from the list (no inputType, or a replacement) is found at once; typing waits for Enter.
  search.addEventListener('input', (e) => {
    if ((!e.inputType || e.inputType === 'insertReplacementText') && er.hasTable(search.value)) find(search.value);
  });
  area.addEventListener('er-view', (e) => {
    $('diagram-zoom').value = percent(e.detail.zoom);
    viewed(e.detail);
  });
  area.addEventListener('er-open', (e) => openCard(e.detail.table));
  area.addEventListener('keydown', keys);
  // The next click anywhere ends the mark on an opened card.
  document.addEventListener('pointerdown', unmarkCard, { capture: true });
}

/** Shows the tools and lists the tables once a diagram is drawn. */
function sync() {
  const names = er.tableNames();
  const drawn = $('diagram').querySelector('svg.er') !== null;
  $('diagram-tools').hidden = !drawn;
  if (!drawn && saying === 'view') say(null, '');
  const list = $('diagram-tables');
  if (list.dataset.names !== JSON.stringify(names)) {
    list.replaceChildren(...names.map((name) => el('option', { value: name })));
    list.dataset.names = JSON.stringify(names);
  }
}

function keys(e) {
  if (e.altKey || e.ctrlKey || e.metaKey) return;
  const step = e.shiftKey ? 4 * PAN_STEP : PAN_STEP;
  const acts = {
    '+': () => er.zoomBy(er.ZOOM_STEP),
    '=': () => er.zoomBy(er.ZOOM_STEP),
    '-': () => er.zoomBy(1 / er.ZOOM_STEP),
    _: () => er.zoomBy(1 / er.ZOOM_STEP),
    0: () => er.fit(),
    1: () => er.actualSize(),
    // An arrow shows more of the drawing on that side, as scrolling would.
    ArrowLeft: () => er.pan(step, 0),
    ArrowRight: () => er.pan(-step, 0),
    ArrowUp: () => er.pan(0, step),
    ArrowDown: () => er.pan(0, -step),
    Escape: () => er.pick(null),
  };
  const act = acts[e.key];
  if (!act) return;
  e.preventDefault();
  act();
}

/** Centres and picks the table best matching `query`: the exact name, else ignoring case, else a prefix, else a part. */
function find(query) {
  const names = er.tableNames();
  const q = query.trim().toLowerCase();
  if (!q) return;
  const found = names.find((n) => n === query) ?? names.find((n) => n === query.trim())
    ?? names.find((n) => n.toLowerCase() === q) ?? names.find((n) => n.toLowerCase().startsWith(q))
    ?? names.find((n) => n.toLowerCase().includes(q));
  if (found === undefined) {
    say('find', `No table matches “${query.trim()}”.`);
    return;
  }
  er.centre(found);
  er.pick(found);
  const { refers, referredBy } = er.neighbours(found);
  const count = (n) => `${n} table${n === 1 ? '' : 's'}`;
  say('find', `${found}: refers to ${count(refers.length)}, referred to by ${count(referredBy.length)}. Enter on it (or a click) opens its card.`);
}

const percent = (zoom) => `${Math.round(zoom * 100)}%`;

function say(kind, text) {
  clearTimeout(viewTimer);
  saying = kind;
  $('diagram-status').textContent = text;
}

/**
 * Says how much of the drawing is in view, and how to see it all when it is
 * not: at once when the page placed the view (it opened, or Fit), once the view
 * rests when the user moves it (and only over a line that says the same kind of
 * thing: a search's answer stays until the next).
 */
function viewed({ zoom, shown, total, frame }) {
  const text = shown >= total
    ? `All ${total} table${total === 1 ? '' : 's'} at ${percent(zoom)}.`
    : `Showing ${shown} of ${total} tables at ${percent(zoom)} — press 0 or Fit for all.`;
  clearTimeout(viewTimer);
  if (frame) say('view', text);
  else if (saying === 'view') viewTimer = setTimeout(() => say('view', text), VIEW_QUIET_MS);
}

/** Scrolls table `name`'s schema card into view, marks it a moment and moves focus there; false when there is none. */
function openCard(name) {
  const card = [...document.querySelectorAll('#tables section.table-card')].find((c) => c.dataset.table === name);
  if (!card) return false;
  unmarkCard();
  markedCard = card;
  card.classList.add('er-picked');
  if (!card.hasAttribute('tabindex')) card.tabIndex = -1;
  const smooth = !matchMedia('(prefers-reduced-motion: reduce)').matches;
  card.scrollIntoView({ block: 'start', behavior: smooth ? 'smooth' : 'auto' });
  card.focus({ preventScroll: true });
  markTimer = setTimeout(unmarkCard, CARD_MARK_MS);
  return true;
}

function unmarkCard() {
  clearTimeout(markTimer);
  markedCard?.classList.remove('er-picked');
  markedCard = null;
}

/** Opens table (or view) `name`'s schema card (a finding links to it); false when the schema has none. */
export const showTable = (name) => openCard(name);
