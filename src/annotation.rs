//! Findings where the code is: verify's report as annotations (a level, a
//! stable rule id, a file and its line), and the formats CI reads them in:
//! GitHub Actions workflow commands, SARIF 2.1.0 and JUnit XML.
//!
//! The annotations and `statement_about` are plain values and text, built on
//! every target; the renderers use `serde-sarif` and `quick-junit`, which are
//! native-only dependencies (Cargo.toml), so they are left out of the wasm
//! build and the page's wasm does not grow.
//!
//! Where each line comes from (every annotation with a file has its line):
//! - a failed statement: its own line (the engine's `Location`);
//! - a failed script with no statement to blame (a transaction left open, a
//!   timeout): line 1 of that script's file;
//! - a difference a down leaves: the down's last statement that creates, drops,
//!   alters or renames the object (for a column or a constraint, its table),
//!   else line 1 of the down file (the finding says nothing in it touches the
//!   object); the up that made the object is named in the finding, with the
//!   line of its statement about it;
//! - a difference the up again leaves: the up's last statement about the object,
//!   else line 1 of the up file;
//! - rows a down loses (rows an up loses): the down's (up's) last statement
//!   about the table, else line 1 of that file;
//! - integrity, an empty down, a stage not tested: line 1 of the stage's file;
//! - lint warnings: the line of the statement they are about;
//! - files that could not be loaded: no file (their problem is a sentence that
//!   names the file; it is not parsed back), so no line.

use serde::Serialize;

use crate::error::Location;
use crate::finding::{Problem, Stage};
use crate::migration::Script;
use crate::report::{MigrationReport, Report};

/// How serious an annotation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// A defect: the run fails.
    Error,
    /// A lint warning: it does not fail the run.
    Warning,
    /// A note (e.g. a stage not tested).
    Notice,
}

/// One finding, where the code is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Annotation {
    /// How serious.
    pub level: Level,
    /// A stable id: `down-failed`, `down-differs`, `lint/<code>`, `modified-after-merge`…
    pub rule: String,
    /// A short title: `20250115 down leaves index idx_x`.
    pub title: String,
    /// The full sentence(s), as the Markdown report says it.
    pub message: String,
    /// The file's name as in the set (`2_add.down.sql`); renderers join the folder.
    pub file: Option<String>,
    /// 1-based; every annotation that has a file has its line.
    pub line: Option<u32>,
}

/// The formats verify (and review) can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// Markdown, the report people read.
    Md,
    /// JSON, the whole report.
    Json,
    /// GitHub Actions workflow commands (`::error file=…,line=…::…`).
    Github,
    /// SARIF 2.1.0, for code-scanning tools.
    Sarif,
    /// JUnit XML, for test dashboards.
    Junit,
    /// Markdown that fits a pull-request comment (src/comment.rs).
    Comment,
}

/// Which statements `statement_about` looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Statements {
    /// CREATE, DROP and ALTER: what shapes the schema.
    Ddl,
    /// Those, and INSERT, REPLACE, UPDATE and DELETE: what changes rows too.
    Any,
}

/// The last statement of `script` about one of `names` (any case): one that
/// creates, drops or alters it, renames a table to it, or (with
/// `Statements::Any`) writes its rows. Read from the SQL text, never from a
/// finding's sentence.
pub(crate) fn statement_about(script: &Script, names: &[&str], which: Statements) -> Option<Location> {
    let statements = crate::script::split(script.text());
    let found = statements.iter().enumerate().rev().find(|(_, s)| {
        subjects(s.text, which).iter().any(|subject| names.iter().any(|n| n.eq_ignore_ascii_case(subject)))
    });
    // A byte-order mark is not a line: `split` ran on the text without it, as the engine does.
    found.map(|(i, s)| Location { file: script.file.clone(), statement: i + 1, line: s.line })
}

