//! The verification report: every figure measured by `verify`, written as
//! JSON (for CI) and as Markdown in the shape of the seed report (for people).

use std::fmt::Write as _;

use serde::Serialize;

use crate::diff::{Change, Difference, Kind};
use crate::finding::{Named, Problem, Stage};
use crate::flavor::Choice;
use crate::lint::{Category, Warning};
use crate::migration::Migration;
use crate::schema::{Schema, Totals};

/// Whether a migration passed every check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Every check passed.
    Pass,
    /// At least one problem.
    Fail,
    /// No defect found, but some stage could not run (an earlier migration failed).
    NotTested,
}

/// How one stage of a migration went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Ran and passed.
    Pass,
    /// Ran and failed (an error, or a different schema).
    Fail,
    /// Did not run: an earlier stage failed.
    NotTested,
}

/// How a migration's down went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DownResult {
    /// Ran and left exactly the schema from before the up.
    Pass,
    /// Ran, but left a different schema.
    Fail,
    /// Failed with an error (and was rolled back).
    Error,
    /// The migration is irreversible (no down file).
    None,
    /// Never reached (its up did not run).
    NotTested,
}

/// What one up added to the schema.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Created {
    /// New tables with their column counts.
    pub tables: Vec<TableCount>,
    /// Columns added to tables that existed (`table.column`).
    pub columns: Vec<String>,
    /// New indexes, by name.
    pub indexes: Vec<String>,
    /// New triggers, by name.
    pub triggers: Vec<String>,
    /// New views, by name.
    pub views: Vec<String>,
    /// New foreign keys, as `table (cols) → target(cols) ON DELETE …`.
    pub foreign_keys: Vec<String>,
    /// New CHECK constraints.
    pub checks: usize,
}

/// A table's name and size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableCount {
    /// The table.
    pub name: String,
    /// Its column count.
    pub columns: usize,
    /// Its index count (CREATE INDEX).
    pub indexes: usize,
    /// Its trigger count.
    pub triggers: usize,
    /// Its foreign key count.
    pub foreign_keys: usize,
}

impl Created {
    /// What the differences from before an up to after it (`now`) created.
    pub fn from_changes(added: &[Difference], now: &Schema) -> Self {
        let mut c = Created::default();
        let names = |kind: Kind| -> Vec<String> {
            added.iter().filter(|d| d.kind == kind && d.change == Change::StillThere).map(|d| d.name.clone()).collect()
        };
        for name in names(Kind::Table) {
            if let Some(t) = now.tables.iter().find(|t| t.name == name) {
                c.tables.push(TableCount::of(t));
                c.checks += t.checks.len();
                c.foreign_keys.extend(foreign_keys(t));
            }
        }
        c.columns = names(Kind::Column);
        c.indexes = names(Kind::Index);
        c.triggers = names(Kind::Trigger);
        c.views = names(Kind::View);
        for d in added.iter().filter(|d| d.change == Change::StillThere) {
            match d.kind {
                Kind::ForeignKey => c.foreign_keys.push(format!("{} {}", d.name, d.detail)),
                Kind::Check => c.checks += 1,
                _ => {}
            }
        }
        c
    }
}

impl TableCount {
    fn of(t: &crate::schema::Table) -> Self {
        TableCount {
            name: t.name.clone(),
            columns: t.columns.len(),
            indexes: t.indexes.len(),
            triggers: t.triggers.len(),
            foreign_keys: t.foreign_keys.len(),
        }
    }
}

/// One migration's results.
#[derive(Debug, Clone, Serialize)]
pub struct MigrationReport {
    /// Version.
    pub version: i64,
    /// Description.
    pub description: String,
    /// The up (or simple) file.
    pub up_file: String,
    /// The down file, if any.
    pub down_file: Option<String>,
    /// Pass, fail, or not tested.
    pub status: Status,
    /// How the first up went.
    pub up: Outcome,
    /// The first up, in milliseconds (None when it failed or did not run).
    pub up_ms: Option<f64>,
    /// The down, in milliseconds.
    pub down_ms: Option<f64>,
    /// The up again after the staircase, in milliseconds.
    pub up_again_ms: Option<f64>,
    /// How the down went.
    pub down: DownResult,
    /// How the up again went: pass when it gave the same schema as the first up.
    /// Not tested for a migration with no down (nothing was reverted). After a
    /// down that leaked or failed, it ran on a rebuilt database.
    pub up_again: Outcome,
    /// After a down that leaked: whether the up ran without error on what that down
    /// left (as an operator who rolls back and forward would). None when the down was clean.
    pub up_on_left: Option<Outcome>,
    /// What the up created.
    pub created: Created,
    /// What the up changed in the schema: objects added, removed and changed.
    #[serde(serialize_with = "crate::diff::serialize_steps")]
    pub changes: Vec<Difference>,
    /// Every problem found; empty when it passed.
    #[serde(serialize_with = "crate::finding::with_text")]
    pub problems: Vec<Problem>,
    /// Where to look for each problem, in the same order (set by `settle`):
    /// the page links a finding to its file and line, and to its table.
    pub places: Vec<Place>,
    /// What the seeded rows went through (none when data checks are off), with its line as `text`.
    #[serde(serialize_with = "data_with_text")]
    pub data: Option<DataReport>,
}

/// What one migration did to the rows verify seeded (a down that loses rows
/// is a problem of the migration; what the up does to rows is said here).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DataReport {
    /// Rows seeded before the up.
    pub seeded: usize,
    /// Of the rows the tables had before the up, those it kept as they were.
    pub kept: usize,
    /// Those it changed (some value differs).
    pub changed: usize,
    /// Those it removed (in tables still there).
    pub removed: usize,
    /// Tables that could not be seeded, each with the reason.
    #[serde(serialize_with = "not_seeded_with_text")]
    pub not_seeded: Vec<crate::seed::NotSeeded>,
    /// What the up did to rows: warnings, not failures (an up may mean to), each with its words.
    #[serde(serialize_with = "warnings_with_text")]
    pub up: Vec<DataWarning>,
    /// Why rows were not checked from this migration on, when they were not.
    pub stopped: Option<String>,
}

