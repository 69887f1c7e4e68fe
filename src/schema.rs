//! Read-only inspection: a normalised snapshot of the user's schema (SQLite's
//! own `sqlite_%` objects and `_sqlx_migrations` left out), sorted by name so
//! two snapshots compare equal exactly when the schemas are the same.

use std::collections::BTreeMap;
use std::sync::Arc;

use rusqlite::Connection;

use crate::error::Result;
use crate::history;
use crate::sqltext::{self, Sql};
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

/// A table: everything SQLite keeps about it, so two tables compare equal
/// exactly when SQLite would treat them the same (see `sqltext::Sql` for what
/// counts as spelling).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Table {
    /// Its name.
    pub name: String,
    /// Columns in declaration order.
    pub columns: Vec<Column>,
    /// UNIQUE constraints (column or table level), sorted: their order means nothing.
    pub uniques: Vec<Unique>,
    /// Foreign key constraints, sorted.
    pub foreign_keys: Vec<ForeignKey>,
    /// CHECK constraint expressions, sorted.
    pub checks: Vec<Sql>,
    /// `WITHOUT ROWID`.
    pub without_rowid: bool,
    /// `STRICT`.
    pub strict: bool,
    /// For a virtual table, `USING module(args)`.
    pub module: Option<Sql>,
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
    pub decl_type: Sql,
    /// NOT NULL.
    pub not_null: bool,
    /// The DEFAULT expression, as written.
    pub default: Option<Sql>,
    /// `COLLATE` name (uppercase), when one is declared.
    pub collation: Option<String>,
    /// Position in the primary key, 1-based; 0 when not part of it.
    pub primary_key: u32,
    /// `AUTOINCREMENT`.
    pub autoincrement: bool,
    /// A generated column's expression and storage.
    pub generated: Option<Generated>,
}

/// A generated column's definition.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Generated {
    /// The expression.
    pub expression: Sql,
    /// `STORED` (else `VIRTUAL`).
    pub stored: bool,
}

/// A UNIQUE constraint.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Unique {
    /// Its keys in order.
    pub keys: Vec<Key>,
}

/// One key of an index or UNIQUE constraint.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Key {
    /// The column, or `None` for an expression.
    pub column: Option<String>,
    /// The expression, for an expression key.
    pub expression: Option<Sql>,
    /// Sorted descending.
    pub desc: bool,
    /// The collation SQLite uses for it (uppercase).
    pub collation: String,
    /// The collation the column itself has, so a key shows COLLATE only when it differs.
    #[serde(skip)]
    pub column_collation: String,
}

impl Key {
    /// What compares: the column's own collation only changes how the key is shown.
    fn compared(&self) -> impl Ord + '_ {
        (self.column.as_ref().map(|c| c.to_ascii_lowercase()), &self.expression, self.desc, &self.collation)
    }

    /// The key with its collation always named (when not BINARY), for telling two keys apart.
    pub fn explicit(&self) -> String {
        let plain = Key { column_collation: "BINARY".into(), ..self.clone() };
        plain.to_string()
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.compared() == other.compared()
    }
}

impl Eq for Key {}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Key {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.compared().cmp(&other.compared())
    }
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.column, &self.expression) {
            (Some(c), _) => f.write_str(c)?,
            (None, Some(e)) => write!(f, "{e}")?,
            (None, None) => f.write_str("<expression>")?,
        }
        if self.collation != self.column_collation {
            write!(f, " COLLATE {}", self.collation)?;
        }
        if self.desc {
            f.write_str(" DESC")?;
        }
        Ok(())
    }
}

/// Keys as written in a definition: `a, b DESC`.
pub fn keys_text(keys: &[Key]) -> String {
    keys.iter().map(Key::to_string).collect::<Vec<_>>().join(", ")
}

/// An index.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Index {
    /// Its name.
    pub name: String,
    /// Its keys as a reader sees them (`b DESC`, `lower(name)`).
    pub columns: Vec<String>,
    /// Its keys in order.
    pub keys: Vec<Key>,
    /// UNIQUE.
    pub unique: bool,
    /// Has a WHERE clause.
    pub partial: bool,
    /// The WHERE clause of a partial index.
    #[serde(rename = "where")]
    pub filter: Option<Sql>,
}

