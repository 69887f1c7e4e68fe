//! The schema as SQL (what `sqlite3 .schema` prints) and two versions of a set
//! compared, through the page's session: the exact text, the differences in
//! words and as SQL, and the errors a user can meet. The SQL is checked against
//! two outside witnesses: `tests/oracle/schema_sql_oracle.py` (Python's sqlite3
//! running the shell's own query on a database it built itself) and, when the
//! machine has it, the `sqlite3` command itself on migraplay's database.

mod common;

use std::path::Path;
use std::process::Command;

use common::fixture;
use migraplay::{Effect, Kind, MigrationSet, Playground, SchemaStatement, Session, Target};

const FIRST: &str = "20250115010000";
const SECOND: &str = "20250115010100";

const SQLX_MIGRATIONS: &str = "CREATE TABLE _sqlx_migrations (
    version BIGINT PRIMARY KEY,
    description TEXT NOT NULL,
    installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    success BOOLEAN NOT NULL,
    checksum BLOB NOT NULL,
    execution_time BIGINT NOT NULL
);
";

const TASKS: &str = "CREATE TABLE tasks (
    id            TEXT PRIMARY KEY NOT NULL,
    workspace_id  TEXT NOT NULL,
    title         TEXT NOT NULL,
    description   TEXT,
    task_type     TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled')),
    priority      INTEGER NOT NULL DEFAULT 0 CHECK (priority BETWEEN 0 AND 10),
    input         TEXT,
    output        TEXT,
    error         TEXT,
    created_at    TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at    TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    completed_at  TEXT
);
CREATE INDEX idx_tasks_status ON tasks (status);
CREATE INDEX idx_tasks_type ON tasks (task_type);
CREATE INDEX idx_tasks_created ON tasks (created_at);
CREATE INDEX idx_tasks_workspace ON tasks (workspace_id);
";

const WORKFLOWS: &str = "CREATE TABLE workflows (
    id           TEXT PRIMARY KEY NOT NULL,
    name         TEXT NOT NULL,
    description  TEXT,
    status       TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'archived')),
    is_active    INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    created_at   TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at   TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
";

fn words(c: &migraplay::Comparison) -> Vec<String> {
    c.differences.iter().map(|d| d.as_step()).collect()
}

