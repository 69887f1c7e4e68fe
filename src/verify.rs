//! Verification: prove a set applies, reverts and re-applies cleanly, step by
//! step, on a fresh in-memory database, and measure everything the report says.
//!
//! 1. Up, one migration at a time, a snapshot after each (S0 = empty … Sn),
//!    with `PRAGMA integrity_check` and `foreign_key_check`.
//! 2. The staircase: revert n … 1, each compared with the snapshot before its up.
//!    After a failed or leaky down the database is rebuilt at S(k-1), so one
//!    defect is reported once, against the migration that has it.
//! 3. Up again, each compared with its first snapshot (UP→DOWN→UP).
//!
//! With data checks on (the default), a few synthetic rows are seeded into the
//! tables before each up (src/seed.rs); what the up does to rows is said, and
//! a down must bring every row back, value for value (src/data.rs).

use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use rusqlite::Connection;

use crate::diff::{self, Change, Difference, Kind};
use crate::annotation::{statement_about, Statements};
use crate::error::Location;
use crate::finding::{Named, Origin, Problem, Stage};
use crate::engine::{self, Applied};
use crate::error::Result;
use crate::lint;
use crate::migration::{Direction, Migration};
use crate::data::{self, TableRows};
use crate::report::{Created, DataReport, DataWarning, DownResult, MigrationReport, Outcome, Report};
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

    /// A database holding a copy of `bytes` (a checkpoint).
    fn restore(bytes: &[u8]) -> Result<Db> {
        let mut conn = Connection::open_in_memory()?;
        conn.deserialize_read_exact(rusqlite::MAIN_DB, bytes, bytes.len(), false)?;
        engine::prepare(&conn)?;
        Ok(Db { watch: Watch::new(&conn), conn, snapshots: Snapshots::default() })
    }

    /// A database with the first `k` migrations applied (they applied before),
    /// each after the same seeding it had (`trail`), so the rows are those the
    /// first run had: the nearest checkpoint at or before `k`, and the ups from there.
    /// Its tables equal to those of `snaps[k]` (the schema it had then) are shared with it.
    /// `reuse` is the snapshot cache of the database it replaces: what is the same
    /// in both is not read again.
    #[allow(clippy::too_many_arguments)]
    fn rebuild(set: &MigrationSet, k: usize, budget: Option<Duration>, trail: Option<&Trail>, checkpoints: &Checkpoints, snaps: &[Schema], reuse: Snapshots) -> Result<Db> {
        let (start, mut db) = match checkpoints.nearest(k) {
            Some((j, bytes)) => (j, Db::restore(bytes)?),
            None => (0, Db::fresh()?),
        };
        db.snapshots = reuse;
        db.snapshots.refresh(&db.conn)?;
        for (j, m) in set.migrations()[..k].iter().enumerate().skip(start) {
            if let Some(tables) = trail.and_then(|t| t.seeded.get(j)) {
                let (schema, _) = db.snapshot()?;
                crate::seed::seed(&db.conn, &only(&schema, tables), SEED_ROWS, seed_for(j))?;
            }
            engine::run(&db.conn, set, m, Direction::Up, budget)?;
        }
        db.snapshot()?;
        if let Some(then) = snaps.get(k) {
            db.snapshots.share(then);
        }
        Ok(db)
    }

    /// The schema now, and what changed since the last snapshot.
    fn snapshot(&mut self) -> Result<(Schema, Touched)> {
        let touched = self.watch.take();
        Ok((self.snapshots.update(&self.conn, &touched)?, touched))
    }
}

/// The database as it stood at the start of step k (after up k - 1, before
/// any seeding for up k), as bytes (`sqlite3_serialize`): a rebuild restores
/// the nearest instead of replaying every earlier up. Taken every `every`
/// steps; when their total passes `CHECKPOINT_BYTES`, every other one goes and
/// the spacing doubles, so they span the whole set and a rebuild replays fewer
/// than `every` ups. Only while no migration has set a pragma (a connection's
/// pragmas are not in its bytes).
struct Checkpoints {
    at: std::collections::BTreeMap<usize, DbBytes>,
    bytes: usize,
    every: usize,
    stopped: bool,
}

