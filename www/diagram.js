// Draws the entity-relationship diagram the Rust core laid out, as SVG: every
// position, clipped text and mark (what the last action changed) is the
// core's; this only copies them into elements.
import { svg } from './dom.js';

export function drawDiagram(diagram) {
  const root = svg('svg', {
    class: 'er', viewBox: `0 0 ${diagram.width} ${diagram.height}`,
    width: diagram.width, height: diagram.height, role: 'img',
    'aria-label': `Entity-relationship diagram: ${diagram.boxes.length} tables, ${diagram.edges.length} foreign keys`,
  });
  root.append(svg('defs', {}, svg('marker', {
    id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 8, markerHeight: 8, orient: 'auto-start-reverse',
  }, svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrowhead' }))));
  for (const e of diagram.edges) {
    root.append(svg('path', { class: 'edge', 'data-from': e.from, 'data-to': e.to, 'marker-end': 'url(#arrow)', d: e.path },
      svg('title', { text: `${e.from} (${e.columns.join(', ')}) → ${e.to}` })));
  }
  for (const b of diagram.boxes) {
    const g = svg('g', { class: `table-box ${b.mark ?? ''}`, 'data-table': b.table });
    g.append(svg('rect', { x: b.x, y: b.y, width: b.width, height: b.height, rx: 6 }));
    g.append(svg('rect', { class: 'header', x: b.x, y: b.y, width: b.width, height: b.header, rx: 6 }));
    g.append(svg('text', { class: 'name', x: b.title_x, y: b.title_y, text: b.title }));
    for (const row of b.rows) {
      g.append(svg('text', { class: `row ${row.kind}`, x: row.x, y: row.y, text: row.shown }, svg('title', { text: row.text })));
      if (row.key) g.append(svg('text', { class: 'key', x: row.key_x, y: row.y, 'text-anchor': 'end', text: row.key }));
    }
    g.append(svg('title', { text: b.table }));
    root.append(g);
  }
  return root;
}
