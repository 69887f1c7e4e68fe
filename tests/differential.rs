//! The staircase against its plain, slow twin. Verify reverts a whole set on
//! one database, rebuilding it (from checkpoints, with snapshot caches reused)
//! after a down that leaks; `plain` below does each step on a new database
//! with nothing cached: every up before it, the up, the down, the up again,
//! and reads the whole schema after each. The two must give the same verdict
//! for every migration, and the full rollback must be what stepping down one
//! migration at a time on one database gives.
//!
//! The sets are generated (a seeded generator, heavy in views and triggers
//! that depend on tables and each other, table rebuilds, renames, DROP COLUMN,
//! no-transaction files, and downs that leak or reach too far). `make test`
//! runs a few hundred; `make fuzz` runs thousands (MIGRAPLAY_FUZZ_CASES). A
//! failing case prints its seed and its files: keep it as a fixture.

mod common;

use migraplay::{diff, read_schema, verify_with, DownResult, MigrationSet, Outcome, Playground, Target};

/// SQLite's memory limit is the process's: the hostile sets (400 MB of blobs against a
/// tight budget) must not run beside the plain comparison, or its runs meet that limit.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// xorshift64*: reproducible from a seed, and all these tests need.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn some<T: Clone>(&mut self, items: &[T]) -> Vec<T> {
        let mut out: Vec<T> = items.iter().filter(|_| self.chance(50)).cloned().collect();
        if out.is_empty() {
            out.push(self.pick(items).clone());
        }
        out
    }
}

#[derive(Clone)]
struct TableModel {
    name: String,
    columns: Vec<String>,
    checked: bool,
}

#[derive(Clone)]
struct ViewModel {
    name: String,
    from: String,
    columns: Vec<String>,
}

/// What the ups have built so far, as the generator believes.
#[derive(Default, Clone)]
struct Model {
    tables: Vec<TableModel>,
    views: Vec<ViewModel>,
    /// (name, table, column it reads)
    triggers: Vec<(String, String, String)>,
    /// (name, table, column)
    indexes: Vec<(String, String, String)>,
    next: usize,
}

impl Model {
    fn fresh(&mut self, prefix: &str) -> String {
        self.next += 1;
        format!("{prefix}{}", self.next)
    }
    fn table(&self, name: &str) -> &TableModel {
        self.tables.iter().find(|t| t.name == name).expect("a modelled table")
    }
    fn create_table(t: &TableModel) -> String {
        let check = if t.checked { ", CHECK (id > 0)" } else { "" };
        let cols: Vec<String> = t.columns.iter().skip(1).map(|c| format!("{c} TEXT")).collect();
        format!("CREATE TABLE {} (id INTEGER PRIMARY KEY, {}{check});", t.name, cols.join(", "))
    }
    fn create_view(v: &ViewModel) -> String {
        format!("CREATE VIEW {} AS SELECT {} FROM {};", v.name, v.columns.join(", "), v.from)
    }
    /// The indexes and triggers of `table` made again (after a rebuild dropped them).
    fn dependents(&self, table: &str) -> Vec<String> {
        let mut out: Vec<String> =
            self.indexes.iter().filter(|i| i.1 == table).map(|(n, t, c)| format!("CREATE INDEX {n} ON {t}({c});")).collect();
        out.extend(self.triggers.iter().filter(|tr| tr.1 == table).map(|(n, t, c)| trigger(n, t, c)));
        out
    }
}

fn trigger(name: &str, table: &str, column: &str) -> String {
    format!("CREATE TRIGGER {name} AFTER UPDATE ON {table} BEGIN SELECT new.{column}; END;")
}

/// One generated migration: its up, its down (None: irreversible), and whether each runs without a transaction.
struct Generated {
    name: String,
    up: Vec<String>,
    down: Option<Vec<String>>,
    up_no_tx: bool,
    down_no_tx: bool,
}

