//! Runs a migration script statement by statement, split by SQLite itself
//! (prepare, step, continue at the tail), so a `;` inside a trigger body or a
//! string never splits a statement. Each failure knows its statement and line.

use std::ffi::{c_char, c_int, c_void, CStr};
use std::time::Duration;

use web_time::Instant;

use rusqlite::{ffi, Connection};

use crate::sqltext;

/// A statement that failed: its 1-based number, its line and SQLite's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementError {
    /// The statement's number in the script, 1-based.
    pub statement: usize,
    /// The line (1-based) of the statement's first token.
    pub line: usize,
    /// SQLite's error message.
    pub message: String,
    /// Where in the script SQLite points the error (a byte offset), when it says.
    pub offset: Option<usize>,
    /// Whether it failed while running, not when SQLite read it: only then can
    /// the rows in the database be why (a syntax error, a missing table or
    /// index is found before a row is read).
    pub running: bool,
}

/// A value read from a result row.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(untagged)]
pub enum Value {
    /// NULL.
    Null,
    /// An INTEGER.
    Integer(i64),
    /// A REAL.
    Real(f64),
    /// TEXT.
    Text(String),
    /// A BLOB, shown as its size and first bytes in hex.
    Blob {
        /// Its length in bytes.
        blob_bytes: usize,
        /// Hex of its first 32 bytes.
        hex: String,
    },
}

/// What one statement returned, for the console.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Output {
    /// The statement's number in the script, 1-based.
    pub statement: usize,
    /// Its text.
    pub sql: String,
    /// Result column names (empty for a statement that returns no rows).
    pub columns: Vec<String>,
    /// Rows, at most the limit asked for.
    pub rows: Vec<Vec<Value>>,
    /// More rows were there than the limit.
    pub truncated: bool,
    /// Rows changed by an INSERT, UPDATE or DELETE.
    pub changes: u64,
}

/// How long a script may run before SQLite is told to stop, when nothing else is said.
pub const DEFAULT_TIME_BUDGET: Duration = Duration::from_secs(5);

/// How much memory SQLite may take on top of what it holds when a script
/// starts, when nothing else is said: 256 MiB.
pub const DEFAULT_MEMORY_BUDGET: u64 = 256 * 1024 * 1024;

/// The memory budget in bytes (0: none). SQLite's heap limit is one for the
/// whole process, so this is a setting of the process (or page), not of a run.
static MEMORY_BUDGET: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(DEFAULT_MEMORY_BUDGET);

/// Sets how much memory one script may take (`None`: no limit).
pub fn set_memory_budget(bytes: Option<u64>) {
    MEMORY_BUDGET.store(bytes.unwrap_or(0), std::sync::atomic::Ordering::Relaxed);
}

/// The memory budget now, if any.
pub fn memory_budget() -> Option<u64> {
    Some(MEMORY_BUDGET.load(std::sync::atomic::Ordering::Relaxed)).filter(|&b| b > 0)
}

/// SQLite's hard heap limit at what it holds now plus the budget (or an outer
/// limit still in force, when lower); put back on drop.
struct HeapLimit {
    old: i64,
}

impl HeapLimit {
    fn new(budget: u64) -> Self {
        // SAFETY: plain calls on SQLite's global allocator statistics (a negative
        // argument only reads the limit).
        let used = unsafe { ffi::sqlite3_memory_used() };
        let mut limit = used.saturating_add(i64::try_from(budget).unwrap_or(i64::MAX));
        let outer = unsafe { ffi::sqlite3_hard_heap_limit64(-1) };
        if outer > 0 {
            limit = limit.min(outer);
        }
        HeapLimit { old: unsafe { ffi::sqlite3_hard_heap_limit64(limit) } }
    }
}

impl Drop for HeapLimit {
    fn drop(&mut self) {
        unsafe { ffi::sqlite3_hard_heap_limit64(self.old) };
    }
}

/// A time and memory budget over everything run on a connection while it
/// lives: a migration's statements and migraplay's own (the history row and
/// whatever triggers it fires, verify's seeding and reads). Budgets nest: an
/// inner one ends no later, and takes no more, than the one around it.
pub struct Budget {
    _deadline: Option<Deadline>,
    _memory: Option<HeapLimit>,
}

