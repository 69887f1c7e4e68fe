//! The page's session, natively: what each action returns and what the view
//! then lets the user do, as the page would show it.

use migraplay::{Content, Direction, Effect, Flavor, Item, LoadKind, Session, SessionOutcome as Outcome, SourceKind, State};

const LATEST: &str = "20250115010600";

fn item(name: &str, text: &str) -> Item {
    Item { name: name.to_string(), content: Content::Bytes(text.as_bytes().to_vec()) }
}

fn loaded(files: &[(&str, &str)]) -> Session {
    let mut s = Session::bundled().unwrap();
    let out = s.load(files.iter().map(|(n, t)| item(n, t)).collect(), None, LoadKind::Files);
    assert!(out.ok, "{:?}", out.error);
    s
}

fn message(out: &Outcome) -> &str {
    out.error.as_ref().map(|e| e.message.as_str()).unwrap_or("")
}

fn tables(out: &Outcome) -> Vec<String> {
    out.view.schema.tables.iter().map(|t| t.name.clone()).collect()
}

#[test]
fn the_bundled_set_can_apply_but_not_revert_before_apply_all_and_the_reverse_after() {
    let mut s = Session::bundled().unwrap();
    let v = s.view();
    assert_eq!(v.source.text, "The bundled set: 7 migrations.");
    assert!(v.actions.apply_next.ok && v.actions.apply_all.ok && v.actions.migrate_to.ok && v.actions.verify.ok);
    assert_eq!(v.actions.revert_last.why.as_deref(), Some("nothing is applied"));
    assert_eq!(v.actions.revert_all.why.as_deref(), Some("nothing is applied"));
    assert_eq!(v.actions.load_bundled.why.as_deref(), Some("the bundled set is loaded"));
    assert_eq!(v.actions.read_as.why.as_deref(), Some("the bundled set is sqlx's"));
    assert_eq!(v.current_target, "0");
    assert_eq!(v.targets[0].label, "0 — before the first (empty)");
    assert_eq!(v.targets[1].label, "20250115010000 — create tasks");
    assert_eq!(v.targets.len(), 8);

    let out = s.apply_all();
    assert!(out.ok && out.changed);
    assert_eq!(out.log.len(), 7);
    assert!(out.log[0].line.starts_with("Applied 20250115010000/migrate create tasks ("));
    let v = out.view;
    assert_eq!(v.current_target, LATEST, "the Migrate-to select shows where the database stands");
    assert_eq!(v.actions.apply_next.why.as_deref(), Some("every migration is applied"));
    assert_eq!(v.actions.apply_all.why.as_deref(), Some("every migration is applied"));
    assert!(v.actions.revert_last.ok && v.actions.revert_all.ok);
    assert!(v.rows.iter().all(|r| r.state == State::Applied && r.in_set));
}

#[test]
fn revert_last_is_disabled_with_the_cores_words_when_the_last_migration_has_no_down() {
    let mut s = loaded(&[("1_a.up.sql", "CREATE TABLE a(x);"), ("1_a.down.sql", "DROP TABLE a;"), ("2_b.sql", "CREATE TABLE b(x);")]);
    let out = s.apply_all();
    assert!(out.ok);
    assert_eq!(out.view.actions.revert_last.why.as_deref(), Some("migration 2 is irreversible (it has no down)"));
    assert_eq!(out.view.actions.revert_all.why.as_deref(), Some("migration 2 is irreversible (it has no down)"));
    assert!(out.view.actions.migrate_to.ok);
    let refused = s.revert_last();
    assert!(!refused.ok && !refused.changed);
    assert_eq!(message(&refused), "migration 2 is irreversible (it has no down)");
}

