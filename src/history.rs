//! The bookkeeping tables of the seven tools, each laid out exactly as its
//! tool lays it out, so that the tool accepts a database made here: sqlx's
//! `_sqlx_migrations`, golang-migrate's `schema_migrations(version, dirty)`,
//! goose's `goose_db_version`, dbmate's `schema_migrations(version)`, diesel's
//! `__diesel_schema_migrations`, refinery's `refinery_schema_history` and
//! Prisma's `_prisma_migrations`. The only SQL about bookkeeping.

use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::Result;
use crate::flavor::Flavor;
use crate::migration::{Direction, Migration};
use crate::source::MigrationSet;

/// sqlx's table's name, as sqlx spells it.
pub const TABLE: &str = "_sqlx_migrations";

/// Every tool's table: left out of the user's schema.
pub const TABLES: [&str; 6] = [TABLE, "schema_migrations", "goose_db_version", DIESEL_TABLE, REFINERY_TABLE, PRISMA_TABLE];

/// diesel's table.
const DIESEL_TABLE: &str = "__diesel_schema_migrations";
/// refinery's table (its default name; `--table-name` changes it).
const REFINERY_TABLE: &str = "refinery_schema_history";
/// Prisma's table.
const PRISMA_TABLE: &str = "_prisma_migrations";

/// Whether `name` is one of `TABLES`, in any case.
pub fn is_bookkeeping(name: &str) -> bool {
    TABLES.iter().any(|t| t.eq_ignore_ascii_case(name))
}

/// The bookkeeping table of a flavor.
pub fn table(flavor: Flavor) -> &'static str {
    match flavor {
        Flavor::Sqlx => TABLE,
        Flavor::GolangMigrate | Flavor::Dbmate => "schema_migrations",
        Flavor::Goose => "goose_db_version",
        Flavor::Diesel => DIESEL_TABLE,
        Flavor::Refinery => REFINERY_TABLE,
        Flavor::Prisma => PRISMA_TABLE,
    }
}

/// golang-migrate's table and index, as its sqlite3 driver makes them.
const GOLANG: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (version uint64, dirty bool);
CREATE UNIQUE INDEX IF NOT EXISTS version_unique ON schema_migrations (version);";

/// goose's table on SQLite, and its first row (version 0), as goose makes them.
const GOOSE: &str = "CREATE TABLE IF NOT EXISTS goose_db_version (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version_id INTEGER NOT NULL,
    is_applied INTEGER NOT NULL,
    tstamp TIMESTAMP DEFAULT (datetime('now'))
)";

/// dbmate's table on SQLite.
const DBMATE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (version varchar(128) primary key)";

/// diesel's table, byte for byte as diesel sends it (diesel-rs/diesel@04cc1b0,
/// diesel/src/migration/setup_migration_table.sql, unchanged since 2.2), so that
/// `sqlite_master` holds the same text.
const DIESEL: &str = "CREATE TABLE IF NOT EXISTS __diesel_schema_migrations (
       version VARCHAR(50) PRIMARY KEY NOT NULL,
       run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
";

/// refinery's table, as refinery_cli 0.10.0 sends it (refinery-core 0.10.0
/// src/traits/mod.rs:107-112, `%VERSION_TYPE%` int4 without `int8-versions`).
const REFINERY: &str = "CREATE TABLE IF NOT EXISTS refinery_schema_history(
             version int4 PRIMARY KEY,
             name VARCHAR(255),
             applied_on VARCHAR(255),
             checksum VARCHAR(255));";

/// Prisma's table on SQLite (prisma-engines@2ba551f, the engine of Prisma 6.19.0:
/// sql-schema-connector/src/flavour/sqlite.rs:194-209).
const PRISMA: &str = r#"CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)"#;

/// Now as Prisma binds a date on SQLite: INTEGER Unix milliseconds
/// (quaint/src/connector/sqlite/native/conversion.rs:303).
const PRISMA_NOW: &str = "CAST(unixepoch('subsec') * 1000 AS INTEGER)";

