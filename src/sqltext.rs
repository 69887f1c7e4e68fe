//! A small SQL tokenizer for what SQLite's pragmas do not tell: the CHECK
//! constraints inside a CREATE TABLE, and the words lint looks at. It knows
//! strings, quoted names and comments, so a `CHECK` inside them is not one.

/// One token and where it starts in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    /// What kind of token.
    pub kind: Kind,
    /// Its text, quotes included.
    pub text: &'a str,
    /// Its byte offset in the scanned text.
    pub offset: usize,
}

/// The kinds of token that matter here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A keyword or bare name.
    Word,
    /// `'a string'`.
    String,
    /// `"name"`, `` `name` `` or `[name]`.
    Quoted,
    /// Any other character: `(`, `)`, `;`, `,` and so on.
    Punct,
}

impl Token<'_> {
    /// Whether this is the keyword `word` (any case).
    pub fn is(&self, word: &str) -> bool {
        self.kind == Kind::Word && self.text.eq_ignore_ascii_case(word)
    }

    /// Whether this is the punctuation `c`.
    pub fn is_punct(&self, c: char) -> bool {
        self.kind == Kind::Punct && self.text.starts_with(c)
    }

    /// The name it spells, without quotes.
    pub fn name(&self) -> String {
        match self.kind {
            Kind::Quoted | Kind::String => {
                let open = self.text.as_bytes()[0];
                let close = if open == b'[' { b']' } else { open };
                // An unterminated quote (the file ends inside it) has no closing character to cut.
                let end = if self.text.len() >= 2 && self.text.as_bytes()[self.text.len() - 1] == close {
                    self.text.len() - 1
                } else {
                    self.text.len()
                };
                let inner = &self.text[1..end];
                match open {
                    b'"' => inner.replace("\"\"", "\""),
                    b'`' => inner.replace("``", "`"),
                    b'\'' => inner.replace("''", "'"),
                    _ => inner.to_string(),
                }
            }
            _ => self.text.to_string(),
        }
    }

    /// What the token means, for comparing definitions: keywords and names
    /// in one case, quotes around names dropped; strings and numbers as written.
    pub fn key(&self) -> String {
        match self.kind {
            Kind::Word => self.text.to_ascii_uppercase(),
            Kind::Quoted => self.name().to_ascii_uppercase(),
            Kind::String | Kind::Punct => self.text.to_string(),
        }
    }

    /// The byte offset just past the token.
    pub fn end(&self) -> usize {
        self.offset + self.text.len()
    }
}

/// `name` as an SQL identifier: in double quotes, inner quotes doubled.
pub fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Splits `sql` into tokens, dropping blanks and comments.
pub fn tokens(sql: &str) -> Vec<Token<'_>> {
    let bytes = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let b = bytes[i];
        let kind = match b {
            // Whitespace as SQLite's tokenizer reads it: a run starts at a space, tab,
            // newline, form feed or carriage return and goes on over anything
            // sqlite3Isspace calls a space, the vertical tab included (so "\n\vCOMMIT" is
            // a COMMIT to SQLite, and must be one to us; a lone leading \v is not a space).
            b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' => {
                i += 1;
                while bytes.get(i).is_some_and(|c| matches!(c, b' ' | b'\t' | b'\r' | b'\n' | b'\x0b' | b'\x0c')) {
                    i += 1;
                }
                continue;
            }
            // SQLite's tokenizer reads a byte-order mark where a token starts as a space (CC_BOM).
            0xef if bytes[i..].starts_with(&[0xef, 0xbb, 0xbf]) => {
                i += 3;
                continue;
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                i = bytes[i..].iter().position(|&c| c == b'\n').map_or(bytes.len(), |p| i + p);
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = sql[i + 2..].find("*/").map_or(bytes.len(), |p| i + 2 + p + 2);
                continue;
            }
            b'\'' | b'"' | b'`' => {
                i = end_of_quoted(bytes, i, b);
                if b == b'\'' { Kind::String } else { Kind::Quoted }
            }
            b'[' => {
                i = bytes[i..].iter().position(|&c| c == b']').map_or(bytes.len(), |p| i + p + 1);
                Kind::Quoted
            }
            c if c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80 => {
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'$' || bytes[i] >= 0x80) {
                    i += 1;
                }
                Kind::Word
            }
            _ => {
                i += sql[i..].chars().next().map_or(1, char::len_utf8);
                Kind::Punct
            }
        };
        out.push(Token { kind, text: &sql[start..i], offset: start });
    }
    out
}