#[test]
fn a_modified_migration_disables_every_step_with_sqlxs_words() {
    let mut s = loaded(&[("1_a.up.sql", "CREATE TABLE a(x);"), ("1_a.down.sql", "DROP TABLE a;"), ("2_b.up.sql", "CREATE TABLE b(x);"), ("2_b.down.sql", "DROP TABLE b;")]);
    s.apply_next();
    let out = s.edit(vec![("1_a.up.sql".into(), "CREATE TABLE a(x, y);".into())]);
    assert!(out.ok && out.changed);
    let why = Some("migration 1 was previously applied but has been modified");
    let a = &out.view.actions;
    for able in [&a.apply_next, &a.apply_all, &a.revert_last, &a.revert_all, &a.migrate_to] {
        assert_eq!(able.why.as_deref(), why);
    }
    assert_eq!(out.view.rows[0].state, State::Modified);
}

#[test]
fn a_console_write_changes_the_database_and_a_select_does_not() {
    let mut s = Session::bundled().unwrap();
    let out = s.console("CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT);", 200);
    assert!(out.ok && out.changed);
    assert_eq!(out.changes.len(), 1);
    assert_eq!((out.changes[0].name.as_str(), out.changes[0].effect()), ("notes", Effect::Added));
    assert_eq!(out.changes[0].as_step(), "table notes added");
    assert_eq!(tables(&out), ["notes"]);
    assert_eq!(out.view.diagram.boxes[0].mark, Some(Effect::Added));

    let out = s.console("INSERT INTO notes(body) VALUES ('hi');", 200);
    assert!(out.ok && out.changed, "an insert changes the database, though not its schema");
    assert!(out.changes.is_empty());

    let out = s.console("SELECT body FROM notes;", 200);
    assert!(out.ok && !out.changed);
    assert_eq!(out.console.as_ref().unwrap().outputs[0].rows.len(), 1);

    let out = s.console("PRAGMA user_version = 3;", 200);
    assert!(out.changed, "a pragma that writes the header changes the database");
}

#[test]
fn a_console_error_is_a_value_with_its_line_and_long_text_is_cut() {
    let mut s = Session::bundled().unwrap();
    let out = s.console("SELECT 1;\nSELECT x FROM nowhere;", 10);
    assert!(!out.ok && !out.changed);
    let e = out.error.unwrap();
    assert_eq!(e.line, Some(2));
    assert!(e.message.contains("no such table: nowhere"), "{}", e.message);
    let out = s.console("SELECT printf('%.20000c', 'x');", 10);
    let migraplay::Value::Text(t) = &out.console.unwrap().outputs[0].rows[0][0] else { panic!("text") };
    assert_eq!(t.chars().count(), 10_001);
    assert!(t.ends_with('…'));
}

#[test]
fn console_effects_say_removed_and_changed() {
    let mut s = Session::bundled().unwrap();
    s.console("CREATE TABLE t(a); CREATE INDEX ia ON t(a);", 10);
    let out = s.console("DROP INDEX ia; ALTER TABLE t ADD COLUMN b;", 10);
    let effects: Vec<(String, Effect)> = out.changes.iter().map(|c| (c.as_step(), c.effect())).collect();
    assert!(effects.contains(&("index ia removed".to_string(), Effect::Removed)), "{effects:?}");
    assert!(effects.iter().any(|(_, e)| *e == Effect::Added || *e == Effect::Changed), "{effects:?}");
    assert_eq!(out.view.diagram.boxes[0].mark, Some(Effect::Changed));
}

fn paste_then_apply(flavor_files: &[(&str, &str)], base: &str, up: &str, down: &str) -> (Vec<(String, String)>, Outcome, Session) {
    let mut s = loaded(flavor_files);
    let before: Vec<String> = s.view().files.iter().map(|f| f.name.clone()).collect();
    let out = s.paste(base, up, down);
    assert!(out.ok, "{:?}", out.error);
    assert_eq!(out.view.source.kind, SourceKind::Edited);
    let new: Vec<(String, String)> =
        out.view.files.iter().filter(|f| !before.contains(&f.name)).map(|f| (f.name.clone(), f.text.clone())).collect();
    let applied = s.apply_all();
    (new, applied, s)
}

