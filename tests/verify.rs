//! `verify` on fixture sets, natively: what passes, what each defect reports
//! (object and migration named), the exit codes of `migraplay verify`, and
//! that the Markdown report's figures are the JSON's.

mod common;

use std::process::Command;

use common::fixture;
use migraplay::{verify, DownResult, MigrationSet, Outcome, Report, Status};

fn run(name: &str) -> Report {
    let set = MigrationSet::from_dir(&fixture(name)).unwrap();
    verify(&set, "native test", None, &mut |_| {}).unwrap()
}

fn problems(r: &Report) -> Vec<(i64, Vec<String>)> {
    r.migrations.iter().map(|m| (m.version, m.problems.iter().map(|p| p.to_string()).collect())).collect()
}

fn cli(args: &[&str]) -> (Option<i32>, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_migraplay")).args(args).output().unwrap();
    (o.status.code(), String::from_utf8_lossy(&o.stdout).into(), String::from_utf8_lossy(&o.stderr).into())
}

#[test]
fn the_bundled_set_passes_every_check_with_totals_from_the_files() {
    let r = run("bundled");
    assert!(r.ok, "{:#?}", problems(&r));
    assert_eq!(r.migrations.len(), 7);
    assert!(r.migrations.iter().all(|m| m.status == Status::Pass && m.down == DownResult::Pass && m.up_again == Outcome::Pass));
    let t = r.totals;
    assert_eq!((t.tables, t.columns, t.indexes, t.triggers, t.foreign_keys, t.checks, t.defaults, t.primary_keys), (6, 51, 23, 4, 2, 11, 20, 6));
    assert_eq!(r.tests.up.log.len(), 7);
    assert_eq!(r.tests.down.log.len(), 7);
    assert_eq!(r.tests.cycle.log.len(), 7);
    assert!(r.tests.down.log[0].starts_with("Applied 20250115010600/revert create triggers ("));
    assert!(r.lint.is_empty(), "{:?}", r.lint);
    let tasks = &r.migrations[0].created;
    assert_eq!(tasks.indexes, ["idx_tasks_created", "idx_tasks_status", "idx_tasks_type", "idx_tasks_workspace"]);
    assert_eq!(r.migrations[6].created.triggers.len(), 4);
}

#[test]
fn the_staircase_catches_a_trigger_dropped_by_the_later_of_two_creators() {
    let r = run("trigger_created_twice");
    assert!(!r.ok);
    assert_eq!(
        problems(&r),
        [
            (20250101000000, vec![]),
            (
                20250101000100,
                vec!["down: trigger trigger_items_updated_at is missing (created by 20250101000000 create items, 20250101000000_create_items.up.sql line 7); see 20250101000100_create_triggers.down.sql line 2".to_string()]
            ),
        ]
    );
    assert_eq!(r.migrations[1].status, Status::Fail);
    assert_eq!(r.migrations[0].status, Status::Pass, "the rebuild keeps the first migration's check clean");
    assert!(r.lint.iter().any(|w| w.code == "created-twice" && w.file == "20250101000100_create_triggers.up.sql" && w.line == 2));
}

#[test]
fn a_down_that_forgets_an_index_of_a_table_it_keeps_is_named() {
    let r = run("index_left_behind");
    assert_eq!(problems(&r)[1].1, ["down: index idx_b is still there (created by 2 index b, 2_index_b.up.sql line 1); nothing in 2_index_b.down.sql touches index idx_b"]);
    assert!(r.migrations[0].problems.is_empty());
    assert_eq!(r.lint, [], "the staircase, not lint, reports what a down leaves behind");
    // The page links the finding to the down (line 1: nothing in it touches the index) and to the table.
    let place = serde_json::to_value(&r.migrations[1].places).unwrap();
    assert_eq!(place, serde_json::json!([{"file": "2_index_b.down.sql", "line": 1, "table": "things"}]));
}

