//! Lint on one or two migrations whose up and down texts are arbitrary bytes
//! (read as lossy UTF-8) or strung together from the shared SQL fragments:
//! `lint(&set, None)`, then `lint(&set, Some(&schema))` with the schema after
//! applying every up in a Playground. Never a panic; every warning prints.
#![no_main]

mod common;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use migraplay::{lint, MigrationSet};

#[derive(Arbitrary, Debug)]
enum Text {
    /// Arbitrary bytes, as lossy UTF-8.
    Bytes(Vec<u8>),
    /// Fragments picked by the bytes.
    Fragments(Vec<u8>),
}

impl Text {
    fn bytes(&self) -> Vec<u8> {
        match self {
            Text::Bytes(b) => String::from_utf8_lossy(b).into_owned().into_bytes(),
            Text::Fragments(picks) => common::script(picks).into_bytes(),
        }
    }
}

#[derive(Arbitrary, Debug)]
struct Migration {
    up: Text,
    down: Option<Text>,
}

fuzz_target!(|migrations: Vec<Migration>| {
    let mut files = Vec::new();
    for (i, m) in migrations.iter().take(2).enumerate() {
        match &m.down {
            Some(down) => {
                files.push((format!("{}_m.up.sql", i + 1), m.up.bytes()));
                files.push((format!("{}_m.down.sql", i + 1), down.bytes()));
            }
            None => files.push((format!("{}_m.sql", i + 1), m.up.bytes())),
        }
    }
    let Ok(set) = MigrationSet::from_files(files) else { return };
    for w in lint(&set, None) {
        let _ = format!("{w:?}");
    }
    if let Some(schema) = common::schema_after(set.clone()) {
        for w in lint(&set, Some(&schema)) {
            let _ = format!("{w:?}");
        }
    }
});
