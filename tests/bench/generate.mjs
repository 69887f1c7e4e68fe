// Generated migration sets for the benchmarks: each migration a table with
// several columns, two indexes, a trigger, and a correct down.
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';

export function generate(n) {
  const files = [];
  for (let i = 1; i <= n; i++) {
    const v = String(i).padStart(4, '0');
    const t = `t_${v}`;
    files.push({
      name: `${v}_create_${t}.up.sql`,
      text: `CREATE TABLE IF NOT EXISTS ${t} (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'done')),
    score REAL DEFAULT 0,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TEXT
);
CREATE INDEX IF NOT EXISTS idx_${t}_name ON ${t} (name);
CREATE INDEX IF NOT EXISTS idx_${t}_status ON ${t} (status, created_at);
CREATE TRIGGER IF NOT EXISTS trg_${t}_updated AFTER UPDATE ON ${t} FOR EACH ROW
BEGIN
    UPDATE ${t} SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;
END;
`,
    });
    files.push({ name: `${v}_create_${t}.down.sql`, text: `DROP TABLE IF EXISTS ${t};\n` });
  }
  return files;
}

/** Writes the set as a folder (for the native engine) and as JSON (for the page). */
export function writeSet(dir, name, files) {
  const folder = path.join(dir, name);
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  for (const f of files) writeFileSync(path.join(folder, f.name), f.text);
  writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(files));
}

/**
 * A real-shaped set of `n` migrations, as public sets have them: tables with
 * foreign keys, columns added and dropped, tables rebuilt (create new, copy,
 * drop, rename), tables and columns renamed, views, triggers and indexes. Every
 * tenth migration has a broken down (`broken` of them in all): one that fails,
 * one that leaves an object behind, one that forgets a column in its rebuild.
 * Deterministic: the same files every time.
 */