#[test]
fn a_down_failing_in_its_second_statement_is_rolled_back_and_reported() {
    let r = run("down_fails_halfway");
    assert_eq!(
        problems(&r),
        [(1, vec!["down failed: 1_create_pair.down.sql, statement 2 (line 3): no such table: middle_side (rolled back)".to_string()])]
    );
    assert_eq!(r.migrations[0].down, DownResult::Error);
    assert_eq!(r.migrations[0].up_again, Outcome::Pass, "the rebuild lets the up-again check still run");
}

#[test]
fn a_broken_up_is_reported_and_what_follows_says_it_was_not_tested() {
    let r = run("broken_third_statement");
    assert_eq!(
        problems(&r),
        [
            (1, vec![]),
            (2, vec!["up failed: 2_create_books.up.sql, statement 3 (line 12): near \"TABEL\": syntax error (rolled back)".to_string()]),
        ]
    );
    assert_eq!(r.migrations[1].down, DownResult::NotTested);
    assert_eq!(r.totals.tables, 1);
    let place = serde_json::to_value(&r.migrations[1].places).unwrap();
    assert_eq!(place, serde_json::json!([{"file": "2_create_books.up.sql", "line": 12}]), "the failing statement's line");
}

#[test]
fn verify_exits_0_1_or_2() {
    let (code, md, _) = cli(&["verify"]);
    assert_eq!(code, Some(0));
    assert!(md.starts_with("# Database Migrations Test Report\n"));
    let (code, _, err) = cli(&["verify", fixture("index_left_behind").to_str().unwrap()]);
    assert_eq!(code, Some(1));
    assert_eq!(err, "FAIL 2 index b: down: index idx_b is still there (created by 2 index b, 2_index_b.up.sql line 1); nothing in 2_index_b.down.sql touches index idx_b\n");
    let (code, out, err) = cli(&["verify", fixture("duplicate_versions").to_str().unwrap()]);
    assert_eq!(code, Some(2));
    assert_eq!(out, "");
    assert!(err.starts_with("error: 2 problems in the migration set:\n  duplicate migration version 1:"), "{err}");
}

#[test]
fn verify_writes_json_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    let (code, stdout, _) = cli(&["verify", "--format", "json", "--out", out.to_str().unwrap()]);
    assert_eq!((code, stdout.as_str()), (Some(0), ""));
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap();
    assert_eq!(json["ok"], true);
    assert_eq!(json["migrations"][2]["status"], "pass");
    assert!(json["migrations"][2]["up_ms"].as_f64().unwrap() > 0.0);
    assert_eq!(json["totals"]["foreign_keys"], 2);
    assert_eq!(json["lint"], serde_json::json!([]));
    assert_eq!(json["sqlite_version"], migraplay::sqlite_version());
}

/// Every number in a text, as written (`0.332`, `20250115010000`, `13`).
fn numbers(text: &str) -> Vec<f64> {
    text.split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .map(|w| w.trim_matches('.'))
        .filter(|w| !w.is_empty() && w.chars().next().unwrap().is_ascii_digit())
        .filter_map(|w| w.parse().ok())
        .collect()
}

fn json_numbers(v: &serde_json::Value, out: &mut Vec<f64>) {
    match v {
        serde_json::Value::Number(n) => out.push(n.as_f64().unwrap()),
        serde_json::Value::String(s) => out.extend(numbers(s)),
        serde_json::Value::Array(a) => a.iter().for_each(|v| json_numbers(v, out)),
        serde_json::Value::Object(o) => o.iter().for_each(|(k, v)| {
            out.extend(numbers(k));
            json_numbers(v, out)
        }),
        _ => {}
    }
}

#[test]
fn every_number_in_the_markdown_report_is_in_the_json() {
    for name in ["bundled", "index_left_behind", "broken_third_statement"] {
        let r = run(name);
        let mut known = Vec::new();
        json_numbers(&serde_json::to_value(&r).unwrap(), &mut known);
        // Counts of list items the Markdown spells out (e.g. "Indexes created: 4") are list lengths in the JSON.
        let v = serde_json::to_value(&r).unwrap();
        let mut lengths = Vec::new();
        collect_lengths(&v, &mut lengths);
        known.extend(lengths);
        // The headings "Test 1/2/3" are the seed report's labels, not figures.
        let md = r.to_markdown().replace("### Test 1:", "").replace("### Test 2:", "").replace("### Test 3:", "");
        for n in numbers(&md) {
            assert!(known.iter().any(|k| (k - n).abs() < 1e-9), "{name}: {n} is in the Markdown but not in the JSON");
        }
    }
}