/// What an up did to a table's rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DataWarning {
    /// The migration's version.
    pub version: i64,
    /// What the table lost.
    #[serde(flatten)]
    pub loss: crate::data::TableLoss,
    /// The up's last statement about the table, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<crate::error::Location>,
}

impl std::fmt::Display for DataWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "up of {} {}", self.version, self.loss.words(false))
    }
}

fn data_with_text<S: serde::Serializer>(data: &Option<DataReport>, s: S) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Shown<'a> {
        #[serde(flatten)]
        value: &'a DataReport,
        text: String,
    }
    data.as_ref().map(|value| Shown { value, text: value.line() }).serialize(s)
}

fn warnings_with_text<S: serde::Serializer>(items: &[DataWarning], s: S) -> Result<S::Ok, S::Error> {
    crate::finding::serialize_with_text(items, DataWarning::to_string, s)
}

fn not_seeded_with_text<S: serde::Serializer>(items: &[crate::seed::NotSeeded], s: S) -> Result<S::Ok, S::Error> {
    crate::finding::serialize_with_text(items, |n| format!("could not seed {}: {}", n.table, n.reason), s)
}

impl DataReport {
    /// `12 rows seeded; the up kept 12 of 12 rows` (and what it changed or removed).
    pub fn line(&self) -> String {
        let before = self.kept + self.changed + self.removed;
        let mut line = format!("{} seeded; the up kept {} of {}", count(self.seeded, "row"), self.kept, count(before, "row"));
        if self.changed > 0 {
            line.push_str(&format!(", changed {}", self.changed));
        }
        if self.removed > 0 {
            line.push_str(&format!(", removed {}", self.removed));
        }
        line
    }
}

impl MigrationReport {
    /// A migration not yet tested.
    pub fn new(m: &Migration) -> Self {
        MigrationReport {
            version: m.version,
            description: m.description.clone(),
            up_file: m.up.file.clone(),
            down_file: m.down.as_ref().map(|d| d.file.clone()),
            status: Status::NotTested,
            up: Outcome::NotTested,
            up_ms: None,
            down_ms: None,
            up_again_ms: None,
            down: DownResult::NotTested,
            up_again: Outcome::NotTested,
            up_on_left: None,
            created: Created::default(),
            changes: Vec::new(),
            problems: Vec::new(),
            places: Vec::new(),
            data: None,
        }
    }

    /// Settles the status from the problems found, and where each is.
    pub fn settle(&mut self) {
        self.places = self.problems.iter().map(|p| self.place(p)).collect();
        self.status = if self.problems.iter().any(|p| !p.is_not_tested()) {
            Status::Fail
        } else if !self.problems.is_empty() || self.up == Outcome::NotTested {
            Status::NotTested
        } else {
            Status::Pass
        };
    }

    /// The file a stage runs: the down file for the down, else the up file.
    pub fn stage_file(&self, stage: Stage) -> &str {
        match (stage, &self.down_file) {
            (Stage::Down, Some(down)) => down,
            _ => &self.up_file,
        }
    }

    /// Where to look for one of its problems: the statement it names, else
    /// line 1 of the file of its stage; and the table it is about, if any.
    pub fn place(&self, p: &Problem) -> Place {
        let (location, table) = match p {
            Problem::Failed { location, .. } => (location.as_ref(), None),
            Problem::Differs { difference, location, .. } => (location.as_ref(), Some(difference.table.clone())),
            Problem::Data { loss, location, .. } => (location.as_ref(), Some(loss.table.clone())),
            Problem::EmptyDown { file } => return Place { file: file.clone(), line: 1, table: None },
            Problem::Integrity { .. } | Problem::NotTested { .. } => (None, None),
        };
        let (file, line) = match location {
            Some(l) => (l.file.clone(), l.line.max(1)),
            None => (self.stage_file(p.stage()).to_string(), 1),
        };
        Place { file, line, table: table.filter(|t| !t.is_empty()) }
    }

    /// `20250115010000 create tasks`.
    pub fn label(&self) -> String {
        format!("{} {}", self.version, self.description)
    }
}

/// Where a problem is: a file of the set, a line of it, and the table it is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Place {
    /// The file.
    pub file: String,
    /// The line, 1-based.
    pub line: usize,
    /// The table the problem is about (a difference's or a loss's), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
}

/// One of the three integration tests: how it went, and the sqlx-cli log lines.
#[derive(Debug, Clone, Serialize)]
pub struct Phase {
    /// Passed for every migration it could test (`ok` is false when it failed or tested nothing).
    pub ok: bool,
    /// Migrations this stage ran.
    pub ran: usize,
    /// Of those, how many failed.
    pub failed: usize,
    /// Migrations it could not test (an earlier stage failed).
    pub not_tested: usize,
    /// The `Applied …` lines with their times.
    pub log: Vec<String>,
}

impl Phase {
    /// A stage's result over the migrations, from each one's outcome.
    pub fn of(outcomes: impl Iterator<Item = Outcome>, log: Vec<String>) -> Phase {
        let (mut ran, mut failed, mut not_tested) = (0, 0, 0);
        for o in outcomes {
            match o {
                Outcome::Pass => ran += 1,
                Outcome::Fail => (ran, failed) = (ran + 1, failed + 1),
                Outcome::NotTested => not_tested += 1,
            }
        }
        Phase { ok: ran > 0 && failed == 0 && not_tested == 0, ran, failed, not_tested, log }
    }

    /// How it went, in a few words: `PASS`, `FAIL (2 of 5)`, `NOT TESTED`.
    fn verdict(&self) -> String {
        match (self.ran, self.failed, self.not_tested) {
            (0, _, _) => "NOT TESTED".to_string(),
            (_, 0, 0) => "PASS".to_string(),
            (r, 0, n) => format!("PASS for the {r} it could test ({n} not tested)"),
            (r, f, 0) => format!("FAIL ({f} of {r})"),
            (r, f, n) => format!("FAIL ({f} of the {r} it could test; {n} not tested)"),
        }
    }
}

/// The three integration tests of the seed report.
#[derive(Debug, Clone, Serialize)]
pub struct Tests {
    /// Test 1: sequential up.
    pub up: Phase,
    /// Test 2: sequential down: the full rollback, every down in turn on one database.
    pub down: Phase,
    /// Test 3: up again, compared with the first up (migrations with a down).
    pub cycle: Phase,
}

