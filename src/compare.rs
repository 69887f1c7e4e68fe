//! Two versions of a set compared: each built on a fresh in-memory database
//! (the set's ups applied up to it, by the engine), their schemas diffed by
//! `diff::diff`, and, for every object that differs, its statement at each
//! version as `.schema` prints it and the two line by line. The higher version
//! is built from the lower one a migration at a time, so a table one step
//! renamed and a later one altered is still one rename, as *Apply next* names
//! it. The database the user plays with is not touched.

use std::time::Duration;

use serde::Serialize;

use similar::{Algorithm, DiffTag};

use crate::diff::{self, Aspect, Change, Difference, Effect, Kind};
use crate::error::{Error, Result};
use crate::plan::Target;
use crate::playground::Playground;
use crate::schema::Schema;
use crate::schema_sql::{self, Statement};
use crate::source::MigrationSet;

/// Two versions compared, as A → B (for A above B, what reverting to B does).
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// Version A, as text (`0`: before the first migration).
    pub from: String,
    /// Version B, as text.
    pub to: String,
    /// What differs from A to B, each with its sentence and effect (as a step's changes).
    #[serde(serialize_with = "diff::serialize_steps")]
    pub differences: Vec<Difference>,
    /// Each object that differs, with its statement at A and at B.
    pub objects: Vec<ObjectSql>,
    /// The whole schema at A, as `.schema` prints it.
    pub from_sql: String,
    /// The whole schema at B.
    pub to_sql: String,
}

/// One object that differs between A and B, as SQL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObjectSql {
    /// table, index, trigger or view.
    pub kind: Kind,
    /// Its name at B (at A when it is removed).
    pub name: String,
    /// Added (only at B), removed (only at A) or changed (both).
    pub effect: Effect,
    /// Its statement at A, when it is there.
    pub before: Option<String>,
    /// Its statement at B, when it is there.
    pub after: Option<String>,
    /// A table renamed from A to B: its name at each (`name` is the one at B).
    pub renamed: Option<Renamed>,
    /// Its statement from A to B line by line, long unchanged runs folded.
    pub lines: Vec<SqlLine>,
}

/// A table's name at A and at B.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Renamed {
    /// Its name at A.
    pub from: String,
    /// Its name at B.
    pub to: String,
}

/// One line of an object's statement from A to B (`{op: "same", text}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum SqlLine {
    /// At A and at B.
    Same { text: String },
    /// At A only.
    Removed { text: String },
    /// At B only.
    Added { text: String },
    /// Lines the same at both, folded away: only the ones near a change show.
    Skipped { count: usize },
}

/// Unchanged lines shown on each side of a change; a longer run is folded.
const CONTEXT: usize = 3;

/// `before` → `after` line by line (an object only at one end is all removed or
/// all added), unchanged runs folded to `CONTEXT` lines beside each change.
pub fn lines(before: Option<&str>, after: Option<&str>) -> Vec<SqlLine> {
    fn split(sql: Option<&str>) -> Vec<&str> {
        sql.map_or_else(Vec::new, |s| s.lines().collect())
    }
    let (a, b) = (split(before), split(after));
    let mut all = Vec::new();
    // Patience keeps a statement's unique lines (its columns) aligned, where a
    // plain shortest edit would pair stray `)` and `END;` lines.
    for op in similar::capture_diff_slices(Algorithm::Patience, &a, &b) {
        let (tag, old, new) = op.as_tag_tuple();
        if tag == DiffTag::Equal {
            all.extend(a[old].iter().map(|t| SqlLine::Same { text: t.to_string() }));
        } else {
            all.extend(a[old].iter().map(|t| SqlLine::Removed { text: t.to_string() }));
            all.extend(b[new].iter().map(|t| SqlLine::Added { text: t.to_string() }));
        }
    }
    let mut out = Vec::with_capacity(all.len());
    let mut run = Vec::new();
    let mut first = true;
    for line in all {
        if matches!(line, SqlLine::Same { .. }) {
            run.push(line);
            continue;
        }
        fold(std::mem::take(&mut run), first, false, &mut out);
        first = false;
        out.push(line);
    }
    fold(run, first, true, &mut out);
    out
}

