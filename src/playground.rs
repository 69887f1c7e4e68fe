//! A migration set and a database together: the one object the CLI and the
//! wasm facade drive. Plain Rust; the browser layer only converts its types.

use std::cell::RefCell;
use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;

use crate::console::{self, ConsoleRun};
use crate::diff::{self, Difference};
use crate::engine::{self, Applied, RunError};
use crate::error::{Error, Result};
use crate::history;
use crate::plan::{self, MigrationStatus, Target};
use crate::schema::{Schema, Snapshots};
use crate::watch::Watch;
use crate::source::MigrationSet;

/// What a step did: the log, the error that stopped it, and the schema's changes.
#[derive(Debug)]
pub struct Stepped {
    /// The migrations that ran.
    pub log: Vec<Applied>,
    /// Why it stopped early, if it did (the failing migration was rolled back).
    pub error: Option<Error>,
    /// What changed in the schema, from before the step to after it.
    pub changes: Vec<Difference>,
}

/// What tells whether an action changed the database: SQLite's schema cookie
/// (every CREATE, DROP, ALTER), the user version, and the connection's count
/// of rows inserted, updated or deleted. Any statement that writes moves one of
/// them; reading moves none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    schema_version: i64,
    user_version: i64,
    total_changes: u64,
}

/// The largest database file migraplay opens (the page holds it in memory, twice while it checks it).
pub const MAX_DATABASE_BYTES: u64 = 512 * 1024 * 1024;

/// Refuses a database file over `MAX_DATABASE_BYTES`, by its size alone (so it need not be read).
pub fn check_database_size(file: &str, size: u64) -> Result<()> {
    if size > MAX_DATABASE_BYTES {
        let message = format!("it has {size} bytes; migraplay opens databases of at most {MAX_DATABASE_BYTES} bytes");
        return Err(Error::BadDatabase { file: file.to_string(), message });
    }
    Ok(())
}

/// A migration set bound to a database.
pub struct Playground {
    // Declared before `conn`: dropped first, while the connection is still open.
    watch: Watch,
    conn: Connection,
    set: MigrationSet,
    budget: Option<Duration>,
    /// The schema as last read (none until first asked for); `schema()` then
    /// re-reads only what the watch saw change.
    snapshots: RefCell<Option<Snapshots>>,
}

impl Playground {
    /// A fresh in-memory database for `set`.
    pub fn in_memory(set: MigrationSet) -> Result<Self> {
        Self::with_connection(Connection::open_in_memory()?, set)
    }

    /// The database file at `path` (created if absent) for `set`. A database
    /// that keeps a tool's bookkeeping is read as that tool would read it: the
    /// set follows it, unless another tool was asked for (then it is refused).
    pub fn open(path: &Path, set: MigrationSet) -> Result<Self> {
        let conn = Connection::open(path)?;
        let set = match history::detect(&conn)? {
            Some(f) if f != set.flavor().flavor && set.flavor().forced => {
                return Err(Error::FlavorMismatch { file: path.display().to_string(), database: f, asked: set.flavor().flavor });
            }
            Some(f) if f != set.flavor().flavor => set.read_as(f),
            _ => set,
        };
        Self::with_connection(conn, set)
    }

    fn with_connection(conn: Connection, set: MigrationSet) -> Result<Self> {
        engine::prepare(&conn)?;
        Ok(Playground {
            watch: Watch::new(&conn),
            conn,
            set,
            budget: Some(crate::script::DEFAULT_TIME_BUDGET),
            snapshots: RefCell::new(None),
        })
    }

    /// How long one migration script (or console run) may take before it is
    /// stopped and rolled back; `None` for no limit. Default: 5 s.
    pub fn set_time_budget(&mut self, budget: Option<Duration>) {
        self.budget = budget;
    }

    /// The time budget in force.
    pub fn time_budget(&self) -> Option<Duration> {
        self.budget
    }

    /// The loaded migration set.
    pub fn set(&self) -> &MigrationSet {
        &self.set
    }

    /// The database connection (for reading; only the engine writes).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Each migration's state against the database.
    pub fn status(&self) -> Result<Vec<MigrationStatus>> {
        Ok(plan::status(&self.set, &history::applied_for(&self.conn, &self.set)?))
    }

