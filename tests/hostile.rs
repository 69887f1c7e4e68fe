//! Untrusted migrations, as an attacker or a careless author writes them:
//! nothing reaches a file outside the database under test, nothing is
//! half-applied, and every refusal names the file, statement and line.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use migraplay::{verify, MigrationSet, Playground, Target};

fn migraplay(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_migraplay")).args(args).output().expect("migraplay runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A set folder with one migration `1_evil` of this up and down.
fn set(dir: &Path, up: &str, down: &str) -> String {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("1_evil.up.sql"), up).unwrap();
    std::fs::write(dir.join("1_evil.down.sql"), down).unwrap();
    dir.to_str().unwrap().to_string()
}

/// Every file below `dir`, with its bytes.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<_> = walk(dir).into_iter().map(|p| (p.display().to_string(), std::fs::read(&p).unwrap())).collect();
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() { out.extend(walk(&p)) } else { out.push(p) }
    }
    out
}

#[test]
fn attach_and_vacuum_into_create_no_file_and_verify_says_why() {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("outside");
    std::fs::create_dir(&target).unwrap();
    let k = target.join("k.db");
    let copy = target.join("copy.db");
    let cases = [
        (format!("CREATE TABLE t(x);\nATTACH '{}' AS k;\nCREATE TABLE k.t(x);", k.display()), 2, 2, format!("'{}'", k.display())),
        (format!("-- no-transaction\nCREATE TABLE t(x);\nVACUUM INTO '{}';", copy.display()), 2, 3, format!("'{}'", copy.display())),
    ];
    for (i, (up, statement, line_no, named)) in cases.iter().enumerate() {
        let dir = set(&tmp.path().join(format!("set{i}")), up, "DROP TABLE t;");
        let o = migraplay(&["verify", &dir]);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        let line = stderr(&o).lines().next().unwrap().to_string();
        assert!(line.starts_with(&format!("FAIL 1 evil: up failed: 1_evil.up.sql, statement {statement} (line {line_no}): refused: {named} is a file")), "{line}");
        let o = migraplay(&["--dir", &dir, "up"]);
        assert_eq!(o.status.code(), Some(1));
    }
    assert_eq!(files(&target), [], "no file appeared");
}

#[test]
fn a_plain_vacuum_still_runs_in_the_sandbox() {
    let set = MigrationSet::from_files([
        ("1_a.up.sql".to_string(), b"-- no-transaction\nCREATE TABLE t(x);\nVACUUM;".to_vec()),
        ("1_a.down.sql".to_string(), b"DROP TABLE t;".to_vec()),
    ])
    .unwrap();
    let r = verify(&set, "test", None, &mut |_| {}).unwrap();
    assert!(r.ok, "{:?}", r.migrations[0].problems);
}

#[test]
fn another_sqlite_file_can_be_neither_changed_nor_read_into_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let secrets = tmp.path().join("secrets.db");
    let conn = rusqlite::Connection::open(&secrets).unwrap();
    conn.execute_batch("CREATE TABLE creds(token TEXT); INSERT INTO creds VALUES ('hunter2');").unwrap();
    drop(conn);
    let before = std::fs::read(&secrets).unwrap();
    let up = format!(
        "ATTACH '{}' AS s;\nDELETE FROM s.creds;\nSELECT CAST((SELECT group_concat(token) FROM s.creds) AS INTEGER) + zeroblob(-1);",
        secrets.display()
    );
    let dir = set(&tmp.path().join("set"), &up, "");
    let o = migraplay(&["verify", &dir]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!stderr(&o).contains("hunter2") && !String::from_utf8_lossy(&o.stdout).contains("hunter2"));
    assert_eq!(std::fs::read(&secrets).unwrap(), before, "the other database is untouched");
}

#[test]
fn a_symlinked_migration_file_is_refused_by_name() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("set");
    set(&dir, "CREATE TABLE t(x);", "DROP TABLE t;");
    std::fs::write(tmp.path().join("secret.txt"), "TOKEN=abc").unwrap();
    std::os::unix::fs::symlink(tmp.path().join("secret.txt"), dir.join("2_leak.up.sql")).unwrap();
    std::fs::write(dir.join("2_leak.down.sql"), "").unwrap();
    let o = migraplay(&["verify", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "what loads is verified; the link is a defect");
    assert_eq!(stderr(&o), "FAIL could not load 2_leak.up.sql is a symbolic link; migraplay reads only regular files inside the migration folder\n");
    assert!(!String::from_utf8_lossy(&o.stdout).contains("TOKEN"));
    let db = tmp.path().join("never.db");
    let o = migraplay(&["--dir", dir.to_str().unwrap(), "--db", db.to_str().unwrap(), "up"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).starts_with("error: 1 file of the set could not be loaded; fix it before applying or reverting:\n"), "{}", stderr(&o));
    assert!(!db.exists(), "a refused up leaves no database file behind");
}

