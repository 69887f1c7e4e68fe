//! What a pull request changes in a migration set: the base set's and the head
//! set's migrations paired by version (added, removed, renamed, modified after
//! they were merged, down changed, out of order), each with what the set's tool
//! does about it on a database that already ran the base; then verify on the
//! head, and the schema change from the base's final schema to the head's.
//!
//! What each tool does, read from its source (late 2026):
//! - sqlx (`sqlx-core/src/migrate/migrator.rs`, `Migrator::run`): every
//!   migration of the source whose version is not in `_sqlx_migrations` is
//!   applied, in version order, whatever the newest applied version is (so an
//!   older new version runs late, no error); an applied one is compared by
//!   checksum only (`MigrateError::VersionMismatch`: "migration {0} was
//!   previously applied but has been modified"; the description is not
//!   compared); an applied version missing from the source fails
//!   `validate_applied_migrations` unless `ignore_missing`
//!   (`MigrateError::VersionMissing`: "migration {0} was previously applied but
//!   is missing in the resolved migrations"; sqlx-cli's `--ignore-missing`).
//! - golang-migrate (`migrate.go`, `Up` → `readUp`): it keeps only the current
//!   version and reads `sourceDrv.Next(current)` from there, so a new version
//!   below the current one is never read; `versionExists(current)` fails with
//!   "no migration found for version N" when the current version's files are
//!   gone. No checksum: an edited applied file is not noticed.
//! - goose (`up.go`, v3.3+): unapplied versions below the database's newest are
//!   "missing"; without `WithAllowMissing` (`-allow-missing`) `up` returns
//!   "error: found N missing migrations before current version M". No checksum;
//!   applied versions without a file are not checked.
//! - dbmate (amacneil/dbmate#159, its README's `--strict`): every version not
//!   in `schema_migrations` is applied, in order, older ones included, unless
//!   `--strict` ("fail if migrations would be applied out of order"). No
//!   checksum; applied versions without a file are not checked.
//!
//! Verify on the head runs whole, as `migraplay verify` does: limiting the run
//! to the new and changed migrations (starting from a checkpoint of the base
//! part) would change what is tested: the rows seeded before each up depend on
//! every earlier up and seeding, the lint rules (`destructive-up`,
//! `created-twice`, `fk-follows-rename`) read the whole history, and a new
//! version below the base's newest changes the state every later migration
//! runs on. So the run is whole and the *verdict* is limited: a defect counts
//! against the pull request when it is in a migration at or after the first
//! version the pull request touches; one before it was in the base already
//! (the same migrations, run the same way) and is listed as such.

use std::collections::HashMap;
use std::time::Duration;

use serde::Serialize;

use crate::annotation::{Annotation, Level};
use crate::compare::{self, Comparison};
use crate::error::Result;
use crate::flavor::{Choice, Flavor};
use crate::migration::Migration;
use crate::report::{code, count, first_few, Report, Status};
use crate::source::MigrationSet;

/// A migration as one side of the review has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Side {
    /// Its version.
    pub version: i64,
    /// Its description, as the file name says it.
    pub description: String,
    /// Its files (one for goose and dbmate, an up and maybe a down otherwise).
    pub files: Vec<String>,
}

impl Side {
    fn of(m: &Migration) -> Side {
        Side { version: m.version, description: m.description.clone(), files: m.sources.iter().map(|(f, _)| f.clone()).collect() }
    }

    pub(crate) fn label(&self) -> String {
        format!("{} {}", self.version, self.description)
    }
}

/// What the set's tool does, on a database that ran the base, about one change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "does", rename_all = "snake_case")]
pub enum ToolDoes {
    /// It refuses to migrate such a database, with this error (its own words).
    Refuses {
        /// The tool.
        tool: Flavor,
        /// Its error, as it prints it.
        error: String,
        /// The option that would let it run anyway, if it has one.
        unless: Option<String>,
    },
    /// It keeps no checksum: databases that applied the migration keep its old version.
    KeepsOld {
        /// The tool.
        tool: Flavor,
    },
    /// It never runs the migration on a database already at `newest` or past it.
    NeverRuns {
        /// The tool.
        tool: Flavor,
        /// The base's newest version.
        newest: i64,
    },
    /// It runs the migration late (after `newest`) on a database already past it.
    RunsLate {
        /// The tool.
        tool: Flavor,
        /// The base's newest version.
        newest: i64,
        /// The option that would refuse it instead, if it has one.
        strict: Option<String>,
    },
    /// It does not notice: databases that applied the migration keep what it made,
    /// new databases never get it.
    Unnoticed {
        /// The tool.
        tool: Flavor,
    },
    /// Nothing changes for a database that applied it: the tool matches by version.
    Nothing {
        /// The tool.
        tool: Flavor,
    },
}

