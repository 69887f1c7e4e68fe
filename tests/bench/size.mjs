// Where the page's wasm bytes go, for `make bench`: each function body of a build with its
// names kept (wasm-opt -Oz -g, the passes `make dist` runs), grouped by what it belongs to,
// each group gzip -9'd on its own, and the groups scaled to the shipped file's gzip size
// (a group compressed alone compresses a little worse than inside the whole file).
//
// The wasm format's sections are read here directly: a section is an id byte and a LEB128
// length; the code section is a count and then each body with its length; the name section's
// subsection 1 maps function indices (imports first) to names, which wasm-bindgen demangles.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const gzip = (bytes) => gzipSync(bytes, { level: 9 }).length;

function reader(bytes, at = 0) {
  const r = {
    at,
    u8: () => bytes[r.at++],
    leb() {
      let result = 0;
      let shift = 0;
      for (;;) {
        const b = bytes[r.at++];
        result += (b & 0x7f) * 2 ** shift;
        if (!(b & 0x80)) return result;
        shift += 7;
      }
    },
    name() {
      const n = r.leb();
      const s = new TextDecoder().decode(bytes.subarray(r.at, r.at + n));
      r.at += n;
      return s;
    },
  };
  return r;
}

/** `{ imports, bodies, data, names, other }` of a wasm binary: the function bodies, the data section, the function names by index, and the other sections' bytes (custom sections left out). */
export function sections(bytes) {
  const out = { imports: 0, bodies: [], data: [], names: new Map(), other: [bytes.subarray(0, 8)] };
  const r = reader(bytes, 8); // after the magic number and the version
  while (r.at < bytes.length) {
    const start = r.at;
    const id = r.u8();
    const size = r.leb();
    const end = r.at + size;
    if (id === 2) {
      // Imports: the functions among them come first in the function index space.
      const s = reader(bytes, r.at);
      const limits = () => { const flags = s.u8(); s.leb(); if (flags & 1) s.leb(); };
      for (let i = 0, n = s.leb(); i < n; i++) {
        s.name();
        s.name();
        const kind = s.u8();
        if (kind === 0) { out.imports += 1; s.leb(); } else if (kind === 1) { s.u8(); limits(); } else if (kind === 2) limits();
        else if (kind === 3) { s.u8(); s.u8(); } else { s.u8(); s.leb(); }
      }
      out.other.push(bytes.subarray(start, end));
    } else if (id === 10) {
      const s = reader(bytes, r.at);
      const n = s.leb();
      for (let i = 0; i < n; i++) {
        const len = s.leb();
        out.bodies.push(bytes.subarray(s.at, s.at + len));
        s.at += len;
      }
    } else if (id === 11) {
      out.data.push(bytes.subarray(r.at, end));
    } else if (id === 0) {
      const s = reader(bytes, r.at);
      const name = s.name();
      if (name === 'name') {
        while (s.at < end) {
          const sub = s.u8();
          const len = s.leb();
          const subEnd = s.at + len;
          if (sub === 1) {
            const n = s.leb();
            for (let i = 0; i < n; i++) {
              const index = s.leb();
              out.names.set(index, s.name());
            }
          }
          s.at = subEnd;
        }
      }
      // Custom sections (names, producers) are not in the shipped file: not counted.
    } else {
      out.other.push(bytes.subarray(start, end));
    }
    r.at = end;
  }
  return out;
}

/** What a function of this name belongs to. */
export function group(name) {
  // wasm-bindgen's adapters have no name.
  if (name === undefined || /^(session_|__wbg|__wbindgen|__externref)|shim$/.test(name)) return "wasm-bindgen's export shims and adapters";
  if (name.startsWith('rust_sqlite_wasm_')) return "sqlite-wasm-rs's libc shim and host calls";
  // Rust's v0 names carry each crate's disambiguator, `alloc[1a2b…]::`: without it, the first path's crate.
  const crate = /([A-Za-z_][A-Za-z0-9_]*)::([A-Za-z_][A-Za-z0-9_]*)/.exec(name.replace(/\[[0-9a-f]+\]/g, ''));
  if (crate) return crate[1] === 'migraplay' ? `migraplay::${crate[2]}` : crate[1];
  // FTS5 apart: its cost is a decision of issue 27 (FTS5 stays).
  if (/fts5/i.test(name)) return "SQLite's FTS5 (full-text search)";
  return "SQLite's C (and the C of its libc shim)";
}

