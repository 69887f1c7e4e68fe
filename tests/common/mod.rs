//! Helpers shared by the native integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

use migraplay::{MigrationSet, Playground};

/// The folder of a fixture scenario, or of the bundled migrations.
pub fn fixture(name: &str) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    if name == "bundled" { root.join("migrations") } else { root.join("tests/fixtures").join(name) }
}

/// A fresh in-memory playground on a fixture's set.
pub fn playground(name: &str) -> Playground {
    Playground::in_memory(MigrationSet::from_dir(&fixture(name)).expect("fixture loads")).expect("in-memory database")
}

/// The user tables, by name.
pub fn tables(pg: &Playground) -> Vec<String> {
    pg.schema().unwrap().tables.iter().map(|t| t.name.clone()).collect()
}

/// The `_sqlx_migrations` rows as (version, description, success).
pub fn bookkeeping(pg: &Playground) -> Vec<(i64, String, bool)> {
    let mut stmt = pg
        .connection()
        .prepare("SELECT version, description, success FROM _sqlx_migrations ORDER BY version")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect()
}
