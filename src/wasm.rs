//! The browser facade: the `Session` class for JavaScript (every action returns
//! the core's `Outcome` as a value), and the older `Playground` class, kept
//! until the page has moved to `Session` (its errors are JS `Error`s with the
//! core's text). Conversions only; every decision is the core's.

use js_sys::{Array, Object, Reflect, Uint8Array};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::{Applied, Content, ErrorValue, Item, LoadKind, MigrationSet, Playground, Saved, Session, SetFile, Target};

#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

/// A migration set and an in-memory SQLite database, driven from JavaScript.
#[wasm_bindgen(js_name = Playground)]
pub struct JsPlayground {
    inner: Playground,
}

/// One log line, with sqlx-cli's text beside the figures.
#[derive(Serialize)]
struct LogLine<'a> {
    line: String,
    #[serde(flatten)]
    applied: &'a Applied,
}

/// A migration's files, for showing them in the page.
#[derive(Serialize)]
struct MigrationFiles<'a> {
    version: i64,
    description: &'a str,
    up_file: &'a str,
    up: &'a str,
    down_file: Option<&'a str>,
    down: Option<&'a str>,
    checksum: String,
    /// The files as written (one for goose and dbmate, whose sections share a file).
    files: Vec<SourceFile<'a>>,
}

/// A file of the set, as written.
#[derive(Serialize)]
struct SourceFile<'a> {
    name: &'a str,
    text: &'a str,
}

/// The largest integer a JavaScript number holds exactly (2^53 - 1).
const MAX_SAFE_INTEGER: i64 = 9_007_199_254_740_991;

fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    match value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()) {
        Ok(js) => Ok(js),
        // serde-wasm-bindgen refuses an integer beyond 2^53 (a version like
        // 9007199254740993, a console value): go through serde_json, which keeps
        // it exact, and hand it over as a string rather than a rounded number.
        Err(_) => Ok(exact(&serde_json::to_value(value).map_err(error)?)),
    }
}

/// A JSON value as JS, with integers beyond a double's exact range as strings.
fn exact(value: &serde_json::Value) -> JsValue {
    use serde_json::Value;
    match value {
        Value::Null => JsValue::NULL,
        Value::Bool(b) => JsValue::from_bool(*b),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) if (-MAX_SAFE_INTEGER..=MAX_SAFE_INTEGER).contains(&i) => JsValue::from_f64(i as f64),
            (Some(_), _) | (None, Some(_)) => JsValue::from_str(&n.to_string()),
            _ => JsValue::from_f64(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => JsValue::from_str(s),
        Value::Array(items) => items.iter().map(exact).collect::<Array>().into(),
        Value::Object(map) => {
            let object = Object::new();
            for (key, v) in map {
                let _ = Reflect::set(&object, &JsValue::from_str(key), &exact(v));
            }
            object.into()
        }
    }
}

fn error(e: impl std::fmt::Display) -> JsValue {
    js_sys::Error::new(&e.to_string()).into()
}

/// One schema change of a step, with its sentence.
#[derive(Serialize)]
struct ChangeLine<'a> {
    sentence: String,
    #[serde(flatten)]
    difference: &'a crate::Difference,
}

fn changes(list: &[crate::Difference]) -> Vec<ChangeLine<'_>> {
    list.iter().map(|difference| ChangeLine { sentence: difference.as_step(), difference }).collect()
}

/// A step's outcome: `{log, changes}`, or a JS `Error` whose `applied`,
/// `changes` and `location` properties say what ran, what changed, and where
/// the failing statement is.
fn stepped(s: crate::Stepped) -> Result<JsValue, JsValue> {
    #[derive(Serialize)]
    struct Step<'a> {
        log: Vec<LogLine<'a>>,
        changes: Vec<ChangeLine<'a>>,
    }
    let lines: Vec<LogLine> = s.log.iter().map(|applied| LogLine { line: applied.to_string(), applied }).collect();
    let value = to_js(&Step { log: lines, changes: changes(&s.changes) })?;
    let Some(e) = s.error else { return Ok(value) };
    let err = error(&e);
    let _ = Reflect::set(&err, &"applied".into(), &Reflect::get(&value, &"log".into())?);
    let _ = Reflect::set(&err, &"changes".into(), &Reflect::get(&value, &"changes".into())?);
    if let crate::Error::Statement { location, .. } | crate::Error::StatementNoTransaction { location, .. } = &e {
        let _ = Reflect::set(&err, &"location".into(), &to_js(location)?);
    }
    Err(err)
}