/// What a down of the full rollback left different from the schema before its up
/// that the downs before it had not already left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeftBehind {
    /// The migration whose down it was.
    pub by: Named,
    /// How the schema after it differs from the one before its up.
    #[serde(serialize_with = "crate::diff::serialize_steps")]
    pub differences: Vec<Difference>,
}

impl std::fmt::Display for LeftBehind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown: Vec<String> = self.differences.iter().take(3).map(|d| d.to_string()).collect();
        let more = self.differences.len().saturating_sub(3);
        let tail = if more > 0 { format!(" and {more} more") } else { String::new() };
        write!(f, "the down of {} left {}{tail}", self.by, shown.join(", "))
    }
}

/// The full rollback: from the latest version to 0 on one database, each down in
/// turn with no rebuild, as the tool's own `down` to 0 runs them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "result")]
pub enum FullRollback {
    /// Nothing to roll back (no up applied).
    NotRun {
        /// Why.
        why: String,
    },
    /// Reached 0 with the schema from before the first up.
    Clean {
        /// The version it started from.
        from: i64,
        /// Downs that ran.
        reverted: usize,
    },
    /// Reached 0, but the schema is not what it was before the first up.
    Reached {
        /// The version it started from.
        from: i64,
        /// Downs that ran.
        reverted: usize,
        /// Each down that left a difference, in the order they ran.
        left_behind: Vec<LeftBehind>,
    },
    /// Stopped at a migration with no down: the tool cannot revert it.
    Irreversible {
        /// The version it started from.
        from: i64,
        /// Downs that ran before it stopped.
        reverted: usize,
        /// The migration with no down.
        at: Named,
        /// Each down that left a difference before it stopped.
        left_behind: Vec<LeftBehind>,
    },
    /// A down failed with an error.
    Fails {
        /// The version it started from.
        from: i64,
        /// Downs that ran before the one that failed.
        reverted: usize,
        /// The migration whose down failed.
        at: Named,
        /// The file, statement and line that failed.
        location: Option<crate::error::Location>,
        /// SQLite's (or migraplay's) message.
        message: String,
        /// What became of what the down did before it failed.
        undo: crate::finding::Undo,
        /// Each earlier down that left a difference (what the failing down may have met).
        left_behind: Vec<LeftBehind>,
    },
}

impl FullRollback {
    /// Whether the rollback broke (a down failed): that fails the verdict.
    pub fn breaks(&self) -> bool {
        matches!(self, FullRollback::Fails { .. })
    }

    fn left_behind(&self) -> &[LeftBehind] {
        match self {
            FullRollback::Reached { left_behind, .. } | FullRollback::Irreversible { left_behind, .. } | FullRollback::Fails { left_behind, .. } => left_behind,
            _ => &[],
        }
    }
}

impl std::fmt::Display for FullRollback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FullRollback::NotRun { why } => write!(f, "not run: {why}")?,
            FullRollback::Clean { from, reverted } => {
                write!(f, "from {from} to 0, cleanly ({}, the schema as before the first up)", count(*reverted, "down"))?
            }
            FullRollback::Reached { from, reverted, .. } => {
                write!(f, "from {from} to 0 ({}), but the schema is not as before the first up", count(*reverted, "down"))?
            }
            FullRollback::Irreversible { reverted: 0, at, .. } => write!(f, "cannot start: the latest migration, {at}, has no down")?,
            FullRollback::Irreversible { from, reverted, at, .. } => {
                write!(f, "from {from}, stops at {at}: it has no down ({} ran before it)", count(*reverted, "down"))?
            }
            FullRollback::Fails { from, reverted, at, location, message, .. } => {
                write!(f, "fails at {at}, after {} from {from}: ", count(*reverted, "down"))?;
                if let Some(l) = location {
                    write!(f, "{l}: ")?;
                }
                f.write_str(message)?;
            }
        }
        let left = self.left_behind();
        if !left.is_empty() {
            let shown: Vec<String> = left.iter().rev().take(3).map(|l| l.to_string()).collect();
            let more = left.len().saturating_sub(3);
            let tail = if more > 0 { format!("; and {more} earlier") } else { String::new() };
            let word = if self.breaks() { "before it, " } else { "on the way, " };
            write!(f, "; {word}{}{tail}", shown.join("; "))?;
        }
        Ok(())
    }
}

fn rollback_with_text<S: serde::Serializer>(r: &FullRollback, s: S) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Shown<'a> {
        #[serde(flatten)]
        value: &'a FullRollback,
        text: String,
    }
    Shown { value: r, text: r.to_string() }.serialize(s)
}

/// Timings over the first ups.
#[derive(Debug, Clone, Serialize)]
pub struct Performance {
    /// The fastest up, in milliseconds, and its migration.
    pub smallest_ms: f64,
    /// Which migration was fastest.
    pub smallest: String,
    /// The slowest up, in milliseconds.
    pub largest_ms: f64,
    /// Which migration was slowest.
    pub largest: String,
    /// The mean up time, in milliseconds.
    pub average_ms: f64,
    /// All ups together, in milliseconds.
    pub total_ms: f64,
}

/// What a reviewer reads first: counts, and each failing migration with its first problem.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Migrations that passed every check.
    pub passed: usize,
    /// Migrations with at least one defect.
    pub failed: usize,
    /// Migrations with no defect found but a stage that could not run.
    pub not_tested: usize,
    /// How the downs went.
    pub downs: DownCounts,
    /// The failing migrations, each with its first problem and how many more it has.
    pub failing: Vec<Failing>,
    /// The headline: `PASS: …` or `FAIL: …`.
    pub headline: String,
    /// UP→DOWN→UP in words: what re-ran where.
    pub repeatability: String,
    /// What the ups did to the seeded rows (removed, emptied, changed), every migration's.
    pub destroyed: Vec<DataWarning>,
}

/// How the downs went.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct DownCounts {
    /// Downs that ran (pass, fail and error together).
    pub ran: usize,
    /// Left exactly the schema from before the up.
    pub passed: usize,
    /// Ran but left a different schema.
    pub left_differences: usize,
    /// Failed with an error.
    pub errored: usize,
    /// Migrations with no down.
    pub irreversible: usize,
    /// Not reached.
    pub not_tested: usize,
}

