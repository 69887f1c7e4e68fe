//! Pure decisions: the status of each migration, and which steps reach a target.
//! No database here: the engine hands in the `_sqlx_migrations` rows.

use crate::error::{Error, Result};
use crate::history::AppliedRow;
use crate::migration::Direction;
use crate::source::MigrationSet;

/// Where a migration stands against the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Not applied yet.
    Pending,
    /// Applied, and its up file is unchanged.
    Applied,
    /// Applied, but its up file changed since (checksum differs).
    Modified,
    /// Recorded with success = false: sqlx left it half-applied.
    Dirty,
    /// Recorded as applied, but the set has no such migration.
    Missing,
}

/// One line of the status table.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MigrationStatus {
    /// The version.
    pub version: i64,
    /// The description (from the set, or from the database when missing).
    pub description: String,
    /// Where it stands.
    pub state: State,
    /// SHA-384 of the up file as hex (of the recorded checksum when missing).
    pub checksum: String,
    /// The up (or simple) file name; empty when missing from the set.
    pub up_file: String,
    /// The down file name, when the migration is reversible.
    pub down_file: Option<String>,
    /// When it was applied.
    pub installed_on: Option<String>,
    /// How long its up took, in nanoseconds, as recorded.
    pub execution_time_ns: Option<i64>,
}

/// Where to go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Apply the first pending migration.
    Next,
    /// Revert the last applied migration.
    Last,
    /// Apply every pending migration up to and including this version (all when `None`).
    Up(Option<i64>),
    /// Revert every applied migration above this version (all when `None`).
    Down(Option<i64>),
    /// Revert what is above the version, apply what is pending up to it.
    To(i64),
}

/// One migration to run in one direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// The migration's version.
    pub version: i64,
    /// Which way.
    pub direction: Direction,
}

/// The status of every migration of the set, plus recorded versions the set lacks.
pub fn status(set: &MigrationSet, rows: &[AppliedRow]) -> Vec<MigrationStatus> {
    let mut out: Vec<MigrationStatus> = set
        .migrations()
        .iter()
        .map(|m| {
            let row = rows.iter().find(|r| r.version == m.version);
            let state = match row {
                None => State::Pending,
                Some(r) if !r.success => State::Dirty,
                Some(r) if r.checksum != m.checksum => State::Modified,
                Some(_) => State::Applied,
            };
            MigrationStatus {
                version: m.version,
                description: m.description.clone(),
                state,
                checksum: m.checksum_hex(),
                up_file: m.up.file.clone(),
                down_file: m.down.as_ref().map(|d| d.file.clone()),
                installed_on: row.map(|r| r.installed_on.clone()),
                execution_time_ns: row.map(|r| r.execution_time),
            }
        })
        .collect();
    out.extend(rows.iter().filter(|r| set.get(r.version).is_none()).map(|r| MigrationStatus {
        version: r.version,
        description: r.description.clone(),
        state: if r.success { State::Missing } else { State::Dirty },
        checksum: hex::encode(&r.checksum),
        up_file: String::new(),
        down_file: None,
        installed_on: Some(r.installed_on.clone()),
        execution_time_ns: Some(r.execution_time),
    }));
    out.sort_by_key(|s| s.version);
    out
}

/// How a database stands against the set, in its tool's words.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Drift {
    /// `7 installed. No drift.`, or the counts and what the tool would do.
    pub text: String,
    /// Whether the tool would refuse to migrate the database as it is.
    pub bad: bool,
}

