// Draws the entity-relationship diagram the Rust core laid out, as SVG, under a
// camera the user moves: every position, clipped text and mark (what the last
// action changed) is the core's, copied into elements as it is; this module
// only adds the viewport (pan, zoom, fit), the highlight of a table's
// neighbours (read from the core's edges) and the export. The panel around it
// (www/panels/diagram.js) owns the buttons, the search and the keyboard.
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
 * The camera: screen = diagram * k + (x, y). It is kept across redraws (every
 * action draws the diagram anew) so stepping through migrations does not lose
 * the user's place; `auto` means "keep it fitted" (the start, and after Fit).
 */
const camera = { x: 0, y: 0, k: 1, auto: true };
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

  // A new schema (no table in common with the last one) starts fitted again.
  if (current && !diagram.boxes.some((b) => current.boxes.has(b.table))) camera.auto = true;
  if (current) current.observer.disconnect();
  const observer = new ResizeObserver(() => resized());
  current = { root, layer, diagram, boxes, edges, observer, size: null };
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

function apply() {
  if (!current) return;
  const { x, y, k } = camera;
  current.layer.setAttribute('transform', `translate(${round(x)} ${round(y)}) scale(${round(k, 10000)})`);
  current.root.dispatchEvent(new CustomEvent('er-view', { bubbles: true, detail: { zoom: k } }));
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
  const { w, h } = viewSize();
  if (!w || !h) return;
  const k = Math.max(fitZoom(), 0.01);
  camera.k = k;
  camera.x = (w - current.diagram.width * k) / 2;
  camera.y = Math.max(FIT_PAD, (h - current.diagram.height * k) / 2);
  camera.auto = true;
  apply();
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
  camera.auto = false;
  apply();
}

/** Zooms to the core's size (100%) around the view's centre. */
export const actualSize = () => zoomBy(1 / camera.k);

/** Moves the drawing by (`dx`, `dy`) screen pixels. */
export function pan(dx, dy) {
  if (!current) return;
  camera.x += dx;
  camera.y += dy;
  camera.auto = false;
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
  camera.auto = false;
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
  if (camera.auto) fit();
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

// Pointer: drag pans (one finger or the mouse), two fingers pinch, Ctrl/⌘ +
// wheel (a trackpad's pinch too) zooms around the pointer; a plain wheel is
// left to the page, which scrolls on past the diagram. A press that does not
// move is a click: on a table it opens it, on the background it unpicks.
function wirePointer(root) {
  const pointers = new Map();
  let dragged = false;
  let pinch = null;
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
    if (pointers.size === 1) dragged = false;
    if (pointers.size === 2) pinch = pinchState();
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
  root.addEventListener('pointercancel', release);
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