fn collect_lengths(v: &serde_json::Value, out: &mut Vec<f64>) {
    match v {
        serde_json::Value::Array(a) => {
            out.push(a.len() as f64);
            a.iter().for_each(|v| collect_lengths(v, out));
        }
        serde_json::Value::Object(o) => o.values().for_each(|v| collect_lengths(v, out)),
        _ => {}
    }
}

#[test]
fn a_rebuilding_down_that_loses_constraints_is_caught_part_by_part() {
    let r = run("rebuild_loses_constraints");
    assert_eq!(
        problems(&r)[1].1,
        [
            "down: column accounts.email: collation NOCASE → none (created by 1 create accounts, 1_create_accounts.up.sql line 1); see 2_add_plan.down.sql line 10",
            "down: column accounts.id: autoincrement yes → no (created by 1 create accounts, 1_create_accounts.up.sql line 1); see 2_add_plan.down.sql line 10",
            "down: table accounts: UNIQUE (org, handle) is missing (created by 1 create accounts, 1_create_accounts.up.sql line 1); see 2_add_plan.down.sql line 10",
            "down: table accounts_backup is new (the down created it); see 2_add_plan.down.sql line 12",
            "down: index idx_accounts_email: key email DESC → email (created by 1 create accounts, 1_create_accounts.up.sql line 8); see 2_add_plan.down.sql line 11",
        ]
    );
    assert_eq!(r.migrations[1].down, DownResult::Fail);
    assert_eq!(r.migrations[1].up_again, Outcome::Pass);
    let md = r.to_markdown();
    assert!(md.contains("- **Verdict**: FAIL: 1 of 2 migrations failing (2), 1 passing.\n"), "{md}");
    assert!(md.contains("  - 2 add plan: down: column accounts.email: collation NOCASE → none (created by 1 create accounts, 1_create_accounts.up.sql line 1); see 2_add_plan.down.sql line 10 (and 4 more)\n"), "{md}");
    assert!(md.contains("  - Adds: column accounts.plan; table accounts: CHECK (plan IN ('free', 'pro'))\n"), "{md}");
}

#[test]
fn the_same_schema_spelled_otherwise_is_no_difference() {
    let r = run("equivalent_spelling");
    assert!(r.ok, "{:#?}", problems(&r));
    assert_eq!(r.migrations[1].changes, [], "a rebuild that keeps every definition changes nothing");
    assert!(r.to_markdown().contains("  - Schema: unchanged\n"));
}

#[test]
fn a_down_that_changes_one_detail_of_each_definition_names_each() {
    let r = run("down_changes_definitions");
    assert_eq!(
        problems(&r)[1].1,
        [
            "down: column items.doubled: generated AS (price * 2) STORED → AS (price * 2) VIRTUAL (created by 1 create items, 1_create_items.up.sql line 2); see 2_rebuild_all.down.sql line 11",
            "down: table items: FOREIGN KEY (owner) → owners(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED is missing (created by 1 create items, 1_create_items.up.sql line 2); see 2_rebuild_all.down.sql line 11",
            "down: table items: FOREIGN KEY (owner) → owners(id) ON DELETE SET NULL is new (the down created it); see 2_rebuild_all.down.sql line 11",
            "down: table items: CHECK (price > 0) → CHECK (price >= 0) (created by 1 create items, 1_create_items.up.sql line 2); see 2_rebuild_all.down.sql line 11",
            "down: column tags.name: not null yes → no (created by 1 create items, 1_create_items.up.sql line 11); see 2_rebuild_all.down.sql line 16",
            "down: table tags: without rowid yes → no (created by 1 create items, 1_create_items.up.sql line 11); see 2_rebuild_all.down.sql line 16",
            "down: index idx_items_cheap: where price < 10 → price <= 10 (created by 1 create items, 1_create_items.up.sql line 8); see 2_rebuild_all.down.sql line 12",
            "down: trigger items_audit: … items BEGIN SELECT 1; … → … items BEGIN SELECT 2; … (created by 1 create items, 1_create_items.up.sql line 10); see 2_rebuild_all.down.sql line 14",
            "down: view cheap_items: … WHERE price < 10 → … WHERE price <= 10 (created by 1 create items, 1_create_items.up.sql line 9); see 2_rebuild_all.down.sql line 13",
        ]
    );
}

