//! The browser facade: the `Session` class for JavaScript. Every action returns
//! the core's `Outcome` as a value; conversions only, every decision is the core's.

use js_sys::{Array, Object, Reflect, Uint8Array};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::{Content, ErrorValue, Item, LoadKind, Saved, Session, SetFile};

#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

/// The largest integer a JavaScript number holds exactly (2^53 - 1).
const MAX_SAFE_INTEGER: i64 = 9_007_199_254_740_991;

/// A value as a plain JS object: serde_json writes it and JSON.parse reads it.
/// Going through JSON text rather than serde-wasm-bindgen keeps one serializer in
/// the wasm (serde_json, which the report needs anyway) instead of two copies of
/// every `Serialize` impl, and one call across the boundary instead of one per field.
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let mut json = serde_json::to_value(value).map_err(error)?;
    exact(&mut json);
    js_sys::JSON::parse(&json.to_string())
}

/// Integers beyond a double's exact range (a version like 9007199254740993, a
/// console value) as strings: JSON.parse would round them, and a rounded
/// version names another migration.
fn exact(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(n) => {
            let unsafe_int = match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => !(-MAX_SAFE_INTEGER..=MAX_SAFE_INTEGER).contains(&i),
                (None, Some(_)) => true,
                _ => false,
            };
            if unsafe_int {
                *value = Value::String(n.to_string());
            }
        }
        Value::Array(items) => items.iter_mut().for_each(exact),
        Value::Object(map) => map.values_mut().for_each(exact),
        Value::Null | Value::Bool(_) | Value::String(_) => {}
    }
}

fn error(e: impl std::fmt::Display) -> JsValue {
    js_sys::Error::new(&e.to_string()).into()
}

/// A session of the page (a set, its database, where they came from), driven
/// from JavaScript. Every action returns the core's `Outcome` as a plain object
/// `{ok, changed, error, log, changes, console, view}`; a user's mistake is
/// `ok: false` with `error: {message, file, line, statement}`, never a throw.
/// Only a broken environment throws (SQLite cannot open an in-memory database).
#[wasm_bindgen(js_name = Session)]
pub struct JsSession {
    inner: Session,
}

/// A flavor named by the page: absent, empty or `auto` for "as the files say".
fn flavor_of(name: Option<String>) -> Result<Option<crate::Flavor>, crate::Error> {
    match name.as_deref().map(str::trim).filter(|f| !f.is_empty() && *f != "auto") {
        Some(name) => crate::Flavor::parse(name).map(Some).ok_or_else(|| crate::Error::NotASet(format!("not a flavor: {name}"))),
        None => Ok(None),
    }
}

/// Reads `[{name, bytes: Uint8Array}]`, `[{name, text}]`, `[{name, size}]` (a
/// file not read because it is over a limit) and `{…, bundle: true}` (a set as
/// JSON: a link's payload) into items; the message names an item it cannot read.
fn items_from_js(files: &Array) -> Result<Vec<Item>, String> {
    let get = |f: &JsValue, key: &str| Reflect::get(f, &key.into()).unwrap_or(JsValue::UNDEFINED);
    files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let name = get(&f, "name").as_string().ok_or_else(|| format!("file {} has no name", i + 1))?;
            let bytes = get(&f, "bytes");
            let bytes = if bytes.is_instance_of::<Uint8Array>() {
                Some(Uint8Array::new(&bytes).to_vec())
            } else {
                get(&f, "text").as_string().map(String::into_bytes)
            };
            let content = match (bytes, get(&f, "size").as_f64(), get(&f, "bundle").is_truthy()) {
                (Some(bytes), _, true) => Content::Bundle(bytes),
                (Some(bytes), _, false) => Content::Bytes(bytes),
                (None, Some(size), _) if size >= 0.0 => Content::Unread(size as u64),
                _ => return Err(format!("{name}: give its bytes, its text or its size")),
            };
            Ok(Item { name, content })
        })
        .collect()
}

/// `[{name, text}]` as (name, text) pairs.
fn texts_from_js(files: &Array) -> Result<Vec<(String, String)>, String> {
    files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let field = |key: &str| Reflect::get(&f, &key.into()).ok().and_then(|v| v.as_string());
            let name = field("name").ok_or_else(|| format!("file {} has no name", i + 1))?;
            let text = field("text").ok_or_else(|| format!("{name} has no text"))?;
            Ok((name, text))
        })
        .collect()
}