impl Default for Checkpoints {
    fn default() -> Self {
        Checkpoints { at: Default::default(), bytes: 0, every: 1, stopped: false }
    }
}

/// A database's bytes, as `sqlite3_serialize` gave them.
enum DbBytes {
    Sqlite(rusqlite::serialize::OwnedData),
    Copy(Vec<u8>),
}

impl std::ops::Deref for DbBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            DbBytes::Sqlite(owned) => owned,
            DbBytes::Copy(bytes) => bytes,
        }
    }
}

/// The most bytes of checkpoints one verification keeps.
const CHECKPOINT_BYTES: usize = 64 << 20;

impl Checkpoints {
    fn keep(&mut self, k: usize, conn: &mut Connection) -> Result<()> {
        if self.stopped || !k.is_multiple_of(self.every) {
            return Ok(());
        }
        // SQLite's own copy, kept as it is: copying it again cost as much as taking it.
        let bytes = match conn.serialize(rusqlite::MAIN_DB)? {
            rusqlite::serialize::Data::Owned(owned) => DbBytes::Sqlite(owned),
            shared => DbBytes::Copy(shared.to_vec()),
        };
        self.bytes += bytes.len();
        self.at.insert(k, bytes);
        while self.bytes > CHECKPOINT_BYTES && self.at.len() > 1 {
            self.every *= 2;
            let every = self.every;
            let thinned: Vec<usize> = self.at.keys().copied().filter(|j| j % every != 0).collect();
            for j in thinned {
                self.bytes -= self.at.remove(&j).map_or(0, |b| b.len());
            }
        }
        Ok(())
    }

    /// From here on, keep none (a pragma was set: replaying sets it again, a copy would not).
    fn stop(&mut self) {
        self.stopped = true;
    }

    fn nearest(&self, k: usize) -> Option<(usize, &[u8])> {
        self.at.range(..=k).next_back().map(|(j, b)| (*j, &**b))
    }
}

/// Rows per table verify seeds before each up.
pub const SEED_ROWS: usize = 3;

