//! Sets written for each of the four tools, read and run as that tool does:
//! the flavor is read from the files (and says why), sections and transaction
//! markers are honoured, and a missing down is irreversible, not a refusal.

mod common;

use common::fixture;
use migraplay::{verify, DownResult, Flavor, MigrationSet, Playground, Target, Transaction};

#[test]
fn a_goose_set_is_read_in_sections_with_its_statement_blocks_and_no_transaction() {
    let set = MigrationSet::from_dir(&fixture("goose_set")).unwrap();
    assert_eq!(set.flavor().flavor, Flavor::Goose);
    assert_eq!(set.flavor().why, "3 files have `-- +goose Up` sections");
    let m = set.migrations();
    assert_eq!(m[1].up.transaction, Transaction::Off, "-- +goose NO TRANSACTION: VACUUM can run");
    assert!(m[2].down.is_none(), "no Down section: irreversible");
    assert_eq!(set.files().len(), 3, "one file per migration, as written");
    let r = verify(&set, "test", None, &mut |_| {}).unwrap();
    assert!(r.ok, "{:?}", r.migrations.iter().map(|m| &m.problems).collect::<Vec<_>>());
    assert_eq!(r.migrations[2].down, DownResult::None);
    assert!(r.to_markdown().contains("- **Flavor**: goose (3 files have \\`-- +goose Up\\` sections)\n"));
}

#[test]
fn a_goose_error_names_the_line_of_the_file_not_of_the_section() {
    let files = [("1_a.sql".to_string(), b"-- +goose Up\nCREATE TABLE t(x);\nCREATE TABEL u(y);\n-- +goose Down\nDROP TABLE t;\n".to_vec())];
    let mut pg = Playground::in_memory(MigrationSet::from_files(files).unwrap()).unwrap();
    let err = pg.migrate(Target::Up(None)).unwrap_err();
    assert_eq!(err.to_string(), "1_a.sql, statement 2 (line 3): near \"TABEL\": syntax error");
}

#[test]
fn a_dbmate_set_honours_transaction_false() {
    let set = MigrationSet::from_dir(&fixture("dbmate_set")).unwrap();
    assert_eq!(set.flavor().flavor, Flavor::Dbmate);
    assert_eq!(set.migrations()[1].up.transaction, Transaction::Off);
    assert!(verify(&set, "test", None, &mut |_| {}).unwrap().ok);
}

#[test]
fn a_golang_migrate_set_with_its_own_transactions_runs_unwrapped_and_a_missing_down_is_irreversible() {
    let set = MigrationSet::from_dir(&fixture("golang_migrate_own_transactions")).unwrap();
    assert_eq!(set.flavor().flavor, Flavor::GolangMigrate);
    assert_eq!(
        set.flavor().why,
        "3 files bring their own BEGIN/COMMIT, as golang-migrate runs files with x-no-tx-wrap; sqlx would refuse them"
    );
    assert!(set.migrations().iter().all(|m| m.up.transaction == Transaction::SelfManaged));
    let r = verify(&set, "test", None, &mut |_| {}).unwrap();
    assert!(r.ok, "{:?}", r.migrations.iter().map(|m| &m.problems).collect::<Vec<_>>());
    assert_eq!(r.migrations[1].down, DownResult::None);
}

#[test]
fn the_same_files_read_as_sqlx_are_refused_with_what_to_do() {
    let set = MigrationSet::from_dir_as(&fixture("golang_migrate_own_transactions"), Some(Flavor::Sqlx)).unwrap();
    assert_eq!(set.flavor().why, "asked for");
    let r = verify(&set, "test", None, &mut |_| {}).unwrap();
    assert_eq!(
        r.migrations[0].problems[0].to_string(),
        "up failed: 000001_create_accounts.up.sql, statement 1 (line 1): BEGIN starts a transaction inside the one migraplay runs \
         each migration in; remove it, or make `-- no-transaction` the file's first line (refused before it ran)"
    );
}

#[test]
fn a_single_file_without_its_section_marker_is_named() {
    let files = [
        ("1_a.sql".to_string(), b"-- +goose Up\nCREATE TABLE t(x);\n-- +goose Down\nDROP TABLE t;".to_vec()),
        ("2_b.sql".to_string(), b"CREATE TABLE u(y);".to_vec()),
    ];
    let set = MigrationSet::from_files(files).unwrap();
    assert_eq!(set.migrations().len(), 1, "the rest loads");
    assert_eq!(set.problems(), ["2_b.sql has no `-- +goose Up` section; goose would not run it"]);
}

/// The rows of a table of a database file, read with rusqlite (all columns as text).
fn rows(db: &std::path::Path, sql: &str) -> Vec<Vec<String>> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn.prepare(sql).unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |r| (0..n).map(|i| r.get::<_, rusqlite::types::Value>(i).map(|v| format!("{v:?}"))).collect())
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn cli(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_migraplay")).args(args).output().unwrap()
}

