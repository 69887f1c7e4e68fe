// Draws the entity-relationship diagram the Rust core laid out, as SVG, under a
// camera the user moves: every position, clipped text and mark (what the last
// action changed) is the core's, copied into elements as it is; this module
// only adds the viewport (pan, zoom, fit, and where it opens), the highlight of
// a table's neighbours (read from the core's edges) and the export. The panel
// around it (www/panels/diagram.js) owns the buttons, the search and the keyboard.
import { svg } from './dom.js';

/** Zoom limits (screen pixels per diagram unit); fit may go below the floor for a huge schema. */
const MAX_ZOOM = 4;
const MIN_ZOOM = 0.1;
/** One zoom step (buttons, keys). */
export const ZOOM_STEP = 1.25;
/** Room left around the drawing when it is fitted, in screen pixels. */
const FIT_PAD = 12;
/** How far the pointer moves before a press becomes a drag (a click opens a table). */
const DRAG_SLOP = 4;
/** A PNG has at most this many pixels (a 150-table schema at 2x would take hundreds of MB). */
const PNG_MAX_PIXELS = 24e6;
/**
 * The smallest a table's name opens at, in screen pixels (its font size times
 * the zoom): a 44-table schema fitted whole showed names 5 px tall, which
 * nobody reads. A drawing that would need smaller names to fit opens at this
 * size on what the last step touched; 0 (or Fit) still shows it all.
 */
const LEGIBLE_PX = 11;
/** The name's font size when it cannot be read from the page yet (style.css: svg.er text). */
const NAME_PX = 12;

/**
 * The camera: screen = diagram * k + (x, y). It is kept across redraws (every
 * action draws the diagram anew) so stepping through migrations does not lose
 * the user's place. `frame` says who places it: 'open' (the start, and a new
 * schema) opens every drawing legible on what its step touched, 'fit' (after
 * Fit or 0) keeps the whole drawing in view, null is wherever the user put it.
 */
const camera = { x: 0, y: 0, k: 1, frame: 'open' };
/** The table picked (clicked, searched, Enter), kept across redraws; null for none. */
let picked = null;
/** The diagram on screen: its elements and the core's geometry. */
let current = null;

