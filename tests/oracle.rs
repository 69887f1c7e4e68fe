//! Every fixture's verdicts checked against an independent oracle: Python's
//! own sqlite3 (`tests/oracle/oracle.py`, which shares no code with migraplay)
//! applies the ups, runs the staircase of downs and compares the schema it
//! reads from `sqlite_master` and the pragmas. Both must agree, migration by
//! migration, on whether each up ran and whether each down passed.

mod common;

use std::process::Command;

use common::fixture;
use migraplay::{verify, DownResult, MigrationSet, Outcome};

/// The oracle's verdicts: (version, up, down) with up `ok`/`error`/`not_tested`
/// and down `pass`/`fail`/`error`/`none`/`not_tested`.
fn oracle(dir: &std::path::Path) -> Vec<(i64, String, String)> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oracle/oracle.py");
    let out = Command::new("python3").arg(script).arg(dir).arg("--json").output().expect("python3 runs the oracle");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let word = |v: &serde_json::Value| v.as_str().unwrap().split(':').next().unwrap().to_string();
    json["migrations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["version"].as_i64().unwrap(), word(&m["up"]), word(&m["down"])))
        .collect()
}

fn migraplay(dir: &std::path::Path) -> Vec<(i64, String, String)> {
    let r = verify(&MigrationSet::from_dir(dir).unwrap(), "native test", None, &mut |_| {}).unwrap();
    r.migrations
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
        .collect()
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
    ];
    for name in fixtures {
        let dir = fixture(name);
        assert_eq!(migraplay(&dir), oracle(&dir), "{name}");
    }
}

#[test]
fn the_oracle_itself_tells_a_lost_constraint_from_a_respelled_one() {
    let down = |dir: &str| oracle(&fixture(dir)).into_iter().map(|(_, _, d)| d).collect::<Vec<_>>();
    assert_eq!(down("rebuild_loses_constraints"), ["pass", "fail"]);
    assert_eq!(down("equivalent_spelling"), ["pass", "pass"]);
}