impl ToolDoes {
    /// How serious this is for the pull request.
    pub fn level(&self) -> Level {
        match self {
            ToolDoes::Refuses { .. } | ToolDoes::KeepsOld { .. } | ToolDoes::NeverRuns { .. } => Level::Error,
            ToolDoes::RunsLate { .. } | ToolDoes::Unnoticed { .. } => Level::Warning,
            ToolDoes::Nothing { .. } => Level::Notice,
        }
    }

    /// The sentence; the tool's own words quoted (in a code span for Markdown).
    fn words(&self, markdown: bool) -> String {
        let quote = |s: &str| if markdown { format!("`{}`", s.replace('`', "'")) } else { format!("\"{s}\"") };
        match self {
            ToolDoes::Refuses { tool, error, unless } => {
                let unless = unless.as_ref().map(|u| format!(" (unless run with {})", quote(u))).unwrap_or_default();
                format!("{tool} refuses to migrate a database that ran the base: {}{unless}", quote(error))
            }
            ToolDoes::KeepsOld { tool } => format!(
                "{tool} keeps no checksum: it would silently not run it again, so every database that applied it (production) keeps the old version"
            ),
            ToolDoes::NeverRuns { tool, newest } => format!(
                "{tool} never runs it on a database already at {newest} (it reads only the versions after the current one): renumber it above {newest}"
            ),
            ToolDoes::RunsLate { tool, newest, strict } => {
                let strict = strict.as_ref().map(|s| format!("; {} would refuse it", quote(s))).unwrap_or_default();
                format!("{tool} applies it on a database already at {newest}, after {newest} (new databases run it before){strict}")
            }
            ToolDoes::Unnoticed { tool } => {
                format!("{tool} does not notice: databases that applied it keep what it made, new databases never get it")
            }
            ToolDoes::Nothing { tool } => format!("{tool} matches it by version: a database that applied it sees no change"),
        }
    }
}

/// One change from the base set to the head set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SetChange {
    /// A version only the head has.
    Added {
        /// The migration.
        migration: Side,
    },
    /// A version only the base has.
    Removed {
        /// The migration, as the base had it.
        migration: Side,
        /// What the tool does.
        tool: ToolDoes,
    },
    /// The same version and the same up (what the tool applies), another name.
    Renamed {
        /// As the base named it.
        before: Side,
        /// As the head names it.
        after: Side,
        /// What the tool does.
        tool: ToolDoes,
    },
    /// The same version, its up changed (for sqlx: another checksum).
    ModifiedAfterMerge {
        /// The migration, as the head has it.
        migration: Side,
        /// The file whose up changed.
        file: String,
        /// The first line (1-based) that differs.
        line: u32,
        /// The SHA-384 of what the tool checksums (sqlx: the up file), base and head, as hex.
        base_checksum: String,
        /// The head's.
        head_checksum: String,
        /// What the tool does.
        tool: ToolDoes,
    },
    /// The same version and up, its down changed (the tool runs the new one when reverting).
    DownChanged {
        /// The migration, as the head has it.
        migration: Side,
        /// The file of the down.
        file: String,
        /// The first line (1-based) that differs.
        line: u32,
    },
    /// A new version below the base's newest.
    OutOfOrder {
        /// The migration.
        migration: Side,
        /// The base's newest version.
        newest: i64,
        /// What the tool does.
        tool: ToolDoes,
    },
}

impl SetChange {
    /// The version it is about.
    pub fn version(&self) -> i64 {
        match self {
            SetChange::Added { migration }
            | SetChange::Removed { migration, .. }
            | SetChange::ModifiedAfterMerge { migration, .. }
            | SetChange::DownChanged { migration, .. }
            | SetChange::OutOfOrder { migration, .. } => migration.version,
            SetChange::Renamed { after, .. } => after.version,
        }
    }

    /// How serious it is: an added migration is none (verify speaks for it).
    pub fn level(&self) -> Option<Level> {
        match self {
            SetChange::Added { .. } => None,
            SetChange::DownChanged { .. } => Some(Level::Notice),
            SetChange::Removed { tool, .. } | SetChange::Renamed { tool, .. } | SetChange::ModifiedAfterMerge { tool, .. } | SetChange::OutOfOrder { tool, .. } => {
                Some(tool.level())
            }
        }
    }