#[test]
fn each_flavor_keeps_its_own_tools_bookkeeping() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |set: &str, db: &str, args: &[&str]| {
        let dir = fixture(set);
        let db = tmp.path().join(db);
        let mut all = vec!["--dir", dir.to_str().unwrap(), "--db", db.to_str().unwrap()];
        all.extend_from_slice(args);
        let o = cli(&all);
        assert_eq!(o.status.code(), Some(0), "{set} {args:?}: {}", String::from_utf8_lossy(&o.stderr));
        db
    };
    let goose = run("goose_set", "goose.db", &["up"]);
    assert_eq!(
        rows(&goose, "SELECT version_id, is_applied FROM goose_db_version ORDER BY id"),
        [["Integer(0)", "Integer(1)"], ["Integer(20240101000000)", "Integer(1)"], ["Integer(20240102000000)", "Integer(1)"], ["Integer(20240103000000)", "Integer(1)"]]
    );
    run("goose_set", "goose.db", &["down", "--to", "20240103000000"]);
    let golang = run("golang_migrate_own_transactions", "golang.db", &["up"]);
    assert_eq!(rows(&golang, "SELECT version, dirty FROM schema_migrations"), [["Integer(2)", "Integer(0)"]]);
    assert_eq!(rows(&golang, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'schema_migrations'"), [["Text(\"version_unique\")"]]);
    let dbmate = run("dbmate_set", "dbmate.db", &["up"]);
    assert_eq!(rows(&dbmate, "SELECT version FROM schema_migrations"), [["Text(\"20240101000000\")"], ["Text(\"20240102000000\")"]]);
    run("dbmate_set", "dbmate.db", &["down", "--to", "20240101000000"]);
    assert_eq!(rows(&dbmate, "SELECT version FROM schema_migrations"), [["Text(\"20240101000000\")"]]);
}

#[test]
fn a_failed_golang_migrate_up_leaves_the_database_dirty_as_the_tool_does() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("set");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("1_a.up.sql"), "CREATE TABLE a(x);").unwrap();
    std::fs::write(dir.join("1_a.down.sql"), "DROP TABLE a;").unwrap();
    std::fs::write(dir.join("2_b.up.sql"), "CREATE TABLE b(x);\nINSERT INTO nowhere VALUES (1);").unwrap();
    let db = tmp.path().join("g.db");
    let (dir, db_text) = (dir.to_str().unwrap(), db.to_str().unwrap());
    let o = cli(&["--flavor", "golang-migrate", "--dir", dir, "--db", db_text, "up"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(rows(&db, "SELECT version, dirty FROM schema_migrations"), [["Integer(2)", "Integer(1)"]]);
    let again = cli(&["--flavor", "golang-migrate", "--dir", dir, "--db", db_text, "up"]);
    assert_eq!(String::from_utf8_lossy(&again.stderr), "error: Dirty database version 2. Fix and force version.\n");
    // As golang-migrate's `force 1`: the table says 1, clean; fixed, 2 applies.
    let forced = cli(&["--flavor", "golang-migrate", "--dir", dir, "--db", db_text, "force", "1"]);
    assert_eq!((forced.status.code(), String::from_utf8_lossy(&forced.stdout).into_owned()), (Some(0), "Forced version 1\n".to_string()));
    assert_eq!(rows(&db, "SELECT version, dirty FROM schema_migrations"), [["Integer(1)", "Integer(0)"]]);
    std::fs::write(std::path::Path::new(dir).join("2_b.up.sql"), "DROP TABLE IF EXISTS b;\nCREATE TABLE b(x);").unwrap();
    let fixed = cli(&["--flavor", "golang-migrate", "--dir", dir, "--db", db_text, "up"]);
    assert_eq!(fixed.status.code(), Some(0), "{}", String::from_utf8_lossy(&fixed.stderr));
    assert_eq!(rows(&db, "SELECT version, dirty FROM schema_migrations"), [["Integer(2)", "Integer(0)"]]);
    let other = cli(&["--dir", fixture("bundled").to_str().unwrap(), "force", "1"]);
    assert_eq!(String::from_utf8_lossy(&other.stderr), "error: force is golang-migrate's (the set is read as sqlx); it sets the version golang-migrate's table holds\n");
}

/// The dbmate binary installed by `make setup` (npm), the real tool.
fn dbmate() -> std::path::PathBuf {
    let bin = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".tools/dbmate/node_modules/.bin/dbmate");
    assert!(bin.exists(), "dbmate is installed by `make setup` (npm, into .tools/dbmate)");
    bin
}

