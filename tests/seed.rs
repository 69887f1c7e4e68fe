//! The seeder on one schema pattern each: every user table ends with 3 rows
//! that SQLite accepted (foreign keys on), `foreign_key_check` and
//! `integrity_check` are clean, and the same seed makes the same rows.
//! What cannot be seeded is said in the schema's terms.

use migraplay::{seed, MigrationSet, NotSeeded, Playground, Seeded};
use rusqlite::types::Value;
use rusqlite::Connection;

/// A prepared in-memory database (foreign keys on, as migraplay runs it) with `sql` run.
fn db(sql: &str) -> Playground {
    let pg = Playground::in_memory(MigrationSet::bundled()).expect("in-memory database");
    pg.connection().execute_batch(sql).expect("schema");
    pg
}

fn seeded(pg: &Playground, seed_value: u64) -> Seeded {
    seed(pg.connection(), &pg.schema().unwrap(), 3, seed_value).unwrap()
}

fn count(conn: &Connection, table: &str) -> i64 {
    conn.query_row(&format!("SELECT count(*) FROM \"{}\"", table.replace('"', "\"\"")), [], |r| r.get(0)).unwrap()
}

/// Every row of every user table, as text, in a stable order.
fn dump(conn: &Connection) -> Vec<String> {
    let names: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut out = Vec::new();
    for name in names {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{}\"", name.replace('"', "\"\""))).unwrap();
        let n = stmt.column_count();
        let rows = stmt.query_map([], |r| (0..n).map(|i| r.get::<_, Value>(i)).collect::<rusqlite::Result<Vec<_>>>()).unwrap();
        let mut rows: Vec<String> = rows.map(|r| format!("{name}: {:?}", r.unwrap())).collect();
        rows.sort();
        out.extend(rows);
    }
    out
}

/// Seeds `sql`'s schema with seed 42 and checks what every case must hold:
/// each of `tables` has 3 rows, nothing was refused, the database is sound,
/// and a second database seeded with 42 holds the same rows.
fn seeds_cleanly(sql: &str, tables: &[&str]) -> Playground {
    let pg = db(sql);
    let s = seeded(&pg, 42);
    assert_eq!(s.not_seeded, [], "{sql}");
    let conn = pg.connection();
    for t in tables {
        assert_eq!(count(conn, t), 3, "rows in {t}: {:?}", dump(conn));
    }
    sound(conn);
    let again = db(sql);
    assert_eq!(seeded(&again, 42), s);
    assert_eq!(dump(again.connection()), dump(conn), "same seed, same rows");
    pg
}

fn sound(conn: &Connection) {
    let fk: Vec<String> = conn
        .prepare("PRAGMA foreign_key_check")
        .unwrap()
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(fk.is_empty(), "foreign_key_check: {fk:?}");
    let ok: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ok, "ok");
}

fn column<T: rusqlite::types::FromSql>(conn: &Connection, sql: &str) -> Vec<T> {
    conn.prepare(sql).unwrap().query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

#[test]
fn every_declared_type_gets_a_value_of_its_kind_strict_tables_too() {
    let pg = seeds_cleanly(
        "CREATE TABLE loose (i INTEGER, n INT, r REAL, f FLOAT, d DOUBLE PRECISION, t TEXT, v VARCHAR(20), c CLOB,
             b BLOB, num NUMERIC, dec DECIMAL(10,2), flag BOOLEAN, day DATE, at DATETIME, anything, \"odd name \"\" é\" TEXT);
         CREATE TABLE tight (i INTEGER, n INT, r REAL, t TEXT, b BLOB, a ANY) STRICT;",
        &["loose", "tight"],
    );
    let conn = pg.connection();
    let kinds: Vec<String> = column(
        conn,
        "SELECT typeof(i) || typeof(n) || typeof(r) || typeof(t) || typeof(b) FROM tight LIMIT 1",
    );
    assert_eq!(kinds, ["integerintegerrealtextblob"]);
    let loose: Vec<String> =
        column(conn, "SELECT typeof(i) || ' ' || typeof(r) || ' ' || typeof(t) || ' ' || typeof(b) || ' ' || typeof(\"odd name \"\" é\") FROM loose LIMIT 1");
    assert_eq!(loose, ["integer real text blob text"]);
    let nulls: i64 = conn.query_row("SELECT count(*) FROM loose WHERE i IS NULL OR t IS NULL OR day IS NULL", [], |r| r.get(0)).unwrap();
    assert_eq!(nulls, 0, "nullable columns get values, not NULL");
}

#[test]
fn not_null_unique_and_a_composite_primary_key_get_distinct_values() {
    let pg = seeds_cleanly(
        "CREATE TABLE t (a INTEGER NOT NULL, b TEXT NOT NULL, email TEXT NOT NULL UNIQUE, code INT UNIQUE, PRIMARY KEY (a, b));",
        &["t"],
    );
    let distinct: i64 = pg.connection().query_row("SELECT count(DISTINCT email) FROM t", [], |r| r.get(0)).unwrap();
    assert_eq!(distinct, 3);
}

#[test]
fn checks_with_in_lists_between_bounds_lengths_and_typeof_are_satisfied() {
    let pg = seeds_cleanly(
        "CREATE TABLE t (
             status TEXT NOT NULL CHECK (status IN ('draft', 'sent', 'paid')),
             pct INTEGER NOT NULL CHECK (pct BETWEEN 0 AND 100),
             score INTEGER NOT NULL UNIQUE CHECK (score >= 10 AND score < 20),
             name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 3 AND 5),
             x NOT NULL CHECK (typeof(x) = 'integer'),
             kind TEXT NOT NULL UNIQUE CHECK (kind IN ('a', 'b', 'c')),
             ratio REAL NOT NULL CHECK (ratio > 0.5 AND ratio < 0.9));",
        &["t"],
    );
    let conn = pg.connection();
    let bad: i64 = conn
        .query_row(
            "SELECT count(*) FROM t WHERE status NOT IN ('draft', 'sent', 'paid') OR pct NOT BETWEEN 0 AND 100
                OR score < 10 OR score >= 20 OR length(name) NOT BETWEEN 3 AND 5 OR typeof(x) <> 'integer'
                OR ratio <= 0.5 OR ratio >= 0.9",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(bad, 0);
}

