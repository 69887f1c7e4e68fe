//! Two versions of a set compared: each built on a fresh in-memory database
//! (the set's ups applied up to it, by the engine), their schemas diffed by
//! `diff::diff`, and, for every object that differs, its statement at each
//! version as `.schema` prints it. The database the user plays with is not touched.

use std::time::Duration;

use serde::Serialize;

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
    let built = |v: i64| build(set, v, budget).map_err(|error| CompareError { version: Some(v.to_string()), error });
    let (schema_a, statements_a) = built(a)?;
    let (schema_b, statements_b) = if a == b { (schema_a.clone(), statements_a.clone()) } else { built(b)? };
    Ok(Comparison::of(a.to_string(), b.to_string(), (&schema_a, &statements_a), (&schema_b, &statements_b)))
}

impl Comparison {
    /// Two schemas already built (each with its `.schema` statements) compared as
    /// `from` → `to`: what `compare` does for two versions of one set, and a review
    /// for the final schemas of two sets.
    pub fn of(from: String, to: String, a: (&Schema, &[Statement]), b: (&Schema, &[Statement])) -> Comparison {
        let differences = diff::diff(a.0, b.0);
        let objects = objects(&differences, a.1, b.1);
        Comparison { from, to, differences, objects, from_sql: schema_sql::text(a.1), to_sql: schema_sql::text(b.1) }
    }
}

/// The objects the differences are about, once each in the order first named:
/// a column or constraint is about its table's statement; a renamed table is
/// its statement under the old name at A and the new one at B.
fn objects(differences: &[Difference], at_a: &[Statement], at_b: &[Statement]) -> Vec<ObjectSql> {
    let mut out: Vec<ObjectSql> = Vec::new();
    let mut seen: Vec<(Kind, String, String)> = Vec::new();
    for d in differences {
        let (kind, before, after) = match (d.kind, &d.change) {
            (Kind::Table, Change::Changed(how)) => match how.iter().find(|c| c.aspect == Aspect::Renamed) {
                Some(renamed) => (Kind::Table, renamed.before.clone(), renamed.after.clone()),
                None => (Kind::Table, d.name.clone(), d.name.clone()),
            },
            (Kind::Index | Kind::Trigger | Kind::View, _) => (d.kind, d.name.clone(), d.name.clone()),
            _ => (Kind::Table, d.table.clone(), d.table.clone()),
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
        let (effect, name) = match (&before_sql, &after_sql) {
            (Some(_), Some(_)) => (Effect::Changed, after),
            (None, Some(_)) => (Effect::Added, after),
            (Some(_), None) => (Effect::Removed, before),
            (None, None) => continue,
        };
        out.push(ObjectSql { kind, name, effect, before: before_sql, after: after_sql });
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
}
