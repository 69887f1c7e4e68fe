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
use crate::engine::{self, Applied};
use crate::error::Result;
use crate::lint;
use crate::migration::{Direction, Migration};
use crate::report::{Created, DownResult, MigrationReport, Phase, Report, Status};
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
    fn rebuild(migrations: &[Migration], k: usize, budget: Option<Duration>) -> Result<Db> {
        let mut db = Db::fresh()?;
        for m in &migrations[..k] {
            engine::run(&db.conn, m, Direction::Up, budget)?;
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

/// Which migration created each object, filled in as the ups run.
#[derive(Default)]
struct Creators(HashMap<(Kind, String), usize>);

impl Creators {
    fn note(&mut self, k: usize, added: &[Difference]) {
        for d in added.iter().filter(|d| d.change == Change::StillThere) {
            self.0.entry((d.kind, d.name.clone())).or_insert(k);
        }
    }

    fn of(&self, d: &Difference, migrations: &[Migration]) -> String {
        let k = self.0.get(&(d.kind, d.name.clone())).or_else(|| self.0.get(&(Kind::Table, d.table.clone())));
        match k {
            Some(&k) => format!("created by {}", label(&migrations[k])),
            None => "created by no up".to_string(),
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
    let mut creators = Creators::default();
    let (mut up_log, mut down_log, mut again_log) = (Vec::new(), Vec::new(), Vec::new());

    // 1. Up, step by step.
    let mut db = Db::fresh()?;
    let mut snaps: Vec<Schema> = vec![db.snapshots.full(&db.conn)?];
    for (k, m) in migrations.iter().enumerate() {
        tick(format!("up {}", label(m)));
        match engine::run(&db.conn, m, Direction::Up, budget) {
            Ok(a) => {
                reports[k].up_ms = Some(ms(&a));
                up_log.push(a.to_string());
            }
            Err(e) => {
                reports[k].problems.push(format!("up: {e} (rolled back)"));
                for later in &mut reports[k + 1..] {
                    later.problems.push(format!("not tested: the up of {} failed before it", label(m)));
                }
                break;
            }
        }
        let (now, touched) = db.snapshot()?;
        let added = diff::diff(&snaps[k], &now);
        creators.note(k, &added);
        reports[k].created = Created::from_changes(&added, &now);
        reports[k].problems.extend(schema::integrity(&db.conn, Some(&touched))?.into_iter().map(|p| format!("up: {p}")));
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
            db = Db::rebuild(migrations, k, budget)?;
            continue;
        }
        match engine::run(&db.conn, m, Direction::Down, budget) {
            Ok(a) => {
                report.down_ms = Some(ms(&a));
                down_log.push(a.to_string());
                let diffs = diff::diff(&snaps[k], &db.snapshot()?.0);
                report.down = if diffs.is_empty() { DownResult::Pass } else { DownResult::Fail };
                for d in &diffs {
                    report.problems.push(format!("down: {} ({}) {}", d.object(), creators.of(d, migrations), d.what()));
                }
                if !diffs.is_empty() {
                    db = Db::rebuild(migrations, k, budget)?;
                }
            }
            Err(e) => {
                report.down = DownResult::Fail;
                report.problems.push(format!("down: {e} (rolled back)"));
                db = Db::rebuild(migrations, k, budget)?;
            }
        }
    }

    // 3. Up again, each compared with its first snapshot.
    for k in 0..applied {
        let m = &migrations[k];
        tick(format!("up again {}", label(m)));
        match engine::run(&db.conn, m, Direction::Up, budget) {
            Ok(a) => {
                reports[k].up_again_ms = Some(ms(&a));
                again_log.push(a.to_string());
                let diffs = diff::diff(&snaps[k + 1], &db.snapshot()?.0);
                for d in &diffs {
                    reports[k].problems.push(format!("up again: {} ({}) {}", d.object(), creators.of(d, migrations), d.what()));
                }
                reports[k].repeatable = diffs.is_empty();
            }
            Err(e) => {
                reports[k].problems.push(format!("up again: {e} (rolled back)"));
                for later in &mut reports[k + 1..applied] {
                    later.problems.push(format!("up again: not tested: the up again of {} failed before it", label(m)));
                }
                break;
            }
        }
    }
    for r in &mut reports {
        r.status = if r.problems.is_empty() { Status::Pass } else { Status::Fail };
    }
    progress(&Progress { done: total, total, step: "done".into() });

    let last = &snaps[applied];
    let up_ok = applied == n;
    let down_ok = reports[..applied].iter().all(|r| r.down != DownResult::Fail);
    let again_ok = reports[..applied].iter().all(|r| r.repeatable) && up_ok;
    Ok(Report::new(
        reports,
        last,
        lint::lint(set, Some(last)),
        [Phase { ok: up_ok, log: up_log }, Phase { ok: down_ok, log: down_log }, Phase { ok: again_ok, log: again_log }],
        ran_on,
    ))
}