#[test]
fn a_self_reference_points_at_null_or_itself_first_then_at_earlier_rows() {
    let pg = seeds_cleanly(
        "CREATE TABLE node (id INTEGER PRIMARY KEY, parent INTEGER REFERENCES node(id));
         CREATE TABLE strict_node (id INTEGER PRIMARY KEY, parent INTEGER NOT NULL REFERENCES strict_node(id));",
        &["node", "strict_node"],
    );
    let conn = pg.connection();
    let first: Vec<Option<i64>> = column(conn, "SELECT parent FROM node ORDER BY id LIMIT 1");
    assert_eq!(first, [None]);
    let own: Vec<bool> = column(conn, "SELECT parent = id FROM strict_node ORDER BY id LIMIT 1");
    assert_eq!(own, [true], "a NOT NULL self reference starts at itself");
    let later: i64 = conn.query_row("SELECT count(*) FROM strict_node WHERE parent < id", [], |r| r.get(0)).unwrap();
    assert_eq!(later, 2, "later rows point at earlier ones");
}

#[test]
fn parents_are_filled_before_children_declared_in_reverse_order() {
    let pg = seeds_cleanly(
        "PRAGMA foreign_keys = OFF;
         CREATE TABLE grandchild (id INTEGER PRIMARY KEY, child_id INTEGER NOT NULL REFERENCES child(id));
         CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent(id));
         CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
         PRAGMA foreign_keys = ON;",
        &["grandchild", "child", "parent"],
    );
    let filled: Vec<String> = seeded(&db(""), 42).rows.into_iter().map(|r| r.0).collect();
    assert!(filled.is_empty(), "an empty schema gets nothing");
    let fresh = db("PRAGMA foreign_keys = OFF; CREATE TABLE grandchild (id INTEGER PRIMARY KEY, child_id INTEGER NOT NULL REFERENCES child(id));
         CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent(id));
         CREATE TABLE parent (id INTEGER PRIMARY KEY); PRAGMA foreign_keys = ON;");
    let order: Vec<String> = seeded(&fresh, 7).rows.into_iter().map(|r| r.0).collect();
    assert_eq!(order, ["parent", "child", "grandchild"], "filled in dependency order");
    let linked: i64 = pg.connection().query_row("SELECT count(*) FROM grandchild JOIN child ON child.id = child_id JOIN parent ON parent.id = parent_id", [], |r| r.get(0)).unwrap();
    assert_eq!(linked, 3);
}

#[test]
fn a_composite_foreign_key_takes_a_whole_parent_tuple() {
    let pg = seeds_cleanly(
        "CREATE TABLE p (a INTEGER NOT NULL, b TEXT NOT NULL, PRIMARY KEY (a, b));
         CREATE TABLE c (id INTEGER PRIMARY KEY, pa INTEGER NOT NULL, pb TEXT NOT NULL, FOREIGN KEY (pa, pb) REFERENCES p (a, b));",
        &["p", "c"],
    );
    let orphans: i64 =
        pg.connection().query_row("SELECT count(*) FROM c WHERE NOT EXISTS (SELECT 1 FROM p WHERE a = pa AND b = pb)", [], |r| r.get(0)).unwrap();
    assert_eq!(orphans, 0);
}