#[test]
fn dbmate_reads_what_migraplay_applied_and_migraplay_reads_what_dbmate_applied() {
    let tmp = tempfile::tempdir().unwrap();
    let set = fixture("dbmate_set");
    let (ours, theirs) = (tmp.path().join("ours.db"), tmp.path().join("theirs.db"));
    let o = cli(&["--dir", set.to_str().unwrap(), "--db", ours.to_str().unwrap(), "up"]);
    assert_eq!(o.status.code(), Some(0));
    let status = std::process::Command::new(dbmate())
        .args(["--url", &format!("sqlite:{}", ours.display()), "--migrations-dir", set.to_str().unwrap(), "--no-dump-schema", "status"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&status.stdout);
    assert!(said.contains("Applied: 2\nPending: 0"), "{said}");
    let up = std::process::Command::new(dbmate())
        .args(["--url", &format!("sqlite:{}", theirs.display()), "--migrations-dir", set.to_str().unwrap(), "--no-dump-schema", "up"])
        .output()
        .unwrap();
    assert!(up.status.success(), "{}", String::from_utf8_lossy(&up.stderr));
    let o = cli(&["--dir", set.to_str().unwrap(), "--db", theirs.to_str().unwrap(), "status"]);
    let said = String::from_utf8_lossy(&o.stdout);
    assert_eq!(said.lines().map(|l| l.split("  ").nth(1).unwrap_or("")).collect::<Vec<_>>(), ["applied", "applied"], "{said}");
}

#[test]
fn an_opened_database_of_another_tool_is_compared_as_that_tool_would() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("goose.db");
    let dir = fixture("goose_set");
    cli(&["--dir", dir.to_str().unwrap(), "--db", db.to_str().unwrap(), "up", "--to", "20240101000000"]);
    let bytes = std::fs::read(&db).unwrap();
    // The set read as sqlx (its files alone say goose): the database says goose, and wins.
    let set = MigrationSet::from_dir_as(&dir, Some(Flavor::Sqlx)).unwrap();
    let pg = Playground::from_database("goose.db", &bytes, set).unwrap();
    assert_eq!(pg.set().flavor().flavor, Flavor::Goose);
    let states: Vec<_> = pg.status().unwrap().into_iter().map(|s| s.state).collect();
    assert_eq!(states, [migraplay::State::Applied, migraplay::State::Pending, migraplay::State::Pending]);
}

/// sqlx-cli, installed by `make setup` (cargo install), the real tool.
fn sqlx() -> std::path::PathBuf {
    let bin = std::path::Path::new(&std::env::var("HOME").unwrap()).join(".cargo/bin/sqlx");
    assert!(bin.exists(), "sqlx-cli is installed by `make setup` (cargo install sqlx-cli)");
    bin
}

#[test]
fn sqlx_cli_reads_what_migraplay_applied_and_migraplay_reads_what_sqlx_cli_applied() {
    let tmp = tempfile::tempdir().unwrap();
    let set = fixture("bundled");
    let (ours, theirs) = (tmp.path().join("ours.db"), tmp.path().join("theirs.db"));
    assert_eq!(cli(&["--db", ours.to_str().unwrap(), "up"]).status.code(), Some(0));
    let info = std::process::Command::new(sqlx())
        .args(["migrate", "info", "--source", set.to_str().unwrap(), "--database-url", &format!("sqlite:{}", ours.display())])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&info.stdout);
    assert_eq!(said.lines().filter(|l| l.contains("/installed ")).count(), 7, "{said}{}", String::from_utf8_lossy(&info.stderr));
    let run = std::process::Command::new(sqlx())
        .args(["migrate", "run", "--source", set.to_str().unwrap(), "--database-url", &format!("sqlite:{}?mode=rwc", theirs.display())])
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let o = cli(&["--db", theirs.to_str().unwrap(), "status"]);
    let said = String::from_utf8_lossy(&o.stdout);
    assert_eq!(said.lines().filter(|l| l.contains("  applied  ")).count(), 7, "{said}");
}

#[test]
fn drift_is_worded_as_the_sets_tool_words_it() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("g.db");
    let dir = fixture("golang_migrate_own_transactions");
    cli(&["--dir", dir.to_str().unwrap(), "--db", db.to_str().unwrap(), "up"]);
    let pg = Playground::open(&db, MigrationSet::from_dir(&dir).unwrap()).unwrap();
    assert_eq!(pg.drift().unwrap().text, "2 applied. No drift.");
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute("UPDATE schema_migrations SET dirty = 1", []).unwrap();
    let d = pg.drift().unwrap();
    assert_eq!(d.text, "1 applied, 1 dirty (a migration failed part way). golang-migrate would refuse to migrate this database until that is resolved.");
    assert!(d.bad);
}

#[test]
fn a_database_with_a_tools_bookkeeping_decides_how_the_set_is_read_and_a_clash_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("g.db");
    let dir = tmp.path().join("set");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("1_a.up.sql"), "CREATE TABLE a(x);").unwrap();
    std::fs::write(dir.join("1_a.down.sql"), "DROP TABLE a;").unwrap();
    std::fs::write(dir.join("2_b.up.sql"), "CREATE TABLE b(x);").unwrap();
    std::fs::write(dir.join("2_b.down.sql"), "DROP TABLE b;").unwrap();
    let (dir, db_text) = (dir.to_str().unwrap(), db.to_str().unwrap());
    assert_eq!(cli(&["--flavor", "golang-migrate", "--dir", dir, "--db", db_text, "up", "--to", "1"]).status.code(), Some(0));
    // Without --flavor the files alone say sqlx; the database says golang-migrate, and wins.
    let status = cli(&["--dir", dir, "--db", db_text, "status"]);
    assert_eq!(String::from_utf8_lossy(&status.stdout), "1  applied  a\n2  pending  b\n", "golang-migrate keeps no checksum: none is shown");
    assert_eq!(cli(&["--dir", dir, "--db", db_text, "up"]).status.code(), Some(0));
    assert_eq!(rows(&db, "SELECT version, dirty FROM schema_migrations"), [["Integer(2)", "Integer(0)"]]);
    assert_eq!(rows(&db, "SELECT count(*) FROM sqlite_master WHERE name = '_sqlx_migrations'"), [["Integer(0)"]]);
    let clash = cli(&["--flavor", "sqlx", "--dir", dir, "--db", db_text, "status"]);
    assert_eq!(
        String::from_utf8_lossy(&clash.stderr),
        format!("error: {db_text} keeps golang-migrate's bookkeeping, but the set was asked to be read as sqlx; read it as golang-migrate, or use another database\n")
    );
}

