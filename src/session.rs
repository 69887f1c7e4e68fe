//! A session of the page: a playground, where its set came from, the database
//! file it was opened from, and the time budget. Every action returns an
//! `Outcome` (never an error for what a user did): whether it worked, whether
//! the set or the database changed (so the worker saves), what ran, what
//! changed in the schema, and the new `View`.
//!
//! Nothing is taken that cannot be shown: an action that replaces the set or
//! the database builds the new view first, and keeps everything as it was when
//! that fails.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::console::{ConsoleRun, TEXT_CHARS};
use crate::diff::{self, Difference};
use crate::engine::Applied;
use crate::error::{Error, Result};
use crate::flavor::{self, Flavor};
use crate::migration::parse_file_name;
use crate::plan::Target;
use crate::playground::{self, Playground};
#[cfg(feature = "full")]
use crate::report::Report;
use crate::source::{self, input_kind, Carrier, InputKind, MigrationSet, MAX_TOTAL_BYTES};
#[cfg(feature = "full")]
use crate::verify::Progress;
use crate::view::{self, LastStep, View};

/// What kind of place a set came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// The bundled set.
    Bundled,
    /// Files the user loaded.
    Files,
    /// A set with files pasted or edited in the page.
    Edited,
    /// A share link.
    Link,
}

/// Where the set came from: what the worker saves beside the files, to read them back the same way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// What kind of place.
    pub kind: SourceKind,
    /// How many files it was loaded from.
    #[serde(default)]
    pub files: usize,
    /// The link's or file's name, when it has one.
    #[serde(default)]
    pub name: Option<String>,
    /// The flavor asked for (*Read as*); none when read as the files say.
    #[serde(default)]
    pub flavor: Option<Flavor>,
}

impl Source {
    /// The bundled set.
    pub fn bundled() -> Source {
        Source { kind: SourceKind::Bundled, files: MigrationSet::bundled_files().len(), name: None, flavor: None }
    }
}

/// What the worker stores to restore a session after a reload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Saved {
    /// Where the set came from.
    pub source: Source,
    /// The set's files (name, text).
    pub files: Vec<(String, String)>,
    /// The database file's bytes.
    pub database: Vec<u8>,
    /// The name of the database file it was opened from, if one was.
    #[serde(default)]
    pub imported: Option<String>,
    /// The files of the set that could not be used, each problem naming its file
    /// (`files` has only those that loaded): the set lists them, and verify fails on them.
    #[serde(default)]
    pub problems: Vec<String>,
    /// Where the set's `atlas.sum` disagreed with its files: its line and Atlas's words.
    #[serde(default)]
    pub atlas: Option<(usize, String)>,
}

/// A file handed over for loading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Its name (a path inside a dropped folder counts only by its last part).
    pub name: String,
    /// What was read of it.
    pub content: Content,
}

/// What was read of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// Its bytes (a `.migraplay.json` file is expanded into the files it carries).
    Bytes(Vec<u8>),
    /// Nothing: it is over a size limit and was not read; this is its size.
    Unread(u64),
    /// A set as JSON (`[{name, text}]`), whatever the name: a link's payload.
    Bundle(Vec<u8>),
}

/// How the files of a load arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadKind {
    /// Picked or dropped by the user.
    Files,
    /// A share link's payload.
    Link,
}

/// An error as the page shows it: the message, and the file and line to open when it has them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorValue {
    /// The core's message.
    pub message: String,
    /// What kind of error it is, for the page to act on (absent: an ordinary error, shown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<ErrorKind>,
    /// The file it is about, when one.
    pub file: Option<String>,
    /// The line in that file (or in the console's text), when known.
    pub line: Option<usize>,
    /// The statement (1-based) in that file, when known.
    pub statement: Option<usize>,
}

/// An error the page acts on rather than only shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The action is not in this build (the light build, without cargo feature
    /// `full`): the page loads the full build and asks again.
    NotInBuild,
}