/// The flavor whose bookkeeping table a database has, if any (sqlx first).
pub fn detect(conn: &Connection) -> Result<Option<Flavor>> {
    for flavor in [Flavor::Sqlx, Flavor::Goose, Flavor::Diesel, Flavor::Refinery, Flavor::Prisma] {
        if table_exists(conn, table(flavor))? {
            return Ok(Some(flavor));
        }
    }
    if !table_exists(conn, "schema_migrations")? {
        return Ok(None);
    }
    let dirty: i64 = conn.query_row("SELECT count(*) FROM pragma_table_info('schema_migrations') WHERE name = 'dirty'", [], |r| r.get(0))?;
    Ok(Some(if dirty > 0 { Flavor::GolangMigrate } else { Flavor::Dbmate }))
}

fn table_exists(conn: &Connection, name: &str) -> Result<bool> {
    let found: Option<i64> = conn
        .query_row("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1", [name], |r| r.get(0))
        .optional()?;
    Ok(found.is_some())
}

/// Creates a flavor's table if it is not there.
pub fn ensure_for(conn: &Connection, flavor: Flavor) -> Result<()> {
    match flavor {
        Flavor::Sqlx => ensure(conn),
        Flavor::GolangMigrate => Ok(conn.execute_batch(GOLANG)?),
        Flavor::Dbmate => Ok(conn.execute_batch(DBMATE)?),
        Flavor::Diesel => Ok(conn.execute_batch(DIESEL)?),
        Flavor::Refinery => Ok(conn.execute_batch(REFINERY)?),
        Flavor::Prisma => Ok(conn.execute_batch(PRISMA)?),
        Flavor::Goose => {
            if !table_exists(conn, "goose_db_version")? {
                conn.execute_batch(GOOSE)?;
                conn.execute("INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, 1)", [])?;
            }
            Ok(())
        }
    }
}

/// What the set's flavor's table records, as rows of the common shape (sqlx's):
/// tools that keep no checksum record the set's own, so nothing reads as modified.
pub fn applied_for(conn: &Connection, set: &MigrationSet) -> Result<Vec<AppliedRow>> {
    let flavor = set.flavor().flavor;
    if flavor == Flavor::Sqlx {
        return applied(conn);
    }
    if !table_exists(conn, table(flavor))? {
        return Ok(Vec::new());
    }
    let row = |version: i64, success: bool, installed_on: String| {
        let m = set.get(version);
        AppliedRow {
            version,
            description: m.map(|m| m.description.clone()).unwrap_or_default(),
            installed_on,
            success,
            checksum: m.map(|m| m.checksum.clone()).unwrap_or_default(),
            execution_time: 0,
        }
    };
    let versions = |sql: &str| -> Result<Vec<(i64, String)>> {
        let mut stmt = conn.prepare(sql)?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Option<String>>(1)?.unwrap_or_default())))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    };
    Ok(match flavor {
        Flavor::Sqlx => unreachable!("handled above"),
        // One row: the current version; everything below it in the set is applied.
        Flavor::GolangMigrate => {
            let current: Option<(i64, bool)> =
                conn.query_row("SELECT version, dirty FROM schema_migrations LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
            let Some((current, dirty)) = current.filter(|(v, _)| *v >= 0) else { return Ok(Vec::new()) };
            let mut rows: Vec<AppliedRow> =
                set.migrations().iter().filter(|m| m.version < current).map(|m| row(m.version, true, String::new())).collect();
            rows.push(row(current, !dirty, String::new()));
            rows
        }
        Flavor::Goose => versions("SELECT version_id, tstamp FROM goose_db_version WHERE version_id > 0 AND is_applied = 1 ORDER BY version_id")?
            .into_iter()
            .map(|(v, at)| row(v, true, at))
            .collect(),
        Flavor::Dbmate => versions("SELECT CAST(version AS INTEGER), NULL FROM schema_migrations ORDER BY CAST(version AS INTEGER)")?
            .into_iter()
            .map(|(v, _)| row(v, true, String::new()))
            .collect(),
        // Rows whose key no migration of the set has are left out: diesel's run and
        // list pass over them (migration_harness.rs:111-130), refinery_cli only logs
        // them (its -m is off by default), Prisma applies what has no row.
        Flavor::Diesel | Flavor::Refinery | Flavor::Prisma => {
            let sql = match flavor {
                Flavor::Diesel => "SELECT CAST(version AS TEXT), CAST(run_on AS TEXT), 1 FROM __diesel_schema_migrations",
                Flavor::Refinery => "SELECT CAST(version AS TEXT), CAST(applied_on AS TEXT), 1 FROM refinery_schema_history",
                // Prisma writes its times as integer milliseconds; shown as SQLite writes a time.
                _ => "SELECT CAST(migration_name AS TEXT),
                        CASE typeof(started_at) WHEN 'integer' THEN strftime('%Y-%m-%d %H:%M:%f', started_at / 1000.0, 'unixepoch')
                        ELSE CAST(started_at AS TEXT) END,
                        finished_at IS NOT NULL
                      FROM _prisma_migrations WHERE rolled_back_at IS NULL",
            };
            let mut stmt = conn.prepare(sql)?;
            let found = stmt.query_map([], |r| Ok((r.get::<_, Option<String>>(0)?.unwrap_or_default(), r.get::<_, Option<String>>(1)?.unwrap_or_default(), r.get::<_, bool>(2)?)))?;
            // What each row names, to the migration's version: refinery's rows by version, the others by key.
            let by_key: std::collections::HashMap<String, i64> = set
                .migrations()
                .iter()
                .map(|m| (if flavor == Flavor::Refinery { m.version.to_string() } else { m.key() }, m.version))
                .collect();
            let mut rows = Vec::new();
            for f in found {
                let (key, at, success) = f?;
                if let Some(&version) = by_key.get(&key) {
                    rows.push(row(version, success, at));
                }
            }
            rows.sort_by_key(|r| r.version);
            rows
        }
    })
}

