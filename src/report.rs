//! The verification report: every figure measured by `verify`, written as
//! JSON (for CI) and as Markdown in the shape of the seed report (for people).

use std::fmt::Write as _;

use serde::Serialize;

use crate::diff::{Change, Difference, Kind};
use crate::finding::Problem;
use crate::lint::Warning;
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
    pub up_again: Outcome,
    /// What the up created.
    pub created: Created,
    /// What the up changed in the schema: objects added, removed and changed.
    #[serde(serialize_with = "steps_with_text")]
    pub changes: Vec<Difference>,
    /// Every problem found; empty when it passed.
    #[serde(serialize_with = "crate::finding::with_text")]
    pub problems: Vec<Problem>,
}

/// Differences serialized with their sentence as a step: `{kind, name, …, text}`.
fn steps_with_text<S: serde::Serializer>(changes: &[Difference], s: S) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Shown<'a> {
        #[serde(flatten)]
        difference: &'a Difference,
        text: String,
    }
    s.collect_seq(changes.iter().map(|difference| Shown { difference, text: difference.as_step() }))
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
            created: Created::default(),
            changes: Vec::new(),
            problems: Vec::new(),
        }
    }

    /// Settles the status from the problems found.
    pub fn settle(&mut self) {
        self.status = if self.problems.iter().any(|p| !p.is_not_tested()) {
            Status::Fail
        } else if !self.problems.is_empty() || self.up == Outcome::NotTested {
            Status::NotTested
        } else {
            Status::Pass
        };
    }

    /// `20250115010000 create tasks`.
    pub fn label(&self) -> String {
        format!("{} {}", self.version, self.description)
    }
}

/// One of the three integration tests: did it pass, and the sqlx-cli log lines.
#[derive(Debug, Clone, Serialize)]
pub struct Phase {
    /// Passed.
    pub ok: bool,
    /// The `Applied …` lines with their times.
    pub log: Vec<String>,
}