#[test]
fn dbmate_keeps_versions_as_written_and_refuses_a_file_without_a_down() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("set");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("001_a.sql"), "-- migrate:up\nCREATE TABLE a(x);\n-- migrate:down\nDROP TABLE a;\n").unwrap();
    std::fs::write(dir.join("002_b.sql"), "-- migrate:up\nCREATE TABLE b(x);\n-- migrate:down\nDROP TABLE b;\n").unwrap();
    let db = tmp.path().join("d.db");
    let (dir_text, db_text) = (dir.to_str().unwrap(), db.to_str().unwrap());
    assert_eq!(cli(&["--dir", dir_text, "--db", db_text, "up", "--to", "1"]).status.code(), Some(0));
    assert_eq!(rows(&db, "SELECT version FROM schema_migrations"), [["Text(\"001\")"]]);
    let status = std::process::Command::new(dbmate())
        .args(["--url", &format!("sqlite:{db_text}"), "--migrations-dir", dir_text, "--no-dump-schema", "status"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&status.stdout).contains("Applied: 1\nPending: 1"), "{}", String::from_utf8_lossy(&status.stdout));
    std::fs::write(dir.join("003_c.sql"), "-- migrate:up\nCREATE TABLE c(x);\n").unwrap();
    let set = MigrationSet::from_dir(&dir).unwrap();
    assert_eq!(set.problems(), ["003_c.sql has no `-- migrate:down` section; dbmate requires each migration to define one"]);
}

#[test]
fn dbmate_files_are_read_as_the_real_dbmate_reads_them() {
    // Each file run by dbmate itself and by migraplay: both apply it, or both refuse it;
    // where both apply it, the same tables result.
    let cases: [(&str, &str); 15] = [
        ("plain", "-- migrate:up\nCREATE TABLE a(x);\n-- migrate:down\nDROP TABLE a;\n"),
        ("no_space", "--migrate:up\nCREATE TABLE a(x);\n--migrate:down\nDROP TABLE a;\n"),
        ("tab", "--\tmigrate:up\nCREATE TABLE a(x);\n-- migrate:down\nDROP TABLE a;\n"),
        ("options", "-- migrate:up transaction:false\nCREATE TABLE a(x);\n-- migrate:down transaction:false extra\nDROP TABLE a;\n"),
        ("trailing_word", "-- migrate:up please\nCREATE TABLE a(x);\n-- migrate:down\nDROP TABLE a;\n"),
        ("comment_before", "-- hello\n\n-- migrate:up\nCREATE TABLE a(x);\n-- migrate:down\nDROP TABLE a;\n"),
        ("twice_up", "-- migrate:up\nCREATE TABLE a(x);\n-- migrate:up\nCREATE TABLE b(x);\n-- migrate:down\nDROP TABLE a;\n"),
        ("twice_down", "-- migrate:up\nCREATE TABLE a(x);\n-- migrate:down\nDROP TABLE a;\n-- migrate:down\nDROP TABLE b;\n"),
        ("pairs", "-- migrate:up\nCREATE TABLE a(x);\n-- migrate:down\nDROP TABLE a;\n-- migrate:up\nCREATE TABLE b(x);\n-- migrate:down\nDROP TABLE b;\n"),
        ("bom", "\u{feff}-- migrate:up\nCREATE TABLE a(x);\n-- migrate:down\nDROP TABLE a;\n"),
        ("down_first", "-- migrate:down\nDROP TABLE a;\n-- migrate:up\nCREATE TABLE a(x);\n"),
        ("indented", "  -- migrate:up\nCREATE TABLE a(x);\n-- migrate:down\nDROP TABLE a;\n"),
        ("upper", "-- MIGRATE:UP\nCREATE TABLE a(x);\n-- migrate:down\nDROP TABLE a;\n"),
        ("glued", "-- migrate:upx\nCREATE TABLE a(x);\n-- migrate:down\nDROP TABLE a;\n"),
        ("statement_before", "CREATE TABLE z(x);\n-- migrate:up\nCREATE TABLE a(x);\n-- migrate:down\nDROP TABLE a;\n"),
    ];
    let tmp = tempfile::tempdir().unwrap();
    for (name, text) in cases {
        let dir = tmp.path().join(name);
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("20240101000000_a.sql"), text).unwrap();
        let (theirs, ours) = (tmp.path().join(format!("{name}-dbmate.db")), tmp.path().join(format!("{name}-ours.db")));
        let dbmate_up = std::process::Command::new(dbmate())
            .args(["--url", &format!("sqlite:{}", theirs.display()), "--migrations-dir", dir.to_str().unwrap(), "--no-dump-schema", "up"])
            .output()
            .unwrap();
        let o = cli(&["--flavor", "dbmate", "--dir", dir.to_str().unwrap(), "--db", ours.to_str().unwrap(), "up"]);
        assert_eq!(o.status.success(), dbmate_up.status.success(), "{name}: dbmate said {}; migraplay said {}", String::from_utf8_lossy(&dbmate_up.stdout), String::from_utf8_lossy(&o.stderr));
        if o.status.success() {
            let tables = |db: &std::path::Path| rows(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('schema_migrations') ORDER BY name");
            assert_eq!(tables(&ours), tables(&theirs), "{name}");
        }
    }
}

