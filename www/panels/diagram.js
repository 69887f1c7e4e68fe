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

let markedCard = null;
let markTimer = null;

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
  area.addEventListener('er-view', (e) => { $('diagram-zoom').value = `${Math.round(e.detail.zoom * 100)}%`; });
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
    say(`No table matches “${query.trim()}”.`);
    return;
  }
  er.centre(found);
  er.pick(found);
  const { refers, referredBy } = er.neighbours(found);
  const count = (n) => `${n} table${n === 1 ? '' : 's'}`;
  say(`${found}: refers to ${count(refers.length)}, referred to by ${count(referredBy.length)}. Enter on it (or a click) opens its card.`);
}

const say = (text) => { $('diagram-status').textContent = text; };

/** Scrolls table `name`'s schema card into view, marks it a moment and moves focus there. */
function openCard(name) {
  const card = [...document.querySelectorAll('#tables section.table-card')].find((c) => c.dataset.table === name);
  if (!card) return;
  unmarkCard();
  markedCard = card;
  card.classList.add('er-picked');
  if (!card.hasAttribute('tabindex')) card.tabIndex = -1;
  const smooth = !matchMedia('(prefers-reduced-motion: reduce)').matches;
  card.scrollIntoView({ block: 'start', behavior: smooth ? 'smooth' : 'auto' });
  card.focus({ preventScroll: true });
  markTimer = setTimeout(unmarkCard, CARD_MARK_MS);
}

function unmarkCard() {
  clearTimeout(markTimer);
  markedCard?.classList.remove('er-picked');
  markedCard = null;
}

/** Opens table `name`'s schema card (a finding links to its table). */
export const showTable = (name) => openCard(name);