/// The end (exclusive) of a quoted token opened by `quote` at `start`; a
/// doubled quote is an escaped one.
fn end_of_quoted(bytes: &[u8], start: usize, quote: u8) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        if bytes[i] == quote {
            if bytes.get(i + 1) == Some(&quote) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    bytes.len()
}

/// The index of the `)` that closes the `(` at `open`, if any.
pub fn closing_paren(tokens: &[Token<'_>], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, t) in tokens.iter().enumerate().skip(open) {
        if t.is_punct('(') {
            depth += 1;
        } else if t.is_punct(')') {
            depth -= 1;
            if depth == 0 {
                return Some(i);
            }
        }
    }
    None
}

/// A piece of SQL compared by what it means: blanks, comments, keyword case
/// and identifier quoting do not count (`"t"`, `[t]`, `` `t` `` and `T` are
/// the same name), strings and numbers do. It shows as written, blanks folded.
#[derive(Debug, Clone, Default, Eq)]
pub struct Sql {
    /// The text as written, runs of blanks folded to one space.
    pub text: String,
    /// The token keys, for comparing.
    key: String,
}

impl PartialEq for Sql {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl PartialOrd for Sql {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Sql {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key.cmp(&other.key)
    }
}

impl serde::Serialize for Sql {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl std::fmt::Display for Sql {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl Sql {
    /// The whole of `text`.
    pub fn new(text: &str) -> Sql {
        Sql::of(text, &tokens(text))
    }