    /// Its stable rule id (as annotations carry it).
    pub fn rule(&self) -> &'static str {
        match self {
            SetChange::Added { .. } => "added",
            SetChange::Removed { .. } => "removed",
            SetChange::Renamed { .. } => "renamed",
            SetChange::ModifiedAfterMerge { .. } => "modified-after-merge",
            SetChange::DownChanged { .. } => "down-changed",
            SetChange::OutOfOrder { .. } => "out-of-order",
        }
    }

    /// The words after the rule: `2 create b (2_create_b.up.sql): sqlx refuses …`.
    fn words(&self, markdown: bool) -> String {
        let name = |s: &str| if markdown { format!("`{}`", s.replace('`', "'")) } else { s.to_string() };
        let files = |side: &Side| side.files.iter().map(|f| name(f)).collect::<Vec<_>>().join(", ");
        match self {
            SetChange::Added { migration } => format!("{} ({})", name(&migration.label()), files(migration)),
            SetChange::Removed { migration, tool } => format!("{} ({}): {}", name(&migration.label()), files(migration), tool.words(markdown)),
            SetChange::Renamed { before, after, tool } => {
                format!("{} → {} ({} → {}): the same up; {}", name(&before.label()), name(&after.description), files(before), files(after), tool.words(markdown))
            }
            SetChange::ModifiedAfterMerge { migration, file, line, tool, .. } => {
                format!("{} ({} line {line}): {}", name(&migration.label()), name(file), tool.words(markdown))
            }
            SetChange::DownChanged { migration, file, line } => format!(
                "{} ({} line {line}): only its down changed; the tool runs the new down when reverting (verify checks it below)",
                name(&migration.label()),
                name(file)
            ),
            SetChange::OutOfOrder { migration, newest, tool } => {
                format!("{} is older than the base's newest ({newest}): {}", name(&migration.label()), tool.words(markdown))
            }
        }
    }

    /// The change's rule words: `modified after merge`.
    fn title_word(&self) -> &'static str {
        match self {
            SetChange::Added { .. } => "added",
            SetChange::Removed { .. } => "removed",
            SetChange::Renamed { .. } => "renamed",
            SetChange::ModifiedAfterMerge { .. } => "modified after merge",
            SetChange::DownChanged { .. } => "down changed",
            SetChange::OutOfOrder { .. } => "out of order",
        }
    }

    /// Where it is in the head: a file and its line (none for a removed migration).
    pub(crate) fn place(&self) -> Option<(String, u32)> {
        match self {
            SetChange::Removed { .. } => None,
            SetChange::ModifiedAfterMerge { file, line, .. } | SetChange::DownChanged { file, line, .. } => Some((file.clone(), *line)),
            SetChange::Added { migration } | SetChange::OutOfOrder { migration, .. } | SetChange::Renamed { after: migration, .. } => {
                migration.files.first().map(|f| (f.clone(), 1))
            }
        }
    }
}

impl std::fmt::Display for SetChange {
    /// `modified after merge: 2 create b (2_create_b.up.sql line 1): sqlx refuses …`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.title_word(), self.words(false))
    }
}

/// A migration of the head whose verify found a defect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Defect {
    /// Its version.
    pub version: i64,
    /// Its description.
    pub description: String,
    /// Its problems, in words (as `migraplay verify` prints them).
    pub problems: Vec<String>,
}

/// Which of the head's findings are the pull request's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// True when nothing is to worry about: no defect in the pull request's
    /// migrations, no change the tool refuses or loses.
    pub ok: bool,
    /// The first version the pull request touches (None: it touches none);
    /// verify's findings from there on are the pull request's.
    pub from_version: Option<i64>,
    /// The versions of the head's migrations the verdict counts (from `from_version` on):
    /// the page shows verify's rows for these.
    pub counted: Vec<i64>,
    /// The head's migrations from `from_version` on whose verify found a defect.
    pub defects: Vec<Defect>,
    /// Files of the head that could not be loaded and loaded in the base (or were not there).
    pub load_problems: Vec<String>,
    /// Defects before `from_version`: in the base already, not counted.
    pub in_base: Vec<Defect>,
    /// The headline: `FAIL: …` or `PASS: …`.
    pub headline: String,
}

/// The schema change from the base's final schema to the head's.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum SchemaChange {
    /// Both were built: the differences and each object's SQL (`from` is the base's newest version, `to` the head's).
    Compared(Comparison),
    /// One side's ups do not all apply, so its final schema cannot be built.
    NotBuilt {
        /// `base` or `head`.
        side: String,
        /// Why, naming the file, statement and line.
        error: String,
    },
}

/// What a pull request changes in a migration set.
#[derive(Debug, Clone, Serialize)]
pub struct Review {
    /// The head's flavor (its tool's rules decide), and why.
    pub flavor: Choice,
    /// The base's flavor, when it was read as another one.
    pub base_flavor: Option<Flavor>,
    /// Files of the base that could not be loaded (their versions may show as added).
    pub base_load_problems: Vec<String>,
    /// Every change, by version.
    #[serde(serialize_with = "changes_with_text")]
    pub changes: Vec<SetChange>,
    /// Migrations the same in both.
    pub unchanged: usize,
    /// The verdict, limited to the pull request's migrations.
    pub verdict: Verdict,
    /// The schema change base → head.
    pub schema: SchemaChange,
    /// `migraplay verify` on the head, whole.
    pub report: Report,
}

fn changes_with_text<S: serde::Serializer>(changes: &[SetChange], s: S) -> std::result::Result<S::Ok, S::Error> {
    crate::finding::serialize_with_text(changes, SetChange::to_string, s)
}

