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

/// sqlx's columns, and what each holds (a SQLite storage class, as `typeof` names it).
const COLUMNS: [(&str, &str); 6] = [
    ("version", "integer"),
    ("description", "text"),
    ("installed_on", "text"),
    ("success", "integer"),
    ("checksum", "blob"),
    ("execution_time", "integer"),
];

/// Why the table is not as sqlx makes it (its columns, each row's types, a
/// version recorded twice), or `Ok(())`; a missing table is fine here. Checked
/// before an opened database replaces anything, so that a damaged history is
/// refused once, with its row named, instead of failing every later action.
pub fn check(conn: &Connection) -> Result<(), String> {
    let sqlite = |e: rusqlite::Error| e.to_string();
    let kind: Option<String> = conn
        .query_row("SELECT type FROM sqlite_schema WHERE name = ?1 COLLATE NOCASE", [TABLE], |r| r.get(0))
        .optional()
        .map_err(sqlite)?;
    match kind.as_deref() {
        None => return Ok(()),
        Some("table") => {}
        Some(other) => return Err(format!("{TABLE} is a {other}, not a table")),
    }
    let mut stmt = conn.prepare("SELECT name FROM pragma_table_info(?1)").map_err(sqlite)?;
    let names: Vec<String> = stmt.query_map([TABLE], |r| r.get(0)).map_err(sqlite)?.collect::<rusqlite::Result<_>>().map_err(sqlite)?;
    let has = |name: &str| names.iter().any(|n| n.eq_ignore_ascii_case(name));
    let missing: Vec<&str> = COLUMNS.iter().map(|(c, _)| *c).filter(|c| !has(c)).collect();
    if !missing.is_empty() {
        return Err(format!("it has no column {}", missing.join(", ")));
    }
    let extra: Vec<&str> = names.iter().map(String::as_str).filter(|n| !COLUMNS.iter().any(|(c, _)| c.eq_ignore_ascii_case(n))).collect();
    if !extra.is_empty() {
        return Err(format!("it has columns sqlx does not make: {}", extra.join(", ")));
    }

    let types = COLUMNS.iter().map(|(c, _)| format!("typeof({c})")).collect::<Vec<_>>().join(", ");
    let sql = format!("SELECT quote(version), success IN (0, 1), {types} FROM {TABLE}");
    let mut stmt = conn.prepare(&sql).map_err(sqlite)?;
    let mut rows = stmt.query([]).map_err(sqlite)?;
    let mut n = 0;
    while let Some(row) = rows.next().map_err(sqlite)? {
        n += 1;
        let version: String = row.get(0).map_err(sqlite)?;
        for (i, (column, expected)) in COLUMNS.iter().enumerate() {
            let found: String = row.get(i + 2).map_err(sqlite)?;
            if found != *expected {
                let article = |t: &str| if t.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
                return Err(format!(
                    "row {n} (version {version}) has {} {found} {column}; sqlx stores {} {expected}",
                    article(&found),
                    article(expected)
                ));
            }
        }
        if !row.get::<_, bool>(1).map_err(sqlite)? {
            return Err(format!("row {n} (version {version}) has a success other than 0 or 1"));
        }
    }
    let twice: Option<i64> = conn
        .query_row(&format!("SELECT version FROM {TABLE} GROUP BY version HAVING count(*) > 1 LIMIT 1"), [], |r| r.get(0))
        .optional()
        .map_err(sqlite)?;
    match twice {
        Some(v) => Err(format!("version {v} is recorded twice")),
        None => Ok(()),
    }
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