    /// The tokens `toks` of `src` (a slice of one `tokens(src)`).
    pub fn of(src: &str, toks: &[Token<'_>]) -> Sql {
        let text = match (toks.first(), toks.last()) {
            (Some(a), Some(b)) => fold_blanks(&src[a.offset..b.end()]),
            _ => String::new(),
        };
        let key = toks.iter().map(Token::key).collect::<Vec<_>>().join("\u{1f}");
        Sql { text, key }
    }

    /// Whether there is nothing in it.
    pub fn is_empty(&self) -> bool {
        self.key.is_empty()
    }
}

fn fold_blanks(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Where two definitions differ, as the differing tokens of each side with a
/// little context: `WHERE b > 0` and `WHERE b >= 0`. Long sides are cut with `…`.
pub fn differing(a: &Sql, b: &Sql) -> (String, String) {
    let (ta, tb) = (tokens(&a.text), tokens(&b.text));
    let prefix = ta.iter().zip(&tb).take_while(|(x, y)| x.key() == y.key()).count();
    let rest = ta.len().min(tb.len()) - prefix;
    let suffix = ta.iter().rev().zip(tb.iter().rev()).take(rest).take_while(|(x, y)| x.key() == y.key()).count();
    const BEFORE: usize = 3;
    const AFTER: usize = 1;
    let window = |src: &str, t: &[Token<'_>]| -> String {
        let from = prefix.saturating_sub(BEFORE);
        let to = (t.len() - suffix + AFTER).min(t.len());
        if from >= to {
            return "(nothing)".to_string();
        }
        // The differing tokens, with a little context each side; a long context
        // is cut away from the difference, a long difference in its middle, so
        // where it starts and where it ends always show.
        let (start, end) = (prefix.min(t.len()), t.len() - suffix);
        let piece = |i: usize, j: usize| if i >= j { String::new() } else { fold_blanks(&src[t[i].offset..t[j - 1].end()]) };
        let spaced = |i: usize| i > 0 && i < t.len() && t[i - 1].end() < t[i].offset;
        let cut = |text: String, keep: usize, from_end: bool| -> (String, bool) {
            let n = text.chars().count();
            if n <= keep {
                (text, false)
            } else if from_end {
                (text.chars().skip(n - keep).collect::<String>().trim_start().to_string(), true)
            } else {
                (text.chars().take(keep).collect::<String>().trim_end().to_string(), true)
            }
        };
        let (before, cut_before) = cut(piece(from, start), 24, true);
        let (after, cut_after) = cut(piece(end, to), 16, false);
        let mut differs = piece(start, end);
        let n = differs.chars().count();
        if n > 60 {
            let (head, tail): (String, String) = (differs.chars().take(36).collect(), differs.chars().skip(n - 20).collect());
            differs = format!("{} … {}", head.trim_end(), tail.trim_start());
        }
        let mut text = if from > 0 || cut_before { "… ".to_string() } else { String::new() };
        text.push_str(&before);
        if !before.is_empty() && !differs.is_empty() && spaced(start) {
            text.push(' ');
        }
        text.push_str(&differs);
        if !after.is_empty() && (!differs.is_empty() || !before.is_empty()) && spaced(end) {
            text.push(' ');
        }
        text.push_str(&after);
        if to < t.len() || cut_after {
            text.push_str(" …");
        }
        text
    };
    (window(&a.text, &ta), window(&b.text, &tb))
}

/// What a CREATE TABLE statement says that SQLite's pragmas do not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableDef {
    /// Columns in order, with what only their text tells.
    pub columns: Vec<ColumnDef>,
    /// CHECK constraints, column and table level, in the order written.
    pub checks: Vec<Sql>,
    /// Foreign keys as written: their columns, target and whether initially deferred.
    pub foreign_keys: Vec<ForeignKeyDef>,
    /// `WITHOUT ROWID`.
    pub without_rowid: bool,
    /// `STRICT`.
    pub strict: bool,
    /// For a virtual table: `USING module(args)`.
    pub module: Option<Sql>,
}

/// One column of a CREATE TABLE.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnDef {
    /// Its name, unquoted.
    pub name: String,
    /// `COLLATE name`, uppercased.
    pub collation: Option<String>,
    /// `AUTOINCREMENT` on its PRIMARY KEY.
    pub autoincrement: bool,
    /// `GENERATED ALWAYS AS (expr)`: the expression.
    pub generated: Option<Sql>,
}

/// A foreign key as written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ForeignKeyDef {
    /// Its columns in this table.
    pub columns: Vec<String>,
    /// The table it references.
    pub target: String,
    /// `DEFERRABLE INITIALLY DEFERRED`.
    pub deferred: bool,
}

/// The top-level, comma-separated parts of `toks[open + 1 .. close]`.
fn parts<'t, 'a>(toks: &'t [Token<'a>], open: usize, close: usize) -> Vec<&'t [Token<'a>]> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0usize, open + 1);
    for i in open + 1..close {
        let t = &toks[i];
        if t.is_punct('(') {
            depth += 1;
        } else if t.is_punct(')') {
            depth = depth.saturating_sub(1);
        } else if t.is_punct(',') && depth == 0 {
            out.push(&toks[start..i]);
            start = i + 1;
        }
    }
    if start < close {
        out.push(&toks[start..close]);
    }
    out
}

/// The tokens inside the parentheses opening at `open` (to the end when unclosed).
fn inside<'t, 'a>(toks: &'t [Token<'a>], open: usize) -> (&'t [Token<'a>], usize) {
    let close = closing_paren(toks, open).unwrap_or(toks.len());
    (&toks[(open + 1).min(close)..close], close)
}