impl From<&Error> for ErrorValue {
    fn from(e: &Error) -> ErrorValue {
        let (file, line, statement) = match e {
            Error::Statement { location, .. } | Error::StatementNoTransaction { location, .. } | Error::TransactionStatement { location, .. } => {
                (Some(location.file.clone()), Some(location.line), Some(location.statement))
            }
            Error::NulByte { file, line } => (Some(file.clone()), Some(*line), None),
            Error::BadName { file }
            | Error::NotUtf8 { file, .. }
            | Error::FileTooLarge { file, .. }
            | Error::MissingDown { file, .. }
            | Error::MissingUp { file, .. }
            | Error::OpenTransaction { file, .. }
            | Error::NoSections { file, .. }
            | Error::Goose { file, .. }
            | Error::Dbmate { file, .. }
            | Error::Layout { file, .. }
            | Error::NoDownSection { file } => (Some(file.clone()), None, None),
            _ => (None, None, None),
        };
        let kind = matches!(e, Error::NotInThisBuild(_)).then_some(ErrorKind::NotInBuild);
        ErrorValue { message: e.to_string(), kind, file, line, statement }
    }
}

/// One log line: sqlx-cli's words beside the figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogLine {
    /// `Applied 20250115010000/migrate create tasks (373.209µs)`.
    pub line: String,
    /// What ran.
    #[serde(flatten)]
    pub applied: Applied,
}

/// The seed of *Fill with sample rows*: the same rows every time.
#[cfg(feature = "full")]
const SAMPLE_SEED: u64 = 42;

/// What an action did, and what to show now.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// It did what was asked (a step that stopped at a failure did not).
    pub ok: bool,
    /// The set or the database changed: the worker saves.
    pub changed: bool,
    /// Why it did not, when it did not.
    pub error: Option<ErrorValue>,
    /// The migrations that ran (a failed step keeps those before the failure).
    pub log: Vec<LogLine>,
    /// What changed in the schema, each with its sentence and effect.
    #[serde(serialize_with = "diff::serialize_steps")]
    pub changes: Vec<Difference>,
    /// A console run's results.
    pub console: Option<ConsoleRun>,
    /// What *Fill with sample rows* added, and what it could not fill.
    #[cfg(feature = "full")]
    pub seeded: Option<crate::seed::Seeded>,
    /// The view now.
    pub view: View,
}

/// A verification's result.
#[cfg(feature = "full")]
#[derive(Debug, Clone, Serialize)]
pub struct Verified {
    /// The report.
    pub report: Report,
    /// The report as Markdown.
    pub markdown: String,
    /// The report as JSON.
    pub json: String,
    /// The set it verified: stale once the view's `set_id` differs.
    pub set_id: String,
}

/// A review of the set against a base (*Compare with…*).
#[cfg(feature = "full")]
#[derive(Debug, Clone, Serialize)]
pub struct Reviewed {
    /// The review: the changes, the verdict, verify on the set, the schema change.
    pub review: crate::review::Review,
    /// The review as Markdown (as `migraplay review` writes it).
    pub markdown: String,
    /// The review as JSON.
    pub json: String,
    /// The set it reviewed as the head: stale once the view's `set_id` differs.
    pub set_id: String,
}

/// A playground and what the page knows about it.
pub struct Session {
    pg: Playground,
    source: Source,
    imported: Option<String>,
    budget: Option<Duration>,
    /// The view of the state above: built before that state was taken.
    view: View,
}

impl Session {
    /// The bundled set on a new in-memory database.
    pub fn bundled() -> Result<Session> {
        Session::new(Playground::in_memory(MigrationSet::bundled())?, Source::bundled(), None)
    }

    /// A session from what `saved` returned: the set read as it was, and the database.
    pub fn restore(saved: Saved) -> Result<Session> {
        let set = read(saved.source.kind, saved.files, saved.source.flavor)?.with_notes(saved.problems, saved.atlas);
        let pg = Playground::restore("the saved database", &saved.database, set)?;
        Session::new(pg, saved.source, saved.imported)
    }

    fn new(mut pg: Playground, source: Source, imported: Option<String>) -> Result<Session> {
        let budget = Some(crate::script::DEFAULT_TIME_BUDGET);
        pg.set_time_budget(budget);
        let view = view::build(&pg, &source, imported.as_deref())?;
        Ok(Session { pg, source, imported, budget, view })
    }

