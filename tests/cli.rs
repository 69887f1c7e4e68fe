//! The `migraplay` command as a user runs it: output, error text and exit code.

mod common;

use std::process::{Command, Output};

use common::fixture;

fn migraplay(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_migraplay")).args(args).output().expect("migraplay runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn up_on_the_bundled_set_prints_seven_sqlx_lines() {
    let o = migraplay(&["up"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let lines: Vec<String> = stdout(&o).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 7);
    assert!(lines[0].starts_with("Applied 20250115010000/migrate create tasks ("));
    assert!(lines[6].starts_with("Applied 20250115010600/migrate create triggers ("));
}

#[test]
fn a_database_file_keeps_state_between_runs() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("play.sqlite");
    let db = db.to_str().unwrap();
    assert_eq!(migraplay(&["--db", db, "up", "--to", "20250115010100"]).status.code(), Some(0));
    let status = stdout(&migraplay(&["--db", db, "status"]));
    assert!(status.contains("20250115010100  applied  create workflows"), "{status}");
    assert!(status.contains("20250115010200  pending  create workflow tasks"), "{status}");
    let down = migraplay(&["--db", db, "down"]);
    assert_eq!(stdout(&down).lines().count(), 2);
    assert_eq!(stdout(&migraplay(&["--db", db, "down"])), "Nothing to do\n");
}

#[test]
fn schema_prints_text_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("play.sqlite");
    let db = db.to_str().unwrap();
    migraplay(&["--db", db, "up"]);
    let text = stdout(&migraplay(&["--db", db, "schema"]));
    assert!(text.contains("  foreign key (task_id) -> tasks(id) on delete CASCADE on update NO ACTION"), "{text}");
    assert!(text.ends_with(
        "totals: 6 tables, 51 columns, 23 indexes, 4 triggers, 0 views, 2 foreign keys, 11 checks, 20 defaults, 6 primary keys\n"
    ));
    let json: serde_json::Value = serde_json::from_str(&stdout(&migraplay(&["--db", db, "schema", "--json"]))).unwrap();
    assert_eq!(json["totals"]["indexes"], 23);
    assert_eq!(json["tables"][4]["name"], "workflow_tasks");
}

#[test]
fn a_broken_migration_fails_with_its_location_on_stderr_and_exit_1() {
    let dir = fixture("broken_third_statement");
    let o = migraplay(&["--dir", dir.to_str().unwrap(), "up"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).starts_with("Applied 1/migrate create authors ("));
    assert_eq!(stderr(&o), "error: 2_create_books.up.sql, statement 3 (line 12): near \"TABEL\": syntax error\n");
}

#[test]
fn a_set_that_does_not_load_fails_before_touching_anything() {
    let dir = fixture("duplicate_versions");
    let o = migraplay(&["--dir", dir.to_str().unwrap(), "status"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).starts_with("error: 2 problems in the migration set:\n  duplicate migration version 1:"), "{}", stderr(&o));
}

#[test]
fn serve_refuses_a_folder_without_the_built_page() {
    let dir = tempfile::tempdir().unwrap();
    let o = migraplay(&["serve", "--root", dir.path().to_str().unwrap(), "--port", "0"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("has no index.html; build the page first with `make dist`"), "{}", stderr(&o));
}

#[test]
fn a_runaway_migration_is_stopped_by_the_timeout_and_rolled_back() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("play.sqlite");
    let started = std::time::Instant::now();
    let o = migraplay(&["--dir", fixture("runaway").to_str().unwrap(), "--db", db.to_str().unwrap(), "--timeout", "0.3", "up"]);
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "{:?}", started.elapsed());
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "error: 1_runaway.up.sql, statement 2 (line 3): stopped: it ran longer than the time budget of 300ms\n"
    );
    let schema = stdout(&migraplay(&["--db", db.to_str().unwrap(), "schema"]));
    assert!(schema.starts_with("totals: 0 tables"), "rolled back whole: {schema}");
}

#[test]
fn a_bad_timeout_is_refused() {
    let o = migraplay(&["--timeout=-1", "status"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stderr(&o), "error: --timeout must be a number of seconds, 0 or more (got -1)\n");
}

#[test]
fn status_on_a_database_with_a_short_checksum_of_a_missing_migration_does_not_panic() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("play.sqlite");
    let db = db.to_str().unwrap();
    assert_eq!(migraplay(&["--db", db, "up", "--to", "20250115010000"]).status.code(), Some(0));
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.execute("UPDATE _sqlx_migrations SET version = 1, checksum = x'0a0b'", []).unwrap();
    drop(conn);
    let o = migraplay(&["--db", db, "status"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("1  missing  create tasks  sha384:0a0b…\n"), "{}", stdout(&o));
}

#[test]
fn a_file_ending_in_an_unterminated_non_ascii_quoted_name_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("1_bad.up.sql"), "CREATE TABLE \"é").unwrap();
    std::fs::write(dir.path().join("1_bad.down.sql"), "DROP TABLE \"é").unwrap();
    let o = migraplay(&["verify", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(stderr(&o), "FAIL 1 bad: up failed: 1_bad.up.sql, statement 1 (line 1): unrecognized token: \"\"é\" (rolled back)\n");
}

#[test]
fn verify_can_leave_out_the_style_rules() {
    let set = fixture("not_tested_after_failure");
    let on = stdout(&migraplay(&["verify", set.to_str().unwrap()]));
    assert!(on.contains("- **Lint**: 0 safety warnings; 6 style warnings (create-without-if-not-exists 3, drop-without-if-exists 3)\n"), "{on}");
    let off = stdout(&migraplay(&["verify", set.to_str().unwrap(), "--lint", "style=off"]));
    assert!(off.contains("- **Lint**: 0 safety warnings; style rules off\n"), "{off}");
    assert!(!off.contains("create-without-if-not-exists"));
    let bad = migraplay(&["verify", "--lint", "style=maybe"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn a_reader_that_goes_away_ends_the_command_quietly() {
    for args in [&["status"][..], &["verify"], &["schema"], &["verify", fixture("index_left_behind").to_str().unwrap()]] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_migraplay"))
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take()); // as `| head -0` would
        drop(child.stderr.take());
        let status = child.wait().unwrap();
        assert!(status.code().is_some_and(|c| c == 0 || c == 1), "{args:?}: {status:?} (101 would be a panic)");
    }
}
