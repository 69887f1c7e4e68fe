//! The wasm facade in headless Chromium (wasm-bindgen-test): the bundled set
//! applied, reverted and inspected through the `Playground` class, and the
//! JS errors a broken migration throws.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Object, Reflect};
use migraplay::wasm_api::Playground;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &key.into()).unwrap()
}

fn num(v: &JsValue, path: &[&str]) -> f64 {
    path.iter().fold(v.clone(), |v, k| get(&v, k)).as_f64().unwrap()
}

fn file(name: &str, text: &str) -> JsValue {
    let o = Object::new();
    Reflect::set(&o, &"name".into(), &name.into()).unwrap();
    Reflect::set(&o, &"text".into(), &text.into()).unwrap();
    o.into()
}

#[wasm_bindgen_test]
fn the_bundled_set_applies_and_shows_six_tables_four_triggers_two_foreign_keys() {
    let mut pg = Playground::new().unwrap();
    let step = pg.apply_all().unwrap();
    let log: Array = get(&step, "log").unchecked_into();
    assert_eq!(log.length(), 7);
    let changes: Array = get(&step, "changes").unchecked_into();
    assert_eq!(get(&changes.get(0), "sentence").as_string().unwrap(), "table configurations added");
    let first = get(&log.get(0), "line").as_string().unwrap();
    assert!(first.starts_with("Applied 20250115010000/migrate create tasks ("), "{first}");
    let schema = pg.schema().unwrap();
    assert_eq!(num(&schema, &["totals", "tables"]), 6.0);
    assert_eq!(num(&schema, &["totals", "triggers"]), 4.0);
    assert_eq!(num(&schema, &["totals", "foreign_keys"]), 2.0);
    assert_eq!(num(&schema, &["totals", "indexes"]), 23.0);
    let status: Array = pg.status().unwrap().unchecked_into();
    assert!(status.iter().all(|s| get(&s, "state").as_string().unwrap() == "applied"));
}

#[wasm_bindgen_test]
fn revert_all_leaves_no_user_table() {
    let mut pg = Playground::new().unwrap();
    pg.apply_all().unwrap();
    let log: Array = get(&pg.revert_all().unwrap(), "log").unchecked_into();
    assert_eq!(log.length(), 7);
    assert!(get(&log.get(0), "line").as_string().unwrap().starts_with("Applied 20250115010600/revert create triggers ("));
    assert_eq!(num(&pg.schema().unwrap(), &["totals", "tables"]), 0.0);
}

#[wasm_bindgen_test]
fn next_last_and_migrate_to_step_through_versions() {
    let mut pg = Playground::new().unwrap();
    pg.apply_next().unwrap();
    assert_eq!(num(&pg.schema().unwrap(), &["totals", "tables"]), 1.0);
    pg.migrate_to(20250115010300.0.into()).unwrap();
    assert_eq!(num(&pg.schema().unwrap(), &["totals", "tables"]), 4.0);
    pg.revert_last().unwrap();
    assert_eq!(num(&pg.schema().unwrap(), &["totals", "tables"]), 3.0);
    pg.migrate_to(0.0.into()).unwrap();
    assert_eq!(num(&pg.schema().unwrap(), &["totals", "tables"]), 0.0);
}

#[wasm_bindgen_test]
fn a_broken_statement_throws_an_error_naming_file_statement_and_line() {
    let files = Array::of3(
        &file("1_a.up.sql", "CREATE TABLE a (id INTEGER PRIMARY KEY);\nCREATE INDEX ia ON a (id);\nCREATE TABEL b (x);\n"),
        &file("1_a.down.sql", "DROP TABLE a;"),
        &file("notes.txt", "ignored"),
    );
    let mut pg = Playground::from_files(files, None).unwrap();
    let err: js_sys::Error = pg.apply_all().unwrap_err().unchecked_into();
    assert_eq!(String::from(err.message()), "1_a.up.sql, statement 3 (line 3): near \"TABEL\": syntax error");
    assert_eq!(Array::from(&get(&err, "applied")).length(), 0);
    assert_eq!(num(&err, &["location", "statement"]), 3.0);
    assert_eq!(num(&err, &["location", "line"]), 3.0);
    assert_eq!(get(&get(&err, "location"), "file").as_string().unwrap(), "1_a.up.sql");
    assert_eq!(num(&pg.schema().unwrap(), &["totals", "tables"]), 0.0, "rolled back whole");
}