#[test]
fn migrations_after_a_failed_up_are_not_tested_and_counted_apart() {
    let r = run("not_tested_after_failure");
    let status: Vec<Status> = r.migrations.iter().map(|m| m.status).collect();
    assert_eq!(status, [Status::Pass, Status::Fail, Status::NotTested]);
    assert_eq!(problems(&r)[2].1, ["not tested: the up of 2 create b failed before it"]);
    assert_eq!((r.summary.passed, r.summary.failed, r.summary.not_tested), (1, 1, 1));
    assert_eq!(r.summary.headline, "FAIL: 1 of 3 migrations failing (2), 1 not tested, 1 passing.");
    let md = r.to_markdown();
    for line in [
        "- **Total Migrations**: 3: 1 passing, 1 failing, 1 not tested\n",
        "  - 2 create b: up failed: 2_create_b.up.sql, statement 2 (line 2): no such table: missing_table (rolled back)\n",
        "- **UP**: 2 ran, 1 failed, 1 not tested\n",
        "- **DOWN**: 1 ran (1 left the schema exactly as before its UP, 0 left a difference, 0 failed with an error), 0 irreversible, 2 not tested\n",
        "- **Repeatability**: UP→DOWN→UP gives the same schema for the 1 it could test; 2 not tested\n",
        "**Result**: FAIL (1 of the 2 it could test; 1 not tested) - see the problems above\n",
        "**Result**: PASS for the 1 it could test (2 not tested)\n",
    ] {
        assert!(md.contains(line), "{line} is not in:\n{md}");
    }
    assert!(!md.contains("does NOT give the same schema"), "what never ran is not called unrepeatable");
}

#[test]
fn a_rename_and_its_reverse_round_trip_with_the_quotes_sqlite_adds() {
    let r = run("rename_round_trip");
    assert!(r.ok, "{:#?}", problems(&r));
    let steps: Vec<String> = r.migrations[1].changes.iter().map(|d| d.as_step()).collect();
    assert!(steps.contains(&"table users removed".to_string()) && steps.contains(&"table accounts added".to_string()), "{steps:?}");
}

#[test]
fn a_down_of_only_comments_is_called_empty_before_what_it_left() {
    let set = MigrationSet::from_files([
        ("1_a.up.sql".to_string(), b"CREATE TABLE t(x);".to_vec()),
        ("1_a.down.sql".to_string(), b"-- SQL in section 'Down' is executed when this migration is rolled back\n".to_vec()),
    ])
    .unwrap();
    let r = verify(&set, "native test", None, &mut |_| {}).unwrap();
    assert_eq!(
        problems(&r)[0].1,
        [
            "down: 1_a.down.sql has no statement (only comments or blanks), so it reverted nothing",
            "down: table t is still there (created by 1 a, 1_a.up.sql line 1); nothing in 1_a.down.sql touches table t",
            // Rolled back and forward, as an operator would: the up meets what the down left.
            "up again on what the down left failed: 1_a.up.sql, statement 1 (line 1): table t already exists (rolled back)",
        ]
    );
}