    /// What to store to restore this session.
    pub fn saved(&mut self) -> Result<Saved> {
        let set = self.pg.set();
        let (files, problems, atlas) = (set.files(), set.problems().to_vec(), set.atlas_mismatch().cloned());
        Ok(Saved { source: self.source.clone(), files, database: self.pg.export()?, imported: self.imported.clone(), problems, atlas })
    }

    /// The view now.
    pub fn view(&self) -> View {
        self.view.clone()
    }

    /// Where the set came from.
    pub fn source(&self) -> &Source {
        &self.source
    }

    /// The playground (for reading).
    pub fn playground(&self) -> &Playground {
        &self.pg
    }

    /// The database as the bytes of a `.sqlite` file.
    pub fn export(&mut self) -> Result<Vec<u8>> {
        self.pg.export()
    }

    /// How long one migration (or console run) may take; `None` for no limit.
    pub fn set_time_budget(&mut self, budget: Option<Duration>) {
        self.budget = budget;
        self.pg.set_time_budget(budget);
    }

    /// An outcome that changed nothing, and says why (for input the facade could not read).
    pub fn refused(&self, error: &Error) -> Outcome {
        self.outcome(false, false, Some(ErrorValue::from(error)))
    }

    fn outcome(&self, ok: bool, changed: bool, error: Option<ErrorValue>) -> Outcome {
        Outcome { ok, changed, error, log: Vec::new(), changes: Vec::new(), console: None,
            #[cfg(feature = "full")]
            seeded: None,
            view: self.view.clone(),
        }
    }

    /// Takes `pg` from `source` if its view can be built; else keeps everything.
    fn accept(&mut self, mut pg: Playground, source: Source, imported: Option<String>) -> Result<()> {
        pg.set_time_budget(self.budget);
        self.view = view::build(&pg, &source, imported.as_deref())?;
        (self.pg, self.source, self.imported) = (pg, source, imported);
        Ok(())
    }

    /// Replaces the playground with the one `make` builds, or says why not.
    fn replace(&mut self, make: impl FnOnce(&Self) -> Result<(Playground, Source, Option<String>)>) -> Outcome {
        match make(self).and_then(|(pg, source, imported)| self.accept(pg, source, imported)) {
            Ok(()) => self.outcome(true, true, None),
            Err(e) => self.refused(&e),
        }
    }

    /// The current files read again the way the source says, for a new database.
    fn fresh_set(&self) -> Result<MigrationSet> {
        read(self.source.kind, self.pg.set().files(), self.source.flavor)
    }

    /// Loads files (expanding `.migraplay.json` files and link payloads) read as
    /// `flavor` (`None`: as the files say), on a new in-memory database.
    pub fn load(&mut self, items: Vec<Item>, flavor: Option<Flavor>, kind: LoadKind) -> Outcome {
        self.replace(|_| {
            let files = expand(items, kind)?;
            let count = files.len();
            let set = from_items(files, flavor)?;
            let source = match kind {
                LoadKind::Files => Source { kind: SourceKind::Files, files: count, name: None, flavor },
                LoadKind::Link => Source { kind: SourceKind::Link, files: count, name: None, flavor },
            };
            Ok((Playground::in_memory(set)?, source, None))
        })
    }

    /// Back to the bundled set, on a new database.
    pub fn load_bundled(&mut self) -> Outcome {
        self.replace(|_| Ok((Playground::in_memory(MigrationSet::bundled())?, Source::bundled(), None)))
    }

    /// The same files read as `flavor` (`None`: as they say), on a new database.
    pub fn read_as(&mut self, flavor: Option<Flavor>) -> Outcome {
        if let Some(why) = self.view.actions.read_as.why.clone() {
            return self.outcome(false, false, Some(ErrorValue { message: why, kind: None, file: None, line: None, statement: None }));
        }
        self.replace(|s| {
            let set = MigrationSet::from_files_as(s.pg.set().files().into_iter().map(|(n, t)| (n, t.into_bytes())), flavor)?;
            Ok((Playground::in_memory(set)?, Source { flavor, ..s.source.clone() }, None))
        })
    }

