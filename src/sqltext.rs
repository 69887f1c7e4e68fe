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
            Kind::Quoted => {
                let inner = &self.text[1..self.text.len().saturating_sub(1).max(1)];
                match self.text.as_bytes()[0] {
                    b'"' => inner.replace("\"\"", "\""),
                    b'`' => inner.replace("``", "`"),
                    _ => inner.to_string(),
                }
            }
            _ => self.text.to_string(),
        }
    }
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
            b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' => {
                i += 1;
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

/// The expressions of every CHECK constraint in a CREATE TABLE statement,
/// with runs of blanks folded to one space.
pub fn check_constraints(create_table: &str) -> Vec<String> {
    let toks = tokens(create_table);
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < toks.len() {
        if toks[i].is("CHECK") && toks[i + 1].is_punct('(') {
            if let Some(close) = closing_paren(&toks, i + 1) {
                let text = &create_table[toks[i + 1].offset + 1..toks[close].offset];
                out.push(text.split_whitespace().collect::<Vec<_>>().join(" "));
                i = close;
            }
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn finds_column_and_table_checks_with_nested_parens() {
        let sql = "CREATE TABLE t (\n  a TEXT CHECK (a IN ('x', 'y)')),\n  b INT check(b >= (1 + 1)),\n  CHECK (a <> 'CHECK (no)')\n)";
        assert_eq!(check_constraints(sql), ["a IN ('x', 'y)')", "b >= (1 + 1)", "a <> 'CHECK (no)'"]);
    }

    #[test]
    fn ignores_check_in_comments_and_names() {
        let sql = "CREATE TABLE t (\"check\" INT, -- CHECK (x)\n /* CHECK (y) */ c INT)";
        assert!(check_constraints(sql).is_empty());
    }

    #[test]
    fn unquotes_names() {
        let t = tokens("\"a\"\"b\" `c` [d e] f");
        let names: Vec<String> = t.iter().map(Token::name).collect();
        assert_eq!(names, ["a\"b", "c", "d e", "f"]);
    }
}
