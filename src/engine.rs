//! Runs plans on a connection: one transaction per migration together with its
//! bookkeeping row, so a failure leaves no trace. The only place that writes.

use std::time::Duration;

use rusqlite::Connection;
use web_time::Instant;

use crate::error::{Error, Location, Result};
use crate::flavor::Transaction;
use crate::history;
use crate::migration::{Direction, Migration};
use crate::plan::{self, Target};
use crate::script;
use crate::source::MigrationSet;

/// One migration that ran, as sqlx-cli logs it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Applied {
    /// The migration's version.
    pub version: i64,
    /// Its description.
    pub description: String,
    /// Up (`migrate`) or down (`revert`).
    pub direction: Direction,
    /// How long its script and bookkeeping took, in nanoseconds.
    pub elapsed_ns: u64,
}

impl Applied {
    /// How long it took.
    pub fn elapsed(&self) -> Duration {
        Duration::from_nanos(self.elapsed_ns)
    }
}

impl std::fmt::Display for Applied {
    /// sqlx-cli's words: `Applied 20250115010000/migrate create tasks (373.209µs)`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (v, verb, d, t) = (self.version, self.direction.verb(), &self.description, self.elapsed());
        write!(f, "Applied {v}/{verb} {d} ({t:?})")
    }
}

/// A run that stopped at a failure, with what ran before it.
#[derive(Debug, thiserror::Error)]
#[error("{error}")]
pub struct RunError {
    /// The migrations that ran (and stay) before the failure.
    pub done: Vec<Applied>,
    /// Why the run stopped.
    #[source]
    pub error: Error,
}

impl From<Error> for RunError {
    fn from(error: Error) -> Self {
        RunError { done: Vec::new(), error }
    }
}

/// Sets a connection up as migraplay runs it: foreign keys enforced.
pub fn prepare(conn: &Connection) -> Result<()> {
    conn.execute_batch("PRAGMA foreign_keys = ON;")?;
    Ok(())
}

/// The first statement (number, line, keyword) of a script that begins or
/// ends a transaction: `BEGIN`, `COMMIT`, `END`, or `ROLLBACK` (not `ROLLBACK TO`).
fn transaction_statement(sql: &str) -> Option<(usize, usize, String)> {
    script::split(sql).iter().enumerate().find_map(|(i, st)| {
        let t = crate::sqltext::tokens(st.text);
        let word = t.first()?;
        let to = t.iter().skip(1).take(2).any(|x| x.is("TO"));
        let ends = ["BEGIN", "COMMIT", "END"].iter().any(|w| word.is(w)) || (word.is("ROLLBACK") && !to);
        ends.then(|| (i + 1, st.line, word.text.to_ascii_uppercase()))
    })
}

/// Whether a script left a transaction open, and which statement opened it.
fn open_transaction(conn: &Connection, sql: &str) -> Option<String> {
    if conn.is_autocommit() {
        return None;
    }
    let statements = script::split(sql);
    let opener = script::last_opener(&statements).map(|i| {
        let st = &statements[i];
        format!("{} on line {}", st.keyword().unwrap_or_default(), st.line)
    });
    Some(opener.unwrap_or_else(|| "a transaction".into()))
}

/// Plans the way to `target` and runs it, stopping at the first failure.
pub fn migrate(conn: &Connection, set: &MigrationSet, target: Target, budget: Option<Duration>) -> Result<Vec<Applied>, RunError> {
    // A set with a broken file may be missing a migration in the middle: applying
    // around it would record an order the fixed set could not follow.
    if !set.problems().is_empty() {
        return Err(Error::Unusable(set.problems().to_vec()).into());
    }
    let rows = history::applied_for(conn, set)?;
    let steps = plan::plan(set, &rows, target)?;
    let mut done = Vec::new();
    for step in steps {
        let m = set.get(step.version).expect("planned versions come from the set");
        match run(conn, set, m, step.direction, budget) {
            Ok(applied) => done.push(applied),
            Err(error) => return Err(RunError { done, error }),
        }
    }
    Ok(done)
}

/// Runs one migration in one direction, with its bookkeeping, all or nothing
/// (unless the file is marked `-- no-transaction`). A script still running
/// when `budget` is spent is stopped and rolled back.
pub fn run(conn: &Connection, set: &MigrationSet, m: &Migration, direction: Direction, budget: Option<Duration>) -> Result<Applied> {
    let settings = crate::watch::settings_set();
    // The budget covers the history row too: a migration's trigger on the history
    // table runs when migraplay writes it.
    let result = {
        let _budget = script::Budget::start(conn, budget);
        run_script(conn, set, m, direction, budget)
    };
    // A setting a migration changed (`PRAGMA foreign_keys = OFF` in a no-transaction
    // file) would hold for every migration after it: it is put back, run or fail.
    if crate::watch::settings_set() != settings {
        restore_settings(conn)?;
    }
    result
}

/// The connection settings a migration may change and migraplay puts back after
/// it: those that change what SQLite enforces or how it runs statements.
const SETTINGS: [&str; 10] = [
    "foreign_keys",
    "ignore_check_constraints",
    "defer_foreign_keys",
    "recursive_triggers",
    "legacy_alter_table",
    "query_only",
    "reverse_unordered_selects",
    "automatic_index",
    "trusted_schema",
    "cell_size_check",
];

thread_local! {
    /// Each setting as a connection migraplay prepared has it.
    static DEFAULTS: Vec<(&'static str, i64)> = {
        let conn = Connection::open_in_memory().expect("an in-memory database opens");
        prepare(&conn).expect("a new connection is prepared");
        SETTINGS.iter().map(|&name| (name, conn.query_row(&format!("PRAGMA {name}"), [], |r| r.get(0)).unwrap_or(0))).collect()
    };
}