#[test]
fn a_wrapped_migration_that_ends_or_opens_a_transaction_is_refused_before_it_runs() {
    for (body, word, line) in [("COMMIT;", "COMMIT", 2), ("ROLLBACK;", "ROLLBACK", 2), ("BEGIN;", "BEGIN", 2), ("END TRANSACTION;", "END", 2)] {
        let files = [
            ("1_a.up.sql".to_string(), format!("CREATE TABLE t(x);\n{body}\nCREATE TABLE u(y);").into_bytes()),
            ("1_a.down.sql".to_string(), b"DROP TABLE u; DROP TABLE t;".to_vec()),
        ];
        // Read as sqlx (the files alone would say golang-migrate with x-no-tx-wrap: see tests/flavors.rs).
        let set = MigrationSet::from_files_as(files, Some(migraplay::Flavor::Sqlx)).unwrap();
        let mut pg = Playground::in_memory(set.clone()).unwrap();
        let err = pg.migrate(Target::Up(None)).unwrap_err();
        let expected = if word == "BEGIN" {
            "BEGIN starts a transaction inside the one migraplay runs each migration in".to_string()
        } else {
            format!("{word} would end the transaction migraplay runs each migration in, leaving it half-applied")
        };
        assert_eq!(
            err.error.to_string(),
            format!("1_a.up.sql, statement 2 (line {line}): {expected}; remove it, or make `-- no-transaction` the file's first line (refused before it ran)")
        );
        assert!(pg.schema().unwrap().tables.is_empty(), "{body}: nothing ran");
        assert!(pg.status().unwrap().iter().all(|s| s.state == migraplay::State::Pending), "{body}: nothing recorded");
        let r = verify(&set, "test", None, &mut |_| {}).unwrap();
        assert!(r.migrations[0].problems[0].to_string().ends_with("(refused before it ran)"));
    }
    // ROLLBACK TO a savepoint stays inside the migration's transaction: allowed.
    let ok = MigrationSet::from_files([
        ("1_a.up.sql".to_string(), b"SAVEPOINT s; CREATE TABLE t(x); ROLLBACK TO s; RELEASE s; CREATE TABLE t(x);".to_vec()),
        ("1_a.down.sql".to_string(), b"DROP TABLE t;".to_vec()),
    ])
    .unwrap();
    assert!(verify(&ok, "test", None, &mut |_| {}).unwrap().ok);
}

#[test]
fn a_no_transaction_migration_that_leaves_a_transaction_open_is_an_error_not_applied() {
    for (opener, shown) in [("BEGIN;", "BEGIN on line 3"), ("SAVEPOINT s;", "SAVEPOINT on line 3")] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = set(tmp.path(), &format!("-- no-transaction\nCREATE TABLE kept(x);\n{opener}\nCREATE TABLE lost(y);"), "DROP TABLE kept;");
        let db = tmp.path().join("play.db");
        let o = migraplay(&["--flavor", "sqlx", "--dir", &dir, "--db", db.to_str().unwrap(), "up"]);
        assert_eq!(o.status.code(), Some(1), "{opener}");
        assert_eq!(
            stderr(&o),
            format!("error: 1_evil.up.sql leaves a transaction open ({shown} without its end); the open transaction was rolled back, and statements before it stay (the file is marked -- no-transaction)\n")
        );
        let conn = rusqlite::Connection::open(&db).unwrap();
        let tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(tables, ["_sqlx_migrations", "kept"], "{opener}: what came after the open transaction was rolled back");
        let rows: i64 = conn.query_row("SELECT count(*) FROM _sqlx_migrations", [], |r| r.get(0)).unwrap();
        assert_eq!(rows, 0, "not recorded as applied");
    }
}