/// A version from the page: a string of digits (exact for any i64) or a safe
/// integer. A number beyond 2^53 was rounded before it got here, so it is no
/// version the user chose: `Err` with what arrived (the core says it is not a version).
fn version_text(version: &JsValue) -> Result<String, String> {
    match (version.as_string(), version.as_f64()) {
        (Some(text), _) => Ok(text),
        (None, Some(n)) if n.fract() == 0.0 && n.abs() <= MAX_SAFE_INTEGER as f64 => Ok(format!("{n:.0}")),
        (None, Some(n)) => Err(n.to_string()),
        _ => Ok(String::new()),
    }
}

fn budget(ms: f64) -> Option<std::time::Duration> {
    (ms.is_finite() && ms > 0.0).then(|| std::time::Duration::from_secs_f64(ms / 1000.0))
}

fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (key, value) in pairs {
        let _ = Reflect::set(&o, &JsValue::from_str(key), value);
    }
    o.into()
}

/// `{ok: false, error}` for an action the light build (no cargo feature `full`)
/// leaves out; the error's `kind` is `not_in_build`.
#[cfg(not(feature = "full"))]
fn missing(action: &'static str) -> Result<JsValue, JsValue> {
    Ok(object(&[("ok", JsValue::FALSE), ("error", to_js(&ErrorValue::from(&crate::Error::NotInThisBuild(action)))?)]))
}

