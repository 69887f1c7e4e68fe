//! What the page shows of a session, decided here: the migrations' rows, which
//! buttons can act (and, when one cannot, the core's reason), the Migrate-to
//! choices, the drift line, the schema and the diagram. The page renders a
//! `View` and decides nothing.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::diagram::{layout, Diagram};
use crate::diff::{Difference, Effect, Kind};
use crate::engine::Applied;
use crate::error::{Error, Result};
use crate::flavor::Choice;
use crate::history::{self, AppliedRow};
use crate::migration::Direction;
use crate::plan::{self, State, Target};
use crate::playground::Playground;
use crate::schema::Schema;
use crate::session::{Source, SourceKind};
use crate::source::MigrationSet;

/// Everything the page draws after an action.
#[derive(Debug, Clone, Serialize)]
pub struct View {
    /// The SQLite version compiled in.
    pub sqlite_version: String,
    /// The core's size limits (the page reads no file past them).
    pub limits: Limits,
    /// Where the set came from, with the sentence that says so.
    pub source: SourceView,
    /// The flavor the set is read as, why, and whether it was asked for.
    pub flavor: Choice,
    /// The files that could not be loaded, each problem naming its file.
    pub load_problems: Vec<String>,
    /// One row per migration of the status (the set's, and applied ones it lacks).
    pub rows: Vec<Row>,
    /// The set's files as written, for the editor and for sharing.
    pub files: Vec<SetFile>,
    /// The Migrate-to choices: `0`, then every version of the set.
    pub targets: Vec<TargetOption>,
    /// The choice the database stands at: the highest applied version, `0` when none.
    pub current_target: String,
    /// Whether each action can act now, and why not.
    pub actions: Actions,
    /// How the database stands against the set.
    pub drift: DriftLine,
    /// The schema snapshot with its totals.
    pub schema: Schema,
    /// The entity-relationship diagram, laid out.
    pub diagram: Diagram,
    /// A fingerprint of the set's files and flavor: a verdict is for this set when its `set_id` matches.
    pub set_id: String,
    /// The migration a step ran last and the file it ran (the demo shows that file's SQL); none
    /// before any step, and after a new set, an edit or a new database.
    pub last_step: Option<LastStep>,
}

/// The core's size limits.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Limits {
    /// The most bytes one migration file may have.
    pub max_file_bytes: usize,
    /// The most bytes a set's files may have together.
    pub max_total_bytes: usize,
    /// The largest database file that opens.
    pub max_database_bytes: u64,
}

impl Limits {
    /// The limits in force.
    pub fn current() -> Limits {
        Limits {
            max_file_bytes: crate::source::MAX_FILE_BYTES,
            max_total_bytes: crate::source::MAX_TOTAL_BYTES,
            max_database_bytes: crate::playground::MAX_DATABASE_BYTES,
        }
    }
}

/// Where the set came from.
#[derive(Debug, Clone, Serialize)]
pub struct SourceView {
    /// bundled, files, edited or link.
    pub kind: SourceKind,
    /// How many files it was loaded from.
    pub files: usize,
    /// The link's or file's name, when it has one.
    pub name: Option<String>,
    /// The flavor asked for (*Read as*), none when read as the files say.
    pub flavor: Option<crate::flavor::Flavor>,
    /// `The bundled set: 7 migrations.`, `Your set: 7 migrations from 14 files.`, …
    pub text: String,
}

/// One migration's row.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// The version.
    pub version: i64,
    /// The description.
    pub description: String,
    /// applied, pending, modified, dirty or missing.
    pub state: State,
    /// The SHA-384 checksum as hex.
    pub checksum: String,
    /// The up (or simple) file; none when the migration is missing from the set.
    pub up_file: Option<String>,
    /// The down file, when there is one.
    pub down_file: Option<String>,
    /// The files as written, each once (one for goose and dbmate), for the editor.
    pub files: Vec<String>,
    /// Whether the set has this migration (a missing one is only in the database).
    pub in_set: bool,
}

/// A file of the set, as written.
#[derive(Debug, Clone, Serialize)]
pub struct SetFile {
    /// Its name.
    pub name: String,
    /// Its text.
    pub text: String,
}