/// The objects a statement is about (see `statement_about`).
fn subjects(sql: &str, which: Statements) -> Vec<String> {
    let t = crate::sqltext::tokens(sql);
    let is = |i: usize, w: &str| t.get(i).is_some_and(|x| x.is(w));
    // A possibly schema-qualified name at `i`, and the index after it.
    let name_at = |i: usize| -> Option<(String, usize)> {
        if t.get(i + 1).is_some_and(|d| d.is_punct('.')) {
            return Some((t.get(i + 2)?.name(), i + 3));
        }
        Some((t.get(i)?.name(), i + 1))
    };
    let skip_if = |mut i: usize| {
        while ["IF", "NOT", "EXISTS"].iter().any(|w| is(i, w)) {
            i += 1;
        }
        i
    };
    let kinds = ["TABLE", "INDEX", "TRIGGER", "VIEW"];
    let mut out = Vec::new();
    if is(0, "CREATE") || is(0, "DROP") {
        let mut i = 1;
        while ["TEMP", "TEMPORARY", "UNIQUE", "VIRTUAL"].iter().any(|w| is(i, w)) {
            i += 1;
        }
        if kinds.iter().any(|k| is(i, k)) {
            out.extend(name_at(skip_if(i + 1)).map(|(n, _)| n));
        }
    } else if is(0, "ALTER") && is(1, "TABLE") {
        if let Some((table, i)) = name_at(2) {
            if is(i, "RENAME") && is(i + 1, "TO") {
                out.extend(name_at(i + 2).map(|(n, _)| n));
            }
            out.push(table);
        }
    } else if which == Statements::Any {
        let at = if is(0, "INSERT") || is(0, "REPLACE") {
            (1..t.len()).find(|&i| is(i, "INTO")).map(|i| i + 1)
        } else if is(0, "DELETE") && is(1, "FROM") {
            Some(2)
        } else if is(0, "UPDATE") {
            Some(if is(1, "OR") { 3 } else { 1 })
        } else {
            None
        };
        out.extend(at.and_then(name_at).map(|(n, _)| n));
    }
    out
}

/// The stage as a word in a rule id: `up`, `down`, `up-again`.
fn stage_id(stage: Stage) -> &'static str {
    match stage {
        Stage::Up => "up",
        Stage::Down => "down",
        Stage::UpAgain => "up-again",
        Stage::UpOnLeft => "up-on-what-the-down-left",
    }
}

fn line(n: usize) -> Option<u32> {
    Some(u32::try_from(n.max(1)).unwrap_or(u32::MAX))
}

/// One problem of a migration as an annotation.
pub(crate) fn of_problem(m: &MigrationReport, p: &Problem) -> Annotation {
    let v = m.version;
    let stage = p.stage();
    let (level, rule, title) = match p {
        Problem::Failed { .. } => (Level::Error, format!("{}-failed", stage_id(stage)), format!("{v} {} failed", stage.word())),
        Problem::Differs { difference, .. } => {
            use crate::diff::Change;
            let verb = match difference.change {
                Change::StillThere => "leaves",
                Change::Missing => "loses",
                Change::Changed(_) => "changes",
            };
            let title = format!("{v} {} {verb} {}", stage.word(), difference.object());
            (Level::Error, format!("{}-differs", stage_id(stage)), title)
        }
        Problem::Integrity { .. } => (Level::Error, "integrity".to_string(), format!("{v} {}: integrity check failed", stage.word())),
        Problem::EmptyDown { .. } => (Level::Error, "empty-down".to_string(), format!("{v} down has no statement")),
        Problem::Data { loss, .. } => {
            (Level::Error, format!("{}-loses-rows", stage_id(stage)), format!("{v} {} loses rows of {}", stage.word(), loss.table))
        }
        Problem::NotTested { .. } => (Level::Notice, "not-tested".to_string(), format!("{v} {} not tested", stage.word())),
    };
    let place = m.place(p);
    Annotation { level, rule, title, message: format!("{}: {p}", m.label()), file: Some(place.file), line: line(place.line) }
}

/// One migration's findings as annotations: its problems (errors; not tested:
/// notices), what its up did to rows (warnings), and where the row checks stopped.
pub(crate) fn from_migration(m: &MigrationReport) -> Vec<Annotation> {
    let mut out: Vec<Annotation> = m.problems.iter().map(|p| of_problem(m, p)).collect();
    let Some(data) = &m.data else { return out };
    for w in &data.up {
        let (file, l) = w.location.as_ref().map_or((m.up_file.clone(), 1), |l| (l.file.clone(), l.line));
        out.push(Annotation {
            level: Level::Warning,
            rule: "up-loses-rows".to_string(),
            title: format!("{} up loses rows of {}", m.version, w.loss.table),
            message: format!("{}: {w}", m.label()),
            file: Some(file),
            line: line(l),
        });
    }
    if let Some(why) = &data.stopped {
        out.push(Annotation {
            level: Level::Notice,
            rule: "rows-not-checked".to_string(),
            title: format!("{} rows not checked from here on", m.version),
            message: format!("{}: {why}", m.label()),
            file: Some(m.up_file.clone()),
            line: Some(1),
        });
    }
    out
}

