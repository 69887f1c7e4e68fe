//! `migraplay review BASE HEAD` as a user runs it: what a pull request changes
//! in a migration set, the exact lines printed and the exit code, per change kind
//! (fixtures in tests/fixtures/review/<case>/{base,head}).

mod common;

use std::process::{Command, Output};

use common::fixture;

fn review(case: &str, extra: &[&str]) -> Output {
    let dir = fixture("review").join(case);
    let (base, head) = (dir.join("base"), dir.join("head"));
    let mut args = vec!["review", base.to_str().unwrap(), head.to_str().unwrap()];
    args.extend_from_slice(extra);
    Command::new(env!("CARGO_BIN_EXE_migraplay")).args(&args).output().expect("migraplay runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn has_line(text: &str, line: &str) -> bool {
    text.lines().any(|l| l == line)
}

const SQLX: &str = "- **Flavor**: sqlx (`up/down files fit sqlx and golang-migrate alike; sqlx is the default`)";

#[test]
fn an_added_migration_passes_with_its_verify_and_its_schema_in_words_and_sql() {
    let o = review("added", &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "");
    let expected = [
        "# Migration review",
        "",
        "- **Verdict**: PASS: nothing to worry about.",
        SQLX,
        "- **Changes**: 1 added, 0 removed, 0 renamed, 0 modified after merge, 0 with a changed down, 0 out of order; 1 the same",
        "",
        "## Changes",
        "",
        "- added: `2 create books` (`2_create_books.up.sql`, `2_create_books.down.sql`)",
        "",
        "## Verify (head)",
        "",
        "- **Head**: PASS: all 2 migrations apply, revert and re-apply cleanly.",
        "- **This pull request's migrations** (from 2 on, 1 migration):",
        "  - `2 create books`: PASS",
        "",
        "## Schema change (base → head)",
        "",
        "- `table books added`",
        "- `index idx_books_author added`",
        "",
        "```sql",
        "-- table books: added",
        "CREATE TABLE books (",
        "    id INTEGER PRIMARY KEY,",
        "    author_id INTEGER NOT NULL REFERENCES authors(id),",
        "    title TEXT NOT NULL",
        ");",
        "-- index idx_books_author: added",
        "CREATE INDEX idx_books_author ON books(author_id);",
        "```",
    ];
    assert_eq!(stdout(&o).lines().collect::<Vec<_>>(), expected);
}

#[test]
fn a_removed_merged_migration_fails_in_sqlx_s_words() {
    let o = review("removed", &[]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(has_line(&out, "- **Verdict**: FAIL: 1 migration removed (2)."), "{out}");
    assert!(has_line(&out, "- **This pull request's migrations** (from 2 on): none in the head"), "{out}");
    assert!(has_line(&out, "-- table books: removed (it was:)"), "{out}");
    assert_eq!(
        stderr(&o),
        "FAIL removed: 2 create books (2_create_books.up.sql, 2_create_books.down.sql): sqlx refuses to migrate a database that ran the base: \
         \"migration 2 was previously applied but is missing in the resolved migrations\" (unless run with \"--ignore-missing\")\n"
    );
}

#[test]
fn a_renamed_migration_with_the_same_up_is_a_notice_and_passes() {
    let o = review("renamed", &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(has_line(
        &out,
        "- renamed: `2 create book` → `create books` (`2_create_book.up.sql`, `2_create_book.down.sql` → `2_create_books.up.sql`, `2_create_books.down.sql`): \
         the same up; sqlx matches it by version: a database that applied it sees no change"
    ), "{out}");
    assert!(has_line(&out, "None: both end in the same schema."), "{out}");
    assert_eq!(stderr(&o), "");
}

#[test]
fn a_modified_merged_migration_fails_with_sqlx_s_checksum_error_and_its_line() {
    let o = review("modified_sqlx", &[]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(has_line(&out, "- **Verdict**: FAIL: 1 migration modified after merge (2)."), "{out}");
    assert!(has_line(&out, "- `column books.isbn added`"), "{out}");
    // The changed table as a diff of its statement (GitHub colours a diff block).
    let schema: Vec<&str> = out.lines().skip_while(|l| *l != "```diff").collect();
    assert_eq!(
        schema,
        [
            "```diff",
            "@@ table books: changed @@",
            " CREATE TABLE books (",
            "     id INTEGER PRIMARY KEY,",
            "     author_id INTEGER NOT NULL REFERENCES authors(id),",
            "-    title TEXT NOT NULL",
            "+    title TEXT NOT NULL,",
            "+    isbn TEXT",
            " );",
            "```",
        ],
        "{out}"
    );
    assert_eq!(
        stderr(&o),
        "FAIL modified after merge: 2 create books (2_create_books.up.sql line 4): sqlx refuses to migrate a database that ran the base: \
         \"migration 2 was previously applied but has been modified\"\n"
    );
}

#[test]
fn the_schema_change_shows_an_added_table_whole_and_a_changed_one_as_its_changed_lines() {
    let o = review("changed_wide", &[]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    let schema: Vec<&str> = out.lines().skip_while(|l| *l != "## Schema change (base → head)").collect();
    assert_eq!(
        schema,
        [
            "## Schema change (base → head)",
            "",
            "- `column events.tags added`",
            "- `table tags added`",
            "",
            "```sql",
            "-- table tags: added",
            "CREATE TABLE tags (name TEXT PRIMARY KEY);",
            "```",
            "",
            "```diff",
            "@@ table events: changed @@",
            "@@ 9 lines the same @@",
            "     updated_at TEXT,",
            "     deleted_at TEXT,",
            "     note TEXT",
            "-);",
            // SQLite's own text of the table after ALTER TABLE … ADD COLUMN.
            "+, tags TEXT);",
            "```",
        ],
        "{out}"
    );
}

#[test]
fn a_modified_merged_goose_migration_fails_because_production_keeps_the_old_one() {
    let o = review("modified_goose", &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(has_line(&stdout(&o), "- **Flavor**: goose (`2 files have '-- +goose Up' sections`)"), "{}", stdout(&o));
    assert_eq!(
        stderr(&o),
        "FAIL modified after merge: 2 create books (2_create_books.sql line 5): goose keeps no checksum: it would silently not run it again, \
         so every database that applied it (production) keeps the old version\n"
    );
}

#[test]
fn an_out_of_order_version_is_a_warning_for_sqlx_and_fails_for_golang_migrate() {
    let o = review("out_of_order", &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(has_line(&out, "- **Verdict**: PASS with 1 warning (nothing fails)."), "{out}");
    assert!(has_line(
        &out,
        "- **warning** out of order: `2 create tags` is older than the base's newest (3): sqlx applies it on a database already at 3, after 3 (new databases run it before)"
    ), "{out}");
    assert!(has_line(&out, "- **This pull request's migrations** (from 2 on, 2 migrations):"), "{out}");
    assert_eq!(stderr(&o), "");

    let o = review("out_of_order", &["--flavor", "golang-migrate"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "FAIL out of order: 2 create tags is older than the base's newest (3): golang-migrate never runs it on a database already at 3 \
         (it reads only the versions after the current one): renumber it above 3\n"
    );
}

#[test]
fn an_out_of_order_goose_version_fails_with_goose_s_error() {
    let o = review("out_of_order_goose", &[]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "FAIL out of order: 2 create tags is older than the base's newest (3): goose refuses to migrate a database that ran the base: \
         \"error: found 1 missing migrations before current version 3\" (unless run with \"-allow-missing\")\n"
    );
}

#[test]
fn a_head_whose_new_down_leaves_an_index_fails_on_that_migration() {
    let o = review("breaks_down", &[]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(has_line(&out, "- **Verdict**: FAIL: 1 migration failing verify (3)."), "{out}");
    // Rolled back and forward again, as an operator would, the up meets the index the down left.
    assert!(
        has_line(
            &out,
            "  - `3 index books title`: FAIL: `down: index idx_books_title is still there (created by 3 index books title, 3_index_books_title.up.sql line 1); nothing in 3_index_books_title.down.sql touches index idx_books_title`; \
             `up again on what the down left failed: 3_index_books_title.up.sql, statement 1 (line 1): index idx_books_title already exists (rolled back)`"
        ),
        "{out}"
    );
    assert_eq!(
        stderr(&o),
        "FAIL 3 index books title: down: index idx_books_title is still there (created by 3 index books title, 3_index_books_title.up.sql line 1); nothing in 3_index_books_title.down.sql touches index idx_books_title\n\
         FAIL 3 index books title: up again on what the down left failed: 3_index_books_title.up.sql, statement 1 (line 1): \
         index idx_books_title already exists (rolled back)\n"
    );
}

#[test]
fn identical_sets_say_no_change_and_pass() {
    let dir = fixture("review").join("breaks_down").join("base");
    let dir = dir.to_str().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_migraplay")).args(["review", dir, dir]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(has_line(&out, "- **Verdict**: PASS: no change."), "{out}");
    assert!(has_line(&out, "- **Changes**: no change (2 migrations the same)"), "{out}");
    assert!(has_line(&out, "- **This pull request's migrations**: none"), "{out}");
    assert!(has_line(&out, "None: both end in the same schema."), "{out}");
    assert!(!out.contains("## Changes"), "{out}");
}

#[test]
fn a_base_that_cannot_be_loaded_exits_2_naming_it() {
    let empty = tempfile::tempdir().unwrap();
    let head = fixture("review").join("added").join("head");
    let o = Command::new(env!("CARGO_BIN_EXE_migraplay"))
        .args(["review", empty.path().to_str().unwrap(), head.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stdout(&o), "");
    assert_eq!(stderr(&o), format!("error: the base set cannot be loaded: no migrations found in {}\n", empty.path().display()));
}

#[test]
fn the_json_is_the_typed_review_with_each_change_s_words() {
    let o = review("modified_sqlx", &["--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    assert_eq!(json["verdict"]["ok"], false);
    assert_eq!(json["verdict"]["from_version"], 2);
    assert_eq!(json["verdict"]["headline"], "FAIL: 1 migration modified after merge (2).");
    assert_eq!(json["flavor"]["flavor"], "sqlx");
    assert_eq!(json["unchanged"], 1);
    let c = &json["changes"][0];
    assert_eq!(c["kind"], "modified_after_merge");
    assert_eq!(c["migration"]["version"], 2);
    assert_eq!(c["migration"]["files"], serde_json::json!(["2_create_books.up.sql", "2_create_books.down.sql"]));
    assert_eq!((c["file"].as_str(), c["line"].as_u64()), (Some("2_create_books.up.sql"), Some(4)));
    assert_eq!(c["tool"], serde_json::json!({"does": "refuses", "tool": "sqlx", "error": "migration 2 was previously applied but has been modified", "unless": null}));
    assert_eq!(c["base_checksum"].as_str().map(str::len), Some(96), "SHA-384 as hex");
    assert_ne!(c["base_checksum"], c["head_checksum"]);
    assert!(c["text"].as_str().unwrap().starts_with("modified after merge: 2 create books (2_create_books.up.sql line 4): sqlx refuses"));
    assert_eq!(json["schema"]["status"], "compared");
    assert_eq!((json["schema"]["from"].as_str(), json["schema"]["to"].as_str()), (Some("2"), Some("2")));
    assert_eq!(json["schema"]["differences"][0]["text"], "column books.isbn added");
    assert_eq!(json["report"]["ok"], true, "the head itself verifies");
    assert_eq!(json["report"]["migrations"].as_array().map(Vec::len), Some(2));
}

#[test]
fn github_format_puts_the_modified_migration_on_its_line_in_the_head_folder() {
    let o = review("modified_sqlx", &["--format", "github"]);
    assert_eq!(o.status.code(), Some(1));
    let head = fixture("review").join("modified_sqlx").join("head");
    let line = format!(
        "::error file={}/2_create_books.up.sql,line=4,title=2 modified after merge::modified after merge: 2 create books (2_create_books.up.sql line 4): \
         sqlx refuses to migrate a database that ran the base: \"migration 2 was previously applied but has been modified\"",
        head.display()
    );
    assert!(has_line(&stdout(&o), &line), "{}", stdout(&o));
    // The last line is the review's verdict, not the head report's (which passes: the head alone is fine).
    assert_eq!(stdout(&o).lines().last(), Some("FAIL: 1 migration modified after merge (2)."), "{}", stdout(&o));
}

#[test]
fn the_comment_format_puts_the_verdict_then_the_failing_migration_at_its_down_line_then_the_rest_folded() {
    let o = review("breaks_down", &["--format", "comment"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let head = fixture("review").join("breaks_down/head");
    let head = head.to_str().unwrap();
    assert!(
        out.starts_with(
            "## migraplay: FAIL\n\nFAIL: 1 migration failing verify (3).\n\n\
             - **Flavor**: sqlx (up/down files fit sqlx and golang-migrate alike; sqlx is the default)\n\
             - **Changes**: 1 added, 0 removed, 0 renamed, 0 modified after merge, 0 with a changed down, 0 out of order; 2 the same\n"
        ),
        "{out}"
    );
    let failing = out.find("### Failing (1 of this pull request's 1 migration)\n").expect("a failing section");
    // An added migration is no change a tool refuses: it is named, folded, after the failures.
    let added = out.find("<details><summary>1 migration added</summary>\n\n3 index books title\n\n</details>\n").expect("the added one");
    assert!(failing < added, "failures first: {out}");
    assert!(!out.contains("### What this pull request changes"), "{out}");
    assert!(has_line(
        &out,
        &format!(
            "- `{head}/3_index_books_title.down.sql:1` 3 index books title: down: index idx_books_title is still there \
             (created by 3 index books title, 3_index_books_title.up.sql line 1); nothing in 3_index_books_title.down.sql touches index idx_books_title"
        )
    ), "{out}");
    // The base's migrations are not the pull request's: they are not listed as passing.
    assert!(out.contains("<details><summary>Schema change (base → head)</summary>\n\n- `index idx_books_title added`\n"), "{out}");
    assert!(!out.contains("passing</summary>"), "{out}");
}

#[test]
fn a_modified_merged_migration_is_an_error_in_the_comment_on_its_changed_line() {
    let o = review("modified_sqlx", &["--format", "comment"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let head = fixture("review").join("modified_sqlx/head");
    assert!(out.contains("\n### What this pull request changes (1)\n\n"), "{out}");
    assert!(has_line(
        &out,
        &format!(
            "- `{}/2_create_books.up.sql:4` **error** modified after merge: 2 create books (2_create_books.up.sql line 4): \
             sqlx refuses to migrate a database that ran the base: \"migration 2 was previously applied but has been modified\"",
            head.display()
        )
    ), "{out}");
}

#[test]
fn the_review_comment_of_a_huge_pull_request_fits_and_keeps_every_failing_migration_and_every_refused_change() {
    // A base of 300 migrations; the head modifies 20 of them and adds 900, one in three
    // with a down that leaves its index behind.
    let tmp = tempfile::tempdir().unwrap();
    let (base, head) = (tmp.path().join("base"), tmp.path().join("head"));
    for dir in [&base, &head] {
        std::fs::create_dir(dir).unwrap();
    }
    let write = |dir: &std::path::Path, k: usize, up: String, down: String| {
        std::fs::write(dir.join(format!("{k}_create_table_number_{k}.up.sql")), up).unwrap();
        std::fs::write(dir.join(format!("{k}_create_table_number_{k}.down.sql")), down).unwrap();
    };
    for k in 1..=300 {
        let up = format!("CREATE TABLE t{k}(x);\n");
        write(&base, k, up.clone(), format!("DROP TABLE t{k};\n"));
        let up = if k % 15 == 0 { format!("CREATE TABLE t{k}(x, y);\n") } else { up };
        write(&head, k, up, format!("DROP TABLE t{k};\n"));
    }
    for k in 301..=1200 {
        let down = if k % 3 == 0 { format!("DROP TABLE t{k};\nCREATE TABLE t{k}(x);\n") } else { format!("DROP TABLE t{k};\n") };
        write(&head, k, format!("CREATE TABLE t{k}(x);\nCREATE INDEX i{k} ON t{k}(x);\n"), down);
    }
    let o = Command::new(env!("CARGO_BIN_EXE_migraplay"))
        .args(["review", base.to_str().unwrap(), head.to_str().unwrap(), "--format", "comment", "--data", "off"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.len() <= migraplay::COMMENT_LIMIT, "{} characters", out.len());
    assert!(out.starts_with("## migraplay: FAIL\n\nFAIL: 20 migrations modified after merge (15, 30, 45 and 17 more); 300 migrations failing verify"), "{}", &out[..300]);
    for k in (15..=300).step_by(15) {
        assert!(out.contains(&format!("/{k}_create_table_number_{k}.up.sql:1` **error** modified after merge: {k} create table number {k}")), "change {k}");
    }
    for k in (303..=1200).step_by(3) {
        assert!(out.contains(&format!("/{k}_create_table_number_{k}.down.sql:2` {k} create table number {k}: down:")), "migration {k}");
    }
    assert!(out.contains(" more items did not fit in a comment. The full report: `migraplay review --format md`._\n"), "{out}");
}

#[test]
fn a_diesel_pull_request_adding_a_diesel_2_3_folder_is_one_added_migration_though_the_numbers_shown_change() {
    let tmp = tempfile::tempdir().unwrap();
    let (base, head) = (tmp.path().join("base"), tmp.path().join("head"));
    let write = |dir: &std::path::Path, folder: &str, up: &str, down: &str| {
        std::fs::create_dir_all(dir.join(folder)).unwrap();
        std::fs::write(dir.join(folder).join("up.sql"), up).unwrap();
        std::fs::write(dir.join(folder).join("down.sql"), down).unwrap();
    };
    for dir in [&base, &head] {
        write(dir, "2024-01-01-000000_create_users", "CREATE TABLE users(id INTEGER PRIMARY KEY);\n", "DROP TABLE users;\n");
        write(dir, "2024-03-01-000000_create_posts", "CREATE TABLE posts(id INTEGER PRIMARY KEY);\n", "DROP TABLE posts;\n");
    }
    // diesel 2.3 names its folders with a -0000 suffix: 18 digits among 14, so the head's
    // versions are shown padded, and the new one sorts (as text) before 2024-03-01; the
    // base's newest is named by the number the head shows for it.
    write(&head, "2024-02-01-000000-0000_create_tags", "CREATE TABLE tags(id INTEGER PRIMARY KEY);\n", "DROP TABLE tags;\n");
    let o = Command::new(env!("CARGO_BIN_EXE_migraplay"))
        .args(["review", base.to_str().unwrap(), head.to_str().unwrap(), "--format", "json", "--data", "off"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let changes: Vec<&str> = json["changes"].as_array().unwrap().iter().map(|c| c["text"].as_str().unwrap()).collect();
    assert_eq!(
        changes,
        [
            "added: 202402010000000000 2024-02-01-000000-0000_create_tags (2024-02-01-000000-0000_create_tags/up.sql, 2024-02-01-000000-0000_create_tags/down.sql)",
            "out of order: 202402010000000000 2024-02-01-000000-0000_create_tags is older than the base's newest (202403010000000000): diesel applies it on a database already at 202403010000000000, after 202403010000000000 (new databases run it before)",
        ],
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(json["unchanged"], 2);
}
