//! The wasm facade in headless Chromium (wasm-bindgen-test): the bundled set
//! applied, reverted and inspected through the `Session` class, what a broken
//! migration or a refused input returns (`ok: false` and the core's error,
//! never a throw), and verify on the same fixtures as the native tests.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Object, Reflect};
use migraplay::wasm_api::Session;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &key.into()).unwrap()
}

fn at(v: &JsValue, path: &[&str]) -> JsValue {
    path.iter().fold(v.clone(), |v, k| get(&v, k))
}

fn num(v: &JsValue, path: &[&str]) -> f64 {
    at(v, path).as_f64().unwrap_or_else(|| panic!("{path:?} is not a number: {:?}", at(v, path)))
}

fn text(v: &JsValue, path: &[&str]) -> String {
    at(v, path).as_string().unwrap_or_default()
}

fn truthy(v: &JsValue, path: &[&str]) -> bool {
    at(v, path).is_truthy()
}

fn list(v: &JsValue, path: &[&str]) -> Array {
    at(v, path).unchecked_into()
}

fn file(name: &str, text: &str) -> JsValue {
    let o = Object::new();
    Reflect::set(&o, &"name".into(), &name.into()).unwrap();
    Reflect::set(&o, &"text".into(), &text.into()).unwrap();
    o.into()
}

/// A session on `files`, which must load.
fn session_on(files: Array) -> Session {
    let mut s = Session::new().unwrap();
    let loaded = s.load(files, None, None).unwrap();
    assert!(truthy(&loaded, &["ok"]), "{}", text(&loaded, &["error", "message"]));
    s
}

/// The migrations' states, as the view's rows give them.
fn states(view: &JsValue) -> Vec<String> {
    list(view, &["rows"]).iter().map(|r| text(&r, &["state"])).collect()
}

fn tables(view: &JsValue) -> f64 {
    num(view, &["schema", "totals", "tables"])
}

#[wasm_bindgen_test]
fn the_bundled_set_applies_and_shows_six_tables_four_triggers_two_foreign_keys() {
    let mut s = Session::new().unwrap();
    let out = s.apply_all().unwrap();
    assert!(truthy(&out, &["ok"]) && truthy(&out, &["changed"]));
    let log = list(&out, &["log"]);
    assert_eq!(log.length(), 7);
    assert_eq!(text(&list(&out, &["changes"]).get(0), &["text"]), "table configurations added");
    let first = text(&log.get(0), &["line"]);
    assert!(first.starts_with("Applied 20250115010000/migrate create tasks ("), "{first}");
    let schema = at(&out, &["view", "schema"]);
    assert_eq!(num(&schema, &["totals", "tables"]), 6.0);
    assert_eq!(num(&schema, &["totals", "triggers"]), 4.0);
    assert_eq!(num(&schema, &["totals", "foreign_keys"]), 2.0);
    assert_eq!(num(&schema, &["totals", "indexes"]), 23.0);
    assert_eq!(states(&s.view().unwrap()), ["applied"; 7]);
}

#[wasm_bindgen_test]
fn revert_all_leaves_no_user_table() {
    let mut s = Session::new().unwrap();
    s.apply_all().unwrap();
    let out = s.revert_all().unwrap();
    let log = list(&out, &["log"]);
    assert_eq!(log.length(), 7);
    assert!(text(&log.get(0), &["line"]).starts_with("Applied 20250115010600/revert create triggers ("));
    assert_eq!(tables(&at(&out, &["view"])), 0.0);
}

#[wasm_bindgen_test]
fn next_last_and_migrate_to_step_through_versions() {
    let mut s = Session::new().unwrap();
    assert_eq!(tables(&at(&s.apply_next().unwrap(), &["view"])), 1.0);
    assert_eq!(tables(&at(&s.migrate_to(20250115010300.0.into()).unwrap(), &["view"])), 4.0);
    assert_eq!(tables(&at(&s.revert_last().unwrap(), &["view"])), 3.0);
    assert_eq!(tables(&at(&s.migrate_to(0.0.into()).unwrap(), &["view"])), 0.0);
}