/// Verify's findings and lint warnings as annotations: per migration its
/// findings (`from_migration`), then the full rollback's failure, then files
/// that could not be loaded, then lint warnings.
pub fn from_report(report: &Report) -> Vec<Annotation> {
    report.migrations.iter().flat_map(from_migration).chain(of_the_set(report)).collect()
}

/// The findings that are the set's, not one migration's: the full rollback's
/// failure, files that could not be loaded, lint warnings.
pub(crate) fn of_the_set(report: &Report) -> Vec<Annotation> {
    let mut out = Vec::new();
    if let crate::report::FullRollback::Fails { at, location, .. } = &report.full_rollback {
        let m = report.migrations.iter().find(|m| m.version == at.version);
        let (file, l) = match (location, m.and_then(|m| m.down_file.clone())) {
            (Some(l), _) => (Some(l.file.clone()), l.line),
            (None, down) => (down, 1),
        };
        out.push(Annotation {
            level: Level::Error,
            rule: "full-rollback-failed".to_string(),
            title: format!("full rollback fails at {}", at.version),
            message: format!("full rollback {}", report.full_rollback),
            file,
            line: line(l),
        });
    }
    for p in &report.load_problems {
        out.push(Annotation {
            level: Level::Error,
            rule: "load-failed".to_string(),
            title: "could not load".to_string(),
            message: format!("could not load {p}"),
            file: None,
            line: None,
        });
    }
    for w in &report.lint {
        out.push(Annotation {
            level: Level::Warning,
            rule: format!("lint/{}", w.code),
            title: w.code.to_string(),
            message: w.message.clone(),
            file: Some(w.file.clone()),
            line: line(w.line),
        });
    }
    out
}

/// A rule's short description, for SARIF's `rules`.
#[cfg(not(target_arch = "wasm32"))]
fn describe(rule: &str) -> String {
    let known = match rule {
        "up-failed" => "An up migration fails",
        "down-failed" => "A down migration fails",
        "up-again-failed" => "An up fails when applied again after its down",
        "up-on-what-the-down-left-failed" => "An up fails when applied again on what its leaky down left",
        "full-rollback-failed" => "Rolling the whole set back to 0 on one database fails at a down",
        "down-differs" => "A down does not leave the schema as it was before its up",
        "up-again-differs" => "An up applied again after its down gives another schema",
        "integrity" => "The database fails PRAGMA integrity_check or foreign_key_check after a migration",
        "empty-down" => "A down file has no statement, so it reverts nothing",
        "down-loses-rows" => "A down does not bring back the rows its tables had before the up",
        "up-loses-rows" => "An up removes or changes rows (it may mean to)",
        "rows-not-checked" => "Rows are not checked from this migration on",
        "not-tested" => "A stage could not run because an earlier one failed",
        "load-failed" => "A migration file could not be loaded",
        "modified-after-merge" => "A migration was changed after it was merged",
        "out-of-order" => "A new migration's version is older than the base's newest",
        _ => "",
    };
    match (known, rule.strip_prefix("lint/")) {
        ("", Some(code)) => format!("Lint: {}", code.replace('-', " ")),
        ("", None) => rule.replace('-', " "),
        (known, _) => known.to_string(),
    }
}

/// Renders verify's report (plus `extra` set-level annotations, e.g. from a
/// review) in `format`; `folder` is the set's folder as given on the command
/// line, joined to each file name. `headline` is the run's verdict as the
/// github format's last line: the report's own for verify, the review's for a
/// review (whose verdict is not the head report's).
#[cfg(not(target_arch = "wasm32"))]
pub fn render(format: OutputFormat, report: &Report, extra: &[Annotation], folder: &str, headline: &str) -> String {
    let all = || from_report(report).into_iter().chain(extra.iter().cloned()).collect::<Vec<_>>();
    match format {
        OutputFormat::Md => report.to_markdown(),
        OutputFormat::Json => report.to_json(),
        OutputFormat::Github => github(&all(), folder, headline),
        OutputFormat::Sarif => sarif(&all(), folder),
        OutputFormat::Junit => junit(report, extra, folder),
        OutputFormat::Comment => crate::comment::render(report, extra, folder, headline),
    }
}