impl Budget {
    /// Starts `time` (None: no limit) and the process's memory budget on `conn`.
    pub fn start(conn: &Connection, time: Option<Duration>) -> Budget {
        // SAFETY: the handle outlives the Budget in every caller (a guard on the stack).
        let db = unsafe { conn.handle() };
        Budget { _deadline: time.map(|t| Deadline::new(db, t)), _memory: memory_budget().map(HeapLimit::new) }
    }

    #[cfg(feature = "full")]
    /// A memory budget alone (bytes), over every connection: SQLite's heap limit is the process's.
    pub fn memory(bytes: u64) -> Budget {
        Budget { _deadline: None, _memory: Some(HeapLimit::new(bytes)) }
    }

    /// Why `e`, from something run under a budget on `conn`, stopped it, when a
    /// budget is why: `stopped: it ran longer than the time budget of 5s`.
    pub fn why(conn: &Connection, time: Option<Duration>, e: &rusqlite::Error) -> Option<String> {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::OperationInterrupted) if Budget::passed(conn) => Some(over_time(time)),
            Some(rusqlite::ErrorCode::OutOfMemory) => Some(memory_budget().map_or("stopped: out of memory".into(), over_memory)),
            _ => None,
        }
    }

    /// `e` as said of `what` when a budget on `conn` stopped it (`Error::Stopped`), else as it is.
    pub fn name(conn: &Connection, time: Option<Duration>, what: impl FnOnce() -> String, e: crate::Error) -> crate::Error {
        match &e {
            crate::Error::Sqlite(inner) => match Budget::why(conn, time, inner) {
                Some(why) => crate::Error::Stopped { what: what(), why },
                None => e,
            },
            _ => e,
        }
    }

    /// Whether the deadline in force on `conn` (this one's or an outer one's) has passed.
    pub fn passed(conn: &Connection) -> bool {
        let db = unsafe { conn.handle() };
        DEADLINES.with(|d| d.borrow().iter().rev().find(|(h, _)| *h == db).is_some_and(|(_, at)| Instant::now() >= unsafe { **at }))
    }
}

/// What a spent time budget says.
fn over_time(budget: Option<Duration>) -> String {
    format!("stopped: it ran longer than the time budget of {:?}", budget.unwrap_or_default())
}

/// What a spent memory budget of `b` bytes says.
fn over_memory(b: u64) -> String {
    format!("stopped: it ran out of its memory budget of {}", bytes_text(b))
}

/// `256 MiB`, `1.5 GiB`.
fn bytes_text(b: u64) -> String {
    const MIB: f64 = 1024.0 * 1024.0;
    let mib = b as f64 / MIB;
    if mib >= 1024.0 { format!("{} GiB", (mib / 1024.0 * 10.0).round() / 10.0) } else { format!("{} MiB", (mib * 10.0).round() / 10.0) }
}

/// Runs every statement of `sql` in order and returns how many ran.
/// Rows a statement returns (a PRAGMA, a SELECT) are read and dropped.
pub fn execute(conn: &Connection, sql: &str, budget: Option<Duration>) -> Result<usize, StatementError> {
    run(conn, sql, None, budget).map(|outputs| outputs.len())
}