/// The migration a step ran last, and which of its files ran.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LastStep {
    /// The version as text (exact beyond 2^53).
    pub version: String,
    /// The description.
    pub description: String,
    /// Up: it was applied; down: it was reverted.
    pub direction: Direction,
    /// The file that ran: the up file when applied, the down file when reverted (goose's and
    /// dbmate's one file either way); its text is in the view's `files`.
    pub file: String,
}

impl LastStep {
    /// What `applied` ran of `set`; none for a migration the set does not have.
    pub fn of(set: &MigrationSet, applied: &Applied) -> Option<LastStep> {
        let script = set.get(applied.version)?.script(applied.direction)?;
        Some(LastStep { version: applied.version.to_string(), description: applied.description.clone(), direction: applied.direction, file: script.file.clone() })
    }
}

/// One Migrate-to choice.
#[derive(Debug, Clone, Serialize)]
pub struct TargetOption {
    /// The version as text (exact beyond 2^53).
    pub value: String,
    /// `0 — before the first (empty)`, `20250115010000 — create tasks`.
    pub label: String,
}

/// Whether an action can act now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Able {
    /// It can.
    pub ok: bool,
    /// Why not, in the core's words (the refusal the action would meet).
    pub why: Option<String>,
}

impl Able {
    fn yes() -> Able {
        Able { ok: true, why: None }
    }

    fn no(why: impl Into<String>) -> Able {
        Able { ok: false, why: Some(why.into()) }
    }
}

/// Every action's `Able`.
#[derive(Debug, Clone, Serialize)]
pub struct Actions {
    /// Apply next.
    pub apply_next: Able,
    /// Revert last.
    pub revert_last: Able,
    /// Apply all.
    pub apply_all: Able,
    /// Revert all.
    pub revert_all: Able,
    /// Migrate to (any choice of `targets`).
    pub migrate_to: Able,
    /// Verify.
    pub verify: Able,
    /// Read as another flavor.
    pub read_as: Able,
    /// Back to the bundled set.
    pub load_bundled: Able,
    /// New database.
    pub reset_database: Able,
    /// Export .sqlite.
    pub export: Able,
    /// Share link.
    pub share: Able,
    /// Fill with sample rows.
    pub fill_sample_rows: Able,
}