/// A run of unchanged lines, kept only `CONTEXT` lines from a change (none at
/// the statement's start or end) when that hides at least two.
fn fold(mut run: Vec<SqlLine>, at_start: bool, at_end: bool, out: &mut Vec<SqlLine>) {
    let (head, tail) = (if at_start { 0 } else { CONTEXT }, if at_end { 0 } else { CONTEXT });
    if run.len() < head + tail + 2 {
        out.append(&mut run);
        return;
    }
    let hidden = run.len() - head - tail;
    let rest = run.split_off(head);
    out.append(&mut run);
    out.push(SqlLine::Skipped { count: hidden });
    out.extend(rest.into_iter().skip(hidden));
}

/// Why a comparison could not be made: which version, and the error that stopped it.
#[derive(Debug)]
pub struct CompareError {
    /// The version that could not be built (as asked), when the error is about one.
    pub version: Option<String>,
    /// What stopped it (for a failing up: the file, statement and line).
    pub error: Error,
}

impl std::fmt::Display for CompareError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.version {
            Some(v) => write!(f, "version {v} cannot be built: {}", self.error),
            None => write!(f, "{}", self.error),
        }
    }
}

/// A version as the page and the command give it: `0` or one of the set's versions.
pub fn version(set: &MigrationSet, text: &str) -> Result<i64> {
    match text.trim().parse::<i64>() {
        Ok(0) => Ok(0),
        Ok(v) if v > 0 && set.get(v).is_some() => Ok(v),
        Ok(v) if v > 0 => Err(Error::UnknownVersion(v)),
        _ => Err(Error::NotAVersion(text.to_string())),
    }
}

/// The schema and `.schema` statements of `set` applied up to `version` on a new database.
#[cfg(feature = "full")] // review's; the light build has no review
pub fn build(set: &MigrationSet, version: i64, budget: Option<Duration>) -> Result<(Schema, Vec<Statement>)> {
    let mut pg = Playground::in_memory(set.clone())?;
    pg.set_time_budget(budget);
    if version != 0 {
        pg.migrate(Target::To(version)).map_err(|e| e.error)?;
    }
    Ok((pg.schema()?, schema_sql::statements(pg.connection())?))
}

/// Versions `from` (A) and `to` (B) of `set` compared.
pub fn compare(set: &MigrationSet, from: &str, to: &str, budget: Option<Duration>) -> std::result::Result<Comparison, CompareError> {
    let parse = |text: &str| version(set, text).map_err(|error| CompareError { version: None, error });
    let (a, b) = (parse(from)?, parse(to)?);
    let t = trace(set, a.min(b), a.max(b), budget)?;
    let (at_a, at_b, renamed) = if a <= b {
        (&t.low, &t.high, t.renamed)
    } else {
        // A revert: each rename undone, from the name at the higher version back.
        (&t.high, &t.low, t.renamed.into_iter().map(|(from, to)| (to, from)).collect())
    };
    Ok(Comparison::knowing_renames(a.to_string(), b.to_string(), (&at_a.0, &at_a.1), (&at_b.0, &at_b.1), &renamed))
}

/// Both ends of a comparison, and the tables renamed between them.
struct Traced {
    low: (Schema, Vec<Statement>),
    high: (Schema, Vec<Statement>),
    /// (name at `low`, name at `high`) of each table the steps between renamed.
    renamed: Vec<(String, String)>,
}

/// `set` applied up to `low` on a new database, then a migration at a time up
/// to `high`, each step diffed as *Apply next* diffs it; its renames are
/// followed from a table's name at `low` to its name at `high`.
fn trace(set: &MigrationSet, low: i64, high: i64, budget: Option<Duration>) -> std::result::Result<Traced, CompareError> {
    let failed = |v: i64| move |error| CompareError { version: Some(v.to_string()), error };
    let mut pg = Playground::in_memory(set.clone()).map_err(failed(low))?;
    pg.set_time_budget(budget);
    if low != 0 {
        pg.migrate(Target::To(low)).map_err(|e| failed(low)(e.error))?;
    }
    let at = |pg: &Playground| Ok::<_, Error>((pg.schema()?, schema_sql::statements(pg.connection())?));
    let low_side = at(&pg).map_err(failed(low))?;
    // (name at `low`, name now) of each table renamed so far.
    let mut names: Vec<(String, String)> = Vec::new();
    let mut before = low_side.0.clone();
    for m in set.migrations().iter().filter(|m| m.version > low && m.version <= high) {
        pg.migrate(Target::To(m.version)).map_err(|e| failed(high)(e.error))?;
        let now = pg.schema().map_err(failed(high))?;
        for d in diff::diff(&before, &now).iter().filter(|d| d.kind == Kind::Table) {
            let now_named = |name: &str| names.iter().position(|(_, n)| n.eq_ignore_ascii_case(name));
            match &d.change {
                Change::Changed(how) => {
                    let Some(r) = how.iter().find(|c| c.aspect == Aspect::Renamed) else { continue };
                    match now_named(&r.before) {
                        Some(i) => names[i].1 = r.after.clone(),
                        None => names.push((r.before.clone(), r.after.clone())),
                    }
                }
                Change::Missing => {
                    if let Some(i) = now_named(&d.name) {
                        names.remove(i);
                    }
                }
                Change::StillThere => {}
            }
        }
        before = now;
    }
    let high_side = if high == low { low_side.clone() } else { at(&pg).map_err(failed(high))? };
    names.retain(|(from, to)| !from.eq_ignore_ascii_case(to));
    Ok(Traced { low: low_side, high: high_side, renamed: names })
}