#[test]
fn a_nul_byte_is_an_error_naming_file_and_line() {
    let err = MigrationSet::from_files([
        ("1_a.up.sql".to_string(), b"CREATE TABLE a(x);\nCREATE TABLE b(y);\0\nCREATE TABLE c(z);".to_vec()),
        ("1_a.down.sql".to_string(), b"DROP TABLE a;".to_vec()),
    ])
    .unwrap_err();
    assert_eq!(err.to_string(), "1_a.up.sql: a NUL byte at line 2; SQLite would silently stop reading the file there");
}

#[test]
fn writable_schema_tricks_and_orphan_rows_fail_verify() {
    let corrupt = MigrationSet::from_files([
        (
            "1_a.up.sql".to_string(),
            b"-- no-transaction\nCREATE TABLE t(x);\nPRAGMA writable_schema = ON;\nUPDATE sqlite_schema SET sql = 'CREATE TABLE t(x' WHERE name = 't';\nPRAGMA writable_schema = OFF;".to_vec(),
        ),
        ("1_a.down.sql".to_string(), b"DROP TABLE t;".to_vec()),
        ("2_b.up.sql".to_string(), b"CREATE TABLE u(y);".to_vec()),
        ("2_b.down.sql".to_string(), b"DROP TABLE u;".to_vec()),
    ])
    .unwrap();
    let r = verify(&corrupt, "test", None, &mut |_| {}).unwrap();
    assert!(!r.ok);
    assert!(r.migrations[0].problems[0].to_string().starts_with("up: "), "{:?}", r.migrations[0].problems);
    assert_eq!(r.migrations[1].status, migraplay::Status::NotTested);

    let orphan = MigrationSet::from_files([
        ("1_a.up.sql".to_string(), b"CREATE TABLE p(id INTEGER PRIMARY KEY);\nCREATE TABLE c(p INTEGER REFERENCES p(id));".to_vec()),
        ("1_a.down.sql".to_string(), b"DROP TABLE c; DROP TABLE p;".to_vec()),
        ("2_b.up.sql".to_string(), b"-- no-transaction\nPRAGMA foreign_keys = OFF;\nINSERT INTO c VALUES (42);\nPRAGMA foreign_keys = ON;".to_vec()),
        ("2_b.down.sql".to_string(), b"DELETE FROM c;".to_vec()),
    ])
    .unwrap();
    let r = verify(&orphan, "test", None, &mut |_| {}).unwrap();
    assert_eq!(
        r.migrations[1].problems.iter().map(|p| p.to_string()).collect::<Vec<_>>(),
        // The orphan comes after the 3 rows verify seeds into c; the down's DELETE takes those too.
        ["up: foreign_key_check: c rowid 4 refers to a missing row of p", "down of 2 leaves c empty (3 rows before)"]
    );
}

#[test]
fn a_huge_row_stops_at_the_memory_budget_and_is_rolled_back() {
    // In a process of its own: SQLite's heap limit is one per process, and
    // the tests of this file run side by side in threads.
    let tmp = tempfile::tempdir().unwrap();
    let dir = set(tmp.path(), "CREATE TABLE t(b);\nINSERT INTO t VALUES (zeroblob(500000000));", "DROP TABLE t;");
    let o = migraplay(&["verify", &dir]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "FAIL 1 evil: up failed: 1_evil.up.sql, statement 2 (line 2): stopped: it ran out of its memory budget of 256 MiB (rolled back)\n"
    );
    let o = migraplay(&["--memory", "1024", "--dir", &dir, "up"]);
    assert_eq!(o.status.code(), Some(0), "a larger budget lets it through: {}", stderr(&o));
}

#[test]
fn a_file_over_the_size_limit_is_refused_without_being_read_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = set(tmp.path(), "CREATE TABLE t(x);", "DROP TABLE t;");
    let big = std::fs::File::create(tmp.path().join("2_big.up.sql")).unwrap();
    big.set_len(6 * 1024 * 1024 * 1024).unwrap(); // sparse: 6 GiB that take no disk
    std::fs::write(tmp.path().join("2_big.down.sql"), "").unwrap();
    let o = migraplay(&["verify", &dir]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "FAIL could not load 2_big.up.sql: too large (6442450944 bytes; a migration file may have at most 4194304 bytes)\n"
    );
}

/// A set folder of several migrations: (file name, text).
fn set_of(dir: &Path, files: &[(&str, &str)]) -> String {
    std::fs::create_dir_all(dir).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    dir.to_str().unwrap().to_string()
}