#[test]
fn without_rowid_and_generated_columns_are_filled_and_generated_ones_never_named() {
    let pg = seeds_cleanly(
        "CREATE TABLE kv (k TEXT PRIMARY KEY, v INTEGER NOT NULL) WITHOUT ROWID;
         CREATE TABLE g (id INTEGER PRIMARY KEY, price REAL NOT NULL, qty INTEGER NOT NULL,
             total REAL GENERATED ALWAYS AS (price * qty) VIRTUAL,
             label TEXT GENERATED ALWAYS AS ('#' || id) STORED);
         CREATE TABLE only_generated (id INTEGER PRIMARY KEY, twice INTEGER GENERATED ALWAYS AS (id * 2));",
        &["kv", "g", "only_generated"],
    );
    let wrong: i64 = pg.connection().query_row("SELECT count(*) FROM g WHERE total <> price * qty OR label <> '#' || id", [], |r| r.get(0)).unwrap();
    assert_eq!(wrong, 0);
}

#[test]
fn a_column_with_a_default_gets_an_explicit_other_value() {
    let pg = seeds_cleanly(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'done')),
             n INTEGER NOT NULL DEFAULT 1, created TEXT DEFAULT CURRENT_TIMESTAMP);",
        &["t"],
    );
    let defaults: i64 = pg.connection().query_row("SELECT count(*) FROM t WHERE status = 'new' OR n = 1", [], |r| r.get(0)).unwrap();
    assert_eq!(defaults, 0, "{:?}", dump(pg.connection()));
}

#[test]
fn virtual_tables_their_shadows_and_bookkeeping_are_left_alone() {
    let pg = seeds_cleanly(
        "CREATE VIRTUAL TABLE docs_fts USING fts5(title, body);
         CREATE TABLE _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL);
         CREATE TABLE schema_migrations (version TEXT PRIMARY KEY);
         CREATE TABLE goose_db_version (id INTEGER PRIMARY KEY AUTOINCREMENT, version_id INTEGER NOT NULL);
         CREATE TABLE notes (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL);",
        &["notes"],
    );
    let conn = pg.connection();
    for t in ["docs_fts", "_sqlx_migrations", "schema_migrations", "goose_db_version"] {
        assert_eq!(count(conn, t), 0, "{t} untouched");
    }
    let s = seeded(&db("CREATE VIRTUAL TABLE docs_fts USING fts5(title, body);"), 42);
    assert_eq!(s, Seeded::default());
}

#[test]
fn a_table_that_already_has_enough_rows_is_untouched_and_a_short_one_topped_up() {
    let pg = db(
        "CREATE TABLE full (id INTEGER PRIMARY KEY, v TEXT);
         INSERT INTO full (v) VALUES ('a'), ('b'), ('c'), ('d'), ('e');
         CREATE TABLE short (id INTEGER PRIMARY KEY, v TEXT UNIQUE);
         INSERT INTO short (v) VALUES ('mine');",
    );
    let s = seeded(&pg, 42);
    assert_eq!(s.rows, [("short".to_string(), 2)]);
    let conn = pg.connection();
    assert_eq!(count(conn, "full"), 5);
    assert_eq!(column::<String>(conn, "SELECT v FROM full ORDER BY id"), ["a", "b", "c", "d", "e"]);
    assert_eq!(count(conn, "short"), 3);
    assert_eq!(seeded(&pg, 42), Seeded::default(), "a second seeding adds nothing");
}

#[test]
fn json_valid_checks_get_valid_json() {
    let pg = seeds_cleanly("CREATE TABLE events (id INTEGER PRIMARY KEY, payload TEXT NOT NULL CHECK (json_valid(payload)));", &["events"]);
    let valid: i64 = pg.connection().query_row("SELECT count(*) FROM events WHERE json_valid(payload)", [], |r| r.get(0)).unwrap();
    assert_eq!(valid, 3);
}

#[test]
fn an_impossible_check_is_reported_and_its_children_named_while_the_rest_is_seeded() {
    let pg = db(
        "CREATE TABLE impossible (id INTEGER PRIMARY KEY, x INTEGER NOT NULL, CHECK (x = 1 AND x = 2));
         CREATE TABLE child (id INTEGER PRIMARY KEY, impossible_id INTEGER NOT NULL REFERENCES impossible(id));
         CREATE TABLE fine (id INTEGER PRIMARY KEY, v TEXT);",
    );
    let s = seeded(&pg, 42);
    assert_eq!(
        s.not_seeded,
        [
            NotSeeded { table: "impossible".into(), reason: "CHECK (x = 1 AND x = 2)".into() },
            NotSeeded { table: "child".into(), reason: "FOREIGN KEY (impossible_id) REFERENCES impossible (id): impossible could not be seeded".into() },
        ]
    );
    assert_eq!(s.rows, [("fine".to_string(), 3)]);
    assert_eq!(count(pg.connection(), "impossible"), 0);
    sound(pg.connection());
}