/// How many migrations of the set in `dir` migraplay's status shows applied on `db`.
fn applied(dir: &std::path::Path, db: &std::path::Path) -> usize {
    let o = cli(&["--dir", dir.to_str().unwrap(), "--db", db.to_str().unwrap(), "status"]);
    String::from_utf8_lossy(&o.stdout).lines().filter(|l| l.contains("  applied  ")).count()
}

/// A real tool installed by `make setup` (cargo install) into ~/.cargo/bin.
fn tool(name: &str) -> std::path::PathBuf {
    let bin = std::path::Path::new(&std::env::var("HOME").unwrap()).join(".cargo/bin").join(name);
    assert!(bin.exists(), "{name} is installed by `make setup` (.ci/setup, cargo install)");
    bin
}

/// diesel_cli on a SQLite file, with no config file (so it prints no schema.rs), the
/// migrations folder and the database given, run in a scratch folder.
fn diesel(args: &[&str], dir: &std::path::Path, db: &std::path::Path) -> std::process::Output {
    let scratch = tempfile::tempdir().unwrap();
    std::process::Command::new(tool("diesel"))
        .current_dir(scratch.path())
        .env_remove("DATABASE_URL")
        .env_remove("MIGRATION_DIRECTORY")
        .env_remove("DIESEL_CONFIG_FILE")
        .args(["migration"])
        .args(args)
        .args(["--config-file", "/nonexistent/diesel.toml", "--migration-dir", dir.to_str().unwrap(), "--database-url", db.to_str().unwrap()])
        .output()
        .unwrap()
}

#[test]
fn a_diesel_set_is_read_from_its_folders_with_metadata_and_an_empty_down() {
    let set = MigrationSet::from_dir(&fixture("diesel_set")).unwrap();
    assert_eq!(set.flavor().flavor, Flavor::Diesel);
    assert_eq!(
        set.flavor().why,
        "3 folders with up.sql, as diesel lays out migrations; its tool orders the versions as text, so they are shown padded with zeros to 18 digits, in that order"
    );
    let m = set.migrations();
    assert_eq!(m.iter().map(|m| m.key()).collect::<Vec<_>>(), ["20240101000000", "202402011200000000", "20240301000000"]);
    assert_eq!(m[0].up.file, "2024-01-01-000000_create_users/up.sql");
    assert_eq!((m[0].up.transaction, m[1].up.transaction), (Transaction::Wrapped, Transaction::Off), "run_in_transaction = false");
    assert!(set.problems().is_empty(), "README.md is no migration: {:?}", set.problems());
    // An empty down.sql runs nothing: under an up that makes an index, it restores nothing.
    let r = verify(&set, "test", None, &mut |_| {}).unwrap();
    assert!(r.migrations[..2].iter().all(|m| m.problems.is_empty()));
    assert_eq!(
        r.migrations[2].problems.iter().map(ToString::to_string).collect::<Vec<_>>()[..2],
        [
            "down: 2024-03-01-000000_index_posts/down.sql has no statement (only comments or blanks), so it reverted nothing",
            "down: index posts_user_id is still there (created by 202403010000000000 2024-03-01-000000_index_posts, 2024-03-01-000000_index_posts/up.sql line 1); nothing in 2024-03-01-000000_index_posts/down.sql touches index posts_user_id",
        ]
    );
}

