//! Which schema objects a run touched, told by SQLite itself: an authorizer
//! callback sees every CREATE, DROP and ALTER as it is prepared. Verification
//! uses it to re-read only what changed, so a snapshot after each of 1,000
//! migrations costs what that migration changed, not the whole schema.
//!
//! The same authorizer is the sandbox every connection that runs migration
//! or console SQL has: no ATTACH (nor VACUUM INTO, which attaches its target)
//! of anything but `:memory:`, and no pragma that points SQLite at a folder.
//! So no statement can read or write a file, and no error message can carry
//! data from outside the database under test.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::ffi::{c_char, c_int, c_void, CStr};

use rusqlite::{ffi, Connection};

/// What a run touched.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Touched {
    /// Something changed that may reach any object (ALTER TABLE rewrites
    /// references elsewhere): read everything again.
    pub everything: bool,
    /// Tables and views (lowercase) created, dropped, or given an index or trigger.
    pub names: BTreeSet<String>,
    /// A pragma was set (`foreign_keys`, `writable_schema`, …): what SQLite
    /// guarantees may no longer hold anywhere, so check the whole database.
    pub pragmas: bool,
    /// Tables (lowercase) a statement inserted into, updated or deleted from
    /// (as prepared; triggers' statements included; `sqlite_` tables not).
    /// Not a schema change: verify's data checks read only these rows again.
    pub written: BTreeSet<String>,
}

thread_local! {
    /// Why the sandbox last refused a statement, for the error message (SQLite
    /// itself only says "not authorized").
    static REFUSED: RefCell<Option<String>> = const { RefCell::new(None) };
    /// Set while a migration runs inside the transaction migraplay opened for it:
    /// then no statement may begin, commit or roll back a transaction.
    static WRAPPED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// How many statements that set a connection's setting (a pragma with a value)
    /// were prepared on this thread: a migration that changed one has them put back.
    static SETTINGS_SET: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Runs `f` as a migration inside migraplay's own transaction: SQLite's
/// authorizer, which sees every BEGIN, COMMIT, END and ROLLBACK as SQLite
/// prepares it (however it is spelled or spaced), refuses them meanwhile.
pub fn in_migration_transaction<T>(f: impl FnOnce() -> T) -> T {
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            WRAPPED.with(|w| w.set(self.0));
        }
    }
    let _reset = Reset(WRAPPED.with(|w| w.replace(true)));
    f()
}

/// A count that moves whenever a statement setting a pragma is prepared on this thread.
pub fn settings_set() -> u64 {
    SETTINGS_SET.with(|c| c.get())
}

/// Why the sandbox refused the statement that just failed with "not authorized", if it did.
pub fn refusal() -> Option<String> {
    REFUSED.with(|r| r.borrow_mut().take())
}

fn refuse(why: String) -> c_int {
    REFUSED.with(|r| *r.borrow_mut() = Some(why));
    ffi::SQLITE_DENY
}

/// Pragmas whose argument names what to read (a table, an index), not a value
/// to set: they change nothing. (Verify's own checks run `foreign_key_check(t)`
/// after every step; counted as settings, they made every next snapshot re-read
/// the whole schema.)
const READ_PRAGMAS: [&str; 10] = [
    "foreign_key_check",
    "foreign_key_list",
    "index_info",
    "index_list",
    "index_xinfo",
    "integrity_check",
    "quick_check",
    "table_info",
    "table_list",
    "table_xinfo",
];

/// Pragmas that point SQLite at a folder of the machine.
const FOLDER_PRAGMAS: [&str; 2] = ["temp_store_directory", "data_store_directory"];

/// An authorizer on a connection that notes what DDL touches, until dropped.
pub struct Watch {
    db: *mut ffi::sqlite3,
    touched: Box<RefCell<Touched>>,
}

unsafe fn text(p: *const c_char) -> Option<String> {
    (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_string_lossy().to_ascii_lowercase())
}

unsafe fn exact(p: *const c_char) -> String {
    if p.is_null() { String::new() } else { unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned() }
}

/// The touched set of a live Watch.
unsafe fn touched<'a>(data: *mut c_void) -> &'a RefCell<Touched> {
    // SAFETY: `data` is the RefCell<Touched> boxed in a live Watch (see Watch::new);
    // SQLite calls the authorizer on the connection's thread, never re-entrantly.
    unsafe { &*data.cast::<RefCell<Touched>>() }
}

