//! Verify on small generated sets: up to four migrations whose scripts are
//! strung together from SQL fragments (see `common`: DDL, rebuilds, renames,
//! transactions in odd places, pragmas, quotes of every kind, unterminated and
//! non-ASCII names, NUL bytes, comments). Whatever the SQL does, verify returns
//! a report or an error, never a panic, and stays within its time budget.
#![no_main]

mod common;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use migraplay::{verify, MigrationSet};

#[derive(Arbitrary, Debug)]
struct Migration {
    up: Vec<u8>,
    down: Option<Vec<u8>>,
}

fuzz_target!(|migrations: Vec<Migration>| {
    let mut files = Vec::new();
    for (i, m) in migrations.iter().take(4).enumerate() {
        match &m.down {
            Some(down) => {
                files.push((format!("{}_m.up.sql", i + 1), common::script(&m.up).into_bytes()));
                files.push((format!("{}_m.down.sql", i + 1), common::script(down).into_bytes()));
            }
            None => files.push((format!("{}_m.sql", i + 1), common::script(&m.up).into_bytes())),
        }
    }
    let Ok(set) = MigrationSet::from_files(files) else { return };
    if let Ok(report) = verify(&set, "fuzz", Some(common::BUDGET), &mut |_| {}) {
        let _ = (report.to_markdown(), report.to_json());
    }
});
