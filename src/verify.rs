//! Verification: prove a set applies, reverts and re-applies cleanly, step by
//! step, on a fresh in-memory database, and measure everything the report says.
//!
//! 1. Up, one migration at a time, a snapshot after each (S0 = empty … Sn),
//!    with `PRAGMA integrity_check` and `foreign_key_check`.
//! 2. The staircase: revert n … 1, each compared with the snapshot before its up.
//!    After a failed or leaky down the database is rebuilt at S(k-1), so one
//!    defect is reported once, against the migration that has it; before the
//!    rebuild, the up runs again on what the leaky down left.
//! 3. The full rollback: n … 1 on one database with no rebuild, as the tool's
//!    own `down` to 0 (the staircase itself, when it never rebuilt).
//! 4. Up again, each compared with its first snapshot (UP→DOWN→UP).
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
use crate::finding::{Made, Named, Origin, Problem, Stage};
use crate::engine::{self, Applied};
use crate::error::Result;
use crate::lint;
use crate::migration::{Direction, Migration};
use crate::data::{self, TableRows};
use crate::report::{Created, DataReport, DataWarning, DownResult, FullRollback, LeftBehind, MigrationReport, Outcome, Report};
use crate::schema::{self, Schema, Snapshots};
use crate::watch::{Touched, Watch};
use crate::source::MigrationSet;

/// How far a verification has got, for a progress bar.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Progress {
    /// Steps done so far.
    pub done: usize,
    /// Steps in all: up, down and up again per migration, and a full rollback's
    /// step per migration once it needs a run of its own (the staircase rebuilt).
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
///
/// Without data checks (`sparse`), one is taken only once the ups since the
/// last took `SPARSE_RATIO` times as long as taking it did: each copies the
/// whole database, so one per step made a set of n migrations copy n growing
/// databases, most of verify's time beside the migrations' own, for rebuilds
/// that a set whose downs pass never asks for. A rebuild then replays the few
/// ups since the nearest, which give it the same schema. (With data checks
/// the rows must be the very ones the first run had, and sample rows may take
/// a DEFAULT such as CURRENT_TIMESTAMP, which a replay would give anew: there
/// every step keeps one.)
struct Checkpoints {
    at: std::collections::BTreeMap<usize, DbBytes>,
    bytes: usize,
    every: usize,
    stopped: bool,
    sparse: bool,
    /// How long the ups since the last checkpoint took.
    since: Duration,
    /// How long taking the last checkpoint took.
    cost: Duration,
}

impl Default for Checkpoints {
    fn default() -> Self {
        Checkpoints { at: Default::default(), bytes: 0, every: 1, stopped: false, sparse: false, since: Duration::ZERO, cost: Duration::ZERO }
    }
}