/** Draws `diagram` (the core's geometry) as an `svg.er` element with its interactions. */
export function drawDiagram(diagram) {
  // tabindex -1: Chromium gives the svg a Tab stop of its own otherwise; #diagram around it is the one.
  const root = svg('svg', {
    class: 'er', role: 'group', tabindex: -1,
    'aria-label': `Entity-relationship diagram: ${diagram.boxes.length} tables, ${diagram.edges.length} foreign keys`,
    'aria-roledescription': 'diagram',
  });
  const layer = svg('g', { class: 'viewport' });
  root.append(svg('defs', {}, svg('marker', {
    id: 'er-arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 8, markerHeight: 8, orient: 'auto-start-reverse',
  }, svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrowhead' }))), layer);
  const edges = diagram.edges.map((e) => {
    const path = svg('path', { class: 'edge', 'data-from': e.from, 'data-to': e.to, 'marker-end': 'url(#er-arrow)', d: e.path },
      svg('title', { text: `${e.from} (${e.columns.join(', ')}) → ${e.to}` }));
    layer.append(path);
    return { el: path, from: e.from, to: e.to };
  });
  const boxes = new Map();
  for (const b of diagram.boxes) {
    const near = neighboursIn(diagram.edges, b.table);
    const g = svg('g', { class: `table-box ${b.mark ?? ''}`, 'data-table': b.table });
    // The box's frame is the control (Tab, Enter): a control holding the clipped texts would need
    // them in its name, word for word, and the texts keep their tooltips above it.
    g.append(svg('rect', {
      class: 'frame', x: b.x, y: b.y, width: b.width, height: b.height, rx: 6, tabindex: 0, role: 'button',
      'aria-label': describe(b, near),
    }));
    g.append(svg('rect', { class: 'header', x: b.x, y: b.y, width: b.width, height: b.header, rx: 6 }));
    g.append(svg('text', { class: 'name', x: b.title_x, y: b.title_y, text: b.title }));
    for (const row of b.rows) {
      g.append(svg('text', { class: `row ${row.kind}`, x: row.x, y: row.y, text: row.shown }, svg('title', { text: row.text })));
      if (row.key) g.append(svg('text', { class: 'key', x: row.key_x, y: row.y, 'text-anchor': 'end', text: row.key }));
    }
    g.append(svg('title', { text: b.table }));
    layer.append(g);
    boxes.set(b.table, { el: g, box: b });
  }

  // A new schema (no table in common with the last one) opens afresh.
  if (current && !diagram.boxes.some((b) => current.boxes.has(b.table))) camera.frame = 'open';
  // The same drawing again (a render that changed neither the tables nor the marks, such as a
  // console query) leaves an opened view where it is.
  const looks = JSON.stringify(diagram.boxes.map((b) => [b.table, b.x, b.y, b.mark]));
  const same = current?.looks === looks && current.size !== null;
  if (current) current.observer.disconnect();
  const observer = new ResizeObserver(() => resized());
  current = { root, layer, diagram, boxes, edges, observer, size: null, looks, same };
  if (picked !== null && !boxes.has(picked)) picked = null;
  highlight(picked);
  observer.observe(root);
  wirePointer(root);
  return root;
}

/** The table names, in the core's order. */
export const tableNames = () => (current ? [...current.boxes.keys()] : []);

/** Whether `name` is a table on the diagram (exactly: names may hold quotes and spaces). */
export const hasTable = (name) => Boolean(current?.boxes.has(name));

/** The tables `name` refers to and those that refer to it, from the diagram's edges. */
export const neighbours = (name) => neighboursIn(current?.diagram.edges ?? [], name);

function neighboursIn(edges, name) {
  const refers = new Set();
  const referredBy = new Set();
  for (const e of edges) {
    if (e.from === name && e.to !== name) refers.add(e.to);
    if (e.to === name && e.from !== name) referredBy.add(e.from);
  }
  return { refers: [...refers], referredBy: [...referredBy] };
}

// What a box says to a screen reader: its table, its mark, its columns and its neighbours.
function describe(box, { refers, referredBy }) {
  const parts = [`Table ${box.table}`];
  if (box.mark) parts.push(`${box.mark} by the last step`);
  parts.push(`columns ${box.rows.map((row) => (row.key ? `${row.text} ${row.key}` : row.text)).join(', ')}`);
  if (refers.length) parts.push(`refers to ${refers.join(', ')}`);
  if (referredBy.length) parts.push(`referred to by ${referredBy.join(', ')}`);
  return `${parts.join('; ')}. Enter opens its schema card.`;
}

// --- the camera ----------------------------------------------------------------------

function viewSize() {
  const r = current.root.getBoundingClientRect();
  return { w: r.width, h: r.height };
}

/**
 * Moves the drawing to the camera and tells the panel: the zoom, how many
 * tables have their name in view out of how many, and who placed the camera
 * (`frame`: 'open', 'fit', or null for the user).
 */
function apply() {
  if (!current) return;
  const { x, y, k, frame } = camera;
  current.layer.setAttribute('transform', `translate(${round(x)} ${round(y)}) scale(${round(k, 10000)})`);
  const detail = { zoom: k, shown: namesInView(), total: current.boxes.size, frame };
  current.root.dispatchEvent(new CustomEvent('er-view', { bubbles: true, detail }));
}

/** How many tables have their header (the name) wholly inside the view. */
function namesInView() {
  const { w, h } = current.size ?? viewSize(); // kept by resized(): no layout read on every pointer move
  const { x, y, k } = camera;
  let n = 0;
  for (const { box: b } of current.boxes.values()) {
    const left = x + b.x * k;
    const top = y + b.y * k;
    if (left >= -0.5 && top >= -0.5 && left + b.width * k <= w + 0.5 && top + b.header * k <= h + 0.5) n += 1;
  }
  return n;
}

const round = (v, by = 100) => Math.round(v * by) / by;
const clampZoom = (k) => Math.min(MAX_ZOOM, Math.max(Math.min(MIN_ZOOM, fitZoom()), k));

function fitZoom() {
  if (!current) return 1;
  const { w, h } = viewSize();
  const { width, height } = current.diagram;
  if (!w || !h || !width || !height) return 1;
  // Never enlarged past the core's size: a small schema shows at 100%.
  return Math.min(1, (w - 2 * FIT_PAD) / width, (h - 2 * FIT_PAD) / height);
}

/** Shows the whole drawing, centred (at most at 100%), and keeps it so across redraws. */
export function fit() {
  if (!current) return;
  camera.frame = 'fit';
  place('fit');
}

/** Places the camera as `frame` says ('fit' or 'open'), without changing who places it next. */
function place(frame) {
  const { w, h } = viewSize();
  if (!w || !h) return;
  if (frame === 'fit' || fitZoom() >= legibleZoom()) {
    const k = Math.max(fitZoom(), 0.01);
    camera.k = k;
    camera.x = (w - current.diagram.width * k) / 2;
    camera.y = Math.max(FIT_PAD, (h - current.diagram.height * k) / 2);
  } else {
    opening(w, h);
  }
  apply();
}

/** The zoom at which a table's name is LEGIBLE_PX tall on screen. */
function legibleZoom() {
  const name = current.layer.querySelector('text.name');
  const px = (name && parseFloat(getComputedStyle(name).fontSize)) || NAME_PX;
  return LEGIBLE_PX / px;
}

/**
 * The opening view of a drawing too big to fit legibly: the tables the last
 * step touched (the core's marks; all of them when none is marked), as large
 * as fits between the legible zoom and 100%, centred on them where they fit.
 * Where they do not, it starts where the drawing starts: their left-most
 * column (the core lists boxes column by column, left to right, and a table
 * sits right of those it refers to), centred on that column's touched tables
 * (from its top when they do not fit either). It never shows more empty room
 * past the drawing's edges than it must.
 */
function opening(w, h) {
  const all = [...current.boxes.values()].map(({ box }) => box);
  const marked = all.filter((b) => b.mark);
  const boxes = marked.length ? marked : all;
  const across = extent(boxes, 'x', 'width');
  const down = extent(boxes, 'y', 'height');
  const k = Math.min(MAX_ZOOM, Math.max(legibleZoom(), Math.min(1, (w - 2 * FIT_PAD) / across.size, (h - 2 * FIT_PAD) / down.size)));
  const fits = (view, span) => span.size * k <= view - 2 * FIT_PAD;
  // Where a screen axis `view` long puts the diagram's 0: `span` centred if it fits, else its start at the edge.
  const on = (view, span) => (fits(view, span) ? view / 2 - (span.start + span.size / 2) * k : FIT_PAD - span.start * k);
  // Kept within [view - pad - drawing, pad] (or the reverse): the drawing covers the view where it is big enough to.
  const within = (at, view, whole) => {
    const [a, b] = [FIT_PAD, view - FIT_PAD - whole * k];
    return Math.min(Math.max(at, Math.min(a, b)), Math.max(a, b));
  };
  const column = fits(h, down) ? down : extent(boxes.filter((b) => b.x === boxes[0].x), 'y', 'height');
  camera.k = k;
  camera.x = within(on(w, across), w, current.diagram.width);
  camera.y = within(on(h, column), h, current.diagram.height);
}

/** The span of `boxes` along one axis (`at`: 'x' or 'y', `length`: 'width' or 'height'), in diagram units. */
function extent(boxes, at, length) {
  const start = Math.min(...boxes.map((b) => b[at]));
  return { start, size: Math.max(...boxes.map((b) => b[at] + b[length])) - start };
}

/** Zooms by `factor` around the screen point (`px`, `py`) in the view (its centre when not given). */
export function zoomBy(factor, px = null, py = null) {
  if (!current) return;
  const { w, h } = viewSize();
  const cx = px ?? w / 2;
  const cy = py ?? h / 2;
  const k = clampZoom(camera.k * factor);
  camera.x = cx - (cx - camera.x) * (k / camera.k);
  camera.y = cy - (cy - camera.y) * (k / camera.k);
  camera.k = k;
  camera.frame = null;
  apply();
}

/** Zooms to the core's size (100%) around the view's centre. */
export const actualSize = () => zoomBy(1 / camera.k);

/** Moves the drawing by (`dx`, `dy`) screen pixels. */
export function pan(dx, dy) {
  if (!current) return;
  camera.x += dx;
  camera.y += dy;
  camera.frame = null;
  apply();
}

/** Centres table `name`, zoomed in to at least `minZoom` so its text can be read. */
export function centre(name, minZoom = 1) {
  const entry = current?.boxes.get(name);
  if (!entry) return;
  const { w, h } = viewSize();
  const b = entry.box;
  camera.k = clampZoom(Math.max(camera.k, minZoom));
  camera.x = w / 2 - (b.x + b.width / 2) * camera.k;
  camera.y = h / 2 - (b.y + b.height / 2) * camera.k;
  camera.frame = null;
  apply();
}

/** Brings table `name` into view if any of it is outside (a box reached with Tab). */
function reveal(name) {
  const b = current.boxes.get(name).box;
  const { w, h } = viewSize();
  const { x, y, k } = camera;
  const left = x + b.x * k;
  const top = y + b.y * k;
  if (left < 0 || top < 0 || left + b.width * k > w || top + b.height * k > h) centre(name, camera.k);
}

function resized() {
  if (!current || !current.root.isConnected) return;
  const { w, h } = viewSize();
  if (!w || !h) return;
  const last = current.size;
  current.size = { w, h };
  if (camera.frame === 'open' && !last && current.same) apply();
  else if (camera.frame) place(camera.frame);
  else if (last) pan((w - last.w) / 2, (h - last.h) / 2); // keep the same point in the middle
  else apply();
}

// --- highlight and picking -------------------------------------------------------------

/** Highlights `name`, its neighbours and their edges, dimming the rest (null: none). */
function highlight(name) {
  if (!current) return;
  const near = new Set(name === null ? [] : [name]);
  for (const e of current.edges) {
    const touches = name !== null && (e.from === name || e.to === name);
    e.el.classList.toggle('near', touches);
    if (touches) { near.add(e.from); near.add(e.to); }
  }
  for (const [table, { el }] of current.boxes) {
    el.classList.toggle('near', near.has(table));
    el.classList.toggle('hub', table === name);
    el.classList.toggle('picked', table === picked);
  }
  current.root.classList.toggle('focusing', name !== null);
}

/** Picks table `name` (or none): it and its neighbours stay highlighted until the next pick. */
export function pick(name) {
  picked = name !== null && current?.boxes.has(name) ? name : null;
  highlight(picked);
}

const boxOf = (target) => target instanceof Element ? target.closest('g.table-box') : null;

function open(root, name) {
  pick(name);
  root.dispatchEvent(new CustomEvent('er-open', { bubbles: true, detail: { table: name } }));
}

// Pointer: drag pans (the mouse, or one finger sideways), two fingers pan and
// pinch, Ctrl/⌘ + wheel (a trackpad's pinch too) zooms around the pointer; a
// plain wheel and one finger up or down (touch-action: pan-y in style.css) are
// left to the page, which scrolls on past the diagram: a panel most of a
// phone's height must not hold the page. A press that does not move is a
// click: on a table it opens it, on the background it unpicks.
function wirePointer(root) {
  const pointers = new Map();
  let dragged = false;
  let pinch = null;
  // Where the camera was when the press began: the browser takes a finger that goes on to
  // scroll the page (pointercancel) after a few pixels the drawing already moved by.
  let before = null;
  const local = (e) => {
    const r = root.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };
  const pinchState = () => {
    const [a, b] = [...pointers.values()];
    return { d: Math.hypot(a.x - b.x, a.y - b.y) || 1, mx: (a.x + b.x) / 2, my: (a.y + b.y) / 2 };
  };
  root.addEventListener('pointerdown', (e) => {
    if (e.pointerType === 'mouse' && e.button !== 0) return;
    pointers.set(e.pointerId, { ...local(e), startX: e.clientX, startY: e.clientY });
    if (pointers.size === 1) { dragged = false; before = { ...camera }; }
    if (pointers.size === 2) { pinch = pinchState(); before = null; } // two fingers are the drawing's
  });
  root.addEventListener('pointermove', (e) => {
    const p = pointers.get(e.pointerId);
    if (!p) return;
    const now = local(e);
    if (!dragged && Math.hypot(e.clientX - p.startX, e.clientY - p.startY) < DRAG_SLOP && pointers.size === 1) return;
    if (!dragged) {
      dragged = true;
      root.classList.add('panning');
      // Captured only once it is a drag, so that a click still lands on the table it was on.
      try { root.setPointerCapture(e.pointerId); } catch { /* the pointer is already gone */ }
    }
    if (pointers.size === 1) {
      pan(now.x - p.x, now.y - p.y);
    } else if (pointers.size === 2 && pinch) {
      pointers.set(e.pointerId, { ...p, ...now });
      const next = pinchState();
      pan(next.mx - pinch.mx, next.my - pinch.my);
      zoomBy(next.d / pinch.d, next.mx, next.my);
      pinch = next;
      return;
    }
    pointers.set(e.pointerId, { ...p, ...now });
  });
  const release = (e) => {
    pointers.delete(e.pointerId);
    if (pointers.size < 2) pinch = null;
    if (pointers.size === 0) root.classList.remove('panning');
  };
  root.addEventListener('pointerup', release);
  root.addEventListener('pointercancel', (e) => {
    if (pointers.size === 1 && dragged && before) { Object.assign(camera, before); apply(); }
    release(e);
  });
  root.addEventListener('click', (e) => {
    if (dragged) { dragged = false; return; }
    const box = boxOf(e.target);
    if (box) open(root, box.dataset.table);
    else pick(null);
  });
  root.addEventListener('keydown', (e) => {
    const box = boxOf(e.target);
    if (box && (e.key === 'Enter' || e.key === ' ')) {
      e.preventDefault();
      open(root, box.dataset.table);
    }
  });
  root.addEventListener('wheel', (e) => {
    if (!e.ctrlKey && !e.metaKey) return;
    e.preventDefault();
    const lines = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1;
    const { x, y } = local(e);
    zoomBy(Math.exp(-e.deltaY * lines * 0.002), x, y);
  }, { passive: false });
  // Hover and focus show a table's neighbours for as long as they last; then the pick shows again.
  // Chromium sends a pointerover when the drawing moves under a pointer at rest (a search centring a
  // table, a zoom key): only a pointer that moved shows a table's neighbours over the pick.
  let at = null;
  root.addEventListener('pointerover', (e) => {
    const box = boxOf(e.target);
    const still = at && at.x === e.clientX && at.y === e.clientY;
    at = { x: e.clientX, y: e.clientY };
    if (box && pointers.size === 0 && !still) highlight(box.dataset.table);
  });
  root.addEventListener('pointermove', (e) => { at = { x: e.clientX, y: e.clientY }; });
  root.addEventListener('pointerout', (e) => {
    if (boxOf(e.target) && !boxOf(e.relatedTarget)) highlight(picked);
  });
  root.addEventListener('focusin', (e) => {
    const box = boxOf(e.target);
    if (!box) return;
    highlight(box.dataset.table);
    // Reached by keyboard: bring it into view (a press of the pointer is on it already).
    if (pointers.size === 0) reveal(box.dataset.table);
  });
  root.addEventListener('focusout', (e) => {
    if (boxOf(e.target) && !boxOf(e.relatedTarget)) highlight(picked);
  });
}

// --- export ----------------------------------------------------------------------------

// What the exported copy carries as attributes, read from the light theme's computed styles.
const SHAPE_STYLE = ['fill', 'stroke', 'stroke-width'];
const TEXT_STYLE = ['fill', 'font-family', 'font-size', 'font-weight', 'font-style'];

/**
 * The diagram as a standalone SVG document (text), at the core's size, in the
 * light theme's colours, whatever the page's theme and camera: every style is
 * inlined as presentation attributes, so it looks the same in any viewer (and
 * needs no <style>, which the page's CSP would not let an image use).
 */
export function exportSvg() {
  if (!current) return null;
  const { width, height } = current.diagram;
  const copy = current.root.cloneNode(true);
  for (const attr of ['role', 'aria-label', 'aria-roledescription']) copy.removeAttribute(attr);
  copy.setAttribute('class', 'er');
  copy.setAttribute('viewBox', `0 0 ${width} ${height}`);
  copy.setAttribute('width', width);
  copy.setAttribute('height', height);
  copy.querySelector('g.viewport').removeAttribute('transform');
  for (const g of copy.querySelectorAll('g.table-box')) g.classList.remove('near', 'hub', 'picked');
  for (const frame of copy.querySelectorAll('rect.frame')) {
    for (const attr of ['tabindex', 'role', 'aria-label']) frame.removeAttribute(attr);
  }
  for (const e of copy.querySelectorAll('path.edge')) e.classList.remove('near');
  // Styled in a probe that carries the light theme's colours, then read back.
  const probe = document.createElement('div');
  probe.className = 'er-export';
  probe.append(copy);
  document.body.append(probe);
  const background = getComputedStyle(probe).getPropertyValue('--er-bg').trim() || '#ffffff';
  for (const node of copy.querySelectorAll('rect, path, text')) {
    const style = getComputedStyle(node);
    for (const prop of node.localName === 'text' ? TEXT_STYLE : SHAPE_STYLE) {
      const value = style.getPropertyValue(prop);
      if (value) node.setAttribute(prop, prop === 'stroke-width' || prop === 'font-size' ? String(parseFloat(value)) : value);
    }
  }
  probe.remove();
  copy.removeAttribute('class');
  copy.insertBefore(svg('rect', { width, height, fill: background }), copy.firstChild);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(copy)}\n`;
}

/** The diagram as a PNG (a Blob), drawn from the exported SVG at up to twice the core's size. */
export async function exportPng() {
  const text = exportSvg();
  if (text === null) return null;
  const { width, height } = current.diagram;
  const scale = Math.min(2, Math.sqrt(PNG_MAX_PIXELS / (width * height)));
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(width * scale));
    canvas.height = Math.max(1, Math.round(height * scale));
    canvas.getContext('2d').drawImage(img, 0, 0, canvas.width, canvas.height);
    return await new Promise((resolve, reject) => canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error('the browser could not make the PNG (the diagram may be too large)'))),
      'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}