/// A foreign key constraint. Serialized with its `reference` in words, so the
/// page shows what SQLite means by a missing column list without deciding it.
#[derive(Debug, Clone, Eq, serde::Serialize)]
#[serde(into = "ForeignKeyShown")]
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
    /// MATCH clause (`NONE` unless written).
    #[serde(rename = "match")]
    pub matching: String,
    /// `DEFERRABLE INITIALLY DEFERRED`.
    pub deferred: bool,
}

/// A foreign key as serialized: its fields and what it references, in words.
#[derive(serde::Serialize)]
struct ForeignKeyShown {
    columns: Vec<String>,
    target: String,
    target_columns: Vec<String>,
    on_delete: String,
    on_update: String,
    #[serde(rename = "match")]
    matching: String,
    deferred: bool,
    /// `p(id)`, or `p (its primary key)`.
    reference: String,
}

impl From<ForeignKey> for ForeignKeyShown {
    fn from(fk: ForeignKey) -> Self {
        let reference = fk.reference();
        let ForeignKey { columns, target, target_columns, on_delete, on_update, matching, deferred } = fk;
        ForeignKeyShown { columns, target, target_columns, on_delete, on_update, matching, deferred, reference }
    }
}

impl ForeignKey {
    /// What it references: `p(id)`, or for `REFERENCES p` without a column
    /// list (which SQLite reads as p's primary key) `p (its primary key)`.
    pub fn reference(&self) -> String {
        if self.target_columns.iter().all(String::is_empty) {
            format!("{} (its primary key)", self.target)
        } else {
            format!("{}({})", self.target, self.target_columns.join(", "))
        }
    }

    /// What compares: names in one case (SQLite's names are case-insensitive).
    fn key(&self) -> impl Ord + '_ {
        let low = |v: &[String]| v.iter().map(|s| s.to_ascii_lowercase()).collect::<Vec<_>>();
        (low(&self.columns), self.target.to_ascii_lowercase(), low(&self.target_columns), &self.on_delete, &self.on_update, &self.matching, self.deferred)
    }
}

impl PartialEq for ForeignKey {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl std::fmt::Display for ForeignKey {
    /// `(a) → p(id) ON DELETE CASCADE`, naming only what is not the default.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "({}) → {}", self.columns.join(", "), self.reference())?;
        if self.on_delete != "NO ACTION" {
            write!(f, " ON DELETE {}", self.on_delete)?;
        }
        if self.on_update != "NO ACTION" {
            write!(f, " ON UPDATE {}", self.on_update)?;
        }
        if self.matching != "NONE" {
            write!(f, " MATCH {}", self.matching)?;
        }
        if self.deferred {
            f.write_str(" DEFERRABLE INITIALLY DEFERRED")?;
        }
        Ok(())
    }
}

/// A trigger.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Trigger {
    /// Its name.
    pub name: String,
    /// The table it fires on.
    pub table: String,
    /// Its definition after the name (when, on what, and its body).
    pub sql: Sql,
}

/// A view.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct View {
    /// Its name.
    pub name: String,
    /// Its definition after the name (`AS SELECT …`).
    pub sql: Sql,
    /// INSTEAD OF triggers on it, by name.
    pub triggers: Vec<Trigger>,
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


/// A row of `sqlite_schema` with its rowid.
fn object(r: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, Object)> {
    Ok((r.get(0)?, Object { kind: r.get(1)?, name: r.get(2)?, table: r.get(3)?, sql: r.get(4)? }))
}

/// Takes a snapshot of the schema of `conn` (tests; the product keeps `Snapshots`).
/// The whole schema, read plainly: no cache, nothing remembered from an
/// earlier read (the slow twin the tests hold the snapshots against).
pub fn snapshot(conn: &Connection) -> Result<Schema> {
    Snapshots::default().full(conn)
}

/// One row of `sqlite_schema`.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Object {
    kind: String,
    name: String,
    table: String,
    sql: Option<String>,
}