/// `folder/file` with `/` (as GitHub and SARIF want it); a leading `./` and a
/// trailing `/` of the folder go, an empty folder or `.` gives the file alone.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn join(folder: &str, file: &str) -> String {
    let folder = folder.replace('\\', "/");
    let mut folder = folder.trim_end_matches('/');
    while let Some(rest) = folder.strip_prefix("./") {
        folder = rest.trim_start_matches('/');
    }
    if folder.is_empty() || folder == "." {
        file.to_string()
    } else {
        format!("{folder}/{file}")
    }
}

/// GitHub's escaping of a command's message, as `escapeData` in actions/toolkit
/// (packages/core/src/command.ts): `%`, CR and LF; before it, every other control
/// character (an escape sequence in a name) made a visible escape, as in a terminal.
#[cfg(not(target_arch = "wasm32"))]
fn escape_data(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '%' => "%25".to_string(),
            '\r' => "%0D".to_string(),
            '\n' => "%0A".to_string(),
            c => crate::escape::control(&c.to_string()),
        })
        .collect()
}

/// GitHub's escaping of a command's property, as `escapeProperty` in
/// actions/toolkit: what `escape_data` escapes, and `:` and `,`.
#[cfg(not(target_arch = "wasm32"))]
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub Actions workflow commands, one per annotation
/// (`::error file=…,line=…,title=…::message`), then the verdict as a plain line.
#[cfg(not(target_arch = "wasm32"))]
fn github(annotations: &[Annotation], folder: &str, headline: &str) -> String {
    let mut out = String::new();
    for a in annotations {
        let command = match a.level {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Notice => "notice",
        };
        let mut props = Vec::new();
        if let Some(file) = &a.file {
            props.push(format!("file={}", escape_property(&join(folder, file))));
            props.push(format!("line={}", a.line.unwrap_or(1)));
        }
        props.push(format!("title={}", escape_property(&a.title)));
        out.push_str(&format!("::{command} {}::{}\n", props.join(","), escape_data(&a.message)));
    }
    out.push_str(&escape_data(headline));
    out.push('\n');
    out
}