/// What the tool checksums, or for a tool without a checksum, what it runs as
/// the up: sqlx compares the up file's bytes (a space counts), the others keep
/// nothing, and what matters is the SQL they would have run.
fn up_key(flavor: Flavor, m: &Migration) -> &str {
    match flavor {
        Flavor::Sqlx => &m.up.sql,
        _ => m.up.sql.trim(),
    }
}

fn down_key(m: &Migration) -> Option<&str> {
    m.down.as_ref().map(|d| d.sql.trim())
}

/// The first line (1-based) where two texts differ.
fn first_difference(a: &str, b: &str) -> u32 {
    let (mut la, mut lb) = (a.lines(), b.lines());
    let mut n = 1u32;
    loop {
        match (la.next(), lb.next()) {
            (Some(x), Some(y)) if x == y => n = n.saturating_add(1),
            (None, None) => return 1,
            _ => return n,
        }
    }
}

fn checksum_hex(flavor: Flavor, m: &Migration) -> String {
    use sha2::{Digest, Sha384};
    match flavor {
        Flavor::Sqlx => m.checksum_hex(),
        _ => hex::encode(Sha384::digest(up_key(flavor, m).as_bytes())),
    }
}

/// What `tool` does with a migration of the base that the head modified.
fn modified(tool: Flavor, version: i64) -> ToolDoes {
    match tool {
        Flavor::Sqlx => ToolDoes::Refuses { tool, error: format!("migration {version} was previously applied but has been modified"), unless: None },
        _ => ToolDoes::KeepsOld { tool },
    }
}

/// What `tool` does when a version the base had is gone (`newest`: the base's newest).
fn removed(tool: Flavor, version: i64, newest: i64) -> ToolDoes {
    match tool {
        Flavor::Sqlx => ToolDoes::Refuses {
            tool,
            error: format!("migration {version} was previously applied but is missing in the resolved migrations"),
            unless: Some("--ignore-missing".into()),
        },
        Flavor::GolangMigrate if version == newest => {
            ToolDoes::Refuses { tool, error: format!("no migration found for version {version}"), unless: None }
        }
        _ => ToolDoes::Unnoticed { tool },
    }
}

/// What `tool` does with a new version below `newest` on a database already at `newest`
/// (`missing`: how many such versions the head adds, as goose counts them).
fn out_of_order(tool: Flavor, newest: i64, missing: usize) -> ToolDoes {
    match tool {
        Flavor::Sqlx => ToolDoes::RunsLate { tool, newest, strict: None },
        Flavor::GolangMigrate => ToolDoes::NeverRuns { tool, newest },
        Flavor::Goose => ToolDoes::Refuses {
            tool,
            error: format!("error: found {missing} missing migrations before current version {newest}"),
            unless: Some("-allow-missing".into()),
        },
        Flavor::Dbmate => ToolDoes::RunsLate { tool, newest, strict: Some("--strict".into()) },
        // diesel runs every version its table lacks, in order (migration_harness.rs:111-130);
        // Prisma every folder without a row (apply_migrations.rs:36-45).
        Flavor::Diesel | Flavor::Prisma => ToolDoes::RunsLate { tool, newest, strict: None },
        // refinery-core 0.10.0 traits/mod.rs:69-88: a V file at or below the current
        // version is "missing", logged and never applied (its U prefix is the way round).
        Flavor::Refinery => ToolDoes::NeverRuns { tool, newest },
    }
}