/// The drift of a database from the set (its status), worded as the set's tool words it.
pub fn drift(set: &MigrationSet, status: &[MigrationStatus]) -> Drift {
    use crate::flavor::Flavor;
    let flavor = set.flavor().flavor;
    let word = |state: State| -> &'static str {
        match (flavor, state) {
            (Flavor::Sqlx, State::Applied) => "installed",
            (Flavor::Sqlx, State::Modified) => "installed with a different checksum",
            (Flavor::Sqlx, State::Dirty) => "failed (success = false)",
            (Flavor::GolangMigrate, State::Dirty) => "dirty (a migration failed part way)",
            (_, State::Applied | State::Modified) => "applied",
            (_, State::Dirty) => "failed",
            (_, State::Pending) => "pending",
            (_, State::Missing) => "applied but missing from the set",
        }
    };
    let order = [State::Applied, State::Pending, State::Modified, State::Missing, State::Dirty];
    let parts: Vec<String> = order
        .iter()
        .filter_map(|&state| {
            let n = status.iter().filter(|s| s.state == state).count();
            (n > 0).then(|| format!("{n} {}", word(state)))
        })
        .collect();
    let bad = status.iter().any(|s| matches!(s.state, State::Modified | State::Missing | State::Dirty));
    let counts = if parts.is_empty() { "no migration".to_string() } else { parts.join(", ") };
    let verdict = if bad { format!(" {flavor} would refuse to migrate this database until that is resolved.") } else { " No drift.".into() };
    Drift { text: format!("{counts}.{verdict}"), bad }
}

