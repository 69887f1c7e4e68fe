//! The SQL console: ad-hoc SQL against the playground's database, with rows
//! up to a limit and errors that point at their line and column.

use std::time::Duration;

use rusqlite::Connection;

use crate::script::{self, Output};

/// A console statement that failed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, thiserror::Error)]
#[error("statement {statement} (line {line}, column {column}): {message}")]
pub struct ConsoleError {
    /// The failing statement's number, 1-based.
    pub statement: usize,
    /// The line SQLite points at (the statement's first line when it does not say).
    pub line: usize,
    /// The column (1-based, in characters) SQLite points at.
    pub column: usize,
    /// SQLite's message.
    pub message: String,
}

/// What a console run returned: each statement's output, and the error that stopped it, if any.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ConsoleRun {
    /// The statements that ran, in order.
    pub outputs: Vec<Output>,
    /// The error that stopped the run (statements before it stay done).
    pub error: Option<ConsoleError>,
}

/// The most characters of one text value a console run hands to the page.
pub const TEXT_CHARS: usize = 10_000;
/// The most values a console run hands to the page, over all its results.
pub const TOTAL_CELLS: usize = 50_000;
/// The most bytes of text a console run hands to the page, over all its results.
pub const TOTAL_BYTES: usize = 4 << 20;

impl ConsoleRun {
    /// Cuts every text value longer than `max_chars` characters there, ending
    /// it in `…`, so a huge value never crosses to the page whole.
    pub fn cut_text(&mut self, max_chars: usize) {
        for value in self.outputs.iter_mut().flat_map(|o| o.rows.iter_mut().flatten()) {
            if let script::Value::Text(t) = value {
                if let Some((cut, _)) = t.char_indices().nth(max_chars) {
                    t.truncate(cut);
                    t.push('…');
                }
            }
        }
        // And the run as a whole: rows past TOTAL_CELLS values or TOTAL_BYTES of text
        // are dropped (each result says it was cut), so no run can stall or sink the page.
        let (mut cells, mut bytes) = (0usize, 0usize);
        for out in &mut self.outputs {
            let mut keep = 0;
            for row in &out.rows {
                let size: usize = row.iter().map(|v| if let script::Value::Text(t) = v { t.len() } else { 8 }).sum();
                if cells + row.len() > TOTAL_CELLS || bytes + size > TOTAL_BYTES {
                    break;
                }
                (cells, bytes, keep) = (cells + row.len(), bytes + size, keep + 1);
            }
            if keep < out.rows.len() {
                out.rows.truncate(keep);
                out.truncated = true;
            }
        }
    }
}

/// Runs `sql` statement by statement, as the sqlite3 shell does: each on its
/// own, keeping at most `max_rows` rows of each result.
pub fn run(conn: &Connection, sql: &str, max_rows: usize, budget: Option<Duration>) -> ConsoleRun {
    let statements = script::split(sql);
    let mut run = run_each(conn, sql, &statements, max_rows, budget);
    // A transaction the console leaves open would hold the next migration (and its
    // bookkeeping) inside it: roll it back now and say so, at its BEGIN.
    if !conn.is_autocommit() {
        let _ = conn.execute_batch("ROLLBACK");
        let (statement, at) = script::last_opener(&statements).map_or((statements.len(), 0), |i| (i + 1, statements[i].offset));
        let (line, column) = line_and_column(sql, at);
        let message = "this run left a transaction open, and it was rolled back: end it with COMMIT in the same run".to_string();
        run.error = Some(ConsoleError { statement, line, column, message });
    }
    run
}

fn run_each(conn: &Connection, sql: &str, statements: &[script::Statement<'_>], max_rows: usize, budget: Option<Duration>) -> ConsoleRun {
    // Outputs before a failure are not returned by script::run, so run the
    // statements one at a time to keep them.
    let mut outputs = Vec::new();
    for (i, stmt) in statements.iter().enumerate() {
        match script::run(conn, stmt.text, Some(max_rows), budget) {
            Ok(outs) => outputs.extend(outs.into_iter().map(|mut o| {
                o.statement = i + 1;
                o
            })),
            Err(e) => {
                let at = e.offset.map_or(stmt.offset, |o| stmt.offset + o);
                let (line, column) = line_and_column(sql, at);
                return ConsoleRun {
                    outputs,
                    error: Some(ConsoleError { statement: i + 1, line, column, message: e.message }),
                };
            }
        }
    }
    ConsoleRun { outputs, error: None }
}

/// The 1-based line and column (in characters) of a byte offset.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn a_run_hands_over_at_most_its_total_of_values_and_text() {
        let conn = Connection::open_in_memory().unwrap();
        let wide = format!("SELECT {} FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 200) SELECT x FROM c);", (0..1000).map(|i| format!("x AS c{i}")).collect::<Vec<_>>().join(", "));
        let mut r = run(&conn, &wide, 200, None);
        r.cut_text(TEXT_CHARS);
        assert_eq!((r.outputs[0].rows.len(), r.outputs[0].truncated), (50, true), "50 rows of 1,000 values");
        let big = "SELECT printf('%.*c', 10000, 'x') FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 100) SELECT x FROM c);\n".repeat(30);
        let mut r = run(&conn, &big, 200, None);
        r.cut_text(TEXT_CHARS);
        let text: usize = r.outputs.iter().flat_map(|o| o.rows.iter().flatten()).map(|v| if let script::Value::Text(t) = v { t.len() } else { 0 }).sum();
        assert!(text <= TOTAL_BYTES && r.outputs.len() == 30 && r.outputs.last().unwrap().truncated, "{text}");
    }

    #[test]
    fn a_transaction_left_open_is_rolled_back_and_named_at_its_begin() {
        let conn = Connection::open_in_memory().unwrap();
        let r = run(&conn, "CREATE TABLE kept(x);\nBEGIN;\nCREATE TABLE junk(a);", 10, None);
        let e = r.error.unwrap();
        assert_eq!((e.statement, e.line, e.column), (2, 2, 1));
        assert_eq!(e.message, "this run left a transaction open, and it was rolled back: end it with COMMIT in the same run");
        assert!(conn.is_autocommit());
        let names: Vec<String> =
            conn.prepare("SELECT name FROM sqlite_schema").unwrap().query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
        assert_eq!(names, ["kept"]);
        assert!(run(&conn, "BEGIN; CREATE TABLE t(x); COMMIT;", 10, None).error.is_none());
    }
    use crate::script::Value;

    #[test]
    fn statements_before_an_error_keep_their_output_and_the_error_has_a_position() {
        let conn = Connection::open_in_memory().unwrap();
        let run = run(&conn, "CREATE TABLE t(x);\nINSERT INTO t VALUES (1);\n  SELECT x FROM t WHERE;", 100, None);
        assert_eq!(run.outputs.len(), 2);
        assert_eq!(run.outputs[1].changes, 1);
        let e = run.error.unwrap();
        assert_eq!(e.to_string(), "statement 3 (line 3, column 24): near \";\": syntax error");
    }

    #[test]
    fn a_select_is_cut_at_the_row_limit() {
        let conn = Connection::open_in_memory().unwrap();
        let run = run(&conn, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT i FROM n", 3, None);
        let out = &run.outputs[0];
        assert_eq!(out.rows, [[Value::Integer(1)], [Value::Integer(2)], [Value::Integer(3)]]);
        assert!(out.truncated);
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        assert_eq!(line_and_column("é\nab€cd", 8), (2, 4));
    }
}
