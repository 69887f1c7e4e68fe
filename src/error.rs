//! The one error type of migraplay. Every message is lowercase, names the file
//! or version it is about, and says what to do where there is something to do.

use std::path::PathBuf;

/// Where in a migration file a statement failed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Location {
    /// The file name, e.g. `20250115010000_create_tasks.up.sql`.
    pub file: String,
    /// The statement number in the file, 1-based, as SQLite split it.
    pub statement: usize,
    /// The line (1-based) where that statement starts.
    pub line: usize,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}, statement {} (line {})", self.file, self.statement, self.line)
    }
}

/// Everything that can go wrong in migraplay.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Two files declare the same version (and direction).
    #[error("duplicate migration version {version}: {first} and {second}; give one of them a new version")]
    DuplicateVersion { version: i64, first: String, second: String },

    /// An `.up.sql` file has no `.down.sql` partner.
    #[error("{file} has no matching down migration; add {expected}")]
    MissingDown { file: String, expected: String },

    /// A `.down.sql` file has no `.up.sql` partner.
    #[error("{file} has no matching up migration; add {expected}")]
    MissingUp { file: String, expected: String },

    /// A version is both a simple (`.sql`) and a reversible (`.up.sql`/`.down.sql`) migration.
    #[error("migration {version} is both simple ({simple}) and reversible ({reversible}); keep one form")]
    MixedKinds { version: i64, simple: String, reversible: String },

    /// A file name ends in `.sql` but is not `<version>_<description>[.up|.down].sql`.
    #[error("{file}: not a migration name; expected <version>_<description>.up.sql, .down.sql or .sql")]
    BadName { file: String },

    /// A migration file is not valid UTF-8.
    #[error("{file}: not UTF-8 text (invalid byte at offset {offset})")]
    NotUtf8 { file: String, offset: usize },

    /// A migration file could not be read from disk.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// Several files of a set are wrong; each is listed.
    #[error("{} problems in the migration set:\n{}", .0.len(), .0.iter().map(|e| format!("  {}", crate::escape::control(&e.to_string()))).collect::<Vec<_>>().join("\n"))]
    Load(Vec<Error>),

    /// Files of the set could not be loaded: the rest can be viewed and verified, not applied.
    #[error("{} of the set could not be loaded; fix {} before applying or reverting:\n{}", if .0.len() == 1 { "1 file".to_string() } else { format!("{} files", .0.len()) }, if .0.len() == 1 { "it" } else { "them" }, .0.iter().map(|e| format!("  {}", crate::escape::control(e))).collect::<Vec<_>>().join("\n"))]
    Unusable(Vec<String>),

    /// A file is larger than a migration file may be.
    #[error("{file}: too large ({size} bytes; a migration file may have at most {limit} bytes)")]
    FileTooLarge { file: String, size: usize, limit: usize },

    /// More files than a set may have, or more bytes in all.
    #[error("too many files: {what} (the limit is {limit})")]
    TooMany { what: String, limit: usize },

    /// A link's payload or a `.migraplay.json` file that does not carry a set
    /// (the message names the link or the file, and the item).
    #[error("{0}")]
    NotASet(String),

    /// A new migration's name without its leading version.
    #[error("{base}: not a migration name; start it with a version and an underscore, e.g. 20250115010700_add_tags")]
    NotAName { base: String },

    /// A version given as text that is not one.
    #[error("not a migration version: {0}")]
    NotAVersion(String),

    /// The set holds no migration at all.
    #[error("no migrations found in {0}")]
    Empty(String),

    /// A statement of a migration failed; the migration was rolled back whole.
    #[error("{location}: {message}")]
    Statement { location: Location, message: String, running: bool },

    /// A migration failed in a script that runs without migraplay's transaction
    /// (`-- no-transaction`, goose's NO TRANSACTION, dbmate's transaction:false, or
    /// a set that brings its own BEGIN/COMMIT), so what ran before the failure stays.
    #[error("{location}: {message} ({how})")]
    StatementNoTransaction { location: Location, message: String, how: String, running: bool },

    /// An applied migration's up file changed since it was applied (as sqlx reports it).
    #[error("migration {0} was previously applied but has been modified")]
    Modified(i64),

    /// `_sqlx_migrations` holds a version the set does not have (as sqlx reports it).
    #[error("migration {0} was previously applied but is missing in the resolved migrations")]
    Missing(i64),

    /// `_sqlx_migrations` holds a row with success = false (as sqlx reports it).
    #[error("migration {0} is partially applied; fix and remove row from `_sqlx_migrations` table")]
    Dirty(i64),

    /// A Prisma migration whose row is unfinished: Prisma's P3009.
    #[error("migrate found failed migrations in the target database, new migrations will not be applied: the `{0}` migration failed \
             (its row in _prisma_migrations has no finished_at); mark it rolled back (`prisma migrate resolve --rolled-back {0}`) \
             and fix it, or start from a new database")]
    PrismaFailed(String),

    /// golang-migrate's table is dirty at a version (as golang-migrate reports it).
    #[error("Dirty database version {0}. Fix and force version.")]
    DirtyVersion(i64),

    /// A database keeps one tool's bookkeeping, and the set was asked to be read as another's.
    #[error("{file} keeps {database}'s bookkeeping, but the set was asked to be read as {asked}; read it as {database}, or use another database")]
    FlavorMismatch { file: String, database: crate::Flavor, asked: crate::Flavor },

    /// A simple migration (no down file) cannot be reverted.
    #[error("migration {0} is irreversible (it has no down)")]
    Irreversible(i64),

    /// `migrate to` named a version the set does not have.
    #[error("no migration with version {0} in this set")]
    UnknownVersion(i64),

    /// An opened file is not a SQLite database.
    #[error("{file} is not a SQLite database ({message})")]
    NotADatabase { file: String, message: String },

    /// An opened database has no `_sqlx_migrations` table.
    #[error("{0} has no migration history (_sqlx_migrations, schema_migrations or goose_db_version): it was not made by sqlx, golang-migrate, goose, dbmate or migraplay, so there is nothing to compare")]
    NoHistory(String),

    /// An opened database is damaged, or its `_sqlx_migrations` is not as sqlx makes it.
    #[error("{file} cannot be opened: {message}")]
    BadDatabase { file: String, message: String },

    /// A wrapped migration starts or ends a transaction itself; refused before it ran.
    #[error("{location}: {message} (refused before it ran)")]
    TransactionStatement { location: Location, message: String },

    /// A `-- no-transaction` migration left a transaction open; it was rolled back.
    #[error("{file} leaves a transaction open ({opened} without its end); the open transaction was rolled back, and statements before it stay ({how})")]
    OpenTransaction { file: String, opened: String, how: String },

    /// A migration file holds a NUL byte, where SQLite would stop reading it.
    #[error("{file}: a NUL byte at line {line}; SQLite would silently stop reading the file there")]
    NulByte { file: String, line: usize },

    /// A single-file migration of goose or dbmate without its up section marker.
    #[error("{file} has no {} section; {flavor} would not run it", match flavor { crate::Flavor::Goose => "`-- +goose Up`", _ => "`-- migrate:up`" })]
    NoSections { file: String, flavor: crate::Flavor },

    /// A goose file goose would refuse, or split otherwise than SQLite reads it.
    #[error("{file}, {problem}")]
    Goose { file: String, problem: String },

    /// A dbmate file dbmate would refuse.
    #[error("{file}, {problem}")]
    Dbmate { file: String, problem: String },

    /// Two migrations of a folder layout (diesel) or of refinery with one version.
    #[error("duplicate migration version {version_text}: {first} and {second}; give one of them a new version")]
    DuplicateKey { version_text: String, first: String, second: String },

    /// A folder of a folder-per-migration layout (diesel, Prisma) its tool cannot read.
    #[error("{folder}/ {problem}")]
    LayoutFolder { folder: String, problem: String },

    /// A file whose name its tool (refinery) refuses.
    #[error("{file}: {problem}")]
    LayoutFile { file: String, problem: String },

    /// No flavor reads the files: what they are, and the layouts migraplay reads.
    #[error("no migrations found in {place}: {holds}. migraplay reads {layouts}")]
    UnknownLayout { place: String, holds: String, layouts: String },

    /// An up/down file in a set of a single-file tool (goose, dbmate).
    #[error("{file} is an up/down file, but the set is read as {flavor}, which keeps both sections in one file")]
    Layout { file: String, flavor: crate::Flavor },

    /// A dbmate file without its down section, which dbmate refuses.
    #[error("{file} has no `-- migrate:down` section; dbmate requires each migration to define one")]
    NoDownSection { file: String },

    /// A migration folder holds a symbolic link.
    #[error("{file} is a symbolic link; migraplay reads only regular files inside the migration folder")]
    Symlink { file: String },

    /// A command another tool has, asked of a set read as a tool without it.
    #[error("{0}")]
    NotThisTool(String),

    /// A migration tried to reach outside its sandbox (a file, another database).
    #[error("{0}")]
    Sandbox(String),

    /// Another run (migraplay or the tool) moved the history while this one waited for the write lock.
    #[error("{version} was {} by another run meanwhile; this run stops here, with nothing more done", if *.up { "applied" } else { "reverted" })]
    Concurrent { version: i64, up: bool },

    /// Another run holds the database's write lock for longer than SQLite waits.
    #[error("another run holds the database's write lock (it is migrating it too); nothing was done: try again when it is done")]
    Locked,

    /// What migraplay runs itself on a migration's database (the history row and
    /// the triggers it fires, verify's sample rows and reads) outran the budget.
    #[error("{what}: {why}")]
    Stopped { what: String, why: String },

    /// An action the light build leaves out (the wasm every page loads first, built
    /// without the cargo feature `full`): verify, review, Fill with sample rows,
    /// Compare versions. Its `ErrorValue` has the kind `not_in_build`: the page loads the full build and asks again.
    #[error("{0} is not in this build: the light build leaves it out, and the page loads the full build for it")]
    NotInThisBuild(&'static str),

    /// Any other SQLite failure (opening the database, bookkeeping, inspection).
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

impl Error {
    /// Whether rows in the database may be why it failed: a statement that
    /// failed while running (a constraint, a RAISE, malformed JSON), not one
    /// SQLite refused to read, and not a failure outside the migration's SQL.
    pub fn may_depend_on_rows(&self) -> bool {
        matches!(self, Error::Statement { running: true, .. } | Error::StatementNoTransaction { running: true, .. })
    }
}

/// migraplay's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