thread_local! {
    /// The deadlines in force, innermost last, by connection: a new one ends no
    /// later than the one around it, and dropping it puts the outer one back.
    static DEADLINES: std::cell::RefCell<Vec<(*mut ffi::sqlite3, *const Instant)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Stops SQLite (through its progress handler) once a deadline passes; on drop,
/// the deadline around it (on the same connection) is back in force, or none.
struct Deadline {
    db: *mut ffi::sqlite3,
    at: Box<Instant>,
}

extern "C" fn past_deadline(at: *mut c_void) -> c_int {
    // SAFETY: `at` is the Box<Instant> of a live Deadline; see Deadline::new.
    c_int::from(Instant::now() >= unsafe { *at.cast::<Instant>() })
}

fn register(db: *mut ffi::sqlite3, at: *const Instant) {
    // SAFETY: the pointer stays valid until its Deadline is dropped, which unregisters it.
    unsafe { ffi::sqlite3_progress_handler(db, 4_000, Some(past_deadline), at.cast_mut().cast()) };
}

impl Deadline {
    fn new(db: *mut ffi::sqlite3, budget: Duration) -> Self {
        let mut at = Instant::now() + budget;
        DEADLINES.with(|d| {
            let mut d = d.borrow_mut();
            if let Some((_, outer)) = d.iter().rev().find(|(h, _)| *h == db) {
                at = at.min(unsafe { **outer });
            }
            let at = Box::new(at);
            register(db, &*at);
            d.push((db, &*at));
            Deadline { db, at }
        })
    }

    fn passed(&self) -> bool {
        Instant::now() >= *self.at
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        DEADLINES.with(|d| {
            let mut d = d.borrow_mut();
            let mine: *const Instant = &*self.at;
            if let Some(i) = d.iter().rposition(|&(h, at)| h == self.db && at == mine) {
                d.remove(i);
            }
            match d.iter().rev().find(|(h, _)| *h == self.db) {
                Some(&(db, outer)) => register(db, outer),
                None => unsafe {
                    ffi::sqlite3_progress_handler(self.db, 0, None, std::ptr::null_mut());
                },
            }
        });
    }
}

/// Runs every statement of `sql`; with `max_rows`, keeps up to that many
/// rows of each statement's result (and stops reading it there). With a
/// `budget`, a script still running when it is spent is interrupted.
pub fn run(conn: &Connection, sql: &str, max_rows: Option<usize>, budget: Option<Duration>) -> Result<Vec<Output>, StatementError> {
    // SAFETY: the handle is used only while `conn` is borrowed, on this thread,
    // and every statement prepared here is finalized before returning.
    let db = unsafe { conn.handle() };
    let deadline = budget.map(|b| Deadline::new(db, b));
    crate::watch::refusal(); // forget any earlier refusal: only this run's count
    let memory = memory_budget();
    let _limit = memory.map(HeapLimit::new);
    let message = |db| {
        if let Some(why) = crate::watch::refusal() {
            return why;
        }
        if let Some(b) = memory.filter(|_| unsafe { ffi::sqlite3_errcode(db) } == ffi::SQLITE_NOMEM) {
            return over_memory(b);
        }
        match &deadline {
            Some(d) if d.passed() => over_time(budget),
            _ => unsafe { errmsg(db) },
        }
    };
    let bytes = sql.as_bytes();
    let mut offset = 0;
    let mut outputs = Vec::new();
    while offset < bytes.len() {
        let rest = &bytes[offset..];
        let count = outputs.len();
        let fail = || StatementError {
            statement: count + 1,
            line: line_of_first_token(sql, offset),
            message: message(db),
            offset: usize::try_from(unsafe { ffi::sqlite3_error_offset(db) }).ok().map(|o| offset + o),
            running: false,
        };
        let Ok(len) = c_int::try_from(rest.len()) else {
            return Err(StatementError { message: "script is too large for SQLite".into(), offset: None, ..fail() });
        };
        let mut stmt: *mut ffi::sqlite3_stmt = std::ptr::null_mut();
        let mut tail: *const c_char = std::ptr::null();
        let rc = unsafe { ffi::sqlite3_prepare_v2(db, rest.as_ptr().cast(), len, &mut stmt, &mut tail) };
        if rc != ffi::SQLITE_OK {
            return Err(fail());
        }
        let consumed = if tail.is_null() { rest.len() } else { tail as usize - rest.as_ptr() as usize };
        // The progress handler looks at the clock only every few thousand VM steps: a
        // script of many short but slow statements is stopped between them too.
        // (`fail` says the deadline passed.)
        if !stmt.is_null() && deadline.as_ref().is_some_and(Deadline::passed) {
            unsafe { ffi::sqlite3_finalize(stmt) };
            return Err(StatementError { running: true, offset: None, ..fail() });
        }
        if !stmt.is_null() {
            let text = String::from_utf8_lossy(&rest[..consumed]).trim().to_string();
            let mut out = Output { statement: count + 1, sql: text, columns: Vec::new(), rows: Vec::new(), truncated: false, changes: 0 };
            if max_rows.is_some() {
                out.columns = unsafe { column_names(stmt) };
            }
            // sqlite3_changes keeps the count of the last INSERT, UPDATE or DELETE: a
            // statement that changed nothing (ATTACH, VACUUM, CREATE) must not show it.
            let total_before = unsafe { ffi::sqlite3_total_changes64(db) };
            let rc = loop {
                match unsafe { ffi::sqlite3_step(stmt) } {
                    ffi::SQLITE_ROW => match max_rows {
                        Some(limit) if out.rows.len() >= limit => {
                            out.truncated = true;
                            break ffi::SQLITE_DONE;
                        }
                        Some(_) => out.rows.push(unsafe { row_values(stmt) }),
                        None => {}
                    },
                    rc => break rc,
                }
            };
            let error = (rc != ffi::SQLITE_DONE).then(|| StatementError { running: true, ..fail() });
            let changed = unsafe { ffi::sqlite3_total_changes64(db) } != total_before;
            out.changes = if out.columns.is_empty() && changed { u64::try_from(unsafe { ffi::sqlite3_changes64(db) }).unwrap_or(0) } else { 0 };
            unsafe { ffi::sqlite3_finalize(stmt) };
            if let Some(error) = error {
                return Err(error);
            }
            outputs.push(out);
        }
        if consumed == 0 {
            break;
        }
        offset += consumed;
    }
    Ok(outputs)
}

unsafe fn column_names(stmt: *mut ffi::sqlite3_stmt) -> Vec<String> {
    let n = unsafe { ffi::sqlite3_column_count(stmt) };
    (0..n)
        .map(|i| {
            let name = unsafe { ffi::sqlite3_column_name(stmt, i) };
            if name.is_null() { String::new() } else { unsafe { CStr::from_ptr(name) }.to_string_lossy().into_owned() }
        })
        .collect()
}

unsafe fn row_values(stmt: *mut ffi::sqlite3_stmt) -> Vec<Value> {
    let n = unsafe { ffi::sqlite3_column_count(stmt) };
    (0..n)
        .map(|i| unsafe {
            match ffi::sqlite3_column_type(stmt, i) {
                ffi::SQLITE_INTEGER => Value::Integer(ffi::sqlite3_column_int64(stmt, i)),
                ffi::SQLITE_FLOAT => Value::Real(ffi::sqlite3_column_double(stmt, i)),
                ffi::SQLITE_TEXT => {
                    let p = ffi::sqlite3_column_text(stmt, i);
                    let len = usize::try_from(ffi::sqlite3_column_bytes(stmt, i)).unwrap_or(0);
                    if p.is_null() {
                        Value::Text(String::new())
                    } else {
                        Value::Text(String::from_utf8_lossy(std::slice::from_raw_parts(p, len)).into_owned())
                    }
                }
                ffi::SQLITE_BLOB => {
                    let p = ffi::sqlite3_column_blob(stmt, i).cast::<u8>();
                    let len = usize::try_from(ffi::sqlite3_column_bytes(stmt, i)).unwrap_or(0);
                    let bytes = if p.is_null() { &[][..] } else { std::slice::from_raw_parts(p, len) };
                    Value::Blob { blob_bytes: len, hex: hex::encode(&bytes[..len.min(32)]) }
                }
                _ => Value::Null,
            }
        })
        .collect()
}

/// One statement of a script, as SQLite would split it, without running it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Statement<'a> {
    /// Its text, from its first token through its `;` (if any).
    pub text: &'a str,
    /// The byte offset of its first token in the script.
    pub offset: usize,
    /// The line (1-based) of its first token.
    pub line: usize,
}

