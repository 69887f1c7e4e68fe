//! Read-only inspection: a normalised snapshot of the user's schema (SQLite's
//! own `sqlite_%` objects and `_sqlx_migrations` left out), sorted by name so
//! two snapshots compare equal exactly when the schemas are the same.

use std::collections::BTreeMap;
use std::sync::Arc;

use rusqlite::Connection;

use crate::error::Result;
use crate::history;
use crate::sqltext;
use crate::watch::Touched;

/// The user's schema at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Schema {
    /// Tables by name, each with its columns, keys, checks, indexes and triggers.
    /// Shared between snapshots while unchanged (see `Snapshots`).
    pub tables: Vec<Arc<Table>>,
    /// Views by name.
    pub views: Vec<View>,
    /// Counts over the whole schema.
    pub totals: Totals,
}

/// A table.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Table {
    /// Its name.
    pub name: String,
    /// Columns in declaration order.
    pub columns: Vec<Column>,
    /// Foreign key constraints, in SQLite's order.
    pub foreign_keys: Vec<ForeignKey>,
    /// CHECK constraint expressions, in declaration order.
    pub checks: Vec<String>,
    /// Indexes made with CREATE INDEX, by name.
    pub indexes: Vec<Index>,
    /// Triggers on this table, by name.
    pub triggers: Vec<Trigger>,
}

/// A column.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Column {
    /// Its name.
    pub name: String,
    /// The declared type, as written (may be empty).
    pub decl_type: String,
    /// NOT NULL.
    pub not_null: bool,
    /// The DEFAULT expression, as written.
    pub default: Option<String>,
    /// Position in the primary key, 1-based; 0 when not part of it.
    pub primary_key: u32,
}

/// An index.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Index {
    /// Its name.
    pub name: String,
    /// Indexed columns (an expression shows as `<expression>`).
    pub columns: Vec<String>,
    /// UNIQUE.
    pub unique: bool,
    /// Has a WHERE clause.
    pub partial: bool,
}

/// A foreign key constraint.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ForeignKey {
    /// The referencing columns of this table.
    pub columns: Vec<String>,
    /// The referenced table.
    pub target: String,
    /// The referenced columns (empty entries mean the target's primary key).
    pub target_columns: Vec<String>,
    /// ON DELETE action (`CASCADE`, `NO ACTION`, …).
    pub on_delete: String,
    /// ON UPDATE action.
    pub on_update: String,
}

/// A trigger.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Trigger {
    /// Its name.
    pub name: String,
    /// The table it fires on.
    pub table: String,
    /// Its CREATE TRIGGER statement.
    pub sql: String,
}

/// A view.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct View {
    /// Its name.
    pub name: String,
    /// Its CREATE VIEW statement.
    pub sql: String,
}

/// Counts over a schema.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Totals {
    /// Tables.
    pub tables: usize,
    /// Columns of all tables.
    pub columns: usize,
    /// Indexes made with CREATE INDEX (not SQLite's automatic ones).
    pub indexes: usize,
    /// Triggers.
    pub triggers: usize,
    /// Views.
    pub views: usize,
    /// Foreign key constraints (a composite key counts once).
    pub foreign_keys: usize,
    /// CHECK constraints.
    pub checks: usize,
    /// Columns with a DEFAULT.
    pub defaults: usize,
    /// Tables with a declared PRIMARY KEY.
    pub primary_keys: usize,
}


/// Takes a snapshot of the schema of `conn` (tests; the product keeps `Snapshots`).
#[cfg(test)]
pub fn snapshot(conn: &Connection) -> Result<Schema> {
    Snapshots::default().full(conn)
}

/// One row of `sqlite_schema`.
struct Object {
    kind: String,
    name: String,
    table: String,
    sql: Option<String>,
}

/// Snapshots that re-read only what changed: each table is kept (shared, in
/// an `Arc`) until a run touches it, so two snapshots share what is equal
/// and `diff` skips it at the cost of a pointer comparison.
#[derive(Default)]
pub struct Snapshots {
    tables: BTreeMap<String, Arc<Table>>,
    views: BTreeMap<String, View>,
    /// Triggers on views, by trigger name, with their view.
    view_triggers: BTreeMap<String, String>,
}

impl Snapshots {
    /// Reads the whole schema again.
    pub fn full(&mut self, conn: &Connection) -> Result<Schema> {
        *self = Snapshots::default();
        self.read(conn, None)?;
        Ok(self.schema())
    }

    /// Re-reads what `touched` names (everything when it says so).
    pub fn update(&mut self, conn: &Connection, touched: &Touched) -> Result<Schema> {
        if touched.everything {
            return self.full(conn);
        }
        for name in &touched.names {
            let same = |k: &String| k.eq_ignore_ascii_case(name);
            self.tables.retain(|k, _| !same(k));
            self.views.retain(|k, _| !same(k));
            self.view_triggers.retain(|_, view| !same(view));
            self.read(conn, Some(name))?;
        }
        Ok(self.schema())
    }