    /// Merges `files` (name, text) into the set by name, keeping the database
    /// and the flavor asked for: an applied migration whose file changed then shows as modified.
    pub fn edit(&mut self, files: Vec<(String, String)>) -> Outcome {
        let mut merged = self.pg.set().files();
        for (name, text) in files {
            match merged.iter_mut().find(|(n, _)| *n == name) {
                Some(slot) => slot.1 = text,
                None => merged.push((name, text)),
            }
        }
        let count = merged.len();
        let set = match MigrationSet::from_files_as(merged.into_iter().map(|(n, t)| (n, t.into_bytes())), self.source.flavor) {
            Ok(set) => set,
            Err(e) => return self.refused(&e),
        };
        let source = Source { kind: SourceKind::Edited, files: count, name: None, flavor: self.source.flavor };
        let old = self.pg.set().clone();
        self.pg.replace_set(set);
        match view::build(&self.pg, &source, self.imported.as_deref()) {
            Ok(view) => {
                (self.view, self.source) = (view, source);
                self.outcome(true, true, None)
            }
            Err(e) => {
                self.pg.replace_set(old);
                self.refused(&e)
            }
        }
    }

    /// Adds a new migration `base` (`<version>_<description>`, a trailing
    /// `.up.sql`, `.down.sql` or `.sql` dropped) with `up` and `down`, named and
    /// laid out as the set's flavor does; an empty `down` makes it irreversible
    /// (but in dbmate, which requires a down section: there it is empty).
    pub fn paste(&mut self, base: &str, up: &str, down: &str) -> Outcome {
        let base = base.trim();
        let base = [".up.sql", ".down.sql", ".sql"].iter().find_map(|end| base.strip_suffix(end)).unwrap_or(base);
        let named = !base.contains(['/', '\\']) && matches!(parse_file_name(&format!("{base}.sql")), Some(Ok(_)));
        if !named {
            return self.refused(&Error::NotAName { base: base.to_string() });
        }
        self.edit(flavor::new_migration(self.pg.set().flavor().flavor, base, up, down))
    }

    /// Opens a copy of a database file made by one of the four tools (or
    /// migraplay) to compare it with the set. `size` is the file's size: a file
    /// over the limit is refused by it, unread.
    pub fn import_database(&mut self, name: &str, bytes: &[u8], size: u64) -> Outcome {
        self.replace(|s| {
            playground::check_database_size(name, size)?;
            Ok((Playground::from_database(name, bytes, s.fresh_set()?)?, s.source.clone(), Some(name.to_string())))
        })
    }

    /// The same set on a new, empty database.
    pub fn reset_database(&mut self) -> Outcome {
        self.replace(|s| Ok((Playground::in_memory(s.fresh_set()?)?, s.source.clone(), None)))
    }

    /// Applies the first pending migration.
    pub fn apply_next(&mut self) -> Outcome {
        self.step(Target::Next)
    }

    /// Reverts the last applied migration.
    pub fn revert_last(&mut self) -> Outcome {
        self.step(Target::Last)
    }

    /// Applies every pending migration.
    pub fn apply_all(&mut self) -> Outcome {
        self.step(Target::Up(None))
    }

    /// Reverts every applied migration.
    pub fn revert_all(&mut self) -> Outcome {
        self.step(Target::Down(None))
    }

    /// Moves to `version` (text, exact for any i64; `0`: before the first).
    pub fn migrate_to(&mut self, version: &str) -> Outcome {
        match version.trim().parse::<i64>() {
            Ok(v) if v >= 0 => self.step(Target::To(v)),
            _ => self.refused(&Error::NotAVersion(version.to_string())),
        }
    }

    fn step(&mut self, target: Target) -> Outcome {
        let before = self.pg.stamp();
        let stepped = match self.pg.step(target) {
            Ok(stepped) => stepped,
            Err(e) => return self.refused(&e),
        };
        let changed = !stepped.log.is_empty() || before.ok() != self.pg.stamp().ok();
        let ran = stepped.log.last().and_then(|applied| LastStep::of(self.pg.set(), applied));
        let ran_and_failed = matches!(stepped.error, Some(Error::Statement { .. } | Error::StatementNoTransaction { .. } | Error::OpenTransaction { .. }));
        if ran_and_failed && ran.is_none() {
            // A step that failed before any migration of it ran: the last step's file is no longer
            // the SQL that ran last (the failing one was, rolled back); the error names it.
            self.view.last_step = None;
        }
        let log = stepped.log.into_iter().map(|applied| LogLine { line: applied.to_string(), applied }).collect();
        let error = stepped.error.as_ref().map(ErrorValue::from);
        self.after_change(changed, error, log, stepped.changes, None, ran)
    }