#[wasm_bindgen_test]
fn a_broken_statement_returns_an_error_naming_file_statement_and_line() {
    let files = Array::of3(
        &file("1_a.up.sql", "CREATE TABLE a (id INTEGER PRIMARY KEY);\nCREATE INDEX ia ON a (id);\nCREATE TABEL b (x);\n"),
        &file("1_a.down.sql", "DROP TABLE a;"),
        &file("notes.txt", "ignored"),
    );
    let mut s = session_on(files);
    let out = s.apply_all().unwrap();
    assert!(!truthy(&out, &["ok"]));
    assert_eq!(text(&out, &["error", "message"]), "1_a.up.sql, statement 3 (line 3): near \"TABEL\": syntax error");
    assert_eq!(list(&out, &["log"]).length(), 0, "nothing applied");
    assert_eq!(num(&out, &["error", "statement"]), 3.0);
    assert_eq!(num(&out, &["error", "line"]), 3.0);
    assert_eq!(text(&out, &["error", "file"]), "1_a.up.sql");
    assert_eq!(tables(&at(&out, &["view"])), 0.0, "rolled back whole");
}

#[wasm_bindgen_test]
fn export_then_import_shows_no_drift_and_a_foreign_file_is_refused() {
    let mut s = Session::new().unwrap();
    s.migrate_to("20250115010200".into()).unwrap();
    let bytes = s.export_database().unwrap().to_vec();
    let mut other = Session::new().unwrap();
    let imported = other.import_database("exported.sqlite", &bytes, bytes.len() as f64).unwrap();
    assert!(truthy(&imported, &["ok"]) && truthy(&imported, &["changed"]));
    assert_eq!(states(&at(&imported, &["view"])), ["applied", "applied", "applied", "pending", "pending", "pending", "pending"]);
    assert!(!truthy(&imported, &["view", "drift", "bad"]), "{}", text(&imported, &["view", "drift", "text"]));
    let refused = other.import_database("notes.txt", b"hello", 5.0).unwrap();
    assert!(!truthy(&refused, &["ok"]) && !truthy(&refused, &["changed"]));
    assert_eq!(text(&refused, &["error", "message"]), "notes.txt is not a SQLite database (it does not start with SQLite's header)");
    assert_eq!(tables(&other.view().unwrap()), 3.0, "a refused file changes nothing");
}

#[wasm_bindgen_test]
fn the_console_returns_rows_and_positions_errors() {
    let mut s = Session::new().unwrap();
    s.apply_all().unwrap();
    let out = s.console("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name LIMIT 2;\nSELECT nope FROM tasks;", 100).unwrap();
    assert!(!truthy(&out, &["ok"]));
    let outputs = list(&out, &["console", "outputs"]);
    assert_eq!(outputs.length(), 1);
    let rows = list(&outputs.get(0), &["rows"]);
    assert_eq!(Array::from(&rows.get(0)).get(0).as_string().unwrap(), "_sqlx_migrations");
    let error = at(&out, &["console", "error"]);
    assert_eq!(text(&error, &["message"]), "no such column: nope");
    assert_eq!((num(&error, &["line"]), num(&error, &["column"])), (2.0, 8.0));
    assert_eq!(num(&out, &["error", "line"]), 2.0, "the outcome's error has the line too");
}

#[wasm_bindgen_test]
fn the_diagram_has_every_bundled_table_and_both_foreign_keys() {
    let mut s = Session::new().unwrap();
    let d = at(&s.apply_all().unwrap(), &["view", "diagram"]);
    assert_eq!(list(&d, &["boxes"]).length(), 6);
    assert_eq!(list(&d, &["edges"]).length(), 2);
}

#[wasm_bindgen_test]
fn a_set_that_does_not_load_returns_the_error_and_keeps_the_set() {
    let mut s = Session::new().unwrap();
    let out = s.load(Array::of1(&file("1_a.down.sql", "SELECT 1;")), None, None).unwrap();
    assert!(!truthy(&out, &["ok"]) && !truthy(&out, &["changed"]));
    assert_eq!(text(&out, &["error", "message"]), "1_a.down.sql has no matching up migration; add 1_a.up.sql");
    assert_eq!(text(&out, &["view", "source", "kind"]), "bundled");
}

