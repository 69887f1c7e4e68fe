//! What verification finds, as typed values: a step that failed (with its
//! location), a difference a down or an up again left (with the migration
//! the object comes from), a failed integrity check, or a step that could not
//! be tested and why. The report and the page render them; nothing parses
//! their sentences back.

use serde::Serialize;

use crate::diff::{Change, Difference};
use crate::error::{Error, Location};

/// The three stages of verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// The first up.
    Up,
    /// The down, in the staircase.
    Down,
    /// The up again after the staircase.
    UpAgain,
    /// The up run again on what its leaky down left (before the staircase rebuilt).
    UpOnLeft,
}

impl Stage {
    /// The word for it: `up`, `down`, `up again`.
    pub fn word(self) -> &'static str {
        match self {
            Stage::Up => "up",
            Stage::Down => "down",
            Stage::UpAgain => "up again",
            Stage::UpOnLeft => "up again on what the down left",
        }
    }
}

/// A migration, by version and description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Named {
    /// Its version.
    pub version: i64,
    /// Its description.
    pub description: String,
}

impl std::fmt::Display for Named {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.version, self.description)
    }
}

/// The up that made an object: the migration, and the statement of its up
/// file that creates or changes the object, when one names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Made {
    /// The migration.
    #[serde(flatten)]
    pub migration: Named,
    /// The up's statement about the object.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<Location>,
}

impl std::fmt::Display for Made {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.migration)?;
        match &self.at {
            Some(at) => write!(f, ", {} line {}", at.file, at.line),
            None => Ok(()),
        }
    }
}

/// Where the object of a difference comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "by")]
pub enum Origin {
    /// The migration whose up last created it.
    Up(Made),
    /// The migration whose up last changed it.
    ChangedBy(Made),
    /// The down under test created it (it was in neither schema it is compared with).
    TheDown,
    /// The up again created it, though the first up did not.
    TheUpAgain,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Up(m) => write!(f, "created by {m}"),
            Origin::ChangedBy(m) => write!(f, "last changed by {m}"),
            Origin::TheDown => f.write_str("the down created it"),
            Origin::TheUpAgain => f.write_str("the up again created it, the first up did not"),
        }
    }
}

/// What became of a failed script's work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Undo {
    /// Rolled back whole: nothing of it stays.
    RolledBack,
    /// Marked `-- no-transaction`: statements before the failure stay.
    Kept,
    /// Refused before it ran: nothing ran.
    NothingRan,
}

/// One problem verification found with a migration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Problem {
    /// A stage's script failed.
    Failed {
        /// Which stage.
        stage: Stage,
        /// The file, statement and line, when a statement failed.
        location: Option<Location>,
        /// SQLite's (or migraplay's) message.
        message: String,
        /// What became of what the script did before it failed.
        undo: Undo,
    },
    /// The down (or up again) ran but left the schema different from what it should be.
    Differs {
        /// `down` or `up_again`.
        stage: Stage,
        /// What differs.
        difference: Difference,
        /// Where the object comes from.
        origin: Option<Origin>,
        /// The file of the stage (the down file, or the up file for the up again).
        file: String,
        /// The statement of that file that creates, drops, alters or renames the
        /// object (see `annotation::statement_about`); none when nothing in it does.
        #[serde(skip_serializing_if = "Option::is_none")]
        location: Option<Location>,
    },
    /// `integrity_check` or `foreign_key_check` found something after a stage.
    Integrity {
        /// Which stage.
        stage: Stage,
        /// What the check said.
        message: String,
    },
    /// A down with no statement at all (comments only) left the up's changes.
    EmptyDown {
        /// The down file.
        file: String,
    },
    /// The down did not bring back the rows the table had before the up
    /// (seeded rows, compared as SQLite stores them).
    Data {
        /// `down`.
        stage: Stage,
        /// The migration's version.
        version: i64,
        /// What the table lost.
        loss: crate::data::TableLoss,
        /// The down's last statement about the table, when it has one.
        #[serde(skip_serializing_if = "Option::is_none")]
        location: Option<Location>,
    },
    /// A stage could not run because an earlier one failed.
    NotTested {
        /// Which stage was not tested.
        stage: Stage,
        /// The stage that failed before it.
        after: Stage,
        /// The migration whose stage failed.
        migration: Named,
    },
}

