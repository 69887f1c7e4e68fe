//! The report as a pull-request comment (`--format comment`, and the job
//! summary under GitHub Actions): the verdict first, then every failing
//! migration with its first finding at its file and line, what the ups do to
//! the sample rows, what the pull request changes (a review), then the rest
//! folded while room is left (more findings, safety lint, the schema change, the
//! passing migrations); never more than `LIMIT` characters (GitHub refuses a
//! comment over 65,536), saying what was cut and where the full report is.
//! Style lint is left out. A review counts only the pull request's migrations.

use std::fmt::Write as _;

use crate::annotation::{from_migration, join, of_problem, of_the_set, Annotation, Level};
use crate::lint::Category;
use crate::report::{code, count, md, Report, Status};

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

/// What a comment is about: verify's whole set, or a review's pull request.
struct Scope<'a> {
    /// Nothing to worry about.
    ok: bool,
    /// The verdict line.
    headline: &'a str,
    /// Lines under the verdict (already Markdown): the changes' counts, a flavor…
    about: Vec<String>,
    /// What the pull request changes, one Markdown item each (review only).
    changes: Vec<String>,
    /// The migrations the verdict counts (a review: the pull request's); None: all.
    counted: Option<&'a [i64]>,
    /// Folded sections after the findings: (summary, Markdown body).
    folded: Vec<(String, String)>,
    /// The command that writes the full report.
    full: &'a str,
}

/// Verify's report (and set-level findings in `extra`) as a comment of at most
/// `LIMIT` characters; `headline` is the verdict line.
pub fn render(report: &Report, extra: &[Annotation], folder: &str, headline: &str) -> String {
    let changes = extra.iter().filter(|a| a.level != Level::Notice).map(|a| item(a, folder, 400)).collect();
    let ok = report.ok && !extra.iter().any(|a| a.level == Level::Error);
    let about = vec![flavor(&report.flavor)];
    let scope = Scope { ok, headline, about, changes, counted: None, folded: Vec::new(), full: "migraplay verify --format md" };
    write(report, folder, &scope)
}

/// A review as a comment of at most `LIMIT` characters: the verdict, what the
/// pull request changes, its migrations' failures, then the schema change base →
/// head and the rest, folded.
pub fn render_review(review: &crate::review::Review, folder: &str) -> String {
    let about = vec![flavor(&review.flavor), format!("- **Changes**: {}", md(&review.counts()))];
    // What a tool refuses, loses or runs otherwise is listed; added migrations are named, folded.
    let changes = review.changes.iter().filter(|c| c.level().is_some()).map(|c| review_item(c, folder)).collect();
    let mut folded = Vec::new();
    let added: Vec<String> = review.changes.iter().filter_map(|c| match c {
        crate::review::SetChange::Added { migration } => Some(md(&migration.label())),
        _ => None,
    }).collect();
    if !added.is_empty() {
        folded.push((format!("{} added", count(added.len(), "migration")), added.join(", ")));
    }
    if let Some(schema) = review.schema_markdown() {
        folded.push(("Schema change (base → head)".to_string(), schema));
    }
    if !review.verdict.in_base.is_empty() {
        let of: Vec<String> = review.verdict.in_base.iter().map(|d| md(&format!("{} {}", d.version, d.description))).collect();
        folded.push((format!("Already failing in the base, not counted ({})", of.len()), of.join(", ")));
    }
    let scope = Scope {
        ok: review.ok(),
        headline: &review.verdict.headline,
        about,
        changes,
        counted: Some(&review.verdict.counted),
        folded,
        full: "migraplay review --format md",
    };
    write(&review.report, folder, &scope)
}

/// The tool whose rules were applied, and why: `- **Flavor**: goose (…)`.
fn flavor(choice: &crate::flavor::Choice) -> String {
    format!("- **Flavor**: {} ({})", choice.flavor, md(&choice.why))
}

/// One change of a review as a list item, at its file and line when it has them.
fn review_item(c: &crate::review::SetChange, folder: &str) -> String {
    let mark = match c.level() {
        Some(Level::Error) => "**error** ",
        Some(Level::Warning) => "**warning** ",
        _ => "",
    };
    let at = c.place().map(|(f, l)| format!("`{}:{l}` ", code(&join(folder, &f)))).unwrap_or_default();
    format!("- {at}{mark}{}\n", md(&c.to_string()))
}

/// The characters left for items before the closing lines.
fn room(o: &str) -> usize {
    LIMIT.saturating_sub(RESERVE).saturating_sub(o.len())
}

/// `line` added when it fits, else counted as cut.
fn push(o: &mut String, line: String, cut: &mut usize) {
    if line.len() > room(o) {
        *cut += 1;
    } else {
        o.push_str(&line);
    }
}

/// A list of items between `open` and `close` (a heading, or `<details>`), as
/// far as there is room; nothing at all when there are no items.
fn section(o: &mut String, (open, close): (String, &str), lines: impl ExactSizeIterator<Item = String>, cut: &mut usize) {
    if lines.len() == 0 {
        return;
    }
    o.push_str(&open);
    for line in lines {
        push(o, line, cut);
    }
    o.push_str(close);
}