#[wasm_bindgen_test]
fn a_version_above_two_to_the_fifty_third_crosses_as_an_exact_string() {
    let files = Array::of2(&file("9007199254740993_big.up.sql", "CREATE TABLE big (x);"), &file("9007199254740993_big.down.sql", "DROP TABLE big;"));
    let mut s = session_on(files);
    let view = s.view().unwrap();
    assert_eq!(text(&list(&view, &["rows"]).get(0), &["version"]), "9007199254740993");
    assert_eq!(text(&list(&view, &["targets"]).get(1), &["value"]), "9007199254740993");
    let out = s.migrate_to("9007199254740993".into()).unwrap();
    assert_eq!(text(&list(&out, &["log"]).get(0), &["version"]), "9007199254740993");
    assert_eq!(text(&out, &["view", "current_target"]), "9007199254740993");
    // A JS number this large was rounded before it crossed: refused, not taken as another version.
    let out = s.migrate_to(9007199254740993.0.into()).unwrap();
    assert!(!truthy(&out, &["ok"]) && !truthy(&out, &["changed"]));
    assert_eq!(text(&out, &["error", "message"]), "not a migration version: 9007199254740992");
    assert_eq!(states(&at(&out, &["view"])), ["applied"]);
}

#[wasm_bindgen_test]
fn a_huge_console_value_is_cut_at_ten_thousand_characters() {
    let mut s = Session::new().unwrap();
    let out = s.console("SELECT printf('%.*c', 1000000, 'x');", 10).unwrap();
    let rows = list(&list(&out, &["console", "outputs"]).get(0), &["rows"]);
    let value = Array::from(&rows.get(0)).get(0).as_string().unwrap();
    assert_eq!(value, format!("{}…", "x".repeat(10_000)));
}

#[wasm_bindgen_test]
fn the_limits_are_the_cores() {
    let limits = Session::limits().unwrap();
    assert_eq!(num(&limits, &["max_file_bytes"]), 4.0 * 1024.0 * 1024.0);
    assert_eq!(num(&limits, &["max_total_bytes"]), 64.0 * 1024.0 * 1024.0);
    assert_eq!(num(&limits, &["max_database_bytes"]), 512.0 * 1024.0 * 1024.0);
}

/// A fixture folder's files, embedded for the browser.
macro_rules! fixture {
    ($dir:literal: $($name:literal),+) => {
        Array::from_iter([$(file($name, include_str!(concat!("fixtures/", $dir, "/", $name)))),+])
    };
}

/// Verifies `s`'s set; the outcome must be `ok`, and this is its `verified`.
fn verify(s: &Session) -> JsValue {
    let progress = js_sys::Function::new_no_args("");
    let out = s.verify("wasm-bindgen-test", true, &progress, None).unwrap();
    assert!(truthy(&out, &["ok"]), "{}", text(&out, &["error", "message"]));
    get(&out, "verified")
}

fn problems(verified: &JsValue) -> Vec<Vec<String>> {
    list(verified, &["report", "migrations"])
        .iter()
        .map(|m| list(&m, &["problems"]).iter().map(|p| text(&p, &["text"])).collect())
        .collect()
}