/**
 * The table of where `named`'s bytes go (a wasm file with its names kept), scaled to `shipped`
 * (the file the page loads): `{ shippedGzip, rows: [{ what, raw, gzip }], largest: [{ name, raw }] }`,
 * rows largest first; groups under `minGzip` shipped bytes are folded into the last row.
 */
export function breakdown(named, shipped, minGzip = 5000) {
  const w = sections(readFileSync(named));
  if (!w.names.size) throw new Error(`${named} has no function names: build it with wasm-opt -g (make bench does)`);
  const groups = new Map();
  const largest = [];
  w.bodies.forEach((body, i) => {
    const name = w.names.get(i + w.imports);
    const key = group(name);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(body);
    largest.push({ name: name ?? `function ${i + w.imports}`, raw: body.length });
  });
  const rows = [...groups].map(([what, bodies]) => ({ what, raw: bodies.reduce((a, b) => a + b.length, 0), gzip: gzip(Buffer.concat(bodies)) }));
  const data = Buffer.concat(w.data);
  rows.push({ what: "data (SQLite's tables and strings, the Rust side's strings, the bundled set)", raw: data.length, gzip: gzip(data) });
  const other = Buffer.concat(w.other);
  rows.push({ what: 'types, imports, exports, tables and the other sections', raw: other.length, gzip: gzip(other) });
  const shippedGzip = gzip(readFileSync(shipped));
  const scale = shippedGzip / rows.reduce((a, r) => a + r.gzip, 0);
  for (const r of rows) r.gzip = Math.round(r.gzip * scale);
  rows.sort((a, b) => b.gzip - a.gzip);
  const kept = rows.filter((r) => r.gzip >= minGzip);
  const rest = rows.filter((r) => r.gzip < minGzip);
  if (rest.length) {
    kept.push({
      what: `the rest, ${rest.length} groups under ${minGzip / 1000} KB each (${rest.slice(0, 6).map((r) => `${r.what} ${(r.gzip / 1000).toFixed(1)} KB`).join(', ')}, …)`,
      raw: rest.reduce((a, r) => a + r.raw, 0),
      gzip: rest.reduce((a, r) => a + r.gzip, 0),
    });
  }
  largest.sort((a, b) => b.raw - a.raw);
  return { shippedGzip, rows: kept, largest: largest.slice(0, 10) };
}

/** The breakdown as Markdown: a table, then the largest functions. */
export function markdown(title, { shippedGzip, rows, largest }) {
  const n = (x) => x.toLocaleString('en-US');
  return [
    `${title}: ${n(shippedGzip)} bytes gzip -9. Each group's function bodies gzip'd on their own, scaled to the file's gzip size.`,
    '',
    '| what | bytes (after wasm-opt) | ≈ gzip bytes shipped | share |',
    '|---|---:|---:|---:|',
    ...rows.map((r) => `| ${r.what} | ${n(r.raw)} | ${n(r.gzip)} | ${(100 * r.gzip / shippedGzip).toFixed(1)} % |`),
    '',
    `Largest functions (bytes after wasm-opt): ${largest.map((f) => `\`${f.name.replace(/\[[0-9a-f]+\]/g, '')}\` ${n(f.raw)}`).join(', ')}.`,
    '',
  ].join('\n');
}

// node tests/bench/size.mjs NAMED.wasm SHIPPED.wasm [TITLE]: the table alone.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()) && process.argv[2]) {
  console.log(markdown(process.argv[4] || process.argv[3], breakdown(process.argv[2], process.argv[3])));
}
