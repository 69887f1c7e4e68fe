//! Data survival: the rows of a table as SQLite stores them (type and value),
//! and what an up or a down did to them: rows removed, a column's values
//! changed, a table left empty. Verify seeds rows (src/seed.rs) and compares
//! them here; the findings are typed values, worded in `Display`.
//!
//! The light build (no cargo feature `full`, the demo view's wasm) has no verify
//! and uses only `tables` (*Fill with sample rows*); the rest is unused there,
//! and the linker leaves it out of the wasm.
#![cfg_attr(not(feature = "full"), allow(dead_code))]

use rusqlite::types::Value;
use rusqlite::Connection;
use serde::Serialize;

use crate::error::Result;
use crate::schema::Table;
use crate::sqltext::quote;

/// One table's rows, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct TableRows {
    /// The columns read (lowercase), in declaration order; generated columns are not read.
    pub columns: Vec<String>,
    /// The primary key's columns (indexes into `columns`); empty when the rowid keys a row.
    pub key: Vec<usize>,
    /// Each row: its rowid (none WITHOUT ROWID) and its values.
    pub rows: Vec<(Option<i64>, Vec<Value>)>,
}

/// The most rows, and bytes of values, verify reads of one table.
pub const MAX_ROWS: usize = 100_000;
/// See `MAX_ROWS`.
pub const MAX_BYTES: usize = 64 << 20;

fn value_bytes(v: &Value) -> usize {
    match v {
        Value::Text(t) => t.len(),
        Value::Blob(b) => b.len(),
        _ => 8,
    }
}

/// The rows of `table` as they are now (an error past `MAX_ROWS` or `MAX_BYTES`).
pub fn read(conn: &Connection, table: &Table) -> Result<TableRows> {
    let stored: Vec<&crate::schema::Column> = table.columns.iter().filter(|c| c.generated.is_none()).collect();
    let mut key: Vec<(u32, usize)> = stored.iter().enumerate().filter(|(_, c)| c.primary_key > 0).map(|(i, c)| (c.primary_key, i)).collect();
    key.sort_unstable();
    let rowid = !table.without_rowid;
    let mut select: Vec<String> = stored.iter().map(|c| quote(&c.name)).collect();
    if rowid {
        // `_rowid_` names the rowid unless a column took that name; then the rows are matched by their key or values.
        let shadowed = table.columns.iter().any(|c| c.name.eq_ignore_ascii_case("_rowid_"));
        select.push(if shadowed { "NULL".into() } else { "_rowid_".into() });
    }
    let sql = format!("SELECT {} FROM {}", if select.is_empty() { "NULL".into() } else { select.join(", ") }, quote(&table.name));
    let mut stmt = conn.prepare(&sql)?;
    let n = stored.len();
    let mut rows = Vec::new();
    let mut bytes = 0usize;
    let mut read = stmt.query([])?;
    while let Some(r) = read.next()? {
        let values = (0..n).map(|i| r.get::<_, Value>(i)).collect::<rusqlite::Result<Vec<_>>>()?;
        bytes += values.iter().map(value_bytes).sum::<usize>();
        // Verify seeds a few rows a table; a table a migration filled itself is not
        // read whole into memory to be compared (a CI runner has only so much).
        if rows.len() >= MAX_ROWS || bytes > MAX_BYTES {
            return Err(crate::Error::Stopped {
                what: format!("the rows of {}", table.name),
                why: format!("more than {MAX_ROWS} rows or {} MiB of values, too many to compare", MAX_BYTES >> 20),
            });
        }
        let id = if rowid { r.get::<_, Option<i64>>(n)? } else { None };
        rows.push((id, values));
    }
    Ok(TableRows { columns: stored.iter().map(|c| c.name.to_ascii_lowercase()).collect(), key: key.into_iter().map(|(_, i)| i).collect(), rows })
}