extern "C" fn note(data: *mut c_void, action: c_int, a1: *const c_char, a2: *const c_char, _db: *const c_char, _trigger: *const c_char) -> c_int {
    // Called for every column a statement reads, too: decide on the code before touching text.
    let name = match action {
        ffi::SQLITE_ATTACH => {
            // SQLite names the file only when it is a literal: a computed name
            // (`'/tmp/' || 'x.db'`, a subquery) comes as NULL and cannot be judged.
            if a1.is_null() {
                return refuse(
                    "refused: ATTACH of a computed file name, and migrations run in a sandbox: ATTACH may only name ':memory:' literally"
                        .into(),
                );
            }
            let file = unsafe { exact(a1) };
            // '' is a private temporary database SQLite names and deletes itself (plain
            // VACUUM attaches one): no path anybody chose, nothing left behind.
            if file == ":memory:" || file.is_empty() {
                // VACUUM renumbers `sqlite_schema`'s rows through that database, and
                // snapshots find objects by rowid (see schema::Snapshots): read it all again.
                if let Ok(mut t) = unsafe { touched(data) }.try_borrow_mut() {
                    t.everything = true;
                }
                return ffi::SQLITE_OK;
            }
            return refuse(format!(
                "refused: '{file}' is a file, and migrations run in a sandbox: ATTACH and VACUUM INTO may only name ':memory:'"
            ));
        }
        ffi::SQLITE_PRAGMA => {
            let pragma = unsafe { text(a1) }.unwrap_or_default();
            if FOLDER_PRAGMAS.contains(&pragma.as_str()) {
                return refuse(format!("refused: PRAGMA {pragma} points SQLite at a folder, and migrations run in a sandbox"));
            }
            // `writable_schema = RESET` only makes SQLite read its schema again (see schema::integrity).
            let value = unsafe { text(a2) };
            let reset = pragma == "writable_schema" && value.as_deref() == Some("reset");
            if pragma == "journal_mode" && value.as_deref().is_some_and(|v| v.trim_matches(['\'', '"']) == "off") {
                return refuse(
                    "refused: PRAGMA journal_mode = OFF turns rollback off, so a migration that fails could not be undone".into(),
                );
            }
            if !a2.is_null() && !READ_PRAGMAS.contains(&pragma.as_str()) {
                SETTINGS_SET.with(|c| c.set(c.get() + 1));
            }
            if !a2.is_null() && !reset && !READ_PRAGMAS.contains(&pragma.as_str()) {
                if let Ok(mut t) = unsafe { touched(data) }.try_borrow_mut() {
                    t.pragmas = true;
                }
            }
            return ffi::SQLITE_OK;
        }
        ffi::SQLITE_INSERT | ffi::SQLITE_UPDATE | ffi::SQLITE_DELETE => {
            if let (Some(table), Ok(mut t)) = (unsafe { text(a1) }, unsafe { touched(data) }.try_borrow_mut()) {
                if !table.starts_with("sqlite_") && !t.written.contains(&table) {
                    t.written.insert(table);
                }
            }
            return ffi::SQLITE_OK;
        }
        ffi::SQLITE_TRANSACTION if WRAPPED.with(|w| w.get()) => {
            let op = unsafe { text(a1) }.unwrap_or_default().to_ascii_uppercase();
            let what = if op == "BEGIN" { "starts a transaction inside".to_string() } else { "would end".to_string() };
            return refuse(format!(
                "refused: {op} {what} the transaction migraplay runs each migration in, leaving it half-applied; \
                 remove it, or make `-- no-transaction` the file's first line"
            ));
        }
        ffi::SQLITE_ALTER_TABLE => None,
        ffi::SQLITE_CREATE_TABLE
        | ffi::SQLITE_CREATE_TEMP_TABLE
        | ffi::SQLITE_DROP_TABLE
        | ffi::SQLITE_DROP_TEMP_TABLE
        | ffi::SQLITE_CREATE_VIEW
        | ffi::SQLITE_CREATE_TEMP_VIEW
        | ffi::SQLITE_DROP_VIEW
        | ffi::SQLITE_DROP_TEMP_VIEW
        | ffi::SQLITE_CREATE_VTABLE
        | ffi::SQLITE_DROP_VTABLE => Some(a1),
        ffi::SQLITE_CREATE_INDEX
        | ffi::SQLITE_CREATE_TEMP_INDEX
        | ffi::SQLITE_DROP_INDEX
        | ffi::SQLITE_DROP_TEMP_INDEX
        | ffi::SQLITE_CREATE_TRIGGER
        | ffi::SQLITE_CREATE_TEMP_TRIGGER
        | ffi::SQLITE_DROP_TRIGGER
        | ffi::SQLITE_DROP_TEMP_TRIGGER => Some(a2),
        _ => return ffi::SQLITE_OK,
    };
    let Ok(mut t) = unsafe { touched(data) }.try_borrow_mut() else { return ffi::SQLITE_OK };
    match name {
        None => t.everything = true,
        Some(p) => t.names.extend(unsafe { text(p) }),
    }
    ffi::SQLITE_OK
}

