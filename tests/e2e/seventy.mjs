// A generated set of 70 migrations with failures verify keeps going after, as files for
// setInputFiles: what size.test.mjs and the screenshots verify at real size.
/**
 * 70 migrations: 35 tables, each created (with an index) and then given a column. Six downs are
 * wrong in ways verify keeps going after: four forget an index, one is empty, one fails.
 */
export function seventy() {
  const files = [];
  const add = (v, name, up, down) => {
    const stem = `${String(v).padStart(3, '0')}_${name}`;
    files.push({ name: `${stem}.up.sql`, text: up }, { name: `${stem}.down.sql`, text: down });
  };
  for (let i = 1; i <= 35; i++) {
    const t = `account_ledger_entry_${String(i).padStart(2, '0')}`;
    const parent = i > 1 ? `,\n    parent_id INTEGER REFERENCES account_ledger_entry_${String(Math.ceil(i / 2)).padStart(2, '0')}(id)` : '';
    const leaky = [5, 12, 20, 29].includes(i);
    add(2 * i - 1, `create_${t}`, `CREATE TABLE ${t} (\n    id INTEGER PRIMARY KEY${parent},\n    amount NUMERIC(12, 2) NOT NULL DEFAULT 0\n);\n`
      + `CREATE INDEX idx_${t}_amount ON ${t} (amount);\n`, `DROP INDEX idx_${t}_amount;\nDROP TABLE ${t};\n`);
    const down = i === 8 ? '-- nothing to undo?\n' : i === 17 ? `DROP INDEX idx_${t}_recent;\nALTER TABLE ${t} DROP COLUMN no_such_column;\n`
      : leaky ? `ALTER TABLE ${t} DROP COLUMN note;\n` : `DROP INDEX idx_${t}_recent;\nALTER TABLE ${t} DROP COLUMN note;\n`;
    add(2 * i, `add_note_to_${t}`, `ALTER TABLE ${t} ADD COLUMN note TEXT;\nCREATE INDEX idx_${t}_recent ON ${t} (id, amount);\n`, down);
  }
  return files.map((f) => ({ name: f.name, mimeType: 'text/plain', buffer: Buffer.from(f.text) }));
}
