//! migraplay: apply, revert, inspect and verify sqlx migrations on SQLite,
//! natively or in the browser. This file is the table of contents.
//!
//! The core (everything but `wasm`) knows nothing of the browser and is
//! tested natively; `wasm` is a thin facade that only converts types.

mod console;
mod diagram;
mod diff;
mod engine;
mod error;
mod finding;
mod flavor;
mod history;
mod lint;
mod migration;
mod plan;
mod playground;
mod report;
mod schema;
mod script;
mod source;
mod sqltext;
mod verify;
mod watch;
#[cfg(target_arch = "wasm32")]
mod wasm;

/// The browser facade (wasm32 only): the `Playground` class JavaScript sees.
#[cfg(target_arch = "wasm32")]
pub mod wasm_api {
    pub use crate::wasm::JsPlayground as Playground;
}

pub use console::{ConsoleError, ConsoleRun};
pub use diagram::{layout, BoxRow, Diagram, Edge, TableBox};
pub use diff::{diff, Aspect, Change, Changed, Difference, Kind};
pub use finding::{Named, Origin, Problem, Stage, Undo};
pub use flavor::{Choice, Flavor, Transaction};
pub use engine::{Applied, RunError};
pub use error::{Error, Location, Result};
pub use history::AppliedRow;
pub use lint::{lint, Category, Warning};
pub use migration::{parse_file_name, Direction, FileKind, FileName, Migration, Script};
pub use plan::{MigrationStatus, State, Step, Target};
pub use playground::{check_database_size, Playground, Stepped, MAX_DATABASE_BYTES};
pub use report::{Created, DownResult, MigrationReport, Outcome, Phase, Report, Status, Summary, TableCount, Tests};
pub use script::{memory_budget, set_memory_budget, Output, Value, DEFAULT_MEMORY_BUDGET};
pub use schema::{Column, ForeignKey, Generated, Index, Key, Schema, Table, Totals, Trigger, Unique, View};
pub use sqltext::Sql;
pub use source::MigrationSet;
pub use verify::{verify, Progress};

/// The SQLite library version linked in (e.g. `3.50.2`).
pub fn sqlite_version() -> &'static str {
    rusqlite::version()
}
