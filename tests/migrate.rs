//! The engine on real fixture sets: what the schema, the error text and the
//! `_sqlx_migrations` rows are after each step. One fixture folder per scenario.

mod common;

use common::{bookkeeping, fixture, playground, tables};
use migraplay::{Direction, Error, MigrationSet, Playground, State, Target};
use sha2::{Digest, Sha384};

const BUNDLED_TABLES: [&str; 6] = ["configurations", "sessions", "tasks", "tool_executions", "workflow_tasks", "workflows"];

#[test]
fn the_bundled_folder_is_exactly_what_is_embedded() {
    assert_eq!(MigrationSet::from_dir(&fixture("bundled")).unwrap(), MigrationSet::bundled());
}

#[test]
fn apply_all_builds_the_schema_of_the_seed_report_per_table_list() {
    let mut pg = playground("bundled");
    let log = pg.migrate(Target::Up(None)).unwrap();
    assert_eq!(log.len(), 7);
    assert_eq!(tables(&pg), BUNDLED_TABLES);
    let schema = pg.schema().unwrap();
    let t = schema.totals;
    assert_eq!((t.tables, t.columns, t.indexes, t.triggers), (6, 51, 23, 4));
    assert_eq!((t.foreign_keys, t.checks, t.defaults, t.primary_keys, t.views), (2, 11, 20, 6, 0));
    let per_table: Vec<(&str, usize, usize, usize)> = schema
        .tables
        .iter()
        .map(|t| (t.name.as_str(), t.columns.len(), t.indexes.len(), t.triggers.len()))
        .collect();
    assert_eq!(
        per_table,
        [
            ("configurations", 7, 3, 1),
            ("sessions", 9, 5, 1),
            ("tasks", 13, 4, 1),
            ("tool_executions", 11, 5, 0),
            ("workflow_tasks", 4, 3, 0),
            ("workflows", 7, 3, 1),
        ]
    );
    let junction = schema.tables.iter().find(|t| t.name == "workflow_tasks").unwrap();
    let pk: Vec<(&str, u32)> =
        junction.columns.iter().filter(|c| c.primary_key > 0).map(|c| (c.name.as_str(), c.primary_key)).collect();
    assert_eq!(pk, [("workflow_id", 1), ("task_id", 2)]);
    let fks: Vec<(&str, &str)> =
        junction.foreign_keys.iter().map(|fk| (fk.target.as_str(), fk.on_delete.as_str())).collect();
    assert_eq!(fks, [("tasks", "CASCADE"), ("workflows", "CASCADE")]);
}

#[test]
fn log_lines_read_as_sqlx_cli_prints_them() {
    let mut pg = playground("bundled");
    let up = pg.migrate(Target::Next).unwrap();
    let line = up[0].to_string();
    assert!(line.starts_with("Applied 20250115010000/migrate create tasks ("), "{line}");
    assert!(line.ends_with("s)"), "{line}");
    let down = pg.migrate(Target::Last).unwrap();
    assert!(down[0].to_string().starts_with("Applied 20250115010000/revert create tasks ("));
}