#[wasm_bindgen_test]
fn export_then_import_shows_no_drift_and_a_foreign_file_is_refused() {
    let mut pg = Playground::new().unwrap();
    pg.migrate_to("20250115010200".into()).unwrap();
    let bytes = pg.export_database().unwrap().to_vec();
    let mut other = Playground::new().unwrap();
    other.import_database("exported.sqlite", &bytes, bytes.len() as f64).unwrap();
    let states: Vec<String> = Array::from(&other.status().unwrap()).iter().map(|s| get(&s, "state").as_string().unwrap()).collect();
    assert_eq!(states, ["applied", "applied", "applied", "pending", "pending", "pending", "pending"]);
    let err: js_sys::Error = other.import_database("notes.txt", b"hello", 5.0).unwrap_err().unchecked_into();
    assert_eq!(String::from(err.message()), "notes.txt is not a SQLite database (it does not start with SQLite's header)");
    assert_eq!(num(&other.schema().unwrap(), &["totals", "tables"]), 3.0, "a refused file changes nothing");
}

#[wasm_bindgen_test]
fn the_console_returns_rows_and_positions_errors() {
    let mut pg = Playground::new().unwrap();
    pg.apply_all().unwrap();
    let run = pg.console("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name LIMIT 2;\nSELECT nope FROM tasks;", 100).unwrap();
    let outputs = Array::from(&get(&run, "outputs"));
    assert_eq!(outputs.length(), 1);
    let rows = Array::from(&get(&outputs.get(0), "rows"));
    assert_eq!(Array::from(&rows.get(0)).get(0).as_string().unwrap(), "_sqlx_migrations");
    let error = get(&run, "error");
    assert_eq!(get(&error, "message").as_string().unwrap(), "no such column: nope");
    assert_eq!((num(&error, &["line"]), num(&error, &["column"])), (2.0, 8.0));
}

#[wasm_bindgen_test]
fn the_diagram_has_every_bundled_table_and_both_foreign_keys() {
    let mut pg = Playground::new().unwrap();
    pg.apply_all().unwrap();
    let d = pg.diagram().unwrap();
    assert_eq!(Array::from(&get(&d, "boxes")).length(), 6);
    assert_eq!(Array::from(&get(&d, "edges")).length(), 2);
}

#[wasm_bindgen_test]
fn a_set_that_does_not_load_throws_a_js_error() {
    let err = Playground::from_files(Array::of1(&file("1_a.down.sql", "SELECT 1;")), None).err().unwrap();
    let err: js_sys::Error = err.unchecked_into();
    assert_eq!(String::from(err.message()), "1_a.down.sql has no matching up migration; add 1_a.up.sql");
}

#[wasm_bindgen_test]
fn a_version_above_two_to_the_fifty_third_crosses_as_an_exact_string() {
    let files = Array::of2(&file("9007199254740993_big.up.sql", "CREATE TABLE big (x);"), &file("9007199254740993_big.down.sql", "DROP TABLE big;"));
    let mut pg = Playground::from_files(files, None).unwrap();
    let status: Array = pg.status().unwrap().unchecked_into();
    assert_eq!(get(&status.get(0), "version").as_string().unwrap(), "9007199254740993");
    let step = pg.migrate_to("9007199254740993".into()).unwrap();
    let log: Array = get(&step, "log").unchecked_into();
    assert_eq!(get(&log.get(0), "version").as_string().unwrap(), "9007199254740993");
    let err: js_sys::Error = pg.migrate_to(9007199254740993.0.into()).err().unwrap().unchecked_into();
    assert_eq!(String::from(err.message()), "not a migration version: 9007199254740992");
}

#[wasm_bindgen_test]
fn a_huge_console_value_is_cut_at_ten_thousand_characters() {
    let pg = Playground::new().unwrap();
    let run = pg.console("SELECT printf('%.*c', 1000000, 'x');", 10).unwrap();
    let rows: Array = get(&Array::from(&get(&run, "outputs")).get(0), "rows").unchecked_into();
    let value = Array::from(&rows.get(0)).get(0).as_string().unwrap();
    assert_eq!(value, format!("{}…", "x".repeat(10_000)));
}

/// A fixture folder's files, embedded for the browser.
macro_rules! fixture {
    ($dir:literal: $($name:literal),+) => {
        Array::from_iter([$(file($name, include_str!(concat!("fixtures/", $dir, "/", $name)))),+])
    };
}

fn verify(pg: &Playground) -> JsValue {
    let progress = js_sys::Function::new_no_args("");
    pg.verify("wasm-bindgen-test", true, &progress).unwrap()
}

fn problems(verified: &JsValue) -> Vec<Vec<String>> {
    let migrations = Array::from(&get(&get(verified, "report"), "migrations"));
    migrations
        .iter()
        .map(|m| Array::from(&get(&m, "problems")).iter().map(|p| get(&p, "text").as_string().unwrap()).collect())
        .collect()
}