fn names(db: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut st = conn.prepare("SELECT name FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%' ORDER BY name").unwrap();
    st.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

#[test]
fn a_commit_spelled_after_a_vertical_tab_is_refused_and_nothing_stays() {
    // SQLite reads "\n\vCOMMIT" as COMMIT (its whitespace goes on over \v); the refusal is
    // SQLite's own authorizer, told of every BEGIN, COMMIT, END and ROLLBACK it prepares.
    let tmp = tempfile::tempdir().unwrap();
    for (i, sneaky) in ["\n\x0bCOMMIT;", "\n\x0bEND;", "\n/* */ COMMIT TRANSACTION;", "\n\x0c\x0bROLLBACK;"].iter().enumerate() {
        let up = format!("CREATE TABLE a(x);{sneaky}\nCREATE TABLE b(y);\nINSERT INTO nowhere VALUES (1);\n");
        let dir = set(&tmp.path().join(format!("s{i}")), &up, "DROP TABLE b; DROP TABLE a;");
        let db = tmp.path().join(format!("s{i}.db"));
        let o = migraplay(&["--dir", &dir, "--db", db.to_str().unwrap(), "up"]);
        assert_eq!(o.status.code(), Some(1));
        let said = stderr(&o);
        assert!(said.starts_with("error: 1_evil.up.sql, statement 2 (line 2): ") && said.contains("would end the transaction migraplay runs"), "{said}");
        assert!(names(&db).is_empty(), "{sneaky:?}: nothing stays: {:?}", names(&db));
        let status = migraplay(&["--dir", &dir, "--db", db.to_str().unwrap(), "status"]);
        assert!(String::from_utf8_lossy(&status.stdout).contains("pending"), "the history agrees");
    }
}

#[test]
fn many_short_slow_statements_are_stopped_at_the_time_budget() {
    let tmp = tempfile::tempdir().unwrap();
    let up = "SELECT length(printf('%.*c', 30000000, 'x'));\n".repeat(400);
    let dir = set(&tmp.path().join("s"), &format!("CREATE TABLE t(x);\n{up}"), "DROP TABLE t;");
    let start = std::time::Instant::now();
    let o = migraplay(&["--dir", &dir, "--timeout", "1", "up"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(start.elapsed() < std::time::Duration::from_secs(20), "stopped near its budget, not after every statement ran");
    assert!(stderr(&o).contains("stopped: it ran longer than the time budget of 1s"), "{}", stderr(&o));
}

#[test]
fn a_setting_one_migration_changes_does_not_hold_for_the_next() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = set_of(
        &tmp.path().join("s"),
        &[
            ("1_tables.up.sql", "CREATE TABLE p(id INTEGER PRIMARY KEY);\nCREATE TABLE c(id INTEGER PRIMARY KEY, p INTEGER REFERENCES p(id), n INTEGER CHECK (n > 0));"),
            ("1_tables.down.sql", "DROP TABLE c; DROP TABLE p;"),
            ("2_loosen.up.sql", "-- no-transaction\nPRAGMA foreign_keys = OFF;\nPRAGMA ignore_check_constraints = ON;"),
            ("2_loosen.down.sql", "SELECT 1;"),
            ("3_orphan.up.sql", "INSERT INTO c(id, p, n) VALUES (1, 42, 1);"),
            ("3_orphan.down.sql", "DELETE FROM c WHERE id = 1;"),
            ("4_negative.up.sql", "INSERT INTO c(id, p, n) VALUES (2, NULL, -1);"),
            ("4_negative.down.sql", "DELETE FROM c WHERE id = 2;"),
        ],
    );
    let db = tmp.path().join("s.db");
    let o = migraplay(&["--dir", &dir, "--db", db.to_str().unwrap(), "up"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(stderr(&o), "error: 3_orphan.up.sql, statement 1 (line 1): FOREIGN KEY constraint failed\n");
    let conn = rusqlite::Connection::open(&db).unwrap();
    assert_eq!(conn.query_row("SELECT count(*) FROM c", [], |r| r.get::<_, i64>(0)).unwrap(), 0, "no orphan stays");
    // And the CHECK holds again for the next migration too.
    let set = MigrationSet::from_files([
        ("1_t.up.sql".to_string(), b"CREATE TABLE c(n INTEGER CHECK (n > 0));".to_vec()),
        ("1_t.down.sql".to_string(), b"DROP TABLE c;".to_vec()),
        ("2_loosen.up.sql".to_string(), b"-- no-transaction\nPRAGMA ignore_check_constraints = ON;".to_vec()),
        ("2_loosen.down.sql".to_string(), b"SELECT 1;".to_vec()),
        ("3_bad.up.sql".to_string(), b"INSERT INTO c VALUES (-1);".to_vec()),
        ("3_bad.down.sql".to_string(), b"DELETE FROM c;".to_vec()),
    ])
    .unwrap();
    let mut pg = Playground::in_memory(set).unwrap();
    let e = pg.migrate(Target::Up(None)).unwrap_err();
    assert_eq!(e.error.to_string(), "3_bad.up.sql, statement 1 (line 1): CHECK constraint failed: n > 0");
}

#[test]
fn journal_mode_off_is_refused_so_a_failing_migration_still_rolls_back() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = set_of(
        &tmp.path().join("s"),
        &[
            ("1_off.up.sql", "-- no-transaction\nPRAGMA journal_mode = OFF;\nCREATE TABLE a(x);"),
            ("1_off.down.sql", "DROP TABLE a;"),
        ],
    );
    let o = migraplay(&["verify", &dir]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).starts_with(
            "FAIL 1 off: up failed: 1_off.up.sql, statement 1 (line 2): refused: PRAGMA journal_mode = OFF turns rollback off, so a migration that fails could not be undone"
        ),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_trigger_on_the_history_table_is_under_the_time_budget() {
    let tmp = tempfile::tempdir().unwrap();
    let runaway = "CREATE TRIGGER slow BEFORE INSERT ON _sqlx_migrations BEGIN \
                   SELECT count(*) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c); END;";
    let dir = set_of(
        &tmp.path().join("s"),
        &[("1_t.up.sql", "CREATE TABLE t(x);"), ("1_t.down.sql", "DROP TABLE t;"), ("2_trap.up.sql", runaway), ("2_trap.down.sql", "DROP TRIGGER slow;")],
    );
    let db = tmp.path().join("s.db");
    let start = std::time::Instant::now();
    let o = migraplay(&["--dir", &dir, "--db", db.to_str().unwrap(), "--timeout", "1", "up"]);
    assert!(start.elapsed() < std::time::Duration::from_secs(15), "it stopped near its budget");
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error: 2_trap.up.sql: writing its history row (and the triggers that fires): stopped: it ran longer than the time budget of 1s\n"
    );
    // All or nothing: the trigger went with the migration, the history agrees.
    assert_eq!(names(&db), ["t"]);
}

#[test]
fn verify_s_own_sample_rows_and_reads_are_under_the_budgets() {
    let tmp = tempfile::tempdir().unwrap();
    // A trigger that runs away when verify seeds a row, and a table too large to compare.
    let dir = set_of(
        &tmp.path().join("s"),
        &[
            ("1_t.up.sql", "CREATE TABLE t(x);\nCREATE TRIGGER slow AFTER INSERT ON t BEGIN SELECT count(*) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c); END;"),
            ("1_t.down.sql", "DROP TABLE t;"),
            ("2_u.up.sql", "CREATE TABLE u(x);"),
            ("2_u.down.sql", "DROP TABLE u;"),
        ],
    );
    let start = std::time::Instant::now();
    let o = migraplay(&["verify", &dir, "--timeout", "1", "--format", "json"]);
    assert!(start.elapsed() < std::time::Duration::from_secs(20), "it stopped near its budget");
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|_| panic!("{}", stderr(&o)));
    assert_eq!(
        json["migrations"][1]["data"]["stopped"],
        "rows are not checked from here on: seeding the sample rows before the up: stopped: it ran longer than the time budget of 1s"
    );
    let big = set_of(
        &tmp.path().join("big"),
        &[
            ("1_t.up.sql", "CREATE TABLE t(x);\nWITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 150000) INSERT INTO t SELECT x FROM c;"),
            ("1_t.down.sql", "DROP TABLE t;"),
            ("2_u.up.sql", "UPDATE t SET x = x + 1;"),
            ("2_u.down.sql", "UPDATE t SET x = x - 1;"),
        ],
    );
    let o = migraplay(&["verify", &big, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|_| panic!("{}", stderr(&o)));
    assert_eq!(
        json["migrations"][0]["data"]["stopped"],
        "rows are not checked from here on: the rows of t: more than 100000 rows or 64 MiB of values, too many to compare"
    );
    assert_eq!(o.status.code(), Some(0), "the schema is still verified: {}", stderr(&o));
}

#[test]
fn a_whole_verify_stops_at_its_total_budget() {
    let tmp = tempfile::tempdir().unwrap();
    let slow = "CREATE TABLE IF NOT EXISTS t(x);\nSELECT count(*) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 3000000) SELECT x FROM c);";
    let files: Vec<(String, String)> = (1..=40).flat_map(|k| [(format!("{k}_s.up.sql"), slow.to_string()), (format!("{k}_s.down.sql"), "SELECT 1;".to_string())]).collect();
    let refs: Vec<(&str, &str)> = files.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let dir = set_of(&tmp.path().join("s"), &refs);
    let start = std::time::Instant::now();
    let o = migraplay(&["verify", &dir, "--total-timeout", "1"]);
    assert!(start.elapsed() < std::time::Duration::from_secs(15));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let said = stderr(&o);
    assert!(said.starts_with("error: verify, before ") && said.ends_with(": stopped: it ran longer than its total budget of 1s\n"), "{said}");
}

#[test]
fn two_ups_on_one_database_at_once_apply_each_migration_once() {
    // Each migration takes a moment and inserts one row: run twice at once, the rows
    // would double. The write lock is taken before the history is read again.
    let tmp = tempfile::tempdir().unwrap();
    let slow = "SELECT count(*) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 200000) SELECT x FROM c);";
    let goose = |k: usize| (format!("{k}_m.sql"), format!("-- +goose Up\nCREATE TABLE IF NOT EXISTS log(k);\n{slow}\nINSERT INTO log VALUES ({k});\n\n-- +goose Down\nDELETE FROM log WHERE k = {k};\n"));
    let sqlx = |k: usize| (format!("{k}_m.sql"), format!("CREATE TABLE IF NOT EXISTS log(k);\n{slow}\nINSERT INTO log VALUES ({k});\n"));
    let golang = |k: usize| (format!("{k}_m.up.sql"), format!("CREATE TABLE IF NOT EXISTS log(k);\n{slow}\nINSERT INTO log VALUES ({k});\n"));
    for (flavor, make) in [("goose", &goose as &dyn Fn(usize) -> (String, String)), ("sqlx", &sqlx), ("golang-migrate", &golang)] {
        let dir = tmp.path().join(flavor);
        std::fs::create_dir_all(&dir).unwrap();
        for k in 1..=4 {
            let (name, text) = make(k);
            std::fs::write(dir.join(&name), text).unwrap();
            if flavor == "golang-migrate" {
                std::fs::write(dir.join(name.replace(".up.", ".down.")), format!("DELETE FROM log WHERE k = {k};")).unwrap();
            }
        }
        for trial in 0..8 {
            let db = tmp.path().join(format!("{flavor}-{trial}.db"));
            let args = ["--flavor", flavor, "--dir", dir.to_str().unwrap(), "--db", db.to_str().unwrap(), "up"];
            let spawn = || Command::new(env!("CARGO_BIN_EXE_migraplay")).args(args).stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped()).spawn().unwrap();
            let (a, b) = (spawn(), spawn());
            let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
            let conn = rusqlite::Connection::open(&db).unwrap();
            let rows: Vec<i64> = conn.prepare("SELECT k FROM log ORDER BY k").unwrap().query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
            assert_eq!(rows, [1, 2, 3, 4], "{flavor} trial {trial}: each migration once\n{}\n{}", stderr(&a), stderr(&b));
            for o in [&a, &b] {
                let said = stderr(o);
                assert!(
                    o.status.success()
                        || said.contains("by another run meanwhile")
                        || said.contains("another run holds the database's write lock")
                        // golang-migrate's own words for a version another run is migrating now.
                        || (flavor == "golang-migrate" && said.starts_with("error: Dirty database version")),
                    "{flavor}: {said}"
                );
            }
        }
    }
}

#[test]
fn a_migration_that_makes_the_database_read_only_is_named_and_rolled_back() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = set_of(&tmp.path().join("s"), &[("1_t.up.sql", "CREATE TABLE t(x);\nPRAGMA query_only = ON;\n"), ("1_t.down.sql", "DROP TABLE t;")]);
    let db = tmp.path().join("s.db");
    let o = migraplay(&["--dir", &dir, "--db", db.to_str().unwrap(), "up"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stderr(&o), "error: 1_t.up.sql: writing its history row (and the triggers that fires): attempt to write a readonly database\n");
    assert!(names(&db).is_empty(), "rolled back whole");
}
