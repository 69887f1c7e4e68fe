//! A migration set and a database together: the one object the CLI and the
//! wasm facade drive. Plain Rust; the browser layer only converts its types.

use std::path::Path;

use rusqlite::Connection;

use crate::engine::{self, Applied, RunError};
use crate::error::Result;
use crate::history;
use crate::plan::{self, MigrationStatus, Target};
use crate::schema::{self, Schema};
use crate::source::MigrationSet;

/// A migration set bound to a database.
pub struct Playground {
    conn: Connection,
    set: MigrationSet,
}

impl Playground {
    /// A fresh in-memory database for `set`.
    pub fn in_memory(set: MigrationSet) -> Result<Self> {
        Self::with_connection(Connection::open_in_memory()?, set)
    }

    /// The database file at `path` (created if absent) for `set`.
    pub fn open(path: &Path, set: MigrationSet) -> Result<Self> {
        Self::with_connection(Connection::open(path)?, set)
    }

    fn with_connection(conn: Connection, set: MigrationSet) -> Result<Self> {
        engine::prepare(&conn)?;
        Ok(Playground { conn, set })
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
        Ok(plan::status(&self.set, &history::applied(&self.conn)?))
    }

    /// Moves the database to `target`; on failure, says what ran before it.
    pub fn migrate(&mut self, target: Target) -> Result<Vec<Applied>, RunError> {
        engine::migrate(&self.conn, &self.set, target)
    }

    /// A snapshot of the user's schema.
    pub fn schema(&self) -> Result<Schema> {
        schema::snapshot(&self.conn)
    }
}
