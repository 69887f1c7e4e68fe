//! Arbitrary bytes as a database file, through both ways in:
//! - the page's "Open .sqlite" (`Playground::from_database`, the wasm facade's
//!   `importDatabase`) and its saved-database restore (`Playground::restore`),
//!   on a copy in memory;
//! - the CLI's `--db FILE` (`Playground::open`), on the bytes written to a file.
//!
//! Then what the page and the CLI do next: status (printed as the CLI prints
//! it), schema, export, apply everything and revert everything with the
//! bundled set. Refusing a file is fine; a panic is not.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use migraplay::{lint, MigrationSet, Playground, Target};

const BUDGET: std::time::Duration = std::time::Duration::from_millis(200);

fn work_dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("migraplay-fuzz-db-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        dir
    })
}

fn exercise(mut pg: Playground) {
    pg.set_time_budget(Some(BUDGET));
    if let Ok(status) = pg.status() {
        for s in status {
            // As `migraplay status` prints it.
            let state = format!("{:?}", s.state).to_lowercase();
            let short: String = s.checksum.chars().take(16).collect();
            let _ = format!("{}  {:<8} {}  sha384:{short}…", s.version, state, s.description);
        }
    }
    let Ok(before) = pg.schema() else { return };
    let _ = serde_json::to_string(&before);
    let _ = lint(pg.set(), Some(&before));
    let _ = pg.export();
    if let Ok(stepped) = pg.step(Target::Up(None)) {
        for d in &stepped.changes {
            let _ = (d.to_string(), d.as_step());
        }
    }
    let _ = pg.status();
    let _ = pg.step(Target::Down(None));
    let _ = pg.status();
}

fuzz_target!(|bytes: &[u8]| {
    let set = MigrationSet::bundled();
    if let Ok(pg) = Playground::from_database("fuzz.sqlite", bytes, set.clone()) {
        exercise(pg);
    }
    if let Ok(pg) = Playground::restore("the saved database", bytes, set.clone()) {
        exercise(pg);
    }
    let dir = work_dir();
    let path = dir.join("db.sqlite");
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(dir.join(format!("db.sqlite{suffix}")));
    }
    std::fs::write(&path, bytes).expect("write the database file");
    if let Ok(pg) = Playground::open(&path, set) {
        exercise(pg);
    }
});
