//! Verification: prove a set applies, reverts and re-applies cleanly, step by
//! step, on a fresh in-memory database, and measure everything the report says.
//!
//! 1. Up, one migration at a time, a snapshot after each (S0 = empty … Sn),
//!    with `PRAGMA integrity_check` and `foreign_key_check`.
//! 2. The staircase: revert n … 1, each compared with the snapshot before its up.
//!    After a failed or leaky down the database is rebuilt at S(k-1), so one
//!    defect is reported once, against the migration that has it.
//! 3. Up again, each compared with its first snapshot (UP→DOWN→UP).

use std::collections::HashMap;
use std::time::Duration;

use rusqlite::Connection;

use crate::diff::{self, Change, Difference, Kind};
use crate::finding::{Named, Origin, Problem, Stage};
use crate::engine::{self, Applied};
use crate::error::Result;
use crate::lint;
use crate::migration::{Direction, Migration};
use crate::report::{Created, DownResult, MigrationReport, Outcome, Report};
use crate::schema::{self, Schema, Snapshots};
use crate::watch::{Touched, Watch};
use crate::source::MigrationSet;

/// How far a verification has got, for a progress bar.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Progress {
    /// Steps done so far.
    pub done: usize,
    /// Steps in all (three per migration).
    pub total: usize,
    /// What runs now, e.g. `down 20250115010600 create triggers`.
    pub step: String,
}

fn label(m: &Migration) -> String {
    format!("{} {}", m.version, m.description)
}

/// A database under verification. Its watch tells which objects each run
/// touched, so a snapshot re-reads only those.
struct Db {
    // Declared before `conn`: dropped first, while the connection is still open.
    watch: Watch,
    conn: Connection,
    snapshots: Snapshots,
}

impl Db {
    fn fresh() -> Result<Db> {
        let conn = Connection::open_in_memory()?;
        engine::prepare(&conn)?;
        Ok(Db { watch: Watch::new(&conn), conn, snapshots: Snapshots::default() })
    }

    /// A fresh database with the first `k` migrations applied (they applied before).
    fn rebuild(set: &MigrationSet, k: usize, budget: Option<Duration>) -> Result<Db> {
        let mut db = Db::fresh()?;
        for m in &set.migrations()[..k] {
            engine::run(&db.conn, set, m, Direction::Up, budget)?;
        }
        db.watch.take();
        db.snapshots.full(&db.conn)?;
        Ok(db)
    }

    /// The schema now, and what changed since the last snapshot.
    fn snapshot(&mut self) -> Result<(Schema, Touched)> {
        let touched = self.watch.take();
        Ok((self.snapshots.update(&self.conn, &touched)?, touched))
    }
}

fn ms(a: &Applied) -> f64 {
    (a.elapsed_ns as f64 / 1000.0).round() / 1000.0
}

fn named(m: &Migration) -> Named {
    Named { version: m.version, description: m.description.clone() }
}

/// An object as the history knows it: kind, name, and a constraint's definition.
type ObjectKey = (Kind, String, String);

fn key(d: &Difference) -> ObjectKey {
    (d.kind, d.name.clone(), d.detail.clone())
}

/// Which migrations' ups created or changed each object, in order, so a
/// difference names the migration its expected definition comes from.
#[derive(Default)]
struct History(HashMap<ObjectKey, Vec<(usize, bool)>>);

impl History {
    /// Notes what up `k` added (`true`) or changed (`false`).
    fn note(&mut self, k: usize, changes: &[Difference]) {
        for d in changes {
            match d.change {
                Change::StillThere => self.0.entry(key(d)).or_default().push((k, true)),
                Change::Changed(_) => self.0.entry(key(d)).or_default().push((k, false)),
                Change::Missing => {}
            }
        }
    }

    /// The last up at or before `k` that created or changed the object of `d`
    /// (or, for what a new table brought with it, created its table).
    fn last(&self, d: &Difference, k: usize) -> Option<(usize, bool)> {
        let at = |key: &ObjectKey| self.0.get(key).and_then(|v| v.iter().rev().find(|(j, _)| *j <= k).copied());
        at(&key(d)).or_else(|| at(&(Kind::Table, d.table.clone(), String::new())))
    }

    /// Where the object of a difference comes from, when comparing after
    /// `stage` of migration `k` (index) with the schema it should have left.
    fn origin(&self, d: &Difference, stage: Stage, k: usize, migrations: &[Migration]) -> Option<Origin> {
        let by = |(j, created): (usize, bool)| {
            let m = named(&migrations[j]);
            if created { Origin::Up(m) } else { Origin::ChangedBy(m) }
        };
        match (stage, &d.change) {
            // Left behind by a down: its up made it, unless it was not there after the up either.
            (Stage::Down, Change::StillThere) => {
                Some(if self.last(d, k) .is_some_and(|(j, _)| j == k) { by((k, true)) } else { Origin::TheDown })
            }
            (Stage::UpAgain, Change::StillThere) => Some(Origin::TheUpAgain),
            (Stage::Down, _) => k.checked_sub(1).and_then(|before| self.last(d, before)).map(by),
            _ => self.last(d, k).map(by),
        }
    }
}

