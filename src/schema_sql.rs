//! The schema as SQL, exactly as the sqlite3 shell's `.schema` prints it: every
//! row of `sqlite_schema` that has SQL (so `sqlite_sequence`, the tool's
//! bookkeeping table and FTS5's shadow tables too, but no automatic index), in
//! rowid order, each statement followed by `;` and a newline.
//!
//! The shell's own rules, from `shell.c.in` (`.schema`, `shellAddSchemaName`,
//! `shellFakeSchema`, `printSchemaLine`), as released from 3.33 to 3.50 and
//! printed by the `sqlite3` command of those versions:
//! - a view or virtual table gets a comment with its columns on a line of its
//!   own: `CREATE VIEW v AS SELECT a FROM t` + `\n/* v(a) */`;
//! - a statement that ends inside a comment is closed first (with nothing, `*/`
//!   or a newline: the first that makes it complete);
//! - `CREATE TABLE 'x'(…)` or `CREATE TABLE "x"(…)` (a quoted name, as FTS5
//!   writes its shadow tables) is printed `CREATE TABLE IF NOT EXISTS 'x'(…)`.
//!
//! One departure, taken from the shell's newest source: a column name holding
//! `*/` is written with `**` in the comment, so the comment cannot end early.

use std::ffi::{c_int, CString};

use rusqlite::{ffi, Connection};
use serde::Serialize;

use crate::error::Result;

/// One statement of `.schema`: which object, and its text as printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Statement {
    /// `table`, `index`, `view` or `trigger` (sqlite_schema's type).
    pub kind: String,
    /// The object's name.
    pub name: String,
    /// The table it belongs to (itself for a table or view).
    pub table: String,
    /// The text as `.schema` prints it, ending in `;\n`.
    pub sql: String,
}

/// The statements of `.schema` on the main database, in its order.
pub fn statements(conn: &Connection) -> Result<Vec<Statement>> {
    let mut stmt = conn.prepare("SELECT type, name, tbl_name, sql FROM main.sqlite_schema WHERE sql IS NOT NULL ORDER BY rowid")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (kind, name, table, sql) = row?;
        let sql = printed(&with_columns(conn, &sql, &name));
        out.push(Statement { kind, name, table, sql });
    }
    Ok(out)
}

/// The whole of `.schema`: the statements one after another.
pub fn text(statements: &[Statement]) -> String {
    statements.iter().map(|s| s.sql.as_str()).collect()
}

/// `.schema` of the main database as one text.
pub fn schema_sql(conn: &Connection) -> Result<String> {
    Ok(text(&statements(conn)?))
}

/// `shellAddSchemaName` for the main database: a view's or virtual table's
/// statement with a comment naming its columns (`\n/* v(a,b) */`), when it has any.
fn with_columns(conn: &Connection, sql: &str, name: &str) -> String {
    const PREFIXES: [&str; 6] = ["TABLE", "INDEX", "UNIQUE INDEX", "VIEW", "TRIGGER", "VIRTUAL TABLE"];
    let Some(rest) = sql.strip_prefix("CREATE ") else { return sql.to_string() };
    let Some(prefix) = PREFIXES.iter().find(|p| rest.starts_with(*p) && rest.as_bytes().get(p.len()) == Some(&b' ')) else {
        return sql.to_string();
    };
    match prefix.starts_with('V').then(|| fake_schema(conn, name)).flatten() {
        Some(fake) => format!("{sql}\n/* {fake} */"),
        None => sql.to_string(),
    }
}

/// `shellFakeSchema`: `name(col1,col2)`, each quoted as the shell would; none
/// when SQLite gives no columns (a view it cannot read, say).
fn fake_schema(conn: &Connection, name: &str) -> Option<String> {
    let columns: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_info(?1, 'main')")
        .and_then(|mut stmt| stmt.query_map([name], |r| r.get::<_, Option<String>>(0))?.collect::<rusqlite::Result<Vec<_>>>())
        .ok()?
        .into_iter()
        .map(|c| quoted(&c.unwrap_or_default()))
        .collect();
    if columns.is_empty() {
        return None;
    }
    let fake = format!("{}({})", quoted(name), columns.join(","));
    Some(fake.replace("*/", "**"))
}