/// Splits a script into statements without a database, in one pass: a `;`
/// ends a statement where SQLite's `sqlite3_complete` would say the text is
/// complete, so a `;` inside a trigger body does not. (This is its state
/// machine, run over our tokens: calling `sqlite3_complete` on the text so
/// far at every `;` made a long trigger cost quadratic time.)
pub fn split(sql: &str) -> Vec<Statement<'_>> {
    let mut out = Vec::new();
    let mut start = None;
    let mut state = Complete::Start;
    let mut lines = Lines::new(sql);
    for t in sqltext::tokens(sql) {
        let first = *start.get_or_insert(t.offset);
        state = state.next(&t);
        if t.is_punct(';') && state == Complete::Start {
            out.push(Statement { text: &sql[first..t.offset + 1], offset: first, line: lines.at(first) });
            start = None;
        }
    }
    if let Some(first) = start {
        out.push(Statement { text: sql[first..].trim_end(), offset: first, line: lines.at(first) });
    }
    out.retain(|s| s.text != ";");
    out
}

impl Statement<'_> {
    /// Its first word (`BEGIN`, `CREATE`), uppercased; `None` for no word.
    pub fn keyword(&self) -> Option<String> {
        sqltext::tokens(self.text).first().filter(|t| t.kind == sqltext::Kind::Word).map(|t| t.text.to_ascii_uppercase())
    }

    /// Whether it opens a transaction: `BEGIN` or `SAVEPOINT`.
    pub fn opens_transaction(&self) -> bool {
        matches!(self.keyword().as_deref(), Some("BEGIN" | "SAVEPOINT"))
    }
}