    /// How the database stands against the set, in the set's tool's words.
    pub fn drift(&self) -> Result<plan::Drift> {
        Ok(plan::drift(&self.set, &self.status()?))
    }

    /// Moves the database to `target`; on failure, says what ran before it.
    pub fn migrate(&mut self, target: Target) -> Result<Vec<Applied>, RunError> {
        engine::migrate(&self.conn, &self.set, target, self.budget)
    }

    /// golang-migrate's `force VERSION`: its table says that version, clean; nothing runs.
    pub fn force(&mut self, version: i64) -> Result<()> {
        history::force(&self.conn, &self.set, version)
    }

    /// Moves to `target` and says what changed in the schema, even when a
    /// migration failed part way (what ran before it stays, and shows).
    pub fn step(&mut self, target: Target) -> Result<Stepped> {
        let before = self.schema()?;
        let (log, error) = match self.migrate(target) {
            Ok(log) => (log, None),
            Err(e) => (e.done, Some(e.error)),
        };
        let changes = diff::diff(&before, &self.schema()?);
        Ok(Stepped { log, error, changes })
    }

    /// Swaps in another set (an edited or newly loaded one), keeping the database:
    /// an applied migration whose file changed then shows as modified, as in sqlx.
    pub fn replace_set(&mut self, set: MigrationSet) {
        self.set = set;
    }

    /// The database as the bytes of a `.sqlite` file.
    pub fn export(&mut self) -> Result<Vec<u8>> {
        Ok(self.conn.serialize(rusqlite::MAIN_DB)?.to_vec())
    }

    /// A playground on a copy of the database file `bytes` (named `file` in
    /// errors). The file must be SQLite and have a `_sqlx_migrations` table.
    pub fn from_database(file: &str, bytes: &[u8], set: MigrationSet) -> Result<Self> {
        let mut pg = Self::restore(file, bytes, set)?;
        let Some(flavor) = history::detect(&pg.conn)? else {
            return Err(Error::NoHistory(file.to_string()));
        };
        // A database another tool made is compared as that tool would compare it.
        if flavor != pg.set.flavor().flavor {
            pg.set = pg.set.read_as(flavor);
        }
        Ok(pg)
    }

