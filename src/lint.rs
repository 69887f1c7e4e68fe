//! Static warnings on a migration set: each with a code, the file and the
//! line. They never fail a verification; they point at likely mistakes.

use crate::schema::Schema;
use crate::script::{self, Statement};
use crate::source::MigrationSet;
use crate::sqltext::{self, Token};

/// Whether a rule is about safety (data loss, failures, slow deletes) or style.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// A likely defect: data loss, a statement that fails on real data, a slow delete.
    Safety,
    /// A convention (the seed report's `IF [NOT] EXISTS` rule); can be turned off.
    Style,
}

/// One warning.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Warning {
    /// A stable code, e.g. `create-without-if-not-exists`.
    pub code: &'static str,
    /// Safety or style.
    pub category: Category,
    /// The file it is about.
    pub file: String,
    /// The line (1-based) of the statement it is about.
    pub line: usize,
    /// What is wrong, in words.
    pub message: String,
}

/// The DDL facts lint needs from one statement.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Ddl {
    Create { kind: String, name: String, if_not_exists: bool, table: Option<String> },
    Drop { kind: String, name: String, if_exists: bool },
    AddColumn { table: String, column: String, not_null: bool, default: bool },
    DropColumn { table: String, column: String },
}

/// A statement of a file with what it does.
struct Parsed<'a> {
    file: &'a str,
    stmt: Statement<'a>,
    ddl: Ddl,
}

const KINDS: [&str; 4] = ["TABLE", "INDEX", "TRIGGER", "VIEW"];