export function generateRealShaped(n, broken = Math.floor(n / 10)) {
  const files = [];
  const tables = []; // { name, columns: [..extra], children: 0, views: 0, renamed }
  let brokenLeft = broken;
  // A table nothing depends on (no child, no view); for a rebuild, also with no index
  // or trigger of another migration's (a rebuild that dropped those would be one more defect).
  const leaf = (i, plain = false) => {
    const leaves = tables.filter((t) => t.children === 0 && t.views === 0 && (!plain || t.extras === 0));
    return leaves.length ? leaves[i % leaves.length] : null;
  };
  const def = (t, name = t.name) => `CREATE TABLE ${name} (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'new'${t.lostCheck ? '' : " CHECK (status IN ('new', 'active', 'done'))"},
    parent_id INTEGER${t.parent ? ` REFERENCES ${t.parent}(id) ON DELETE CASCADE` : ''},
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP${t.columns.map((c) => `,\n    ${c} TEXT`).join('')}${t.strict ? '\n) STRICT' : '\n)'};`;
  const rebuild = (t, columns, lostCheck = false) => {
    const keep = ['id', 'title', 'status', 'parent_id', 'created_at', ...columns.filter((c) => t.columns.includes(c))];
    const shape = { ...t, columns, lostCheck };
    return `${def(shape, `${t.name}_new`)}
INSERT INTO ${t.name}_new (${keep.join(', ')}) SELECT ${keep.join(', ')} FROM ${t.name};
DROP TABLE ${t.name};
ALTER TABLE ${t.name}_new RENAME TO ${t.name};
CREATE INDEX idx_${t.name}_title ON ${t.name} (title);
`;
  };
  for (let i = 1; i <= n; i++) {
    const v = String(i).padStart(4, '0');
    const breakThis = i % 10 === 0 && brokenLeft > 0;
    let up;
    let down;
    let what;
    const kind = tables.length < 4 ? 0 : i % 8;
    const t = leaf(i, kind === 2);
    if (kind === 0 || kind === 6 || !t) {
      const parent = tables.length ? tables[(i * 7) % tables.length] : null;
      const table = { name: `t${v}`, columns: [], children: 0, views: 0, extras: 0, parent: parent?.name, strict: i % 5 === 0 };
      if (parent) parent.children += 1;
      tables.push(table);
      what = `create ${table.name}`;
      up = `${def(table)}\nCREATE INDEX idx_${table.name}_title ON ${table.name} (title);\n`;
      down = `DROP TABLE ${table.name};\n`;
      if (breakThis) down = `DROP TABEL ${table.name};\n`; // fails
    } else if (kind === 1) {
      const c = `note_${v}`;
      what = `add ${c} to ${t.name}`;
      up = `ALTER TABLE ${t.name} ADD COLUMN ${c} TEXT;\n`;
      down = `ALTER TABLE ${t.name} DROP COLUMN ${c};\n`;
      if (breakThis) down = `SELECT 1;\n`; // leaves the column behind
      else t.columns.push(c);
      if (breakThis) t.columns.push(c);
    } else if (kind === 2) {
      const c = `extra_${v}`;
      what = `rebuild ${t.name} with ${c}`;
      up = rebuild(t, [...t.columns, c]);
      // Broken: the rebuild back forgets the CHECK on status (a lost constraint), or fails.
      down = rebuild({ ...t, columns: [...t.columns, c] }, t.columns, breakThis && i % 20 === 10);
      if (breakThis && i % 20 === 0) down = `DROP INDEX idx_${t.name}_missing;\n`;
      t.columns.push(c);
    } else if (kind === 3) {
      what = `rename ${t.name}`;
      up = `ALTER TABLE ${t.name} RENAME TO ${t.name}_r;\nALTER TABLE ${t.name}_r RENAME TO ${t.name};\nALTER TABLE ${t.name} RENAME COLUMN title TO title_${v};\n`;
      down = `ALTER TABLE ${t.name} RENAME COLUMN title_${v} TO title;\n`;
      if (breakThis) down = `ALTER TABLE ${t.name} RENAME COLUMN title_${v} TO heading;\n`; // a column named wrong
      // The column is back to `title` afterwards: the next migration renames it again only in its own up.
      up += `ALTER TABLE ${t.name} RENAME COLUMN title_${v} TO title;\n`;
      down = `ALTER TABLE ${t.name} RENAME COLUMN title TO title_${v};\n${down}`;
    } else if (kind === 4) {
      const parent = tables.find((p) => p.name === t.parent) || tables[0];
      const name = `v${v}`;
      what = `view ${name}`;
      up = `CREATE VIEW ${name} AS SELECT c.id, c.title, p.title AS parent_title FROM ${t.name} c LEFT JOIN ${parent.name} p ON p.id = c.parent_id;\n`;
      down = `DROP VIEW ${name};\n`;
      if (breakThis) down = `DROP VIEW IF EXISTS v_${v};\n`; // leaves the view behind
      t.views += 1;
      if (parent !== t) parent.views += 1;
    } else if (kind === 5) {
      const name = `trg_${v}`;
      what = `trigger ${name}`;
      up = `CREATE TRIGGER ${name} AFTER UPDATE OF status ON ${t.name} FOR EACH ROW WHEN NEW.status = 'done'
BEGIN
    UPDATE ${t.name} SET created_at = CURRENT_TIMESTAMP WHERE id = NEW.id;
END;
`;
      down = `DROP TRIGGER ${name};\n`;
      t.extras += 1;
      if (breakThis) down = `DROP TRIGGER trg_${v}_missing;\n`; // fails
    } else {
      const name = `idx_${v}`;
      what = `index ${name}`;
      up = `CREATE INDEX ${name} ON ${t.name} (status, created_at);\n`;
      down = `DROP INDEX ${name};\n`;
      t.extras += 1;
      if (breakThis) down = `-- forgot the index\n`; // leaves it behind
    }
    if (breakThis) brokenLeft -= 1;
    const base = `${v}_${what.replace(/[^a-z0-9]+/gi, '_')}`;
    files.push({ name: `${base}.up.sql`, text: up });
    files.push({ name: `${base}.down.sql`, text: down });
  }
  return files;
}