fn write(report: &Report, folder: &str, scope: &Scope) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "## migraplay: {}\n\n{}\n", if scope.ok { "PASS" } else { "FAIL" }, md(scope.headline));
    for line in &scope.about {
        let _ = writeln!(o, "{line}");
    }
    let _ = writeln!(o, "- **Full rollback**: {}", md(&report.full_rollback.to_string()));
    let _ = writeln!(o, "- **Repeatability**: {}\n", md(&report.summary.repeatability));
    let counts = |m: &crate::report::MigrationReport| scope.counted.is_none_or(|c| c.contains(&m.version));
    let ours: Vec<&crate::report::MigrationReport> = report.migrations.iter().filter(|m| counts(m)).collect();
    // Their findings, the full rollback's, and lint on their files.
    let theirs = |a: &Annotation| a.file.as_ref().is_some_and(|f| ours.iter().any(|m| &m.up_file == f || m.down_file.as_ref() == Some(f)));
    let set_level = of_the_set(report).into_iter().filter(|a| a.rule == "full-rollback-failed" || (a.rule.starts_with("lint/") && theirs(a)));
    let all: Vec<Annotation> = ours.iter().flat_map(|m| from_migration(m)).chain(set_level).collect();
    let findings: Vec<&Annotation> = all.iter().filter(|a| a.level == Level::Error).collect();
    let rows: Vec<&Annotation> = all.iter().filter(|a| a.rule == "up-loses-rows").collect();
    let safety: Vec<&Annotation> = all.iter().filter(|a| a.rule.starts_with("lint/")).filter(|a| {
        report.lint.iter().any(|w| w.category == Category::Safety && a.rule == format!("lint/{}", w.code))
    }).collect();
    let mut cut = 0usize;

    // Every failing migration's first finding, each line short enough that all fit.
    let failing: Vec<&&crate::report::MigrationReport> = ours.iter().filter(|m| m.status == Status::Fail).collect();
    let first: Vec<Annotation> =
        failing.iter().filter_map(|m| m.problems.iter().find(|p| !p.is_not_tested()).map(|p| of_problem(m, p))).collect();
    if !first.is_empty() || !report.load_problems.is_empty() {
        let of = match scope.counted {
            None => format!("{} of {}", failing.len(), count(report.migrations.len(), "migration")),
            Some(_) => format!("{} of this pull request's {}", failing.len(), count(ours.len(), "migration")),
        };
        let _ = writeln!(o, "### Failing ({of})\n");
        for p in &report.load_problems {
            push(&mut o, format!("- could not load {}\n", md(p)), &mut cut);
        }
        // `item` counts characters and adds a newline; a cut adds `…` (3 bytes) and may close a code span.
        // What the pull request changes keeps up to half the room.
        let changes: usize = scope.changes.iter().map(String::len).sum::<usize>().min(room(&o) / 2);
        let each = (room(&o).saturating_sub(changes) / first.len().max(1)).saturating_sub(5).clamp(60, 400);
        for a in &first {
            push(&mut o, item(a, folder, each), &mut cut);
        }
        o.push('\n');
    }

    // What the ups do to the sample rows: warnings, not failures.
    let heading = |title: String| (format!("### {title}\n\n"), "\n");
    let folded = |title: String| (format!("<details><summary>{title}</summary>\n\n"), "\n</details>\n\n");
    let rows_title = format!("What the ups do to the sample rows ({})", rows.len());
    section(&mut o, heading(rows_title), rows.iter().map(|a| item(a, folder, 300)), &mut cut);
    // What the pull request changes (review only).
    let changes_title = format!("What this pull request changes ({})", scope.changes.len());
    section(&mut o, heading(changes_title), scope.changes.iter().cloned(), &mut cut);
    // The other findings, while there is room.
    let rest: Vec<&Annotation> = findings.iter().copied().filter(|a| !first.contains(a)).collect();
    let rest_title = format!("{} more finding{}", rest.len(), if rest.len() == 1 { "" } else { "s" });
    section(&mut o, folded(rest_title), rest.iter().map(|a| item(a, folder, 400)), &mut cut);
    section(&mut o, folded(format!("Safety lint ({})", safety.len())), safety.iter().map(|a| item(a, folder, 300)), &mut cut);
    for (summary, body) in &scope.folded {
        let section = format!("<details><summary>{summary}</summary>\n\n{body}\n\n</details>\n\n");
        if section.len() <= room(&o) {
            o.push_str(&section);
        } else {
            let _ = writeln!(o, "_{summary}: left out, for room._\n");
        }
    }
    let passing: Vec<String> = ours.iter().filter(|m| m.status == Status::Pass).map(|m| md(&m.label())).collect();
    if !passing.is_empty() {
        let list = passing.join(", ");
        if list.len() + 80 <= room(&o) {
            let _ = writeln!(o, "<details><summary>{} passing</summary>\n\n{list}\n\n</details>\n", count(passing.len(), "migration"));
        } else {
            let _ = writeln!(o, "{} migrations pass (not listed here, for room).\n", passing.len());
        }
    }
    if cut > 0 {
        let _ = writeln!(o, "_{cut} more items did not fit in a comment. The full report: `{}`._", scope.full);
    }
    let _ = writeln!(o, "<sub>migraplay {} · SQLite {}</sub>", report.migraplay_version, report.sqlite_version);
    o
}
