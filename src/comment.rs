//! The report as a pull-request comment (`--format comment`): the verdict
//! first, then every failing migration with its first finding at its file and
//! line, then the rest while room is left, the passing migrations folded; never
//! more than `LIMIT` characters (GitHub refuses a comment over 65,536), saying
//! what was cut and where the full report is. Style lint is left out.

use std::fmt::Write as _;

use crate::annotation::{from_report, join, of_problem, Annotation, Level};
use crate::lint::Category;
use crate::report::{code, md, Report, Status};

/// The most characters a comment may have.
pub const LIMIT: usize = 60_000;

/// Room kept for the closing lines (what was cut, where the rest is).
const RESERVE: usize = 800;

/// One finding as a list item: `` - `folder/file:line` message ``, cut to `max` characters.
fn item(a: &Annotation, folder: &str, max: usize) -> String {
    let at = match (&a.file, a.line) {
        (Some(f), Some(l)) => format!("`{}:{l}` ", code(&join(folder, f))),
        (Some(f), None) => format!("`{}` ", code(&join(folder, f))),
        _ => String::new(),
    };
    let text = md(&a.message);
    let mut line = format!("- {at}{text}");
    if line.chars().count() > max {
        line = line.chars().take(max.saturating_sub(1)).collect::<String>();
        // A cut must not leave a code span or an escape open.
        if line.matches('`').count() % 2 == 1 {
            line.push('`');
        }
        while line.ends_with('\\') {
            line.pop();
        }
        line.push('…');
    }
    line + "\n"
}

/// Verify's report (and, for a review, its own findings in `extra` and its
/// verdict in `headline`) as a comment of at most `LIMIT` characters.
pub fn render(report: &Report, extra: &[Annotation], folder: &str, headline: &str) -> String {
    let mut o = String::new();
    let ok = report.ok && !extra.iter().any(|a| a.level == Level::Error);
    let _ = writeln!(o, "## migraplay: {}\n\n{}\n", if ok { "PASS" } else { "FAIL" }, md(headline));
    let _ = writeln!(o, "- **Full rollback**: {}", md(&report.full_rollback.to_string()));
    let _ = writeln!(o, "- **Repeatability**: {}\n", md(&report.summary.repeatability));
    let all = from_report(report);
    let findings: Vec<&Annotation> = all.iter().filter(|a| a.level == Level::Error).collect();
    let rows: Vec<&Annotation> = all.iter().filter(|a| a.rule == "up-loses-rows").collect();
    let safety: Vec<&Annotation> = all.iter().filter(|a| a.rule.starts_with("lint/")).filter(|a| {
        report.lint.iter().any(|w| w.category == Category::Safety && a.rule == format!("lint/{}", w.code))
    }).collect();
    let mut cut = 0usize;
    let room = |o: &String| LIMIT.saturating_sub(RESERVE).saturating_sub(o.len());

    // What the pull request changes that a tool refuses or loses (review only).
    let changes: Vec<&Annotation> = extra.iter().filter(|a| a.level != Level::Notice).collect();
    if !changes.is_empty() {
        let _ = writeln!(o, "### This pull request ({})\n", changes.len());
        for a in &changes {
            let line = item(a, folder, 400);
            if line.len() > room(&o) { cut += 1; continue; }
            o.push_str(&line);
        }
        o.push('\n');
    }

    // Every failing migration's first finding, each line short enough that all fit.
    let failing: Vec<&crate::report::MigrationReport> = report.migrations.iter().filter(|m| m.status == Status::Fail).collect();
    let first: Vec<Annotation> =
        failing.iter().filter_map(|m| m.problems.iter().find(|p| !p.is_not_tested()).map(|p| of_problem(m, p))).collect();
    if !first.is_empty() || !report.load_problems.is_empty() {
        let _ = writeln!(o, "### Failing ({} of {} migrations)\n", failing.len(), report.migrations.len());
        for p in &report.load_problems {
            let _ = writeln!(o, "- could not load {}", md(p));
        }
        let each = (room(&o) / first.len().max(1)).clamp(60, 400);
        for a in &first {
            let line = item(a, folder, each);
            if line.len() > room(&o) { cut += 1; continue; }
            o.push_str(&line);
        }
        o.push('\n');
    }

    // The other findings, while there is room.
    let rest: Vec<&Annotation> = findings.iter().copied().filter(|a| !first.contains(a)).collect();
    if !rest.is_empty() {
        let _ = writeln!(o, "<details><summary>{} more findings</summary>\n", rest.len());
        for a in &rest {
            let line = item(a, folder, 400);
            if line.len() > room(&o) { cut += 1; continue; }
            o.push_str(&line);
        }
        o.push_str("\n</details>\n\n");
    }
    for (title, list) in [("What the ups do to the sample rows", &rows), ("Safety lint", &safety)] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(o, "<details><summary>{title} ({})</summary>\n", list.len());
        for a in list.iter() {
            let line = item(a, folder, 300);
            if line.len() > room(&o) { cut += 1; continue; }
            o.push_str(&line);
        }
        o.push_str("\n</details>\n\n");
    }
    let passing: Vec<String> = report.migrations.iter().filter(|m| m.status == Status::Pass).map(|m| md(&m.label())).collect();
    if !passing.is_empty() {
        let list = passing.join(", ");
        if list.len() + 80 <= room(&o) {
            let _ = writeln!(o, "<details><summary>{} passing migrations</summary>\n\n{list}\n\n</details>\n", passing.len());
        } else {
            let _ = writeln!(o, "{} migrations pass (not listed here, for room).\n", passing.len());
        }
    }
    if cut > 0 {
        let _ = writeln!(o, "_{cut} more items did not fit in a comment. The full report: `migraplay verify --format md` (the job summary has it too)._");
    }
    let _ = writeln!(o, "<sub>migraplay {} · SQLite {}</sub>", report.migraplay_version, report.sqlite_version);
    o
}