#[wasm_bindgen_test]
fn verify_passes_the_bundled_set_in_the_browser() {
    let s = Session::new().unwrap();
    let calls = Array::new();
    let progress: js_sys::Function =
        js_sys::Function::new_with_args("calls, p", "calls.push(p)").bind1(&JsValue::NULL, &calls).unchecked_into();
    let out = s.verify("wasm-bindgen-test", true, &progress, None).unwrap();
    assert!(truthy(&out, &["ok"]), "{}", text(&out, &["error", "message"]));
    let v = get(&out, "verified");
    let report = get(&v, "report");
    assert_eq!(get(&report, "ok").as_bool(), Some(true), "{:?}", problems(&v));
    assert_eq!(num(&report, &["totals", "tables"]), 6.0);
    assert_eq!(num(&report, &["totals", "indexes"]), 23.0);
    assert_eq!(text(&report, &["ran_on"]), "wasm-bindgen-test");
    assert_eq!(calls.length(), 22, "21 steps and a last 'done'");
    let md = text(&v, &["markdown"]);
    assert!(md.contains("- **Verdict**: PASS: all 7 migrations apply, revert and re-apply cleanly."));
    let json: JsValue = js_sys::JSON::parse(&text(&v, &["json"])).unwrap();
    assert_eq!(num(&json, &["totals", "triggers"]), 4.0);
    let view = s.view().unwrap();
    assert_eq!(text(&v, &["set_id"]), text(&view, &["set_id"]), "the verdict is for this set");
    assert_eq!(tables(&view), 0.0, "the session's own database is untouched");
    assert!(md.contains("- Data: 3 rows seeded"), "data checks are on by default");
    // With data checks off (the benchmarks' `verify, schema only`), the same verdict and no Data lines.
    let off = s.verify("wasm-bindgen-test", true, &progress, Some(false)).unwrap();
    let md = text(&get(&off, "verified"), &["markdown"]);
    assert!(md.contains("- **Verdict**: PASS: all 7 migrations apply, revert and re-apply cleanly."));
    assert!(!md.contains("- Data:"), "{md}");
}

#[wasm_bindgen_test]
fn verify_in_the_browser_catches_a_trigger_dropped_by_its_second_creator() {
    let files = fixture!("trigger_created_twice":
        "20250101000000_create_items.up.sql", "20250101000000_create_items.down.sql",
        "20250101000100_create_triggers.up.sql", "20250101000100_create_triggers.down.sql");
    let v = verify(&session_on(files));
    assert_eq!(
        problems(&v),
        [vec![], vec!["down: trigger trigger_items_updated_at is missing (created by 20250101000000 create items, 20250101000000_create_items.up.sql line 7); see 20250101000100_create_triggers.down.sql line 2".to_string()]]
    );
}

#[wasm_bindgen_test]
fn verify_in_the_browser_names_an_index_a_down_forgot() {
    let files = fixture!("index_left_behind":
        "1_create_things.up.sql", "1_create_things.down.sql", "2_index_b.up.sql", "2_index_b.down.sql");
    let v = verify(&session_on(files));
    assert_eq!(problems(&v)[1], ["down: index idx_b is still there (created by 2 index b, 2_index_b.up.sql line 1); nothing in 2_index_b.down.sql touches index idx_b"]);
}

#[wasm_bindgen_test]
fn verify_in_the_browser_reports_a_down_failing_in_its_second_statement() {
    let files = fixture!("down_fails_halfway": "1_create_pair.up.sql", "1_create_pair.down.sql");
    let v = verify(&session_on(files));
    assert_eq!(
        problems(&v),
        [vec!["down failed: 1_create_pair.down.sql, statement 2 (line 3): no such table: middle_side (rolled back)".to_string()]]
    );
}

#[wasm_bindgen_test]
fn verify_in_the_browser_reports_a_broken_up() {
    let files = fixture!("broken_third_statement":
        "1_create_authors.up.sql", "1_create_authors.down.sql", "2_create_books.up.sql", "2_create_books.down.sql");
    let v = verify(&session_on(files));
    assert_eq!(
        problems(&v)[1],
        ["up failed: 2_create_books.up.sql, statement 3 (line 12): near \"TABEL\": syntax error (rolled back)"]
    );
}

#[wasm_bindgen_test]
fn duplicate_versions_do_not_load_in_the_browser() {
    let files = fixture!("duplicate_versions":
        "1_create_a.up.sql", "1_create_a.down.sql", "1_create_b.up.sql", "1_create_b.down.sql");
    let mut s = Session::new().unwrap();
    let out = s.load(files, None, None).unwrap();
    assert!(!truthy(&out, &["ok"]) && !truthy(&out, &["changed"]));
    let message = text(&out, &["error", "message"]);
    assert!(message.starts_with("2 problems in the migration set:\n  duplicate migration version 1:"), "{message}");
}