fn step(rng: &mut Rng, m: &mut Model) -> Generated {
    let (up, down, name): (Vec<String>, Vec<String>, String) = loop {
        match rng.below(9) {
            0 => {
                let t = TableModel { name: m.fresh("t"), columns: vec!["id".into(), m.fresh("a"), m.fresh("b")], checked: false };
                let out = (vec![Model::create_table(&t)], vec![format!("DROP TABLE {};", t.name)], format!("create_{}", t.name));
                m.tables.push(t);
                break out;
            }
            1 if !m.tables.is_empty() => {
                let t = rng.pick(&m.tables).name.clone();
                let c = m.fresh("c");
                m.tables.iter_mut().find(|x| x.name == t).unwrap().columns.push(c.clone());
                break (vec![format!("ALTER TABLE {t} ADD COLUMN {c} TEXT;")], vec![format!("ALTER TABLE {t} DROP COLUMN {c};")], format!("add_{c}"));
            }
            2 | 3 if !m.tables.is_empty() => {
                // A view on a table, or on another view.
                let name = m.fresh("v");
                let v = if !m.views.is_empty() && rng.chance(30) {
                    let over = rng.pick(&m.views).clone();
                    ViewModel { name, from: over.name.clone(), columns: rng.some(&over.columns) }
                } else {
                    let t = rng.pick(&m.tables).clone();
                    ViewModel { name, from: t.name.clone(), columns: rng.some(&t.columns) }
                };
                let out = (vec![Model::create_view(&v)], vec![format!("DROP VIEW {};", v.name)], format!("view_{}", v.name));
                m.views.push(v);
                break out;
            }
            4 if !m.views.is_empty() => {
                // Drop views and make them again with other columns; the down puts the old ones back.
                let chosen: Vec<usize> = (0..m.views.len()).filter(|_| rng.chance(60)).take(3).collect();
                if chosen.is_empty() {
                    continue;
                }
                let old: Vec<ViewModel> = chosen.iter().map(|&i| m.views[i].clone()).collect();
                let new: Vec<ViewModel> = old
                    .iter()
                    .map(|v| {
                        let cols = match m.tables.iter().find(|t| t.name == v.from) {
                            Some(t) => rng.some(&t.columns),
                            None => v.columns.clone(),
                        };
                        ViewModel { columns: cols, ..v.clone() }
                    })
                    .collect();
                let swap = |from: &[ViewModel], to: &[ViewModel], rng: &mut Rng| {
                    let mut sql: Vec<String> = from.iter().map(|v| format!("DROP VIEW {};", v.name)).collect();
                    if rng.chance(50) {
                        sql.reverse();
                    }
                    sql.extend(to.iter().map(Model::create_view));
                    sql
                };
                let up = swap(&old, &new, rng);
                let down = swap(&new, &old, rng);
                for (i, v) in chosen.iter().zip(new) {
                    m.views[*i] = v;
                }
                break (up, down, m.fresh("redefine_views_"));
            }
            5 if !m.tables.is_empty() => {
                let t = rng.pick(&m.tables).clone();
                let c = rng.pick(&t.columns).clone();
                let name = m.fresh("tr");
                m.triggers.push((name.clone(), t.name.clone(), c.clone()));
                break (vec![trigger(&name, &t.name, &c)], vec![format!("DROP TRIGGER {name};")], format!("trigger_{name}"));
            }
            6 if !m.tables.is_empty() => {
                let t = rng.pick(&m.tables).clone();
                let c = rng.pick(&t.columns).clone();
                let name = m.fresh("ix");
                m.indexes.push((name.clone(), t.name.clone(), c.clone()));
                break (vec![format!("CREATE INDEX {name} ON {}({c});", t.name)], vec![format!("DROP INDEX {name};")], format!("index_{name}"));
            }
            7 if !m.tables.is_empty() => {
                // Rename a table; SQLite rewrites the views and triggers that name it.
                let old = rng.pick(&m.tables).name.clone();
                let new = m.fresh("r");
                for t in &mut m.tables {
                    if t.name == old {
                        t.name = new.clone();
                    }
                }
                for v in &mut m.views {
                    if v.from == old {
                        v.from = new.clone();
                    }
                }
                for x in m.triggers.iter_mut().map(|t| &mut t.1).chain(m.indexes.iter_mut().map(|i| &mut i.1)) {
                    if *x == old {
                        *x = new.clone();
                    }
                }
                break (vec![format!("ALTER TABLE {old} RENAME TO {new};")], vec![format!("ALTER TABLE {new} RENAME TO {old};")], format!("rename_{old}"));
            }
            8 if !m.tables.is_empty() => {
                // The twelve-step rebuild, adding (or, in the down, removing) a CHECK.
                let t = rng.pick(&m.tables).clone();
                if m.views.iter().any(|v| v.from == t.name) {
                    continue;
                }
                let rebuild = |to: &TableModel| {
                    let tmp = TableModel { name: format!("{}_new", to.name), ..to.clone() };
                    let cols = to.columns.join(", ");
                    let mut sql = vec![
                        Model::create_table(&tmp),
                        format!("INSERT INTO {} ({cols}) SELECT {cols} FROM {};", tmp.name, to.name),
                        format!("DROP TABLE {};", to.name),
                        format!("ALTER TABLE {} RENAME TO {};", tmp.name, to.name),
                    ];
                    sql.extend(m.dependents(&to.name));
                    sql
                };
                let checked = TableModel { checked: !t.checked, ..t.clone() };
                let out = (rebuild(&checked), rebuild(&t), format!("rebuild_{}", t.name));
                m.tables.iter_mut().find(|x| x.name == t.name).unwrap().checked = checked.checked;
                break out;
            }
            _ => continue,
        }
    };
    let mut down = Some(down);
    if rng.chance(8) {
        down = None;
    } else if rng.chance(12) {
        // A down that forgets its last statement.
        down.as_mut().unwrap().pop();
    } else if rng.chance(8) && m.tables.len() > 1 {
        // A down that reaches too far: it drops a table its up did not create.
        let victim = m.table(&rng.pick(&m.tables).name.clone()).name.clone();
        down.as_mut().unwrap().push(format!("DROP TABLE IF EXISTS {victim};"));
    }
    Generated { name, up, down, up_no_tx: rng.chance(15), down_no_tx: rng.chance(15) }
}