/// Whether the tokens say `DEFERRABLE INITIALLY DEFERRED` (not after `NOT`).
fn initially_deferred(toks: &[Token<'_>]) -> bool {
    toks.windows(3).enumerate().any(|(i, w)| {
        w[0].is("DEFERRABLE") && w[1].is("INITIALLY") && w[2].is("DEFERRED") && !(i > 0 && toks[i - 1].is("NOT"))
    })
}

/// The names in the parentheses opening at `open`.
fn names_in(toks: &[Token<'_>], open: usize) -> Vec<String> {
    let close = closing_paren(toks, open).unwrap_or(toks.len());
    parts(toks, open, close).iter().filter_map(|p| p.first().map(Token::name)).collect()
}

/// Reads what a CREATE TABLE statement says beyond the pragmas.
pub fn table_definition(sql: &str) -> TableDef {
    let toks = tokens(sql);
    let mut def = TableDef::default();
    if toks.get(1).is_some_and(|t| t.is("VIRTUAL")) {
        if let Some(using) = toks.iter().position(|t| t.is("USING")) {
            def.module = Some(Sql::of(sql, &toks[using..]));
        }
        return def;
    }
    let Some(open) = toks.iter().position(|t| t.is_punct('(')) else { return def };
    let close = closing_paren(&toks, open).unwrap_or(toks.len());
    let after = &toks[(close + 1).min(toks.len())..];
    def.without_rowid = after.windows(2).any(|w| w[0].is("WITHOUT") && w[1].is("ROWID"));
    def.strict = after.iter().any(|t| t.is("STRICT"));
    for part in parts(&toks, open, close) {
        let mut i = 0;
        if part.first().is_some_and(|t| t.is("CONSTRAINT")) {
            i = 2;
        }
        let Some(first) = part.get(i) else { continue };
        if first.is("PRIMARY") || first.is("UNIQUE") {
            continue;
        }
        if first.is("CHECK") {
            if let Some(p) = part[i..].iter().position(|t| t.is_punct('(')) {
                def.checks.push(Sql::of(sql, inside(part, i + p).0));
            }
            continue;
        }
        if first.is("FOREIGN") {
            let Some(open) = part.iter().position(|t| t.is_punct('(')) else { continue };
            let Some(r) = part.iter().position(|t| t.is("REFERENCES")) else { continue };
            def.foreign_keys.push(ForeignKeyDef {
                columns: names_in(part, open),
                target: part.get(r + 1).map(Token::name).unwrap_or_default(),
                deferred: initially_deferred(&part[r..]),
            });
            continue;
        }
        column(sql, part, &mut def);
    }
    def
}

/// One column definition: its name, then its type and constraints.
fn column(sql: &str, part: &[Token<'_>], def: &mut TableDef) {
    let mut col = ColumnDef { name: part[0].name(), ..ColumnDef::default() };
    let mut j = 1;
    while j < part.len() {
        let t = &part[j];
        if t.is("COLLATE") {
            col.collation = part.get(j + 1).map(|c| c.name().to_ascii_uppercase());
            j += 2;
            continue;
        }
        if t.is("AUTOINCREMENT") {
            col.autoincrement = true;
        } else if t.is("CHECK") || t.is("AS") {
            if let Some(p) = part[j..].iter().position(|t| t.is_punct('(')) {
                let (inner, close) = inside(part, j + p);
                let expr = Sql::of(sql, inner);
                if t.is("CHECK") {
                    def.checks.push(expr);
                } else {
                    col.generated = Some(expr);
                }
                j = close + 1;
                continue;
            }
        } else if t.is("REFERENCES") {
            def.foreign_keys.push(ForeignKeyDef {
                columns: vec![col.name.clone()],
                target: part.get(j + 1).map(Token::name).unwrap_or_default(),
                deferred: initially_deferred(&part[j..]),
            });
        } else if t.is_punct('(') {
            // A type's size or a DEFAULT expression: nothing in it is a constraint.
            j = closing_paren(part, j).unwrap_or(part.len()) + 1;
            continue;
        }
        j += 1;
    }
    def.columns.push(col);
}

/// The key expressions (one per key, `None` for a plain column) and the WHERE
/// of a CREATE INDEX statement.
pub fn index_definition(sql: &str) -> (Vec<Option<Sql>>, Option<Sql>) {
    let toks = tokens(sql);
    let Some(on) = toks.iter().position(|t| t.is("ON")) else { return (Vec::new(), None) };
    let Some(open) = toks[on..].iter().position(|t| t.is_punct('(')).map(|p| on + p) else { return (Vec::new(), None) };
    let close = closing_paren(&toks, open).unwrap_or(toks.len());
    let keys = parts(&toks, open, close)
        .into_iter()
        .map(|mut p| {
            if p.last().is_some_and(|t| t.is("ASC") || t.is("DESC")) {
                p = &p[..p.len() - 1];
            }
            if p.len() >= 2 && p[p.len() - 2].is("COLLATE") {
                p = &p[..p.len() - 2];
            }
            let plain = p.len() == 1 && matches!(p[0].kind, Kind::Word | Kind::Quoted);
            (!plain).then(|| Sql::of(sql, p))
        })
        .collect();
    let after = &toks[(close + 1).min(toks.len())..];
    let filter = after.iter().position(|t| t.is("WHERE")).map(|w| Sql::of(sql, &after[w + 1..]));
    (keys, filter)
}

/// A CREATE VIEW or CREATE TRIGGER statement from after its name: what it does,
/// whatever the `TEMP`, `IF NOT EXISTS` and quoting of the name.
pub fn body_after_name(sql: &str) -> Sql {
    let toks = tokens(sql);
    let mut i = 0;
    while toks.get(i).is_some_and(|t| ["CREATE", "TEMP", "TEMPORARY", "VIEW", "TRIGGER"].iter().any(|w| t.is(w))) {
        i += 1;
    }
    if toks.get(i).is_some_and(|t| t.is("IF")) {
        i += 3;
    }
    i += if toks.get(i + 1).is_some_and(|t| t.is_punct('.')) { 3 } else { 1 };
    Sql::of(sql, &toks[i.min(toks.len())..])
}

#[cfg(test)]
mod test {
    use super::*;

    fn checks(sql: &str) -> Vec<String> {
        table_definition(sql).checks.iter().map(|c| c.text.clone()).collect()
    }

    #[test]
    fn finds_column_and_table_checks_with_nested_parens() {
        let sql = "CREATE TABLE t (\n  a TEXT CHECK (a IN ('x', 'y)')),\n  b INT check(b >= (1 + 1)),\n  CHECK (a <> 'CHECK (no)')\n)";
        assert_eq!(checks(sql), ["a IN ('x', 'y)')", "b >= (1 + 1)", "a <> 'CHECK (no)'"]);
    }

    #[test]
    fn whitespace_is_what_sqlite_skips_before_a_statement() {
        // Every ASCII byte, alone and after a newline (and a few Unicode spaces), before a
        // statement: SQLite prepares it as that statement exactly when our first token is its word.
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let mut leads: Vec<String> = (0u8..=127).flat_map(|b| [(b as char).to_string(), format!("\n{}", b as char), format!("{}\n", b as char)]).collect();
        leads.extend(["\u{a0}", "\u{85}", "\u{2028}", "\u{feff}", "\u{3000}", "\x0b\x0b", " \x0b\x0b\t"].map(String::from));
        for lead in leads {
            let sql = format!("{lead}SELECT 1");
            // SQLite read `SELECT 1` when it prepares one column named `1`.
            let sqlite_reads_select = conn.prepare(&sql).is_ok_and(|st| st.column_count() == 1 && st.column_name(0).is_ok_and(|n| n == "1"));
            // (An empty statement, `;`, is skipped by both.)
            let ours = tokens(&sql).into_iter().find(|t| !t.is_punct(';')).is_some_and(|t| t.is("SELECT"));
            assert_eq!(ours, sqlite_reads_select, "{:?} before SELECT", lead);
        }
    }

    #[test]
    fn ignores_check_in_comments_and_names() {
        let sql = "CREATE TABLE t (\"check\" INT, -- CHECK (x)\n /* CHECK (y) */ c INT)";
        assert!(checks(sql).is_empty());
    }

    #[test]
    fn an_unterminated_quoted_name_ending_in_a_multibyte_character_is_read_whole() {
        for sql in ["CREATE TABLE \"é", "CREATE TABLE `é", "CREATE TABLE [é", "SELECT 'é"] {
            let t = tokens(sql);
            assert_eq!(t.last().unwrap().name(), "é", "{sql}");
            let _ = table_definition(sql);
            let _ = index_definition(sql);
            let _ = body_after_name(sql);
        }
    }

    #[test]
    fn reads_collations_generated_columns_foreign_keys_and_options() {
        let d = table_definition(
            "CREATE TABLE \"t\" (id INTEGER PRIMARY KEY AUTOINCREMENT, a TEXT DEFAULT ('x' COLLATE RTRIM) COLLATE nocase,
               g INT GENERATED ALWAYS AS (id * 2) STORED, p INT REFERENCES p(id) DEFERRABLE INITIALLY DEFERRED,
               q INT, CONSTRAINT fk FOREIGN KEY (q, a) REFERENCES [p] (x, y) NOT DEFERRABLE INITIALLY DEFERRED) WITHOUT ROWID, STRICT",
        );
        let cols: Vec<(&str, Option<&str>, bool)> =
            d.columns.iter().map(|c| (c.name.as_str(), c.collation.as_deref(), c.autoincrement)).collect();
        assert_eq!(cols, [("id", None, true), ("a", Some("NOCASE"), false), ("g", None, false), ("p", None, false), ("q", None, false)]);
        assert_eq!(d.columns[2].generated.as_ref().unwrap().text, "id * 2");
        assert_eq!(
            d.foreign_keys,
            [
                ForeignKeyDef { columns: vec!["p".into()], target: "p".into(), deferred: true },
                ForeignKeyDef { columns: vec!["q".into(), "a".into()], target: "p".into(), deferred: false },
            ]
        );
        assert!(d.without_rowid && d.strict);
    }

    #[test]
    fn sql_compares_tokens_not_spelling() {
        assert_eq!(Sql::new("SELECT \"a\" FROM [t] -- x\n WHERE b>0"), Sql::new("select a\n  from `T` where b > 0"));
        assert_ne!(Sql::new("WHERE b = 'x'"), Sql::new("WHERE b = 'X'"));
        assert_eq!(differing(&Sql::new("SELECT a FROM t WHERE b > 0"), &Sql::new("SELECT a FROM t WHERE b >= 0")), ("… WHERE b > 0".to_string(), "… WHERE b >= 0".to_string()));
    }

    #[test]
    fn a_long_difference_keeps_both_its_ends() {
        // A view changed in its SELECT list and, far later, in its WHERE: both show, the middle cut.
        let cols = (1..=12).map(|i| format!("column_number_{i}")).collect::<Vec<_>>().join(", ");
        let e = Sql::new(&format!("SELECT a, {cols} FROM t WHERE b > 0"));
        let a = Sql::new(&format!("SELECT z, {cols} FROM t WHERE b >= 0"));
        let (before, after) = differing(&e, &a);
        assert_eq!(before, "SELECT a, column_number_1, column_number_2, … _12 FROM t WHERE b > 0");
        assert_eq!(after, "SELECT z, column_number_1, column_number_2, … 12 FROM t WHERE b >= 0");
        // Long literals around a short difference: the context is cut, never the difference.
        let long = "a".repeat(55);
        let e = Sql::new(&format!("SELECT '{long}', c1 FROM t WHERE x = '{}'", "b".repeat(40)));
        let a = Sql::new(&format!("SELECT '{long}', d1 FROM t WHERE x = '{}'", "b".repeat(40)));
        assert_eq!(differing(&e, &a), (format!("… {}', c1 FROM …", "a".repeat(22)), format!("… {}', d1 FROM …", "a".repeat(22))));
    }

    #[test]
    fn unquotes_names() {
        let t = tokens("\"a\"\"b\" `c` [d e] f");
        let names: Vec<String> = t.iter().map(Token::name).collect();
        assert_eq!(names, ["a\"b", "c", "d e", "f"]);
    }
}
