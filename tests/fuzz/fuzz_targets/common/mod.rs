//! Shared by the `verify`, `lint` and `diff` targets: SQL fragments that
//! scripts are strung together from, and a schema made by running a set.
#![allow(dead_code)]

use std::time::Duration;

use migraplay::{MigrationSet, Playground, Schema, Target};

/// How long one script may run in a fuzz target (runaway CTEs stop here).
pub const BUDGET: Duration = Duration::from_millis(200);

pub const FRAGMENTS: &[&str] = &[
    // Plain DDL and DML.
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
    // Transactions, also in odd places.
    "BEGIN;",
    "COMMIT;",
    "ROLLBACK;",
    "SAVEPOINT s;",
    "RELEASE s;",
    "BEGIN IMMEDIATE;",
    "BEGIN EXCLUSIVE TRANSACTION;",
    "END;",
    "END TRANSACTION;",
    "COMMIT TRANSACTION;",
    "ROLLBACK TRANSACTION;",
    "RELEASE SAVEPOINT s;",
    "ROLLBACK TO SAVEPOINT s;",
    // Pragmas, ATTACH, temp and virtual tables.
    "PRAGMA foreign_keys = OFF;",
    "PRAGMA foreign_keys = ON;",
    "PRAGMA defer_foreign_keys = ON;",
    "PRAGMA user_version = 7;",
    "VACUUM;",
    "ATTACH ':memory:' AS other;",
    "CREATE TABLE other.x (a);",
    "CREATE TEMP TABLE tmp (a);",
    "CREATE VIRTUAL TABLE IF NOT EXISTS f USING fts5 (body);",
    // Comments, line endings, BOM.
    "-- no-transaction\n",
    "/* comment */",
    "/* unterminated comment",
    "-- comment; with ; semicolons\n",
    "\r\n",
    "\u{feff}",
    "SELECT 1;",
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n;",
    // Non-ASCII, quoted and unterminated names.
    "CREATE TABLE \"<script>\" (\"🦀\" TEXT);",
    "CREATE TABLE \"é",
    "CREATE TABLE `é",
    "CREATE TABLE [é",
    "CREATE TABLE café",
    "CREATE TABLE IF NOT EXISTS tâ (ü",
    "CREATE TABLE \"日本\" (\"é\" TEXT, `ü` INT, [ñ] BLOB, \"a\"\"b\" TEXT);",
    "CREATE INDEX \"ix_é\" ON \"日本\" (\"é\");",
    "ALTER TABLE \"日本\" RENAME TO [日本_2];",
    "DROP TABLE \"日本\";",
    // Quotes of every kind, alone and in literals.
    "'",
    "\"",
    "`",
    "[",
    "]",
    "''",
    "\"\"",
    "SELECT 'it''s', \"b\", `c`, [d] FROM t;",
    "SELECT X'00ff', x'', 'é",
    "SELECT $a, :b, @c, ?1, ?;",
    "'unterminated",
    // NUL bytes inside statements.
    "\0",
    "CREATE TABLE n\0ul (a);",
    "SELECT '\0';",
    "CREATE TABLE IF NOT EXISTS z (a TEXT DEFAULT '\0x');",
    "-- comment \0 here\n",
    "INSERT INTO t (b) VALUES ('a\0b');",
    // A table rebuild, in pieces and in one.
    "CREATE TABLE t_new (a INTEGER PRIMARY KEY, b TEXT NOT NULL COLLATE NOCASE);",
    "INSERT INTO t_new (a, b) SELECT a, b FROM t;",
    "ALTER TABLE t_new RENAME TO t;",
    "PRAGMA foreign_keys = OFF; CREATE TABLE t_new (a INTEGER PRIMARY KEY, b TEXT UNIQUE); \
     INSERT INTO t_new SELECT a, b FROM t; DROP TABLE t; ALTER TABLE t_new RENAME TO t; PRAGMA foreign_keys = ON;",
    // Column renames.
    "ALTER TABLE t RENAME COLUMN b TO b2;",
    "ALTER TABLE t RENAME b2 TO b;",
    "alter   table \"t\" rename column \"a\" to [é];",
    // Views and triggers with odd spacing, case and comments.
    "create/*x*/view\tv2 as select\n  a from t;",
    "CREATE\n\nTEMP VIEW IF NOT EXISTS vt AS SELECT 1 AS one;",
    "CrEaTe TrIgGeR tr2 BEFORE INSERT ON t FOR EACH ROW WHEN NEW.b IS NULL BEGIN SELECT RAISE(ABORT, 'no; b'); END;",
    "CREATE TRIGGER tr3 INSTEAD OF INSERT ON v BEGIN INSERT INTO t (b) VALUES (NEW.b); -- ; end\n END;",
    "create trigger \"tr é\" after delete on t begin delete from t2 where a = old.a; end ;",
    "CREATE TRIGGER tr4 AFTER INSERT ON t BEGIN /* END; */ INSERT INTO t2 VALUES (NEW.a, 'END;'); END;",
    "DROP VIEW v2;",
    "DROP TRIGGER tr2;",
    // Generated columns, WITHOUT ROWID, STRICT, collations, table constraints.
    "CREATE TABLE g (a INT, b INT AS (a*2) STORED, c TEXT GENERATED ALWAYS AS (upper(a)) VIRTUAL);",
    "ALTER TABLE t ADD COLUMN e AS (a*2);",
    "CREATE TABLE w (k TEXT PRIMARY KEY, v) WITHOUT ROWID;",
    "CREATE TABLE s (a INTEGER, b TEXT, c ANY) STRICT;",
    "CREATE TABLE sw (a INT PRIMARY KEY, b TEXT COLLATE NOCASE) STRICT, WITHOUT ROWID;",
    "CREATE TABLE u (a, b, c TEXT COLLATE NOCASE, UNIQUE (a, b), CHECK (a <> b), PRIMARY KEY (c));",
    // Partial and expression indexes.
    "CREATE INDEX ix ON t(lower(b) DESC) WHERE b > 0;",
    "CREATE INDEX ix2 ON t (b COLLATE NOCASE ASC, a DESC);",
    "CREATE UNIQUE INDEX IF NOT EXISTS ix3 ON t (a + 1) WHERE a IS NOT NULL;",
    "DROP INDEX ix;",
    // Deferred foreign keys.
    "CREATE TABLE fk (x INTEGER REFERENCES t(a) ON UPDATE SET NULL DEFERRABLE INITIALLY DEFERRED, y, \
     FOREIGN KEY (y) REFERENCES t2 (c) DEFERRABLE INITIALLY DEFERRED);",
    "INSERT INTO fk VALUES (12345, NULL);",
    // Junk.
    "syntax error here;",
    ";",
];

/// A script of up to 12 fragments, picked by the bytes.
pub fn script(picks: &[u8]) -> String {
    picks.iter().take(12).map(|&p| FRAGMENTS[p as usize % FRAGMENTS.len()]).collect::<Vec<_>>().join("\n")
}

/// The schema after applying every up of `set` on a fresh in-memory database
/// (a migration that fails is rolled back; what ran before it stays).
pub fn schema_after(set: MigrationSet) -> Option<Schema> {
    let mut pg = Playground::in_memory(set).ok()?;
    pg.set_time_budget(Some(BUDGET));
    let _ = pg.migrate(Target::Up(None));
    pg.schema().ok()
}

/// The schema a script leaves when run as the one migration of a set.
pub fn schema_of(sql: &str) -> Option<Schema> {
    let set = MigrationSet::from_files([("1_only.sql".to_string(), sql.as_bytes().to_vec())]).ok()?;
    schema_after(set)
}