/// The tables whose rows verify seeds and checks (and *Fill with sample rows*
/// fills): not virtual tables nor their shadow tables (SQLite names those, 3.37+;
/// their names are only a convention), not SQLite's own, not a tool's
/// bookkeeping (`history::TABLES`); in schema order.
pub fn tables<'s>(conn: &Connection, schema: &'s crate::schema::Schema) -> Result<Vec<&'s Table>> {
    let mut shadows: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    if schema.tables.iter().any(|t| t.module.is_some()) {
        let mut stmt = conn.prepare_cached("SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'shadow'")?;
        for name in stmt.query_map([], |r| r.get::<_, String>(0))? {
            shadows.insert(name?.to_ascii_lowercase());
        }
    }
    Ok(schema
        .tables
        .iter()
        .map(|t| &**t)
        .filter(|t| {
            t.module.is_none()
                && !t.name.get(..7).is_some_and(|p| p.eq_ignore_ascii_case("sqlite_"))
                && !crate::history::is_bookkeeping(&t.name)
                && (shadows.is_empty() || !has(&shadows, &t.name))
        })
        .collect())
}

/// Whether `names` (lowercase) holds `name`, in any case (SQLite's: ASCII).
/// Names are mostly lowercase already: then nothing is allocated, which counts
/// in loops over every table after every step.
pub fn has(names: &std::collections::BTreeSet<String>, name: &str) -> bool {
    names.contains(&*lower(name))
}

/// `name` in lowercase (ASCII, as SQLite folds names), allocated only when it is not already.
pub fn lower(name: &str) -> std::borrow::Cow<'_, str> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        std::borrow::Cow::Owned(name.to_ascii_lowercase())
    } else {
        std::borrow::Cow::Borrowed(name)
    }
}

/// The tables of `schema` (lowercase names) a step that touched `touched` may
/// have changed the rows of: those it wrote or changed the definition of, and
/// (foreign-key actions cascade without a statement of their own) every table
/// whose foreign keys lead to one of those. Everything after an ALTER or a pragma.
pub fn affected(touched: &crate::watch::Touched, schema: &crate::schema::Schema) -> std::collections::BTreeSet<String> {
    // Names only: whoever reads rows reads them through `tables`.
    if touched.everything || touched.pragmas {
        return schema.tables.iter().map(|t| t.name.to_ascii_lowercase()).collect();
    }
    let mut out: std::collections::BTreeSet<String> = touched.names.iter().chain(&touched.written).cloned().collect();
    loop {
        let more: Vec<String> = schema
            .tables
            .iter()
            .filter(|t| t.foreign_keys.iter().any(|fk| has(&out, &fk.target)) && !has(&out, &t.name))
            .map(|t| t.name.to_ascii_lowercase())
            .collect();
        if more.is_empty() {
            return out;
        }
        out.extend(more);
    }
}

/// What a step did to the rows one table had before it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "what")]
pub enum Loss {
    /// No row is left: `leaves t empty (3 rows before)`.
    Emptied {
        /// How many rows it had.
        before: usize,
    },
    /// Rows are gone: `removes 2 of 3 rows from t`.
    Removed {
        /// How many.
        rows: usize,
        /// Of how many.
        of: usize,
    },
    /// A column's values are not what they were, in rows still there:
    /// `loses c in 3 rows of t` (a down), `changes c in 3 rows of t` (an up).
    Column {
        /// The column.
        column: String,
        /// In how many rows.
        rows: usize,
    },
}

/// A loss in one table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableLoss {
    /// The table.
    pub table: String,
    /// What it lost.
    #[serde(flatten)]
    pub loss: Loss,
}

impl TableLoss {
    /// The words after `up of 8 ` or `down of 8 `: a down loses what an up changes.
    pub fn words(&self, down: bool) -> String {
        let t = &self.table;
        match &self.loss {
            Loss::Emptied { before } => format!("leaves {t} empty ({before} row{} before)", if *before == 1 { "" } else { "s" }),
            Loss::Removed { rows, of } => format!("removes {rows} of {of} row{} from {t}", if *of == 1 { "" } else { "s" }),
            Loss::Column { column, rows } => {
                let verb = if down { "loses" } else { "changes" };
                format!("{verb} {column} in {rows} row{} of {t}", if *rows == 1 { "" } else { "s" })
            }
        }
    }
}

