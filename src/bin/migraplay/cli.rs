//! Argument parsing and printing. Every decision is the core's.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use migraplay::{MigrationSet, Playground, Schema, Target};

/// Apply, revert and inspect sqlx migrations on SQLite.
#[derive(Parser)]
#[command(version, about)]
struct Args {
    /// Folder of migrations (default: the set bundled into this build).
    #[arg(long, global = true)]
    dir: Option<PathBuf>,
    /// SQLite database file (default: a fresh in-memory database).
    #[arg(long, global = true)]
    db: Option<PathBuf>,
    /// Seconds one migration may run before it is stopped and rolled back (0: no limit).
    #[arg(long, global = true, default_value_t = 5.0, value_name = "SECONDS")]
    timeout: f64,
    /// Read the set as this tool's (sqlx, golang-migrate, goose, dbmate); default: as its files say.
    #[arg(long, global = true, value_name = "TOOL", value_parser = parse_flavor)]
    flavor: Option<migraplay::Flavor>,
    /// Mebibytes of memory one migration may take on top of what the database holds (0: no limit).
    #[arg(long, global = true, default_value_t = 256, value_name = "MIB")]
    memory: u64,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Md,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Show each migration: applied, pending, modified, dirty or missing.
    Status,
    /// Apply pending migrations, all of them or up to a version.
    Up {
        /// Stop after this version.
        #[arg(long)]
        to: Option<i64>,
    },
    /// Revert applied migrations, all of them or down to a version (which stays).
    Down {
        /// Keep this version and those below it.
        #[arg(long)]
        to: Option<i64>,
    },
    /// Print the schema: tables, columns, keys, checks, indexes, triggers, totals.
    Schema {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Prove the set applies, reverts and re-applies cleanly; write the report.
    ///
    /// Exit 0 when every migration passes, 1 when a defect is found, 2 when the set cannot be loaded.
    Verify {
        /// Folder of migrations (default: --dir, else the bundled set).
        dir: Option<PathBuf>,
        /// Report format.
        #[arg(long, value_enum, default_value_t = Format::Md)]
        format: Format,
        /// Write the report to this file instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Lint rules: `style=off` hides the style rules (IF [NOT] EXISTS); safety rules always run.
        #[arg(long, value_name = "style=on|off", default_value = "style=on", value_parser = ["style=on", "style=off"])]
        lint: String,
        /// Data checks: seed a few rows into every table before each up, and check
        /// they live through the up and come back after the down. `off` checks the schema only.
        #[arg(long, value_name = "on|off", default_value = "on", value_parser = ["on", "off"])]
        data: String,
    },
    /// Serve the built page (see `make dist`) on 127.0.0.1.
    Serve {
        /// Port to listen on.
        #[arg(long, default_value_t = 8080)]
        port: u16,
        /// Folder holding the built page.
        #[arg(long, default_value = "dist")]
        root: PathBuf,
    },
}

/// Runs the command; prints any error to stderr with a non-zero exit.
pub fn main() -> ExitCode {
    let args = Args::parse();
    match try_main(args) {
        Ok(code) => code,
        // The reader went away (`migraplay status | head -1`): nothing more to say to it.
        Err(e) if e.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) => {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn parse_flavor(name: &str) -> Result<migraplay::Flavor, String> {
    migraplay::Flavor::parse(name).ok_or_else(|| format!("not a flavor: {name} (sqlx, golang-migrate, goose or dbmate)"))
}

fn load(dir: Option<&PathBuf>, flavor: Option<migraplay::Flavor>) -> migraplay::Result<MigrationSet> {
    match dir {
        Some(dir) => MigrationSet::from_dir_as(dir, flavor),
        None => Ok(MigrationSet::bundled()),
    }
}

fn try_main(args: Args) -> Result<ExitCode, Box<dyn std::error::Error>> {
    migraplay::set_memory_budget((args.memory > 0).then(|| args.memory.saturating_mul(1024 * 1024)));
    match &args.command {
        Command::Serve { port, root } => return crate::serve::serve(root, *port).map(|()| ExitCode::SUCCESS),
        Command::Verify { dir, format, out, lint, data } => {
            let checks = Checks { style_lint: lint == "style=on", data: data == "on" };
            return verify(dir.as_ref().or(args.dir.as_ref()), args.flavor, *format, out.as_ref(), checks, budget(args.timeout)?);
        }
        _ => {}
    }
    let set = load(args.dir.as_ref(), args.flavor)?;
    // A refused up or down leaves no trace: not even a new, empty database file.
    if matches!(args.command, Command::Up { .. } | Command::Down { .. }) && !set.problems().is_empty() {
        return Err(migraplay::Error::Unusable(set.problems().to_vec()).into());
    }
    let mut pg = match &args.db {
        Some(path) => Playground::open(path, set)?,
        None => Playground::in_memory(set)?,
    };
    pg.set_time_budget(budget(args.timeout)?);
    let mut out = std::io::stdout().lock();
    match args.command {
        Command::Status => {
            let problems = pg.set().problems().to_vec();
            for s in pg.status()? {
                let state = format!("{:?}", s.state).to_lowercase();
                // Only sqlx keeps a checksum; a checksum written by another tool may be shorter than 16 digits.
                if pg.set().flavor().flavor == migraplay::Flavor::Sqlx {
                    let short: String = s.checksum.chars().take(16).collect();
                    writeln!(out, "{}  {:<8} {}  sha384:{short}…", s.version, state, s.description)?;
                } else {
                    writeln!(out, "{}  {:<8} {}", s.version, state, s.description)?;
                }
            }
            // Beside what loaded, each file that could not, and a failing exit.
            if !problems.is_empty() {
                for p in &problems {
                    writeln!(out, "could not load: {p}")?;
                }
                return Ok(ExitCode::from(1));
            }
        }
        Command::Up { to } => migrate(&mut pg, Target::Up(to), &mut out)?,
        Command::Down { to } => migrate(&mut pg, Target::Down(to), &mut out)?,
        Command::Schema { json: true } => writeln!(out, "{}", serde_json::to_string_pretty(&pg.schema()?)?)?,
        Command::Schema { json: false } => print_schema(&pg.schema()?, &mut out)?,
        Command::Serve { .. } | Command::Verify { .. } => unreachable!("handled above"),
    }
    Ok(ExitCode::SUCCESS)
}

/// `--timeout` as a budget: `None` for 0 (no limit).
fn budget(seconds: f64) -> Result<Option<Duration>, String> {
    if seconds == 0.0 {
        Ok(None)
    } else if seconds.is_finite() && seconds > 0.0 {
        Ok(Some(Duration::from_secs_f64(seconds)))
    } else {
        Err(format!("--timeout must be a number of seconds, 0 or more (got {seconds})"))
    }
}

/// What verify checks beyond the schema.
#[derive(Debug, Clone, Copy)]
struct Checks {
    /// The style rules' warnings are shown.
    style_lint: bool,
    /// Seeded rows are checked through every up and down.
    data: bool,
}

fn verify(
    dir: Option<&PathBuf>,
    flavor: Option<migraplay::Flavor>,
    format: Format,
    out: Option<&PathBuf>,
    checks: Checks,
    budget: Option<Duration>,
) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let set = match load(dir, flavor) {
        Ok(set) => set,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let ran_on = format!("native ({} {}, migraplay CLI)", std::env::consts::OS, std::env::consts::ARCH);
    let mut report = migraplay::verify_with(&set, &ran_on, budget, checks.data, &mut |_| {})?;
    report.set_style_lint(checks.style_lint);
    let text = match format {
        Format::Md => report.to_markdown(),
        Format::Json => report.to_json(),
    };
    match out {
        Some(path) => std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?,
        None => std::io::stdout().lock().write_all(text.as_bytes())?,
    }
    // A closed stderr (`2>&1 | head -1`) must not turn a verdict into a panic.
    let mut err = std::io::stderr().lock();
    for p in &report.load_problems {
        let _ = writeln!(err, "FAIL could not load {p}");
    }
    for m in &report.migrations {
        for p in &m.problems {
            let verdict = if p.is_not_tested() { "NOT TESTED" } else { "FAIL" };
            let _ = writeln!(err, "{verdict} {}: {p}", m.label());
        }
    }
    Ok(if report.ok { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn migrate(pg: &mut Playground, target: Target, out: &mut impl std::io::Write) -> Result<(), Box<dyn std::error::Error>> {
    let (done, error) = match pg.migrate(target) {
        Ok(done) => (done, None),
        Err(e) => (e.done, Some(e.error)),
    };
    for applied in &done {
        writeln!(out, "{applied}")?;
    }
    if done.is_empty() && error.is_none() {
        writeln!(out, "Nothing to do")?;
    }
    error.map_or(Ok(()), |e| Err(e.into()))
}

fn print_schema(schema: &Schema, out: &mut impl std::io::Write) -> std::io::Result<()> {
    for t in &schema.tables {
        writeln!(out, "table {}", t.name)?;
        for c in &t.columns {
            let mut extra = Vec::new();
            if c.primary_key > 0 {
                extra.push(format!("primary key #{}", c.primary_key));
            }
            if c.not_null {
                extra.push("not null".into());
            }
            if let Some(d) = &c.default {
                extra.push(format!("default {d}"));
            }
            writeln!(out, "  {} {} {}", c.name, c.decl_type, extra.join(", "))?;
        }
        for fk in &t.foreign_keys {
            let (from, to) = (fk.columns.join(", "), fk.target_columns.join(", "));
            writeln!(out, "  foreign key ({from}) -> {}({to}) on delete {} on update {}", fk.target, fk.on_delete, fk.on_update)?;
        }
        for check in &t.checks {
            writeln!(out, "  check ({check})")?;
        }
        for ix in &t.indexes {
            let kind = if ix.unique { "unique index" } else { "index" };
            let partial = if ix.partial { " (partial)" } else { "" };
            writeln!(out, "  {kind} {} ({}){partial}", ix.name, ix.columns.join(", "))?;
        }
        for tr in &t.triggers {
            writeln!(out, "  trigger {}", tr.name)?;
        }
    }
    for v in &schema.views {
        writeln!(out, "view {}", v.name)?;
    }
    let t = &schema.totals;
    writeln!(
        out,
        "totals: {} tables, {} columns, {} indexes, {} triggers, {} views, {} foreign keys, {} checks, {} defaults, {} primary keys",
        t.tables, t.columns, t.indexes, t.triggers, t.views, t.foreign_keys, t.checks, t.defaults, t.primary_keys
    )
}