#[wasm_bindgen_test]
fn the_sandbox_holds_in_the_browser_too() {
    let files = Array::from_iter([
        file("1_evil.up.sql", "CREATE TABLE t(x);\nATTACH 'k.db' AS k;"),
        file("1_evil.down.sql", "DROP TABLE t;"),
    ]);
    let v = verify(&session_on(files));
    assert_eq!(
        problems(&v),
        [vec![
            "up failed: 1_evil.up.sql, statement 2 (line 2): refused: 'k.db' is a file, and migrations run in a sandbox: ATTACH and VACUUM INTO may only name ':memory:' (rolled back)".to_string()
        ]]
    );
}

#[wasm_bindgen_test]
fn a_session_failing_migration_returns_ok_false_with_its_file_line_and_the_applied_log() {
    let mut s = Session::new().unwrap();
    let files = Array::of4(
        &file("1_a.up.sql", "CREATE TABLE a(x);"),
        &file("1_a.down.sql", "DROP TABLE a;"),
        &file("2_b.up.sql", "CREATE TABLE b(x);\n\nCREATE TABEL c(x);"),
        &file("2_b.down.sql", "DROP TABLE b;"),
    );
    let loaded = s.load(files, None, None).unwrap();
    assert!(truthy(&loaded, &["ok"]) && truthy(&loaded, &["changed"]));
    assert_eq!(text(&loaded, &["view", "source", "text"]), "Your set: 2 migrations from 4 files.");
    let out = s.apply_all().unwrap();
    assert!(!truthy(&out, &["ok"]));
    assert!(truthy(&out, &["changed"]), "the first migration stays applied: save");
    assert_eq!(text(&out, &["error", "file"]), "2_b.up.sql");
    assert_eq!(num(&out, &["error", "line"]), 3.0);
    let log: Array = get(&out, "log").unchecked_into();
    assert_eq!(log.length(), 1);
    assert!(text(&log.get(0), &["line"]).starts_with("Applied 1/migrate a ("));
    assert_eq!(text(&out, &["view", "current_target"]), "1");
}

#[wasm_bindgen_test]
fn a_session_reports_user_errors_as_values_and_keeps_the_view() {
    let mut s = Session::new().unwrap();
    let out = s.migrate_to("abc".into()).unwrap();
    assert!(!truthy(&out, &["ok"]));
    assert_eq!(text(&out, &["error", "message"]), "not a migration version: abc");
    let out = s.load(Array::of1(&file("1_a.down.sql", "SELECT 1;")), None, None).unwrap();
    assert!(!truthy(&out, &["ok"]) && !truthy(&out, &["changed"]));
    assert_eq!(text(&out, &["view", "source", "text"]), "The bundled set: 7 migrations.");
    assert_eq!(text(&s.view().unwrap(), &["actions", "revert_last", "why"]), "nothing is applied");
    assert_eq!(Session::file_kind("a.migraplay (1).json"), "set");
    assert_eq!(Session::file_kind("package.json"), "other");
}

#[wasm_bindgen_test]
fn a_session_console_write_is_a_change_and_a_select_is_not() {
    let mut s = Session::new().unwrap();
    let out = s.console("CREATE TABLE notes(id INTEGER PRIMARY KEY);", 10).unwrap();
    assert!(truthy(&out, &["ok"]) && truthy(&out, &["changed"]));
    let changes: Array = get(&out, "changes").unchecked_into();
    assert_eq!(text(&changes.get(0), &["effect"]), "added");
    assert_eq!(text(&changes.get(0), &["text"]), "table notes added");
    let out = s.console("SELECT * FROM notes;", 10).unwrap();
    assert!(truthy(&out, &["ok"]) && !truthy(&out, &["changed"]));
}

#[wasm_bindgen_test]
fn a_saved_session_restores_and_a_bad_one_returns_an_error() {
    let mut s = Session::new().unwrap();
    s.apply_next().unwrap();
    let saved = s.saved().unwrap();
    let restored = Session::restore(saved.clone());
    assert!(get(&restored, "session").is_object(), "restored");
    assert!(get(&restored, "error").is_undefined());
    Reflect::set(&saved, &"database".into(), &js_sys::Uint8Array::new_with_length(3).into()).unwrap();
    let failed = Session::restore(saved);
    assert!(text(&failed, &["error", "message"]).contains("is not a SQLite database"), "{}", text(&failed, &["error", "message"]));
}