    /// Reads the objects of one table or view (all objects when `None`) into the cache.
    fn read(&mut self, conn: &Connection, only: Option<&str>) -> Result<()> {
        // SQLite keeps no index on sqlite_schema: every query scans it, so filter
        // with plain comparisons there and leave the rest to Rust.
        let sql = match only {
            Some(_) => "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE tbl_name = ?1 COLLATE NOCASE OR name = ?1 COLLATE NOCASE",
            None => "SELECT type, name, tbl_name, sql FROM sqlite_schema",
        };
        let mut stmt = conn.prepare_cached(sql)?;
        let map = |r: &rusqlite::Row<'_>| Ok(Object { kind: r.get(0)?, name: r.get(1)?, table: r.get(2)?, sql: r.get(3)? });
        let mut objects: Vec<Object> = match only {
            Some(name) => stmt.query_map([name], map)?.collect::<rusqlite::Result<_>>()?,
            None => stmt.query_map([], map)?.collect::<rusqlite::Result<_>>()?,
        };
        objects.retain(|o| !o.name.starts_with("sqlite_") && o.name != history::TABLE && o.table != history::TABLE);
        objects.sort_by(|a, b| a.name.cmp(&b.name));
        let mut tables: BTreeMap<String, Table> = BTreeMap::new();
        for o in objects.iter().filter(|o| o.kind == "table") {
            tables.insert(
                o.name.clone(),
                Table {
                    columns: columns(conn, &o.name)?,
                    foreign_keys: foreign_keys(conn, &o.name)?,
                    checks: o.sql.as_deref().map(sqltext::check_constraints).unwrap_or_default(),
                    indexes: Vec::new(),
                    triggers: Vec::new(),
                    name: o.name.clone(),
                },
            );
        }
        for o in &objects {
            let Some(sql) = &o.sql else { continue };
            match (o.kind.as_str(), tables.get_mut(&o.table)) {
                ("index", Some(t)) => t.indexes.push(index(conn, &o.name, sql)?),
                ("trigger", Some(t)) => t.triggers.push(Trigger { name: o.name.clone(), table: o.table.clone(), sql: sql.clone() }),
                ("trigger", None) => {
                    self.view_triggers.insert(o.name.clone(), o.table.clone());
                }
                ("view", _) => {
                    self.views.insert(o.name.clone(), View { name: o.name.clone(), sql: sql.clone() });
                }
                _ => {}
            }
        }
        self.tables.extend(tables.into_iter().map(|(k, t)| (k, Arc::new(t))));
        Ok(())
    }

    fn schema(&self) -> Schema {
        let mut schema = Schema {
            tables: self.tables.values().cloned().collect(),
            views: self.views.values().cloned().collect(),
            totals: Totals::default(),
        };
        schema.totals = totals(&schema, self.view_triggers.len());
        schema
    }
}

/// What `PRAGMA integrity_check` and `PRAGMA foreign_key_check` find wrong;
/// empty when all is well. With `touched`, only the tables it names are
/// checked (each check reads every page it covers, so checking the whole
/// database after each of 1,000 migrations would cost 1,000 times more).
pub fn integrity(conn: &Connection, touched: Option<&Touched>) -> Result<Vec<String>> {
    if let Some(t) = touched.filter(|t| !t.everything) {
        let mut out = Vec::new();
        for name in &t.names {
            // pragma_table_info looks the name up in SQLite's schema hash: no scan.
            let exists: i64 = conn.query_row("SELECT count(*) FROM pragma_table_info(?1)", [name], |r| r.get(0))?;
            if exists > 0 {
                out.extend(check(conn, Some(name))?);
            }
        }
        return Ok(out);
    }
    check(conn, None)
}

fn check(conn: &Connection, table: Option<&str>) -> Result<Vec<String>> {
    let quoted = table.map(|t| format!("(\"{}\")", t.replace('"', "\"\"")));
    let arg = quoted.as_deref().unwrap_or("");
    let mut out = Vec::new();
    let mut stmt = conn.prepare(&format!("PRAGMA integrity_check{arg}"))?;
    for line in stmt.query_map([], |r| r.get::<_, String>(0))? {
        let line = line?;
        if line != "ok" {
            out.push(format!("integrity_check: {line}"));
        }
    }
    let mut stmt = conn.prepare(&format!("PRAGMA foreign_key_check{arg}"))?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<i64>>(1)?, r.get::<_, String>(2)?)))?;
    for row in rows {
        let (table, rowid, parent) = row?;
        let rowid = rowid.map_or("without rowid".to_string(), |r| format!("rowid {r}"));
        out.push(format!("foreign_key_check: {table} {rowid} refers to a missing row of {parent}"));
    }
    Ok(out)
}

fn totals(schema: &Schema, view_triggers: usize) -> Totals {
    let columns = || schema.tables.iter().flat_map(|t| &t.columns);
    Totals {
        tables: schema.tables.len(),
        columns: columns().count(),
        indexes: schema.tables.iter().map(|t| t.indexes.len()).sum(),
        triggers: schema.tables.iter().map(|t| t.triggers.len()).sum::<usize>() + view_triggers,
        views: schema.views.len(),
        foreign_keys: schema.tables.iter().map(|t| t.foreign_keys.len()).sum(),
        checks: schema.tables.iter().map(|t| t.checks.len()).sum(),
        defaults: columns().filter(|c| c.default.is_some()).count(),
        primary_keys: schema.tables.iter().filter(|t| t.columns.iter().any(|c| c.primary_key > 0)).count(),
    }
}

