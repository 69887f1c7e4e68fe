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
    let log: Array = pg.apply_all().unwrap().unchecked_into();
    assert_eq!(log.length(), 7);
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
    let log: Array = pg.revert_all().unwrap().unchecked_into();
    assert_eq!(log.length(), 7);
    assert!(get(&log.get(0), "line").as_string().unwrap().starts_with("Applied 20250115010600/revert create triggers ("));
    assert_eq!(num(&pg.schema().unwrap(), &["totals", "tables"]), 0.0);
}

#[wasm_bindgen_test]
fn next_last_and_migrate_to_step_through_versions() {
    let mut pg = Playground::new().unwrap();
    pg.apply_next().unwrap();
    assert_eq!(num(&pg.schema().unwrap(), &["totals", "tables"]), 1.0);
    pg.migrate_to(20250115010300.0).unwrap();
    assert_eq!(num(&pg.schema().unwrap(), &["totals", "tables"]), 4.0);
    pg.revert_last().unwrap();
    assert_eq!(num(&pg.schema().unwrap(), &["totals", "tables"]), 3.0);
    pg.migrate_to(0.0).unwrap();
    assert_eq!(num(&pg.schema().unwrap(), &["totals", "tables"]), 0.0);
}

#[wasm_bindgen_test]
fn a_broken_statement_throws_an_error_naming_file_statement_and_line() {
    let files = Array::of3(
        &file("1_a.up.sql", "CREATE TABLE a (id INTEGER PRIMARY KEY);\nCREATE INDEX ia ON a (id);\nCREATE TABEL b (x);\n"),
        &file("1_a.down.sql", "DROP TABLE a;"),
        &file("notes.txt", "ignored"),
    );
    let mut pg = Playground::from_files(files).unwrap();
    let err: js_sys::Error = pg.apply_all().unwrap_err().unchecked_into();
    assert_eq!(String::from(err.message()), "1_a.up.sql, statement 3 (line 3): near \"TABEL\": syntax error");
    assert_eq!(Array::from(&get(&err, "applied")).length(), 0);
    assert_eq!(num(&pg.schema().unwrap(), &["totals", "tables"]), 0.0, "rolled back whole");
}

#[wasm_bindgen_test]
fn a_set_that_does_not_load_throws_a_js_error() {
    let err = Playground::from_files(Array::of1(&file("1_a.up.sql", "SELECT 1;"))).err().unwrap();
    let err: js_sys::Error = err.unchecked_into();
    assert_eq!(String::from(err.message()), "1_a.up.sql has no matching down migration; add 1_a.down.sql");
}