/// Snapshots that re-read only what changed: each table is kept (shared, in
/// an `Arc`) until a run touches it, so two snapshots share what is equal
/// and `diff` skips it at the cost of a pointer comparison.
///
/// `sqlite_schema` has no index but its rowid, and a scan of it after each of
/// 1,000 migrations cost more than the migrations: its rows are kept too, by
/// rowid, and an update reads only the rows of what was touched (by rowid)
/// and the rows above the largest rowid of what was not touched (SQLite gives
/// a new object the largest rowid plus one, which may be a rowid an earlier
/// drop freed once the rows above it are dropped; a drop touches what it drops). VACUUM renumbers them, but it attaches a database,
/// and the watch says `everything` then.
#[derive(Default)]
pub struct Snapshots {
    tables: BTreeMap<String, Arc<Table>>,
    views: BTreeMap<String, View>,
    /// Triggers on views, by trigger name, with their view.
    view_triggers: BTreeMap<String, String>,
    /// The rows of `sqlite_schema`.
    objects: SchemaRows,
    /// Each table read so far, by the rows it was read from (its own, its indexes' and
    /// its triggers'): the same rows make the same table, so an up run again, or a
    /// down that recreates what was there, costs no pragma query (each is prepared
    /// again after every schema change).
    made: std::collections::HashMap<Vec<Object>, Arc<Table>>,
}

/// `sqlite_schema`'s rows by rowid, and the rowids under each (lowercase) name
/// a row goes by, its own and its table's.
#[derive(Default)]
struct SchemaRows {
    by_id: BTreeMap<i64, Object>,
    by_name: std::collections::HashMap<String, std::collections::BTreeSet<i64>>,
}

impl SchemaRows {
    /// Every row of `sqlite_schema`, by rowid.
    fn read(conn: &Connection) -> Result<BTreeMap<i64, Object>> {
        let mut stmt = conn.prepare_cached("SELECT rowid, type, name, tbl_name, sql FROM sqlite_schema")?;
        let rows = stmt.query_map([], object)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Every row of `sqlite_schema`, indexed.
    fn all(conn: &Connection) -> Result<SchemaRows> {
        let mut rows = SchemaRows::default();
        for (id, o) in SchemaRows::read(conn)? {
            rows.insert(id, o);
        }
        Ok(rows)
    }

    fn names(o: &Object) -> [String; 2] {
        [o.table.to_ascii_lowercase(), o.name.to_ascii_lowercase()]
    }

    fn insert(&mut self, id: i64, o: Object) {
        self.remove(id);
        for name in Self::names(&o) {
            self.by_name.entry(name).or_default().insert(id);
        }
        self.by_id.insert(id, o);
    }

    fn remove(&mut self, id: i64) {
        let Some(o) = self.by_id.remove(&id) else { return };
        for name in Self::names(&o) {
            if let Some(ids) = self.by_name.get_mut(&name) {
                ids.remove(&id);
                if ids.is_empty() {
                    self.by_name.remove(&name);
                }
            }
        }
    }

    /// The rowids of the rows of `name` (lowercase): the object, or its table.
    fn of(&self, name: &str) -> Vec<i64> {
        self.by_name.get(name).map(|ids| ids.iter().copied().collect()).unwrap_or_default()
    }

    /// The rows of a name (as `of` finds them), rowids aside, in order; `None` when it has none.
    fn group(&self, name: &str) -> Option<Vec<Object>> {
        let ids = self.by_name.get(name)?;
        let mut rows: Vec<Object> = ids.iter().filter_map(|id| self.by_id.get(id)).cloned().collect();
        rows.sort();
        Some(rows)
    }
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
        if touched.pragmas {
            return self.full(conn);
        }
        if touched.everything {
            return self.refresh(conn);
        }
        if touched.names.is_empty() {
            return Ok(self.schema());
        }
        // What the bookkeeping tables do is not the user's schema (a run creates
        // `_sqlx_migrations` if not there, so it is touched every time).
        let mut names: std::collections::BTreeSet<String> = touched.names.iter().filter(|n| !history::is_bookkeeping(n)).cloned().collect();
        let old: std::collections::BTreeSet<i64> = names.iter().flat_map(|n| self.objects.of(n)).collect();
        // A new row's rowid is one above the largest at its creation, and an untouched
        // row stayed throughout: so everything new lies above the largest untouched
        // rowid. (Not above the largest before the run: drop the top rows and SQLite
        // counts on from the next one down, reusing a rowid an earlier drop freed.)
        let low = self.objects.by_id.keys().rev().find(|id| !old.contains(id)).copied().unwrap_or(0);
        let mut by_id = conn.prepare_cached("SELECT rowid, type, name, tbl_name, sql FROM sqlite_schema WHERE rowid = ?1")?;
        for id in old {
            self.objects.remove(id);
            if id > low {
                continue;
            }
            if let Some((id, o)) = by_id.query_map([id], object)?.next().transpose()? {
                names.insert(o.table.to_ascii_lowercase());
                self.objects.insert(id, o);
            }
        }
        let mut added = conn.prepare_cached("SELECT rowid, type, name, tbl_name, sql FROM sqlite_schema WHERE rowid > ?1")?;
        for row in added.query_map([low], object)? {
            let (id, o) = row?;
            // Each new object's table is read again, touched or not (what the watch
            // cannot see, a virtual table's own tables, still shows).
            names.insert(o.table.to_ascii_lowercase());
            self.objects.insert(id, o);
        }
        self.reread(conn, names.iter())
    }