/// The last statement (its index) that opens a transaction, for saying where
/// one was left open.
pub fn last_opener(statements: &[Statement<'_>]) -> Option<usize> {
    statements.iter().rposition(Statement::opens_transaction)
}

/// Whether `sql` ends where a statement ends, as `sqlite3_complete` says (text
/// with no statement at all counts as complete).
pub fn complete(sql: &str) -> bool {
    sqltext::tokens(sql).iter().fold(Complete::Start, |state, t| state.next(t)) == Complete::Start
}

/// Line numbers of increasing offsets, counted once.
struct Lines<'a> {
    bytes: &'a [u8],
    at: usize,
    line: usize,
}

impl<'a> Lines<'a> {
    fn new(sql: &'a str) -> Self {
        Lines { bytes: sql.as_bytes(), at: 0, line: 1 }
    }

    /// The 1-based line of `offset` (never less than a previous one).
    fn at(&mut self, offset: usize) -> usize {
        let to = offset.min(self.bytes.len()).max(self.at);
        self.line += self.bytes[self.at..to].iter().filter(|&&b| b == b'\n').count();
        self.at = to;
        self.line
    }
}

/// The states of `sqlite3_complete` (SQLite's complete.c, with triggers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Complete {
    Start,
    Normal,
    Explain,
    Create,
    Trigger,
    Semi,
    End,
}

impl Complete {
    fn next(self, t: &sqltext::Token<'_>) -> Complete {
        use Complete::*;
        #[derive(PartialEq)]
        enum Tk {
            Semi,
            Other,
            Explain,
            Create,
            Temp,
            Trigger,
            End,
        }
        let tk = if t.is_punct(';') {
            Tk::Semi
        } else if t.kind != sqltext::Kind::Word {
            Tk::Other
        } else if t.is("CREATE") {
            Tk::Create
        } else if t.is("TEMP") || t.is("TEMPORARY") {
            Tk::Temp
        } else if t.is("TRIGGER") {
            Tk::Trigger
        } else if t.is("END") {
            Tk::End
        } else if t.is("EXPLAIN") {
            Tk::Explain
        } else {
            Tk::Other
        };
        match (self, tk) {
            (Trigger, Tk::Semi) | (Semi, Tk::Semi) => Semi,
            (Trigger, _) => Trigger,
            (Semi, Tk::End) => End,
            (Semi, _) => Trigger,
            (End, Tk::Semi) => Start,
            (End, _) => Trigger,
            (_, Tk::Semi) => Start,
            (Start, Tk::Explain) => Explain,
            (Start | Explain, Tk::Create) => Create,
            (Explain, Tk::Other) => Explain,
            (Create, Tk::Temp) => Create,
            (Create, Tk::Trigger) => Trigger,
            _ => Normal,
        }
    }
}

unsafe fn errmsg(db: *mut ffi::sqlite3) -> String {
    let msg = unsafe { ffi::sqlite3_errmsg(db) };
    if msg.is_null() {
        return "unknown error".into();
    }
    unsafe { CStr::from_ptr(msg) }.to_string_lossy().into_owned()
}