#[test]
fn a_pasted_sqlx_migration_is_named_up_and_down_or_simple() {
    let set = [("1_a.up.sql", "CREATE TABLE a(x);"), ("1_a.down.sql", "DROP TABLE a;")];
    let (files, out, mut s) = paste_then_apply(&set, " 2_add_b.up.sql ", "CREATE TABLE b(x);", "DROP TABLE b;");
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["2_add_b.up.sql", "2_add_b.down.sql"]);
    assert!(out.ok && tables(&out).contains(&"b".to_string()));
    let out = s.paste("3_add_c", "CREATE TABLE c(x);", "  ");
    assert!(out.view.files.iter().any(|f| f.name == "3_add_c.sql"));
}

#[test]
fn a_pasted_golang_migrate_migration_has_only_an_up_without_a_down() {
    let set = [("1_a.up.sql", "BEGIN;\nCREATE TABLE a(x);\nCOMMIT;"), ("1_a.down.sql", "BEGIN;\nDROP TABLE a;\nCOMMIT;")];
    let (files, out, _) = paste_then_apply(&set, "2_add_b", "BEGIN;\nCREATE TABLE b(x);\nCOMMIT;", "");
    assert_eq!(out.view.flavor.flavor, Flavor::GolangMigrate);
    assert_eq!(files, [("2_add_b.up.sql".to_string(), "BEGIN;\nCREATE TABLE b(x);\nCOMMIT;".to_string())]);
    assert!(out.ok && tables(&out).contains(&"b".to_string()), "{:?}", out.error);
}

#[test]
fn a_pasted_goose_migration_is_one_file_with_its_sections() {
    let set = [("1_a.sql", "-- +goose Up\nCREATE TABLE a(x);\n-- +goose Down\nDROP TABLE a;\n")];
    let (files, out, mut s) = paste_then_apply(&set, "2_add_b.sql", "CREATE TABLE b(x);", "DROP TABLE b;");
    assert_eq!(files, [("2_add_b.sql".to_string(), "-- +goose Up\nCREATE TABLE b(x);\n\n-- +goose Down\nDROP TABLE b;\n".to_string())]);
    assert!(out.ok && tables(&out).contains(&"b".to_string()), "{:?}", out.error);
    assert!(s.revert_last().ok, "the pasted down runs");
}

#[test]
fn a_pasted_dbmate_migration_is_one_file_with_its_sections() {
    let set = [("1_a.sql", "-- migrate:up\nCREATE TABLE a(x);\n-- migrate:down\nDROP TABLE a;\n")];
    let (files, out, _) = paste_then_apply(&set, "2_add_b", "CREATE TABLE b(x);\n", "DROP TABLE b;\n");
    assert_eq!(files, [("2_add_b.sql".to_string(), "-- migrate:up\nCREATE TABLE b(x);\n\n-- migrate:down\nDROP TABLE b;\n".to_string())]);
    assert!(out.ok && tables(&out).contains(&"b".to_string()), "{:?}", out.error);
}

#[test]
fn a_pasted_name_without_a_version_is_refused_and_nothing_changes() {
    let mut s = Session::bundled().unwrap();
    let out = s.paste("add_users", "CREATE TABLE users(x);", "");
    assert!(!out.ok && !out.changed);
    assert_eq!(message(&out), "add_users: not a migration name; start it with a version and an underscore, e.g. 20250115010700_add_tags");
    assert_eq!(out.view.source.kind, SourceKind::Bundled);
}

#[test]
fn an_edit_merges_by_name_and_keeps_the_database() {
    let mut s = Session::bundled().unwrap();
    s.apply_next();
    let out = s.edit(vec![("20250115010700_create_tags.up.sql".into(), "CREATE TABLE tags(x);".into())]);
    assert!(out.ok && out.changed);
    assert_eq!(out.view.source.text, "Your set, edited: 8 migrations.");
    assert_eq!(out.view.rows[0].state, State::Applied, "the database stayed");
    assert_eq!(tables(&out), ["tasks"]);
    assert!(out.view.actions.load_bundled.ok);
}