#[test]
fn a_column_renamed_by_an_up_is_one_change_and_a_down_that_forgets_it_says_so() {
    let set = MigrationSet::from_files([
        ("1_a.up.sql".to_string(), b"CREATE TABLE t(id INTEGER PRIMARY KEY, modified TEXT);".to_vec()),
        ("1_a.down.sql".to_string(), b"DROP TABLE t;".to_vec()),
        ("2_ren.up.sql".to_string(), b"ALTER TABLE t RENAME COLUMN modified TO created_at;".to_vec()),
        ("2_ren.down.sql".to_string(), b"SELECT 1;".to_vec()),
    ])
    .unwrap();
    let r = verify(&set, "native test", None, &mut |_| {}).unwrap();
    let steps: Vec<String> = r.migrations[1].changes.iter().map(|d| d.as_step()).collect();
    assert_eq!(steps, ["column t.modified: renamed modified → created_at"]);
    assert_eq!(
        problems(&r)[1].1,
        [
            "down: column t.modified: renamed modified → created_at (created by 1 a, 1_a.up.sql line 1); nothing in 2_ren.down.sql touches table t",
            "up again on what the down left failed: 2_ren.up.sql, statement 1 (line 1): no such column: \"modified\" (rolled back)",
        ]
    );
}

#[test]
fn what_a_failed_up_without_a_transaction_left_is_not_blamed_on_an_earlier_down() {
    let set = MigrationSet::from_files([
        ("1_a.up.sql".to_string(), b"CREATE TABLE a(x);".to_vec()),
        ("1_a.down.sql".to_string(), b"DROP TABLE a;".to_vec()),
        ("2_b.up.sql".to_string(), b"-- no-transaction\nCREATE TABLE b(x);\nSELECT * FROM nope;".to_vec()),
        ("2_b.down.sql".to_string(), b"DROP TABLE b;".to_vec()),
    ])
    .unwrap();
    let r = verify(&set, "native test", None, &mut |_| {}).unwrap();
    assert_eq!(r.migrations[0].status, Status::Pass, "{:?}", problems(&r));
    assert_eq!(r.migrations[1].status, Status::Fail);
}

// --- data: seeded rows through every up and down -------------------------------

fn data(r: &Report, k: usize) -> &migraplay::DataReport {
    r.migrations[k].data.as_ref().expect("data checks are on by default")
}

#[test]
fn a_down_whose_rebuild_forgets_a_column_loses_it_and_fails() {
    let r = run("data_rebuild_forgets_column");
    assert_eq!(problems(&r), [(1, vec![]), (2, vec!["down of 2 loses remote_id in 3 rows of replications".to_string()])]);
    assert_eq!(r.migrations[1].down, DownResult::Fail);
    let d = data(&r, 1);
    assert_eq!((d.seeded, d.kept, d.changed, d.removed), (3, 3, 0, 0), "the up's own rebuild copies every column");
    assert!(d.up.is_empty() && d.not_seeded.is_empty());
    assert_eq!(r.migrations[0].status, Status::Pass);
}

#[test]
fn a_down_that_recreates_a_table_empty_fails_and_the_report_says_how_many_rows_it_had() {
    let r = run("data_down_recreates_empty");
    assert_eq!(problems(&r), [(1, vec![]), (2, vec!["down of 2 leaves sweeps empty (3 rows before)".to_string()])]);
    let md = r.to_markdown();
    assert!(md.contains("  - Data: 3 rows seeded; the up kept 0 of 0 rows\n"), "{md}");
    let json: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
    let problem = &json["migrations"][1]["problems"][0];
    assert_eq!(problem["kind"], "data");
    assert_eq!(problem["loss"]["what"], "emptied");
    assert_eq!(problem["loss"]["table"], "sweeps");
    assert_eq!(problem["loss"]["before"], 3);
}

#[test]
fn checks_ins_lengths_json_strict_without_rowid_generated_and_self_references_are_seeded_and_survive_a_rename_round_trip() {
    let r = run("data_shapes");
    assert!(r.ok, "{:?}", problems(&r));
    let d = data(&r, 1);
    assert_eq!(d.seeded, 9, "three rows in each of the three tables");
    assert!(d.not_seeded.is_empty() && d.up.is_empty() && d.changed == 0 && d.removed == 0, "{d:?}");
}

