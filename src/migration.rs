//! One migration: its version, description and scripts, and how sqlx names its files.

use sha2::{Digest, Sha384};

use crate::flavor::Transaction;

/// Which way a migration runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Apply: run the up (or simple) script.
    Up,
    /// Revert: run the down script.
    Down,
}

impl Direction {
    /// The word sqlx-cli prints in its log: `migrate` or `revert`.
    pub fn verb(self) -> &'static str {
        match self {
            Direction::Up => "migrate",
            Direction::Down => "revert",
        }
    }
}

/// What a file name says a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `<version>_<description>.sql`: applied, never reverted.
    Simple,
    /// `<version>_<description>.up.sql`.
    Up,
    /// `<version>_<description>.down.sql`.
    Down,
}

/// A parsed sqlx migration file name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileName {
    /// The leading number.
    pub version: i64,
    /// The rest of the name, `_` read as spaces, as sqlx stores it.
    pub description: String,
    /// Simple, up or down.
    pub kind: FileKind,
}

/// Parses a sqlx migration file name. `None` for files that are not `.sql`
/// (they are ignored, as sqlx ignores them); `Some(Err(()))` for a `.sql`
/// file whose name does not parse.
pub fn parse_file_name(name: &str) -> Option<Result<FileName, ()>> {
    let stem = name.strip_suffix(".sql")?;
    let (stem, kind) = if let Some(s) = stem.strip_suffix(".up") {
        (s, FileKind::Up)
    } else if let Some(s) = stem.strip_suffix(".down") {
        (s, FileKind::Down)
    } else {
        (stem, FileKind::Simple)
    };
    let parsed = stem.split_once('_').and_then(|(version, description)| {
        let digits_only = !version.is_empty() && version.bytes().all(|b| b.is_ascii_digit());
        let version = version.parse::<i64>().ok().filter(|_| digits_only)?;
        (!description.is_empty()).then(|| FileName {
            version,
            description: description.replace('_', " "),
            kind,
        })
    });
    Some(parsed.ok_or(()))
}

/// One SQL script of a migration: a file, or a section of one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    /// The file name (without folders).
    pub file: String,
    /// The text, exactly as in the file (a byte-order mark included); for a
    /// section of a file, preceded by blank lines so its line numbers are the file's.
    pub sql: String,
    /// How its statements are grouped into transactions.
    pub transaction: Transaction,
}

impl Script {
    /// A whole file read as sqlx reads it: wrapped in a transaction unless its
    /// first line starts with `-- no-transaction`.
    pub fn new(file: String, sql: String) -> Self {
        let off = sql.strip_prefix('\u{feff}').unwrap_or(&sql).starts_with("-- no-transaction");
        Script { file, sql, transaction: if off { Transaction::Off } else { Transaction::Wrapped } }
    }

    /// A whole file in a transaction of its own, with no directive read from it
    /// (the layout's tool decides otherwise, see `layout.rs`).
    pub fn plain(file: String, sql: String) -> Self {
        Script { file, sql, transaction: Transaction::Wrapped }
    }

    /// Whether the file opts out of the wrapping transaction.
    pub fn no_transaction(&self) -> bool {
        self.transaction == Transaction::Off
    }

    /// The text SQLite runs: the file without a byte-order mark.
    pub fn text(&self) -> &str {
        self.sql.strip_prefix('\u{feff}').unwrap_or(&self.sql)
    }
}

/// A migration: an up script and, when reversible, a down script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    /// The version, the number that orders migrations.
    pub version: i64,
    /// The description, as sqlx stores it in `_sqlx_migrations`.
    pub description: String,
    /// The up (or simple) script.
    pub up: Script,
    /// The down script; `None` for a simple migration.
    pub down: Option<Script>,
    /// SHA-384 of the up file's bytes, as sqlx computes it.
    pub checksum: Vec<u8>,
    /// The files it was read from, as (name, text): two for an up/down pair,
    /// one for a single-file flavor (goose, dbmate).
    pub sources: Vec<(String, String)>,
    /// What its tool records for it, when that is not the version as a number:
    /// diesel's version string (`00000000000000`, `202405061234560000`), Prisma's
    /// folder name; `None` for the other tools.
    pub recorded_as: Option<String>,
}

impl Migration {
    /// Builds a migration and computes its checksum.
    pub fn new(version: i64, description: String, up: Script, down: Option<Script>) -> Self {
        let checksum = Sha384::digest(up.sql.as_bytes()).to_vec();
        let sources = std::iter::once(&up).chain(&down).map(|s| (s.file.clone(), s.sql.clone())).collect();
        Migration { version, description, up, down, checksum, sources, recorded_as: None }
    }

    /// A migration of one file holding both sections (goose, dbmate); its checksum is the file's.
    pub fn single(version: i64, description: String, file: String, text: String, up: Script, down: Option<Script>) -> Self {
        let checksum = Sha384::digest(text.as_bytes()).to_vec();
        Migration { version, description, up, down, checksum, sources: vec![(file, text)], recorded_as: None }
    }

    /// The same migration, recorded by its tool as `key` (see `recorded_as`).
    pub fn recorded_as(mut self, key: String) -> Self {
        self.recorded_as = Some(key);
        self
    }

    /// What its tool records for it: `recorded_as`, else the version.
    pub fn key(&self) -> String {
        self.recorded_as.clone().unwrap_or_else(|| self.version.to_string())
    }

    /// The script that runs in a direction, if there is one.
    pub fn script(&self, direction: Direction) -> Option<&Script> {
        match direction {
            Direction::Up => Some(&self.up),
            Direction::Down => self.down.as_ref(),
        }
    }

    /// The checksum as lowercase hex.
    pub fn checksum_hex(&self) -> String {
        hex::encode(&self.checksum)
    }
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn reads_an_up_name_with_underscores_as_spaces() {
        let name = parse_file_name("20250115010200_create_workflow_tasks.up.sql").unwrap().unwrap();
        assert_eq!(name.version, 20250115010200);
        assert_eq!(name.description, "create workflow tasks");
        assert_eq!(name.kind, FileKind::Up);
    }

    #[test]
    fn reads_down_and_simple_names() {
        assert_eq!(parse_file_name("1_a.down.sql").unwrap().unwrap().kind, FileKind::Down);
        assert_eq!(parse_file_name("1_a.sql").unwrap().unwrap().kind, FileKind::Simple);
    }

    #[test]
    fn ignores_files_that_are_not_sql() {
        assert_eq!(parse_file_name("README.md"), None);
        assert_eq!(parse_file_name(".DS_Store"), None);
    }

    #[test]
    fn rejects_sql_names_without_a_version_or_description() {
        for bad in ["create.sql", "12.up.sql", "_x.sql", "12_.up.sql", "v1_x.sql", "-1_x.sql", "99999999999999999999_x.sql"] {
            assert_eq!(parse_file_name(bad), Some(Err(())), "{bad}");
        }
    }

    #[test]
    fn checksum_is_sha384_of_the_up_bytes() {
        let m = Migration::new(1, "a".into(), Script::new("1_a.up.sql".into(), "".into()), None);
        assert_eq!(
            m.checksum_hex(),
            "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b"
        );
    }

    #[test]
    fn no_transaction_is_read_from_the_first_line_even_after_a_bom() {
        let s = Script::new("f".into(), "\u{feff}-- no-transaction\nVACUUM;".into());
        assert!(s.no_transaction());
        assert_eq!(s.text(), "-- no-transaction\nVACUUM;");
    }
}