#[test]
fn another_seed_may_make_other_rows_but_as_many() {
    let sql = "CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER NOT NULL CHECK (a > 5), b TEXT NOT NULL UNIQUE);";
    let (one, two) = (db(sql), db(sql));
    assert_eq!(seeded(&one, 1).rows, seeded(&two, 2).rows);
    assert_eq!(count(one.connection(), "t"), count(two.connection(), "t"));
}

#[test]
fn odd_names_empty_types_and_quotes_in_values_are_handled() {
    seeds_cleanly(
        "CREATE TABLE \"we\"\"ird tbl é\" (\"co\"\"l\" UNIQUE NOT NULL, [sp ace] TEXT CHECK (length([sp ace]) > 2), `x.y` , \"日本\" NOT NULL);
         CREATE TABLE \"a.b\" (id INTEGER PRIMARY KEY, ref NOT NULL REFERENCES \"we\"\"ird tbl é\" (\"co\"\"l\"), CHECK (\"ref\" IS NOT NULL));
         CREATE TABLE \"select\" (\"from\" INTEGER PRIMARY KEY, \"where\" TEXT CHECK (\"where\" LIKE 'w%'));",
        &["we\"ird tbl é", "a.b", "select"],
    );
}

#[test]
fn a_cycle_starts_at_the_table_whose_reference_may_be_null() {
    let pg = seeds_cleanly(
        "PRAGMA foreign_keys = OFF;
         CREATE TABLE a (id INTEGER PRIMARY KEY, b_id INTEGER NOT NULL REFERENCES b(id));
         CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER REFERENCES a(id));
         PRAGMA foreign_keys = ON;",
        &["a", "b"],
    );
    let s = seeded(&db("CREATE TABLE x (id INTEGER PRIMARY KEY, y_id INTEGER NOT NULL REFERENCES y(id));
                        CREATE TABLE y (id INTEGER PRIMARY KEY, x_id INTEGER NOT NULL REFERENCES x(id));"), 42);
    assert_eq!(
        s.not_seeded,
        [
            NotSeeded { table: "x".into(), reason: "FOREIGN KEY (y_id) REFERENCES y (id): y has no rows".into() },
            NotSeeded { table: "y".into(), reason: "FOREIGN KEY (x_id) REFERENCES x (id): x could not be seeded".into() },
        ]
    );
    drop(pg);
}

#[test]
fn on_conflict_replace_never_replaces_a_users_row_and_triggers_may_refuse_values() {
    let pg = db(
        "CREATE TABLE t (id INTEGER PRIMARY KEY ON CONFLICT REPLACE, code TEXT UNIQUE ON CONFLICT REPLACE NOT NULL);
         INSERT INTO t VALUES (1, 'code 2');
         CREATE TABLE log (msg TEXT);
         CREATE TABLE guarded (v INTEGER NOT NULL);
         CREATE TRIGGER no_small BEFORE INSERT ON guarded WHEN NEW.v < 3 BEGIN SELECT RAISE(ABORT, 'v too small'); END;
         CREATE TRIGGER audit AFTER INSERT ON guarded BEGIN INSERT INTO log VALUES ('added ' || NEW.v); END;",
    );
    let s = seeded(&pg, 42);
    assert_eq!(s.not_seeded, []);
    let conn = pg.connection();
    assert_eq!(column::<String>(conn, "SELECT code FROM t WHERE id = 1"), ["code 2"], "the user's row stays");
    assert_eq!(count(conn, "t"), 3);
    assert_eq!(count(conn, "guarded"), 3);
    let small: i64 = conn.query_row("SELECT count(*) FROM guarded WHERE v < 3", [], |r| r.get(0)).unwrap();
    assert_eq!(small, 0);
    sound(conn);
}

#[test]
fn a_missing_parent_table_or_a_broken_trigger_is_reported_not_a_panic() {
    let s = seeded(
        &db("PRAGMA foreign_keys = OFF;
             CREATE TABLE orphan (id INTEGER PRIMARY KEY, gone_id INTEGER NOT NULL REFERENCES gone(id));
             CREATE TABLE f (v TEXT NOT NULL);
             CREATE TRIGGER broken AFTER INSERT ON f BEGIN INSERT INTO nowhere VALUES (NEW.v); END;
             PRAGMA foreign_keys = ON;"),
        42,
    );
    assert_eq!(
        s.not_seeded,
        [
            NotSeeded { table: "f".into(), reason: "no such table: main.nowhere".into() },
            NotSeeded { table: "orphan".into(), reason: "FOREIGN KEY (gone_id) REFERENCES gone (id): gone has no rows".into() },
        ]
    );
}
