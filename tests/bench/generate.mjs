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
