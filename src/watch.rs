//! Which schema objects a run touched, told by SQLite itself: an authorizer
//! callback sees every CREATE, DROP and ALTER as it is prepared. Verification
//! uses it to re-read only what changed, so a snapshot after each of 1,000
//! migrations costs what that migration changed, not the whole schema.

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
}

/// An authorizer on a connection that notes what DDL touches, until dropped.
pub struct Watch {
    db: *mut ffi::sqlite3,
    touched: Box<RefCell<Touched>>,
}

unsafe fn text(p: *const c_char) -> Option<String> {
    (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_string_lossy().to_lowercase())
}

extern "C" fn note(data: *mut c_void, action: c_int, a1: *const c_char, a2: *const c_char, _db: *const c_char, _trigger: *const c_char) -> c_int {
    // Called for every column a statement reads, too: decide on the code before touching text.
    let name = match action {
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
    // SAFETY: `data` is the RefCell<Touched> boxed in a live Watch (see Watch::new);
    // SQLite calls this on the connection's thread, never re-entrantly with itself.
    let touched = unsafe { &*data.cast::<RefCell<Touched>>() };
    let Ok(mut t) = touched.try_borrow_mut() else { return ffi::SQLITE_OK };
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
        conn.execute_batch("INSERT INTO a VALUES (1); SELECT * FROM b;").unwrap();
        assert_eq!(watch.take(), Touched::default(), "data changes are not schema changes");
        conn.execute_batch("ALTER TABLE a ADD COLUMN z;").unwrap();
        assert!(watch.take().everything);
    }
}