#[test]
fn bookkeeping_rows_match_sqlx_with_sha384_of_the_up_file() {
    let mut pg = playground("bundled");
    pg.migrate(Target::Up(Some(20250115010100))).unwrap();
    assert_eq!(
        bookkeeping(&pg),
        [(20250115010000, "create tasks".to_string(), true), (20250115010100, "create workflows".to_string(), true)]
    );
    let (checksum, nanos): (Vec<u8>, i64) = pg
        .connection()
        .query_row("SELECT checksum, execution_time FROM _sqlx_migrations WHERE version = 20250115010000", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    let file = std::fs::read(fixture("bundled").join("20250115010000_create_tasks.up.sql")).unwrap();
    assert_eq!(checksum, Sha384::digest(&file).to_vec());
    assert!(nanos > 0);
    let columns: Vec<(String, String, bool)> = {
        let mut s = pg.connection().prepare("SELECT name, type, \"notnull\" FROM pragma_table_info('_sqlx_migrations')").unwrap();
        s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect()
    };
    let expected = [
        ("version", "BIGINT", false),
        ("description", "TEXT", true),
        ("installed_on", "TIMESTAMP", true),
        ("success", "BOOLEAN", true),
        ("checksum", "BLOB", true),
        ("execution_time", "BIGINT", true),
    ];
    assert_eq!(columns, expected.map(|(n, t, nn)| (n.to_string(), t.to_string(), nn)));
}

#[test]
fn revert_all_leaves_no_user_table_and_no_bookkeeping_row() {
    let mut pg = playground("bundled");
    pg.migrate(Target::Up(None)).unwrap();
    let log = pg.migrate(Target::Down(None)).unwrap();
    let order: Vec<i64> = log.iter().map(|a| a.version).collect();
    assert_eq!(order, [20250115010600, 20250115010500, 20250115010400, 20250115010300, 20250115010200, 20250115010100, 20250115010000]);
    assert!(log.iter().all(|a| a.direction == Direction::Down));
    assert!(tables(&pg).is_empty());
    assert!(bookkeeping(&pg).is_empty());
}

#[test]
fn up_down_up_gives_the_same_schema_twice() {
    let mut pg = playground("bundled");
    pg.migrate(Target::Up(None)).unwrap();
    let first = pg.schema().unwrap();
    pg.migrate(Target::Down(None)).unwrap();
    pg.migrate(Target::Up(None)).unwrap();
    assert_eq!(pg.schema().unwrap(), first);
}

#[test]
fn migrate_to_goes_both_ways() {
    let mut pg = playground("bundled");
    pg.migrate(Target::To(20250115010200)).unwrap();
    assert_eq!(tables(&pg), ["tasks", "workflow_tasks", "workflows"]);
    pg.migrate(Target::To(20250115010000)).unwrap();
    assert_eq!(tables(&pg), ["tasks"]);
    let states: Vec<State> = pg.status().unwrap().iter().map(|s| s.state).collect();
    assert_eq!(states[..2], [State::Applied, State::Pending]);
}

#[test]
fn foreign_keys_are_enforced_and_cascade() {
    let mut pg = playground("bundled");
    pg.migrate(Target::Up(None)).unwrap();
    let c = pg.connection();
    c.execute_batch(
        "INSERT INTO tasks (id, workspace_id, title, task_type) VALUES ('t1', 'w', 'x', 'shell');
         INSERT INTO workflows (id, name) VALUES ('w1', 'flow');
         INSERT INTO workflow_tasks (workflow_id, task_id) VALUES ('w1', 't1');",
    )
    .unwrap();
    let orphan = c.execute("INSERT INTO workflow_tasks (workflow_id, task_id) VALUES ('nope', 't1')", []);
    assert_eq!(orphan.unwrap_err().to_string(), "FOREIGN KEY constraint failed");
    c.execute("DELETE FROM tasks WHERE id = 't1'", []).unwrap();
    let links: i64 = c.query_row("SELECT count(*) FROM workflow_tasks", [], |r| r.get(0)).unwrap();
    assert_eq!(links, 0);
}

#[test]
fn a_broken_third_statement_leaves_no_trace_and_names_file_statement_and_line() {
    let mut pg = playground("broken_third_statement");
    let err = pg.migrate(Target::Up(None)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "2_create_books.up.sql, statement 3 (line 12): near \"TABEL\": syntax error"
    );
    match &err.error {
        Error::Statement { location, .. } => assert_eq!((location.statement, location.line), (3, 12)),
        other => panic!("unexpected error {other:?}"),
    }
    assert_eq!(err.done.len(), 1, "the first migration stays applied");
    assert_eq!(tables(&pg), ["authors"], "books and its index were rolled back");
    assert_eq!(bookkeeping(&pg), [(1, "create authors".to_string(), true)]);
    assert_eq!(pg.status().unwrap()[1].state, State::Pending);
}

#[test]
fn a_failed_migration_can_be_retried_with_the_same_result() {
    let mut pg = playground("broken_third_statement");
    let first = pg.migrate(Target::Up(None)).unwrap_err().to_string();
    let before = pg.schema().unwrap();
    let second = pg.migrate(Target::Up(None)).unwrap_err();
    assert_eq!(second.to_string(), first);
    assert!(second.done.is_empty());
    assert_eq!(pg.schema().unwrap(), before);
}

#[test]
fn duplicate_versions_name_both_files() {
    let err = MigrationSet::from_dir(&fixture("duplicate_versions")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "2 problems in the migration set:\n  \
         duplicate migration version 1: 1_create_a.down.sql and 1_create_b.down.sql; give one of them a new version\n  \
         duplicate migration version 1: 1_create_a.up.sql and 1_create_b.up.sql; give one of them a new version"
    );
}

#[test]
fn an_up_without_a_down_loads_as_irreversible_as_every_tool_runs_it() {
    let set = MigrationSet::from_dir(&fixture("missing_down")).unwrap();
    assert!(set.get(2).unwrap().down.is_none());
    let mut pg = Playground::in_memory(set.clone()).unwrap();
    pg.migrate(Target::Up(None)).unwrap();
    let err = pg.migrate(Target::Down(None)).unwrap_err();
    assert_eq!(err.to_string(), "migration 2 is irreversible (it has no down)");
    let r = migraplay::verify(&set, "test", None, &mut |_| {}).unwrap();
    assert_eq!(r.migrations[1].down, migraplay::DownResult::None);
}

#[test]
fn a_down_failing_halfway_is_rolled_back_whole() {
    let mut pg = playground("down_fails_halfway");
    pg.migrate(Target::Up(None)).unwrap();
    let before = pg.schema().unwrap();
    let err = pg.migrate(Target::Down(None)).unwrap_err();
    assert_eq!(err.to_string(), "1_create_pair.down.sql, statement 2 (line 3): no such table: middle_side");
    assert_eq!(pg.schema().unwrap(), before, "right_side is back: the down was rolled back whole");
    assert_eq!(tables(&pg), ["left_side", "right_side"]);
    assert_eq!(bookkeeping(&pg), [(1, "create pair".to_string(), true)]);
}

#[test]
fn an_edited_applied_migration_is_reported_as_sqlx_does() {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(fixture("missing_down")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    std::fs::write(dir.path().join("2_create_b.down.sql"), "DROP TABLE b;").unwrap();
    let db = dir.path().join("app.sqlite");
    let mut pg = Playground::open(&db, MigrationSet::from_dir(dir.path()).unwrap()).unwrap();
    pg.migrate(Target::Up(None)).unwrap();
    drop(pg);
    std::fs::write(dir.path().join("1_create_a.up.sql"), "CREATE TABLE a (id INTEGER PRIMARY KEY, x TEXT);").unwrap();
    let mut pg = Playground::open(&db, MigrationSet::from_dir(dir.path()).unwrap()).unwrap();
    assert_eq!(pg.status().unwrap()[0].state, State::Modified);
    let err = pg.migrate(Target::Down(None)).unwrap_err();
    assert_eq!(err.to_string(), "migration 1 was previously applied but has been modified");
}