    /// A playground on a copy of the database file `bytes`, as saved by
    /// `export` (it may have no `_sqlx_migrations` yet). Refused, with the reason,
    /// when SQLite's integrity check fails or `_sqlx_migrations` is not sqlx's
    /// (its columns, and each row's types).
    pub fn restore(file: &str, bytes: &[u8], set: MigrationSet) -> Result<Self> {
        check_database_size(file, bytes.len() as u64)?;
        let not_db = |e: rusqlite::Error| Error::NotADatabase { file: file.to_string(), message: e.to_string() };
        if bytes.len() < 100 || !bytes.starts_with(b"SQLite format 3\0") {
            let message = "it does not start with SQLite's header".to_string();
            return Err(Error::NotADatabase { file: file.to_string(), message });
        }
        let mut data = bytes.to_vec();
        // A WAL-mode file opens in memory only as a rollback-journal one (header bytes 18 and 19).
        data[18] = 1;
        data[19] = 1;
        let mut conn = Connection::open_in_memory()?;
        conn.deserialize_read_exact(rusqlite::MAIN_DB, &data[..], data.len(), false).map_err(not_db)?;
        conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get::<_, i64>(0)).map_err(not_db)?;
        // Checked whole before it replaces anything: a damaged file or history
        // would otherwise be accepted, saved, and fail every action after.
        let bad = |message: String| Error::BadDatabase { file: file.to_string(), message };
        let verdict = conn.query_row("PRAGMA integrity_check(1)", [], |r| r.get::<_, String>(0));
        match verdict {
            Ok(ok) if ok == "ok" => {}
            Ok(problem) => return Err(bad(format!("it is damaged (integrity check: {problem})"))),
            Err(e) => return Err(bad(format!("it is damaged ({e})"))),
        }
        history::check(&conn).map_err(|problem| bad(format!("its {} is not as sqlx makes it: {problem}", history::TABLE)))?;
        Self::with_connection(conn, set)
    }

    /// The database's stamp now: compare two to know whether anything was written between them.
    pub fn stamp(&self) -> Result<Stamp> {
        let pragma = |name: &str| self.conn.query_row(&format!("PRAGMA {name}"), [], |r| r.get::<_, i64>(0));
        Ok(Stamp { schema_version: pragma("schema_version")?, user_version: pragma("user_version")?, total_changes: self.conn.total_changes() })
    }

    /// Runs ad-hoc SQL, keeping at most `max_rows` rows per result.
    pub fn console(&self, sql: &str, max_rows: usize) -> ConsoleRun {
        console::run(&self.conn, sql, max_rows, self.budget)
    }

    /// A snapshot of the user's schema.
    pub fn schema(&self) -> Result<Schema> {
        // Only what changed since the last call is read again (the watch saw every CREATE,
        // DROP and ALTER on this connection), so the page's snapshot after each action stays
        // cheap for a schema of 1,000 tables.
        let touched = self.watch.take();
        match &mut *self.snapshots.borrow_mut() {
            Some(snapshots) => snapshots.update(&self.conn, &touched),
            empty => empty.insert(Snapshots::default()).full(&self.conn),
        }
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn the_incremental_schema_always_equals_a_full_read() -> Result<()> {
        let mut pg = Playground::in_memory(MigrationSet::bundled())?;
        let full = |pg: &Playground| crate::schema::snapshot(pg.connection());
        assert_eq!(pg.schema()?, full(&pg)?);
        pg.migrate(Target::To(20250115010300)).unwrap();
        assert_eq!(pg.schema()?, full(&pg)?);
        for sql in [
            "CREATE INDEX idx_title ON tasks (title);",
            "CREATE VIEW open_tasks AS SELECT id FROM tasks WHERE status = 'pending';",
            "CREATE TRIGGER tr AFTER INSERT ON workflows BEGIN SELECT 1; END;",
            "ALTER TABLE tasks RENAME TO jobs;",
            "ALTER TABLE workflows ADD COLUMN owner TEXT;",
            "DROP VIEW open_tasks; DROP INDEX idx_title;",
            "CREATE TABLE broken (x); INSERT INTO nowhere VALUES (1);",
            // Snapshots find sqlite_schema's rows by rowid: a drop frees the largest
            // rowid for the next object, VACUUM renumbers them all, and a virtual
            // table makes tables of its own that no statement names.
            "CREATE TABLE last (x); DROP TABLE last; CREATE TABLE reused (y);",
            "CREATE TABLE a1 (x); CREATE TABLE a2 (x); DROP TABLE a1; CREATE INDEX a2_x ON a2 (x);",
            "VACUUM;",
            "DROP TABLE reused; CREATE VIEW reused AS SELECT 1 AS one;",
            "CREATE VIRTUAL TABLE notes USING fts5(body);",
            "DROP TABLE notes;",
            "BEGIN; DROP TABLE a2; CREATE TABLE a3 (z); ROLLBACK;",
            // SQLite folds case in ASCII only: "Äpfel" and "äpfel" are two tables.
            "CREATE TABLE \"Äpfel\" (x); CREATE TABLE \"äpfel\" (y); CREATE INDEX i_apfel ON \"Äpfel\" (x);",
            "DROP INDEX i_apfel; CREATE INDEX i_apfel2 ON \"äpfel\" (y);",
            // A table made again from the very same rows is taken from the snapshots' memo;
            // one made from other rows under the same name is read again.
            "CREATE TABLE again (a INTEGER PRIMARY KEY, b TEXT UNIQUE); CREATE INDEX again_b ON again (b);",
            "DROP TABLE again;",
            "CREATE TABLE again (a INTEGER PRIMARY KEY, b TEXT UNIQUE); CREATE INDEX again_b ON again (b);",
            "DROP TABLE again; CREATE TABLE again (a INTEGER PRIMARY KEY, b TEXT); CREATE INDEX again_b ON again (b);",
        ] {
            pg.console(sql, 10);
            assert_eq!(pg.schema()?, full(&pg)?, "after {sql}");
        }
        pg.migrate(Target::Up(None)).unwrap_err();
        assert_eq!(pg.schema()?, full(&pg)?);
        Ok(())
    }
}
