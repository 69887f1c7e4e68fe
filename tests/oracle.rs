//! Every fixture's verdicts checked against an independent oracle: Python's
//! own sqlite3 (`tests/oracle/oracle.py`, which shares no code with migraplay)
//! applies the ups, runs the staircase of downs and compares the schema it
//! reads from `sqlite_master` and the pragmas. Both must agree, migration by
//! migration, on whether each up ran and whether each down passed.

mod common;

use std::process::Command;

use common::fixture;
use migraplay::{verify_with, DownResult, MigrationSet, Outcome};

/// The full rollback as (result, the version it stopped at, downs that ran before).
type Rollback = (String, Option<i64>, u64);

fn rollback(v: &serde_json::Value) -> Rollback {
    (v["result"].as_str().unwrap().to_string(), v["at"].as_i64().or_else(|| v["at"]["version"].as_i64()), v["reverted"].as_u64().unwrap_or(0))
}

/// The oracle's verdicts: (version, up, down) with up `ok`/`error`/`not_tested`
/// and down `pass`/`fail`/`error`/`none`/`not_tested`; and its full rollback.
fn oracle(dir: &std::path::Path) -> (Vec<(i64, String, String)>, Rollback) {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oracle/oracle.py");
    let out = Command::new("python3").arg(script).arg(dir).arg("--json").output().expect("python3 runs the oracle");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let word = |v: &serde_json::Value| v.as_str().unwrap().split(':').next().unwrap().to_string();
    let verdicts = json["migrations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["version"].as_i64().unwrap(), word(&m["up"]), word(&m["down"])))
        .collect();
    (verdicts, rollback(&json["full_rollback"]))
}

fn migraplay(dir: &std::path::Path) -> (Vec<(i64, String, String)>, Rollback) {
    // The schema's verdicts: the oracle compares schemas (data checks have their own oracle below).
    let r = verify_with(&MigrationSet::from_dir(dir).unwrap(), "native test", None, false, &mut |_| {}).unwrap();
    let json: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
    let verdicts = r
        .migrations
        .iter()
        .map(|m| {
            let up = match m.up {
                Outcome::Pass => "ok",
                Outcome::Fail => "error",
                Outcome::NotTested => "not_tested",
            };
            let down = match m.down {
                DownResult::Pass => "pass",
                DownResult::Fail => "fail",
                DownResult::Error => "error",
                DownResult::None => "none",
                DownResult::NotTested => "not_tested",
            };
            (m.version, up.to_string(), down.to_string())
        })
        .collect();
    (verdicts, rollback(&json["full_rollback"]))
}

#[test]
fn migraplay_and_the_python_oracle_agree_on_every_fixture() {
    let fixtures = [
        "bundled",
        "index_left_behind",
        "trigger_created_twice",
        "down_fails_halfway",
        "broken_third_statement",
        "rebuild_loses_constraints",
        "equivalent_spelling",
        "down_changes_definitions",
        "not_tested_after_failure",
        "rename_round_trip",
        "goose_set",
        "dbmate_set",
        "golang_migrate_own_transactions",
        "views_redefined_twice",
        "view_reads_a_column_its_source_lost",
        "rollback_breaks_after_an_earlier_leak",
        "leaky_down_then_up_fails",
        "no_downs",
    ];
    for name in fixtures {
        let dir = fixture(name);
        assert_eq!(migraplay(&dir), oracle(&dir), "{name}");
    }
}

#[test]
fn the_oracle_itself_tells_a_lost_constraint_from_a_respelled_one() {
    let down = |dir: &str| oracle(&fixture(dir)).0.into_iter().map(|(_, _, d)| d).collect::<Vec<_>>();
    assert_eq!(down("rebuild_loses_constraints"), ["pass", "fail"]);
    assert_eq!(down("equivalent_spelling"), ["pass", "pass"]);
}

/// The data oracle's sentences (`tests/oracle/data_oracle.py`, Python's sqlite3
/// with its own naive seeding and row comparison): per migration, what its
/// down did to the rows seeded before its up; and the tables it could not seed.
fn data_oracle(dir: &std::path::Path) -> (Vec<(i64, Vec<String>)>, Vec<String>) {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oracle/data_oracle.py");
    let out = Command::new("python3").arg(script).arg(dir).arg("--json").output().expect("python3 runs the data oracle");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let strings = |v: &serde_json::Value| v.as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_string()).collect::<Vec<_>>();
    let migrations = json["migrations"].as_array().unwrap().iter().map(|m| (m["version"].as_i64().unwrap(), strings(&m["down_data"]))).collect();
    (migrations, strings(&json["not_seeded"]))
}

#[test]
fn the_python_data_oracle_agrees_on_the_data_fixtures() {
    // Every down's data verdicts, sentence for sentence. Each migration is checked
    // on its own by the oracle (fresh database, ups 1..k-1, 3 rows a table, up k,
    // down k); migraplay tops rows up along one staircase. On these sets both
    // come to the same rows before each up, so the counts in the words agree too.
    let fixtures = ["data_rebuild_forgets_column", "data_down_recreates_empty", "data_shapes", "rename_round_trip", "bundled"];
    for name in fixtures {
        let dir = fixture(name);
        let (oracle, not_seeded) = data_oracle(&dir);
        // The naive seeder fills every table of these sets, so nothing is skipped.
        assert!(not_seeded.is_empty(), "{name}: the data oracle could not seed {not_seeded:?}");
        let r = migraplay::verify(&MigrationSet::from_dir(&dir).unwrap(), "native test", None, &mut |_| {}).unwrap();
        let ours: Vec<(i64, Vec<String>)> = r
            .migrations
            .iter()
            .map(|m| (m.version, m.problems.iter().filter(|p| matches!(p, migraplay::Problem::Data { .. })).map(|p| p.to_string()).collect()))
            .collect();
        assert_eq!(ours, oracle, "{name}");
    }
    // Agreeing on silence proves little: the oracle itself sees both losses.
    let said = |name: &str| data_oracle(&fixture(name)).0.into_iter().flat_map(|(_, s)| s).collect::<Vec<_>>();
    assert_eq!(said("data_rebuild_forgets_column"), ["down of 2 loses remote_id in 3 rows of replications"]);
    assert_eq!(said("data_down_recreates_empty"), ["down of 2 leaves sweeps empty (3 rows before)"]);
}