fn generate(seed: u64) -> Vec<(String, Vec<u8>)> {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut model = Model::default();
    let n = 2 + rng.below(7);
    let mut files = Vec::new();
    for k in 1..=n {
        let g = step(&mut rng, &mut model);
        let text = |sql: &[String], no_tx: bool| {
            let head = if no_tx { "-- no-transaction\n" } else { "" };
            format!("{head}{}\n", sql.join("\n")).into_bytes()
        };
        match &g.down {
            Some(down) => {
                files.push((format!("{k}_{}.up.sql", g.name), text(&g.up, g.up_no_tx)));
                files.push((format!("{k}_{}.down.sql", g.name), text(down, g.down_no_tx)));
            }
            None => files.push((format!("{k}_{}.sql", g.name), text(&g.up, g.up_no_tx))),
        }
    }
    files
}

/// One migration's verdicts, as plainly as they can be had.
#[derive(Debug, PartialEq, Clone, Copy)]
struct Verdicts {
    up: Outcome,
    down: DownResult,
    /// The up run again on what its down left (only after a clean down: then it is
    /// the same database the staircase has).
    up_again: Option<Outcome>,
    /// After a down that left a difference: whether the up runs again on what it left.
    up_on_left: Option<Outcome>,
}

fn schema(pg: &Playground) -> migraplay::Schema {
    read_schema(pg.connection()).expect("the schema reads")
}

