//! The native side of `make bench`: the core (rusqlite) on the bundled set
//! and on generated sets, timed per run. Prints JSON for tests/bench/bench.mjs:
//! `[{"case": …, "engine": ENGINE, "runs": [ms, …], "warmup_runs": n}]`.
//! Usage: cargo bench [--profile bench-native] --bench native -- SETS_DIR [--engine=NAME] [--part=K]
//! (SETS_DIR holding 100/, 1000/ and real200/; NAME defaults to `native`; with `--part=K` each
//! case takes 1/K of its timed runs, rounded up). make bench builds it under the `bench-native`
//! profile as `native` (the reference) and under the shipped release profile (opt-level "s") as
//! `native-shipped`, and runs the two interleaved, K processes each, pooling their runs.

use std::path::PathBuf;
use std::time::Instant;

use migraplay::{layout, verify_with, MigrationSet, Playground, Target};

/// Untimed warm-up runs, then `runs` timed ones: one warm-up, and a second when the first
/// took under 50 ms. Returns (timed runs in ms, number of warm-up runs).
fn time(runs: usize, mut f: impl FnMut()) -> (Vec<f64>, usize) {
    let start = Instant::now();
    f();
    let mut warmup = 1;
    if start.elapsed().as_secs_f64() * 1000.0 < 50.0 {
        f();
        warmup += 1;
    }
    let timed = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    (timed, warmup)
}

fn main() {
    let Some(dir) = std::env::args().skip(1).find(|a| !a.starts_with("--")).map(PathBuf::from) else {
        // `cargo test --all-targets` runs benches too, with no arguments: nothing to measure then.
        eprintln!("usage: native SETS_DIR (make bench runs it with the generated sets)");
        return;
    };
    let engine = std::env::args()
        .find_map(|a| a.strip_prefix("--engine=").map(str::to_owned))
        .unwrap_or_else(|| "native".to_owned());
    let part: usize = std::env::args()
        .find_map(|a| a.strip_prefix("--part=").map(|k| k.parse().expect("--part=K, K a whole number")))
        .unwrap_or(1);
    // Each set with how many of its migrations verify fails (the real-shaped set has 20 broken downs).
    let sets = [
        ("bundled", MigrationSet::bundled(), 30, 0),
        ("100", MigrationSet::from_dir(&dir.join("100")).expect("generated set 100"), 10, 0),
        ("1000", MigrationSet::from_dir(&dir.join("1000")).expect("generated set 1000"), 3, 0),
        ("real-shaped 200", MigrationSet::from_dir(&dir.join("real200")).expect("generated set real200"), 10, 20),
    ];
    let mut out = Vec::new();
    for (name, set, runs, failing) in &sets {
        let runs = usize::div_ceil(*runs, part.max(1));
        // Loading the set from its files (names parsed, SHA-384 computed) is timed, as it is
        // in the page, where each run builds a Playground from the files.
        let files: Vec<(String, Vec<u8>)> = set.files().into_iter().map(|(n, t)| (n, t.into_bytes())).collect();
        let (apply, warmup) = time(runs, || {
            let mut pg = Playground::in_memory(MigrationSet::from_files(files.clone()).unwrap()).unwrap();
            pg.set_time_budget(None);
            assert_eq!(pg.migrate(Target::Up(None)).unwrap().len(), set.migrations().len());
        });
        out.push(serde_json::json!({ "case": format!("apply all, {name}"), "engine": engine, "runs": apply, "warmup_runs": warmup }));
        // The diagram's layout of the set's final schema (1000: 1,000 tables; real-shaped 200: 54 with foreign keys).
        let mut pg = Playground::in_memory(set.clone()).unwrap();
        pg.set_time_budget(None);
        pg.migrate(Target::Up(None)).unwrap();
        let schema = pg.schema().unwrap();
        let (laid, warmup) = time(runs, || {
            std::hint::black_box(layout(&schema));
        });
        out.push(serde_json::json!({ "case": format!("diagram layout, {name} ({} tables)", schema.tables.len()), "engine": engine, "runs": laid, "warmup_runs": warmup }));
        // Verify with its data checks (the default), and with the schema alone (--data off).
        for (case, data) in [("verify", true), ("verify, schema only", false)] {
            let (check, warmup) = time(runs, || {
                let set = MigrationSet::from_files(files.clone()).unwrap();
                let report = verify_with(&set, "bench", None, data, &mut |_| {}).unwrap();
                assert_eq!(report.summary.failed, *failing, "{name}");
                std::hint::black_box((report.to_markdown(), report.to_json()));
            });
            out.push(serde_json::json!({ "case": format!("{case}, {name}"), "engine": engine, "runs": check, "warmup_runs": warmup }));
        }
    }
    println!("{}", serde_json::Value::Array(out));
}