impl Watch {
    /// Starts watching `conn`.
    pub fn new(conn: &Connection) -> Self {
        // SAFETY: the handle outlives the Watch (the Watch is dropped before its
        // connection in every caller); the box stays put while registered.
        let db = unsafe { conn.handle() };
        let touched = Box::new(RefCell::new(Touched::default()));
        let data = (&*touched as *const RefCell<Touched>).cast_mut().cast();
        unsafe { ffi::sqlite3_set_authorizer(db, Some(note), data) };
        Watch { db, touched }
    }

    /// What was touched since the last call.
    pub fn take(&self) -> Touched {
        std::mem::take(&mut *self.touched.borrow_mut())
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        unsafe { ffi::sqlite3_set_authorizer(self.db, None, std::ptr::null_mut()) };
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn notes_tables_given_indexes_and_triggers_and_alter_means_everything() {
        let conn = Connection::open_in_memory().unwrap();
        let watch = Watch::new(&conn);
        conn.execute_batch("CREATE TABLE A(x); CREATE TABLE b(y); CREATE INDEX i ON b(y); CREATE VIEW v AS SELECT 1;").unwrap();
        let t = watch.take();
        assert!(!t.everything);
        assert_eq!(t.names.into_iter().collect::<Vec<_>>(), ["a", "b", "v"]);
        conn.execute_batch("INSERT INTO a VALUES (1); SELECT * FROM b; UPDATE b SET y = 2; DELETE FROM b;").unwrap();
        let written = watch.take();
        assert_eq!(written.written.into_iter().collect::<Vec<_>>(), ["a", "b"], "data changes are noted apart");
        assert!(written.names.is_empty() && !written.everything, "data changes are not schema changes");
        conn.execute_batch("ALTER TABLE a ADD COLUMN z;").unwrap();
        assert!(watch.take().everything);
        conn.execute_batch("PRAGMA foreign_keys;").unwrap();
        assert!(!watch.take().pragmas, "reading a pragma changes nothing");
        conn.execute_batch("PRAGMA foreign_keys = OFF;").unwrap();
        assert!(watch.take().pragmas);
        conn.execute_batch("PRAGMA foreign_key_check(a); PRAGMA table_info(b); PRAGMA integrity_check(1);").unwrap();
        assert!(!watch.take().pragmas, "a pragma that names what to read sets nothing");
    }

    #[test]
    fn inside_a_migration_s_transaction_sqlite_s_authorizer_refuses_every_transaction_statement() {
        // The second line of defence behind the tokenizer's check: whatever the spelling,
        // SQLite itself says which statement begins or ends a transaction.
        let conn = Connection::open_in_memory().unwrap();
        let _watch = Watch::new(&conn);
        conn.execute_batch("BEGIN").unwrap();
        for sql in ["COMMIT", "\n\x0bEND TRANSACTION", "ROLLBACK", "BEGIN IMMEDIATE"] {
            let err = in_migration_transaction(|| conn.execute_batch(sql)).unwrap_err().to_string();
            assert_eq!(err, "not authorized", "{sql:?}");
            assert!(refusal().unwrap().contains("the transaction migraplay runs each migration in"), "{sql:?}");
        }
        in_migration_transaction(|| conn.execute_batch("SAVEPOINT s; RELEASE s;")).unwrap();
        conn.execute_batch("COMMIT").unwrap();
        assert!(conn.is_autocommit(), "outside a migration, migraplay's own COMMIT runs");
    }

    #[test]
    fn attach_and_vacuum_into_reach_no_file_but_memory() {
        let dir = tempfile::tempdir().unwrap();
        let conn = Connection::open_in_memory().unwrap();
        let _watch = Watch::new(&conn);
        conn.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);").unwrap();
        for sql in [
            format!("ATTACH '{}' AS k", dir.path().join("k.db").display()),
            format!("ATTACH 'file:{}?mode=rwc' AS k", dir.path().join("u.db").display()),
            format!("VACUUM INTO '{}'", dir.path().join("copy.db").display()),
            format!("ATTACH '{}' || 'x.db' AS k", dir.path().display()),
            format!("ATTACH printf('%s', '{}') AS k", dir.path().join("p.db").display()),
            format!("ATTACH (SELECT '{}') AS k", dir.path().join("s.db").display()),
        ] {
            let err = conn.execute_batch(&sql).unwrap_err().to_string();
            assert!(err == "not authorized" || err == "authorization denied", "{sql}: {err}");
            assert!(refusal().unwrap().starts_with("refused: "), "{sql}");
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "no file appeared");
        conn.execute_batch("ATTACH ':memory:' AS m; CREATE TABLE m.x(a); DETACH m; VACUUM;").unwrap();
        let err = conn.execute_batch("PRAGMA temp_store_directory = '/tmp'").unwrap_err().to_string();
        assert_eq!(err, "not authorized");
        assert_eq!(refusal().unwrap(), "refused: PRAGMA temp_store_directory points SQLite at a folder, and migrations run in a sandbox");
    }
}