/// Each migration on a new database: the ups before it, its up, its down, its up again.
fn plain(set: &MigrationSet) -> Vec<Verdicts> {
    let migrations = set.migrations();
    let mut out = Vec::new();
    for (i, m) in migrations.iter().enumerate() {
        let mut pg = Playground::in_memory(set.clone()).unwrap();
        pg.set_time_budget(None);
        if i > 0 && pg.migrate(Target::Up(Some(migrations[i - 1].version))).is_err() {
            break;
        }
        let before = schema(&pg);
        if pg.migrate(Target::Next).is_err() {
            out.push(Verdicts { up: Outcome::Fail, down: DownResult::NotTested, up_again: None, up_on_left: None });
            break;
        }
        let after = schema(&pg);
        let mut v = Verdicts { up: Outcome::Pass, down: DownResult::None, up_again: None, up_on_left: None };
        if m.down.is_some() {
            v.down = match pg.migrate(Target::Last) {
                Err(_) => DownResult::Error,
                Ok(_) if diff(&before, &schema(&pg)).is_empty() => DownResult::Pass,
                Ok(_) => DownResult::Fail,
            };
            let again = pg.migrate(Target::Next);
            match v.down {
                DownResult::Pass => {
                    v.up_again = Some(match again {
                        Ok(_) if diff(&after, &schema(&pg)).is_empty() => Outcome::Pass,
                        _ => Outcome::Fail,
                    })
                }
                DownResult::Fail => v.up_on_left = Some(if again.is_ok() { Outcome::Pass } else { Outcome::Fail }),
                _ => {}
            }
        }
        out.push(v);
    }
    out
}

/// The files as text, and written to a folder of the temp dir to run again by hand.
/// The whole set applied, then reverted one migration at a time on that one
/// database, as `migraplay down` would: where it stops, as the report says it.
/// None when some up failed (then there is no "latest version" to start from).
fn plain_rollback(set: &MigrationSet) -> Option<(&'static str, Option<i64>, usize)> {
    let mut pg = Playground::in_memory(set.clone()).unwrap();
    pg.set_time_budget(None);
    pg.migrate(Target::Up(None)).ok()?;
    let empty = schema(&Playground::in_memory(set.clone()).unwrap());
    let mut reverted = 0;
    for m in set.migrations().iter().rev() {
        if m.down.is_none() {
            return Some(("irreversible", Some(m.version), reverted));
        }
        if pg.migrate(Target::Last).is_err() {
            return Some(("fails", Some(m.version), reverted));
        }
        reverted += 1;
    }
    let clean = diff(&empty, &schema(&pg)).is_empty();
    Some((if clean { "clean" } else { "reached" }, None, reverted))
}

fn describe(files: &[(String, Vec<u8>)], what: &str) -> String {
    let dir = std::env::temp_dir().join(format!("migraplay-differential-{}", what.replace(' ', "-")));
    let _ = std::fs::remove_dir_all(&dir);
    let written = std::fs::create_dir_all(&dir).is_ok() && files.iter().all(|(n, b)| std::fs::write(dir.join(n), b).is_ok());
    let place = if written { format!("(written to {})\n", dir.display()) } else { String::new() };
    place + &files.iter().map(|(n, b)| format!("--- {n}\n{}", String::from_utf8_lossy(b))).collect::<String>()
}