/// The three integration tests of the seed report.
#[derive(Debug, Clone, Serialize)]
pub struct Tests {
    /// Test 1: sequential up.
    pub up: Phase,
    /// Test 2: sequential down (the staircase).
    pub down: Phase,
    /// Test 3: up again, compared with the first up.
    pub cycle: Phase,
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

/// The whole verification report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// True when every migration passed.
    pub ok: bool,
    /// Per migration, in version order.
    pub migrations: Vec<MigrationReport>,
    /// Schema totals after the last up that ran.
    pub totals: Totals,
    /// Per table after the last up: columns, indexes, triggers, foreign keys.
    pub tables: Vec<TableCount>,
    /// Foreign keys after the last up.
    pub foreign_keys: Vec<String>,
    /// Lint warnings (they do not fail the run).
    pub lint: Vec<Warning>,
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

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

impl Report {
    /// Assembles a report from the measurements of a run.
    pub fn new(migrations: Vec<MigrationReport>, last: &Schema, lint: Vec<Warning>, [up, down, cycle]: [Phase; 3], ran_on: &str) -> Self {
        let timed: Vec<(f64, String)> =
            migrations.iter().filter_map(|m| m.up_ms.map(|t| (t, format!("{} {}", m.version, m.description)))).collect();
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
        Report {
            ok: migrations.iter().all(|m| m.status == Status::Pass),
            totals: last.totals,
            tables: last.tables.iter().map(|t| TableCount::of(t)).collect(),
            foreign_keys: last.tables.iter().flat_map(|t| foreign_keys(t)).collect(),
            migrations,
            lint,
            tests: Tests { up, down, cycle },
            performance,
            sqlite_version: crate::sqlite_version().to_string(),
            migraplay_version: env!("CARGO_PKG_VERSION").to_string(),
            ran_on: ran_on.to_string(),
            date: today(),
        }
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

    fn write_markdown(&self, o: &mut String) -> std::fmt::Result {
        let pass = |ok: bool| if ok { "PASS" } else { "FAIL" };
        let yes = |ok: bool| if ok { "YES" } else { "NO" };
        let n = self.migrations.len();
        let failing = self.migrations.iter().filter(|m| m.status == Status::Fail).count();
        writeln!(o, "# Database Migrations Test Report\n")?;
        writeln!(o, "Generated by migraplay {} from a real run; every figure below was measured.\n", self.migraplay_version)?;
        writeln!(o, "## Test Date\n{}\n", self.date)?;
        writeln!(o, "## Summary")?;
        writeln!(o, "- **Total Migrations**: {n}")?;
        if failing == 0 {
            writeln!(o, "- **Status**: All passing")?;
        } else {
            writeln!(o, "- **Status**: {failing} of {n} failing")?;
        }
        writeln!(
            o,
            "- **Test Coverage**: {} of {n} UP and {} of {n} DOWN migrations ran; each DOWN compared with the schema before its UP",
            self.migrations.iter().filter(|m| m.up_ms.is_some()).count(),
            self.migrations.iter().filter(|m| m.down_ms.is_some()).count(),
        )?;
        writeln!(o, "- **Repeatability**: UP→DOWN→UP {}", if self.tests.cycle.ok { "gives the same schema" } else { "does NOT give the same schema" })?;
        writeln!(o, "- **Lint warnings**: {}\n", self.lint.len())?;

        writeln!(o, "## Migration Details\n")?;
        for m in &self.migrations {
            writeln!(o, "### {} {}", m.version, m.description)?;
            match &m.down_file {
                Some(down) => writeln!(o, "- **File**: `{}` / `{}`", m.up_file, down)?,
                None => writeln!(o, "- **File**: `{}` (irreversible)", m.up_file)?,
            }
            writeln!(o, "- **Status**: {}", pass(m.status == Status::Pass))?;
            writeln!(o, "- **Test Results**:")?;
            let c = &m.created;
            match m.up_ms {
                Some(t) => {
                    let tables: Vec<String> = c.tables.iter().map(|t| format!("{} ({} columns)", t.name, t.columns)).collect();
                    let what = if tables.is_empty() { "no table".to_string() } else { format!("table {}", tables.join(", ")) };
                    writeln!(o, "  - UP migration: PASS in {t:.3} ms; creates {what}")?;
                }
                None => writeln!(o, "  - UP migration: {}", if m.problems.iter().any(|p| p.starts_with("up:")) { "FAIL" } else { "not tested" })?,
            }
            if !c.columns.is_empty() {
                writeln!(o, "  - Columns added: {} ({})", c.columns.len(), c.columns.join(", "))?;
            }
            writeln!(o, "  - Indexes created: {}{}", c.indexes.len(), list(&c.indexes))?;
            writeln!(o, "  - Triggers created: {}{}", c.triggers.len(), list(&c.triggers))?;
            if !c.views.is_empty() {
                writeln!(o, "  - Views created: {}{}", c.views.len(), list(&c.views))?;
            }
            writeln!(o, "  - Foreign keys: {}{}", c.foreign_keys.len(), list(&c.foreign_keys))?;
            writeln!(o, "  - CHECK constraints: {}", c.checks)?;
            let down = match (m.down, m.down_ms) {
                (DownResult::Pass, Some(t)) => format!("PASS in {t:.3} ms; the schema is exactly as before the UP"),
                (DownResult::Fail, Some(t)) => format!("FAIL (ran in {t:.3} ms, but the schema differs from before the UP)"),
                (DownResult::Fail, None) => "FAIL (rolled back)".to_string(),
                (DownResult::None, _) => "none (irreversible migration)".to_string(),
                _ => "not tested".to_string(),
            };
            writeln!(o, "  - DOWN migration: {down}")?;
            writeln!(o, "  - Repeatable: {}", yes(m.repeatable))?;
            for p in &m.problems {
                writeln!(o, "  - Problem: {p}")?;
            }
            writeln!(o)?;
        }

        writeln!(o, "## Integration Tests\n")?;
        let tests = [
            ("Test 1: Sequential UP Migration", &self.tests.up, "every migration applied in order"),
            ("Test 2: Sequential DOWN Migration", &self.tests.down, "every migration reverted in reverse order, each leaving the schema from before its UP"),
            ("Test 3: UP→DOWN→UP Cycle", &self.tests.cycle, "applying again after reverting everything gives the same schema, step by step"),
        ];
        for (title, phase, claim) in tests {
            writeln!(o, "### {title}\n```")?;
            for line in &phase.log {
                writeln!(o, "{line}")?;
            }
            writeln!(o, "```")?;
            let result = if phase.ok { format!("PASS - {claim}") } else { "FAIL - see the problems above".to_string() };
            writeln!(o, "**Result**: {result}\n")?;
        }

        let t = &self.totals;
        writeln!(o, "## Database Schema Verification\n")?;
        writeln!(o, "### Tables Created")?;
        for tc in &self.tables {
            let (c, i) = (count(tc.columns, "column"), count(tc.indexes, "index").replace("indexs", "indexes"));
            let (t, f) = (count(tc.triggers, "trigger"), count(tc.foreign_keys, "foreign key"));
            writeln!(o, "- {} ({c}, {i}, {t}, {f})", tc.name)?;
        }
        writeln!(o, "\n**Total Objects Created**:")?;
        writeln!(o, "- {} ({})", count(t.tables, "table"), count(t.columns, "column"))?;
        writeln!(o, "- {}", count(t.indexes, "index").replace("indexs", "indexes"))?;
        writeln!(o, "- {}", count(t.triggers, "trigger"))?;
        writeln!(o, "- {}", count(t.views, "view"))?;
        writeln!(o, "- {}\n", count(t.foreign_keys, "foreign key relationship"))?;
        writeln!(o, "### Constraints Verified")?;
        writeln!(o, "- PRIMARY KEY constraints: {} (tables with a declared primary key)", t.primary_keys)?;
        writeln!(o, "- FOREIGN KEY constraints: {}{}", t.foreign_keys, list(&self.foreign_keys))?;
        writeln!(o, "- CHECK constraints: {}", t.checks)?;
        writeln!(o, "- DEFAULT values: {}\n", t.defaults)?;

        writeln!(o, "## SQL Validation\n")?;
        if self.lint.is_empty() {
            writeln!(o, "No lint warnings: every CREATE has IF NOT EXISTS, every DROP has IF EXISTS, no object is created twice, every foreign key column is indexed, no up drops data, and every down drops what its up creates.\n")?;
        } else {
            writeln!(o, "{} (they do not fail the run):\n", count(self.lint.len(), "warning"))?;
            for w in &self.lint {
                writeln!(o, "- `{}` {}:{} — {}", w.code, w.file, w.line, w.message)?;
            }
            writeln!(o)?;
        }

        writeln!(o, "## Performance Notes")?;
        match &self.performance {
            Some(p) => {
                writeln!(o, "- Smallest migration: {:.3} ms ({})", p.smallest_ms, p.smallest)?;
                writeln!(o, "- Largest migration: {:.3} ms ({})", p.largest_ms, p.largest)?;
                writeln!(o, "- Average migration time: {:.3} ms", p.average_ms)?;
                writeln!(o, "- All migrations together: {:.3} ms\n", p.total_ms)?;
            }
            None => writeln!(o, "- No migration applied.\n")?,
        }

        writeln!(o, "## Tested Against")?;
        writeln!(o, "- SQLite version: {}", self.sqlite_version)?;
        writeln!(o, "- migraplay version: {}", self.migraplay_version)?;
        writeln!(o, "- Ran on: {}\n", self.ran_on)?;
        writeln!(o, "---\n\n**Status**: {}", if self.ok { "All checks PASSING" } else { "FAILING" })
    }
}

/// A table's foreign keys as the report words them: `t (a) → p(id) ON DELETE CASCADE`.
fn foreign_keys(t: &crate::schema::Table) -> impl Iterator<Item = String> + '_ {
    t.foreign_keys.iter().map(move |fk| {
        let (from, to) = (fk.columns.join(", "), fk.target_columns.join(", "));
        format!("{} ({from}) → {}({to}) ON DELETE {}", t.name, fk.target, fk.on_delete)
    })
}

/// `1 table`, `2 tables`.
fn count(n: usize, word: &str) -> String {
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