#[wasm_bindgen(js_class = Session)]
impl JsSession {
    /// The bundled set on a new in-memory database.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Result<JsSession, JsValue> {
        Ok(JsSession { inner: Session::bundled().map_err(error)? })
    }

    /// A session from what `saved()` returned: `{session}`, or `{error:
    /// {message, …}}` when it cannot be restored (what was saved is then the
    /// worker's to keep or drop). Never throws.
    pub fn restore(saved: JsValue) -> JsValue {
        let read = || -> Result<Saved, String> {
            let field = |key: &str| Reflect::get(&saved, &key.into()).unwrap_or(JsValue::UNDEFINED);
            // Read as JSON, like every value the facade hands over (see `to_js`).
            let json = |key: &str| {
                js_sys::JSON::stringify(&field(key))
                    .ok()
                    .and_then(|text| text.as_string())
                    .and_then(|text| serde_json::from_str(&text).ok())
                    .unwrap_or(serde_json::Value::Null)
            };
            let source = serde_json::from_value(json("source")).map_err(|e| format!("the saved source is not readable: {e}"))?;
            // Absent in what older pages saved: none.
            let problems = serde_json::from_value(json("problems")).unwrap_or_default();
            let atlas = serde_json::from_value(json("atlas")).unwrap_or_default();
            let files = texts_from_js(&Array::from(&field("files")))?;
            let database = field("database");
            if !database.is_instance_of::<Uint8Array>() {
                return Err("the saved database is not a Uint8Array".into());
            }
            let database = Uint8Array::new(&database).to_vec();
            Ok(Saved { source, files, database, imported: field("imported").as_string(), problems, atlas })
        };
        let restored = read().and_then(|saved| Session::restore(saved).map_err(|e| e.to_string()));
        match restored {
            Ok(inner) => object(&[("session", JsSession { inner }.into())]),
            Err(message) => {
                let error = ErrorValue { message, kind: None, file: None, line: None, statement: None };
                object(&[("error", to_js(&error).unwrap_or(JsValue::NULL))])
            }
        }
    }

    /// What to store: `{source, files: [{name, text}], database: Uint8Array, imported,
    /// problems: [text], atlas: [line, text] | null}`.
    /// Throws only if SQLite cannot serialize the database.
    pub fn saved(&mut self) -> Result<JsValue, JsValue> {
        let saved = self.inner.saved().map_err(error)?;
        let files: Vec<SetFile> = saved.files.into_iter().map(|(name, text)| SetFile { name, text }).collect();
        Ok(object(&[
            ("source", to_js(&saved.source)?),
            ("files", to_js(&files)?),
            ("database", Uint8Array::from(&saved.database[..]).into()),
            ("imported", saved.imported.map_or(JsValue::NULL, |n| JsValue::from_str(&n))),
            ("problems", to_js(&saved.problems)?),
            ("atlas", to_js(&saved.atlas)?),
        ]))
    }

    /// The view now (the same as the last outcome's).
    pub fn view(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.view())
    }

    /// Loads `items` on a new database, read as `flavor` (absent or `auto`: as
    /// the files say); `kind` is `files` (default) or `link`.
    pub fn load(&mut self, items: Array, flavor: Option<String>, kind: Option<String>) -> Result<JsValue, JsValue> {
        let kind = if kind.as_deref() == Some("link") { LoadKind::Link } else { LoadKind::Files };
        let outcome = match (items_from_js(&items), flavor_of(flavor)) {
            (Ok(items), Ok(flavor)) => self.inner.load(items, flavor, kind),
            (Err(message), _) => self.inner.refused(&crate::Error::NotASet(message)),
            (_, Err(e)) => self.inner.refused(&e),
        };
        to_js(&outcome)
    }

    /// Back to the bundled set, on a new database.
    #[wasm_bindgen(js_name = loadBundled)]
    pub fn load_bundled(&mut self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.load_bundled())
    }

    /// The same files read as `flavor` (absent or `auto`: as they say), on a new database.
    #[wasm_bindgen(js_name = readAs)]
    pub fn read_as(&mut self, flavor: Option<String>) -> Result<JsValue, JsValue> {
        let outcome = match flavor_of(flavor) {
            Ok(flavor) => self.inner.read_as(flavor),
            Err(e) => self.inner.refused(&e),
        };
        to_js(&outcome)
    }

    /// Merges `[{name, text}]` into the set by name, keeping the database.
    pub fn edit(&mut self, files: Array) -> Result<JsValue, JsValue> {
        let outcome = match texts_from_js(&files) {
            Ok(files) => self.inner.edit(files),
            Err(message) => self.inner.refused(&crate::Error::NotASet(message)),
        };
        to_js(&outcome)
    }

    /// Adds a new migration named `base`, laid out as the set's flavor lays one out.
    pub fn paste(&mut self, base: &str, up: &str, down: &str) -> Result<JsValue, JsValue> {
        to_js(&self.inner.paste(base, up, down))
    }

    /// Opens a copy of a database file to compare with the set; `size` is the
    /// file's size (a file over `limits().max_database_bytes` is refused by it: send no bytes).
    #[wasm_bindgen(js_name = importDatabase)]
    pub fn import_database(&mut self, name: &str, bytes: &[u8], size: f64) -> Result<JsValue, JsValue> {
        to_js(&self.inner.import_database(name, bytes, size.max(0.0) as u64))
    }

    /// The same set on a new, empty database.
    #[wasm_bindgen(js_name = resetDatabase)]
    pub fn reset_database(&mut self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.reset_database())
    }

    /// The database as the bytes of a `.sqlite` file. Throws only if SQLite cannot serialize it.
    #[wasm_bindgen(js_name = exportDatabase)]
    pub fn export_database(&mut self) -> Result<Uint8Array, JsValue> {
        Ok(Uint8Array::from(&self.inner.export().map_err(error)?[..]))
    }

    /// Applies the first pending migration.
    #[wasm_bindgen(js_name = applyNext)]
    pub fn apply_next(&mut self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.apply_next())
    }

    /// Reverts the last applied migration.
    #[wasm_bindgen(js_name = revertLast)]
    pub fn revert_last(&mut self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.revert_last())
    }

    /// Applies every pending migration.
    #[wasm_bindgen(js_name = applyAll)]
    pub fn apply_all(&mut self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.apply_all())
    }

    /// Reverts every applied migration.
    #[wasm_bindgen(js_name = revertAll)]
    pub fn revert_all(&mut self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.revert_all())
    }

    /// Moves to `version`: a string of digits (exact for any i64; a target's
    /// `value`) or a safe integer (a larger number, already rounded, is refused); `0` is before the first.
    #[wasm_bindgen(js_name = migrateTo)]
    pub fn migrate_to(&mut self, version: JsValue) -> Result<JsValue, JsValue> {
        let outcome = match version_text(&version) {
            Ok(text) => self.inner.migrate_to(&text),
            Err(shown) => self.inner.refused(&crate::Error::NotAVersion(shown)),
        };
        to_js(&outcome)
    }

    /// Fills every table with a few sample rows; the outcome's `seeded` is
    /// `{rows: [[table, n]], not_seeded: [{table, reason}]}`. The light build's
    /// outcome refuses it with the error kind `not_in_build`, and changes nothing.
    #[wasm_bindgen(js_name = fillSampleRows)]
    pub fn fill_sample_rows(&mut self) -> Result<JsValue, JsValue> {
        #[cfg(feature = "full")]
        let outcome = self.inner.fill_sample_rows();
        #[cfg(not(feature = "full"))]
        let outcome = self.inner.refused(&crate::Error::NotInThisBuild("Fill with sample rows"));
        to_js(&outcome)
    }

    /// Runs ad-hoc SQL; the outcome's `console` is `{outputs, error}`.
    pub fn console(&mut self, sql: &str, max_rows: usize) -> Result<JsValue, JsValue> {
        let outcome = self.inner.console(sql, max_rows);
        let js = to_js(&outcome)?;
        // JSON has no Infinity (serde_json writes null): a REAL that is ±Inf
        // (`SELECT 1e999`) goes back in as the number it is.
        let outputs = outcome.console.iter().flat_map(|run| run.outputs.iter().enumerate());
        for (o, output) in outputs {
            for (r, row) in output.rows.iter().enumerate() {
                for (c, value) in row.iter().enumerate() {
                    if let crate::Value::Real(x) = value {
                        if !x.is_finite() {
                            let path = [JsValue::from_str("console"), "outputs".into(), (o as u32).into(), "rows".into(), (r as u32).into()];
                            let row = path.iter().try_fold(js.clone(), |at, key| Reflect::get(&at, key))?;
                            Reflect::set(&row, &(c as u32).into(), &JsValue::from_f64(*x))?;
                        }
                    }
                }
            }
        }
        Ok(js)
    }

    /// Verifies the set on a new in-memory database: `{ok: true, verified:
    /// {report, markdown, json, set_id}}` or `{ok: false, error}`.
    /// `onProgress({done, total, step})` hears of each step. `data` (default
    /// true) turns the data checks off when false, as the CLI's `--data off`.
    #[cfg(feature = "full")]
    pub fn verify(&self, ran_on: &str, style_lint: bool, on_progress: &js_sys::Function, data: Option<bool>) -> Result<JsValue, JsValue> {
        let mut progress = |p: &crate::Progress| {
            if let Ok(p) = to_js(p) {
                let _ = on_progress.call1(&JsValue::NULL, &p);
            }
        };
        match self.inner.verify_with(ran_on, style_lint, data.unwrap_or(true), &mut progress) {
            Ok(verified) => Ok(object(&[("ok", JsValue::TRUE), ("verified", to_js(&verified)?)])),
            Err(e) => Ok(object(&[("ok", JsValue::FALSE), ("error", to_js(&ErrorValue::from(&e))?)])),
        }
    }

    /// The schema as SQL, as the sqlite3 shell's `.schema` prints it: `{ok: true,
    /// sql}` or `{ok: false, error}`.
    #[wasm_bindgen(js_name = schemaSql)]
    pub fn schema_sql(&self) -> Result<JsValue, JsValue> {
        match self.inner.schema_sql() {
            Ok(sql) => Ok(object(&[("ok", JsValue::TRUE), ("sql", JsValue::from_str(&sql))])),
            Err(e) => Ok(object(&[("ok", JsValue::FALSE), ("error", to_js(&ErrorValue::from(&e))?)])),
        }
    }

    /// Versions `from` and `to` (a target's `value`) compared on new databases:
    /// `{ok: true, comparison: {from, to, differences, objects, from_sql, to_sql}}`
    /// or `{ok: false, error}`.
    #[cfg(feature = "full")]
    pub fn compare(&self, from: JsValue, to: JsValue) -> Result<JsValue, JsValue> {
        // A number beyond 2^53 was rounded on its way here: no version the user chose.
        let asked = version_text(&from).and_then(|from| Ok((from, version_text(&to)?)));
        let compared = asked
            .map_err(|shown| ErrorValue::from(&crate::Error::NotAVersion(shown)))
            .and_then(|(from, to)| self.inner.compare(&from, &to));
        match compared {
            Ok(comparison) => Ok(object(&[("ok", JsValue::TRUE), ("comparison", to_js(&comparison)?)])),
            Err(error) => Ok(object(&[("ok", JsValue::FALSE), ("error", to_js(&error)?)])),
        }
    }

    /// The set (the head) reviewed against a base given as `load` takes a set
    /// (`kind`: `files`, default, or `link`), read as the set's flavor was asked:
    /// `{ok: true, reviewed: {review, markdown, json, set_id}}` or `{ok: false,
    /// error}` (a base that cannot be loaded says so). Changes nothing.
    #[cfg(feature = "full")]
    pub fn review(&self, items: Array, kind: Option<String>, ran_on: &str, on_progress: &js_sys::Function) -> Result<JsValue, JsValue> {
        let kind = if kind.as_deref() == Some("link") { LoadKind::Link } else { LoadKind::Files };
        let mut progress = |p: &crate::Progress| {
            if let Ok(p) = to_js(p) {
                let _ = on_progress.call1(&JsValue::NULL, &p);
            }
        };
        let reviewed = items_from_js(&items)
            .map_err(|message| ErrorValue::from(&crate::Error::NotASet(format!("the base set cannot be loaded: {message}"))))
            .and_then(|items| self.inner.review(items, kind, ran_on, &mut progress));
        match reviewed {
            Ok(reviewed) => Ok(object(&[("ok", JsValue::TRUE), ("reviewed", to_js(&reviewed)?)])),
            Err(error) => Ok(object(&[("ok", JsValue::FALSE), ("error", to_js(&error)?)])),
        }
    }

    /// Compare in the light build: `{ok: false, error}` saying it is not in it.
    #[cfg(not(feature = "full"))]
    pub fn compare(&self, _from: JsValue, _to: JsValue) -> Result<JsValue, JsValue> {
        missing("Compare versions")
    }

    /// Verify in the light build: `{ok: false, error}` saying it is not in it.
    #[cfg(not(feature = "full"))]
    pub fn verify(&self, _ran_on: &str, _style_lint: bool, _on_progress: &js_sys::Function, _data: Option<bool>) -> Result<JsValue, JsValue> {
        missing("Verify")
    }

    /// Review in the light build: `{ok: false, error}` saying it is not in it.
    #[cfg(not(feature = "full"))]
    pub fn review(&self, _items: Array, _kind: Option<String>, _ran_on: &str, _on_progress: &js_sys::Function) -> Result<JsValue, JsValue> {
        missing("Compare with…")
    }

    /// How long one migration (or console run) may take, in milliseconds; 0 for no limit. Default: 5000.
    #[wasm_bindgen(js_name = setTimeBudget)]
    pub fn set_time_budget(&mut self, ms: f64) {
        self.inner.set_time_budget(budget(ms));
    }

    /// How many MiB one migration (or console run) may take on top of what
    /// SQLite holds; 0 for no limit. Default: 256. One for the whole module.
    #[wasm_bindgen(js_name = setMemoryBudget)]
    pub fn set_memory_budget(mib: f64) {
        let bytes = (mib.is_finite() && mib > 0.0).then_some((mib * 1024.0 * 1024.0) as u64);
        crate::set_memory_budget(bytes);
    }

    /// What the file `name` is to the loader: `migration` (read it), `set`
    /// (a `.migraplay.json`: read it) or `other` (do not read it).
    #[wasm_bindgen(js_name = fileKind)]
    pub fn file_kind(name: &str) -> String {
        match crate::input_kind(name) {
            crate::InputKind::Migration => "migration",
            crate::InputKind::Set => "set",
            crate::InputKind::Other => "other",
        }
        .into()
    }

    /// The core's limits: `{max_file_bytes, max_total_bytes, max_database_bytes}`.
    pub fn limits() -> Result<JsValue, JsValue> {
        to_js(&crate::Limits::current())
    }

    /// The SQLite version compiled in.
    #[wasm_bindgen(js_name = sqliteVersion)]
    pub fn sqlite_version() -> String {
        crate::sqlite_version().to_string()
    }

    /// What the native benchmark times as "apply all": a set from `files` (names
    /// parsed, SHA-384 computed), a new in-memory database, every migration
    /// applied; no Session and no view. Returns how many ran. Throws on failure.
    #[cfg(feature = "test-hooks")]
    #[wasm_bindgen(js_name = applyAllFiles)]
    pub fn apply_all_files(files: &Array) -> Result<usize, JsValue> {
        let files = texts_from_js(files).map_err(error)?;
        let set = crate::MigrationSet::from_files(files.into_iter().map(|(n, t)| (n, t.into_bytes()))).map_err(error)?;
        let mut pg = crate::Playground::in_memory(set).map_err(error)?;
        pg.set_time_budget(None);
        pg.migrate(crate::Target::Up(None)).map(|log| log.len()).map_err(|e| error(e.error))
    }

    /// Panics inside wasm, so tests can check the page recovers from a crash.
    #[cfg(feature = "test-hooks")]
    #[wasm_bindgen(js_name = crashForTests)]
    pub fn crash_for_tests(&self) {
        panic!("crash requested by a test");
    }
}
