//! The native side of `make bench`: the core (rusqlite) on the bundled set
//! and on generated sets, timed per run. Prints JSON for tests/bench/bench.mjs:
//! `[{"case": …, "engine": "native", "runs": [ms, …]}]`.
//! Usage: cargo bench --bench native -- SETS_DIR (holding 100/ and 1000/).

use std::path::PathBuf;
use std::time::Instant;

use migraplay::{verify_with, MigrationSet, Playground, Target};

fn time(runs: usize, mut f: impl FnMut()) -> Vec<f64> {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect()
}

fn main() {
    let Some(dir) = std::env::args().skip(1).find(|a| !a.starts_with("--")).map(PathBuf::from) else {
        // `cargo test --all-targets` runs benches too, with no arguments: nothing to measure then.
        eprintln!("usage: native SETS_DIR (make bench runs it with the generated sets)");
        return;
    };
    let sets = [
        ("bundled", MigrationSet::bundled(), 30),
        ("100", MigrationSet::from_dir(&dir.join("100")).expect("generated set 100"), 10),
        ("1000", MigrationSet::from_dir(&dir.join("1000")).expect("generated set 1000"), 3),
    ];
    let mut out = Vec::new();
    for (name, set, runs) in &sets {
        // Loading the set from its files (names parsed, SHA-384 computed) is timed, as it is
        // in the page, where each run builds a Playground from the files.
        let files: Vec<(String, Vec<u8>)> = set.files().into_iter().map(|(n, t)| (n, t.into_bytes())).collect();
        let apply = time(*runs, || {
            let mut pg = Playground::in_memory(MigrationSet::from_files(files.clone()).unwrap()).unwrap();
            pg.set_time_budget(None);
            assert_eq!(pg.migrate(Target::Up(None)).unwrap().len(), set.migrations().len());
        });
        out.push(serde_json::json!({ "case": format!("apply all, {name}"), "engine": "native", "runs": apply }));
        // Verify with its data checks (the default), and with the schema alone (--data off).
        for (case, data) in [("verify", true), ("verify, schema only", false)] {
            let check = time(*runs, || {
                let set = MigrationSet::from_files(files.clone()).unwrap();
                let report = verify_with(&set, "bench", None, data, &mut |_| {}).unwrap();
                assert!(report.ok);
                std::hint::black_box((report.to_markdown(), report.to_json()));
            });
            out.push(serde_json::json!({ "case": format!("{case}, {name}"), "engine": "native", "runs": check }));
        }
    }
    println!("{}", serde_json::Value::Array(out));
}