/// The 1-based line of the first token at or after `offset`, skipping the
/// blanks and comments SQLite leaves in front of a statement.
pub fn line_of_first_token(sql: &str, offset: usize) -> usize {
    let bytes = sql.as_bytes();
    let mut i = offset;
    while i < bytes.len() {
        match bytes[i] {
            b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' => i += 1,
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                i = bytes[i..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |p| i + p);
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = sql[i + 2..].find("*/").map_or(bytes.len(), |p| i + 2 + p + 2);
            }
            _ => break,
        }
    }
    let i = i.min(bytes.len());
    1 + bytes[..i].iter().filter(|&&b| b == b'\n').count()
}

#[cfg(test)]
mod test {
    use super::*;

    /// SQLite's own answer, the reference for `split`.
    fn is_complete(text: &str) -> bool {
        let c = std::ffi::CString::new(text).unwrap();
        // SAFETY: a valid NUL-terminated string; sqlite3_complete only reads it.
        unsafe { ffi::sqlite3_complete(c.as_ptr()) != 0 }
    }

    #[test]
    fn split_ends_statements_exactly_where_sqlite3_complete_does() {
        let parts = [
            "CREATE TABLE t(x);",
            "CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET x = CASE WHEN 1 THEN 2 END; SELECT 1; END;",
            "create temp trigger tt before delete on t begin select 'end;'; end;",
            "EXPLAIN CREATE TRIGGER te AFTER UPDATE ON t BEGIN SELECT 1; END;",
            "EXPLAIN SELECT 1;",
            "SELECT \"end\", [trigger], `create`;",
            "CREATE TEMPORARY TABLE trigger(end);",
            "-- comment; with semicolons;\n",
            "/* block; comment */ SELECT 2;",
            "END;",
            "INSERT INTO t VALUES ('a;b');",
        ];
        for a in parts {
            for b in parts {
                for c in parts {
                    let sql = format!("{a}\n{b} {c}");
                    let mut from = 0;
                    for st in split(&sql) {
                        let end = st.offset + st.text.len();
                        if st.text.ends_with(';') {
                            assert!(is_complete(&sql[from..end]), "{sql:?}: {:?} ends too early", st.text);
                            let inner = &sql[st.offset..end - 1];
                            assert!(
                                inner.match_indices(';').all(|(i, _)| !is_complete(&sql[st.offset..st.offset + i + 1])),
                                "{sql:?}: {:?} should have ended sooner",
                                st.text
                            );
                        }
                        assert_eq!(st.line, line_of_first_token(&sql, st.offset), "{sql:?}");
                        from = end;
                    }
                }
            }
        }
    }

    #[test]
    fn a_statement_that_changes_no_row_after_an_insert_counts_none() {
        let conn = Connection::open_in_memory().unwrap();
        let out = run(&conn, "CREATE TABLE t(x); INSERT INTO t VALUES (1); ATTACH ':memory:' AS m; VACUUM; CREATE TABLE u(y);", Some(10), None).unwrap();
        let changes: Vec<u64> = out.iter().map(|o| o.changes).collect();
        assert_eq!(changes, [0, 1, 0, 0, 0]);
    }

    // The memory budget is tested in tests/hostile.rs, in a process of its own:
    // SQLite's heap limit is one per process, and tests here run side by side.

    #[test]
    fn a_megabyte_trigger_with_many_statements_splits_in_one_pass() {
        let body = "UPDATE t SET x = x + 1;\n".repeat(40_000);
        let sql = format!("CREATE TABLE t(x);\nCREATE TRIGGER tr AFTER INSERT ON t BEGIN\n{body}END;\nSELECT 1;");
        let st = split(&sql);
        assert_eq!(st.len(), 3);
        assert_eq!(st[2].line, 40_004);
    }

    #[test]
    fn semicolons_inside_triggers_and_strings_do_not_split() -> rusqlite::Result<()> {
        let conn = Connection::open_in_memory()?;
        let n = execute(
            &conn,
            "CREATE TABLE t(x TEXT DEFAULT 'a;b');\n\
             CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET x = 'c;d'; SELECT 1; END;\n\
             -- trailing comment",
            None,
        )
        .unwrap();
        assert_eq!(n, 2);
        Ok(())
    }