/// A failing migration in the summary.
#[derive(Debug, Clone, Serialize)]
pub struct Failing {
    /// Version.
    pub version: i64,
    /// Description.
    pub description: String,
    /// Its first problem, in words.
    pub problem: String,
    /// How many more problems it has.
    pub more: usize,
    /// The line as shown: `2 create books: up failed: … (and 2 more problems)`.
    pub text: String,
    /// Where its first problem is.
    pub place: Option<Place>,
}

impl Summary {
    fn of(migrations: &[MigrationReport], rollback: &FullRollback) -> Summary {
        let with = |s: Status| migrations.iter().filter(|m| m.status == s).count();
        let (passed, failed, not_tested) = (with(Status::Pass), with(Status::Fail), with(Status::NotTested));
        let mut downs = DownCounts::default();
        for m in migrations {
            match m.down {
                DownResult::Pass => (downs.ran, downs.passed) = (downs.ran + 1, downs.passed + 1),
                DownResult::Fail => (downs.ran, downs.left_differences) = (downs.ran + 1, downs.left_differences + 1),
                DownResult::Error => (downs.ran, downs.errored) = (downs.ran + 1, downs.errored + 1),
                DownResult::None => downs.irreversible += 1,
                DownResult::NotTested => downs.not_tested += 1,
            }
        }
        let failing: Vec<Failing> = migrations
            .iter()
            .filter(|m| m.status == Status::Fail)
            .map(|m| {
                let defects: Vec<&Problem> = m.problems.iter().filter(|p| !p.is_not_tested()).collect();
                let problem = defects.first().map(|p| p.to_string()).unwrap_or_default();
                let more = defects.len().saturating_sub(1);
                let tail = if more > 0 { format!(" (and {more} more)") } else { String::new() };
                let text = format!("{}: {problem}{tail}", m.label());
                let place = defects.first().map(|p| m.place(p));
                Failing { version: m.version, description: m.description.clone(), problem, more, text, place }
            })
            .collect();
        let n = migrations.len();
        let irreversible = downs.irreversible;
        let headline = if failed == 0 && not_tested == 0 && !rollback.breaks() {
            match (n, irreversible) {
                (1, 0) => "PASS: the 1 migration applies, reverts and re-applies cleanly.".to_string(),
                (1, 1) => "PASS: the 1 migration applies; it has no down, so nothing was reverted.".to_string(),
                (n, 0) => format!("PASS: all {n} migrations apply, revert and re-apply cleanly."),
                (n, i) if i == n => format!("PASS: {n} migrations apply; none has a down, so nothing was reverted."),
                (n, i) => format!("PASS: all {n} migrations apply; {} revert and re-apply cleanly; {i} {} no down (irreversible).", n - i, if i == 1 { "has" } else { "have" }),
            }
        } else {
            let versions: Vec<i64> = failing.iter().map(|f| f.version).collect();
            let mut parts = vec![format!("{failed} of {} failing ({})", count(n, "migration"), first_few(&versions))];
            if let FullRollback::Fails { at, .. } = rollback {
                parts.push(format!("the full rollback fails at {}", at.version));
            }
            if not_tested > 0 {
                parts.push(format!("{not_tested} not tested"));
            }
            parts.push(format!("{passed} passing"));
            if irreversible > 0 {
                parts.push(format!("{irreversible} irreversible"));
            }
            format!("FAIL: {}.", parts.join(", "))
        };
        let destroyed = migrations.iter().filter_map(|m| m.data.as_ref()).flat_map(|d| d.up.iter().cloned()).collect();
        Summary { passed, failed, not_tested, downs, failing, headline, repeatability: repeatability(migrations), destroyed }
    }
}

/// UP→DOWN→UP in words, claiming only what ran: how many re-ran on their own down's
/// database, how many only on a rebuilt one (their down leaked or failed), how many
/// have no down to re-run after.
fn repeatability(migrations: &[MigrationReport]) -> String {
    let ran = |m: &&MigrationReport| m.up_again != Outcome::NotTested;
    let own: Vec<&MigrationReport> = migrations.iter().filter(|m| m.down == DownResult::Pass).filter(ran).collect();
    let rebuilt: Vec<&MigrationReport> = migrations.iter().filter(|m| matches!(m.down, DownResult::Fail | DownResult::Error)).filter(ran).collect();
    let same = |ms: &[&MigrationReport]| ms.iter().filter(|m| m.up_again == Outcome::Pass).count();
    let irreversible = migrations.iter().filter(|m| m.down == DownResult::None).count();
    let reversible_not_run = migrations.iter().filter(|m| m.down != DownResult::None && m.up_again == Outcome::NotTested).count();
    if own.is_empty() && rebuilt.is_empty() {
        return if irreversible == migrations.len() && irreversible > 0 {
            "not tested: no migration has a down, so none was reverted and re-applied".to_string()
        } else {
            "not tested (no up ran again)".to_string()
        };
    }
    let (r, f, nt) = (own.len(), own.len() - same(&own), reversible_not_run);
    if rebuilt.is_empty() && irreversible == 0 {
        return match (f, nt) {
            (0, 0) => format!("UP→DOWN→UP gives the same schema for all {r}"),
            (0, nt) => format!("UP→DOWN→UP gives the same schema for the {r} it could test; {nt} not tested"),
            (f, 0) => format!("UP→DOWN→UP does NOT give the same schema for {f} of {r}"),
            (f, nt) => format!("UP→DOWN→UP does NOT give the same schema for {f} of the {r} it could test; {nt} not tested"),
        };
    }
    let mut parts = Vec::new();
    match (r, f) {
        (0, _) => {}
        (r, 0) => parts.push(format!("UP→DOWN→UP gives the same schema for the {r} whose down restored the schema")),
        (r, f) => parts.push(format!("UP→DOWN→UP does NOT give the same schema for {f} of the {r} whose down restored the schema")),
    }
    if !rebuilt.is_empty() {
        let on_left = rebuilt.iter().filter(|m| m.up_on_left.is_some()).count();
        let failed_on_left = rebuilt.iter().filter(|m| m.up_on_left == Some(Outcome::Fail)).count();
        let mut text = format!(
            "{} re-ran only on a rebuilt database, because their down leaked or failed ({} the same schema there)",
            rebuilt.len(),
            same(&rebuilt)
        );
        if on_left > 0 {
            text.push_str(&format!("; run on what the down left, {failed_on_left} of {on_left} fail"));
        }
        parts.push(text);
    }
    if irreversible > 0 {
        parts.push(format!("{irreversible} {} no down, so {} not re-run", if irreversible == 1 { "has" } else { "have" }, if irreversible == 1 { "was" } else { "were" }));
    }
    if reversible_not_run > 0 {
        parts.push(format!("{reversible_not_run} not tested"));
    }
    parts.join("; ")
}