/// Reads a possibly schema-qualified name at `i`; returns it (lowercased) and the next index.
fn name_at(t: &[Token<'_>], i: usize) -> Option<(String, usize)> {
    let first = t.get(i)?;
    if t.get(i + 1).is_some_and(|d| d.is_punct('.')) {
        return Some((t.get(i + 2)?.name().to_lowercase(), i + 3));
    }
    Some((first.name().to_lowercase(), i + 1))
}

fn parse(stmt: &str) -> Option<Ddl> {
    let t = sqltext::tokens(stmt);
    let is = |i: usize, w: &str| t.get(i).is_some_and(|x| x.is(w));
    if is(0, "CREATE") {
        let mut i = 1;
        while ["TEMP", "TEMPORARY", "UNIQUE", "VIRTUAL"].iter().any(|w| is(i, w)) {
            i += 1;
        }
        let kind = KINDS.iter().find(|k| is(i, k))?.to_lowercase();
        i += 1;
        let if_not_exists = is(i, "IF") && is(i + 1, "NOT") && is(i + 2, "EXISTS");
        if if_not_exists {
            i += 3;
        }
        let (name, next) = name_at(&t, i)?;
        let table = if kind == "index" || kind == "trigger" {
            let on = (next..t.len()).find(|&j| is(j, "ON"))?;
            Some(name_at(&t, on + 1)?.0)
        } else {
            None
        };
        return Some(Ddl::Create { kind, name, if_not_exists, table });
    }
    if is(0, "DROP") {
        let kind = KINDS.iter().find(|k| is(1, k))?.to_lowercase();
        let if_exists = is(2, "IF") && is(3, "EXISTS");
        let (name, _) = name_at(&t, if if_exists { 4 } else { 2 })?;
        return Some(Ddl::Drop { kind, name, if_exists });
    }
    if is(0, "ALTER") && is(1, "TABLE") {
        let (table, i) = name_at(&t, 2)?;
        let col = if is(i + 1, "COLUMN") { i + 2 } else { i + 1 };
        let column = t.get(col)?.name().to_lowercase();
        if is(i, "ADD") {
            let rest = &t[col..];
            let not_null = rest.windows(2).any(|w| w[0].is("NOT") && w[1].is("NULL"));
            let default = rest.iter().any(|x| x.is("DEFAULT"));
            return Some(Ddl::AddColumn { table, column, not_null, default });
        }
        if is(i, "DROP") {
            return Some(Ddl::DropColumn { table, column });
        }
    }
    None
}

/// The category of a rule, by its code.
fn category(code: &str) -> Category {
    match code {
        "create-without-if-not-exists" | "drop-without-if-exists" => Category::Style,
        _ => Category::Safety,
    }
}

fn parsed<'a>(file: &'a str, sql: &'a str) -> Vec<Parsed<'a>> {
    script::split(sql)
        .into_iter()
        .filter_map(|stmt| parse(stmt.text).map(|ddl| Parsed { file, stmt, ddl }))
        .collect()
}

/// Lints every file of `set`. `schema` is the schema after all ups (for
/// foreign keys without an index); without it that check is skipped.
pub fn lint(set: &MigrationSet, schema: Option<&Schema>) -> Vec<Warning> {
    let mut out = Vec::new();
    let mut warn = |code, p: &Parsed<'_>, message: String| {
        out.push(Warning { code, category: category(code), file: p.file.to_string(), line: p.stmt.line, message })
    };
    let mut created: Vec<(i64, String, String, usize, String)> = Vec::new(); // version, kind, name, line, file
    for m in set.migrations() {
        let ups = parsed(&m.up.file, m.up.text());
        let downs = m.down.as_ref().map(|d| parsed(&d.file, d.text())).unwrap_or_default();
        for p in ups.iter().chain(&downs) {
            match &p.ddl {
                Ddl::Create { kind, name, if_not_exists: false, .. } => warn(
                    "create-without-if-not-exists",
                    p,
                    format!("CREATE {} {name} without IF NOT EXISTS", kind.to_uppercase()),
                ),
                Ddl::Drop { kind, name, if_exists: false } => {
                    warn("drop-without-if-exists", p, format!("DROP {} {name} without IF EXISTS", kind.to_uppercase()))
                }
                _ => {}
            }
        }
        for p in &ups {
            match &p.ddl {
                Ddl::Drop { kind, name, .. } if kind == "table" => {
                    warn("destructive-up", p, format!("DROP TABLE {name} in an up migration deletes its data"))
                }
                Ddl::DropColumn { table, column } => warn(
                    "destructive-up",
                    p,
                    format!("ALTER TABLE {table} DROP COLUMN {column} in an up migration deletes its data"),
                ),
                Ddl::AddColumn { table, column, not_null: true, default: false } => warn(
                    "add-column-not-null-without-default",
                    p,
                    format!("ALTER TABLE {table} ADD COLUMN {column} is NOT NULL without a DEFAULT: SQLite refuses it"),
                ),
                Ddl::Create { kind, name, table, .. } => {
                    if let Some((_, _, _, line, file)) =
                        created.iter().find(|(v, k, n, _, _)| *v != m.version && k == kind && n == name)
                    {
                        warn("created-twice", p, format!("{kind} {name} is also created by {file} (line {line})"));
                    }
                    created.push((m.version, kind.clone(), name.clone(), p.stmt.line, p.file.to_string()));
                    let Some(down) = &m.down else { continue };
                    let dropped = downs.iter().any(|d| match &d.ddl {
                        Ddl::Drop { kind: k, name: n, .. } => {
                            (k == kind && n == name) || (k == "table" && Some(n) == table.as_ref())
                        }
                        _ => false,
                    });
                    if !dropped {
                        warn("never-dropped", p, format!("{kind} {name} is created here but {} never drops it", down.file));
                    }
                }
                _ => {}
            }
        }
    }
    if let Some(schema) = schema {
        for t in &schema.tables {
            let pk_first = t.columns.iter().find(|c| c.primary_key == 1).map(|c| c.name.as_str());
            for fk in &t.foreign_keys {
                let first = fk.columns[0].as_str();
                let indexed = pk_first == Some(first) || t.indexes.iter().any(|ix| ix.columns.first().map(String::as_str) == Some(first));
                if indexed {
                    continue;
                }
                let at = created.iter().find(|(_, k, n, _, _)| k == "table" && *n == t.name.to_lowercase());
                let (file, line) = at.map_or((String::new(), 0), |(_, _, _, line, file)| (file.clone(), *line));
                out.push(Warning {
                    code: "fk-without-index",
                    category: Category::Safety,
                    file,
                    line,
                    message: format!(
                        "foreign key ({}) → {} on table {} has no index starting with {first}: deletes in {} scan {}",
                        fk.columns.join(", "),
                        fk.target,
                        t.name,
                        fk.target,
                        t.name
                    ),
                });
            }
        }
    }
    out.sort_by(|a, b| (&a.file, a.line, a.code).cmp(&(&b.file, b.line, b.code)));
    out
}