#[test]
fn diesel_cli_lists_what_migraplay_applied_and_migraplay_reads_what_diesel_cli_applied() {
    let tmp = tempfile::tempdir().unwrap();
    for set in ["diesel_set", "diesel_odd_names"] {
        let dir = fixture(set);
        let (ours, theirs) = (tmp.path().join(format!("{set}-ours.db")), tmp.path().join(format!("{set}-theirs.db")));
        let up = cli(&["--dir", dir.to_str().unwrap(), "--db", ours.to_str().unwrap(), "up"]);
        assert_eq!(up.status.code(), Some(0), "{}", String::from_utf8_lossy(&up.stderr));
        let list = diesel(&["list"], &dir, &ours);
        let said = String::from_utf8_lossy(&list.stdout);
        assert_eq!(said.lines().filter(|l| l.starts_with("  [X] ")).count(), 3, "{set}: {said}{}", String::from_utf8_lossy(&list.stderr));
        assert_eq!(String::from_utf8_lossy(&diesel(&["pending"], &dir, &ours).stdout).trim(), "false");
        let run = diesel(&["run"], &dir, &theirs);
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        assert_eq!(applied(&dir, &theirs), 3, "{set}");
        // The same table, to the byte, and the same versions.
        let table = "SELECT sql FROM sqlite_master WHERE name = '__diesel_schema_migrations'";
        assert_eq!(rows(&ours, table), rows(&theirs, table));
        let versions = "SELECT version FROM __diesel_schema_migrations ORDER BY version";
        assert_eq!(rows(&ours, versions), rows(&theirs, versions));
    }
    // What migraplay reverts, diesel sees as pending again.
    let dir = fixture("diesel_odd_names");
    let theirs = tmp.path().join("diesel_odd_names-theirs.db");
    let down = cli(&["--dir", dir.to_str().unwrap(), "--db", theirs.to_str().unwrap(), "down", "--to", "1"]);
    assert_eq!(down.status.code(), Some(0), "{}", String::from_utf8_lossy(&down.stderr));
    let said = String::from_utf8_lossy(&diesel(&["list"], &dir, &theirs).stdout).into_owned();
    assert_eq!(
        said.lines().skip(1).collect::<Vec<_>>(),
        ["  [X] 00000000000000_diesel_initial_setup", "  [ ] 2024-01-01-000000_create_things", "  [ ] 2024-03-13_170000_add_colour"],
        "{said}"
    );
}

/// refinery_cli's `migrate` on a SQLite file through its config file, aborting on
/// divergent and missing migrations (its -d and -m, off by default).
fn refinery(dir: &std::path::Path, db: &std::path::Path) -> std::process::Output {
    let scratch = tempfile::tempdir().unwrap();
    if !db.exists() {
        std::fs::write(db, b"").unwrap();
    }
    let config = scratch.path().join("refinery.toml");
    std::fs::write(&config, format!("[main]\ndb_type = \"Sqlite\"\ndb_path = \"{}\"\n", db.display())).unwrap();
    std::process::Command::new(tool("refinery"))
        .current_dir(scratch.path())
        .args(["migrate", "-d", "-m", "-c", config.to_str().unwrap(), "-p", dir.to_str().unwrap()])
        .output()
        .unwrap()
}

#[test]
fn refinery_cli_finds_nothing_to_do_after_migraplay_and_migraplay_reads_what_refinery_cli_applied() {
    let set = MigrationSet::from_dir(&fixture("refinery_set")).unwrap();
    assert_eq!(set.flavor().flavor, Flavor::Refinery);
    assert_eq!(set.migrations().iter().map(|m| m.version).collect::<Vec<_>>(), [1, 2, 10], "ordered as numbers, as refinery sorts them");
    let tmp = tempfile::tempdir().unwrap();
    let dir = fixture("refinery_set");
    let (ours, theirs) = (tmp.path().join("ours.db"), tmp.path().join("theirs.db"));
    let up = cli(&["--dir", dir.to_str().unwrap(), "--db", ours.to_str().unwrap(), "up"]);
    assert_eq!(up.status.code(), Some(0), "{}", String::from_utf8_lossy(&up.stderr));
    // With -d and -m, a checksum or name refinery disagrees with would be an error.
    let again = refinery(&dir, &ours);
    let said = String::from_utf8_lossy(&again.stdout);
    assert!(again.status.success(), "{said}{}", String::from_utf8_lossy(&again.stderr));
    assert!(!said.contains("applying migration"), "refinery applied something again: {said}");
    let run = refinery(&dir, &theirs);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert_eq!(applied(&dir, &theirs), 3);
    let history = "SELECT version, name, checksum, typeof(checksum) FROM refinery_schema_history ORDER BY version";
    assert_eq!(rows(&ours, history), rows(&theirs, history));
    let table = "SELECT sql FROM sqlite_master WHERE name = 'refinery_schema_history'";
    assert_eq!(rows(&ours, table), rows(&theirs, table));
}

#[test]
fn a_prisma_set_runs_without_a_transaction_and_records_as_prisma_does() {
    let set = MigrationSet::from_dir(&fixture("prisma_set")).unwrap();
    assert_eq!(set.flavor().flavor, Flavor::Prisma);
    assert_eq!(set.migrations()[1].up.file, "20240102000000_add_title/migration.sql");
    assert_eq!(set.migrations()[1].up.transaction, Transaction::Off, "its PRAGMA foreign_keys works only outside a transaction");
    assert!(verify(&set, "test", None, &mut |_| {}).unwrap().ok);
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("prisma.db");
    let dir = fixture("prisma_set");
    let up = cli(&["--dir", dir.to_str().unwrap(), "--db", db.to_str().unwrap(), "up"]);
    assert_eq!(up.status.code(), Some(0), "{}", String::from_utf8_lossy(&up.stderr));
    let got = rows(
        &db,
        "SELECT migration_name, checksum, applied_steps_count, typeof(started_at), typeof(finished_at), logs IS NULL, rolled_back_at IS NULL,
                id GLOB '[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f]-4[0-9a-f][0-9a-f][0-9a-f]-[89ab][0-9a-f][0-9a-f][0-9a-f]-*' AND length(id) = 36
         FROM _prisma_migrations ORDER BY started_at, migration_name",
    );
    use sha2::Digest;
    let sha = |m: usize| format!("Text({:?})", hex::encode(sha2::Sha256::digest(set.migrations()[m].up.sql.as_bytes())));
    let row = |name: &str, m: usize| vec![format!("Text({name:?})"), sha(m), "Integer(1)".into(), "Text(\"integer\")".into(), "Text(\"integer\")".into(), "Integer(1)".into(), "Integer(1)".into(), "Integer(1)".into()];
    assert_eq!(got, [row("20240101000000_init", 0), row("20240102000000_add_title", 1)]);
}