/// The changes from `base` to `head`, read by `tool`'s rules, and how many migrations are the same.
pub fn changes<'a>(base: &'a MigrationSet, head: &'a MigrationSet, tool: Flavor) -> (Vec<SetChange>, usize) {
    // diesel and Prisma know a migration by its key (version string, folder name) and
    // order keys as text; the numbers shown may differ between two sets (see layout.rs).
    let order = |m: &Migration| if tool.folders() { (0, m.key()) } else { (m.version, String::new()) };
    let identity = |m: &Migration| if tool.folders() { m.key() } else { m.version.to_string() };
    let index = |set: &'a MigrationSet| -> HashMap<String, &'a Migration> { set.migrations().iter().map(|m| (identity(m), m)).collect() };
    let (in_base, in_head) = (index(base), index(head));
    let find = |set: &HashMap<String, &'a Migration>, m: &Migration| set.get(&identity(m)).copied();
    let newest_at = base.migrations().iter().map(order).max();
    // The base's newest, by the number the head shows for it (the numbers may differ).
    let newest = base.migrations().iter().max_by_key(|m| order(m)).map_or(0, |b| find(&in_head, b).map_or(b.version, |h| h.version));
    let older = |m: &Migration| newest_at.as_ref().is_some_and(|n| order(m) < *n);
    let missing = head.migrations().iter().filter(|m| older(m) && find(&in_base, m).is_none()).count();
    let mut out = Vec::new();
    let mut unchanged = 0;
    for m in base.migrations() {
        if find(&in_head, m).is_none() {
            out.push(SetChange::Removed { migration: Side::of(m), tool: removed(tool, m.version, newest) });
        }
    }
    for h in head.migrations() {
        let Some(b) = find(&in_base, h) else {
            out.push(SetChange::Added { migration: Side::of(h) });
            if older(h) {
                out.push(SetChange::OutOfOrder { migration: Side::of(h), newest, tool: out_of_order(tool, newest, missing) });
            }
            continue;
        };
        let mut same = true;
        let names = |m: &Migration| m.sources.iter().map(|(f, _)| f.clone()).collect::<Vec<_>>();
        let (up_b, up_h) = (up_key(tool, b), up_key(tool, h));
        if up_b != up_h {
            same = false;
            out.push(SetChange::ModifiedAfterMerge {
                migration: Side::of(h),
                file: h.up.file.clone(),
                line: first_difference(&b.up.sql, &h.up.sql),
                base_checksum: checksum_hex(tool, b),
                head_checksum: checksum_hex(tool, h),
                tool: modified(tool, h.version),
            });
        } else if names(b) != names(h) || b.description != h.description {
            same = false;
            out.push(SetChange::Renamed { before: Side::of(b), after: Side::of(h), tool: ToolDoes::Nothing { tool } });
        }
        if down_key(b) != down_key(h) {
            same = false;
            if let Some(d) = &h.down {
                let line = first_difference(b.down.as_ref().map_or("", |d| d.sql.as_str()), &d.sql);
                out.push(SetChange::DownChanged { migration: Side::of(h), file: d.file.clone(), line });
            }
        }
        unchanged += usize::from(same);
    }
    out.sort_by_key(SetChange::version);
    (out, unchanged)
}

fn defect(m: &crate::report::MigrationReport) -> Defect {
    Defect {
        version: m.version,
        description: m.description.clone(),
        problems: m.problems.iter().filter(|p| !p.is_not_tested()).map(ToString::to_string).collect(),
    }
}

/// Reviews `head` against `base`: their changes, verify on the head (`ran_on`,
/// `budget` and `data_checks` as `verify_with` takes them), and the schema change.
pub fn review(
    base: &MigrationSet,
    head: &MigrationSet,
    ran_on: &str,
    budget: Option<Duration>,
    data_checks: bool,
    progress: &mut dyn FnMut(&crate::Progress),
) -> Result<Review> {
    let tool = head.flavor().flavor;
    let (changes, unchanged) = changes(base, head, tool);
    let report = crate::verify::verify_with(head, ran_on, budget, data_checks, progress)?;

    let from_version = changes.iter().map(SetChange::version).min();
    let touched = |v: i64| from_version.is_some_and(|from| v >= from);
    let counted: Vec<i64> = report.migrations.iter().map(|m| m.version).filter(|&v| touched(v)).collect();
    let defects: Vec<Defect> = report.migrations.iter().filter(|m| m.status == Status::Fail && touched(m.version)).map(defect).collect();
    let in_base: Vec<Defect> = report.migrations.iter().filter(|m| m.status == Status::Fail && !touched(m.version)).map(defect).collect();
    let load_problems: Vec<String> = head.problems().iter().filter(|p| !base.problems().contains(p)).cloned().collect();
    let refused: Vec<&SetChange> = changes.iter().filter(|c| c.level() == Some(Level::Error)).collect();
    let ok = defects.is_empty() && load_problems.is_empty() && refused.is_empty();
    let headline = headline(&changes, &defects, &load_problems, &refused);

    let schema = schema_change(base, head, budget);
    Ok(Review {
        flavor: head.flavor().clone(),
        base_flavor: (base.flavor().flavor != tool).then_some(base.flavor().flavor),
        base_load_problems: base.problems().to_vec(),
        changes,
        unchanged,
        verdict: Verdict { ok, from_version, counted, defects, load_problems, in_base, headline },
        schema,
        report,
    })
}

fn headline(changes: &[SetChange], defects: &[Defect], load_problems: &[String], refused: &[&SetChange]) -> String {
    let mut fails = Vec::new();
    for kind in ["modified after merge", "removed", "out of order"] {
        let of: Vec<i64> = refused.iter().filter(|c| c.title_word() == kind).map(|c| c.version()).collect();
        if !of.is_empty() {
            fails.push(format!("{} {kind} ({})", count(of.len(), "migration"), first_few(&of)));
        }
    }
    if !defects.is_empty() {
        let of: Vec<i64> = defects.iter().map(|d| d.version).collect();
        fails.push(format!("{} failing verify ({})", count(of.len(), "migration"), first_few(&of)));
    }
    if !load_problems.is_empty() {
        fails.push(format!("{} that cannot be loaded", count(load_problems.len(), "file")));
    }
    if !fails.is_empty() {
        return format!("FAIL: {}.", fails.join("; "));
    }
    let warnings = changes.iter().filter(|c| c.level() == Some(Level::Warning)).count();
    match (changes.is_empty(), warnings) {
        (true, _) => "PASS: no change.".to_string(),
        (false, 0) => "PASS: nothing to worry about.".to_string(),
        (false, n) => format!("PASS with {} (nothing fails).", count(n, "warning")),
    }
}