impl Comparison {
    /// Two schemas already built (each with its `.schema` statements) compared as
    /// `from` → `to`: what `compare` does for two versions of one set, and a review
    /// for the final schemas of two sets.
    pub fn of(from: String, to: String, a: (&Schema, &[Statement]), b: (&Schema, &[Statement])) -> Comparison {
        Comparison::knowing_renames(from, to, a, b, &[])
    }

    /// As `of`, with the tables known to be renamed from A to B (see `diff::diff_knowing_renames`).
    fn knowing_renames(from: String, to: String, a: (&Schema, &[Statement]), b: (&Schema, &[Statement]), renamed: &[(String, String)]) -> Comparison {
        let differences = diff::diff_knowing_renames(a.0, b.0, renamed);
        let objects = objects(&differences, a.1, b.1);
        Comparison { from, to, differences, objects, from_sql: schema_sql::text(a.1), to_sql: schema_sql::text(b.1) }
    }
}

/// The objects the differences are about, once each in the order first named:
/// a column or constraint is about its table's statement; a renamed table is
/// one object, its statement under the old name at A and the new one at B.
fn objects(differences: &[Difference], at_a: &[Statement], at_b: &[Statement]) -> Vec<ObjectSql> {
    let renames: Vec<(&str, &str)> = differences
        .iter()
        .filter_map(|d| match (d.kind, &d.change) {
            (Kind::Table, Change::Changed(how)) => how.iter().find(|c| c.aspect == Aspect::Renamed),
            _ => None,
        })
        .map(|r| (r.before.as_str(), r.after.as_str()))
        .collect();
    // A renamed table's columns and constraints are named under its name at B.
    let table = |name: &str| match renames.iter().find(|(_, to)| to.eq_ignore_ascii_case(name)) {
        Some((from, to)) => (from.to_string(), to.to_string()),
        None => (name.to_string(), name.to_string()),
    };
    let mut out: Vec<ObjectSql> = Vec::new();
    let mut seen: Vec<(Kind, String, String)> = Vec::new();
    for d in differences {
        let (kind, before, after) = match (d.kind, &d.change) {
            (Kind::Table, Change::Changed(how)) => match how.iter().find(|c| c.aspect == Aspect::Renamed) {
                Some(renamed) => (Kind::Table, renamed.before.clone(), renamed.after.clone()),
                None => (Kind::Table, d.name.clone(), d.name.clone()),
            },
            (Kind::Index | Kind::Trigger | Kind::View, _) => (d.kind, d.name.clone(), d.name.clone()),
            (Kind::Table, _) => (Kind::Table, d.name.clone(), d.name.clone()),
            _ => {
                let (before, after) = table(&d.table);
                (Kind::Table, before, after)
            }
        };
        let key = (kind, before.to_ascii_lowercase(), after.to_ascii_lowercase());
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        let find = |statements: &[Statement], name: &str| {
            statements.iter().find(|s| s.kind == kind.word() && s.name.eq_ignore_ascii_case(name)).map(|s| s.sql.clone())
        };
        let (before_sql, after_sql) = (find(at_a, &before), find(at_b, &after));
        let renamed = (!before.eq_ignore_ascii_case(&after)).then(|| Renamed { from: before.clone(), to: after.clone() });
        let (effect, name) = match (&before_sql, &after_sql) {
            (Some(_), Some(_)) => (Effect::Changed, after),
            (None, Some(_)) => (Effect::Added, after),
            (Some(_), None) => (Effect::Removed, before),
            (None, None) => continue,
        };
        let lines = lines(before_sql.as_deref(), after_sql.as_deref());
        out.push(ObjectSql { kind, name, effect, before: before_sql, after: after_sql, renamed, lines });
    }
    out
}