#[test]
fn a_failing_prisma_migration_leaves_its_row_unfinished_and_the_set_refuses_to_go_on() {
    let files = [
        ("20240101000000_init/migration.sql".to_string(), b"CREATE TABLE a(x);\n".to_vec()),
        ("20240102000000_broken/migration.sql".to_string(), b"CREATE TABLE b(x);\nCREATE TABEL c(y);\n".to_vec()),
    ];
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("prisma.db");
    for (name, bytes) in &files {
        let path = tmp.path().join("set").join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    let dir = tmp.path().join("set");
    let up = cli(&["--dir", dir.to_str().unwrap(), "--db", db.to_str().unwrap(), "up"]);
    assert_eq!(up.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&up.stderr).contains("20240102000000_broken/migration.sql, statement 2 (line 2): near \"TABEL\": syntax error"));
    assert_eq!(
        rows(&db, "SELECT migration_name, finished_at IS NULL FROM _prisma_migrations ORDER BY migration_name"),
        [["Text(\"20240101000000_init\")", "Integer(0)"], ["Text(\"20240102000000_broken\")", "Integer(1)"]]
    );
    // Statements before the failure stay: Prisma runs the script in no transaction.
    assert_eq!(rows(&db, "SELECT name FROM sqlite_master WHERE name = 'b'"), [["Text(\"b\")"]]);
    let again = cli(&["--dir", dir.to_str().unwrap(), "--db", db.to_str().unwrap(), "up"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&again.stderr).starts_with(
            "error: migrate found failed migrations in the target database, new migrations will not be applied: the `20240102000000_broken` migration failed"
        ),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
}

#[test]
fn a_folder_no_tool_reads_is_one_error_that_says_what_it_holds_and_what_migraplay_reads() {
    let err = MigrationSet::from_files([("db/001-init.sql".to_string(), b"SELECT 1;".to_vec()), ("db/002-more.sql".to_string(), b"SELECT 2;".to_vec())]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no migrations found in the folder db: 2 .sql files named as no tool names a migration (001-init.sql, 002-more.sql). \
         migraplay reads <version>_<name>.up.sql and .down.sql, or <version>_<name>.sql (sqlx, golang-migrate, goose, dbmate); \
         <version>_<name>/up.sql and down.sql (diesel); V<version>__<name>.sql (refinery); <timestamp>_<name>/migration.sql (Prisma)"
    );
    let tmp = tempfile::tempdir().unwrap();
    for v in [20200706141854_i64, 20200730135746] {
        std::fs::write(tmp.path().join(format!("V{v}__flyway.sql")), "SELECT 1;").unwrap();
    }
    let err = MigrationSet::from_dir(tmp.path()).unwrap_err().to_string();
    assert_eq!(
        err,
        format!(
            "no migrations found in {}: 2 files (V20200706141854__flyway.sql, V20200730135746__flyway.sql), each: refinery refuses it: \
             \"migration version must be a valid integer\" (a 32-bit one). migraplay reads <version>_<name>.up.sql and .down.sql, \
             or <version>_<name>.sql (sqlx, golang-migrate, goose, dbmate); <version>_<name>/up.sql and down.sql (diesel); \
             V<version>__<name>.sql (refinery); <timestamp>_<name>/migration.sql (Prisma)",
            tmp.path().display()
        )
    );
}

#[test]
fn a_diesel_set_s_files_read_back_into_the_same_set_metadata_included() {
    let set = MigrationSet::from_dir(&fixture("diesel_set")).unwrap();
    let files = set.files();
    assert!(files.iter().any(|(n, _)| n == "2024-02-01-120000-0000_add_posts/metadata.toml"), "{files:?}");
    let again = MigrationSet::from_files(files.into_iter().map(|(n, t)| (format!("shared/{n}"), t.into_bytes()))).unwrap();
    assert_eq!(again, set);
}

#[test]
fn an_atlas_sum_that_matches_says_nothing_and_one_that_does_not_is_a_warning_on_its_line() {
    let set = MigrationSet::from_dir(&fixture("atlas_set")).unwrap();
    assert_eq!(set.atlas_mismatch(), None, "the atlas.sum Atlas writes for these two files");
    assert!(set.problems().is_empty(), "{:?}", set.problems());
    let tmp = tempfile::tempdir().unwrap();
    for f in ["20240101000000_a.sql", "20240102000000_b.sql", "atlas.sum"] {
        std::fs::copy(fixture("atlas_set").join(f), tmp.path().join(f)).unwrap();
    }
    std::fs::write(tmp.path().join("20240102000000_b.sql"), "CREATE TABLE b(y, z);\n").unwrap();
    let edited = MigrationSet::from_dir(tmp.path()).unwrap();
    assert_eq!(edited.atlas_mismatch(), Some(&(3, "20240102000000_b.sql was edited".to_string())));
    std::fs::write(tmp.path().join("20240102000000_b.sql"), "CREATE TABLE b(y);\n").unwrap();
    std::fs::write(tmp.path().join("20240103000000_c.sql"), "CREATE TABLE c(z);\n").unwrap();
    let added = MigrationSet::from_dir(tmp.path()).unwrap();
    assert_eq!(added.atlas_mismatch(), Some(&(4, "20240103000000_c.sql was added".to_string())));
    // In verify's report it is a safety warning on the sum's line, and the verdict stands.
    let o = cli(&["verify", tmp.path().to_str().unwrap(), "--format", "github"]);
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains(&format!(
            "::warning file={}/atlas.sum,line=4,title=atlas-sum-mismatch::atlas.sum does not match the folder (L4: 20240103000000_c.sql was added); \
             Atlas refuses it, \"checksum mismatch\", until `atlas migrate hash` writes it again\n",
            tmp.path().display()
        )),
        "{out}"
    );
}