#[test]
fn a_load_that_fails_keeps_the_previous_set_and_view() {
    let mut s = Session::bundled().unwrap();
    s.apply_next();
    let before = s.view();
    let out = s.load(vec![item("1_a.down.sql", "DROP TABLE a;")], None, LoadKind::Files);
    assert!(!out.ok && !out.changed);
    assert_eq!(message(&out), "1_a.down.sql has no matching up migration; add 1_a.up.sql");
    assert_eq!(out.error.as_ref().unwrap().file.as_deref(), Some("1_a.down.sql"));
    assert_eq!(out.view.set_id, before.set_id);
    assert_eq!(out.view.source.text, "The bundled set: 7 migrations.");
    assert_eq!(out.view.current_target, "20250115010000");
}

#[test]
fn loaded_files_say_how_many_and_other_files_are_ignored() {
    let mut s = Session::bundled().unwrap();
    let out = s.load(
        vec![item("x/1_a.up.sql", "CREATE TABLE a(x);"), item("x/1_a.down.sql", "DROP TABLE a;"), item("x/package.json", "{}")],
        None,
        LoadKind::Files,
    );
    assert!(out.ok && out.changed);
    assert_eq!(out.view.source.text, "Your set: 1 migration from 2 files.");
    assert_eq!(migraplay::input_kind("x/package.json"), migraplay::InputKind::Other);
}

#[test]
fn an_unread_file_is_listed_with_its_real_size_and_the_rest_loads() {
    let mut s = Session::bundled().unwrap();
    let big = Item { name: "2_big.up.sql".into(), content: Content::Unread(5_000_000) };
    let out = s.load(vec![item("1_a.sql", "CREATE TABLE a(x);"), big], None, LoadKind::Files);
    assert!(out.ok, "{:?}", out.error);
    assert_eq!(out.view.load_problems.len(), 1);
    assert!(out.view.load_problems[0].contains("2_big.up.sql: too large (5000000 bytes"), "{:?}", out.view.load_problems);
}

#[test]
fn the_set_id_changes_with_a_file_and_not_otherwise() {
    let mut s = Session::bundled().unwrap();
    let id = s.view().set_id;
    assert_eq!(id.len(), 32);
    assert_eq!(s.apply_all().view.set_id, id, "applying changes the database, not the set");
    assert_eq!(s.reset_database().view.set_id, id);
    let files = s.view().files;
    let (name, text) = (files[0].name.clone(), files[0].text.clone());
    assert_eq!(s.edit(vec![(name.clone(), text.clone())]).view.set_id, id, "the same text is the same set");
    let changed = s.edit(vec![(name.clone(), format!("{text}\n-- a comment"))]).view.set_id;
    assert_ne!(changed, id);
    assert_eq!(Session::bundled().unwrap().view().set_id, id, "stable across sessions");
    let verified = s.verify("test", true, &mut |_| {}).unwrap();
    assert_eq!(verified.set_id, changed);
    let report: serde_json::Value = serde_json::from_str(&verified.json).unwrap();
    let change = &report["migrations"][0]["changes"][0];
    assert_eq!((&change["change"], &change["effect"], &change["text"]), (&"still_there".into(), &"added".into(), &"table tasks added".into()));
}

