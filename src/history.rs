//! The `_sqlx_migrations` table, laid out exactly as sqlx lays it out so that
//! sqlx-cli accepts a database made here. The only SQL about bookkeeping.

use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::Result;
use crate::migration::Migration;

/// The table's name, as sqlx spells it.
pub const TABLE: &str = "_sqlx_migrations";

const CREATE: &str = "CREATE TABLE IF NOT EXISTS _sqlx_migrations (
    version BIGINT PRIMARY KEY,
    description TEXT NOT NULL,
    installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    success BOOLEAN NOT NULL,
    checksum BLOB NOT NULL,
    execution_time BIGINT NOT NULL
)";

/// One row of `_sqlx_migrations`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AppliedRow {
    /// The migration's version.
    pub version: i64,
    /// The description recorded when it was applied.
    pub description: String,
    /// When it was applied, as SQLite's CURRENT_TIMESTAMP wrote it.
    pub installed_on: String,
    /// False when sqlx left the migration half-applied.
    pub success: bool,
    /// SHA-384 of the up file as it was applied.
    #[serde(with = "hex::serde")]
    pub checksum: Vec<u8>,
    /// How long the up script took, in nanoseconds.
    pub execution_time: i64,
}

/// Creates the table if it is not there.
pub fn ensure(conn: &Connection) -> Result<()> {
    conn.execute_batch(CREATE)?;
    Ok(())
}

/// Whether the table is there.
pub fn exists(conn: &Connection) -> Result<bool> {
    let found: Option<i64> = conn
        .query_row("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1", [TABLE], |r| r.get(0))
        .optional()?;
    Ok(found.is_some())
}

/// The rows by ascending version; none when the table does not exist yet.
pub fn applied(conn: &Connection) -> Result<Vec<AppliedRow>> {
    if !exists(conn)? {
        return Ok(Vec::new());
    }
    let mut stmt = conn.prepare(
        "SELECT version, description, installed_on, success, checksum, execution_time
         FROM _sqlx_migrations ORDER BY version",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(AppliedRow {
            version: r.get(0)?,
            description: r.get(1)?,
            installed_on: r.get(2)?,
            success: r.get(3)?,
            checksum: r.get(4)?,
            execution_time: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Records a migration as applied (inside the migration's transaction).
pub fn insert(conn: &Connection, m: &Migration, elapsed: Duration) -> Result<()> {
    conn.execute(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES (?1, ?2, TRUE, ?3, ?4)",
        params![m.version, m.description, m.checksum, elapsed.as_nanos() as i64],
    )?;
    Ok(())
}

/// Forgets a reverted migration (inside the migration's transaction).
pub fn delete(conn: &Connection, version: i64) -> Result<()> {
    conn.execute("DELETE FROM _sqlx_migrations WHERE version = ?1", [version])?;
    Ok(())
}