fn columns(conn: &Connection, table: &str) -> Result<Vec<Column>> {
    let mut stmt = conn.prepare(
        "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_xinfo(?1) WHERE hidden IN (0, 2, 3) ORDER BY cid",
    )?;
    let rows = stmt.query_map([table], |r| {
        Ok(Column {
            name: r.get(0)?,
            decl_type: r.get(1)?,
            not_null: r.get(2)?,
            default: r.get(3)?,
            primary_key: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn foreign_keys(conn: &Connection, table: &str) -> Result<Vec<ForeignKey>> {
    let mut stmt = conn.prepare(
        "SELECT id, \"table\", \"from\", \"to\", on_update, on_delete FROM pragma_foreign_key_list(?1) ORDER BY id, seq",
    )?;
    let mut out: Vec<(i64, ForeignKey)> = Vec::new();
    let mut rows = stmt.query([table])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let (from, to): (String, Option<String>) = (r.get(2)?, r.get(3)?);
        if let Some((_, fk)) = out.iter_mut().find(|(i, _)| *i == id) {
            fk.columns.push(from);
            fk.target_columns.push(to.unwrap_or_default());
            continue;
        }
        out.push((
            id,
            ForeignKey {
                columns: vec![from],
                target: r.get(1)?,
                target_columns: vec![to.unwrap_or_default()],
                on_update: r.get(4)?,
                on_delete: r.get(5)?,
            },
        ));
    }
    Ok(out.into_iter().map(|(_, fk)| fk).collect())
}

fn index(conn: &Connection, name: &str, sql: &str) -> Result<Index> {
    let mut stmt = conn.prepare("SELECT name FROM pragma_index_xinfo(?1) WHERE key = 1 ORDER BY seqno")?;
    let columns = stmt
        .query_map([name], |r| Ok(r.get::<_, Option<String>>(0)?.unwrap_or_else(|| "<expression>".into())))?
        .collect::<rusqlite::Result<_>>()?;
    let toks = sqltext::tokens(sql);
    Ok(Index {
        name: name.to_string(),
        columns,
        unique: toks.get(1).is_some_and(|t| t.is("UNIQUE")),
        partial: toks.iter().any(|t| t.is("WHERE")),
    })
}

#[cfg(test)]
mod test {
    use super::*;

    fn conn(sql: &str) -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(sql).unwrap();
        conn
    }

    #[test]
    fn an_empty_database_has_an_empty_schema() -> Result<()> {
        assert_eq!(snapshot(&conn(""))?, Schema::default());
        Ok(())
    }

    #[test]
    fn bookkeeping_and_sqlite_objects_are_left_out() -> Result<()> {
        let c = conn("CREATE TABLE _sqlx_migrations(version INTEGER PRIMARY KEY); CREATE TABLE t(a TEXT UNIQUE); ANALYZE;");
        let s = snapshot(&c)?;
        assert_eq!(s.tables.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["t"]);
        assert!(s.tables[0].indexes.is_empty(), "the automatic UNIQUE index is SQLite's own");
        Ok(())
    }

    #[test]
    fn reads_columns_keys_checks_indexes_triggers_and_views() -> Result<()> {
        let c = conn(
            "CREATE TABLE p(id INTEGER PRIMARY KEY);
             CREATE TABLE c(
                a INTEGER NOT NULL DEFAULT 0 CHECK (a >= 0),
                b TEXT REFERENCES p(id) ON DELETE CASCADE,
                PRIMARY KEY (a, b));
             CREATE UNIQUE INDEX ix ON c(b, a) WHERE a > 0;
             CREATE TRIGGER tr AFTER INSERT ON c BEGIN SELECT 1; END;
             CREATE VIEW v AS SELECT a FROM c;",
        );
        let s = snapshot(&c)?;
        let t = &s.tables[0];
        assert_eq!(t.name, "c");
        assert_eq!(
            t.columns[0],
            Column { name: "a".into(), decl_type: "INTEGER".into(), not_null: true, default: Some("0".into()), primary_key: 1 }
        );
        assert_eq!(t.columns[1].primary_key, 2);
        assert_eq!(t.checks, ["a >= 0"]);
        assert_eq!(t.foreign_keys[0].target, "p");
        assert_eq!(t.foreign_keys[0].on_delete, "CASCADE");
        assert_eq!(t.indexes[0], Index { name: "ix".into(), columns: vec!["b".into(), "a".into()], unique: true, partial: true });
        assert_eq!(t.triggers[0].name, "tr");
        assert_eq!(s.views[0].name, "v");
        assert_eq!(
            s.totals,
            Totals { tables: 2, columns: 3, indexes: 1, triggers: 1, views: 1, foreign_keys: 1, checks: 1, defaults: 1, primary_keys: 2 }
        );
        Ok(())
    }
}