    #[test]
    fn an_error_names_the_statement_and_the_line_it_starts_on() {
        let conn = Connection::open_in_memory().unwrap();
        let sql = "CREATE TABLE a(x);\n\n-- the next one is broken\n/* really */\nCREATE TABLEE b(x);\n";
        let err = execute(&conn, sql, None).unwrap_err();
        assert_eq!(err.statement, 2);
        assert_eq!(err.line, 5);
        assert_eq!(err.message, "near \"TABLEE\": syntax error");
    }

    #[test]
    fn a_runtime_error_names_its_statement() {
        let conn = Connection::open_in_memory().unwrap();
        let err = execute(&conn, "CREATE TABLE a(x);\r\nCREATE TABLE a(x);", None).unwrap_err();
        assert_eq!((err.statement, err.line), (2, 2));
        assert_eq!(err.message, "table a already exists");
    }

    #[test]
    fn split_keeps_trigger_bodies_whole_and_knows_lines() {
        let sql = "-- head\nCREATE TABLE t(x);\n\nCREATE TRIGGER tr AFTER INSERT ON t\nBEGIN\n  UPDATE t SET x = 1;\n  SELECT ';';\nEND;\nDROP TABLE t";
        let got: Vec<(usize, &str)> = split(sql).iter().map(|s| (s.line, s.text)).collect();
        assert_eq!(
            got,
            [
                (2, "CREATE TABLE t(x);"),
                (4, "CREATE TRIGGER tr AFTER INSERT ON t\nBEGIN\n  UPDATE t SET x = 1;\n  SELECT ';';\nEND;"),
                (9, "DROP TABLE t"),
            ]
        );
    }

    #[test]
    fn run_keeps_rows_up_to_the_limit_and_counts_changes() {
        let conn = Connection::open_in_memory().unwrap();
        let out = run(
            &conn,
            "CREATE TABLE t(a, b); INSERT INTO t VALUES (1, 'x'), (2.5, NULL), (x'00ff', 'z');\nSELECT a, b AS bee FROM t;",
            Some(2),
            None,
        )
        .unwrap();
        assert_eq!(out.len(), 3);
        assert_eq!(out[1].changes, 3);
        assert_eq!(out[2].columns, ["a", "bee"]);
        assert_eq!(out[2].rows, [vec![Value::Integer(1), Value::Text("x".into())], vec![Value::Real(2.5), Value::Null]]);
        assert!(out[2].truncated);
        assert_eq!(out[2].sql, "SELECT a, b AS bee FROM t;");
    }

    #[test]
    fn a_syntax_error_points_at_its_byte() {
        let conn = Connection::open_in_memory().unwrap();
        let sql = "SELECT 1;\nSELECT * FORM t;";
        let err = run(&conn, sql, Some(10), None).unwrap_err();
        assert_eq!(err.message, "near \"FORM\": syntax error");
        assert_eq!(&sql[err.offset.unwrap()..], "FORM t;");
    }

    #[test]
    fn a_runaway_statement_is_stopped_by_the_time_budget() {
        let conn = Connection::open_in_memory().unwrap();
        let started = Instant::now();
        let sql = "CREATE TABLE t(x);\nWITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n;";
        let err = execute(&conn, sql, Some(Duration::from_millis(200))).unwrap_err();
        assert_eq!((err.statement, err.line), (2, 2));
        assert_eq!(err.message, "stopped: it ran longer than the time budget of 200ms");
        assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
        assert_eq!(execute(&conn, "SELECT 1", Some(Duration::from_millis(200))).unwrap(), 1, "the handler is gone afterwards");
    }

    #[test]
    fn comment_only_and_empty_scripts_run_nothing() {
        let conn = Connection::open_in_memory().unwrap();
        assert_eq!(execute(&conn, "", None).unwrap(), 0);
        assert_eq!(execute(&conn, "-- nothing\n/* here */\n", None).unwrap(), 0);
    }
}