#[cfg(test)]
mod test {
    use super::*;

    fn set(files: &[(&str, &str)]) -> MigrationSet {
        MigrationSet::from_files(files.iter().map(|(n, t)| (n.to_string(), t.as_bytes().to_vec()))).unwrap()
    }

    #[test]
    fn a_renamed_table_shows_its_statement_under_each_name() {
        let s = set(&[("1_a.up.sql", "CREATE TABLE a(x INT);"), ("2_b.up.sql", "ALTER TABLE a RENAME TO b;")]);
        let c = compare(&s, "1", "2", None).unwrap();
        assert_eq!(c.differences.iter().map(Difference::as_step).collect::<Vec<_>>(), ["table a: renamed a → b"]);
        let o = &c.objects[0];
        assert_eq!((o.kind, o.name.as_str(), o.effect), (Kind::Table, "b", Effect::Changed));
        assert_eq!(o.before.as_deref(), Some("CREATE TABLE a(x INT);\n"));
        assert_eq!(o.after.as_deref(), Some("CREATE TABLE IF NOT EXISTS \"b\"(x INT);\n"));
    }

    #[test]
    fn columns_and_constraints_of_one_table_are_one_object() {
        let s = set(&[("1_a.up.sql", "CREATE TABLE t(x INT);"), ("2_b.up.sql", "ALTER TABLE t ADD COLUMN y TEXT CHECK (y <> '');")]);
        let c = compare(&s, "1", "2", None).unwrap();
        assert_eq!(c.differences.len(), 2);
        assert_eq!(c.objects.len(), 1);
        assert_eq!(c.objects[0].after.as_deref(), Some("CREATE TABLE t(x INT, y TEXT CHECK (y <> ''));\n"));
    }

    /// The lines as a diff prints them (`-`, `+`, ` `, `… n`).
    fn shown(lines: &[SqlLine]) -> Vec<String> {
        lines
            .iter()
            .map(|l| match l {
                SqlLine::Same { text } => format!(" {text}"),
                SqlLine::Removed { text } => format!("-{text}"),
                SqlLine::Added { text } => format!("+{text}"),
                SqlLine::Skipped { count } => format!("… {count}"),
            })
            .collect()
    }

    #[test]
    fn unchanged_runs_keep_three_lines_beside_a_change_and_none_at_the_ends() {
        let before = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\nn\no\np\n";
        let after = "a\nb\nc\nd\ne\nF\ng\nh\ni\nj\nk\nl\nm\nn\no\nP\n";
        assert_eq!(shown(&lines(Some(before), Some(after))), ["… 2", " c", " d", " e", "-f", "+F", " g", " h", " i", "… 3", " m", " n", " o", "-p", "+P"]);
        let tail = "a\nb\nc\nd\ne\nF\ng\nh\ni\nj\nk\nl\nm\nn\no\np\n";
        assert_eq!(shown(&lines(Some(before), Some(tail)))[6..], [" g", " h", " i", "… 7"], "the end folds whole after its context");
    }

    #[test]
    fn a_run_that_would_hide_one_line_shows_it() {
        let (before, after) = ("a\nb\nc\nd\nx\n", "a\nb\nc\nd\ny\n");
        assert_eq!(shown(&lines(Some(before), Some(after))), [" a", " b", " c", " d", "-x", "+y"]);
    }

    #[test]
    fn an_object_at_one_end_only_is_all_added_or_all_removed() {
        assert_eq!(shown(&lines(None, Some("CREATE TABLE t(\n  a\n);\n"))), ["+CREATE TABLE t(", "+  a", "+);"]);
        assert_eq!(shown(&lines(Some("CREATE INDEX i ON t(a);\n"), None)), ["-CREATE INDEX i ON t(a);"]);
    }

    #[test]
    fn a_table_renamed_with_a_foreign_key_to_itself_is_still_a_rename() {
        let s = set(&[("1_a.up.sql", "CREATE TABLE a(id INTEGER PRIMARY KEY, parent INT REFERENCES a(id));"), ("2_b.up.sql", "ALTER TABLE a RENAME TO b;")]);
        let c = compare(&s, "1", "2", None).unwrap();
        assert_eq!(c.differences.iter().map(Difference::as_step).collect::<Vec<_>>(), ["table a: renamed a → b"]);
        assert_eq!(c.objects[0].renamed, Some(Renamed { from: "a".into(), to: "b".into() }));
    }
}