/// The steps that reach `target`, in the order to run them. Refuses, as sqlx
/// does, while any recorded migration is dirty, modified or missing.
pub fn plan(set: &MigrationSet, rows: &[AppliedRow], target: Target) -> Result<Vec<Step>> {
    for s in status(set, rows) {
        match s.state {
            State::Dirty if set.flavor().flavor == crate::flavor::Flavor::GolangMigrate => return Err(Error::DirtyVersion(s.version)),
            State::Dirty if set.flavor().flavor == crate::flavor::Flavor::Prisma => {
                return Err(Error::PrismaFailed(set.get(s.version).map_or_else(|| s.version.to_string(), |m| m.key())))
            }
            State::Dirty => return Err(Error::Dirty(s.version)),
            State::Modified => return Err(Error::Modified(s.version)),
            State::Missing => return Err(Error::Missing(s.version)),
            State::Pending | State::Applied => {}
        }
    }
    if let Target::To(v) = target {
        if v != 0 && set.get(v).is_none() {
            return Err(Error::UnknownVersion(v));
        }
    }
    let is_applied = |v: i64| rows.iter().any(|r| r.version == v);
    let pending = set.migrations().iter().map(|m| m.version).filter(|&v| !is_applied(v));
    let applied_desc = rows.iter().rev().map(|r| r.version);
    let up = |versions: Vec<i64>| versions.into_iter().map(|version| Step { version, direction: Direction::Up });
    let down = |versions: Vec<i64>| versions.into_iter().map(|version| Step { version, direction: Direction::Down });

    let steps: Vec<Step> = match target {
        Target::Next => up(pending.take(1).collect()).collect(),
        Target::Last => down(applied_desc.take(1).collect()).collect(),
        Target::Up(limit) => up(pending.filter(|&v| limit.is_none_or(|l| v <= l)).collect()).collect(),
        Target::Down(keep) => down(applied_desc.filter(|&v| keep.is_none_or(|k| v > k)).collect()).collect(),
        Target::To(v) => down(applied_desc.filter(|&a| a > v).collect())
            .chain(up(pending.filter(|&p| p <= v).collect()))
            .collect(),
    };
    for step in &steps {
        let m = set.get(step.version).expect("planned versions come from the set");
        if step.direction == Direction::Down && m.down.is_none() {
            return Err(Error::Irreversible(m.version));
        }
    }
    Ok(steps)
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::migration::{Migration, Script};

    fn set(versions: &[i64]) -> MigrationSet {
        let files = versions.iter().flat_map(|v| {
            [(format!("{v}_m.up.sql"), b"up".to_vec()), (format!("{v}_m.down.sql"), b"down".to_vec())]
        });
        MigrationSet::from_files(files).unwrap()
    }

    fn row(set: &MigrationSet, v: i64) -> AppliedRow {
        AppliedRow {
            version: v,
            description: "m".into(),
            installed_on: "2025-01-01 00:00:00".into(),
            success: true,
            checksum: set.get(v).map(|m| m.checksum.clone()).unwrap_or_default(),
            execution_time: 1,
        }
    }

    fn versions(steps: &[Step], direction: Direction) -> Vec<i64> {
        assert!(steps.iter().all(|s| s.direction == direction));
        steps.iter().map(|s| s.version).collect()
    }

    #[test]
    fn next_applies_the_first_pending() {
        let s = set(&[1, 2, 3]);
        let steps = plan(&s, &[row(&s, 1)], Target::Next).unwrap();
        assert_eq!(versions(&steps, Direction::Up), [2]);
    }

    #[test]
    fn last_reverts_the_highest_applied() {
        let s = set(&[1, 2, 3]);
        let steps = plan(&s, &[row(&s, 1), row(&s, 2)], Target::Last).unwrap();
        assert_eq!(versions(&steps, Direction::Down), [2]);
    }

    #[test]
    fn up_to_stops_at_the_version() {
        let s = set(&[1, 2, 3]);
        assert_eq!(versions(&plan(&s, &[], Target::Up(Some(2))).unwrap(), Direction::Up), [1, 2]);
        assert_eq!(versions(&plan(&s, &[], Target::Up(None)).unwrap(), Direction::Up), [1, 2, 3]);
    }

    #[test]
    fn down_to_keeps_the_version_and_goes_in_reverse() {
        let s = set(&[1, 2, 3]);
        let rows = [row(&s, 1), row(&s, 2), row(&s, 3)];
        assert_eq!(versions(&plan(&s, &rows, Target::Down(Some(1))).unwrap(), Direction::Down), [3, 2]);
        assert_eq!(versions(&plan(&s, &rows, Target::Down(None)).unwrap(), Direction::Down), [3, 2, 1]);
    }

    #[test]
    fn to_goes_down_or_up_as_needed() {
        let s = set(&[1, 2, 3]);
        let rows = [row(&s, 1), row(&s, 2), row(&s, 3)];
        assert_eq!(versions(&plan(&s, &rows, Target::To(1)).unwrap(), Direction::Down), [3, 2]);
        assert_eq!(versions(&plan(&s, &rows[..1], Target::To(3)).unwrap(), Direction::Up), [2, 3]);
        assert_eq!(versions(&plan(&s, &rows, Target::To(0)).unwrap(), Direction::Down), [3, 2, 1]);
        assert!(plan(&s, &rows, Target::To(3)).unwrap().is_empty());
    }

    #[test]
    fn to_an_unknown_version_is_refused() {
        let s = set(&[1]);
        assert_eq!(plan(&s, &[], Target::To(7)).unwrap_err().to_string(), "no migration with version 7 in this set");
    }

    #[test]
    fn a_modified_migration_blocks_every_plan_as_in_sqlx() {
        let s = set(&[1, 2]);
        let mut r = row(&s, 1);
        r.checksum = vec![0; 48];
        assert_eq!(status(&s, std::slice::from_ref(&r))[0].state, State::Modified);
        let err = plan(&s, &[r], Target::Up(None)).unwrap_err();
        assert_eq!(err.to_string(), "migration 1 was previously applied but has been modified");
    }

    #[test]
    fn dirty_and_missing_rows_are_reported() {
        let s = set(&[1]);
        let mut dirty = row(&s, 1);
        dirty.success = false;
        assert_eq!(
            plan(&s, &[dirty], Target::Up(None)).unwrap_err().to_string(),
            "migration 1 is partially applied; fix and remove row from `_sqlx_migrations` table"
        );
        let missing = row(&s, 9);
        assert_eq!(status(&s, std::slice::from_ref(&missing))[1].state, State::Missing);
        assert_eq!(
            plan(&s, &[missing], Target::Up(None)).unwrap_err().to_string(),
            "migration 9 was previously applied but is missing in the resolved migrations"
        );
    }

    #[test]
    fn a_simple_migration_cannot_be_reverted() {
        let m = Migration::new(1, "a".into(), Script::new("1_a.sql".into(), "x".into()), None);
        let s = MigrationSet::from_files([(m.up.file.clone(), m.up.sql.clone().into_bytes())]).unwrap();
        let err = plan(&s, &[row(&s, 1)], Target::Last).unwrap_err();
        assert_eq!(err.to_string(), "migration 1 is irreversible (it has no down)");
    }
}