/// Reads `[{name, bytes: Uint8Array}]` or `[{name, text}]` into a set. An item
/// `{name, size}` is a file the page did not read because its size is over a
/// limit (a 6 GB file is never read whole): the core is handed its first bytes
/// past the limit, so it refuses it as it refuses any file too large (and pairs
/// the rest as usual), and the error then gives the real size.
fn set_from_js(files: &Array, flavor: Option<String>) -> Result<MigrationSet, JsValue> {
    let flavor = match flavor.as_deref().filter(|f| !f.is_empty() && *f != "auto") {
        Some(name) => Some(crate::Flavor::parse(name).ok_or_else(|| error(format!("not a flavor: {name}")))?),
        None => None,
    };
    use crate::source::{MAX_FILE_BYTES, MAX_TOTAL_BYTES};
    let mut read = Vec::new();
    let mut unread: Vec<(String, usize)> = Vec::new();
    let mut total = 0usize;
    for (i, f) in files.iter().enumerate() {
        let name = Reflect::get(&f, &"name".into())?.as_string().ok_or_else(|| error(format!("file {} has no name", i + 1)))?;
        let bytes = Reflect::get(&f, &"bytes".into())?;
        let size = Reflect::get(&f, &"size".into())?.as_f64();
        let (bytes, size) = if bytes.is_instance_of::<Uint8Array>() {
            let bytes = Uint8Array::new(&bytes).to_vec();
            let size = bytes.len();
            (bytes, size)
        } else if let Some(size) = size {
            let size = size as usize;
            unread.push((name.clone(), size));
            (vec![b' '; size.min(MAX_FILE_BYTES + 1)], size)
        } else {
            let text = Reflect::get(&f, &"text".into())?.as_string();
            let bytes = text.ok_or_else(|| error(format!("{name}: give its bytes or its text")))?.into_bytes();
            let size = bytes.len();
            (bytes, size)
        };
        total = total.saturating_add(size);
        read.push((name, bytes));
    }
    if total > MAX_TOTAL_BYTES {
        let e = crate::Error::TooMany { what: format!("more than {MAX_TOTAL_BYTES} bytes in all"), limit: MAX_TOTAL_BYTES };
        return Err(error(e));
    }
    let real_size = |e: crate::Error| match e {
        crate::Error::FileTooLarge { file, size, limit } => {
            let size = unread.iter().find(|(n, _)| n.rsplit(['/', '\\']).next() == Some(file.as_str())).map_or(size, |(_, s)| *s);
            crate::Error::FileTooLarge { file, size, limit }
        }
        e => e,
    };
    MigrationSet::from_files_as(read, flavor).map_err(|e| {
        error(match e {
            crate::Error::Load(list) => crate::Error::Load(list.into_iter().map(real_size).collect()),
            e => real_size(e),
        })
    })
}