    /// The outcome of an action that changed the database in place: the view is
    /// built again (when that fails, the error says so and the last view stays).
    /// `ran`: the migration a step ran last; without one, the last step's stays
    /// (sample rows and the console keep the set and the database).
    fn after_change(&mut self, changed: bool, error: Option<ErrorValue>, log: Vec<LogLine>, changes: Vec<Difference>, console: Option<ConsoleRun>, ran: Option<LastStep>) -> Outcome {
        let error = match view::build(&self.pg, &self.source, self.imported.as_deref()) {
            Ok(mut view) => {
                view::mark(&mut view.diagram, &changes);
                view.last_step = ran.or_else(|| self.view.last_step.take());
                self.view = view;
                error
            }
            Err(e) => error.or(Some(ErrorValue::from(&e))),
        };
        Outcome { ok: error.is_none(), changed, error, log, changes, console,
            #[cfg(feature = "full")]
            seeded: None,
            view: self.view.clone(),
        }
    }

    #[cfg(feature = "full")]
    /// Fills every table with sample rows (verify's: a few each, satisfying the
    /// schema, the same every time), so data can be seen moving through the
    /// steps and in the console. A table already holding that many is left alone.
    pub fn fill_sample_rows(&mut self) -> Outcome {
        let schema = match self.pg.schema() {
            Ok(schema) => schema,
            Err(e) => return self.refused(&e),
        };
        match crate::seed::seed(self.pg.connection(), &schema, crate::verify::SEED_ROWS, SAMPLE_SEED) {
            Ok(seeded) => {
                let changed = !seeded.rows.is_empty();
                let mut outcome = self.after_change(changed, None, Vec::new(), Vec::new(), None, None);
                outcome.seeded = Some(seeded);
                outcome
            }
            Err(e) => self.refused(&e),
        }
    }

    /// Runs ad-hoc SQL, keeping at most `max_rows` rows per statement and cutting
    /// text values at `TEXT_CHARS` characters. `changed` says whether anything was
    /// written; `changes`, what changed in the schema. A statement that fails
    /// stops the run: `ok` is false, and the console's error has its line and column.
    pub fn console(&mut self, sql: &str, max_rows: usize) -> Outcome {
        let (before, stamp) = match (self.pg.schema(), self.pg.stamp()) {
            (Ok(schema), Ok(stamp)) => (schema, stamp),
            (Err(e), _) | (_, Err(e)) => return self.refused(&e),
        };
        let mut run = self.pg.console(sql, max_rows);
        run.cut_text(TEXT_CHARS);
        let changed = self.pg.stamp().ok() != Some(stamp);
        let changes = self.pg.schema().map(|after| diff::diff(&before, &after)).unwrap_or_default();
        let error = run.error.as_ref().map(|e| ErrorValue { message: e.to_string(), kind: None, file: None, line: Some(e.line), statement: Some(e.statement) });
        self.after_change(changed, error, Vec::new(), changes, Some(run), None)
    }

    #[cfg(feature = "full")]
    /// Verifies the set on a new in-memory database (the session's is untouched).
    pub fn verify(&self, ran_on: &str, style_lint: bool, progress: &mut dyn FnMut(&Progress)) -> Result<Verified> {
        self.verify_with(ran_on, style_lint, true, progress)
    }

    #[cfg(feature = "full")]
    /// `verify`, with its data checks on or off (`--data off`; the benchmarks' `verify, schema only`).
    pub fn verify_with(&self, ran_on: &str, style_lint: bool, data: bool, progress: &mut dyn FnMut(&Progress)) -> Result<Verified> {
        let mut report = crate::verify_with(self.pg.set(), ran_on, self.budget, data, progress)?;
        report.set_style_lint(style_lint);
        Ok(Verified { markdown: report.to_markdown(), json: report.to_json(), report, set_id: self.view.set_id.clone() })
    }

    #[cfg(feature = "full")]
    /// A review's base: `items` read exactly as `load` reads a set (set files and
    /// link payloads expanded, other files left out, the same limits), as the
    /// flavor asked for the set on screen (*Read as*), or as the files say.
    pub fn base_set(&self, items: Vec<Item>, kind: LoadKind) -> Result<MigrationSet> {
        from_items(expand(items, kind)?, self.source.flavor)
    }