#[test]
fn the_schema_as_sql_is_what_sqlite3_dot_schema_prints_after_each_action() {
    let mut s = Session::bundled().unwrap();
    assert_eq!(s.schema_sql().unwrap(), "", "a new database has no schema");
    assert!(s.migrate_to(FIRST).ok);
    assert_eq!(s.schema_sql().unwrap(), format!("{SQLX_MIGRATIONS}{TASKS}"));
    assert!(s.apply_next().ok);
    assert!(s.schema_sql().unwrap().ends_with(&format!("{TASKS}{WORKFLOWS}CREATE INDEX idx_workflows_status ON workflows (status);
CREATE INDEX idx_workflows_created ON workflows (created_at);
CREATE INDEX idx_workflows_name ON workflows (name);
")));
    assert!(s.revert_all().ok);
    assert_eq!(s.schema_sql().unwrap(), SQLX_MIGRATIONS, "the bookkeeping table stays, as in sqlite3");
}

#[test]
fn two_versions_compare_in_words_and_as_sql() {
    let s = Session::bundled().unwrap();
    let c = s.compare(FIRST, SECOND).unwrap();
    assert_eq!((c.from.as_str(), c.to.as_str()), (FIRST, SECOND));
    assert_eq!(
        words(&c),
        [
            "table workflows added",
            "index idx_workflows_created added",
            "index idx_workflows_name added",
            "index idx_workflows_status added"
        ]
    );
    assert!(c.differences.iter().all(|d| d.effect() == Effect::Added));
    let sql: Vec<_> = c.objects.iter().map(|o| (o.kind, o.name.as_str(), o.effect, o.before.as_deref(), o.after.as_deref())).collect();
    assert_eq!(
        sql,
        [
            (Kind::Table, "workflows", Effect::Added, None, Some(WORKFLOWS)),
            (Kind::Index, "idx_workflows_created", Effect::Added, None, Some("CREATE INDEX idx_workflows_created ON workflows (created_at);\n")),
            (Kind::Index, "idx_workflows_name", Effect::Added, None, Some("CREATE INDEX idx_workflows_name ON workflows (name);\n")),
            (Kind::Index, "idx_workflows_status", Effect::Added, None, Some("CREATE INDEX idx_workflows_status ON workflows (status);\n")),
        ]
    );
    assert_eq!(c.from_sql, format!("{SQLX_MIGRATIONS}{TASKS}"));
    assert!(c.to_sql.starts_with(&format!("{SQLX_MIGRATIONS}{TASKS}{WORKFLOWS}")));
}

#[test]
fn a_higher_version_first_compares_as_a_revert() {
    let s = Session::bundled().unwrap();
    let c = s.compare(SECOND, "0").unwrap();
    assert_eq!(words(&c)[..2], ["table tasks removed", "table workflows removed"]);
    assert!(c.objects.iter().all(|o| o.effect == Effect::Removed && o.after.is_none() && o.before.is_some()));
    assert_eq!(c.objects[0].before.as_deref(), Some(&TASKS[..TASKS.find(");\n").unwrap() + 3]));
    assert_eq!(c.to_sql, "", "version 0 is the empty schema");
}

#[test]
fn a_version_compared_with_itself_has_no_difference() {
    let s = Session::bundled().unwrap();
    let c = s.compare("20250115010600", "20250115010600").unwrap();
    assert!(c.differences.is_empty() && c.objects.is_empty());
    assert_eq!(c.from_sql, c.to_sql);
    assert!(c.from_sql.contains("CREATE TRIGGER trigger_tasks_updated_at\nAFTER UPDATE ON tasks\n"));
}

#[test]
fn a_changed_object_shows_both_statements() {
    let mut s = Session::bundled().unwrap();
    let out = s.load(
        vec![
            migraplay::Item { name: "1_t.sql".into(), content: migraplay::Content::Bytes(b"CREATE TABLE t(a INT DEFAULT 1); CREATE VIEW v AS SELECT a FROM t;".to_vec()) },
            migraplay::Item {
                name: "2_t.sql".into(),
                content: migraplay::Content::Bytes(b"DROP VIEW v; CREATE VIEW v AS SELECT a, a * 2 AS b FROM t; ALTER TABLE t ADD COLUMN c TEXT;".to_vec()),
            },
        ],
        None,
        migraplay::LoadKind::Files,
    );
    assert!(out.ok, "{:?}", out.error);
    let c = s.compare("1", "2").unwrap();
    assert_eq!(words(&c), ["column t.c added", "view v: AS SELECT a FROM … → AS SELECT a, a * 2 AS b FROM …"]);
    let t = &c.objects[0];
    assert_eq!((t.kind, t.effect), (Kind::Table, Effect::Changed));
    assert_eq!(t.before.as_deref(), Some("CREATE TABLE t(a INT DEFAULT 1);\n"));
    assert_eq!(t.after.as_deref(), Some("CREATE TABLE t(a INT DEFAULT 1, c TEXT);\n"));
    let v = &c.objects[1];
    assert_eq!(v.before.as_deref(), Some("CREATE VIEW v AS SELECT a FROM t\n/* v(a) */;\n"));
    assert_eq!(v.after.as_deref(), Some("CREATE VIEW v AS SELECT a, a * 2 AS b FROM t\n/* v(a,b) */;\n"));
}

/// A session on `files` (name, text), as the page loads them.
fn session_of(files: &[(&str, &str)]) -> Session {
    let mut s = Session::bundled().unwrap();
    let items = files.iter().map(|(name, text)| migraplay::Item { name: name.to_string(), content: migraplay::Content::Bytes(text.as_bytes().to_vec()) });
    let out = s.load(items.collect(), None, migraplay::LoadKind::Files);
    assert!(out.ok, "{:?}", out.error);
    s
}

/// An object's lines as a diff prints them: `-` removed, `+` added, ` ` the same, `… n` folded.
fn shown(o: &migraplay::ObjectSql) -> Vec<String> {
    o.lines
        .iter()
        .map(|l| match l {
            migraplay::SqlLine::Same { text } => format!(" {text}"),
            migraplay::SqlLine::Removed { text } => format!("-{text}"),
            migraplay::SqlLine::Added { text } => format!("+{text}"),
            migraplay::SqlLine::Skipped { count } => format!("… {count}"),
        })
        .collect()
}

const TASKS_V1: &str = "CREATE TABLE tasks (
    id          INTEGER PRIMARY KEY,
    title       TEXT NOT NULL,
    description TEXT,
    priority    INTEGER NOT NULL DEFAULT 0,
    input       TEXT,
    output      TEXT,
    error       TEXT,
    created_at  TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at  TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    status      TEXT NOT NULL DEFAULT 'pending'
);";

#[test]
fn a_changed_table_reads_as_the_lines_removed_and_added_with_the_unchanged_run_folded() {
    // The usual SQLite rebuild: a new table, the rows copied, the old one dropped, the new one renamed.
    let rebuild = format!(
        "{};\nINSERT INTO tasks_new SELECT * FROM tasks;\nDROP TABLE tasks;\nALTER TABLE tasks_new RENAME TO tasks;",
        TASKS_V1.replace("CREATE TABLE tasks (", "CREATE TABLE tasks_new (").replace("'pending'", "'todo'").trim_end_matches(';')
    );
    let s = session_of(&[("1_tasks.sql", TASKS_V1), ("2_status_todo.sql", &rebuild)]);
    let c = s.compare("1", "2").unwrap();
    assert_eq!(words(&c), ["column tasks.status: default 'pending' → 'todo'"]);
    assert_eq!(c.objects.len(), 1);
    assert_eq!(
        shown(&c.objects[0]),
        [
            "-CREATE TABLE tasks (",
            "+CREATE TABLE IF NOT EXISTS \"tasks\" (",
            "     id          INTEGER PRIMARY KEY,",
            "     title       TEXT NOT NULL,",
            "     description TEXT,",
            "… 3",
            "     error       TEXT,",
            "     created_at  TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,",
            "     updated_at  TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,",
            "-    status      TEXT NOT NULL DEFAULT 'pending'",
            "+    status      TEXT NOT NULL DEFAULT 'todo'",
            " );",
        ]
    );
    // Typed for the page: `{op, text}` a line, `{op: "skipped", count}` a fold.
    let json = serde_json::to_value(&c.objects[0]).unwrap();
    assert_eq!(json["lines"][0], serde_json::json!({"op": "removed", "text": "CREATE TABLE tasks ("}));
    assert_eq!(json["lines"][5], serde_json::json!({"op": "skipped", "count": 3}));
    assert_eq!(json["renamed"], serde_json::Value::Null);
}

#[test]
fn a_table_renamed_in_one_step_and_altered_in_a_later_one_compares_as_the_rename_apply_next_calls_it() {
    let files = [
        ("1_tasks.sql", TASKS_V1),
        ("2_rename.sql", "ALTER TABLE tasks RENAME TO jobs;"),
        ("3_done.sql", "ALTER TABLE jobs ADD COLUMN done INTEGER NOT NULL DEFAULT 0;"),
    ];
    let mut s = session_of(&files);
    assert!(s.migrate_to("1").ok);
    let step = s.apply_next();
    assert_eq!(step.changes.iter().map(|d| d.as_step()).collect::<Vec<_>>(), ["table tasks: renamed tasks → jobs"]);

    let c = s.compare("1", "3").unwrap();
    assert_eq!(words(&c), ["table tasks: renamed tasks → jobs", "column jobs.done added"]);
    assert_eq!(c.objects.len(), 1, "one object, not tasks removed and jobs added");
    let o = &c.objects[0];
    assert_eq!((o.kind, o.name.as_str(), o.effect), (Kind::Table, "jobs", Effect::Changed));
    assert_eq!(o.renamed, Some(migraplay::Renamed { from: "tasks".into(), to: "jobs".into() }));
    assert_eq!(
        shown(o),
        [
            "-CREATE TABLE tasks (",
            "+CREATE TABLE IF NOT EXISTS \"jobs\" (",
            "     id          INTEGER PRIMARY KEY,",
            "     title       TEXT NOT NULL,",
            "     description TEXT,",
            "… 4",
            "     created_at  TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,",
            "     updated_at  TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,",
            "     status      TEXT NOT NULL DEFAULT 'pending'",
            "-);",
            "+, done INTEGER NOT NULL DEFAULT 0);",
        ]
    );
    assert_eq!(serde_json::to_value(o).unwrap()["renamed"], serde_json::json!({"from": "tasks", "to": "jobs"}));

    // Back down, the same table renamed back, and the column gone.
    let c = s.compare("3", "1").unwrap();
    assert_eq!(words(&c), ["table jobs: renamed jobs → tasks", "column tasks.done removed"]);
    assert_eq!(c.objects.len(), 1);
    assert_eq!(c.objects[0].renamed, Some(migraplay::Renamed { from: "jobs".into(), to: "tasks".into() }));

    // A table renamed, then dropped, and another made under its name later is no rename.
    let s = session_of(&[
        ("1_tasks.sql", "CREATE TABLE tasks (id INTEGER PRIMARY KEY);"),
        ("2_rename.sql", "ALTER TABLE tasks RENAME TO jobs;"),
        ("3_drop.sql", "DROP TABLE jobs;"),
        ("4_jobs.sql", "CREATE TABLE jobs (id INTEGER PRIMARY KEY, title TEXT);"),
    ]);
    assert_eq!(words(&s.compare("1", "4").unwrap()), ["table jobs added", "table tasks removed"]);
}

#[test]
fn a_foreign_key_without_a_column_list_references_the_parents_primary_key() {
    let s = session_of(&[
        ("1_workspaces.sql", "CREATE TABLE workspaces (id TEXT PRIMARY KEY);\nCREATE TABLE tasks (id INTEGER PRIMARY KEY);"),
        ("2_owner.sql", "ALTER TABLE tasks ADD COLUMN workspace_id TEXT REFERENCES workspaces ON DELETE CASCADE;"),
    ]);
    let c = s.compare("1", "2").unwrap();
    assert_eq!(
        words(&c),
        ["column tasks.workspace_id added", "table tasks: FOREIGN KEY (workspace_id) → workspaces (its primary key) ON DELETE CASCADE added"]
    );
    let c = s.compare("2", "1").unwrap();
    assert!(words(&c).iter().all(|w| !w.contains("()")), "{:?}", words(&c));
}

#[test]
fn an_unknown_version_or_a_failing_up_says_so_and_leaves_the_playground_alone() {
    let mut s = Session::bundled().unwrap();
    assert!(s.migrate_to(FIRST).ok);
    let before = s.schema_sql().unwrap();
    assert_eq!(s.compare("42", FIRST).unwrap_err().message, "no migration with version 42 in this set");
    assert_eq!(s.compare(FIRST, "latest").unwrap_err().message, "not a migration version: latest");

    let out = s.load(
        vec![
            migraplay::Item { name: "1_a.sql".into(), content: migraplay::Content::Bytes(b"CREATE TABLE a(x);".to_vec()) },
            migraplay::Item { name: "2_b.sql".into(), content: migraplay::Content::Bytes(b"CREATE TABLE b(x);\nCREATE TABEL c(y);".to_vec()) },
        ],
        None,
        migraplay::LoadKind::Files,
    );
    assert!(out.ok);
    assert!(s.compare("0", "1").is_ok());
    let e = s.compare("0", "2").unwrap_err();
    assert_eq!(e.message, "version 2 cannot be built: 2_b.sql, statement 2 (line 2): near \"TABEL\": syntax error");
    assert_eq!((e.file.as_deref(), e.line), (Some("2_b.sql"), Some(2)));
    assert_eq!(s.view().current_target, "0", "comparing applies nothing to the playground");
    assert_eq!(s.schema_sql().unwrap(), "");

    // And on the bundled set, the database stood where it was.
    let mut s = Session::bundled().unwrap();
    assert!(s.migrate_to(FIRST).ok);
    s.compare("0", "20250115010600").unwrap();
    assert_eq!(s.schema_sql().unwrap(), before);
    assert_eq!(s.view().current_target, FIRST);
}

// --- witnesses --------------------------------------------------------------------

/// The bookkeeping tables the oracle does not keep (it runs the ups only).
const BOOKKEEPING: [&str; 3] = ["_sqlx_migrations", "schema_migrations", "goose_db_version"];

/// A set with what `.schema` treats specially: views and a virtual table (a comment
/// naming their columns), FTS5's shadow tables and quoted names (`IF NOT EXISTS`),
/// WITHOUT ROWID, STRICT, AUTOINCREMENT (`sqlite_sequence`), triggers, partial
/// indexes, keywords as names, and a view whose text ends in a comment.
const FEATURES: [(&str, &str); 4] = [
    (
        "1_base.sql",
        "CREATE TABLE authors (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL COLLATE NOCASE UNIQUE);
         CREATE TABLE \"book list\" (isbn TEXT PRIMARY KEY, author_id INTEGER REFERENCES authors(id), title TEXT) WITHOUT ROWID;
         CREATE INDEX idx_books_author ON \"book list\" (author_id) WHERE author_id IS NOT NULL;",
    ),
    (
        "2_views.sql",
        "CREATE VIEW author_books AS SELECT a.name, b.title AS \"order\", b.isbn AS [my isbn] FROM authors a JOIN \"book list\" b ON b.author_id = a.id -- a row a book
;
CREATE TRIGGER authors_trim AFTER INSERT ON authors BEGIN UPDATE authors SET name = trim(name) WHERE id = NEW.id; END;
CREATE TRIGGER on_view INSTEAD OF DELETE ON author_books BEGIN DELETE FROM \"book list\" WHERE isbn = OLD.\"my isbn\"; END;",
    ),
    ("3_fts.sql", "CREATE VIRTUAL TABLE notes USING fts5(body, title);\nCREATE TABLE [weird name] (x /* a comment */, y);\nCREATE TABLE 'single'(z);"),
    ("4_strict.sql", "CREATE TABLE counters (k TEXT PRIMARY KEY, n INTEGER NOT NULL DEFAULT 0) STRICT;\nALTER TABLE authors ADD COLUMN born INTEGER;"),
];

fn write_set(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

/// migraplay's `.schema` statements at `version` (a fresh database, as a comparison builds it).
fn ours(dir: &Path, version: i64) -> (Playground, Vec<SchemaStatement>) {
    let mut pg = Playground::in_memory(MigrationSet::from_dir(dir).unwrap()).unwrap();
    if version != 0 {
        pg.migrate(Target::To(version)).unwrap();
    }
    let sql = migraplay::compare(pg.set(), &version.to_string(), &version.to_string(), None).unwrap().to_sql;
    let statements = statements_of(&pg);
    assert_eq!(sql, statements.iter().map(|s| s.sql.as_str()).collect::<String>(), "a comparison's SQL is the playground's");
    (pg, statements)
}

fn statements_of(pg: &Playground) -> Vec<SchemaStatement> {
    migraplay::schema_statements(pg.connection()).unwrap()
}

fn oracle(dir: &Path, version: i64) -> String {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oracle/schema_sql_oracle.py");
    let out = Command::new("python3").arg(script).arg(dir).arg("--at").arg(version.to_string()).output().expect("python3 runs the oracle");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn versions(dir: &Path) -> Vec<i64> {
    std::iter::once(0).chain(MigrationSet::from_dir(dir).unwrap().migrations().iter().map(|m| m.version)).collect()
}

#[test]
fn the_schema_sql_agrees_with_the_python_oracle_at_every_version() {
    let features = write_set(&FEATURES);
    let mut dirs = vec![features.path().to_path_buf()];
    for name in ["bundled", "rename_round_trip", "down_changes_definitions", "equivalent_spelling", "goose_set", "dbmate_set", "trigger_created_twice"] {
        dirs.push(fixture(name));
    }
    let mut checked = 0;
    for dir in &dirs {
        for v in versions(dir) {
            let (_, statements) = ours(dir, v);
            let expected = oracle(dir, v);
            // goose's bookkeeping has an AUTOINCREMENT key: its sqlite_sequence is not the ups'.
            let theirs = |s: &&SchemaStatement| BOOKKEEPING.contains(&s.table.as_str()) || (s.name == "sqlite_sequence" && !expected.contains(&s.sql));
            let user: String = statements.iter().filter(|s| !theirs(s)).map(|s| s.sql.as_str()).collect();
            assert_eq!(user, expected, "{} at {v}", dir.display());
            checked += 1;
        }
    }
    assert!(checked > 20);
    // What the features set shows, so the agreement above is about something.
    let (_, statements) = ours(features.path(), 4);
    let sql: String = statements.iter().map(|s| s.sql.as_str()).collect();
    for expected in [
        "CREATE TABLE sqlite_sequence(name,seq);\n",
        "CREATE TABLE IF NOT EXISTS \"book list\" (isbn TEXT PRIMARY KEY, author_id INTEGER REFERENCES authors(id), title TEXT) WITHOUT ROWID;\n",
        "FROM authors a JOIN \"book list\" b ON b.author_id = a.id -- a row a book\n/* author_books(name,\"order\",\"my isbn\") */;\n",
        "CREATE VIRTUAL TABLE notes USING fts5(body, title)\n/* notes(body,title) */;\n",
        "CREATE TABLE IF NOT EXISTS 'notes_data'(id INTEGER PRIMARY KEY, block BLOB);\n",
        "CREATE TABLE [weird name] (x /* a comment */, y);\n",
        "CREATE TABLE IF NOT EXISTS 'single'(z);\n",
        "CREATE TABLE counters (k TEXT PRIMARY KEY, n INTEGER NOT NULL DEFAULT 0) STRICT;\n",
        "CREATE TABLE authors (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL COLLATE NOCASE UNIQUE, born INTEGER);\n",
    ] {
        assert!(sql.contains(expected), "missing {expected:?} in\n{sql}");
    }
}

#[test]
fn the_schema_sql_is_byte_for_byte_what_the_sqlite3_command_prints_when_it_is_installed() {
    let Ok(probe) = Command::new("sqlite3").arg("-version").output() else {
        eprintln!("no sqlite3 command on this machine: skipped");
        return;
    };
    assert!(probe.status.success());
    let features = write_set(&FEATURES);
    let tmp = tempfile::tempdir().unwrap();
    let mut dirs = vec![features.path().to_path_buf()];
    dirs.extend(["bundled", "rename_round_trip", "goose_set", "dbmate_set"].map(fixture));
    for dir in &dirs {
        for v in versions(dir) {
            let (mut pg, statements) = ours(dir, v);
            let file = tmp.path().join(format!("at_{v}.sqlite"));
            std::fs::write(&file, pg.export().unwrap()).unwrap();
            let out = Command::new("sqlite3").arg(&file).arg(".schema").output().unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            let ours: String = statements.iter().map(|s| s.sql.as_str()).collect();
            assert_eq!(ours, String::from_utf8(out.stdout).unwrap(), "{} at {v}", dir.display());
        }
    }
}