/// Runs the whole verification of `set`. `ran_on` names where it runs (a user
/// agent, or "native …"); `budget` bounds each script's time; `progress` hears of each step.
pub fn verify(set: &MigrationSet, ran_on: &str, budget: Option<Duration>, progress: &mut dyn FnMut(&Progress)) -> Result<Report> {
    let migrations = set.migrations();
    let n = migrations.len();
    let total = 3 * n;
    let mut done = 0;
    let mut tick = |step: String| {
        progress(&Progress { done, total, step });
        done += 1;
    };
    let mut reports: Vec<MigrationReport> = migrations.iter().map(MigrationReport::new).collect();
    let mut history = History::default();
    let (mut up_log, mut down_log, mut again_log) = (Vec::new(), Vec::new(), Vec::new());

    // 1. Up, step by step.
    let mut db = Db::fresh()?;
    let mut snaps: Vec<Schema> = vec![db.snapshots.full(&db.conn)?];
    for (k, m) in migrations.iter().enumerate() {
        tick(format!("up {}", label(m)));
        match engine::run(&db.conn, set, m, Direction::Up, budget) {
            Ok(a) => {
                reports[k].up = Outcome::Pass;
                reports[k].up_ms = Some(ms(&a));
                up_log.push(a.to_string());
            }
            Err(e) => {
                reports[k].up = Outcome::Fail;
                reports[k].problems.push(Problem::failed(Stage::Up, &e));
                for later in &mut reports[k + 1..] {
                    later.problems.push(Problem::NotTested { stage: Stage::Up, after: Stage::Up, migration: named(m) });
                }
                // A failed up without migraplay's transaction leaves what it ran: the
                // staircase starts from the schema before it, so no down is blamed for it.
                if m.up.transaction != crate::flavor::Transaction::Wrapped {
                    db = Db::rebuild(set, k, budget)?;
                }
                break;
            }
        }
        // A schema SQLite can no longer read (PRAGMA writable_schema tricks) fails
        // this up like an error would: nothing after it can be trusted.
        let checked = db.snapshot().and_then(|(now, touched)| Ok((schema::integrity(&db.conn, Some(&touched))?, now)));
        let (broken, now) = match checked {
            Ok(checked) => checked,
            Err(e) => {
                reports[k].up = Outcome::Fail;
                reports[k].problems.push(Problem::Integrity { stage: Stage::Up, message: e.to_string() });
                for later in &mut reports[k + 1..] {
                    later.problems.push(Problem::NotTested { stage: Stage::Up, after: Stage::Up, migration: named(m) });
                }
                db = Db::rebuild(set, k, budget)?;
                break;
            }
        };
        let changes = diff::diff(&snaps[k], &now);
        history.note(k, &changes);
        reports[k].created = Created::from_changes(&changes, &now);
        reports[k].changes = changes;
        reports[k].problems.extend(broken.into_iter().map(|message| Problem::Integrity { stage: Stage::Up, message }));
        snaps.push(now);
    }
    let applied = snaps.len() - 1;

    // 2. The staircase down.
    for k in (0..applied).rev() {
        let m = &migrations[k];
        tick(format!("down {}", label(m)));
        let report = &mut reports[k];
        if m.down.is_none() {
            report.down = DownResult::None;
            db = Db::rebuild(set, k, budget)?;
            continue;
        }
        match engine::run(&db.conn, set, m, Direction::Down, budget) {
            Ok(a) => {
                report.down_ms = Some(ms(&a));
                down_log.push(a.to_string());
                let diffs = diff::diff(&snaps[k], &db.snapshot()?.0);
                report.down = if diffs.is_empty() { DownResult::Pass } else { DownResult::Fail };
                let down = m.down.as_ref().expect("checked above");
                if !diffs.is_empty() && crate::script::split(down.text()).is_empty() {
                    report.problems.push(Problem::EmptyDown { file: down.file.clone() });
                }
                for d in &diffs {
                    let origin = history.origin(d, Stage::Down, k, migrations);
                    report.problems.push(Problem::Differs { stage: Stage::Down, difference: d.clone(), origin });
                }
                if !diffs.is_empty() {
                    db = Db::rebuild(set, k, budget)?;
                }
            }
            Err(e) => {
                report.down = DownResult::Error;
                report.problems.push(Problem::failed(Stage::Down, &e));
                db = Db::rebuild(set, k, budget)?;
            }
        }
    }

    // 3. Up again, each compared with its first snapshot.
    for k in 0..applied {
        let m = &migrations[k];
        tick(format!("up again {}", label(m)));
        match engine::run(&db.conn, set, m, Direction::Up, budget) {
            Ok(a) => {
                reports[k].up_again_ms = Some(ms(&a));
                again_log.push(a.to_string());
                let diffs = diff::diff(&snaps[k + 1], &db.snapshot()?.0);
                for d in &diffs {
                    let origin = history.origin(d, Stage::UpAgain, k, migrations);
                    reports[k].problems.push(Problem::Differs { stage: Stage::UpAgain, difference: d.clone(), origin });
                }
                reports[k].up_again = if diffs.is_empty() { Outcome::Pass } else { Outcome::Fail };
            }
            Err(e) => {
                reports[k].up_again = Outcome::Fail;
                reports[k].problems.push(Problem::failed(Stage::UpAgain, &e));
                for later in &mut reports[k + 1..applied] {
                    later.problems.push(Problem::NotTested { stage: Stage::UpAgain, after: Stage::UpAgain, migration: named(m) });
                }
                break;
            }
        }
    }
    for r in &mut reports {
        r.settle();
    }
    progress(&Progress { done: total, total, step: "done".into() });

    let last = &snaps[applied];
    Ok(Report::new(reports, set.flavor().clone(), set.problems().to_vec(), last, lint::lint(set, Some(last)), [up_log, down_log, again_log], ran_on))
}