#[wasm_bindgen(js_class = Playground)]
impl JsPlayground {
    /// The bundled migration set on a fresh in-memory database.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Result<JsPlayground, JsValue> {
        Ok(JsPlayground { inner: Playground::in_memory(MigrationSet::bundled()).map_err(error)? })
    }

    /// A set from `[{name, bytes}]` or `[{name, text}]` on a fresh in-memory
    /// database, read as `flavor` (`sqlx`, `golang-migrate`, `goose`, `dbmate`;
    /// absent or `auto`: as the files say).
    #[wasm_bindgen(js_name = fromFiles)]
    pub fn from_files(files: Array, flavor: Option<String>) -> Result<JsPlayground, JsValue> {
        let set = set_from_js(&files, flavor)?;
        Ok(JsPlayground { inner: Playground::in_memory(set).map_err(error)? })
    }

    /// Loads another set from `[{name, bytes}]` or `[{name, text}]`, keeping
    /// the database. Throws (and keeps the current set) when it does not load.
    #[wasm_bindgen(js_name = replaceFiles)]
    pub fn replace_files(&mut self, files: Array, flavor: Option<String>) -> Result<(), JsValue> {
        let set = set_from_js(&files, flavor)?;
        self.inner.replace_set(set);
        Ok(())
    }

    /// The set's files as `[{name, text}]` (for saving, sharing and editing).
    pub fn files(&self) -> Result<JsValue, JsValue> {
        #[derive(Serialize)]
        struct File {
            name: String,
            text: String,
        }
        let files: Vec<File> = self.inner.set().files().into_iter().map(|(name, text)| File { name, text }).collect();
        to_js(&files)
    }

    /// The database as the bytes of a `.sqlite` file.
    #[wasm_bindgen(js_name = exportDatabase)]
    pub fn export_database(&mut self) -> Result<Uint8Array, JsValue> {
        Ok(Uint8Array::from(&self.inner.export().map_err(error)?[..]))
    }

    /// Replaces the database with a copy of a `.sqlite` file made by sqlx or
    /// migraplay, keeping the set; `status()` then shows the drift. Throws,
    /// keeping everything, for a file that is not SQLite or has no `_sqlx_migrations`.
    /// `size` is the file's size: a file too large is refused by it, unread (send no bytes).
    #[wasm_bindgen(js_name = importDatabase)]
    pub fn import_database(&mut self, name: &str, bytes: &[u8], size: f64) -> Result<(), JsValue> {
        crate::playground::check_database_size(name, size as u64).map_err(error)?;
        self.inner = Playground::from_database(name, bytes, self.inner.set().clone()).map_err(error)?;
        Ok(())
    }

    /// The core's limits, for the page to know what not to read: `{maxFileBytes, maxTotalBytes, maxDatabaseBytes}`.
    pub fn limits() -> Result<JsValue, JsValue> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Limits {
            max_file_bytes: usize,
            max_total_bytes: usize,
            max_database_bytes: u64,
        }
        to_js(&Limits {
            max_file_bytes: crate::source::MAX_FILE_BYTES,
            max_total_bytes: crate::source::MAX_TOTAL_BYTES,
            max_database_bytes: crate::playground::MAX_DATABASE_BYTES,
        })
    }

    /// Like `importDatabase`, for a database this page saved itself (it may have no history yet).
    #[wasm_bindgen(js_name = restoreDatabase)]
    pub fn restore_database(&mut self, bytes: &[u8]) -> Result<(), JsValue> {
        self.inner = Playground::restore("the saved database", bytes, self.inner.set().clone()).map_err(error)?;
        Ok(())
    }

    /// Runs ad-hoc SQL: `{outputs: [{statement, sql, columns, rows, truncated, changes}], error}`.
    /// A text value longer than `crate::CONSOLE_TEXT_CHARS` characters is cut there and ends in `…`,
    /// so a huge value never crosses to the page whole.
    pub fn console(&self, sql: &str, max_rows: usize) -> Result<JsValue, JsValue> {
        let mut run = self.inner.console(sql, max_rows);
        run.cut_text(crate::CONSOLE_TEXT_CHARS);
        to_js(&run)
    }

    /// The entity-relationship diagram of the current schema, laid out.
    pub fn diagram(&self) -> Result<JsValue, JsValue> {
        to_js(&crate::layout(&self.inner.schema().map_err(error)?))
    }

    /// How the database stands against the set, in its tool's words: `{text, bad}`.
    pub fn drift(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.drift().map_err(error)?)
    }

    /// The files that could not be loaded, each problem naming its file (the rest loaded).
    #[wasm_bindgen(js_name = loadProblems)]
    pub fn load_problems(&self) -> Result<JsValue, JsValue> {
        to_js(self.inner.set().problems())
    }

    /// The flavor the set is read as, and why: `{flavor, why}`.
    pub fn flavor(&self) -> Result<JsValue, JsValue> {
        to_js(self.inner.set().flavor())
    }

    /// The migrations' files and checksums.
    pub fn migrations(&self) -> Result<JsValue, JsValue> {
        let list: Vec<MigrationFiles> = self
            .inner
            .set()
            .migrations()
            .iter()
            .map(|m| MigrationFiles {
                version: m.version,
                description: &m.description,
                up_file: &m.up.file,
                up: &m.up.sql,
                down_file: m.down.as_ref().map(|d| d.file.as_str()),
                down: m.down.as_ref().map(|d| d.sql.as_str()),
                checksum: m.checksum_hex(),
                files: m.sources.iter().map(|(name, text)| SourceFile { name, text }).collect(),
            })
            .collect();
        to_js(&list)
    }

    /// Each migration's state: applied, pending, modified, dirty or missing.
    pub fn status(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.status().map_err(error)?)
    }

    /// The schema snapshot with its totals.
    pub fn schema(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.schema().map_err(error)?)
    }

    /// Applies the first pending migration; returns the log lines.
    #[wasm_bindgen(js_name = applyNext)]
    pub fn apply_next(&mut self) -> Result<JsValue, JsValue> {
        self.migrate(Target::Next)
    }

    /// Reverts the last applied migration.
    #[wasm_bindgen(js_name = revertLast)]
    pub fn revert_last(&mut self) -> Result<JsValue, JsValue> {
        self.migrate(Target::Last)
    }

    /// Applies every pending migration.
    #[wasm_bindgen(js_name = applyAll)]
    pub fn apply_all(&mut self) -> Result<JsValue, JsValue> {
        self.migrate(Target::Up(None))
    }

    /// Reverts every applied migration.
    #[wasm_bindgen(js_name = revertAll)]
    pub fn revert_all(&mut self) -> Result<JsValue, JsValue> {
        self.migrate(Target::Down(None))
    }

    /// Reverts what is above `version` and applies what is pending up to it (0: revert all).
    /// `version` is a string of digits (exact for any i64, as versions above 2^53
    /// are handed out) or a safe integer.
    #[wasm_bindgen(js_name = migrateTo)]
    pub fn migrate_to(&mut self, version: JsValue) -> Result<JsValue, JsValue> {
        let parsed = match (version.as_string(), version.as_f64()) {
            (Some(text), _) => text.trim().parse::<i64>().ok().filter(|v| *v >= 0),
            (None, Some(n)) if n.fract() == 0.0 && (0.0..=MAX_SAFE_INTEGER as f64).contains(&n) => Some(n as i64),
            _ => None,
        };
        let shown = version.as_string().or_else(|| version.as_f64().map(|n| n.to_string())).unwrap_or_default();
        let version = parsed.ok_or_else(|| error(format!("not a migration version: {shown}")))?;
        self.migrate(Target::To(version))
    }

    /// Verifies the loaded set on a fresh in-memory database (the playground's
    /// own database is untouched). `ran_on` names the browser (its user agent);
    /// `on_progress({done, total, step})` hears of each step; `style_lint`
    /// false hides the style rules' warnings. Returns `{report, markdown, json}`:
    /// the report as an object and as the two texts.
    pub fn verify(&self, ran_on: &str, style_lint: bool, on_progress: &js_sys::Function) -> Result<JsValue, JsValue> {
        let mut progress = |p: &crate::Progress| {
            if let Ok(p) = to_js(p) {
                let _ = on_progress.call1(&JsValue::NULL, &p);
            }
        };
        let mut report = crate::verify(self.inner.set(), ran_on, self.inner.time_budget(), &mut progress).map_err(error)?;
        report.set_style_lint(style_lint);
        #[derive(Serialize)]
        struct Verified<'a> {
            report: &'a crate::Report,
            markdown: String,
            json: String,
        }
        to_js(&Verified { report: &report, markdown: report.to_markdown(), json: report.to_json() })
    }

    /// How long one migration (or console run) may take, in milliseconds, before
    /// it is stopped and rolled back; 0 for no limit. Default: 5000.
    #[wasm_bindgen(js_name = setTimeBudget)]
    pub fn set_time_budget(&mut self, ms: f64) {
        let budget = (ms.is_finite() && ms > 0.0).then(|| std::time::Duration::from_secs_f64(ms / 1000.0));
        self.inner.set_time_budget(budget);
    }

    /// How many MiB of memory one migration (or console run) may take on top of
    /// what SQLite holds, before it is stopped and rolled back; 0 for no limit.
    /// Default: 256. SQLite's heap limit is one for the whole module, so this is static.
    #[wasm_bindgen(js_name = setMemoryBudget)]
    pub fn set_memory_budget(mib: f64) {
        let bytes = (mib.is_finite() && mib > 0.0).then_some((mib * 1024.0 * 1024.0) as u64);
        crate::set_memory_budget(bytes);
    }

    /// Applies every pending migration without the schema snapshots the page
    /// shows (for benchmarks: the same work as the native engine); returns how many ran.
    #[cfg(feature = "test-hooks")]
    #[wasm_bindgen(js_name = applyAllQuiet)]
    pub fn apply_all_quiet(&mut self) -> Result<usize, JsValue> {
        Ok(self.inner.migrate(Target::Up(None)).map_err(|e| error(&e.error))?.len())
    }

    /// Panics inside wasm, so tests can check the page recovers from a crash.
    #[cfg(feature = "test-hooks")]
    #[wasm_bindgen(js_name = crashForTests)]
    pub fn crash_for_tests(&self) {
        panic!("crash requested by a test");
    }

    /// The SQLite version compiled in.
    #[wasm_bindgen(js_name = sqliteVersion)]
    pub fn sqlite_version() -> String {
        crate::sqlite_version().to_string()
    }

    fn migrate(&mut self, target: Target) -> Result<JsValue, JsValue> {
        stepped(self.inner.step(target).map_err(error)?)
    }
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

