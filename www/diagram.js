// Draws the entity-relationship diagram the Rust core laid out, as SVG.
// Tables changed by the last action are marked.
import { svg } from './dom.js';

export function drawDiagram(diagram, changes = []) {
  const added = new Set(changes.filter((c) => c.kind === 'table' && c.change === 'still_there').map((c) => c.name));
  const touched = new Set(changes.map((c) => c.table));
  const root = svg('svg', {
    class: 'er', viewBox: `0 0 ${diagram.width} ${diagram.height}`,
    width: diagram.width, height: diagram.height, role: 'img',
    'aria-label': `Entity-relationship diagram: ${diagram.boxes.length} tables, ${diagram.edges.length} foreign keys`,
  });
  root.append(svg('defs', {}, svg('marker', {
    id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 8, markerHeight: 8, orient: 'auto-start-reverse',
  }, svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrowhead' }))));
  for (const e of diagram.edges) {
    const mid = (e.x1 + e.x2) / 2;
    root.append(svg('path', {
      class: 'edge', 'data-from': e.from, 'data-to': e.to, 'marker-end': 'url(#arrow)',
      d: `M ${e.x1} ${e.y1} C ${mid} ${e.y1}, ${mid} ${e.y2}, ${e.x2} ${e.y2}`,
    }, svg('title', { text: `${e.from} (${e.columns.join(', ')}) → ${e.to}` })));
  }
  for (const b of diagram.boxes) {
    const state = added.has(b.table) ? 'added' : touched.has(b.table) ? 'changed' : '';
    const g = svg('g', { class: `table-box ${state}`, 'data-table': b.table });
    g.append(svg('rect', { x: b.x, y: b.y, width: b.width, height: b.height, rx: 6 }));
    g.append(svg('rect', { class: 'header', x: b.x, y: b.y, width: b.width, height: 26, rx: 6 }));
    g.append(svg('text', { class: 'name', x: b.x + 10, y: b.y + 18, text: clip(b.table, 28) }));
    b.rows.forEach((row, i) => {
      const y = b.y + 26 + 18 * i + 13;
      g.append(svg('text', { class: `row ${row.kind}`, x: b.x + 10, y, text: clip(row.text, 24) }));
      if (row.kind !== 'more') {
        g.append(svg('text', { class: 'key', x: b.x + b.width - 10, y, 'text-anchor': 'end', text: row.kind.toUpperCase() }));
      }
    });
    g.append(svg('title', { text: b.table }));
    root.append(g);
  }
  return root;
}

function clip(text, n) {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}