/// The seed of the rows before up `k`: fixed, so a report is reproducible.
fn seed_for(k: usize) -> u64 {
    0x6d69_6772_6170_6c61 ^ (k as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// `schema` with only the tables named (lowercase) and the tables their foreign keys lead to.
fn only(schema: &Schema, names: &BTreeSet<String>) -> Schema {
    let mut keep = names.clone();
    loop {
        let parents: Vec<String> = schema
            .tables
            .iter()
            .filter(|t| !t.foreign_keys.is_empty() && data::has(&keep, &t.name))
            .flat_map(|t| t.foreign_keys.iter().filter(|fk| !data::has(&keep, &fk.target)).map(|fk| fk.target.to_ascii_lowercase()))
            .collect();
        if parents.is_empty() {
            break;
        }
        keep.extend(parents);
    }
    let tables: Vec<Arc<schema::Table>> = schema.tables.iter().filter(|t| data::has(&keep, &t.name)).cloned().collect();
    Schema { tables, views: schema.views.clone(), totals: schema.totals }
}

/// The data side of a verification: which tables each up's seeding filled,
/// which tables each up touched, and each table's rows at every point they changed.
#[derive(Default)]
struct Trail {
    /// Before up k: the tables seeding topped up (replayed the same after a rebuild).
    seeded: Vec<BTreeSet<String>>,
    /// The tables up k may have changed the rows of.
    touched: Vec<BTreeSet<String>>,
    /// Per table (lowercase): its rows from point p on (p = 2k: before up k, after
    /// its seeding; 2k + 1: after up k).
    rows: HashMap<String, Vec<(usize, Rc<TableRows>)>>,
}

impl Trail {
    fn note(&mut self, table: &str, point: usize, rows: TableRows) {
        self.rows.entry(table.to_ascii_lowercase()).or_default().push((point, Rc::new(rows)));
    }

    /// The rows `table` had at `point`.
    fn at(&self, table: &str, point: usize) -> Option<Rc<TableRows>> {
        self.rows.get(&*data::lower(table))?.iter().rev().find(|(p, _)| *p <= point).map(|(_, r)| r.clone())
    }

    /// Reads the rows of the tables of `schema` named in `names` as they are at `point`.
    fn read(&mut self, conn: &Connection, schema: &Schema, names: &BTreeSet<String>, point: usize) -> Result<()> {
        for table in data::tables(conn, schema)?.into_iter().filter(|t| data::has(names, &t.name)) {
            self.note(&table.name, point, data::read(conn, table)?);
        }
        Ok(())
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

/// The last statement of `script` that creates, drops, alters or renames the
/// object of a difference (for a column or a constraint: its table).
fn difference_location(script: &crate::migration::Script, d: &Difference) -> Option<Location> {
    let name = match d.kind {
        Kind::Table | Kind::Index | Kind::Trigger | Kind::View => d.name.as_str(),
        Kind::Column | Kind::ForeignKey | Kind::Check | Kind::Unique => d.table.as_str(),
    };
    statement_about(script, &[name], Statements::Ddl)
}

/// What up `k` did to the rows: every table it may have changed is read again
/// and compared with its rows before the up (point 2k); tables it left alone
/// kept theirs. Notes the new rows (point 2k + 1) and what the up touched.
#[allow(clippy::too_many_arguments)]
fn check_up(trail: &mut Trail, conn: &Connection, before: &Schema, now: &Schema, touched: &Touched, k: usize, script: &crate::migration::Script, version: i64, d: &mut DataReport) -> Result<()> {
    let mut affected = data::affected(touched, now);
    affected.extend(data::affected(touched, before));
    for table in data::tables(conn, before)? {
        let name = data::lower(&table.name);
        let Some(rows) = trail.at(&name, 2 * k) else { continue };
        if !affected.contains(&*name) {
            d.kept += rows.rows.len();
            continue;
        }
        // A table the up dropped takes its rows with it: the schema says so.
        let Some(table_now) = now.tables.iter().find(|t| t.name.eq_ignore_ascii_case(&name)) else { continue };
        let after = data::read(conn, table_now)?;
        let c = data::compare(&table_now.name, &rows, &after);
        d.kept += c.kept;
        d.changed += c.changed;
        d.removed += c.removed;
        d.up.extend(c.losses.into_iter().map(|loss| {
            let location = statement_about(script, &[&loss.table], Statements::Any);
            DataWarning { version, loss, location }
        }));
        trail.note(&name, 2 * k + 1, after);
    }
    let new: BTreeSet<String> = affected.iter().filter(|n| trail.at(n, 2 * k).is_none()).cloned().collect();
    trail.read(conn, now, &new, 2 * k + 1)?;
    trail.touched.push(affected);
    Ok(())
}

/// Whether down `k` runs on the schema its up left with no rows in it.
fn runs_without_rows(set: &MigrationSet, k: usize, budget: Option<Duration>) -> Result<bool> {
    let db = Db::rebuild(set, k + 1, budget, None, &Checkpoints::default(), &[], Snapshots::default())?;
    Ok(engine::run(&db.conn, set, &set.migrations()[k], Direction::Down, budget).is_ok())
}

/// What down `k` lost of the rows its tables had before up `k`: the tables the
/// up or the down may have changed are compared with their rows then.
fn check_down(trail: &Trail, conn: &Connection, now: &Schema, touched: &Touched, k: usize) -> Result<Vec<data::TableLoss>> {
    let mut check = data::affected(touched, now);
    check.extend(trail.touched.get(k).into_iter().flatten().cloned());
    let mut lost = Vec::new();
    for table in data::tables(conn, now)?.into_iter().filter(|t| data::has(&check, &t.name)) {
        let Some(before) = trail.at(&table.name, 2 * k) else { continue };
        lost.extend(data::compare(&table.name, &before, &data::read(conn, table)?).losses);
    }
    Ok(lost)
}

/// Runs the whole verification of `set`, data checks included. `ran_on` names
/// where it runs (a user agent, or "native …"); `budget` bounds each script's
/// time; `progress` hears of each step.
pub fn verify(set: &MigrationSet, ran_on: &str, budget: Option<Duration>, progress: &mut dyn FnMut(&Progress)) -> Result<Report> {
    verify_with(set, ran_on, budget, true, progress)
}

/// `verify`, with the data checks (seeded rows through every up and down) on or off.
pub fn verify_with(set: &MigrationSet, ran_on: &str, budget: Option<Duration>, data_checks: bool, progress: &mut dyn FnMut(&Progress)) -> Result<Report> {
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
    let mut trail = data_checks.then(Trail::default);
    let mut checkpoints = Checkpoints::default();
    for (k, m) in migrations.iter().enumerate() {
        tick(format!("up {}", label(m)));
        checkpoints.keep(k, &mut db.conn)?;
        if let Some(trail) = trail.as_mut() {
            // Top up the tables the last up may have changed (at first, all of them).
            let candidates: BTreeSet<String> = match k.checked_sub(1) {
                Some(last) => trail.touched[last].clone(),
                None => data::tables(&db.conn, &snaps[0])?.iter().map(|t| t.name.to_ascii_lowercase()).collect(),
            };
            let seeded = crate::seed::seed(&db.conn, &only(&snaps[k], &candidates), SEED_ROWS, seed_for(k))?;
            // What the seeding wrote (triggers' rows too): read as the rows before this up.
            let written = db.watch.take().written;
            trail.read(&db.conn, &snaps[k], &written, 2 * k)?;
            trail.seeded.push(candidates);
            let rows = seeded.rows.iter().map(|(_, n)| n).sum();
            reports[k].data = Some(DataReport { seeded: rows, not_seeded: seeded.not_seeded, ..DataReport::default() });
        }
        let mut result = engine::run(&db.conn, set, m, Direction::Up, budget);
        if let (Err(e), Some(_)) = (&result, &trail) {
            // An up that fails only because of the sample rows (a new UNIQUE index
            // their values break, say) is not failed for it: it is said, and rows
            // are not checked from here on.
            let plain = Db::rebuild(set, k, budget, None, &Checkpoints::default(), &snaps, Snapshots::default())?;
            if let Ok(a) = engine::run(&plain.conn, set, m, Direction::Up, budget) {
                let d = reports[k].data.get_or_insert_with(DataReport::default);
                d.stopped = Some(format!("the up fails on the sample rows ({e}) and passes without them: rows are not checked from here on"));
                trail = None;
                // The checkpoints hold sample rows: rebuilds replay from here on.
                checkpoints = Checkpoints::default();
                checkpoints.stop();
                db = plain;
                result = Ok(a);
            }
        }
        match result {
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
                    db = Db::rebuild(set, k, budget, trail.as_ref(), &checkpoints, &snaps, std::mem::take(&mut db.snapshots))?;
                }
                break;
            }
        }
        // A schema SQLite can no longer read (PRAGMA writable_schema tricks) fails
        // this up like an error would: nothing after it can be trusted.
        let checked = db.snapshot().and_then(|(now, touched)| Ok((schema::integrity(&db.conn, Some(&touched))?, now, touched)));
        let (broken, now, touched) = match checked {
            Ok(checked) => checked,
            Err(e) => {
                reports[k].up = Outcome::Fail;
                reports[k].problems.push(Problem::Integrity { stage: Stage::Up, message: e.to_string() });
                for later in &mut reports[k + 1..] {
                    later.problems.push(Problem::NotTested { stage: Stage::Up, after: Stage::Up, migration: named(m) });
                }
                db = Db::rebuild(set, k, budget, trail.as_ref(), &checkpoints, &snaps, std::mem::take(&mut db.snapshots))?;
                break;
            }
        };
        if touched.pragmas {
            checkpoints.stop();
        }
        if let Some(trail) = trail.as_mut() {
            let d = reports[k].data.get_or_insert_with(DataReport::default);
            check_up(trail, &db.conn, &snaps[k], &now, &touched, k, &m.up, m.version, d)?;
        }
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
            db = Db::rebuild(set, k, budget, trail.as_ref(), &checkpoints, &snaps, std::mem::take(&mut db.snapshots))?;
            continue;
        }
        match engine::run(&db.conn, set, m, Direction::Down, budget) {
            Ok(a) => {
                report.down_ms = Some(ms(&a));
                down_log.push(a.to_string());
                let (now, touched) = db.snapshot()?;
                let diffs = diff::diff(&snaps[k], &now);
                report.down = if diffs.is_empty() { DownResult::Pass } else { DownResult::Fail };
                let down = m.down.as_ref().expect("checked above");
                if !diffs.is_empty() && crate::script::split(down.text()).is_empty() {
                    report.problems.push(Problem::EmptyDown { file: down.file.clone() });
                }
                for d in &diffs {
                    let origin = history.origin(d, Stage::Down, k, migrations);
                    // The down's statement about the object; else, for what it left behind, the
                    // up's statement that made it (what the down should have undone).
                    let location = difference_location(down, d).or_else(|| match (&d.change, &origin) {
                        (Change::StillThere, Some(Origin::Up(by))) if by.version == m.version => difference_location(&m.up, d),
                        _ => None,
                    });
                    report.problems.push(Problem::Differs { stage: Stage::Down, difference: d.clone(), origin, location });
                }
                // The schema is back: are the rows? (A down that loses them fails; the
                // database is then rebuilt, so the loss is blamed on this down alone.)
                let lost = match (&trail, diffs.is_empty()) {
                    (Some(trail), true) => check_down(trail, &db.conn, &now, &touched, k)?,
                    _ => Vec::new(),
                };
                if !lost.is_empty() {
                    report.down = DownResult::Fail;
                    report.problems.extend(lost.into_iter().map(|loss| {
                        let location = statement_about(down, &[&loss.table], Statements::Any);
                        Problem::Data { stage: Stage::Down, version: m.version, loss, location }
                    }));
                }
                if report.down == DownResult::Fail {
                    db = Db::rebuild(set, k, budget, trail.as_ref(), &checkpoints, &snaps, std::mem::take(&mut db.snapshots))?;
                }
            }
            Err(e) => {
                report.down = DownResult::Error;
                let mut problem = Problem::failed(Stage::Down, &e);
                // A down that fails with rows in its tables (dropping a parent before its
                // children, say) fails in production too; say whether the rows are why.
                if trail.is_some() && e.may_depend_on_rows() && runs_without_rows(set, k, budget)? {
                    if let Problem::Failed { message, .. } = &mut problem {
                        message.push_str(" — with the sample rows in its tables; on empty tables it runs");
                    }
                }
                report.problems.push(problem);
                db = Db::rebuild(set, k, budget, trail.as_ref(), &checkpoints, &snaps, std::mem::take(&mut db.snapshots))?;
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
                db.snapshots.share(&snaps[k + 1]);
                for d in &diffs {
                    let origin = history.origin(d, Stage::UpAgain, k, migrations);
                    let location = difference_location(&m.up, d);
                    reports[k].problems.push(Problem::Differs { stage: Stage::UpAgain, difference: d.clone(), origin, location });
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