#[test]
fn a_set_file_is_expanded_and_a_bad_one_refused_in_the_pages_words() {
    let mut s = Session::bundled().unwrap();
    let json = r#"[{"name": "1_a.up.sql", "text": "CREATE TABLE a(x);"}, {"name": "1_a.down.sql", "text": "DROP TABLE a;"}]"#;
    let out = s.load(vec![item("shared.migraplay (1).json", json)], None, LoadKind::Files);
    assert!(out.ok, "{:?}", out.error);
    assert_eq!(out.view.source.text, "Your set: 1 migration from 2 files.");

    let out = s.load(vec![Item { name: "this link".into(), content: Content::Bundle(json.as_bytes().to_vec()) }], None, LoadKind::Link);
    assert!(out.ok);
    assert_eq!(out.view.source.text, "A shared set: 1 migration from a link.");

    let bad = |name: &str, text: &str, kind| {
        let mut s = Session::bundled().unwrap();
        let content = if kind == LoadKind::Link { Content::Bundle(text.as_bytes().to_vec()) } else { Content::Bytes(text.as_bytes().to_vec()) };
        let out = s.load(vec![Item { name: name.into(), content }], None, kind);
        assert!(!out.ok && !out.changed);
        assert_eq!(out.view.source.kind, SourceKind::Bundled);
        message(&out).to_string()
    };
    assert_eq!(bad("s.migraplay.json", "{\"a\": 1}", LoadKind::Files), "s.migraplay.json does not carry a migration set (not a list of files)");
    assert_eq!(bad("s.migraplay.json", "[{\"text\": \"\"}]", LoadKind::Files), "s.migraplay.json: item 1 has no file name");
    assert_eq!(bad("this link", "[{\"name\": \"1_a.sql\"}]", LoadKind::Link), "this link: item 1 (1_a.sql) has no text");
    assert_eq!(bad("this link", "[{\"name\"", LoadKind::Link), "this link's migration set is damaged (it may have been cut short when it was copied)");
    assert!(bad("s.migraplay.json", "nope", LoadKind::Files).starts_with("s.migraplay.json: not a migraplay set file ("));
    let mut s = Session::bundled().unwrap();
    let out = s.load(vec![Item { name: "s.migraplay.json".into(), content: Content::Unread(70_000_000) }], None, LoadKind::Files);
    assert_eq!(message(&out), "s.migraplay.json: too large for a set file (70000000 bytes; at most 67108864)");
}

#[test]
fn migrate_to_text_that_is_not_a_version_is_an_error_value() {
    let mut s = Session::bundled().unwrap();
    let out = s.migrate_to("abc");
    assert!(!out.ok && !out.changed);
    assert_eq!(message(&out), "not a migration version: abc");
    let out = s.migrate_to("20250115010200");
    assert!(out.ok);
    assert_eq!(out.view.current_target, "20250115010200");
    assert_eq!(message(&s.migrate_to("7")), "no migration with version 7 in this set");
}

#[test]
fn a_failing_step_keeps_what_ran_and_names_the_file_and_line() {
    let mut s = loaded(&[
        ("1_a.up.sql", "CREATE TABLE a(x);"),
        ("1_a.down.sql", "DROP TABLE a;"),
        ("2_b.up.sql", "CREATE TABLE b(x);"),
        ("2_b.down.sql", "DROP TABLE b;"),
        ("3_c.up.sql", "CREATE TABLE c(x);\n\nCREATE TABEL d(x);"),
        ("3_c.down.sql", "DROP TABLE c;"),
    ]);
    let out = s.apply_all();
    assert!(!out.ok && out.changed);
    assert_eq!(out.log.len(), 2);
    let e = out.error.as_ref().unwrap();
    assert_eq!((e.file.as_deref(), e.line, e.statement), (Some("3_c.up.sql"), Some(3), Some(2)));
    assert_eq!(tables(&out), ["a", "b"]);
    assert_eq!(out.view.current_target, "2");
}

#[test]
fn the_drift_line_says_what_it_was_compared_with_after_an_import() {
    let mut s = Session::bundled().unwrap();
    let v = s.view();
    assert_eq!(v.drift.text, "Drift: no migration. No drift.".replace("no migration", "7 pending"));
    assert!(!v.drift.shown);
    s.migrate_to("20250115010100");
    let bytes = s.export().unwrap();
    let out = s.import_database("prod.sqlite", &bytes, bytes.len() as u64);
    assert!(out.ok && out.changed, "{:?}", out.error);
    assert!(out.view.drift.shown);
    assert_eq!(out.view.drift.text, "Compared with prod.sqlite: 2 installed, 5 pending. No drift.");
    let out = s.reset_database();
    assert_eq!(out.view.drift.text, "Drift: 7 pending. No drift.");
    assert!(!out.view.drift.shown);

    let refused = s.import_database("notes.txt", b"hello", 5);
    assert!(!refused.ok && !refused.changed);
    assert_eq!(message(&refused), "notes.txt is not a SQLite database (it does not start with SQLite's header)");
}