/// A version from the page: a string of digits (exact for any i64) or a safe integer.
fn version_text(version: &JsValue) -> String {
    match (version.as_string(), version.as_f64()) {
        (Some(text), _) => text,
        (None, Some(n)) if n.fract() == 0.0 && n.abs() <= MAX_SAFE_INTEGER as f64 => format!("{n:.0}"),
        (None, Some(n)) => n.to_string(),
        _ => String::new(),
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
            let source = serde_wasm_bindgen::from_value(field("source")).map_err(|e| format!("the saved source is not readable: {e}"))?;
            let files = texts_from_js(&Array::from(&field("files")))?;
            let database = field("database");
            if !database.is_instance_of::<Uint8Array>() {
                return Err("the saved database is not a Uint8Array".into());
            }
            Ok(Saved { source, files, database: Uint8Array::new(&database).to_vec(), imported: field("imported").as_string() })
        };
        let restored = read().and_then(|saved| Session::restore(saved).map_err(|e| e.to_string()));
        match restored {
            Ok(inner) => object(&[("session", JsSession { inner }.into())]),
            Err(message) => {
                let error = ErrorValue { message, file: None, line: None, statement: None };
                object(&[("error", to_js(&error).unwrap_or(JsValue::NULL))])
            }
        }
    }

    /// What to store: `{source, files: [{name, text}], database: Uint8Array, imported}`.
    /// Throws only if SQLite cannot serialize the database.
    pub fn saved(&mut self) -> Result<JsValue, JsValue> {
        let saved = self.inner.saved().map_err(error)?;
        let files: Vec<SetFile> = saved.files.into_iter().map(|(name, text)| SetFile { name, text }).collect();
        Ok(object(&[
            ("source", to_js(&saved.source)?),
            ("files", to_js(&files)?),
            ("database", Uint8Array::from(&saved.database[..]).into()),
            ("imported", saved.imported.map_or(JsValue::NULL, |n| JsValue::from_str(&n))),
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
    /// `value`) or a safe integer; `0` is before the first.
    #[wasm_bindgen(js_name = migrateTo)]
    pub fn migrate_to(&mut self, version: JsValue) -> Result<JsValue, JsValue> {
        to_js(&self.inner.migrate_to(&version_text(&version)))
    }

    /// Runs ad-hoc SQL; the outcome's `console` is `{outputs, error}`.
    pub fn console(&mut self, sql: &str, max_rows: usize) -> Result<JsValue, JsValue> {
        to_js(&self.inner.console(sql, max_rows))
    }

    /// Verifies the set on a new in-memory database: `{ok: true, verified:
    /// {report, markdown, json, set_id}}` or `{ok: false, error}`.
    /// `onProgress({done, total, step})` hears of each step.
    pub fn verify(&self, ran_on: &str, style_lint: bool, on_progress: &js_sys::Function) -> Result<JsValue, JsValue> {
        let mut progress = |p: &crate::Progress| {
            if let Ok(p) = to_js(p) {
                let _ = on_progress.call1(&JsValue::NULL, &p);
            }
        };
        match self.inner.verify(ran_on, style_lint, &mut progress) {
            Ok(verified) => Ok(object(&[("ok", JsValue::TRUE), ("verified", to_js(&verified)?)])),
            Err(e) => Ok(object(&[("ok", JsValue::FALSE), ("error", to_js(&ErrorValue::from(&e))?)])),
        }
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
        JsPlayground::set_memory_budget(mib);
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

    /// Applies every pending migration without snapshots or a view (for
    /// benchmarks); returns how many ran. Throws on failure.
    #[cfg(feature = "test-hooks")]
    #[wasm_bindgen(js_name = applyAllQuiet)]
    pub fn apply_all_quiet(&mut self) -> Result<usize, JsValue> {
        self.inner.apply_all_quiet().map_err(error)
    }

    /// Panics inside wasm, so tests can check the page recovers from a crash.
    #[cfg(feature = "test-hooks")]
    #[wasm_bindgen(js_name = crashForTests)]
    pub fn crash_for_tests(&self) {
        panic!("crash requested by a test");
    }
}