/// A relative path as a URI reference: bytes outside RFC 3986's unreserved
/// characters and `/` are percent-encoded (a space, `#`, `%`, non-ASCII names).
#[cfg(not(target_arch = "wasm32"))]
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// SARIF 2.1.0: one run, one rule per rule id (in order of first use), one
/// result per annotation with its file and line.
#[cfg(not(target_arch = "wasm32"))]
fn sarif(annotations: &[Annotation], folder: &str) -> String {
    use serde_sarif::sarif;
    let mut ids: Vec<&str> = Vec::new();
    for a in annotations {
        if !ids.contains(&a.rule.as_str()) {
            ids.push(&a.rule);
        }
    }
    let rules: Vec<sarif::ReportingDescriptor> = ids
        .iter()
        .map(|id| {
            sarif::ReportingDescriptor::builder()
                .id(*id)
                .short_description(sarif::MultiformatMessageString::builder().text(describe(id)).build())
                .build()
        })
        .collect();
    let results: Vec<sarif::Result> = annotations
        .iter()
        .map(|a| {
            let level = match a.level {
                Level::Error => sarif::ResultLevel::Error,
                Level::Warning => sarif::ResultLevel::Warning,
                Level::Notice => sarif::ResultLevel::Note,
            };
            let index = ids.iter().position(|id| *id == a.rule).unwrap_or(0);
            let locations: Vec<sarif::Location> = a
                .file
                .iter()
                .map(|file| {
                    let artifact = sarif::ArtifactLocation::builder().uri(uri(&join(folder, file))).build();
                    let region = sarif::Region::builder().start_line(i64::from(a.line.unwrap_or(1))).build();
                    let physical = sarif::PhysicalLocation::builder().artifact_location(artifact).region(region).build();
                    sarif::Location::builder().physical_location(physical).build()
                })
                .collect();
            let message = sarif::Message::builder().text(a.message.clone()).build();
            let mut result = sarif::Result::builder().rule_id(a.rule.clone()).rule_index(index as i64).level(level).message(message).build();
            result.locations = (!locations.is_empty()).then_some(locations);
            result
        })
        .collect();
    // Cargo.toml names no homepage or repository yet; when it does, SARIF links it.
    let home = [env!("CARGO_PKG_HOMEPAGE"), env!("CARGO_PKG_REPOSITORY")].into_iter().find(|u| !u.is_empty());
    let mut driver = sarif::ToolComponent::builder().name("migraplay").version(env!("CARGO_PKG_VERSION")).rules(rules).build();
    driver.information_uri = home.map(str::to_string);
    let run = sarif::Run::builder().tool(sarif::Tool::builder().driver(driver).build()).results(results).build();
    let log = sarif::Sarif::builder()
        .schema("https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
        .version(serde_json::json!("2.1.0"))
        .runs(vec![run])
        .build();
    serde_json::to_string_pretty(&log).expect("a SARIF log always serializes") + "\n"
}

/// JUnit XML: one test suite for the run, a test case per migration and phase
/// (up, down, up again, and data when rows were checked), failed with each
/// problem's `file:line: text`, skipped when not tested; a failed load and
/// `extra` errors are failed cases of their own.
#[cfg(not(target_arch = "wasm32"))]
fn junit(report: &Report, extra: &[Annotation], folder: &str) -> String {
    use quick_junit::{NonSuccessKind, Report as JReport, TestCase, TestCaseStatus, TestSuite};
    use std::time::Duration;

    use crate::report::{DownResult, Outcome};

    #[derive(Clone, Copy, PartialEq)]
    enum Phase {
        Up,
        Down,
        UpAgain,
        Data,
    }
    let data_checked = report.migrations.iter().any(|m| m.data.is_some());
    let mut suite = TestSuite::new(if folder.is_empty() { "migraplay verify".to_string() } else { format!("migraplay verify {folder}") });
    for m in &report.migrations {
        let annotations: Vec<(Phase, Annotation)> = m
            .problems
            .iter()
            .filter(|p| !p.is_not_tested())
            .map(|p| {
                let phase = match p {
                    Problem::Data { .. } => Phase::Data,
                    _ => match p.stage() {
                        Stage::Up => Phase::Up,
                        Stage::Down => Phase::Down,
                        Stage::UpAgain | Stage::UpOnLeft => Phase::UpAgain,
                    },
                };
                (phase, of_problem(m, p))
            })
            .collect();
        // Why a phase did not run: what the report says, else that its up did not run.
        let unrun = "not tested: its up did not run".to_string();
        let why = |stage: Stage| {
            let said = m.problems.iter().find(|p| p.is_not_tested() && p.stage() == stage).map(|p| p.to_string());
            said.unwrap_or_else(|| unrun.clone())
        };
        let mut phases = vec![
            (Phase::Up, "up", m.up == Outcome::NotTested, m.up_ms, why(Stage::Up), Stage::Up),
            (Phase::Down, "down", matches!(m.down, DownResult::NotTested | DownResult::None), m.down_ms, match m.down {
                DownResult::None => "irreversible: no down file".to_string(),
                _ => why(Stage::Down),
            }, Stage::Down),
            (Phase::UpAgain, "up again", m.up_again == Outcome::NotTested, m.up_again_ms, why(Stage::UpAgain), Stage::UpAgain),
        ];
        if data_checked {
            let stopped = m.data.as_ref().and_then(|d| d.stopped.clone());
            let unchecked = m.up != Outcome::Pass || m.data.is_none() || stopped.is_some();
            phases.push((Phase::Data, "data", unchecked, None, stopped.unwrap_or(unrun.clone()), Stage::Down));
        }
        for (phase, word, skipped, ms, why, stage) in phases {
            let failures: Vec<&Annotation> = annotations.iter().filter(|(p, _)| *p == phase).map(|(_, a)| a).collect();
            let status = if !failures.is_empty() {
                let lines: Vec<String> = failures
                    .iter()
                    .map(|a| format!("{}:{}: {}", join(folder, a.file.as_deref().unwrap_or("")), a.line.unwrap_or(1), a.message))
                    .collect();
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                s.set_message(failures[0].title.clone()).set_type(failures[0].rule.clone()).set_description(lines.join("\n"));
                s
            } else if skipped {
                let mut s = TestCaseStatus::skipped();
                s.set_message(why);
                s
            } else {
                TestCaseStatus::success()
            };
            let mut case = TestCase::new(format!("{} {}: {word}", m.version, m.description), status);
            case.set_classname(join(folder, m.stage_file(stage)));
            if let Some(ms) = ms {
                case.set_time(Duration::from_secs_f64(ms.max(0.0) / 1000.0));
            }
            suite.add_test_case(case);
        }
    }
    let mut failing = |name: String, classname: String, a: &Annotation| {
        let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
        s.set_message(a.title.clone()).set_type(a.rule.clone()).set_description(a.message.clone());
        let mut case = TestCase::new(name, s);
        case.set_classname(classname);
        suite.add_test_case(case);
    };
    for a in from_report(report).iter().filter(|a| a.rule == "load-failed") {
        failing(a.message.clone(), "load".to_string(), a);
    }
    for a in extra.iter().filter(|a| a.level == Level::Error) {
        let classname = a.file.as_deref().map_or_else(|| folder.to_string(), |f| join(folder, f));
        failing(a.title.clone(), classname, a);
    }
    let mut out = JReport::new("migraplay");
    out.add_test_suite(suite);
    out.to_string().unwrap_or_else(|e| format!("<!-- could not write JUnit XML: {e} -->\n"))
}

#[cfg(test)]
mod test {
    use super::*;

    fn script(sql: &str) -> Script {
        Script::new("2_x.down.sql".to_string(), sql.to_string())
    }

    #[test]
    fn the_last_statement_about_an_object_is_found_by_its_name() {
        let s = script("CREATE TABLE t_old (id INT);\nINSERT INTO t_old SELECT * FROM t;\nDROP TABLE t;\nALTER TABLE t_old RENAME TO \"T\";\nCREATE INDEX IF NOT EXISTS ix ON t (id);\n");
        assert_eq!(statement_about(&s, &["t"], Statements::Ddl).map(|l| (l.line, l.statement)), Some((4, 4)));
        assert_eq!(statement_about(&s, &["ix"], Statements::Ddl).map(|l| l.line), Some(5));
        assert_eq!(statement_about(&s, &["t_old"], Statements::Any).map(|l| l.line), Some(4));
        assert_eq!(statement_about(&s, &["nothing"], Statements::Any), None);
    }

    #[test]
    fn rows_are_written_by_insert_update_and_delete() {
        let s = script("-- c\nUPDATE OR IGNORE main.a SET x = 1;\nDELETE FROM b;\nINSERT OR REPLACE INTO c VALUES (1);\n");
        assert_eq!(statement_about(&s, &["a"], Statements::Any).map(|l| l.line), Some(2));
        assert_eq!(statement_about(&s, &["a"], Statements::Ddl), None);
        assert_eq!(statement_about(&s, &["b"], Statements::Any).map(|l| l.line), Some(3));
        assert_eq!(statement_about(&s, &["c"], Statements::Any).map(|l| l.line), Some(4));
    }

    #[test]
    fn github_escapes_as_the_actions_toolkit_does() {
        assert_eq!(escape_data("50% done:\r\nnext, then"), "50%25 done:%0D%0Anext, then");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        assert_eq!(escape_data("t\x1b]0;x\x07"), "t\\x1b]0;x\\x07", "any other control character is a visible escape");
    }

    #[test]
    fn a_folder_joins_its_files_with_a_slash() {
        assert_eq!(join("./migrations/", "1_a.up.sql"), "migrations/1_a.up.sql");
        assert_eq!(join("", "1_a.up.sql"), "1_a.up.sql");
        assert_eq!(join(".", "1_a.up.sql"), "1_a.up.sql");
        assert_eq!(join("db\\migrations", "1_a.up.sql"), "db/migrations/1_a.up.sql");
        assert_eq!(uri("a b/ü#.sql"), "a%20b/%C3%BC%23.sql");
    }
}