/// The whole verification report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// True when every migration passed.
    pub ok: bool,
    /// The tool whose rules the set was read and run by, and why.
    pub flavor: Choice,
    /// Files that could not be loaded, each naming its file (the rest was verified).
    pub load_problems: Vec<String>,
    /// Counts and the failing migrations.
    pub summary: Summary,
    /// The full rollback from the latest version to 0 on one database, with its words as `text`.
    #[serde(serialize_with = "rollback_with_text")]
    pub full_rollback: FullRollback,
    /// Per migration, in version order.
    pub migrations: Vec<MigrationReport>,
    /// Schema totals after the last up that ran.
    pub totals: Totals,
    /// Per table after the last up: columns, indexes, triggers, foreign keys.
    pub tables: Vec<TableCount>,
    /// Foreign keys after the last up.
    pub foreign_keys: Vec<String>,
    /// Lint warnings (they do not fail the run), safety first.
    pub lint: Vec<Warning>,
    /// Lint counts per code, safety first: `[{category, code, count}]`.
    pub lint_counts: Vec<LintCount>,
    /// Whether style rules are shown (`--lint style=off` hides them).
    pub style_lint: bool,
    /// The lint counts in words, safety first: `0 safety warnings; 6 style warnings (…)`.
    pub lint_summary: String,
    /// What ran, failed and was not tested, per stage, in words (the page's counts line).
    pub counts: String,
    /// The three integration tests.
    pub tests: Tests,
    /// Timings over the first ups (None when no up ran).
    pub performance: Option<Performance>,
    /// The SQLite version that ran the migrations.
    pub sqlite_version: String,
    /// This migraplay's version.
    pub migraplay_version: String,
    /// Where it ran: a browser's user agent, or native.
    pub ran_on: String,
    /// The date it ran (UTC, YYYY-MM-DD).
    pub date: String,
}

/// How many warnings one lint code gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LintCount {
    /// Safety or style.
    pub category: Category,
    /// The code.
    pub code: &'static str,
    /// How many warnings.
    pub count: usize,
}

