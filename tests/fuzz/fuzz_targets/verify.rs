//! Verify on small generated sets: up to four migrations whose scripts are
//! strung together from SQL fragments (DDL, transactions, pragmas, comments,
//! odd bytes). Whatever the SQL does, verify returns a report or an error,
//! never a panic, and stays within its time budget.
#![no_main]

use std::time::Duration;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use migraplay::{verify, MigrationSet};

const FRAGMENTS: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS t (a INTEGER PRIMARY KEY, b TEXT DEFAULT 'x' CHECK (b <> ''));",
    "CREATE TABLE t2 (a INTEGER REFERENCES t(a) ON DELETE CASCADE, c);",
    "CREATE INDEX IF NOT EXISTS i ON t (b);",
    "CREATE UNIQUE INDEX i2 ON t2 (c) WHERE c > 0;",
    "CREATE TRIGGER IF NOT EXISTS tr AFTER UPDATE ON t BEGIN UPDATE t SET b = 'y' WHERE a = NEW.a; END;",
    "CREATE VIEW IF NOT EXISTS v AS SELECT * FROM t;",
    "DROP TABLE IF EXISTS t;",
    "DROP TABLE t2;",
    "DROP INDEX IF EXISTS i;",
    "DROP TRIGGER IF EXISTS tr;",
    "DROP VIEW IF EXISTS v;",
    "ALTER TABLE t ADD COLUMN d INTEGER NOT NULL DEFAULT 0;",
    "ALTER TABLE t RENAME TO t3;",
    "ALTER TABLE t DROP COLUMN b;",
    "INSERT INTO t (b) VALUES ('z');",
    "INSERT INTO t2 VALUES (99, 1);",
    "BEGIN;",
    "COMMIT;",
    "ROLLBACK;",
    "SAVEPOINT s;",
    "RELEASE s;",
    "PRAGMA foreign_keys = OFF;",
    "PRAGMA user_version = 7;",
    "VACUUM;",
    "ATTACH ':memory:' AS other;",
    "CREATE TABLE other.x (a);",
    "CREATE TEMP TABLE tmp (a);",
    "CREATE VIRTUAL TABLE IF NOT EXISTS f USING fts5 (body);",
    "-- no-transaction\n",
    "/* comment */",
    "\r\n",
    "\u{feff}",
    "SELECT 1;",
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n;",
    "CREATE TABLE \"<script>\" (\"🦀\" TEXT);",
    "syntax error here;",
    ";",
    "'unterminated",
];

#[derive(Arbitrary, Debug)]
struct Migration {
    up: Vec<u8>,
    down: Option<Vec<u8>>,
}

fn script(picks: &[u8]) -> String {
    picks.iter().take(12).map(|&p| FRAGMENTS[p as usize % FRAGMENTS.len()]).collect::<Vec<_>>().join("\n")
}

fuzz_target!(|migrations: Vec<Migration>| {
    let mut files = Vec::new();
    for (i, m) in migrations.iter().take(4).enumerate() {
        match &m.down {
            Some(down) => {
                files.push((format!("{}_m.up.sql", i + 1), script(&m.up).into_bytes()));
                files.push((format!("{}_m.down.sql", i + 1), script(down).into_bytes()));
            }
            None => files.push((format!("{}_m.sql", i + 1), script(&m.up).into_bytes())),
        }
    }
    let Ok(set) = MigrationSet::from_files(files) else { return };
    if let Ok(report) = verify(&set, "fuzz", Some(Duration::from_millis(200)), &mut |_| {}) {
        let _ = (report.to_markdown(), report.to_json());
    }
});