#[wasm_bindgen_test]
fn verify_passes_the_bundled_set_in_the_browser() {
    let pg = Playground::new().unwrap();
    let calls = Array::new();
    let progress: js_sys::Function =
        js_sys::Function::new_with_args("calls, p", "calls.push(p)").bind1(&JsValue::NULL, &calls).unchecked_into();
    let v = pg.verify("wasm-bindgen-test", true, &progress).unwrap();
    let report = get(&v, "report");
    assert_eq!(get(&report, "ok").as_bool(), Some(true), "{:?}", problems(&v));
    assert_eq!(num(&report, &["totals", "tables"]), 6.0);
    assert_eq!(num(&report, &["totals", "indexes"]), 23.0);
    assert_eq!(get(&report, "ran_on").as_string().unwrap(), "wasm-bindgen-test");
    assert_eq!(calls.length(), 22, "21 steps and a last 'done'");
    let md = get(&v, "markdown").as_string().unwrap();
    assert!(md.contains("- **Verdict**: PASS: all 7 migrations apply, revert and re-apply cleanly."));
    let json: JsValue = js_sys::JSON::parse(&get(&v, "json").as_string().unwrap()).unwrap();
    assert_eq!(num(&json, &["totals", "triggers"]), 4.0);
    assert_eq!(num(&pg.schema().unwrap(), &["totals", "tables"]), 0.0, "the playground's own database is untouched");
}

#[wasm_bindgen_test]
fn verify_in_the_browser_catches_a_trigger_dropped_by_its_second_creator() {
    let files = fixture!("trigger_created_twice":
        "20250101000000_create_items.up.sql", "20250101000000_create_items.down.sql",
        "20250101000100_create_triggers.up.sql", "20250101000100_create_triggers.down.sql");
    let v = verify(&Playground::from_files(files, None).unwrap());
    assert_eq!(
        problems(&v),
        [vec![], vec!["down: trigger trigger_items_updated_at is missing (created by 20250101000000 create items)".to_string()]]
    );
}

#[wasm_bindgen_test]
fn verify_in_the_browser_names_an_index_a_down_forgot() {
    let files = fixture!("index_left_behind":
        "1_create_things.up.sql", "1_create_things.down.sql", "2_index_b.up.sql", "2_index_b.down.sql");
    let v = verify(&Playground::from_files(files, None).unwrap());
    assert_eq!(problems(&v)[1], ["down: index idx_b is still there (created by 2 index b)"]);
}

#[wasm_bindgen_test]
fn verify_in_the_browser_reports_a_down_failing_in_its_second_statement() {
    let files = fixture!("down_fails_halfway": "1_create_pair.up.sql", "1_create_pair.down.sql");
    let v = verify(&Playground::from_files(files, None).unwrap());
    assert_eq!(
        problems(&v),
        [vec!["down failed: 1_create_pair.down.sql, statement 2 (line 3): no such table: middle_side (rolled back)".to_string()]]
    );
}

#[wasm_bindgen_test]
fn verify_in_the_browser_reports_a_broken_up() {
    let files = fixture!("broken_third_statement":
        "1_create_authors.up.sql", "1_create_authors.down.sql", "2_create_books.up.sql", "2_create_books.down.sql");
    let v = verify(&Playground::from_files(files, None).unwrap());
    assert_eq!(
        problems(&v)[1],
        ["up failed: 2_create_books.up.sql, statement 3 (line 12): near \"TABEL\": syntax error (rolled back)"]
    );
}

#[wasm_bindgen_test]
fn duplicate_versions_do_not_load_in_the_browser() {
    let files = fixture!("duplicate_versions":
        "1_create_a.up.sql", "1_create_a.down.sql", "1_create_b.up.sql", "1_create_b.down.sql");
    let err: js_sys::Error = Playground::from_files(files, None).err().unwrap().unchecked_into();
    assert!(String::from(err.message()).starts_with("2 problems in the migration set:\n  duplicate migration version 1:"));
}

#[wasm_bindgen_test]
fn the_sandbox_holds_in_the_browser_too() {
    let files = Array::from_iter([
        file("1_evil.up.sql", "CREATE TABLE t(x);\nATTACH 'k.db' AS k;"),
        file("1_evil.down.sql", "DROP TABLE t;"),
    ]);
    let v = verify(&Playground::from_files(files, None).unwrap());
    assert_eq!(
        problems(&v),
        [vec![
            "up failed: 1_evil.up.sql, statement 2 (line 2): refused: 'k.db' is a file, and migrations run in a sandbox: ATTACH and VACUUM INTO may only name ':memory:' (rolled back)".to_string()
        ]]
    );
}

// --- the Session class: every action returns a value -------------------------------

use migraplay::wasm_api::Session;

fn text(v: &JsValue, path: &[&str]) -> String {
    path.iter().fold(v.clone(), |v, k| get(&v, k)).as_string().unwrap_or_default()
}

fn truthy(v: &JsValue, path: &[&str]) -> bool {
    path.iter().fold(v.clone(), |v, k| get(&v, k)).is_truthy()
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