    #[cfg(feature = "full")]
    /// The set (the head) reviewed against the base read from `items` (see
    /// `base_set`), on new in-memory databases (the session's is untouched). A
    /// base that cannot be loaded is an error value saying so, in the command's words.
    pub fn review(&self, items: Vec<Item>, kind: LoadKind, ran_on: &str, progress: &mut dyn FnMut(&crate::Progress)) -> std::result::Result<Reviewed, ErrorValue> {
        let base = self.base_set(items, kind).map_err(|e| ErrorValue { message: format!("the base set cannot be loaded: {e}"), ..ErrorValue::from(&e) })?;
        let review = crate::review::review(&base, self.pg.set(), ran_on, self.budget, true, progress).map_err(|e| ErrorValue::from(&e))?;
        Ok(Reviewed { markdown: review.to_markdown(), json: review.to_json(), review, set_id: self.view.set_id.clone() })
    }

    /// The database's schema as SQL, exactly as the sqlite3 shell's `.schema` prints it.
    pub fn schema_sql(&self) -> Result<String> {
        crate::schema_sql::schema_sql(self.pg.connection())
    }

    #[cfg(feature = "full")]
    /// Versions `from` and `to` (`0` or any of `view.targets`) compared, each
    /// built on a new in-memory database (the session's is untouched). The error
    /// names the version that could not be built, and the file and line of a failing up.
    pub fn compare(&self, from: &str, to: &str) -> std::result::Result<crate::compare::Comparison, ErrorValue> {
        crate::compare::compare(self.pg.set(), from, to, self.budget).map_err(|e| ErrorValue { message: e.to_string(), ..ErrorValue::from(&e.error) })
    }
}

/// Files (name, text) read back into a set as `kind` says: the bundle, or the files read as `flavor`.
fn read(kind: SourceKind, files: Vec<(String, String)>, flavor: Option<Flavor>) -> Result<MigrationSet> {
    match kind {
        SourceKind::Bundled => Ok(MigrationSet::bundled()),
        _ => MigrationSet::from_files_as(files.into_iter().map(|(n, t)| (n, t.into_bytes())), flavor),
    }
}

/// The items with every set file or payload expanded into its files, and other files left out.
fn expand(items: Vec<Item>, kind: LoadKind) -> Result<Vec<Item>> {
    let mut out = Vec::new();
    for item in items {
        let carrier = match kind {
            LoadKind::Link => Carrier::Link,
            LoadKind::Files => Carrier::File(&item.name),
        };
        let bundle = match (&item.content, input_kind(&item.name)) {
            (Content::Bundle(bytes), _) | (Content::Bytes(bytes), InputKind::Set) => bytes,
            (Content::Unread(size), InputKind::Set) => return Err(source::too_large_for_a_set(carrier, *size)),
            (_, InputKind::Other) => continue,
            (_, InputKind::Migration) => {
                out.push(item);
                continue;
            }
        };
        let files = source::set_file(bundle, carrier)?;
        out.extend(files.into_iter().map(|(name, text)| Item { name, content: Content::Bytes(text.into_bytes()) }));
    }
    Ok(out)
}

/// A set from loaded items. An unread item (over the size limit) is listed as
/// too large by its real size, and the rest loads.
fn from_items(items: Vec<Item>, flavor: Option<Flavor>) -> Result<MigrationSet> {
    let mut unread: Vec<(String, u64)> = Vec::new();
    let mut total: u64 = 0;
    let mut files = Vec::new();
    for Item { name, content } in items {
        match content {
            Content::Bytes(bytes) | Content::Bundle(bytes) => {
                total = total.saturating_add(bytes.len() as u64);
                files.push((name, bytes));
            }
            Content::Unread(size) => {
                total = total.saturating_add(size);
                unread.push((name, size));
            }
        }
    }
    if total > MAX_TOTAL_BYTES as u64 {
        return Err(Error::TooMany { what: format!("more than {MAX_TOTAL_BYTES} bytes in all"), limit: MAX_TOTAL_BYTES });
    }
    MigrationSet::from_files_unread(files, unread, flavor)
}