/// The version as a dbmate file name writes it: the digits before the first `_`.
fn dbmate_version(m: &Migration) -> String {
    let digits: String = m.up.file.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() { m.version.to_string() } else { digits }
}

/// golang-migrate's version row, as its driver's SetVersion writes it: the
/// table emptied, then the version (`None`: no version) with its dirty flag.
fn set_version(conn: &Connection, version: Option<i64>, dirty: bool) -> Result<()> {
    conn.execute("DELETE FROM schema_migrations", [])?;
    if let Some(v) = version.or(dirty.then_some(-1)) {
        conn.execute("INSERT INTO schema_migrations (version, dirty) VALUES (?1, ?2)", params![v, dirty])?;
    }
    Ok(())
}

/// golang-migrate's `force V`: the table says version `V` (`-1`: none), clean,
/// whatever it said before; nothing runs. (migrate/migrate.go `Force`: `SetVersion(version, false)`.)
pub fn force(conn: &Connection, set: &MigrationSet, version: i64) -> Result<()> {
    if set.flavor().flavor != Flavor::GolangMigrate {
        return Err(crate::Error::NotThisTool(format!(
            "force is golang-migrate's (the set is read as {}); it sets the version golang-migrate's table holds",
            set.flavor().flavor
        )));
    }
    ensure_for(conn, Flavor::GolangMigrate)?;
    set_version(conn, (version >= 0).then_some(version), false)
}

/// The version golang-migrate's table holds once `m` ran in `direction`.
fn target(set: &MigrationSet, m: &Migration, direction: Direction) -> Option<i64> {
    match direction {
        Direction::Up => Some(m.version),
        Direction::Down => set.migrations().iter().map(|x| x.version).filter(|v| *v < m.version).max(),
    }
}

/// Before a migration runs, outside its transaction: golang-migrate marks the
/// database dirty at the target version, so a failure leaves it dirty.
pub fn before(conn: &Connection, set: &MigrationSet, m: &Migration, direction: Direction) -> Result<()> {
    let flavor = set.flavor().flavor;
    ensure_for(conn, flavor)?;
    match (flavor, direction) {
        (Flavor::GolangMigrate, _) => set_version(conn, target(set, m, direction), true)?,
        // Prisma's row comes first, unfinished; a failure leaves it so (its P3009).
        // prisma-engines@2ba551f, schema-engine/commands/src/commands/apply_migrations.rs:52-100:
        // id a UUID v4, the checksum the hex SHA-256 of the script, started_at now.
        (Flavor::Prisma, Direction::Up) => {
            use sha2::{Digest, Sha256};
            let checksum = hex::encode(Sha256::digest(m.up.sql.as_bytes()));
            conn.execute(
                &format!(
                    "INSERT INTO _prisma_migrations (id, checksum, started_at, migration_name) VALUES (
                       (SELECT lower(substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-' ||
                         substr('89ab', 1 + (abs(random()) % 4), 1) || substr(h, 18, 3) || '-' || substr(h, 21, 12))
                        FROM (SELECT hex(randomblob(16)) AS h)),
                       ?1, {PRISMA_NOW}, ?2)"
                ),
                params![checksum, m.key()],
            )?;
        }
        _ => {}
    }
    Ok(())
}

