//! A database exported as a `.sqlite` file and opened again: what sqlx would
//! see (installed, pending, changed, missing, failed), and clear errors for
//! files that are not migraplay's or sqlx's.

mod common;

use common::playground;
use migraplay::{MigrationSet, Playground, State, Target};

fn exported_after(target: Target) -> Vec<u8> {
    let mut pg = playground("bundled");
    pg.migrate(target).unwrap();
    pg.export().unwrap()
}

#[test]
fn an_exported_database_opens_as_a_sqlite_file_with_sqlx_rows() {
    let bytes = exported_after(Target::Up(Some(20250115010200)));
    assert!(bytes.starts_with(b"SQLite format 3\0"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.sqlite");
    std::fs::write(&path, &bytes).unwrap();
    let pg = Playground::open(&path, MigrationSet::bundled()).unwrap();
    let states: Vec<State> = pg.status().unwrap().iter().map(|s| s.state).collect();
    assert_eq!(states, [State::Applied, State::Applied, State::Applied, State::Pending, State::Pending, State::Pending, State::Pending]);
    assert_eq!(common::tables(&pg), ["tasks", "workflow_tasks", "workflows"]);
}

#[test]
fn importing_it_back_shows_no_drift() {
    let bytes = exported_after(Target::Up(None));
    let pg = Playground::from_database("export.sqlite", &bytes, MigrationSet::bundled()).unwrap();
    assert!(pg.status().unwrap().iter().all(|s| s.state == State::Applied));
    assert_eq!(pg.schema().unwrap().totals.tables, 6);
}

#[test]
fn drift_against_another_set_is_reported_as_sqlx_migrate_info_would() {
    let bytes = exported_after(Target::Up(Some(20250115010100)));
    // A changed file, a migration missing from the set, and a failed row.
    let mut files = MigrationSet::bundled().files();
    files.retain(|(n, _)| !n.starts_with("20250115010100"));
    files[0].1.push_str("\n-- edited\n");
    let set = MigrationSet::from_files(files.into_iter().map(|(n, t)| (n, t.into_bytes()))).unwrap();
    let pg = Playground::from_database("prod.sqlite", &bytes, set.clone()).unwrap();
    pg.connection()
        .execute("INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (20250115010500, 'create configurations', FALSE, x'00', 1)", [])
        .unwrap();
    let states: Vec<(i64, State)> = pg.status().unwrap().iter().map(|s| (s.version, s.state)).collect();
    assert_eq!(
        states,
        [
            (20250115010000, State::Modified),
            (20250115010100, State::Missing),
            (20250115010200, State::Pending),
            (20250115010300, State::Pending),
            (20250115010400, State::Pending),
            (20250115010500, State::Dirty),
            (20250115010600, State::Pending),
        ]
    );
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_clearly() {
    let err = Playground::from_database("notes.txt", b"hello, world", MigrationSet::bundled()).err().unwrap();
    assert_eq!(err.to_string(), "notes.txt is not a SQLite database (it does not start with SQLite's header)");
    let mut bytes = exported_after(Target::Up(None));
    bytes.truncate(2048);
    for b in &mut bytes[100..] {
        *b = 0xA5;
    }
    let err = Playground::from_database("broken.sqlite", &bytes, MigrationSet::bundled()).err().unwrap();
    assert!(err.to_string().starts_with("broken.sqlite is not a SQLite database ("), "{err}");
}

#[test]
fn a_sqlite_file_without_sqlx_history_is_named_as_such() {
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    conn.execute_batch("CREATE TABLE t(x);").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.sqlite");
    conn.execute("VACUUM INTO ?1", [path.to_str().unwrap()]).unwrap();
    let err = Playground::from_database("other.sqlite", &std::fs::read(&path).unwrap(), MigrationSet::bundled()).err().unwrap();
    assert_eq!(
        err.to_string(),
        "other.sqlite has no migration history (_sqlx_migrations, schema_migrations or goose_db_version): it was not made by sqlx, golang-migrate, goose, dbmate or migraplay, so there is nothing to compare"
    );
}

/// The bundled set's database after `up`, changed by `sql` (run with the schema writable).
fn exported_then(sql: &str) -> Vec<u8> {
    let bytes = exported_after(Target::Up(Some(20250115010100)));
    let mut conn = rusqlite::Connection::open_in_memory().unwrap();
    conn.deserialize_read_exact(rusqlite::MAIN_DB, &bytes[..], bytes.len(), false).unwrap();
    conn.execute_batch(sql).unwrap();
    conn.serialize(rusqlite::MAIN_DB).unwrap().to_vec()
}

fn refused(bytes: &[u8]) -> String {
    let opened = Playground::from_database("prod.sqlite", bytes, MigrationSet::bundled()).err().expect("refused");
    let restored = Playground::restore("prod.sqlite", bytes, MigrationSet::bundled()).err().expect("refused on restore too");
    assert_eq!(opened.to_string(), restored.to_string());
    opened.to_string()
}

#[test]
fn a_history_with_a_text_version_is_refused_naming_the_row() {
    let bytes = exported_then("UPDATE _sqlx_migrations SET version = 'v2' WHERE version = 20250115010100;");
    assert_eq!(
        refused(&bytes),
        "prod.sqlite cannot be opened: its _sqlx_migrations is not as sqlx makes it: row 2 (version 'v2') has a text version; sqlx stores an integer"
    );
}

#[test]
fn a_history_with_a_version_too_large_for_an_integer_is_refused() {
    let bytes = exported_then("UPDATE _sqlx_migrations SET version = 1e20 WHERE version = 20250115010100;");
    assert_eq!(
        refused(&bytes),
        "prod.sqlite cannot be opened: its _sqlx_migrations is not as sqlx makes it: row 2 (version 1.0e+20) has a real version; sqlx stores an integer"
    );
}

#[test]
fn a_history_with_wrong_types_or_columns_is_refused() {
    let cases = [
        ("UPDATE _sqlx_migrations SET success = 2;", "row 1 (version 20250115010000) has a success other than 0 or 1"),
        ("UPDATE _sqlx_migrations SET checksum = 'abc';", "row 1 (version 20250115010000) has a text checksum; sqlx stores a blob"),
        ("UPDATE _sqlx_migrations SET execution_time = '1 ms' WHERE version = 20250115010100;", "row 2 (version 20250115010100) has a text execution_time; sqlx stores an integer"),
        ("ALTER TABLE _sqlx_migrations DROP COLUMN execution_time;", "it has no column execution_time"),
        ("ALTER TABLE _sqlx_migrations ADD COLUMN extra TEXT;", "it has columns sqlx does not make: extra"),
        (
            "ALTER TABLE _sqlx_migrations RENAME TO old; CREATE VIEW _sqlx_migrations AS SELECT * FROM old;",
            "_sqlx_migrations is a view, not a table",
        ),
    ];
    for (sql, problem) in cases {
        assert_eq!(refused(&exported_then(sql)), format!("prod.sqlite cannot be opened: its _sqlx_migrations is not as sqlx makes it: {problem}"), "{sql}");
    }
}

#[test]
fn a_damaged_database_is_refused_by_the_integrity_check() {
    // The index now claims to hold -x, but its entries hold x.
    let bytes = exported_then(
        "CREATE TABLE d(x); INSERT INTO d VALUES (1), (2); CREATE INDEX di ON d(x);
         PRAGMA writable_schema = ON;
         UPDATE sqlite_schema SET sql = 'CREATE INDEX di ON d(-x)' WHERE name = 'di';",
    );
    let message = refused(&bytes);
    assert!(message.starts_with("prod.sqlite cannot be opened: it is damaged (integrity check: "), "{message}");
}

#[test]
fn a_version_above_two_to_the_fifty_third_is_kept_exactly() {
    let bytes = exported_then("UPDATE _sqlx_migrations SET version = 9007199254740993 WHERE version = 20250115010100;");
    let pg = Playground::from_database("prod.sqlite", &bytes, MigrationSet::bundled()).unwrap();
    let missing: Vec<(i64, State)> = pg.status().unwrap().into_iter().filter(|s| s.state == State::Missing).map(|s| (s.version, s.state)).collect();
    assert_eq!(missing, [(9007199254740993, State::Missing)]);
}

#[test]
fn a_database_over_the_size_limit_is_refused_by_its_size() {
    let err = migraplay::check_database_size("huge.sqlite", 600 * 1024 * 1024).unwrap_err();
    assert_eq!(err.to_string(), "huge.sqlite cannot be opened: it has 629145600 bytes; migraplay opens databases of at most 536870912 bytes");
    assert!(migraplay::check_database_size("fine.sqlite", 1024).is_ok());
}