#[cfg(test)]
mod test {
    use super::*;

    fn set(files: &[(&str, &str)]) -> MigrationSet {
        MigrationSet::from_files(files.iter().map(|(n, t)| (n.to_string(), t.as_bytes().to_vec()))).unwrap()
    }

    fn codes(w: &[Warning]) -> Vec<(&str, &str, usize)> {
        w.iter().map(|w| (w.code, w.file.as_str(), w.line)).collect()
    }

    #[test]
    fn the_bundled_set_is_clean() {
        assert_eq!(lint(&MigrationSet::bundled(), None), []);
    }

    #[test]
    fn missing_if_exists_and_if_not_exists_are_flagged_with_their_lines() {
        let s = set(&[("1_a.up.sql", "CREATE TABLE a(x);\nCREATE INDEX IF NOT EXISTS ia ON a(x);"), ("1_a.down.sql", "\nDROP TABLE a;")]);
        let w = lint(&s, None);
        assert_eq!(codes(&w), [("drop-without-if-exists", "1_a.down.sql", 2), ("create-without-if-not-exists", "1_a.up.sql", 1)]);
        assert_eq!(w[1].message, "CREATE TABLE a without IF NOT EXISTS");
    }

    #[test]
    fn destructive_ups_and_not_null_columns_without_default() {
        let s = set(&[
            ("1_a.up.sql", "DROP TABLE IF EXISTS old;\nALTER TABLE t DROP COLUMN c;\nALTER TABLE t ADD COLUMN d INT NOT NULL;\nALTER TABLE t ADD e INT NOT NULL DEFAULT 0;"),
            ("1_a.down.sql", ""),
        ]);
        let w = lint(&s, None);
        assert_eq!(
            codes(&w),
            [("destructive-up", "1_a.up.sql", 1), ("destructive-up", "1_a.up.sql", 2), ("add-column-not-null-without-default", "1_a.up.sql", 3)]
        );
    }

    #[test]
    fn an_object_created_twice_or_never_dropped_is_named() {
        let s = set(&[
            ("1_a.up.sql", "CREATE TABLE IF NOT EXISTS t(x);\nCREATE TRIGGER IF NOT EXISTS tr AFTER INSERT ON t BEGIN SELECT 1; END;"),
            ("1_a.down.sql", "DROP TABLE IF EXISTS t;"),
            ("2_b.up.sql", "CREATE TRIGGER IF NOT EXISTS tr AFTER INSERT ON t BEGIN SELECT 1; END;\nCREATE INDEX IF NOT EXISTS idx_b ON t(x);"),
            ("2_b.down.sql", "DROP TRIGGER IF EXISTS tr;"),
        ]);
        let w = lint(&s, None);
        assert_eq!(codes(&w), [("created-twice", "2_b.up.sql", 1), ("never-dropped", "2_b.up.sql", 2)]);
        assert_eq!(w[0].message, "trigger tr is also created by 1_a.up.sql (line 2)");
        assert_eq!(w[1].message, "index idx_b is created here but 2_b.down.sql never drops it");
    }

    #[test]
    fn a_foreign_key_without_an_index_is_flagged_at_its_table() {
        let s = set(&[
            ("1_a.up.sql", "CREATE TABLE IF NOT EXISTS p(id INTEGER PRIMARY KEY);\n\nCREATE TABLE IF NOT EXISTS c(id INTEGER PRIMARY KEY, p_id INT REFERENCES p(id));"),
            ("1_a.down.sql", "DROP TABLE IF EXISTS c; DROP TABLE IF EXISTS p;"),
        ]);
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(s.migrations()[0].up.text()).unwrap();
        let schema = crate::schema::snapshot(&conn).unwrap();
        let w = lint(&s, Some(&schema));
        assert_eq!(codes(&w), [("fk-without-index", "1_a.up.sql", 3)]);
        assert_eq!(w[0].message, "foreign key (p_id) → p on table c has no index starting with p_id: deletes in p scan c");
    }
}