/// `quoteChar` and `appendText`: the name in double quotes when it is not a
/// plain ASCII identifier or is a keyword (doubling any `"` inside).
fn quoted(name: &str) -> String {
    let plain = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !is_keyword(name);
    if plain {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// Whether SQLite knows `word` as a keyword (any case).
fn is_keyword(word: &str) -> bool {
    let Ok(n) = c_int::try_from(word.len()) else { return false };
    // SAFETY: the pointer and length describe `word`'s bytes, alive for the call;
    // sqlite3_keyword_check only reads them.
    unsafe { ffi::sqlite3_keyword_check(word.as_ptr().cast(), n) != 0 }
}

/// Whether `sql` ends a complete statement (`sqlite3_complete`).
fn complete(sql: &str) -> bool {
    // A NUL cannot be in SQL that SQLite stored; if it were, the text is not complete.
    let Ok(text) = CString::new(sql) else { return false };
    // SAFETY: `text` is a NUL-terminated string alive for the call.
    unsafe { ffi::sqlite3_complete(text.as_ptr()) != 0 }
}

/// `printSchemaLine(…, ";\n")`: closes a comment the statement ends in, marks a
/// table created under a quoted name `IF NOT EXISTS`, and ends it with `;\n`.
fn printed(sql: &str) -> String {
    let mut z = sql.to_string();
    if z.contains("/*") || z.contains("--") {
        if let Some(end) = ["", "*/", "\n"].iter().find(|end| complete(&format!("{sql}{end};"))) {
            z = format!("{sql}{end}");
        }
    }
    let quoted_table = z.strip_prefix("CREATE TABLE ").filter(|rest| rest.starts_with(['\'', '"']));
    match quoted_table {
        Some(rest) => format!("CREATE TABLE IF NOT EXISTS {rest};\n"),
        None => format!("{z};\n"),
    }
}

#[cfg(test)]
mod test {
    use super::*;

    fn schema(sql: &str) -> String {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch(sql).unwrap();
        schema_sql(&c).unwrap()
    }

    #[test]
    fn statements_come_in_rowid_order_with_a_semicolon_and_a_newline() {
        let sql = schema("CREATE TABLE b(x); CREATE TABLE a(y UNIQUE); CREATE INDEX ix ON b(x);");
        assert_eq!(sql, "CREATE TABLE b(x);\nCREATE TABLE a(y UNIQUE);\nCREATE INDEX ix ON b(x);\n");
    }

    #[test]
    fn a_view_and_a_virtual_table_name_their_columns_in_a_comment() {
        let sql = schema("CREATE TABLE t(a, \"select\", [b c]); CREATE VIEW v AS SELECT * FROM t; CREATE VIRTUAL TABLE f USING fts5(body);");
        assert!(sql.contains("CREATE VIEW v AS SELECT * FROM t\n/* v(a,\"select\",\"b c\") */;\n"), "{sql}");
        assert!(sql.contains("CREATE VIRTUAL TABLE f USING fts5(body)\n/* f(body) */;\n"), "{sql}");
        assert!(sql.contains("CREATE TABLE IF NOT EXISTS 'f_data'(id INTEGER PRIMARY KEY, block BLOB);\n"), "{sql}");
    }

    #[test]
    fn a_statement_ending_in_a_comment_is_closed_before_its_semicolon() {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch("CREATE TABLE t(a); CREATE VIEW v AS SELECT a FROM t -- why\n;").unwrap();
        let sql = schema_sql(&c).unwrap();
        assert!(sql.ends_with("CREATE VIEW v AS SELECT a FROM t -- why\n/* v(a) */;\n"), "{sql}");
        assert_eq!(printed("CREATE VIEW w AS SELECT 1 -- why"), "CREATE VIEW w AS SELECT 1 -- why\n;\n");
        assert_eq!(printed("CREATE VIEW w AS SELECT 1 /* why"), "CREATE VIEW w AS SELECT 1 /* why*/;\n");
    }

    #[test]
    fn quoting_follows_the_shell() {
        assert_eq!(quoted("plain_1"), "plain_1");
        assert_eq!(quoted("order"), "\"order\"");
        assert_eq!(quoted("1st"), "\"1st\"");
        assert_eq!(quoted("a\"b"), "\"a\"\"b\"");
        assert_eq!(quoted("äpfel"), "\"äpfel\"");
    }
}