/// The final schemas of both sets (each on a new database), compared.
fn schema_change(base: &MigrationSet, head: &MigrationSet, budget: Option<Duration>) -> SchemaChange {
    let last = |set: &MigrationSet| set.migrations().last().map_or(0, |m| m.version);
    let built = |set: &MigrationSet, side: &str| compare::build(set, last(set), budget).map_err(|e| (side.to_string(), e.to_string()));
    let (a, b) = match (built(base, "base"), built(head, "head")) {
        (Ok(a), Ok(b)) => (a, b),
        (Err((side, error)), _) | (_, Err((side, error))) => return SchemaChange::NotBuilt { side, error },
    };
    SchemaChange::Compared(Comparison::of(last(base).to_string(), last(head).to_string(), (&a.0, &a.1), (&b.0, &b.1)))
}


impl Review {
    /// True when nothing is to worry about (exit 0).
    pub fn ok(&self) -> bool {
        self.verdict.ok
    }

    /// The set-level findings (the changes; verify's own come from its report), for annotations.
    pub fn annotations(&self) -> Vec<Annotation> {
        self.changes
            .iter()
            .filter_map(|c| {
                let level = c.level()?;
                let (file, line) = c.place().map_or((None, None), |(f, l)| (Some(f), Some(l)));
                let title = format!("{} {}", c.version(), c.title_word());
                Some(Annotation { level, rule: c.rule().to_string(), title, message: c.to_string(), file, line })
            })
            .collect()
    }