/// Verify's verdicts against the plain replay's, for one set; the files on failure.
fn check(files: Vec<(String, Vec<u8>)>, what: &str) {
    let set = MigrationSet::from_files(files.clone()).expect("a generated set loads");
    let report = verify_with(&set, "test", None, false, &mut |_| {}).expect("verify runs");
    let expected = plain(&set);
    for (k, want) in expected.iter().enumerate() {
        let got = &report.migrations[k];
        let mut seen = Verdicts { up: got.up, down: got.down, up_again: None, up_on_left: got.up_on_left };
        if want.up_again.is_some() {
            seen.up_again = Some(got.up_again);
        }
        assert_eq!(seen, *want, "{what}: migration {} ({}) differs from the plain replay\n{}", got.version, got.description, describe(&files, what));
    }
    if let Some(want) = plain_rollback(&set) {
        let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
        let r = &json["full_rollback"];
        let got = (r["result"].as_str().unwrap_or_default(), r["at"]["version"].as_i64(), r["reverted"].as_u64().unwrap_or(0) as usize);
        assert_eq!(got, want, "{what}: the full rollback differs from stepping down on one database\n{}", describe(&files, what));
    }
}

#[test]
fn the_staircase_agrees_with_a_plain_replay_on_generated_sets() {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let cases: u64 = std::env::var("MIGRAPLAY_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(300);
    let start: u64 = std::env::var("MIGRAPLAY_FUZZ_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(1);
    for seed in start..start + cases {
        check(generate(seed), &format!("seed {seed}"));
    }
}

/// Statements an attacker or a careless author puts in a migration: each must be
/// stopped by a budget, refused, or run, never hang or sink the run.
const HOSTILE: [&str; 10] = [
    "SELECT count(*) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c);",
    "SELECT length(printf('%.*c', 20000000, 'x'));",
    "CREATE TABLE IF NOT EXISTS hog(b); INSERT INTO hog SELECT zeroblob(1000000) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 400) SELECT x FROM c);",
    "CREATE TRIGGER IF NOT EXISTS trap BEFORE INSERT ON _sqlx_migrations BEGIN SELECT count(*) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c); END;",
    "PRAGMA foreign_keys = OFF;",
    "PRAGMA journal_mode = OFF;",
    "COMMIT;",
    "\n\x0bCOMMIT;",
    "PRAGMA ignore_check_constraints = ON;",
    "CREATE TABLE IF NOT EXISTS spin(x); CREATE TRIGGER IF NOT EXISTS spin_t AFTER INSERT ON spin BEGIN SELECT count(*) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c); END;",
];

#[test]
fn whole_sets_with_hostile_statements_finish_within_their_budgets() {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let cases: u64 = std::env::var("MIGRAPLAY_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).map_or(12, |n: u64| (n / 25).max(12));
    let start: u64 = std::env::var("MIGRAPLAY_FUZZ_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(1);
    let (script, total) = (std::time::Duration::from_millis(300), std::time::Duration::from_secs(6));
    migraplay::set_total_budget(Some(total), Some(512 << 20));
    for seed in start..start + cases {
        let mut rng = Rng(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) | 1);
        let mut files = generate(seed);
        // A hostile statement or two, in an up or a down, with or without a transaction.
        for _ in 0..1 + rng.below(2) {
            let i = rng.below(files.len());
            let bad = HOSTILE[rng.below(HOSTILE.len())];
            let text = String::from_utf8_lossy(&files[i].1).into_owned();
            let at = if rng.chance(50) { 0 } else { text.len() };
            let mut new = text.clone();
            new.insert_str(at, &format!("\n{bad}\n"));
            if at == 0 && text.starts_with("-- no-transaction") {
                new = format!("-- no-transaction\n{bad}\n{}", &text["-- no-transaction\n".len()..]);
            }
            files[i].1 = new.into_bytes();
        }
        let set = MigrationSet::from_files(files.clone()).expect("a generated set loads");
        let began = std::time::Instant::now();
        let _ = verify_with(&set, "fuzz", Some(script), true, &mut |_| {});
        let took = began.elapsed();
        assert!(took < total + std::time::Duration::from_secs(4), "seed {seed}: verify took {took:?}, past its total budget of {total:?}\n{}", describe(&files, &format!("hostile {seed}")));
    }
    migraplay::set_total_budget(Some(migraplay::DEFAULT_TOTAL_TIME), Some(migraplay::DEFAULT_TOTAL_MEMORY));
}