/// What a step did to one table's rows: how many it kept as they were, how
/// many it changed, and the losses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Compared {
    /// Rows still there with every value as it was (in the columns both sides have).
    pub kept: usize,
    /// Rows still there with some value changed.
    pub changed: usize,
    /// Rows gone.
    pub removed: usize,
    /// The losses, in words' order: emptied or removed, then each column.
    pub losses: Vec<TableLoss>,
}

/// Compares the rows `table` had before a step with those it has after, in
/// the columns both have. Rows are matched by the primary key when both sides
/// have it, else by the rowid, else by their values; new rows are not counted.
pub fn compare(table: &str, before: &TableRows, after: &TableRows) -> Compared {
    let mut out = Compared::default();
    if before.rows.is_empty() {
        return out;
    }
    if after.rows.is_empty() {
        out.removed = before.rows.len();
        out.losses.push(TableLoss { table: table.into(), loss: Loss::Emptied { before: before.rows.len() } });
        return out;
    }
    // The columns both sides have: (index before, index after).
    let common: Vec<(usize, usize)> = before
        .columns
        .iter()
        .enumerate()
        .filter_map(|(i, c)| after.columns.iter().position(|a| a == c).map(|j| (i, j)))
        .collect();
    let project = |values: &[Value], side: fn(&(usize, usize)) -> usize| common.iter().map(|p| values[side(p)].clone()).collect::<Vec<_>>();
    // The key's columns on the after side, when every one of them is still there.
    let key_after: Option<Vec<usize>> = if before.key.is_empty() {
        None
    } else {
        before.key.iter().map(|k| common.iter().find(|(i, _)| i == k).map(|(_, j)| *j)).collect()
    };
    let by_rowid = key_after.is_none() && before.rows.iter().chain(&after.rows).all(|(id, _)| id.is_some());

    let mut per_column = vec![0usize; common.len()];
    if key_after.is_some() || by_rowid {
        let key_of_before = |(id, values): &(Option<i64>, Vec<Value>)| -> Vec<Value> {
            if by_rowid { vec![Value::Integer(id.unwrap_or_default())] } else { before.key.iter().map(|&k| values[k].clone()).collect() }
        };
        let key_after = key_after.unwrap_or_default();
        let index: std::collections::HashMap<Vec<KeyValue>, usize> = after
            .rows
            .iter()
            .enumerate()
            .map(|(n, (id, values))| {
                let k: Vec<Value> = if by_rowid { vec![Value::Integer(id.unwrap_or_default())] } else { key_after.iter().map(|&j| values[j].clone()).collect() };
                (k.into_iter().map(KeyValue).collect(), n)
            })
            .collect();
        for row in &before.rows {
            let k: Vec<KeyValue> = key_of_before(row).into_iter().map(KeyValue).collect();
            let Some(&n) = index.get(&k) else {
                out.removed += 1;
                continue;
            };
            let (was, now) = (project(&row.1, |p| p.0), project(&after.rows[n].1, |p| p.1));
            let mut differs = false;
            for (c, (a, b)) in was.iter().zip(&now).enumerate() {
                if a != b {
                    per_column[c] += 1;
                    differs = true;
                }
            }
            if differs { out.changed += 1 } else { out.kept += 1 }
        }
    } else {
        // No key: a row is kept when a row with the same values is there (each used once).
        let mut left: Vec<Vec<KeyValue>> = after.rows.iter().map(|(_, v)| project(v, |p| p.1).into_iter().map(KeyValue).collect()).collect();
        for (_, values) in &before.rows {
            let was: Vec<KeyValue> = project(values, |p| p.0).into_iter().map(KeyValue).collect();
            match left.iter().position(|v| *v == was) {
                Some(i) => {
                    left.swap_remove(i);
                    out.kept += 1;
                }
                None => out.removed += 1,
            }
        }
    }
    if out.removed > 0 {
        out.losses.push(TableLoss { table: table.into(), loss: Loss::Removed { rows: out.removed, of: before.rows.len() } });
    }
    for (c, &rows) in per_column.iter().enumerate() {
        if rows > 0 {
            let column = before.columns[common[c].0].clone();
            out.losses.push(TableLoss { table: table.into(), loss: Loss::Column { column, rows } });
        }
    }
    out
}