    /// The review as JSON: every field, the head's verify report included.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a review always serializes") + "\n"
    }

    /// The review as Markdown: the verdict, the changes, verify on the pull
    /// request's migrations, and the schema change in words and SQL.
    pub fn to_markdown(&self) -> String {
        let mut o = String::new();
        self.write_markdown(&mut o).expect("writing to a String cannot fail");
        o
    }

    fn write_markdown(&self, o: &mut String) -> std::fmt::Result {
        use std::fmt::Write as _;
        let v = &self.verdict;
        writeln!(o, "# Migration review\n")?;
        writeln!(o, "- **Verdict**: {}", v.headline)?;
        let flavor = &self.flavor;
        writeln!(o, "- **Flavor**: {} (`{}`)", flavor.flavor, code(&flavor.why))?;
        if let Some(f) = self.base_flavor {
            writeln!(o, "- **Base read as**: {f} (the head's tool decides)")?;
        }
        writeln!(o, "- **Changes**: {}", self.counts())?;
        for p in &self.base_load_problems {
            writeln!(o, "- **Base could not load**: `{}`", code(p))?;
        }
        if !self.changes.is_empty() {
            writeln!(o, "\n## Changes\n")?;
            for c in &self.changes {
                let mark = match c.level() {
                    Some(Level::Error) => "**error** ",
                    Some(Level::Warning) => "**warning** ",
                    _ => "",
                };
                writeln!(o, "- {mark}{}: {}", c.title_word(), c.words(true))?;
            }
        }

        writeln!(o, "\n## Verify (head)\n")?;
        writeln!(o, "- **Head**: {}", self.report.summary.headline)?;
        match v.from_version {
            None => writeln!(o, "- **This pull request's migrations**: none")?,
            Some(from) => {
                let ours: Vec<&crate::report::MigrationReport> = self.report.migrations.iter().filter(|m| m.version >= from).collect();
                if ours.is_empty() {
                    writeln!(o, "- **This pull request's migrations** (from {from} on): none in the head")?;
                } else {
                    writeln!(o, "- **This pull request's migrations** (from {from} on, {}):", count(ours.len(), "migration"))?;
                }
                for m in ours {
                    let status = match m.status {
                        Status::Pass => "PASS".to_string(),
                        Status::NotTested => "NOT TESTED".to_string(),
                        Status::Fail => format!(
                            "FAIL: {}",
                            m.problems.iter().filter(|p| !p.is_not_tested()).map(|p| format!("`{}`", code(&p.to_string()))).collect::<Vec<_>>().join("; ")
                        ),
                    };
                    writeln!(o, "  - `{}`: {status}", code(&m.label()))?;
                }
            }
        }
        for p in &v.load_problems {
            writeln!(o, "- **Could not load**: `{}`", code(p))?;
        }
        if !v.in_base.is_empty() {
            let of: Vec<String> = v.in_base.iter().map(|d| d.version.to_string()).collect();
            writeln!(o, "- **Already failing in the base** (not counted): {}", of.join(", "))?;
        }

        writeln!(o, "\n## Schema change (base → head)\n")?;
        match self.schema_markdown() {
            Some(schema) => writeln!(o, "{schema}"),
            None => writeln!(o, "None: both end in the same schema."),
        }
    }

    /// How many of each kind of change: `1 added, 0 removed, …; 5 the same`.
    pub(crate) fn counts(&self) -> String {
        let n = |rule: &str| self.changes.iter().filter(|c| c.rule() == rule).count();
        if self.changes.is_empty() {
            return format!("no change ({} the same)", count(self.unchanged, "migration"));
        }
        format!(
            "{} added, {} removed, {} renamed, {} modified after merge, {} with a changed down, {} out of order; {} the same",
            n("added"),
            n("removed"),
            n("renamed"),
            n("modified-after-merge"),
            n("down-changed"),
            n("out-of-order"),
            self.unchanged
        )
    }

    /// The schema change base → head as Markdown (each difference, then the SQL),
    /// or why a side's schema cannot be built; None when both end the same.
    pub(crate) fn schema_markdown(&self) -> Option<String> {
        use std::fmt::Write as _;
        let mut o = String::new();
        match &self.schema {
            SchemaChange::NotBuilt { side, error } => {
                let _ = write!(o, "The {side}'s final schema cannot be built: `{}`", code(error));
            }
            SchemaChange::Compared(c) if c.differences.is_empty() => return None,
            SchemaChange::Compared(c) => {
                for d in &c.differences {
                    let _ = writeln!(o, "- `{}`", code(&d.as_step()));
                }
                let sql = |s: &Option<String>| s.as_deref().unwrap_or("").trim_end().replace("```", "` ` `");
                let (changed, whole): (Vec<_>, Vec<_>) = c.objects.iter().partition(|obj| obj.before.is_some() && obj.after.is_some());
                let mut blocks = Vec::new();
                // Objects added or removed, whole, as SQL.
                if !whole.is_empty() {
                    let mut b = String::from("```sql\n");
                    for obj in whole {
                        let _ = match &obj.before {
                            None => writeln!(b, "-- {} {}: added\n{}", obj.kind.word(), code(&obj.name), sql(&obj.after)),
                            Some(_) => writeln!(b, "-- {} {}: removed (it was:)\n-- {}", obj.kind.word(), code(&obj.name), sql(&obj.before).replace('\n', "\n-- ")),
                        };
                    }
                    blocks.push(b + "```");
                }
                // Objects changed, as a diff of their statements (the lines that changed, three
                // lines around each, as Compare shows them), which GitHub colours.
                if !changed.is_empty() {
                    let mut b = String::from("```diff\n");
                    for obj in changed {
                        let _ = writeln!(b, "@@ {} {}: changed @@", obj.kind.word(), code(&obj.name));
                        for line in compare::lines(Some(&sql(&obj.before)), Some(&sql(&obj.after))) {
                            let _ = match line {
                                compare::SqlLine::Same { text } => writeln!(b, " {text}"),
                                compare::SqlLine::Removed { text } => writeln!(b, "-{text}"),
                                compare::SqlLine::Added { text } => writeln!(b, "+{text}"),
                                compare::SqlLine::Skipped { count: n } => writeln!(b, "@@ {} the same @@", count(n, "line")),
                            };
                        }
                    }
                    blocks.push(b + "```");
                }
                let _ = write!(o, "\n{}", blocks.join("\n\n"));
            }
        }
        Some(o)
    }
}

#[cfg(test)]
mod test {
    use super::*;

    fn set(files: &[(&str, &str)]) -> MigrationSet {
        MigrationSet::from_files(files.iter().map(|(n, t)| (n.to_string(), t.as_bytes().to_vec()))).unwrap()
    }

    #[test]
    fn a_space_added_to_an_applied_up_is_a_modification_for_sqlx_only() {
        let base = set(&[("1_a.up.sql", "CREATE TABLE a(x);\n")]);
        let head = set(&[("1_a.up.sql", "CREATE TABLE a(x);\n\n")]);
        let (sqlx, _) = changes(&base, &head, Flavor::Sqlx);
        assert_eq!(sqlx.iter().map(SetChange::rule).collect::<Vec<_>>(), ["modified-after-merge"]);
        let (golang, same) = changes(&base, &head, Flavor::GolangMigrate);
        assert!(golang.is_empty(), "golang-migrate runs the same SQL: {golang:?}");
        assert_eq!(same, 1);
    }

    #[test]
    fn a_changed_down_alone_is_a_notice_on_its_first_changed_line() {
        let base = set(&[("1_a.up.sql", "CREATE TABLE a(x);"), ("1_a.down.sql", "-- undo\nDROP TABLE a;")]);
        let head = set(&[("1_a.up.sql", "CREATE TABLE a(x);"), ("1_a.down.sql", "-- undo\nDROP TABLE IF EXISTS a;")]);
        let (c, same) = changes(&base, &head, Flavor::Sqlx);
        assert_eq!(same, 0);
        assert_eq!(c, [SetChange::DownChanged { migration: Side::of(&head.migrations()[0]), file: "1_a.down.sql".into(), line: 2 }]);
        assert_eq!(c[0].level(), Some(Level::Notice));
    }