#[test]
fn what_the_review_of_today_s_work_found_stays_fixed() {
    let tmp = tempfile::tempdir().unwrap();
    // refinery walks the folders below: a migration in a subfolder is part of the set.
    let r = tmp.path().join("refinery");
    std::fs::create_dir_all(r.join("later")).unwrap();
    std::fs::write(r.join("V1__a.sql"), "CREATE TABLE a(x);\n").unwrap();
    std::fs::write(r.join("later/V2__b.sql"), "CREATE TABLE b(x);\n").unwrap();
    let set = MigrationSet::from_dir(&r).unwrap();
    assert_eq!(set.migrations().iter().map(|m| m.version).collect::<Vec<_>>(), [1, 2]);
    // Two folders of one name in two places are not one migration.
    let clash = MigrationSet::from_files([
        ("repo/migrations/20240101000000_a/migration.sql".to_string(), b"CREATE TABLE a(x);".to_vec()),
        ("repo/backup/20240101000000_a/migration.sql".to_string(), b"CREATE TABLE b(x);".to_vec()),
        ("repo/migrations/20240102000000_c/migration.sql".to_string(), b"CREATE TABLE c(x);".to_vec()),
    ])
    .unwrap();
    assert_eq!(clash.migrations().len(), 1);
    assert_eq!(
        clash.problems(),
        ["duplicate migration version 20240101000000_a: repo/backup/20240101000000_a/ and repo/migrations/20240101000000_a/; give one of them a new version"]
    );
    // A Prisma folder without its migration.sql is named, in Prisma's words.
    let missing = MigrationSet::from_files([
        ("m/20240101000000_a/migration.sql".to_string(), b"CREATE TABLE a(x);".to_vec()),
        ("m/20240102000000_b/Migration.sql".to_string(), b"CREATE TABLE b(x);".to_vec()),
    ])
    .unwrap();
    assert_eq!(
        missing.problems(),
        ["m/20240102000000_b/ has no migration.sql; Prisma fails on it: \"Could not find the migration file at migration.sql. Please delete the directory or restore the migration file.\""]
    );
    // A diesel up.sql over the size limit is said once, by its own name.
    let big = MigrationSet::from_files([
        ("d/2024-01-01-000000_a/up.sql".to_string(), b"CREATE TABLE a(x);".to_vec()),
        ("d/2024-02-01-000000_b/up.sql".to_string(), vec![b' '; 4 * 1024 * 1024 + 1]),
        ("d/2024-02-01-000000_b/down.sql".to_string(), b"DROP TABLE b;".to_vec()),
    ])
    .unwrap();
    assert_eq!(big.problems(), ["d/2024-02-01-000000_b/up.sql: too large (4194305 bytes; a migration file may have at most 4194304 bytes)"]);
}

#[test]
fn a_set_asked_to_be_read_as_a_tool_whose_layout_it_does_not_have_says_whose_it_has() {
    let err = |dir: &str, flavor| MigrationSet::from_dir_as(&fixture(dir), Some(flavor)).unwrap_err().to_string();
    let said = err("diesel_set", Flavor::Sqlx);
    assert!(said.contains(": it was asked to be read as sqlx, but its files are diesel's (3 folders with up.sql, as diesel lays out migrations). "), "{said}");
    assert!(said.ends_with("; read it as diesel, or as the files say"), "{said}");
    assert!(err("prisma_set", Flavor::Refinery).contains(": it was asked to be read as refinery, but its files are prisma's (2 folders with migration.sql"));
    assert!(err("index_left_behind", Flavor::Diesel).contains(": nothing in it is laid out as diesel lays out migrations, the flavor it was asked to be read as. "));
}
