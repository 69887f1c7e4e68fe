//! migraplay: apply, revert, inspect and verify sqlx migrations on SQLite,
//! natively or in the browser. This file is the table of contents.
//!
//! The core (everything but `wasm`) knows nothing of the browser and is
//! tested natively; `wasm` is a thin facade that only converts types.

// Annotations are typed values on every target; their renderers (GitHub, SARIF,
// JUnit) and the crates they use are native-only, so the page's wasm does not grow.
// The modules under `feature = "full"` (on by default) are what the light build
// (the one every page loads first: apply, revert, inspect, the diagram, the
// schema, the console, edit, load, export and import, share) leaves out: verify
// with its data checks, lint and report, review, annotations, Fill with sample
// rows (seed) and Compare versions. The page loads the full build when one is asked for.
#[cfg(feature = "full")]
mod annotation;
#[cfg(all(feature = "full", not(target_arch = "wasm32")))]
mod comment;
#[cfg(feature = "full")]
mod compare;
mod console;
mod data;
mod diagram;
mod diff;
mod engine;
pub mod escape;
mod error;
#[cfg(feature = "full")]
mod finding;
mod flavor;
mod history;
mod layout;
#[cfg(feature = "full")]
mod lint;
mod migration;
mod plan;
mod playground;
#[cfg(feature = "full")]
mod report;
#[cfg(feature = "full")]
mod review;
mod schema;
mod schema_sql;
#[cfg(feature = "full")]
mod seed;
mod script;
mod session;
mod source;
mod sqltext;
#[cfg(feature = "full")]
mod verify;
mod view;
mod watch;
#[cfg(target_arch = "wasm32")]
mod wasm;

/// The browser facade (wasm32 only): the `Session` class JavaScript sees.
#[cfg(target_arch = "wasm32")]
pub mod wasm_api {
    pub use crate::wasm::JsSession as Session;
}

#[cfg(all(feature = "full", not(target_arch = "wasm32")))]
pub use annotation::render;
#[cfg(all(feature = "full", not(target_arch = "wasm32")))]
pub use comment::{render as render_comment, render_review as render_review_comment, LIMIT as COMMENT_LIMIT};
#[cfg(feature = "full")]
pub use annotation::{from_report, Annotation, Level, OutputFormat};
#[cfg(feature = "full")]
pub use compare::{compare, CompareError, Comparison, ObjectSql, Renamed, SqlLine};
pub use console::{ConsoleError, ConsoleRun, TEXT_CHARS as CONSOLE_TEXT_CHARS};
pub use diagram::{layout, BoxRow, Diagram, Edge, TableBox};
pub use diff::{diff, Aspect, Change, Changed, Difference, Effect, Kind};
#[cfg(feature = "full")]
pub use finding::{Named, Origin, Problem, Stage, Undo};
pub use flavor::{Choice, Flavor, Transaction};
pub use engine::{Applied, RunError};
pub use error::{Error, Location, Result};
pub use history::AppliedRow;
#[cfg(feature = "full")]
pub use lint::{lint, Category, Warning};
pub use migration::{parse_file_name, Direction, FileKind, FileName, Migration, Script};
pub use plan::{MigrationStatus, State, Step, Target};
pub use playground::{check_database_size, Playground, Stamp, Stepped, MAX_DATABASE_BYTES};
#[cfg(feature = "full")]
pub use data::{Loss, TableLoss};
#[cfg(feature = "full")]
pub use report::{Created, DataReport, DataWarning, DownResult, MigrationReport, Outcome, Phase, Report, Status, Summary, TableCount, Tests};
pub use script::{memory_budget, set_memory_budget, Output, Value, DEFAULT_MEMORY_BUDGET};
#[cfg(feature = "full")]
pub use seed::{seed, NotSeeded, Seeded};
#[cfg(feature = "full")]
pub use review::{review, Defect, Review, SchemaChange, SetChange, Side, ToolDoes, Verdict};
pub use schema::{snapshot as read_schema, Column, ForeignKey, Generated, Index, Key, Schema, Table, Totals, Trigger, Unique, View};
pub use schema_sql::{schema_sql, statements as schema_statements, Statement as SchemaStatement};
pub use sqltext::Sql;
pub use session::{Content, ErrorKind, ErrorValue, Item, LoadKind, LogLine, Outcome as SessionOutcome, Saved, Session, Source, SourceKind};
#[cfg(feature = "full")]
pub use session::{Reviewed, Verified};
pub use source::{input_kind, InputKind, MigrationSet};
#[cfg(feature = "full")]
pub use verify::{set_total_budget, verify, verify_with, Progress, DEFAULT_TOTAL_MEMORY, DEFAULT_TOTAL_TIME, SEED_ROWS};
pub use view::{Able, Actions, DriftLine, LastStep, Limits, Row, SetFile, SourceView, TargetOption, View as SessionView};

/// The SQLite library version linked in (e.g. `3.50.2`).
pub fn sqlite_version() -> &'static str {
    rusqlite::version()
}