#[test]
fn read_as_reads_the_same_files_as_another_tool_on_a_new_database() {
    let mut s = loaded(&[("1_a.up.sql", "CREATE TABLE a(x);"), ("1_a.down.sql", "DROP TABLE a;")]);
    s.apply_all();
    let out = s.read_as(Some(Flavor::GolangMigrate));
    assert!(out.ok && out.changed);
    assert_eq!((out.view.flavor.flavor, out.view.flavor.forced), (Flavor::GolangMigrate, true));
    assert_eq!(out.view.source.flavor, Some(Flavor::GolangMigrate));
    assert_eq!(out.view.current_target, "0", "on a new database");
    let out = s.read_as(None);
    assert_eq!((out.view.flavor.flavor, out.view.flavor.forced), (Flavor::Sqlx, false));
    let mut bundled = Session::bundled().unwrap();
    assert_eq!(message(&bundled.read_as(Some(Flavor::Goose))), "the bundled set is sqlx's");
}

#[test]
fn a_saved_session_restores_its_set_flavor_database_and_imported_name() {
    let mut s = loaded(&[("1_a.up.sql", "CREATE TABLE a(x);"), ("1_a.down.sql", "DROP TABLE a;"), ("2_b.sql", "CREATE TABLE b(x);")]);
    s.read_as(Some(Flavor::GolangMigrate));
    s.apply_next();
    let saved = s.saved().unwrap();
    let restored = Session::restore(saved.clone()).unwrap();
    let v = restored.view();
    assert_eq!(v.set_id, s.view().set_id);
    assert_eq!(v.current_target, "1");
    assert_eq!(v.source.flavor, Some(Flavor::GolangMigrate));
    let json = serde_json::to_string(&saved.source).unwrap();
    assert_eq!(json, r#"{"kind":"files","files":3,"name":null,"flavor":"golang-migrate"}"#);
    // What today's worker saved reads back too.
    let old: migraplay::Source = serde_json::from_str(r#"{"kind":"link","files":2}"#).unwrap();
    assert_eq!((old.kind, old.flavor), (SourceKind::Link, None));
    let mut broken = saved;
    broken.database = b"not a database".to_vec();
    assert!(Session::restore(broken).is_err());
}

#[test]
fn a_saved_session_keeps_the_files_that_could_not_be_loaded() {
    // What the page hands to the full build (and saves): the file that did not load
    // is not among the set's files, but the set still lists it, and verify still fails on it.
    let s = loaded(&[("1_a.up.sql", "CREATE TABLE a(x);"), ("1_a.down.sql", "DROP TABLE a;"), ("2_b.down.sql", "DROP TABLE b;")]);
    let problems = s.view().load_problems;
    assert_eq!(problems.len(), 1, "{problems:?}");
    let mut s = s;
    let restored = Session::restore(s.saved().unwrap()).unwrap();
    assert_eq!(restored.view().load_problems, problems);
    let verified = restored.verify("test", true, &mut |_| {}).unwrap();
    assert!(verified.report.summary.headline.starts_with("FAIL: 1 file could not be loaded"), "{}", verified.report.summary.headline);
}

#[test]
fn the_view_serializes_in_snake_case_with_rows_targets_and_actions() {
    let s = Session::bundled().unwrap();
    let json = serde_json::to_value(s.view()).unwrap();
    for key in ["sqlite_version", "limits", "source", "flavor", "load_problems", "rows", "files", "targets", "current_target", "actions", "drift", "schema", "diagram", "set_id"] {
        assert!(json.get(key).is_some(), "{key}");
    }
    assert_eq!(json["actions"]["revert_last"], serde_json::json!({"ok": false, "why": "nothing is applied"}));
    assert_eq!(json["rows"][0]["up_file"], "20250115010000_create_tasks.up.sql");
    assert_eq!(json["limits"]["max_file_bytes"], 4 * 1024 * 1024);
}

#[test]
fn fill_with_sample_rows_fills_every_table_once_and_says_so() {
    let mut s = Session::bundled().unwrap();
    assert!(s.apply_all().ok);
    let filled = s.fill_sample_rows();
    assert!(filled.ok && filled.changed);
    let seeded = filled.seeded.unwrap();
    assert_eq!(seeded.rows.len(), 6, "{seeded:?}");
    assert!(seeded.rows.iter().all(|(_, n)| *n == 3) && seeded.not_seeded.is_empty(), "{seeded:?}");
    let run = s.console("SELECT count(*) FROM workflow_tasks;", 10).console.unwrap();
    assert_eq!(run.outputs[0].rows, [[migraplay::Value::Integer(3)]]);
    let again = s.fill_sample_rows();
    assert!(again.ok && !again.changed, "full tables get no more");
    assert!(again.seeded.unwrap().rows.is_empty());
}

/// The files of `tests/fixtures/review-page/<side>` as items, by name.
fn review_items(side: &str) -> Vec<Item> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/review-page").join(side);
    let mut names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    names.iter().map(|n| Item { name: n.clone(), content: Content::Bytes(std::fs::read(dir.join(n)).unwrap()) }).collect()
}

#[test]
fn compare_with_reviews_the_loaded_set_against_a_base_read_as_a_load_reads_it_and_changes_nothing() {
    let mut s = Session::bundled().unwrap();
    assert!(s.load(review_items("head"), None, LoadKind::Files).ok);
    let before = s.view();
    // A README in the folder is left out, as a load leaves it out.
    let mut base = review_items("base");
    base.push(item("README.md", "not a migration"));
    // Verify of the head reports its steps, as verify alone does (the page's progress bar).
    let mut steps = Vec::new();
    let reviewed = s.review(base, LoadKind::Files, "test", &mut |p| steps.push((p.done, p.total))).unwrap();
    let r = &reviewed.review;
    assert!(!steps.is_empty() && steps.iter().all(|&(done, total)| done <= total), "{steps:?}");
    let rules: Vec<&str> = r.changes.iter().map(|c| c.rule()).collect();
    assert_eq!(rules, ["removed", "added", "out-of-order", "modified-after-merge", "renamed", "added"]);
    assert_eq!(
        r.changes[3].to_string(),
        "modified after merge: 5 create tags (5_create_tags.up.sql line 1): sqlx refuses to migrate a database that ran the base: \"migration 5 was previously applied but has been modified\""
    );
    assert_eq!(r.verdict.headline, "FAIL: 1 migration modified after merge (5); 1 migration removed (3); 1 migration failing verify (7).");
    assert!(!r.ok());
    assert_eq!(reviewed.set_id, before.set_id);
    assert_eq!(s.view().set_id, before.set_id);
    assert_eq!(s.view().rows.len(), before.rows.len(), "the playground is untouched");

    // A base that cannot be loaded says so, naming the file.
    let e = s.review(review_items("broken_base"), LoadKind::Files, "test", &mut |_| {}).unwrap_err();
    assert_eq!(e.message, "the base set cannot be loaded: 2_orphan.down.sql has no matching up migration; add 2_orphan.up.sql");
    assert_eq!(e.file.as_deref(), Some("2_orphan.down.sql"));

    // The base is read as the set is asked to be read: golang-migrate's rules then speak.
    assert!(s.read_as(Some(Flavor::GolangMigrate)).ok);
    let reviewed = s.review(review_items("base"), LoadKind::Files, "test", &mut |_| {}).unwrap();
    let out_of_order = reviewed.review.changes.iter().find(|c| c.rule() == "out-of-order").unwrap().to_string();
    assert!(out_of_order.starts_with("out of order: 4 create likes is older than the base's newest (6): golang-migrate "), "{out_of_order}");
    assert_eq!(reviewed.review.base_flavor, None, "both read as golang-migrate");
}

/// The view's last step as (version, description, direction, file), and whether the view's files hold that file.
fn last_step(out: &Outcome) -> Option<(String, String, Direction, String, bool)> {
    out.view.last_step.as_ref().map(|s| {
        let listed = out.view.files.iter().any(|f| f.name == s.file);
        (s.version.clone(), s.description.clone(), s.direction, s.file.clone(), listed)
    })
}

fn step(version: &str, description: &str, direction: Direction, file: &str) -> Option<(String, String, Direction, String, bool)> {
    Some((version.into(), description.into(), direction, file.into(), true))
}

#[test]
fn the_view_names_the_file_the_last_step_ran_up_or_down_until_the_set_or_database_is_replaced() {
    let mut s = Session::bundled().unwrap();
    assert_eq!(s.view().last_step, None, "no step has run");
    let out = s.apply_next();
    assert_eq!(last_step(&out), step("20250115010000", "create tasks", Direction::Up, "20250115010000_create_tasks.up.sql"));
    // A step of several migrations: the one it ran last.
    let out = s.migrate_to("20250115010200");
    assert_eq!(last_step(&out), step("20250115010200", "create workflow tasks", Direction::Up, "20250115010200_create_workflow_tasks.up.sql"));
    let out = s.revert_last();
    assert_eq!(last_step(&out), step("20250115010200", "create workflow tasks", Direction::Down, "20250115010200_create_workflow_tasks.down.sql"));
    // Actions that keep the set and the database keep it; so does a refused step, which ran nothing.
    assert!(s.fill_sample_rows().ok);
    let out = s.console("SELECT 1;", 10);
    assert_eq!(last_step(&out), step("20250115010200", "create workflow tasks", Direction::Down, "20250115010200_create_workflow_tasks.down.sql"));
    let out = s.migrate_to("7");
    assert!(!out.ok);
    assert_eq!(last_step(&out).map(|s| s.3), Some("20250115010200_create_workflow_tasks.down.sql".into()));
    let out = s.reset_database();
    assert_eq!(last_step(&out), None, "a new database has had no step");

    // goose: one file holds both sections, and it is the file either way.
    let mut s = loaded(&[("1_a.sql", "-- +goose Up\nCREATE TABLE a(x);\n-- +goose Down\nDROP TABLE a;\n")]);
    assert_eq!(last_step(&s.apply_next()), step("1", "a", Direction::Up, "1_a.sql"));
    assert_eq!(last_step(&s.revert_last()), step("1", "a", Direction::Down, "1_a.sql"));
    let out = s.edit(vec![("1_a.sql".into(), "-- +goose Up\nCREATE TABLE a(y);\n-- +goose Down\nDROP TABLE a;\n".into())]);
    assert_eq!(last_step(&out), None, "an edit may have changed the file that ran");
}

#[test]
fn a_step_that_fails_before_any_migration_ran_names_no_file_as_the_last_step() {
    let mut s = loaded(&[
        ("1_a.sql", "-- +goose Up\nCREATE TABLE a(x);\n-- +goose Down\nDROP TABLE a;\n"),
        ("2_b.sql", "-- +goose Up\nCREATE TABLE a(x);\n-- +goose Down\nDROP TABLE a;\n"),
    ]);
    assert_eq!(last_step(&s.apply_next()), step("1", "a", Direction::Up, "1_a.sql"));
    let out = s.apply_next();
    assert!(!out.ok, "2 creates a table that exists");
    assert_eq!(last_step(&out), None, "1_a.sql is not what ran last");
}