impl Problem {
    /// A failed script, from the error it returned.
    pub fn failed(stage: Stage, e: &Error) -> Problem {
        let (location, message, undo) = match e {
            Error::Statement { location, message, .. } => (Some(location.clone()), message.clone(), Undo::RolledBack),
            Error::StatementNoTransaction { location, message, .. } => (Some(location.clone()), message.clone(), Undo::Kept),
            Error::TransactionStatement { location, message } => (Some(location.clone()), message.clone(), Undo::NothingRan),
            Error::OpenTransaction { .. } => (None, e.to_string(), Undo::Kept),
            other => (None, other.to_string(), Undo::RolledBack),
        };
        Problem::Failed { stage, location, message, undo }
    }

    /// Whether this only says something was not tested (not a defect).
    pub fn is_not_tested(&self) -> bool {
        matches!(self, Problem::NotTested { .. })
    }

    /// The stage it is about.
    pub fn stage(&self) -> Stage {
        match self {
            Problem::Failed { stage, .. }
            | Problem::Differs { stage, .. }
            | Problem::Integrity { stage, .. }
            | Problem::Data { stage, .. }
            | Problem::NotTested { stage, .. } => *stage,
            Problem::EmptyDown { .. } => Stage::Down,
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Failed { stage, location, message, undo } => {
                write!(f, "{} failed: ", stage.word())?;
                if let Some(l) = location {
                    write!(f, "{l}: ")?;
                }
                f.write_str(message)?;
                match (undo, location) {
                    (Undo::RolledBack, _) => f.write_str(" (rolled back)"),
                    (Undo::Kept, Some(_)) => f.write_str(" (it runs without migraplay's transaction: statements before it stay)"),
                    (Undo::Kept, None) => Ok(()),
                    (Undo::NothingRan, _) => f.write_str(" (refused before it ran)"),
                }
            }
            Problem::Differs { stage, difference, origin, file, location } => {
                // What the stage itself made was never "still there": it is new.
                if let (Change::StillThere, Some(Origin::TheDown | Origin::TheUpAgain)) = (&difference.change, origin) {
                    write!(f, "{}: {} is new ({})", stage.word(), difference.object(), origin.as_ref().map(Origin::to_string).unwrap_or_default())?;
                } else {
                    write!(f, "{}: {difference}", stage.word())?;
                    if let Some(o) = origin {
                        write!(f, " ({o})")?;
                    }
                }
                match location {
                    Some(l) => write!(f, "; see {} line {}", l.file, l.line),
                    None => write!(f, "; nothing in {file} touches {}", difference.subject()),
                }
            }
            Problem::EmptyDown { file } => write!(f, "down: {file} has no statement (only comments or blanks), so it reverted nothing"),
            Problem::Integrity { stage, message } => write!(f, "{}: {message}", stage.word()),
            Problem::Data { stage, version, loss, .. } => write!(f, "{} of {version} {}", stage.word(), loss.words(*stage == Stage::Down)),
            Problem::NotTested { stage, after, migration } => {
                let which = if *stage == Stage::Up { String::new() } else { format!("{} ", stage.word()) };
                write!(f, "{which}not tested: the {} of {migration} failed before it", after.word())
            }
        }
    }
}

/// Values serialized each with its words beside its fields: `{…, text}`.
pub fn serialize_with_text<T: Serialize, S: serde::Serializer>(items: &[T], text: impl Fn(&T) -> String, s: S) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Shown<'a, T> {
        #[serde(flatten)]
        value: &'a T,
        text: String,
    }
    s.collect_seq(items.iter().map(|value| Shown { value, text: text(value) }))
}

/// Problems serialized with their sentence: `{kind, …, text}`.
pub fn with_text<S: serde::Serializer>(problems: &[Problem], s: S) -> Result<S::Ok, S::Error> {
    serialize_with_text(problems, Problem::to_string, s)
}