fn lint_counts(lint: &[Warning]) -> Vec<LintCount> {
    crate::lint::counts(lint).into_iter().map(|(category, code, count)| LintCount { category, code, count }).collect()
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

impl Report {
    /// Assembles a report from the measurements of a run.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        migrations: Vec<MigrationReport>,
        flavor: Choice,
        load_problems: Vec<String>,
        last: &Schema,
        lint: Vec<Warning>,
        logs: [Vec<String>; 3],
        full_rollback: FullRollback,
        ran_on: &str,
    ) -> Self {
        let timed: Vec<(f64, String)> = migrations.iter().filter_map(|m| m.up_ms.map(|t| (t, m.label()))).collect();
        let performance = (!timed.is_empty()).then(|| {
            let min = timed.iter().min_by(|a, b| a.0.total_cmp(&b.0)).unwrap();
            let max = timed.iter().max_by(|a, b| a.0.total_cmp(&b.0)).unwrap();
            let total: f64 = timed.iter().map(|t| t.0).sum();
            Performance {
                smallest_ms: min.0,
                smallest: min.1.clone(),
                largest_ms: max.0,
                largest: max.1.clone(),
                average_ms: round3(total / timed.len() as f64),
                total_ms: round3(total),
            }
        });
        let [up_log, rollback_log, again_log] = logs;
        let applied = migrations.iter().filter(|m| m.up == Outcome::Pass).count();
        let rollback = match &full_rollback {
            FullRollback::NotRun { .. } => Phase { ok: false, ran: 0, failed: 0, not_tested: applied, log: rollback_log },
            FullRollback::Clean { reverted, .. } => Phase { ok: true, ran: *reverted, failed: 0, not_tested: 0, log: rollback_log },
            FullRollback::Reached { reverted, left_behind, .. } => {
                Phase { ok: false, ran: *reverted, failed: left_behind.len(), not_tested: 0, log: rollback_log }
            }
            FullRollback::Irreversible { reverted, left_behind, .. } => {
                Phase { ok: false, ran: *reverted, failed: left_behind.len(), not_tested: applied - reverted, log: rollback_log }
            }
            FullRollback::Fails { reverted, left_behind, .. } => {
                Phase { ok: false, ran: reverted + 1, failed: left_behind.len() + 1, not_tested: applied - reverted - 1, log: rollback_log }
            }
        };
        let reversible = migrations.iter().filter(|m| m.down != DownResult::None);
        let tests = Tests {
            up: Phase::of(migrations.iter().map(|m| m.up), up_log),
            down: rollback,
            cycle: Phase::of(reversible.map(|m| m.up_again), again_log),
        };
        let mut summary = Summary::of(&migrations, &full_rollback);
        if !load_problems.is_empty() {
            let files = count(load_problems.len(), "file");
            summary.headline = match summary.headline.strip_prefix("PASS: ") {
                Some(rest) => format!("FAIL: {files} could not be loaded; of what loaded, {}", lower_first(rest)),
                None => format!("{} {files} could not be loaded.", summary.headline),
            };
        }
        let mut report = Report {
            ok: load_problems.is_empty() && migrations.iter().all(|m| m.status == Status::Pass) && !full_rollback.breaks(),
            full_rollback,
            flavor,
            load_problems,
            summary,
            totals: last.totals,
            tables: last.tables.iter().map(|t| TableCount::of(t)).collect(),
            foreign_keys: last.tables.iter().flat_map(|t| foreign_keys(t)).collect(),
            migrations,
            lint_counts: lint_counts(&lint),
            lint,
            style_lint: true,
            lint_summary: String::new(),
            counts: String::new(),
            tests,
            performance,
            sqlite_version: crate::sqlite_version().to_string(),
            migraplay_version: env!("CARGO_PKG_VERSION").to_string(),
            ran_on: ran_on.to_string(),
            date: today(),
        };
        report.lint_summary = report.lint_line();
        report.counts = report.counts_line();
        report
    }

    /// Shows or hides the style rules' warnings (`--lint style=off`, the page's toggle).
    pub fn set_style_lint(&mut self, on: bool) {
        self.style_lint = on;
        if !on {
            self.lint.retain(|w| w.category != Category::Style);
            self.lint_counts.retain(|c| c.category != Category::Style);
        }
        self.lint_summary = self.lint_line();
    }

    /// The counts of each stage in a line: `Up: 2 ran, 1 failed, 1 not tested. Down: …`.
    fn counts_line(&self) -> String {
        let (up, again, d) = (&self.tests.up, &self.tests.cycle, self.summary.downs);
        format!(
            "Up: {} ran, {} failed, {} not tested. Down: {} ran ({} left the schema as before, {} left a difference, \
             {} stopped on an error), {} irreversible, {} not tested. Up again: {} ran, {} gave another schema or failed, {} not tested.",
            up.ran, up.failed, up.not_tested, d.ran, d.passed, d.left_differences, d.errored, d.irreversible, d.not_tested,
            again.ran, again.failed, again.not_tested
        )
    }

    /// The report as pretty JSON, ending in a newline.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report always serializes") + "\n"
    }

    /// The report as Markdown, in the shape of the seed report.
    pub fn to_markdown(&self) -> String {
        let mut md = String::new();
        self.write_markdown(&mut md).expect("writing to a String cannot fail");
        md
    }

    /// Lint counts in words, safety first: `3 safety warnings (fk-without-index 2, destructive-up 1); 0 style warnings`.
    pub fn lint_line(&self) -> String {
        let mut out = Vec::new();
        for (cat, word) in [(Category::Safety, "safety"), (Category::Style, "style")] {
            if cat == Category::Style && !self.style_lint {
                out.push("style rules off".to_string());
                continue;
            }
            let of: Vec<&LintCount> = self.lint_counts.iter().filter(|c| c.category == cat).collect();
            let total: usize = of.iter().map(|c| c.count).sum();
            let each: Vec<String> = of.iter().map(|c| format!("{} {}", c.code, c.count)).collect();
            let what = if each.is_empty() { String::new() } else { format!(" ({})", each.join(", ")) };
            out.push(format!("{}{what}", count(total, &format!("{word} warning"))));
        }
        out.join("; ")
    }

    fn write_markdown(&self, o: &mut String) -> std::fmt::Result {
        let n = self.migrations.len();
        let s = &self.summary;
        writeln!(o, "# Database Migrations Test Report\n")?;
        writeln!(o, "Generated by migraplay {} from a real run; every figure below was measured.\n", self.migraplay_version)?;
        writeln!(o, "## Test Date\n{}\n", self.date)?;
        writeln!(o, "## Summary")?;
        writeln!(o, "- **Verdict**: {}", s.headline)?;
        writeln!(o, "- **Flavor**: {} ({})", self.flavor.flavor, md(&self.flavor.why))?;
        if !self.load_problems.is_empty() {
            writeln!(o, "- **Could not load**:")?;
            for p in &self.load_problems {
                writeln!(o, "  - {}", md(p))?;
            }
        }
        writeln!(o, "- **Total Migrations**: {n}: {} passing, {} failing, {} not tested", s.passed, s.failed, s.not_tested)?;
        if !s.failing.is_empty() {
            writeln!(o, "- **Failing**:")?;
            for f in &s.failing {
                writeln!(o, "  - {}", md(&f.text))?;
            }
        }
        let t = &self.tests;
        writeln!(o, "- **UP**: {} ran, {} failed, {} not tested", t.up.ran, t.up.failed, t.up.not_tested)?;
        let d = s.downs;
        writeln!(
            o,
            "- **DOWN**: {} ran ({} left the schema exactly as before its UP, {} left a difference, {} failed with an error), {} irreversible, {} not tested",
            d.ran, d.passed, d.left_differences, d.errored, d.irreversible, d.not_tested
        )?;
        writeln!(o, "- **Full rollback**: {}", md(&self.full_rollback.to_string()))?;
        writeln!(o, "- **Repeatability**: {}", md(&s.repeatability))?;
        if s.destroyed.is_empty() {
            if self.migrations.iter().any(|m| m.data.is_some()) {
                writeln!(o, "- **Rows the ups destroy**: none of the seeded rows")?;
            }
        } else {
            writeln!(o, "- **Rows the ups destroy** (of the seeded rows; an up may mean to):")?;
            for w in &s.destroyed {
                let at = w.location.as_ref().map(|l| format!(" ({l})")).unwrap_or_default();
                writeln!(o, "  - {}{}", md(&w.to_string()), md(&at))?;
            }
        }
        writeln!(o, "- **Lint**: {}\n", self.lint_line())?;

        writeln!(o, "## Migration Details\n")?;
        for m in &self.migrations {
            write_migration(o, m)?;
        }

        writeln!(o, "## Integration Tests\n")?;
        let whole = matches!(self.full_rollback, FullRollback::Clean { .. }) && self.migrations.iter().all(|m| m.down == DownResult::Pass);
        let cycle_claim = if whole {
            "applying again after reverting everything gives the same schema, step by step".to_string()
        } else {
            "each up with a down applied again after that down (on a rebuilt database where the down leaked or failed), \
             compared with the first up; the set as a whole did not go down to 0 cleanly on one database (see Test 2)"
                .to_string()
        };
        let tests = [
            ("Test 1: Sequential UP Migration", &t.up, "every migration applied in order".to_string(), None),
            (
                "Test 2: Sequential DOWN Migration",
                &t.down,
                "every migration reverted in reverse order on one database, back to the schema from before the first UP".to_string(),
                Some(self.full_rollback.to_string()),
            ),
            ("Test 3: UP→DOWN→UP Cycle", &t.cycle, cycle_claim, None),
        ];
        for (title, phase, claim, words) in tests {
            writeln!(o, "### {title}\n```")?;
            for line in &phase.log {
                writeln!(o, "{}", line.replace("```", "'''"))?;
            }
            writeln!(o, "```")?;
            let result = match (phase.ok, phase.failed, words) {
                (true, _, _) => format!("PASS - {claim}"),
                (false, _, Some(words)) if phase.failed == 0 => format!("NOT RUN to 0 - {}", md(&words)),
                (false, _, Some(words)) => format!("FAIL - {}", md(&words)),
                (false, _, None) if phase.ran == 0 && phase.not_tested == 0 => "NOT TESTED - no migration has a down, so none was reverted".to_string(),
                (false, 0, None) => phase.verdict(),
                (false, _, None) => format!("{} - see the problems above", phase.verdict()),
            };
            writeln!(o, "**Result**: {result}\n")?;
        }

        let t = &self.totals;
        writeln!(o, "## Database Schema Verification\n")?;
        writeln!(o, "### Tables Created")?;
        for tc in &self.tables {
            let (c, i) = (count(tc.columns, "column"), count(tc.indexes, "index").replace("indexs", "indexes"));
            let (t, f) = (count(tc.triggers, "trigger"), count(tc.foreign_keys, "foreign key"));
            writeln!(o, "- {} ({c}, {i}, {t}, {f})", md(&tc.name))?;
        }
        writeln!(o, "\n**Total Objects Created**:")?;
        writeln!(o, "- {} ({})", count(t.tables, "table"), count(t.columns, "column"))?;
        writeln!(o, "- {}", count(t.indexes, "index").replace("indexs", "indexes"))?;
        writeln!(o, "- {}", count(t.triggers, "trigger"))?;
        writeln!(o, "- {}", count(t.views, "view"))?;
        writeln!(o, "- {}\n", count(t.foreign_keys, "foreign key relationship"))?;
        writeln!(o, "### Constraints Verified")?;
        writeln!(o, "- PRIMARY KEY constraints: {} (tables with a declared primary key)", t.primary_keys)?;
        writeln!(o, "- FOREIGN KEY constraints: {}{}", t.foreign_keys, md(&list(&self.foreign_keys)))?;
        writeln!(o, "- CHECK constraints: {}", t.checks)?;
        writeln!(o, "- DEFAULT values: {}\n", t.defaults)?;

        writeln!(o, "## SQL Validation\n")?;
        writeln!(o, "Lint: {}.\n", self.lint_line())?;
        if !self.lint.is_empty() {
            writeln!(o, "They do not fail the run; safety rules first:\n")?;
            for w in &self.lint {
                writeln!(o, "- `{}` {}:{} — {}", w.code, md(&w.file), w.line, md(&w.message))?;
            }
            writeln!(o)?;
        }

        writeln!(o, "## Performance Notes")?;
        match &self.performance {
            Some(p) => {
                writeln!(o, "- Smallest migration: {:.3} ms ({})", p.smallest_ms, md(&p.smallest))?;
                writeln!(o, "- Largest migration: {:.3} ms ({})", p.largest_ms, md(&p.largest))?;
                writeln!(o, "- Average migration time: {:.3} ms", p.average_ms)?;
                writeln!(o, "- All migrations together: {:.3} ms\n", p.total_ms)?;
            }
            None => writeln!(o, "- No migration applied.\n")?,
        }

        writeln!(o, "## Tested Against")?;
        writeln!(o, "- SQLite version: {}", self.sqlite_version)?;
        writeln!(o, "- migraplay version: {}", self.migraplay_version)?;
        writeln!(o, "- Ran on: {}\n", md(&self.ran_on))?;
        writeln!(o, "---\n\n**Status**: {}", if self.ok { "All checks PASSING" } else { "FAILING" })
    }
}