/// Without data checks, how many times as long as taking the last checkpoint
/// the ups since it must have taken before the next is taken: checkpoints then
/// cost at most a quarter of the ups' time, and a rebuild replays ups that took
/// at most four checkpoints' time.
const SPARSE_RATIO: u32 = 4;

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
    /// Without data checks, checkpoints are taken by the time the ups take (see `Checkpoints`).
    fn sparse() -> Self {
        Checkpoints { sparse: true, ..Checkpoints::default() }
    }

    /// Notes the time an up took (what a rebuild from the last checkpoint replays).
    fn ran(&mut self, applied: &Applied) {
        self.since += applied.elapsed();
    }

    fn keep(&mut self, k: usize, conn: &mut Connection) -> Result<()> {
        if self.stopped || !k.is_multiple_of(self.every) {
            return Ok(());
        }
        if self.sparse && !self.at.is_empty() && self.since < self.cost * SPARSE_RATIO {
            return Ok(());
        }
        let start = web_time::Instant::now();
        // SQLite's own copy, kept as it is: copying it again cost as much as taking it.
        let bytes = match conn.serialize(rusqlite::MAIN_DB)? {
            rusqlite::serialize::Data::Owned(owned) => DbBytes::Sqlite(owned),
            shared => DbBytes::Copy(shared.to_vec()),
        };
        self.bytes += bytes.len();
        self.at.insert(k, bytes);
        (self.cost, self.since) = (start.elapsed(), Duration::ZERO);
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
    // One walk over the foreign keys from the named tables (a chain of 1,000 tables
    // was walked a level per pass over every table, before each up).
    let by_name: HashMap<String, &schema::Table> = schema.tables.iter().map(|t| (t.name.to_ascii_lowercase(), &**t)).collect();
    let mut keep: BTreeSet<String> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
    let mut todo: Vec<String> = keep.iter().cloned().collect();
    while let Some(name) = todo.pop() {
        let Some(t) = by_name.get(&name) else { continue };
        for fk in &t.foreign_keys {
            let target = fk.target.to_ascii_lowercase();
            if keep.insert(target.clone()) {
                todo.push(target);
            }
        }
    }
    let tables: Vec<Arc<schema::Table>> = schema.tables.iter().filter(|t| keep.contains(&t.name.to_ascii_lowercase())).cloned().collect();
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
            let made = Made { migration: named(&migrations[j]), at: difference_location(&migrations[j].up, d) };
            if created { Origin::Up(made) } else { Origin::ChangedBy(made) }
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

/// What a down's failure says when the sample rows are why: with no rows it runs.
const ROWS_ARE_WHY: &str = " — with the sample rows in its tables; on empty tables it runs";

/// Whether, with no rows in any table, the first `from` ups applied and the downs
/// from `from` - 1 down to `k` run in turn, down `k` included (the staircase asks
/// it of one down, `from` = k + 1; the full rollback of all it ran).
fn downs_run_without_rows(set: &MigrationSet, from: usize, k: usize, budget: Option<Duration>) -> Result<bool> {
    let db = Db::rebuild(set, from, budget, None, &Checkpoints::default(), &[], Snapshots::default())?;
    for m in set.migrations()[k..from].iter().rev() {
        if engine::run(&db.conn, set, m, Direction::Down, budget).is_err() {
            return Ok(false);
        }
    }
    Ok(true)
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

/// What one whole verification may take, over all its phases: time, and
/// bytes of SQLite's memory (on top of the per-script budgets, which nest inside it).
static TOTAL_TIME_MS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(DEFAULT_TOTAL_TIME.as_millis() as u64);
static TOTAL_MEMORY: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(DEFAULT_TOTAL_MEMORY);

/// A whole verification's time when nothing else is said: 15 minutes.
pub const DEFAULT_TOTAL_TIME: Duration = Duration::from_secs(15 * 60);
/// A whole verification's SQLite memory when nothing else is said: 2 GiB.
pub const DEFAULT_TOTAL_MEMORY: u64 = 2 << 30;

/// Sets what one whole verification may take (None: no limit).
pub fn set_total_budget(time: Option<Duration>, memory: Option<u64>) {
    use std::sync::atomic::Ordering::Relaxed;
    TOTAL_TIME_MS.store(time.map_or(0, |t| (t.as_millis() as u64).max(1)), Relaxed);
    TOTAL_MEMORY.store(memory.unwrap_or(0), Relaxed);
}

fn total_budget() -> (Option<Duration>, Option<u64>) {
    use std::sync::atomic::Ordering::Relaxed;
    let ms = TOTAL_TIME_MS.load(Relaxed);
    let bytes = TOTAL_MEMORY.load(Relaxed);
    ((ms > 0).then(|| Duration::from_millis(ms)), (bytes > 0).then_some(bytes))
}

/// `verify`, with the data checks (seeded rows through every up and down) on or off.
///
/// The phases, in order, each over the same `Run`: the ups; the staircase (each
/// down compared with the schema before its up, and where a down leaked, its up
/// run again on what it left); the full rollback (every down in turn on one
/// database, as the tool's own `down` to 0 runs them); the ups again.
pub fn verify_with(set: &MigrationSet, ran_on: &str, budget: Option<Duration>, data_checks: bool, progress: &mut dyn FnMut(&Progress)) -> Result<Report> {
    let (total_time, total_memory) = total_budget();
    let _memory = total_memory.map(crate::script::Budget::memory);
    let mut run = Run::new(set, budget, data_checks, progress)?;
    run.ends = total_time.map(|t| (web_time::Instant::now() + t, t));
    run.ups()?;
    run.staircase()?;
    run.full_rollback()?;
    run.ups_again()?;
    Ok(run.report(ran_on))
}

/// The `Applied …` lines of each phase, as the tool would print them.
#[derive(Default)]
struct Logs {
    up: Vec<String>,
    down: Vec<String>,
    again: Vec<String>,
    rollback: Vec<String>,
}

/// One verification: the set, the database under test and everything measured so far.
struct Run<'a> {
    set: &'a MigrationSet,
    migrations: &'a [Migration],
    budget: Option<Duration>,
    progress: &'a mut dyn FnMut(&Progress),
    done: usize,
    total: usize,
    reports: Vec<MigrationReport>,
    history: History,
    logs: Logs,
    db: Db,
    /// The schema before each up (S0 = empty … Sn after the last that applied).
    snaps: Vec<Schema>,
    trail: Option<Trail>,
    checkpoints: Checkpoints,
    /// The migrations after whose down the staircase rebuilt its database
    /// (a leak, an error, no down): from there on it is not one database going down.
    rebuilt: Vec<usize>,
    full_rollback: FullRollback,
    /// When the whole verification must be done by (its total budget), and that budget.
    ends: Option<(web_time::Instant, Duration)>,
}

impl<'a> Run<'a> {
    fn new(set: &'a MigrationSet, budget: Option<Duration>, data_checks: bool, progress: &'a mut dyn FnMut(&Progress)) -> Result<Run<'a>> {
        let migrations = set.migrations();
        let mut db = Db::fresh()?;
        let snaps = vec![db.snapshots.full(&db.conn)?];
        Ok(Run {
            set,
            migrations,
            budget,
            progress,
            done: 0,
            total: 3 * migrations.len(),
            reports: migrations.iter().map(MigrationReport::new).collect(),
            history: History::default(),
            logs: Logs::default(),
            db,
            snaps,
            trail: data_checks.then(Trail::default),
            checkpoints: if data_checks { Checkpoints::default() } else { Checkpoints::sparse() },
            rebuilt: Vec::new(),
            full_rollback: FullRollback::NotRun { why: "no migration applied".into() },
            ends: None,
        })
    }

    /// Says the next step, unless the whole verification is past its total budget.
    fn tick(&mut self, step: String) -> Result<()> {
        if let Some((_, total)) = self.ends.filter(|(ends, _)| web_time::Instant::now() >= *ends) {
            return Err(crate::Error::Stopped { what: format!("verify, before {step}"), why: format!("stopped: it ran longer than its total budget of {total:?}") });
        }
        (self.progress)(&Progress { done: self.done.min(self.total), total: self.total, step });
        self.done += 1;
        Ok(())
    }

    /// Migrations whose first up applied.
    fn applied(&self) -> usize {
        self.snaps.len() - 1
    }

    /// A database with the first `k` migrations applied, as the first run had them.
    fn rebuild(&mut self, k: usize) -> Result<Db> {
        let reuse = std::mem::take(&mut self.db.snapshots);
        Db::rebuild(self.set, k, self.budget, self.trail.as_ref(), &self.checkpoints, &self.snaps, reuse)
    }

    /// Marks every migration after `k` as not tested at `stage`, because `k`'s `after` failed.
    fn not_tested_after(&mut self, k: usize, until: usize, stage: Stage, after: Stage) {
        let migration = named(&self.migrations[k]);
        for later in &mut self.reports[k + 1..until] {
            later.problems.push(Problem::NotTested { stage, after, migration: migration.clone() });
        }
    }

    /// The ups (phase 1): one migration at a time, a snapshot after each.
    fn ups(&mut self) -> Result<()> {
        let (set, budget, migrations) = (self.set, self.budget, self.migrations);
        for (k, m) in migrations.iter().enumerate() {
            self.tick(format!("up {}", label(m)))?;
            self.checkpoints.keep(k, &mut self.db.conn)?;
            if self.trail.is_some() {
                if let Err(e) = self.under_budget("seeding the sample rows before the up", |run| run.seed(k)) {
                    self.stop_data(k, e)?;
                }
            }
            let mut result = engine::run(&self.db.conn, set, m, Direction::Up, budget);
            if let (Err(e), Some(_)) = (&result, &self.trail) {
                // An up that fails only because of the sample rows (a new UNIQUE index
                // their values break, say) is not failed for it: it is said, and rows
                // are not checked from here on.
                let plain = Db::rebuild(set, k, budget, None, &Checkpoints::default(), &self.snaps, Snapshots::default())?;
                if let Ok(a) = engine::run(&plain.conn, set, m, Direction::Up, budget) {
                    let d = self.reports[k].data.get_or_insert_with(DataReport::default);
                    d.stopped = Some(format!("the up fails on the sample rows ({e}) and passes without them: rows are not checked from here on"));
                    self.trail = None;
                    // The checkpoints hold sample rows: rebuilds replay from here on.
                    self.checkpoints = Checkpoints::default();
                    self.checkpoints.stop();
                    self.db = plain;
                    result = Ok(a);
                }
            }
            match result {
                Ok(a) => {
                    self.checkpoints.ran(&a);
                    self.reports[k].up = Outcome::Pass;
                    self.reports[k].up_ms = Some(ms(&a));
                    self.logs.up.push(a.to_string());
                }
                Err(e) => {
                    self.reports[k].up = Outcome::Fail;
                    self.reports[k].problems.push(Problem::failed(Stage::Up, &e));
                    self.not_tested_after(k, migrations.len(), Stage::Up, Stage::Up);
                    // A failed up without migraplay's transaction leaves what it ran: the
                    // staircase starts from the schema before it, so no down is blamed for it.
                    if m.up.transaction != crate::flavor::Transaction::Wrapped {
                        self.db = self.rebuild(k)?;
                    }
                    return Ok(());
                }
            }
            // A schema SQLite can no longer read (PRAGMA writable_schema tricks) fails
            // this up like an error would: nothing after it can be trusted.
            let db = &mut self.db;
            let checked = db.snapshot().and_then(|(now, touched)| Ok((schema::integrity(&db.conn, Some(&touched))?, now, touched)));
            let (broken, now, touched) = match checked {
                Ok(checked) => checked,
                Err(e) => {
                    self.reports[k].up = Outcome::Fail;
                    self.reports[k].problems.push(Problem::Integrity { stage: Stage::Up, message: e.to_string() });
                    self.not_tested_after(k, migrations.len(), Stage::Up, Stage::Up);
                    self.db = self.rebuild(k)?;
                    return Ok(());
                }
            };
            if touched.pragmas {
                self.checkpoints.stop();
            }
            if self.trail.is_some() {
                let checked = self.under_budget("reading the rows after the up", |run| {
                    let (Some(trail), d) = (run.trail.as_mut(), run.reports[k].data.get_or_insert_with(DataReport::default)) else { return Ok(()) };
                    check_up(trail, &run.db.conn, &run.snaps[k], &now, &touched, k, &m.up, m.version, d)
                });
                if let Err(e) = checked {
                    self.stop_data(k, e)?;
                }
            }
            let changes = diff::diff(&self.snaps[k], &now);
            self.history.note(k, &changes);
            let report = &mut self.reports[k];
            report.created = Created::from_changes(&changes, &now);
            report.changes = changes;
            report.problems.extend(broken.into_iter().map(|message| Problem::Integrity { stage: Stage::Up, message }));
            self.snaps.push(now);
        }
        Ok(())
    }

    /// Tops up the tables the last up may have changed (at first, all of them)
    /// before up `k`, and notes their rows as the rows before it.
    fn seed(&mut self, k: usize) -> Result<()> {
        let Some(trail) = self.trail.as_mut() else { return Ok(()) };
        let candidates: BTreeSet<String> = match k.checked_sub(1) {
            Some(last) => trail.touched[last].clone(),
            None => data::tables(&self.db.conn, &self.snaps[0])?.iter().map(|t| t.name.to_ascii_lowercase()).collect(),
        };
        let seeded = crate::seed::seed(&self.db.conn, &only(&self.snaps[k], &candidates), SEED_ROWS, seed_for(k))?;
        // What the seeding wrote (triggers' rows too): read as the rows before this up.
        let written = self.db.watch.take().written;
        trail.read(&self.db.conn, &self.snaps[k], &written, 2 * k)?;
        trail.seeded.push(candidates);
        let rows = seeded.rows.iter().map(|(_, n)| n).sum();
        self.reports[k].data = Some(DataReport { seeded: rows, not_seeded: seeded.not_seeded, ..DataReport::default() });
        Ok(())
    }

    /// Runs `f` (verify's own SQL on the database under test: seeding, reads)
    /// under the script budget; a budget that stops it is said as `doing` stopped.
    fn under_budget<T>(&mut self, doing: &str, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        let _budget = crate::script::Budget::start(&self.db.conn, self.budget);
        f(self).map_err(|e| crate::script::Budget::name(&self.db.conn, self.budget, || doing.to_string(), e))
    }

    /// Rows are not checked from migration `k` on, because a budget or a table
    /// too large to compare stopped the data checks; any other error is verify's.
    fn stop_data(&mut self, k: usize, e: crate::Error) -> Result<()> {
        let crate::Error::Stopped { what, why } = &e else { return Err(e) };
        let d = self.reports[k].data.get_or_insert_with(DataReport::default);
        d.stopped = Some(format!("rows are not checked from here on: {what}: {why}"));
        self.trail = None;
        Ok(())
    }

    /// The differences between the schema now and `expected`, each with where its
    /// object comes from and the statement to look at, as problems of `stage`.
    fn differences(&self, k: usize, stage: Stage, diffs: &[Difference]) -> Vec<Problem> {
        let m = &self.migrations[k];
        let script = match (stage, &m.down) {
            (Stage::Down, Some(down)) => down,
            _ => &m.up,
        };
        diffs
            .iter()
            .map(|d| {
                let origin = self.history.origin(d, stage, k, self.migrations);
                let location = difference_location(script, d);
                Problem::Differs { stage, difference: d.clone(), origin, file: script.file.clone(), location }
            })
            .collect()
    }

    /// The staircase (phase 2): revert n … 1, each compared with the snapshot
    /// before its up. After a failed or leaky down the database is rebuilt at
    /// S(k-1), so one defect is reported once, against the migration that has it;
    /// before that, the up runs again on what the leaky down left, as an operator
    /// who rolls back and forward would.
    fn staircase(&mut self) -> Result<()> {
        let (set, budget) = (self.set, self.budget);
        for k in (0..self.applied()).rev() {
            let m = &self.migrations[k];
            self.tick(format!("down {}", label(m)))?;
            let Some(down) = &m.down else {
                self.reports[k].down = DownResult::None;
                self.db = self.rebuild(k)?;
                self.rebuilt.push(k);
                continue;
            };
            match engine::run(&self.db.conn, set, m, Direction::Down, budget) {
                Ok(a) => {
                    self.reports[k].down_ms = Some(ms(&a));
                    self.logs.down.push(a.to_string());
                    let (now, touched) = self.db.snapshot()?;
                    let diffs = diff::diff(&self.snaps[k], &now);
                    let mut problems = Vec::new();
                    if !diffs.is_empty() && crate::script::split(down.text()).is_empty() {
                        problems.push(Problem::EmptyDown { file: down.file.clone() });
                    }
                    problems.extend(self.differences(k, Stage::Down, &diffs));
                    // The schema is back: are the rows? (A down that loses them fails; the
                    // database is then rebuilt, so the loss is blamed on this down alone.)
                    if self.trail.is_some() && diffs.is_empty() {
                        let lost = self.under_budget("reading the rows after the down", |run| match &run.trail {
                            Some(trail) => check_down(trail, &run.db.conn, &now, &touched, k),
                            None => Ok(Vec::new()),
                        });
                        match lost {
                            Ok(lost) => problems.extend(lost.into_iter().map(|loss| {
                                let location = statement_about(down, &[&loss.table], Statements::Any);
                                Problem::Data { stage: Stage::Down, version: m.version, loss, location }
                            })),
                            Err(e) => self.stop_data(k, e)?,
                        }
                    }
                    let report = &mut self.reports[k];
                    report.down = if problems.is_empty() { DownResult::Pass } else { DownResult::Fail };
                    report.problems.extend(problems);
                    if report.down == DownResult::Fail {
                        if !diffs.is_empty() {
                            self.up_on_what_the_down_left(k)?;
                        }
                        self.db = self.rebuild(k)?;
                        self.rebuilt.push(k);
                    }
                }
                Err(e) => {
                    let mut problem = Problem::failed(Stage::Down, &e);
                    // A down that fails with rows in its tables (dropping a parent before its
                    // children, say) fails in production too; say whether the rows are why.
                    if self.trail.is_some() && e.may_depend_on_rows() && downs_run_without_rows(set, k + 1, k, budget)? {
                        if let Problem::Failed { message, .. } = &mut problem {
                            message.push_str(ROWS_ARE_WHY);
                        }
                    }
                    self.reports[k].down = DownResult::Error;
                    self.reports[k].problems.push(problem);
                    self.db = self.rebuild(k)?;
                    self.rebuilt.push(k);
                }
            }
        }
        Ok(())
    }

    /// Up `k` run again on the database its leaky down left (the database is
    /// rebuilt afterwards): can an operator who rolled back roll forward again?
    /// An error is a finding; the schema it gives is not compared (what the
    /// down left is still there, and already reported against the down).
    fn up_on_what_the_down_left(&mut self, k: usize) -> Result<()> {
        let m = &self.migrations[k];
        let outcome = match engine::run(&self.db.conn, self.set, m, Direction::Up, self.budget) {
            Ok(_) => Outcome::Pass,
            Err(e) => {
                self.reports[k].problems.push(Problem::failed(Stage::UpOnLeft, &e));
                Outcome::Fail
            }
        };
        self.reports[k].up_on_left = Some(outcome);
        Ok(())
    }

    /// The full rollback (phase 3): from the latest version to 0 on one database,
    /// every down in turn and no rebuild, as the tool's own `down` to 0 runs them.
    /// When the staircase never rebuilt, it was that very run.
    fn full_rollback(&mut self) -> Result<()> {
        let applied = self.applied();
        let Some(top) = applied.checked_sub(1).map(|k| self.migrations[k].version) else {
            return Ok(());
        };
        if self.rebuilt.is_empty() {
            self.logs.rollback = std::mem::take(&mut self.logs.down);
            self.full_rollback = FullRollback::Clean { from: top, reverted: applied };
            return Ok(());
        }
        self.total += applied;
        let mut db = Db::rebuild(self.set, applied, self.budget, self.trail.as_ref(), &self.checkpoints, &self.snaps, Snapshots::default())?;
        let mut left: Vec<LeftBehind> = Vec::new();
        let mut before: Vec<Difference> = Vec::new();
        for k in (0..applied).rev() {
            let m = &self.migrations[k];
            self.tick(format!("full rollback {}", label(m)))?;
            let reverted = applied - 1 - k;
            if m.down.is_none() {
                self.full_rollback = FullRollback::Irreversible { from: top, reverted, at: named(m), left_behind: left };
                return Ok(());
            }
            match engine::run(&db.conn, self.set, m, Direction::Down, self.budget) {
                Ok(a) => {
                    self.logs.rollback.push(a.to_string());
                    // What this down left that the downs before it had not already left.
                    let diffs = diff::diff(&self.snaps[k], &db.snapshot()?.0);
                    let new: Vec<Difference> = diffs.iter().filter(|d| !before.contains(d)).cloned().collect();
                    if !new.is_empty() {
                        left.push(LeftBehind { by: named(m), differences: new });
                    }
                    before = diffs;
                }
                Err(e) => {
                    let Problem::Failed { location, mut message, undo, .. } = Problem::failed(Stage::Down, &e) else { unreachable!("failed() makes Failed") };
                    if self.trail.is_some() && e.may_depend_on_rows() && downs_run_without_rows(self.set, applied, k, self.budget)? {
                        message.push_str(ROWS_ARE_WHY);
                    }
                    self.full_rollback = FullRollback::Fails { from: top, reverted, at: named(m), location, message, undo, left_behind: left };
                    return Ok(());
                }
            }
        }
        // What a down left may be undone by an earlier one (dropping the table a
        // forgotten index is on): the rollback is clean when it ends where the set began.
        let end = diff::diff(&self.snaps[0], &db.snapshot()?.0);
        self.full_rollback = if end.is_empty() {
            FullRollback::Clean { from: top, reverted: applied }
        } else {
            FullRollback::Reached { from: top, reverted: applied, left_behind: left }
        };
        Ok(())
    }

    /// The ups again (phase 4), each compared with its first snapshot (UP→DOWN→UP).
    /// They run on what the staircase left: a clean down's own database, or a
    /// rebuilt one after a down that leaked (that up also ran on what the down
    /// left, in the staircase).
    fn ups_again(&mut self) -> Result<()> {
        let applied = self.applied();
        for k in 0..applied {
            let m = &self.migrations[k];
            self.tick(format!("up again {}", label(m)))?;
            match engine::run(&self.db.conn, self.set, m, Direction::Up, self.budget) {
                Ok(a) => {
                    let now = self.db.snapshot()?.0;
                    self.db.snapshots.share(&self.snaps[k + 1]);
                    if m.down.is_none() {
                        // No down ran: this only brings the database to the next step.
                        continue;
                    }
                    self.reports[k].up_again_ms = Some(ms(&a));
                    self.logs.again.push(a.to_string());
                    let diffs = diff::diff(&self.snaps[k + 1], &now);
                    let problems = self.differences(k, Stage::UpAgain, &diffs);
                    self.reports[k].problems.extend(problems);
                    self.reports[k].up_again = if diffs.is_empty() { Outcome::Pass } else { Outcome::Fail };
                }
                Err(e) => {
                    self.reports[k].up_again = Outcome::Fail;
                    self.reports[k].problems.push(Problem::failed(Stage::UpAgain, &e));
                    self.not_tested_after(k, applied, Stage::UpAgain, Stage::UpAgain);
                    break;
                }
            }
        }
        Ok(())
    }

    fn report(mut self, ran_on: &str) -> Report {
        for r in &mut self.reports {
            r.settle();
        }
        (self.progress)(&Progress { done: self.total, total: self.total, step: "done".into() });
        let last = &self.snaps[self.applied()];
        let logs = [self.logs.up, self.logs.rollback, self.logs.again];
        let lint = lint::lint(self.set, Some(last));
        Report::new(self.reports, self.set.flavor().clone(), self.set.problems().to_vec(), last, lint, logs, self.full_rollback, ran_on)
    }
}