/// A value as a hash key: as SQLite stores it (an integer 1 is not a real 1.0;
/// reals by their bits).
#[derive(Debug, Clone, PartialEq)]
struct KeyValue(Value);

impl Eq for KeyValue {}

impl std::hash::Hash for KeyValue {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        match &self.0 {
            Value::Null => 0u8.hash(h),
            Value::Integer(i) => (1u8, i).hash(h),
            Value::Real(r) => (2u8, r.to_bits()).hash(h),
            Value::Text(t) => (3u8, t).hash(h),
            Value::Blob(b) => (4u8, b).hash(h),
        }
    }
}

#[cfg(test)]
mod test {
    use super::*;

    fn rows(sql: &str, table: &str) -> TableRows {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(sql).unwrap();
        let schema = crate::schema::snapshot(&conn).unwrap();
        read(&conn, schema.tables.iter().find(|t| t.name == table).unwrap()).unwrap()
    }

    const BEFORE: &str = "CREATE TABLE r (id INTEGER PRIMARY KEY, name TEXT, remote_id TEXT);
        INSERT INTO r VALUES (1, 'a', 'x1'), (2, 'b', 'x2'), (3, 'c', 'x3');";

    fn words(c: &Compared, down: bool) -> Vec<String> {
        c.losses.iter().map(|l| l.words(down)).collect()
    }

    #[test]
    fn a_rebuild_that_forgets_a_column_loses_it_in_every_row() {
        let before = rows(BEFORE, "r");
        let after = rows("CREATE TABLE r (id INTEGER PRIMARY KEY, name TEXT, remote_id TEXT);
            INSERT INTO r (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c');", "r");
        let c = compare("r", &before, &after);
        assert_eq!(words(&c, true), ["loses remote_id in 3 rows of r"]);
        assert_eq!((c.kept, c.changed, c.removed), (0, 3, 0));
    }

    #[test]
    fn an_empty_table_and_removed_rows_are_said() {
        let before = rows(BEFORE, "r");
        let empty = rows("CREATE TABLE r (id INTEGER PRIMARY KEY, name TEXT, remote_id TEXT);", "r");
        assert_eq!(words(&compare("r", &before, &empty), true), ["leaves r empty (3 rows before)"]);
        let fewer = rows(&format!("{BEFORE} DELETE FROM r WHERE id > 1;"), "r");
        assert_eq!(words(&compare("r", &before, &fewer), false), ["removes 2 of 3 rows from r"]);
    }

    #[test]
    fn dropped_and_added_columns_and_new_rows_are_not_losses() {
        let before = rows(BEFORE, "r");
        let after = rows(&format!("{BEFORE} ALTER TABLE r ADD COLUMN extra TEXT DEFAULT 'z'; INSERT INTO r VALUES (4, 'd', 'x4', 'y');"), "r");
        let c = compare("r", &before, &after);
        assert_eq!((c.kept, c.losses.len()), (3, 0));
        let narrower = rows("CREATE TABLE r (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO r VALUES (1, 'a'), (2, 'b'), (3, 'c');", "r");
        assert_eq!(compare("r", &before, &narrower).kept, 3);
    }

    #[test]
    fn values_compare_as_stored_and_keyless_tables_by_their_values() {
        let before = rows("CREATE TABLE k (n, t) ; INSERT INTO k VALUES (1, 'a'), (1, 'a'), (2, 'b');", "k");
        let after = rows("CREATE TABLE k (n, t) ; INSERT INTO k VALUES (1.0, 'a'), (1, 'a'), (2, 'b');", "k");
        // Matched by rowid: row 1 now holds the real 1.0, not the integer 1.
        assert_eq!(words(&compare("k", &before, &after), true), ["loses n in 1 row of k"]);
        let w = rows("CREATE TABLE w (a TEXT PRIMARY KEY, b) WITHOUT ROWID; INSERT INTO w VALUES ('p', 1), ('q', 2);", "w");
        let w2 = rows("CREATE TABLE w (a TEXT PRIMARY KEY, b) WITHOUT ROWID; INSERT INTO w VALUES ('q', 2), ('p', 3);", "w");
        assert_eq!(words(&compare("w", &w, &w2), true), ["loses b in 1 row of w"]);
    }
}