fn write_migration(o: &mut String, m: &MigrationReport) -> std::fmt::Result {
    writeln!(o, "### {}", md(&m.label()))?;
    match &m.down_file {
        Some(down) => writeln!(o, "- **File**: `{}` / `{}`", code(&m.up_file), code(down))?,
        None => writeln!(o, "- **File**: `{}` (irreversible)", code(&m.up_file))?,
    }
    let status = match m.status {
        Status::Pass => "PASS",
        Status::Fail => "FAIL",
        Status::NotTested => "NOT TESTED",
    };
    writeln!(o, "- **Status**: {status}")?;
    writeln!(o, "- **Test Results**:")?;
    let c = &m.created;
    let ran = m.up == Outcome::Pass;
    match (m.up, m.up_ms) {
        (Outcome::Pass, Some(t)) => {
            let tables: Vec<String> = c.tables.iter().map(|t| format!("{} ({})", t.name, count(t.columns, "column"))).collect();
            let what = if tables.is_empty() { "no table".to_string() } else { format!("table {}", tables.join(", ")) };
            writeln!(o, "  - UP migration: PASS in {t:.3} ms; creates {}", md(&what))?;
        }
        (Outcome::Fail, _) => writeln!(o, "  - UP migration: FAIL")?,
        _ => writeln!(o, "  - UP migration: not tested")?,
    }
    let step = |change: fn(&Change) -> bool| -> Vec<String> {
        m.changes.iter().filter(|d| change(&d.change)).map(|d| md(&d.object())).collect()
    };
    let adds = step(|c| *c == Change::StillThere);
    let removes = step(|c| *c == Change::Missing);
    let changes: Vec<String> =
        m.changes.iter().filter(|d| matches!(d.change, Change::Changed(_))).map(|d| md(&d.to_string())).collect();
    for (word, items) in [("Adds", adds), ("Removes", removes), ("Changes", changes)] {
        if !items.is_empty() {
            writeln!(o, "  - {word}: {}", items.join("; "))?;
        }
    }
    if ran && m.changes.is_empty() {
        writeln!(o, "  - Schema: unchanged")?;
    }
    if let Some(d) = &m.data {
        writeln!(o, "  - Data: {}", md(&d.line()))?;
        for w in &d.up {
            writeln!(o, "    - {}", md(&w.to_string()))?;
        }
        for n in &d.not_seeded {
            writeln!(o, "    - could not seed {}: {}", md(&n.table), md(&n.reason))?;
        }
        if let Some(why) = &d.stopped {
            writeln!(o, "    - {}", md(why))?;
        }
    }
    if ran {
        if !c.columns.is_empty() {
            writeln!(o, "  - Columns added: {} ({})", c.columns.len(), md(&c.columns.join(", ")))?;
        }
        writeln!(o, "  - Indexes created: {}{}", c.indexes.len(), md(&list(&c.indexes)))?;
        writeln!(o, "  - Triggers created: {}{}", c.triggers.len(), md(&list(&c.triggers)))?;
        if !c.views.is_empty() {
            writeln!(o, "  - Views created: {}{}", c.views.len(), md(&list(&c.views)))?;
        }
        writeln!(o, "  - Foreign keys: {}{}", c.foreign_keys.len(), md(&list(&c.foreign_keys)))?;
        writeln!(o, "  - CHECK constraints: {}", c.checks)?;
    }
    let down = match (m.down, m.down_ms) {
        (DownResult::Pass, Some(t)) => format!("PASS in {t:.3} ms; the schema is exactly as before the UP"),
        (DownResult::Fail, Some(t)) => format!("FAIL (ran in {t:.3} ms, but the schema differs from before the UP)"),
        (DownResult::Error, _) => "FAIL (it stopped on an error, see below)".to_string(),
        (DownResult::None, _) => "none (irreversible migration)".to_string(),
        _ => "not tested".to_string(),
    };
    writeln!(o, "  - DOWN migration: {down}")?;
    let rebuilt = matches!(m.down, DownResult::Fail | DownResult::Error);
    let again = match (m.up_again, m.down, rebuilt) {
        (_, DownResult::None, _) => "not tested (no down, nothing was reverted)",
        (Outcome::Pass, _, false) => "YES",
        (Outcome::Pass, _, true) => "YES on a rebuilt database only (its down did not restore the schema)",
        (Outcome::Fail, _, _) => "NO",
        (Outcome::NotTested, _, _) => "not tested",
    };
    writeln!(o, "  - Repeatable: {again}")?;
    match m.up_on_left {
        Some(Outcome::Pass) => writeln!(o, "  - Up again on what the down left: runs")?,
        Some(Outcome::Fail) => writeln!(o, "  - Up again on what the down left: FAIL (see below)")?,
        _ => {}
    }
    for p in &m.problems {
        writeln!(o, "  - Problem: {}", md(&p.to_string()))?;
    }
    writeln!(o)
}