/// The drift line.
#[derive(Debug, Clone, Serialize)]
pub struct DriftLine {
    /// `Drift: 7 installed. No drift.`, or `Compared with prod.sqlite: …` after an import.
    pub text: String,
    /// Whether the set's tool would refuse to migrate the database.
    pub bad: bool,
    /// Whether to show it: when it is bad, or when a database was imported.
    pub shown: bool,
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// The sentence that says where the set came from.
fn source_text(source: &Source, migrations: usize) -> String {
    let n = plural(migrations, "migration");
    match source.kind {
        SourceKind::Bundled => format!("The bundled set: {n}."),
        SourceKind::Files => format!("Your set: {n} from {}.", plural(source.files, "file")),
        SourceKind::Edited => format!("Your set, edited: {n}."),
        SourceKind::Link => format!("A shared set: {n} from a link."),
    }
}

/// A stable fingerprint of a set: its flavor and its files (name and text).
pub fn set_id(set: &MigrationSet) -> String {
    let mut hash = Sha256::new();
    hash.update(set.flavor().flavor.name().as_bytes());
    for (name, text) in set.files() {
        // Lengths first, so no two different sets hash the same bytes.
        hash.update((name.len() as u64).to_le_bytes());
        hash.update(name.as_bytes());
        hash.update((text.len() as u64).to_le_bytes());
        hash.update(text.as_bytes());
    }
    hex::encode(&hash.finalize()[..16])
}

/// The steps toward `target`, or the engine's refusal: a set with broken files,
/// then the plan's (dirty, modified, missing, irreversible). A dry run: no database is touched.
fn dry_run(set: &MigrationSet, rows: &[AppliedRow], target: Target) -> Result<usize> {
    if !set.problems().is_empty() {
        return Err(Error::Unusable(set.problems().to_vec()));
    }
    Ok(plan::plan(set, rows, target)?.len())
}

/// Whether a step toward `target` can act: not when it would be refused, nor when it has `nothing` to do.
fn step(set: &MigrationSet, rows: &[AppliedRow], target: Target, nothing: &str) -> Able {
    match dry_run(set, rows, target) {
        Err(e) => Able::no(e.to_string()),
        Ok(0) => Able::no(nothing),
        Ok(_) => Able::yes(),
    }
}

/// The view of `pg`, loaded from `source`, with `imported` the database file it was opened from.
pub fn build(pg: &Playground, source: &Source, imported: Option<&str>) -> Result<View> {
    let set = pg.set();
    let status = pg.status()?;
    let applied: Vec<AppliedRow> = history::applied_for(pg.connection(), set)?;
    let rows: Vec<Row> = status
        .iter()
        .map(|s| {
            let m = set.get(s.version);
            let mut files: Vec<String> = m.map(|m| m.sources.iter().map(|(name, _)| name.clone()).collect()).unwrap_or_default();
            files.dedup();
            Row {
                version: s.version,
                description: s.description.clone(),
                state: s.state,
                checksum: s.checksum.clone(),
                up_file: m.map(|m| m.up.file.clone()),
                down_file: m.and_then(|m| m.down.as_ref().map(|d| d.file.clone())),
                files,
                in_set: m.is_some(),
            }
        })
        .collect();
    let mut targets = vec![TargetOption { value: "0".into(), label: "0 — before the first (empty)".into() }];
    targets.extend(rows.iter().filter(|r| r.in_set).map(|r| TargetOption { value: r.version.to_string(), label: format!("{} — {}", r.version, r.description) }));
    let current = rows.iter().filter(|r| r.in_set && r.state != State::Pending).map(|r| r.version).max().unwrap_or(0);

    // Planned to where it stands: refused exactly when any choice would be (the
    // refusals of states), and acting, since another choice moves.
    let migrate_to = match dry_run(set, &applied, Target::To(current)) {
        Err(e) => Able::no(e.to_string()),
        Ok(_) => Able::yes(),
    };
    let bundled = source.kind == SourceKind::Bundled;
    let schema = pg.schema()?;
    let actions = Actions {
        apply_next: step(set, &applied, Target::Next, "every migration is applied"),
        revert_last: step(set, &applied, Target::Last, "nothing is applied"),
        apply_all: step(set, &applied, Target::Up(None), "every migration is applied"),
        revert_all: step(set, &applied, Target::Down(None), "nothing is applied"),
        migrate_to,
        // The light build can verify too: the page loads the full build for it.
        verify: if set.migrations().is_empty() {
            Able::no("the set has no migrations")
        } else {
            Able::yes()
        },
        read_as: if bundled { Able::no("the bundled set is sqlx's") } else { Able::yes() },
        load_bundled: if bundled { Able::no("the bundled set is loaded") } else { Able::yes() },
        reset_database: Able::yes(),
        export: Able::yes(),
        share: Able::yes(),
        fill_sample_rows: if crate::data::tables(pg.connection(), &schema)?.is_empty() { Able::no("there is no table to fill") } else { Able::yes() },
    };

    let drift = plan::drift(set, &status);
    let prefix = imported.map_or_else(|| "Drift: ".to_string(), |file| format!("Compared with {file}: "));
    let drift = DriftLine { text: format!("{prefix}{}", drift.text), bad: drift.bad, shown: drift.bad || imported.is_some() };

    let diagram = layout(&schema);
    Ok(View {
        sqlite_version: crate::sqlite_version().to_string(),
        limits: Limits::current(),
        source: SourceView {
            kind: source.kind,
            files: source.files,
            name: source.name.clone(),
            flavor: source.flavor,
            text: source_text(source, set.migrations().len()),
        },
        flavor: set.flavor().clone(),
        load_problems: set.problems().to_vec(),
        rows,
        files: set.files().into_iter().map(|(name, text)| SetFile { name, text }).collect(),
        targets,
        current_target: current.to_string(),
        actions,
        drift,
        schema,
        diagram,
        set_id: set_id(set),
        last_step: None,
    })
}

/// Marks the diagram's boxes with what `changes` did to their tables: added, or changed.
pub fn mark(diagram: &mut Diagram, changes: &[Difference]) {
    for b in &mut diagram.boxes {
        let added = changes.iter().any(|c| c.kind == Kind::Table && c.effect() == Effect::Added && c.name == b.table);
        let touched = changes.iter().any(|c| c.table == b.table);
        b.mark = if added {
            Some(Effect::Added)
        } else if touched {
            Some(Effect::Changed)
        } else {
            None
        };
    }
}