/// Records a migration that ran (inside its transaction, when it has one).
pub fn record(conn: &Connection, set: &MigrationSet, m: &Migration, direction: Direction, elapsed: Duration) -> Result<()> {
    match (set.flavor().flavor, direction) {
        (Flavor::Sqlx, Direction::Up) => insert(conn, m, elapsed),
        (Flavor::Sqlx, Direction::Down) => delete(conn, m.version),
        (Flavor::GolangMigrate, _) => set_version(conn, target(set, m, direction), false),
        (Flavor::Goose, Direction::Up) => {
            conn.execute("INSERT INTO goose_db_version (version_id, is_applied) VALUES (?1, 1)", [m.version])?;
            Ok(())
        }
        (Flavor::Goose, Direction::Down) => {
            conn.execute("DELETE FROM goose_db_version WHERE version_id = ?1", [m.version])?;
            Ok(())
        }
        // dbmate keeps the version as its file name writes it (`001`, not `1`).
        (Flavor::Dbmate, Direction::Up) => {
            conn.execute("INSERT INTO schema_migrations (version) VALUES (?1)", [dbmate_version(m)])?;
            Ok(())
        }
        (Flavor::Dbmate, Direction::Down) => {
            conn.execute("DELETE FROM schema_migrations WHERE CAST(version AS INTEGER) = ?1", [m.version])?;
            Ok(())
        }
        // diesel's own statements (diesel-rs/diesel@04cc1b0, migration_harness.rs:172-233), the version as text.
        (Flavor::Diesel, Direction::Up) => {
            conn.execute("INSERT INTO `__diesel_schema_migrations` (`version`) VALUES (?)", [m.key()])?;
            Ok(())
        }
        (Flavor::Diesel, Direction::Down) => {
            conn.execute("DELETE FROM `__diesel_schema_migrations` WHERE (`__diesel_schema_migrations`.`version` = ?)", [m.key()])?;
            Ok(())
        }
        // refinery-core 0.10.0 src/traits/mod.rs:95-105: the checksum as a decimal in
        // TEXT (refinery reads it back with `parse::<u64>()`), applied_on RFC 3339 in UTC.
        (Flavor::Refinery, Direction::Up) => {
            let version = i32::try_from(m.version).map_err(|_| crate::Error::NotAVersion(m.version.to_string()))?;
            let checksum = crate::flavor::refinery_checksum(&m.key(), version, &m.up.sql).to_string();
            conn.execute(
                "INSERT INTO refinery_schema_history (version, name, applied_on, checksum)
                 VALUES (?1, ?2, rtrim(rtrim(strftime('%Y-%m-%dT%H:%M:%f', 'now'), '0'), '.') || 'Z', ?3)",
                params![version, m.key(), checksum],
            )?;
            Ok(())
        }
        (Flavor::Refinery, Direction::Down) => {
            conn.execute("DELETE FROM refinery_schema_history WHERE version = ?1", [m.version])?;
            Ok(())
        }
        // apply_migrations.rs:101-139: one step done, then finished.
        (Flavor::Prisma, Direction::Up) => {
            conn.execute(
                &format!(
                    "UPDATE _prisma_migrations SET applied_steps_count = applied_steps_count + 1, finished_at = {PRISMA_NOW}
                     WHERE migration_name = ?1 AND finished_at IS NULL AND rolled_back_at IS NULL"
                ),
                [m.key()],
            )?;
            Ok(())
        }
        (Flavor::Prisma, Direction::Down) => {
            conn.execute("DELETE FROM _prisma_migrations WHERE migration_name = ?1", [m.key()])?;
            Ok(())
        }
    }
}

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

/// Whether sqlx's table is there.
pub fn exists(conn: &Connection) -> Result<bool> {
    table_exists(conn, TABLE)
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