#[test]
fn an_up_that_rewrites_rows_is_a_warning_not_a_failure() {
    let dir = tempfile::tempdir().unwrap();
    for (name, sql) in [
        ("1_t.up.sql", "CREATE TABLE invoices (id INTEGER PRIMARY KEY, expiry INTEGER NOT NULL);"),
        ("1_t.down.sql", "DROP TABLE invoices;"),
        ("2_fix.up.sql", "UPDATE invoices SET expiry = 86400;"),
        ("3_purge.up.sql", "DELETE FROM invoices WHERE id > 1;"),
    ] {
        std::fs::write(dir.path().join(name), sql).unwrap();
    }
    let r = verify(&MigrationSet::from_dir(dir.path()).unwrap(), "test", None, &mut |_| {}).unwrap();
    let warnings = |k: usize| data(&r, k).up.iter().map(|w| w.to_string()).collect::<Vec<_>>();
    assert_eq!(warnings(1), ["up of 2 changes expiry in 3 rows of invoices"]);
    assert_eq!(warnings(2), ["up of 3 removes 2 of 3 rows from invoices"]);
    assert_eq!(r.migrations[1].status, Status::Pass, "an up may mean to change rows: it is said, not failed");
}

#[test]
fn data_checks_can_be_turned_off() {
    let set = MigrationSet::from_dir(&fixture("data_down_recreates_empty")).unwrap();
    let r = migraplay::verify_with(&set, "test", None, false, &mut |_| {}).unwrap();
    assert!(r.ok && r.migrations.iter().all(|m| m.data.is_none()));
    let (code, out, _) = cli(&["verify", fixture("data_down_recreates_empty").to_str().unwrap(), "--data", "off"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(!out.contains("- Data:"));
    let (code, out, _) = cli(&["verify", fixture("data_down_recreates_empty").to_str().unwrap()]);
    assert_eq!(code, Some(1));
    assert!(out.contains("down of 2 leaves sweeps empty (3 rows before)"), "{out}");
}

/// Rows are seeded into the tables that exist before an up, so the second
/// migration is what puts rows in the first one's tables before its down.
#[test]
fn a_down_that_fails_only_with_rows_in_its_tables_says_so() {
    let r = run("data_down_drops_parent_first");
    assert_eq!(
        problems(&r),
        [
            (1, vec!["down failed: 1_swaps.down.sql, statement 1 (line 2): FOREIGN KEY constraint failed \
                — with the sample rows in its tables; on empty tables it runs (rolled back)"
                .to_string()]),
            (2, vec![])
        ]
    );
    let set = MigrationSet::from_dir(&fixture("data_down_drops_parent_first")).unwrap();
    assert!(migraplay::verify_with(&set, "test", None, false, &mut |_| {}).unwrap().ok, "on empty tables it passes");
}

#[test]
fn views_dropped_and_made_again_by_two_migrations_come_back_after_each_down() {
    // The second redefinition's down frees the top rowids of sqlite_schema; the first's
    // down then makes its views at rowids an earlier drop freed, below the largest seen.
    let r = run("views_redefined_twice");
    assert!(r.ok, "{:#?}", problems(&r));
    assert!(r.migrations.iter().all(|m| m.down == DownResult::Pass && m.up_again == Outcome::Pass));
}

#[test]
fn a_view_reading_a_column_its_source_view_lost_applies_as_sqlite_applies_it() {
    let r = run("view_reads_a_column_its_source_lost");
    assert!(r.ok, "{:#?}", problems(&r));
    assert_eq!(r.migrations[2].up, Outcome::Pass);
}

#[test]
fn a_full_rollback_that_breaks_on_what_an_earlier_down_left_fails_the_verdict() {
    // Each down passes on a database rebuilt for it but 4's, which keeps the foreign key its
    // up added; rolled back on one database, 3's DROP COLUMN then meets that key.
    let r = run("rollback_breaks_after_an_earlier_leak");
    assert!(!r.ok);
    assert_eq!(r.migrations[2].status, Status::Pass, "3's down passes on its own");
    assert_eq!(
        r.full_rollback.to_string(),
        "fails at 20240103000000 add environment to api keys, after 1 down from 20240104000000: \
         20240103000000_add_environment_to_api_keys.sql, statement 1 (line 5): error in table api_keys after drop column: \
         unknown column \"environment_id\" in foreign key definition; before it, the down of 20240104000000 pair api keys \
         with environments left table api_keys: FOREIGN KEY (environment_id) → environments(id) is still there"
    );
    assert_eq!(r.summary.headline, "FAIL: 1 of 4 migrations failing (20240104000000), the full rollback fails at 20240103000000, 3 passing.");
    let md = r.to_markdown();
    // Test 2 is the rollback itself: its log has the one down that ran, not the staircase's four.
    let test2 = &md[md.find("### Test 2").unwrap()..md.find("### Test 3").unwrap()];
    assert_eq!(test2.lines().filter(|l| l.starts_with("Applied")).count(), 1, "{test2}");
    assert!(test2.contains("**Result**: FAIL - fails at 20240103000000"), "{test2}");
    let json: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
    assert_eq!(json["full_rollback"]["result"], "fails");
    assert_eq!(json["full_rollback"]["at"]["version"], 20240103000000i64);
    assert_eq!(json["full_rollback"]["location"]["line"], 5);
}

#[test]
fn an_up_run_again_on_what_its_leaky_down_left_is_tested_there_and_said_apart() {
    let r = run("leaky_down_then_up_fails");
    assert_eq!(
        problems(&r)[1].1,
        [
            "down: table events is missing (created by 20240101000000 create events, 20240101000000_create_events.sql line 2); see 20240102000000_create_audit.sql line 9",
            "up again on what the down left failed: 20240102000000_create_audit.sql, statement 2 (line 4): no such table: events \
             (it runs without migraplay's transaction: statements before it stay)",
        ]
    );
    assert_eq!(r.migrations[1].up_on_left, Some(Outcome::Fail));
    assert_eq!(r.migrations[1].up_again, Outcome::Pass, "on a rebuilt database it runs");
    assert_eq!(r.migrations[0].up_on_left, None, "a clean down needs no second run");
    assert_eq!(
        r.summary.repeatability,
        "UP→DOWN→UP gives the same schema for the 1 whose down restored the schema; 1 re-ran only on a rebuilt database, \
         because their down leaked or failed (1 the same schema there); run on what the down left, 1 of 1 fail"
    );
    let md = r.to_markdown();
    assert!(!md.contains("for all 2"), "{md}");
    assert!(md.contains("  - Repeatable: YES on a rebuilt database only (its down did not restore the schema)\n"), "{md}");
}

#[test]
fn a_set_with_no_downs_claims_no_revert_and_says_what_its_ups_destroy() {
    let r = run("no_downs");
    assert!(r.ok);
    assert_eq!(r.summary.headline, "PASS: 3 migrations apply; none has a down, so nothing was reverted.");
    assert_eq!(r.full_rollback.to_string(), "cannot start: the latest migration, 3 index members, has no down");
    assert!(r.migrations.iter().all(|m| m.up_again == Outcome::NotTested && m.down == DownResult::None));
    let md = r.to_markdown();
    for line in [
        "- **Repeatability**: not tested: no migration has a down, so none was reverted and re-applied\n",
        "- **Rows the ups destroy** (of the seeded rows; an up may mean to):\n",
        "  - up of 2 leaves members empty (3 rows before)\n",
        "  - up of 2 leaves teams empty (3 rows before) (2_archive_teams.sql, statement 3 (line 4))\n",
        "**Result**: NOT TESTED - no migration has a down, so none was reverted\n",
    ] {
        assert!(md.contains(line), "{line} is not in:\n{md}");
    }
    assert!(!md.contains("revert and re-apply cleanly") && !md.contains("UP→DOWN→UP gives"), "{md}");
}

#[test]
fn verify_takes_the_folder_as_every_command_does() {
    let dir = fixture("no_downs");
    let dir = dir.to_str().unwrap();
    let (code, given, _) = cli(&["verify", "--dir", dir, "--format", "json"]);
    assert_eq!(code, Some(0));
    let (_, positional, _) = cli(&["verify", dir, "--format", "json"]);
    let headline = |out: &str| serde_json::from_str::<serde_json::Value>(out).unwrap()["summary"]["headline"].clone();
    assert_eq!(headline(&given), headline(&positional));
    assert_eq!(headline(&given), "PASS: 3 migrations apply; none has a down, so nothing was reverted.");
}