    /// Forgets the tables and views of `names` and reads them again (the
    /// bookkeeping tables aside: they are not the user's schema).
    fn reread<'a>(&mut self, conn: &Connection, names: impl Iterator<Item = &'a String>) -> Result<Schema> {
        for name in names.filter(|n| !history::is_bookkeeping(n)) {
            let same = |k: &String| k.eq_ignore_ascii_case(name);
            self.tables.retain(|k, _| !same(k));
            self.views.retain(|k, _| !same(k));
            self.view_triggers.retain(|_, view| !same(view));
            self.read(conn, Some(name))?;
        }
        Ok(self.schema())
    }

    /// After an ALTER TABLE (it may rewrite other tables, views and triggers), a
    /// VACUUM, or on another connection (a copy of the database in another state):
    /// `sqlite_schema` is read whole, and only the tables and views whose
    /// rows changed are read again. A table is what SQLite makes of its rows'
    /// SQL (its own, its indexes', its triggers'), so the same rows make the
    /// same table. (After a pragma, `full` reads everything again.)
    ///
    /// Only the names of the rows that differ from the cache's (at their rowid) can
    /// have other rows than before, so only their rows are compared; the rest of
    /// the cache stays as it is.
    pub fn refresh(&mut self, conn: &Connection) -> Result<Schema> {
        let now = SchemaRows::read(conn)?;
        let gone: Vec<i64> = self.objects.by_id.keys().filter(|id| !now.contains_key(id)).copied().collect();
        let differ: Vec<(i64, Object)> = now.into_iter().filter(|(id, o)| self.objects.by_id.get(id) != Some(o)).collect();
        let mut candidates: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
        for id in &gone {
            candidates.extend(SchemaRows::names(&self.objects.by_id[id]));
        }
        for (id, o) in &differ {
            candidates.extend(SchemaRows::names(o));
            if let Some(old) = self.objects.by_id.get(id) {
                candidates.extend(SchemaRows::names(old));
            }
        }
        let before: Vec<Option<Vec<Object>>> = candidates.iter().map(|n| self.objects.group(n)).collect();
        for id in gone {
            self.objects.remove(id);
        }
        for (id, o) in differ {
            self.objects.insert(id, o);
        }
        let changed: Vec<String> = candidates.into_iter().zip(before).filter(|(n, before)| self.objects.group(n) != *before).map(|(n, _)| n).collect();
        self.reread(conn, changed.iter())
    }

    /// Reads the objects of one table or view (all objects when `None`, and then
    /// `sqlite_schema` whole again) into the cache.
    fn read(&mut self, conn: &Connection, only: Option<&str>) -> Result<()> {
        let mut objects: Vec<Object> = match only {
            None => {
                self.objects = SchemaRows::all(conn)?;
                self.objects.by_id.values().cloned().collect()
            }
            Some(name) => self.objects.of(&name.to_ascii_lowercase()).iter().filter_map(|id| self.objects.by_id.get(id)).cloned().collect(),
        };
        objects.retain(|o| !o.name.starts_with("sqlite_") && !history::is_bookkeeping(&o.name) && !history::is_bookkeeping(&o.table));
        objects.sort_by(|a, b| a.name.cmp(&b.name));
        let mut tables: BTreeMap<String, Table> = BTreeMap::new();
        // Each table's rows; a table made from the very same rows before is taken as it was.
        let rows_of = |t: &Object| -> Vec<Object> {
            let own = |o: &&Object| match o.kind.as_str() {
                "table" => o.name == t.name,
                "index" | "trigger" => o.table == t.name,
                _ => false,
            };
            objects.iter().filter(own).cloned().collect()
        };
        let mut rows: BTreeMap<String, Vec<Object>> = BTreeMap::new();
        let mut remembered: BTreeMap<String, Arc<Table>> = BTreeMap::new();
        for o in objects.iter().filter(|o| o.kind == "table") {
            let key = rows_of(o);
            if let Some(table) = self.made.get(&key) {
                remembered.insert(o.name.clone(), Arc::clone(table));
                continue;
            }
            rows.insert(o.name.clone(), key);
            let def = o.sql.as_deref().map(sqltext::table_definition).unwrap_or_default();
            let columns = columns(conn, &o.name, &def)?;
            let mut checks = def.checks;
            checks.sort();
            tables.insert(
                o.name.clone(),
                Table {
                    uniques: uniques(conn, &o.name, &columns)?,
                    foreign_keys: foreign_keys(conn, &o.name, &def.foreign_keys)?,
                    checks,
                    without_rowid: def.without_rowid,
                    strict: def.strict,
                    module: def.module,
                    columns,
                    indexes: Vec::new(),
                    triggers: Vec::new(),
                    name: o.name.clone(),
                },
            );
        }
        for o in objects.iter().filter(|o| o.kind == "view") {
            let sql = o.sql.as_deref().unwrap_or_default();
            self.views.insert(o.name.clone(), View { name: o.name.clone(), sql: sqltext::body_after_name(sql), triggers: Vec::new() });
        }
        for o in &objects {
            let Some(sql) = &o.sql else { continue };
            if remembered.contains_key(&o.table) {
                continue;
            }
            match (o.kind.as_str(), tables.get_mut(&o.table)) {
                ("index", Some(t)) => {
                    let ix = index(conn, &o.name, sql, &t.columns)?;
                    t.indexes.push(ix);
                }
                ("trigger", table) => {
                    let trigger = Trigger { name: o.name.clone(), table: o.table.clone(), sql: sqltext::body_after_name(sql) };
                    match (table, self.views.get_mut(&o.table)) {
                        (Some(t), _) => t.triggers.push(trigger),
                        (None, view) => {
                            self.view_triggers.insert(o.name.clone(), o.table.clone());
                            if let Some(v) = view {
                                v.triggers.push(trigger);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        for (name, table) in tables {
            let table = Arc::new(table);
            if let Some(key) = rows.remove(&name) {
                self.made.insert(key, Arc::clone(&table));
            }
            self.tables.insert(name, table);
        }
        self.tables.extend(remembered);
        Ok(())
    }

    #[cfg(feature = "full")]
    /// Shares with `schema` every table this cache holds an equal copy of: after
    /// a rebuild or a re-read the same definitions are new values, and a later
    /// diff against `schema` would compare each of them in full, at every step.
    pub fn share(&mut self, schema: &Schema) {
        let mut theirs = schema.tables.iter().peekable();
        for (name, mine) in self.tables.iter_mut() {
            while theirs.next_if(|t| t.name < *name).is_some() {}
            if let Some(t) = theirs.next_if(|t| t.name == *name) {
                if !Arc::ptr_eq(mine, t) && **mine == **t {
                    *mine = Arc::clone(t);
                }
            }
        }
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

#[cfg(feature = "full")]
/// What `PRAGMA integrity_check` and `PRAGMA foreign_key_check` find wrong;
/// empty when all is well. With `touched`, only the tables it names are
/// checked (each check reads every page it covers, so checking the whole
/// database after each of 1,000 migrations would cost 1,000 times more).
pub fn integrity(conn: &Connection, touched: Option<&Touched>) -> Result<Vec<String>> {
    if let Some(t) = touched.filter(|t| !t.everything && !t.pragmas) {
        let mut out = Vec::new();
        // The bookkeeping table is touched by every run (created if not there): it is
        // migraplay's, and only a pragma (checked whole, below) could damage it.
        // What its DDL touched, and every table it wrote rows to: a row can break a
        // foreign key or a CHECK with the schema untouched (under `foreign_keys = OFF`).
        for name in t.names.union(&t.written).filter(|n| !history::is_bookkeeping(n)) {
            // pragma_table_list looks the name up in SQLite's schema hash: no scan. (Not
            // pragma_table_info: it expands a view, and a view that reads a column its
            // source no longer has is an error there, though SQLite created it.)
            let exists = pragma(conn, "table_list", name)?.exists([])?;
            if exists {
                out.extend(check(conn, Some(name))?);
            }
        }
        return Ok(out);
    }
    // After a pragma anything may have changed, `sqlite_schema` too (writable_schema):
    // make SQLite parse its schema again, so a damaged one is an error here, not later.
    // Only then: DDL alone cannot damage it, and a reparse per ALTER would cost.
    if touched.is_some_and(|t| t.pragmas) {
        conn.execute_batch("PRAGMA writable_schema = RESET")?;
    }
    check(conn, None)
}

#[cfg(feature = "full")]
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

/// `PRAGMA name='arg'`: the statement SQLite's own `pragma_name(arg)` table runs
/// (pragmaVtabFilter writes it the same way), without the SELECT and the virtual
/// table around it. A snapshot follows a schema change, which makes SQLite prepare
/// every statement again: the SELECT cost a parse, a virtual table declared
/// (another parse) and then this PRAGMA's parse, where the PRAGMA alone costs one.
fn pragma<'c>(conn: &'c Connection, name: &str, arg: &str) -> rusqlite::Result<rusqlite::Statement<'c>> {
    conn.prepare(&format!("PRAGMA {name}='{}'", arg.replace('\'', "''")))
}

fn columns(conn: &Connection, table: &str, def: &sqltext::TableDef) -> Result<Vec<Column>> {
    // cid, name, type, notnull, dflt_value, pk, hidden: one row per column, in cid order.
    let mut stmt = pragma(conn, "table_xinfo", table)?;
    let rows = stmt.query_map([], |r| {
        let hidden: i64 = r.get(6)?;
        if !matches!(hidden, 0 | 2 | 3) {
            return Ok(None);
        }
        let name: String = r.get(1)?;
        let written = def.columns.iter().find(|c| c.name.eq_ignore_ascii_case(&name));
        let generated = (hidden == 2 || hidden == 3).then(|| Generated {
            expression: written.and_then(|c| c.generated.clone()).unwrap_or_default(),
            stored: hidden == 3,
        });
        Ok(Some(Column {
            decl_type: Sql::new(&r.get::<_, String>(2)?),
            not_null: r.get(3)?,
            default: r.get::<_, Option<String>>(4)?.map(|d| Sql::new(&d)),
            collation: written.and_then(|c| c.collation.clone()),
            primary_key: r.get(5)?,
            autoincrement: written.is_some_and(|c| c.autoincrement),
            generated,
            name,
        }))
    })?;
    let mut out = Vec::new();
    for column in rows {
        out.extend(column?);
    }
    Ok(out)
}

/// A row of `PRAGMA foreign_key_list`: id, seq, table, from, to, on_update, on_delete, match.
type ForeignKeyRow = (i64, i64, String, String, Option<String>, String, String, String);

fn foreign_keys(conn: &Connection, table: &str, written: &[sqltext::ForeignKeyDef]) -> Result<Vec<ForeignKey>> {
    // id, seq, table, from, to, on_update, on_delete, match: one row per column of each key.
    let mut stmt = pragma(conn, "foreign_key_list", table)?;
    let mut listed: Vec<ForeignKeyRow> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?)))?
        .collect::<rusqlite::Result<_>>()?;
    listed.sort_by_key(|row| (row.0, row.1));
    let mut out: Vec<(i64, ForeignKey)> = Vec::new();
    for (id, _, target, from, to, on_update, on_delete, matching) in listed {
        if let Some((_, fk)) = out.iter_mut().find(|(i, _)| *i == id) {
            fk.columns.push(from);
            fk.target_columns.push(to.unwrap_or_default());
            continue;
        }
        out.push((
            id,
            ForeignKey { columns: vec![from], target, target_columns: vec![to.unwrap_or_default()], on_update, on_delete, matching, deferred: false },
        ));
    }
    let mut fks: Vec<ForeignKey> = out.into_iter().map(|(_, fk)| fk).collect();
    for fk in &mut fks {
        let same = |a: &[String], b: &[String]| a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.eq_ignore_ascii_case(y));
        fk.deferred = written
            .iter()
            .find(|w| same(&w.columns, &fk.columns) && w.target.eq_ignore_ascii_case(&fk.target))
            .is_some_and(|w| w.deferred);
    }
    fks.sort_by(|a, b| a.key().cmp(&b.key()));
    Ok(fks)
}

/// What `keys` reads of a row of `PRAGMA index_xinfo`: seqno, name, desc, coll, key.
type KeyRow = (i64, Option<String>, bool, Option<String>, bool);

/// The key columns of an index (or of the index behind a UNIQUE constraint).
fn keys(conn: &Connection, index: &str, columns: &[Column], expressions: &[Option<Sql>]) -> Result<Vec<Key>> {
    // seqno, cid, name, desc, coll, key: the key columns (key = 1), then the rowid or primary key.
    let mut stmt = pragma(conn, "index_xinfo", index)?;
    let mut listed: Vec<KeyRow> = stmt.query_map([], |r| Ok((r.get(0)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))?.collect::<rusqlite::Result<_>>()?;
    listed.retain(|row| row.4);
    listed.sort_by_key(|row| row.0);
    let mut out = Vec::new();
    for (i, (_, column, desc, coll, _)) in listed.into_iter().enumerate() {
        let column_collation = column
            .as_ref()
            .and_then(|c| columns.iter().find(|x| x.name.eq_ignore_ascii_case(c)))
            .and_then(|c| c.collation.clone())
            .unwrap_or_else(|| "BINARY".into());
        let expression = if column.is_none() { expressions.get(i).cloned().flatten() } else { None };
        out.push(Key {
            column,
            expression,
            desc,
            collation: coll.unwrap_or_else(|| "BINARY".into()).to_ascii_uppercase(),
            column_collation: column_collation.to_ascii_uppercase(),
        });
    }
    Ok(out)
}

fn uniques(conn: &Connection, table: &str, columns: &[Column]) -> Result<Vec<Unique>> {
    // seq, name, unique, origin, partial: the indexes behind UNIQUE constraints have origin 'u'.
    let mut stmt = pragma(conn, "index_list", table)?;
    let listed: Vec<(String, String)> = stmt.query_map([], |r| Ok((r.get(1)?, r.get(3)?)))?.collect::<rusqlite::Result<_>>()?;
    let names = listed.into_iter().filter(|(_, origin)| origin == "u").map(|(name, _)| name);
    let mut out = Vec::new();
    for name in names {
        out.push(Unique { keys: keys(conn, &name, columns, &[])? });
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn index(conn: &Connection, name: &str, sql: &str, columns: &[Column]) -> Result<Index> {
    let (expressions, filter) = sqltext::index_definition(sql);
    let keys = keys(conn, name, columns, &expressions)?;
    let toks = sqltext::tokens(sql);
    Ok(Index {
        name: name.to_string(),
        columns: keys.iter().map(Key::to_string).collect(),
        keys,
        unique: toks.get(1).is_some_and(|t| t.is("UNIQUE")),
        partial: filter.is_some(),
        filter,
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
            Column {
                name: "a".into(),
                decl_type: Sql::new("INTEGER"),
                not_null: true,
                default: Some(Sql::new("0")),
                collation: None,
                primary_key: 1,
                autoincrement: false,
                generated: None
            }
        );
        assert_eq!(t.columns[1].primary_key, 2);
        assert_eq!(t.checks, [Sql::new("a >= 0")]);
        assert_eq!(t.foreign_keys[0].target, "p");
        assert_eq!(t.foreign_keys[0].on_delete, "CASCADE");
        assert_eq!(t.indexes[0].columns, ["b", "a"]);
        assert!(t.indexes[0].unique && t.indexes[0].partial);
        assert_eq!(t.indexes[0].filter, Some(Sql::new("a > 0")));
        assert_eq!(t.triggers[0].name, "tr");
        assert_eq!(s.views[0].name, "v");
        assert_eq!(
            s.totals,
            Totals { tables: 2, columns: 3, indexes: 1, triggers: 1, views: 1, foreign_keys: 1, checks: 1, defaults: 1, primary_keys: 2 }
        );
        Ok(())
    }
}