/// Text from a migration (names, messages) made inert in Markdown: no
/// link, image, emphasis, code, entity or HTML can come of it, and it stays on
/// its line. An underscore inside a word (`2_create_b.up.sql`) is text on every
/// renderer and stays as it is; one at a word's edge (`__old__`) is escaped.
pub(crate) fn md(text: &str) -> String {
    let text = crate::escape::control(&text.replace(['\n', '\r'], " "));
    let chars: Vec<char> = text.chars().collect();
    let word = |i: Option<usize>| i.and_then(|i| chars.get(i)).is_some_and(|c| c.is_alphanumeric());
    let mut out = String::with_capacity(text.len());
    for (i, &ch) in chars.iter().enumerate() {
        match ch {
            '\\' | '`' | '*' | '[' | ']' | '<' | '>' | '|' | '~' | '&' => {
                out.push('\\');
                out.push(ch);
            }
            '_' if !(word(i.checked_sub(1)) && word(Some(i + 1))) => out.push_str("\\_"),
            // GitHub makes `@name` a mention, and `https://…`, `www.…` links: a
            // zero-width space keeps each plain text (`@\u{200b}name`, `https:\u{200b}//`).
            '@' => out.push_str("@\u{200b}"),
            ':' if chars.get(i + 1) == Some(&'/') && chars.get(i + 2) == Some(&'/') => out.push_str(":\u{200b}"),
            '.' if i >= 3 && chars[i - 3..i].iter().collect::<String>().eq_ignore_ascii_case("www") => out.push_str("\u{200b}."),
            _ => out.push(ch),
        }
    }
    out
}

/// Text inside a code span: backticks cannot close it.
pub(crate) fn code(text: &str) -> String {
    crate::escape::control(&text.replace('`', "'").replace(['\n', '\r'], " "))
}

/// A table's foreign keys as the report words them: `t (a) → p(id) ON DELETE CASCADE`.
fn foreign_keys(t: &crate::schema::Table) -> impl Iterator<Item = String> + '_ {
    t.foreign_keys.iter().map(move |fk| format!("{} {fk}", t.name))
}

/// The text with its first letter in lower case (`All 3` → `all 3`).
fn lower_first(text: &str) -> String {
    let mut c = text.chars();
    c.next().map_or(String::new(), |f| f.to_lowercase().chain(c).collect())
}

/// The first three versions, and how many more: `3, 6, 9 and 330 more`.
pub(crate) fn first_few(versions: &[i64]) -> String {
    let names: Vec<String> = versions.iter().take(3).map(i64::to_string).collect();
    let more = if versions.len() > 3 { format!(" and {} more", versions.len() - 3) } else { String::new() };
    format!("{}{more}", names.join(", "))
}

/// `1 table`, `2 tables`.
pub(crate) fn count(n: usize, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}

fn list(items: &[String]) -> String {
    if items.is_empty() { String::new() } else { format!(" ({})", items.join(", ")) }
}

/// Today's date in UTC, from the system clock (the browser's clock in wasm).
fn today() -> String {
    let secs = web_time::SystemTime::now()
        .duration_since(web_time::SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    // Howard Hinnant's days-to-civil algorithm.
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod md_test {
    use super::md;

    #[test]
    fn names_cannot_become_markdown() {
        assert_eq!(md("__old__"), "\\_\\_old\\_\\_");
        assert_eq!(md("2_create_b.up.sql"), "2_create_b.up.sql");
        assert_eq!(md("_sqlx_migrations"), "\\_sqlx_migrations");
        assert_eq!(md("![x](http://e/y.png) <b>&amp;</b>\n# h"), "!\\[x\\](http:\u{200b}//e/y.png) \\<b\\>\\&amp;\\</b\\> # h");
        assert_eq!(md("@someone www.evil.example https://evil.example/login"), "@\u{200b}someone www\u{200b}.evil.example https:\u{200b}//evil.example/login");
        assert_eq!(md("t\x1b[2J"), "t\\\\x1b\\[2J", "a control character is a visible escape, its backslash escaped too");
    }
}
