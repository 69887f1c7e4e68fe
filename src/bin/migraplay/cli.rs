//! Argument parsing and printing. Every decision is the core's.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use migraplay::escape::{control, control_keep_lines};
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
    /// Seconds a whole verify (or review) may take, over all its steps (0: no limit).
    #[arg(long, global = true, default_value_t = 900.0, value_name = "SECONDS")]
    total_timeout: f64,
    /// Mebibytes of SQLite's memory a whole verify (or review) may take (0: no limit).
    #[arg(long, global = true, default_value_t = 2048, value_name = "MIB")]
    total_memory: u64,
    #[command(subcommand)]
    command: Command,
}

/// `verify`'s report formats.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// The Markdown report, for people.
    Md,
    /// The whole report as JSON.
    Json,
    /// GitHub Actions workflow commands: annotations on the PR's lines.
    Github,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// JUnit XML, for test dashboards.
    Junit,
    /// Markdown that fits a pull-request comment (at most 60,000 characters): the verdict,
    /// every failing migration's first finding at its file and line, the rest folded.
    Comment,
}

impl Format {
    /// With no `--format`: `github` inside GitHub Actions (`GITHUB_ACTIONS=true`), else
    /// `md`. yamllint's default format does the same (its docs: it "auto-detects when
    /// it's running inside of GitHub Actions"); sqlfluff asks for an explicit
    /// `--format github-annotation-native`, and squawk's action comments on the PR instead.
    fn chosen(given: Option<Format>) -> Format {
        given.unwrap_or(if std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true") { Format::Github } else { Format::Md })
    }
}

impl From<Format> for migraplay::OutputFormat {
    fn from(f: Format) -> Self {
        match f {
            Format::Md => migraplay::OutputFormat::Md,
            Format::Json => migraplay::OutputFormat::Json,
            Format::Github => migraplay::OutputFormat::Github,
            Format::Sarif => migraplay::OutputFormat::Sarif,
            Format::Junit => migraplay::OutputFormat::Junit,
            Format::Comment => migraplay::OutputFormat::Comment,
        }
    }
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
    /// golang-migrate's `force VERSION`: mark the database as at VERSION, clean (-1: none),
    /// after fixing what a failed or killed migration left; nothing runs.
    Force {
        /// The version the database is at now (-1: none).
        #[arg(allow_hyphen_values = true)]
        version: i64,
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
        /// Folder of migrations, the same as `--dir` (default: the bundled set).
        // Its own id: named `dir`, clap took it for the global `--dir` and refused that flag here.
        #[arg(id = "folder", value_name = "DIR", conflicts_with = "dir")]
        folder: Option<PathBuf>,
        /// Report format [default: github when GITHUB_ACTIONS=true, else md]. Under
        /// GitHub Actions, `--format md` (or any other) switches the annotations off;
        /// with `github` the report in the comment format is also appended to $GITHUB_STEP_SUMMARY.
        #[arg(long, value_enum)]
        format: Option<Format>,
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
    /// What a pull request changes in a migration set: BASE (the target branch's
    /// folder) against HEAD (the pull request's): added, removed, renamed,
    /// modified after merge, out of order; verify on the head; the schema change.
    ///
    /// Exit 0 when nothing is to worry about, 1 for a defect in the pull request's
    /// migrations or a change the tool refuses or loses, 2 when either set cannot be loaded.
    Review {
        /// The base set's folder (the migrations as merged).
        base: PathBuf,
        /// The head set's folder (the migrations of the pull request).
        head: PathBuf,
        /// Output format [default: github when GITHUB_ACTIONS=true, else md], as verify's.
        /// md, json and comment are the review's own; github, sarif and junit are the
        /// head's findings with the review's. With `github` the review in the comment
        /// format is also appended to $GITHUB_STEP_SUMMARY.
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// Write the review to this file instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Data checks in the head's verify (`off`: the schema only).
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
            eprintln!("error: {}", control_keep_lines(&e.to_string()));
            ExitCode::FAILURE
        }
    }
}

fn parse_flavor(name: &str) -> Result<migraplay::Flavor, String> {
    let all: Vec<&str> = migraplay::Flavor::ALL.iter().map(|f| f.name()).collect();
    migraplay::Flavor::parse(name).ok_or_else(|| format!("not a flavor: {name} ({})", all.join(", ")))
}

fn load(dir: Option<&PathBuf>, flavor: Option<migraplay::Flavor>) -> migraplay::Result<MigrationSet> {
    match dir {
        Some(dir) => MigrationSet::from_dir_as(dir, flavor),
        None => Ok(MigrationSet::bundled()),
    }
}

fn try_main(args: Args) -> Result<ExitCode, Box<dyn std::error::Error>> {
    migraplay::set_memory_budget((args.memory > 0).then(|| args.memory.saturating_mul(1024 * 1024)));
    migraplay::set_total_budget(budget(args.total_timeout).map_err(|e| e.replace("--timeout", "--total-timeout"))?, (args.total_memory > 0).then(|| args.total_memory.saturating_mul(1024 * 1024)));
    match &args.command {
        Command::Serve { port, root } => return crate::serve::serve(root, *port).map(|()| ExitCode::SUCCESS),
        Command::Review { base, head, format, out, data } => {
            return review(base, head, args.flavor, Format::chosen(*format), out.as_ref(), data == "on", budget(args.timeout)?);
        }
        Command::Verify { folder, format, out, lint, data } => {
            let checks = Checks { style_lint: lint == "style=on", data: data == "on" };
            return verify(folder.as_ref().or(args.dir.as_ref()), args.flavor, *format, out.as_ref(), checks, budget(args.timeout)?);
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
                    writeln!(out, "{}  {:<8} {}  sha384:{short}…", s.version, state, control(&s.description))?;
                } else {
                    writeln!(out, "{}  {:<8} {}", s.version, state, control(&s.description))?;
                }
            }
            // Beside what loaded, each file that could not, and a failing exit.
            if !problems.is_empty() {
                for p in &problems {
                    writeln!(out, "could not load: {}", control(p))?;
                }
                return Ok(ExitCode::from(1));
            }
        }
        Command::Up { to } => migrate(&mut pg, Target::Up(to), &mut out)?,
        Command::Down { to } => migrate(&mut pg, Target::Down(to), &mut out)?,
        Command::Force { version } => {
            pg.force(version)?;
            writeln!(out, "Forced version {version}")?;
        }
        Command::Schema { json: true } => writeln!(out, "{}", serde_json::to_string_pretty(&pg.schema()?)?)?,
        Command::Schema { json: false } => print_schema(&pg.schema()?, &mut out)?,
        Command::Serve { .. } | Command::Verify { .. } | Command::Review { .. } => unreachable!("handled above"),
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
    format: Option<Format>,
    out: Option<&PathBuf>,
    checks: Checks,
    budget: Option<Duration>,
) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let format = Format::chosen(format);
    let set = match load(dir, flavor) {
        Ok(set) => set,
        Err(e) => {
            cannot_load(&e.to_string(), format);
            return Ok(ExitCode::from(2));
        }
    };
    let ran_on = format!("native ({} {}, migraplay CLI)", std::env::consts::OS, std::env::consts::ARCH);
    let mut report = migraplay::verify_with(&set, &ran_on, budget, checks.data, &mut |_| {})?;
    report.set_style_lint(checks.style_lint);
    // File paths as given on the command line, so annotations land on the PR's files.
    let folder = dir.map(|d| d.to_string_lossy().into_owned()).unwrap_or_default();
    let text = migraplay::render(format.into(), &report, &[], &folder, &report.summary.headline);
    match out {
        Some(path) => std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?,
        None => std::io::stdout().lock().write_all(text.as_bytes())?,
    }
    if format == Format::Github {
        append_step_summary(&migraplay::render(migraplay::OutputFormat::Comment, &report, &[], &folder, &report.summary.headline));
    }
    // A closed stderr (`2>&1 | head -1`) must not turn a verdict into a panic.
    let mut err = std::io::stderr().lock();
    for p in &report.load_problems {
        let _ = writeln!(err, "FAIL could not load {}", control(p));
    }
    for m in &report.migrations {
        for p in &m.problems {
            let verdict = if p.is_not_tested() { "NOT TESTED" } else { "FAIL" };
            let _ = writeln!(err, "{verdict} {}: {}", control(&m.label()), control(&p.to_string()));
        }
    }
    Ok(if report.ok { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// Appends `markdown` to the job summary GitHub Actions shows, when
/// $GITHUB_STEP_SUMMARY names its file (GitHub expects appends: other steps write there too).
/// A summary that cannot be written is said on stderr; it does not change the verdict.
/// A set that cannot be loaded (exit 2): said on stderr, and under `github` as an
/// annotation too (no file: the whole set failed), escaped as GitHub's `escapeData`.
fn cannot_load(message: &str, format: Format) {
    eprintln!("error: {}", control_keep_lines(message));
    if format == Format::Github {
        println!("::error title=cannot load the set::{}", control_keep_lines(message).replace('%', "%25").replace('\n', "%0A"));
    }
}

fn append_step_summary(markdown: &str) {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else { return };
    let written = std::fs::OpenOptions::new().create(true).append(true).open(&path).and_then(|mut f| f.write_all(markdown.as_bytes()));
    if let Err(e) = written {
        let _ = writeln!(std::io::stderr(), "warning: could not write the step summary {}: {e}", PathBuf::from(path).display());
    }
}

fn review(
    base: &std::path::Path,
    head: &std::path::Path,
    flavor: Option<migraplay::Flavor>,
    format: Format,
    out: Option<&PathBuf>,
    data: bool,
    budget: Option<Duration>,
) -> Result<ExitCode, Box<dyn std::error::Error>> {
    let load = |dir: &std::path::Path, side: &str| MigrationSet::from_dir_as(dir, flavor).map_err(|e| format!("the {side} set cannot be loaded: {e}"));
    let (base_set, head_set) = match (load(base, "base"), load(head, "head")) {
        (Ok(b), Ok(h)) => (b, h),
        (b, h) => {
            for e in [b.err(), h.err()].into_iter().flatten() {
                cannot_load(&e, format);
            }
            return Ok(ExitCode::from(2));
        }
    };
    let ran_on = format!("native ({} {}, migraplay CLI)", std::env::consts::OS, std::env::consts::ARCH);
    let review = migraplay::review(&base_set, &head_set, &ran_on, budget, data, &mut |_| {})?;
    let folder = head.to_string_lossy();
    let text = match format {
        Format::Md => review.to_markdown(),
        Format::Json => review.to_json(),
        Format::Comment => migraplay::render_review_comment(&review, &folder),
        other => migraplay::render(other.into(), &review.report, &review.annotations(), &folder, &review.verdict.headline),
    };
    match out {
        Some(path) => std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?,
        None => std::io::stdout().lock().write_all(text.as_bytes())?,
    }
    if format == Format::Github {
        append_step_summary(&migraplay::render_review_comment(&review, &folder));
    }
    // What fails it, one line each, for the CI log (a closed stderr is no panic).
    let mut err = std::io::stderr().lock();
    for c in review.changes.iter().filter(|c| c.level() == Some(migraplay::Level::Error)) {
        let _ = writeln!(err, "FAIL {}", control(&c.to_string()));
    }
    for d in &review.verdict.defects {
        for p in &d.problems {
            let _ = writeln!(err, "FAIL {} {}: {}", d.version, control(&d.description), control(&p.to_string()));
        }
    }
    for p in &review.verdict.load_problems {
        let _ = writeln!(err, "FAIL could not load {}", control(p));
    }
    Ok(if review.ok() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn migrate(pg: &mut Playground, target: Target, out: &mut impl std::io::Write) -> Result<(), Box<dyn std::error::Error>> {
    let (done, error) = match pg.migrate(target) {
        Ok(done) => (done, None),
        Err(e) => (e.done, Some(e.error)),
    };
    for applied in &done {
        writeln!(out, "{}", control(&applied.to_string()))?;
    }
    if done.is_empty() && error.is_none() {
        writeln!(out, "Nothing to do")?;
    }
    error.map_or(Ok(()), |e| Err(e.into()))
}

fn print_schema(schema: &Schema, out: &mut impl std::io::Write) -> std::io::Result<()> {
    // Each line as written, with any control character in a name made visible.
    macro_rules! line {
        ($out:expr, $($arg:tt)*) => { writeln!($out, "{}", control(&format!($($arg)*))) };
    }
    for t in &schema.tables {
        line!(out, "table {}", t.name)?;
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
            line!(out, "  {} {} {}", c.name, c.decl_type, extra.join(", "))?;
        }
        for fk in &t.foreign_keys {
            line!(out, "  foreign key ({}) -> {} on delete {} on update {}", fk.columns.join(", "), fk.reference(), fk.on_delete, fk.on_update)?;
        }
        for check in &t.checks {
            line!(out, "  check ({check})")?;
        }
        for ix in &t.indexes {
            let kind = if ix.unique { "unique index" } else { "index" };
            let partial = if ix.partial { " (partial)" } else { "" };
            line!(out, "  {kind} {} ({}){partial}", ix.name, ix.columns.join(", "))?;
        }
        for tr in &t.triggers {
            line!(out, "  trigger {}", tr.name)?;
        }
    }
    for v in &schema.views {
        line!(out, "view {}", v.name)?;
    }
    let t = &schema.totals;
    line!(
        out,
        "totals: {} tables, {} columns, {} indexes, {} triggers, {} views, {} foreign keys, {} checks, {} defaults, {} primary keys",
        t.tables, t.columns, t.indexes, t.triggers, t.views, t.foreign_keys, t.checks, t.defaults, t.primary_keys
    )
}