/// Puts every setting back to what a connection migraplay prepared has.
fn restore_settings(conn: &Connection) -> Result<()> {
    if !conn.is_autocommit() {
        // foreign_keys cannot change inside a transaction; nothing is left open here.
        return Ok(());
    }
    for (name, value) in DEFAULTS.with(|d| d.clone()) {
        let now: i64 = conn.query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))?;
        if now != value {
            conn.execute_batch(&format!("PRAGMA {name} = {value}"))?;
        }
    }
    Ok(())
}

/// On a database file (which another process may be migrating too), whether
/// the step is still due, read again under the write lock. An in-memory
/// database has no other writer.
fn still_due(conn: &Connection, set: &MigrationSet, m: &Migration, direction: Direction) -> Result<()> {
    if !is_file(conn) {
        return Ok(());
    }
    let applied = history::applied_for(conn, set)?.iter().any(|r| r.version == m.version);
    let up = direction == Direction::Up;
    if applied == up {
        return Err(Error::Concurrent { version: m.version, up });
    }
    Ok(())
}

fn is_file(conn: &Connection) -> bool {
    conn.path().is_some_and(|p| !p.is_empty())
}

/// SQLite's "database is locked" after its busy timeout, said as what it means here.
fn locked(e: rusqlite::Error) -> Error {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => Error::Locked,
        _ => e.into(),
    }
}

fn run_script(conn: &Connection, set: &MigrationSet, m: &Migration, direction: Direction, budget: Option<Duration>) -> Result<Applied> {
    let script = m.script(direction).ok_or(Error::Irreversible(m.version))?;
    // A migration migraplay wraps is checked to be still due inside its own write-locked
    // transaction (below); golang-migrate's, whose dirty version is written first, and one
    // without a transaction are checked here, under the write lock, with the history
    // readied (the dirty version another run then sees) before anything else is written.
    let checked_inside = script.transaction == Transaction::Wrapped && set.flavor().flavor != crate::flavor::Flavor::GolangMigrate;
    if is_file(conn) && !checked_inside {
        conn.execute_batch("BEGIN IMMEDIATE").map_err(locked)?;
        let due = still_due(conn, set, m, direction).and_then(|()| history::before(conn, set, m, direction));
        conn.execute_batch(if due.is_ok() { "COMMIT" } else { "ROLLBACK" })?;
        due?;
    } else {
        history::before(conn, set, m, direction)?;
    }
    let start = Instant::now();
    let located = |e: script::StatementError| Location { file: script.file.clone(), statement: e.statement, line: e.line };
    let record = |elapsed: Duration| {
        // Whatever stops it (a budget, `PRAGMA query_only` the migration set, a full disk)
        // is said of the migration whose history row it is.
        let what = || format!("{}: writing its history row (and the triggers that fires)", script.file);
        history::record(conn, set, m, direction, elapsed).map_err(|e| match script::Budget::name(conn, budget, what, e) {
            Error::Sqlite(inner) => Error::Stopped { what: what(), why: inner.to_string() },
            other => other,
        })
    };
    if script.transaction != Transaction::Wrapped {
        let how = match script.transaction {
            Transaction::SelfManaged => "the set brings its own BEGIN/COMMIT, as golang-migrate's x-no-tx-wrap runs it",
            _ if script.text().starts_with("-- no-transaction") => "the file is marked -- no-transaction",
            _ => "the file runs without a transaction",
        };
        let run = script::execute(conn, script.text(), budget);
        // A BEGIN or SAVEPOINT the file never closed would hold everything after it,
        // bookkeeping included, in a transaction nobody commits.
        let opened = open_transaction(conn, script.text());
        if let Some(opened) = &opened {
            conn.execute_batch("ROLLBACK")?;
            if run.is_ok() {
                return Err(Error::OpenTransaction { file: script.file.clone(), opened: opened.clone(), how: how.into() });
            }
        }
        let how = match &opened {
            Some(opened) => format!("{how}; its own transaction ({opened}) was rolled back, and statements before that stay"),
            None => format!("{how}, so statements before this one were not rolled back"),
        };
        run.map_err(|e| Error::StatementNoTransaction { message: e.message.clone(), running: e.running, location: located(e), how })?;
        record(start.elapsed())?;
    } else {
        if let Some((statement, line, word)) = transaction_statement(script.text()) {
            let message = match word.as_str() {
                "BEGIN" => "BEGIN starts a transaction inside the one migraplay runs each migration in".to_string(),
                w => format!("{w} would end the transaction migraplay runs each migration in, leaving it half-applied"),
            };
            let message = format!("{message}; remove it, or make `-- no-transaction` the file's first line");
            return Err(Error::TransactionStatement { location: Location { file: script.file.clone(), statement, line }, message });
        }
        // Dropped without commit on any error: SQLite rolls the whole migration back.
        // IMMEDIATE: the write lock is taken before the history is read again, so two
        // runs on one database file cannot both apply a migration.
        let tx = rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate).map_err(locked)?;
        if checked_inside {
            still_due(&tx, set, m, direction)?;
        }
        crate::watch::in_migration_transaction(|| script::execute(&tx, script.text(), budget))
            .map_err(|e| Error::Statement { message: e.message.clone(), running: e.running, location: located(e) })?;
        record(start.elapsed())?;
        tx.commit()?;
    }
    Ok(Applied {
        version: m.version,
        description: m.description.clone(),
        direction,
        elapsed_ns: start.elapsed().as_nanos() as u64,
    })
}