    #[test]
    fn dbmate_runs_an_older_new_version_late_unless_strict() {
        let file = |t: &str| format!("-- migrate:up\nCREATE TABLE {t}(x);\n-- migrate:down\nDROP TABLE {t};\n");
        let (a, b, c) = (file("a"), file("b"), file("c"));
        let base = set(&[("001_a.sql", &a), ("003_c.sql", &c)]);
        let head = set(&[("001_a.sql", &a), ("002_b.sql", &b), ("003_c.sql", &c)]);
        assert_eq!(head.flavor().flavor, Flavor::Dbmate);
        let (changes, _) = changes(&base, &head, Flavor::Dbmate);
        assert_eq!(
            changes.iter().map(ToString::to_string).collect::<Vec<_>>(),
            [
                "added: 2 b (002_b.sql)",
                "out of order: 2 b is older than the base's newest (3): dbmate applies it on a database already at 3, after 3 (new databases run it before); \"--strict\" would refuse it",
            ]
        );
        assert_eq!(changes[1].level(), Some(Level::Warning));
    }

    #[test]
    fn goose_counts_every_missing_version_in_its_error() {
        assert_eq!(
            out_of_order(Flavor::Goose, 9, 2),
            ToolDoes::Refuses {
                tool: Flavor::Goose,
                error: "error: found 2 missing migrations before current version 9".into(),
                unless: Some("-allow-missing".into())
            }
        );
    }

    #[test]
    fn golang_migrate_refuses_only_when_the_newest_version_is_removed() {
        assert_eq!(removed(Flavor::GolangMigrate, 3, 3).level(), Level::Error);
        assert_eq!(removed(Flavor::GolangMigrate, 2, 3), ToolDoes::Unnoticed { tool: Flavor::GolangMigrate });
    }

    #[test]
    fn a_modified_migration_is_annotated_on_its_first_changed_line() {
        let base = set(&[("1_a.up.sql", "CREATE TABLE a(\n  x INT\n);")]);
        let head = set(&[("1_a.up.sql", "CREATE TABLE a(\n  x TEXT\n);")]);
        let r = review(&base, &head, "test", None, false, &mut |_| {}).unwrap();
        assert!(!r.ok());
        let a = r.annotations();
        assert_eq!(a.len(), 1);
        assert_eq!((a[0].level, a[0].rule.as_str(), a[0].file.as_deref(), a[0].line), (Level::Error, "modified-after-merge", Some("1_a.up.sql"), Some(2)));
        assert_eq!(a[0].title, "1 modified after merge");
    }

    #[test]
    fn a_head_whose_up_fails_has_no_final_schema_and_says_why() {
        let base = set(&[("1_a.up.sql", "CREATE TABLE a(x);")]);
        let head = set(&[("1_a.up.sql", "CREATE TABLE a(x);"), ("2_b.up.sql", "CREATE TABLE b(x);\nCREATE TABEL c(y);")]);
        let r = review(&base, &head, "test", None, false, &mut |_| {}).unwrap();
        assert!(!r.ok());
        assert_eq!(r.verdict.headline, "FAIL: 1 migration failing verify (2).");
        let SchemaChange::NotBuilt { side, error } = &r.schema else { panic!("{:?}", r.schema) };
        assert_eq!((side.as_str(), error.as_str()), ("head", "2_b.up.sql, statement 2 (line 2): near \"TABEL\": syntax error"));
        assert!(r.to_markdown().contains("The head's final schema cannot be built: `2_b.up.sql, statement 2 (line 2): near \"TABEL\": syntax error`"));
    }

    #[test]
    fn a_defect_before_the_first_change_is_the_base_s_not_the_pull_request_s() {
        let leaky = [("1_a.up.sql", "CREATE TABLE a(x); CREATE INDEX ia ON a(x);"), ("1_a.down.sql", "DROP TABLE a;\nCREATE TABLE stray(y);")];
        let base = set(&leaky);
        let mut files = leaky.to_vec();
        files.extend([("2_b.up.sql", "CREATE TABLE b(x);"), ("2_b.down.sql", "DROP TABLE b;")]);
        let r = review(&base, &set(&files), "test", None, false, &mut |_| {}).unwrap();
        assert!(r.ok(), "{:?}", r.verdict);
        assert_eq!(r.verdict.in_base.iter().map(|d| d.version).collect::<Vec<_>>(), [1]);
        assert_eq!(r.verdict.counted, [2], "only the pull request's migration counts");
        assert_eq!(r.verdict.headline, "PASS: nothing to worry about.");
    }
}
