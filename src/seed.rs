//! Synthetic rows, so verify can check that data survives each migration's up
//! and comes back after its down. Every user table is topped up to a few rows
//! that satisfy its schema: types (and STRICT), NOT NULL, UNIQUE and keys,
//! CHECKs (from the constants they mention), foreign keys (parents first, real
//! parent rows), defaults (an explicit, different value where one fits).
//!
//! SQLite is the judge: each row is a search over candidate values, one
//! `INSERT` per try, and the first it accepts stays. A failed `INSERT` changes
//! nothing, so a try costs only its time. Same database, same seed: same rows.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::types::Value;
use rusqlite::{Connection, ErrorCode};

use crate::error::Result;
use crate::schema::{Column, ForeignKey, Schema, Table};
use crate::sqltext::{self, quote, Kind, Sql, Token};

/// What a seeding did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Seeded {
    /// Rows added, per table (tables that got none are absent), in the order filled.
    pub rows: Vec<(String, usize)>,
    /// Tables that could not be filled, each with the reason.
    pub not_seeded: Vec<NotSeeded>,
}

/// A table no row could be added to, and why, in SQLite's terms:
/// `CHECK (x = 1 AND x = 2)`, `NOT NULL constraint failed: t.c`, …
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct NotSeeded {
    /// The table.
    pub table: String,
    /// Why not (the caller renders `could not seed <table>: <reason>`).
    pub reason: String,
}

/// Tries per row before giving up on a table.
const TRIES: usize = 200;

/// Parent rows a child's foreign key may point at (enough to vary, few to read).
const PARENT_ROWS: usize = 64;

/// Tops every user table of `schema` (the schema `conn` has now) up to `per_table`
/// rows, deterministically from `seed` (same database, same seed: same rows).
///
/// Skipped: virtual tables and their shadow tables, `sqlite_` tables and every
/// tool's bookkeeping table. A table that accepts some rows but not all keeps
/// those it accepted and is not reported.
pub fn seed(conn: &Connection, schema: &Schema, per_table: usize, seed: u64) -> Result<Seeded> {
    let mut out = Seeded::default();
    if per_table == 0 {
        return Ok(out);
    }
    let tables = crate::data::tables(conn, schema)?;
    let counts = counts(conn, &tables, per_table)?;
    let needy: Vec<&Table> = tables.iter().zip(&counts).filter(|(_, &c)| c < per_table).map(|(t, _)| *t).collect();
    if needy.is_empty() {
        return Ok(out);
    }
    let count_of: BTreeMap<String, usize> = tables.iter().zip(&counts).map(|(t, &c)| (t.name.to_ascii_lowercase(), c)).collect();
    let mut rng = Rng(seed);
    let mut failed: BTreeSet<String> = BTreeSet::new();
    for table in order(&needy) {
        let have = count_of.get(&table.name.to_ascii_lowercase()).copied().unwrap_or(0);
        // Each table draws from its own stream: whether an earlier table needed
        // more tries does not change this one's rows.
        let mut table_rng = Rng(rng.next() ^ hash(&table.name));
        match fill(conn, schema, table, have, per_table - have, &mut table_rng, &failed)? {
            Ok(0) => {}
            Ok(n) => out.rows.push((table.name.clone(), n)),
            Err(reason) => {
                failed.insert(table.name.to_ascii_lowercase());
                out.not_seeded.push(NotSeeded { table: table.name.clone(), reason });
            }
        }
    }
    Ok(out)
}

/// splitmix64: tiny, fast, and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }
}

/// FNV-1a of a name (lowercase), to give each table its own stream.
fn hash(name: &str) -> u64 {
    name.to_ascii_lowercase().bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}

/// How many rows each table has, counting no further than `cap`: one
/// statement per 400 tables (SQLite allows 500 terms in a compound SELECT),
/// the same text while the schema is, so it stays prepared between calls.
fn counts(conn: &Connection, tables: &[&Table], cap: usize) -> Result<Vec<usize>> {
    let mut out = Vec::with_capacity(tables.len());
    for chunk in tables.chunks(400) {
        let sql = chunk
            .iter()
            .map(|t| format!("SELECT count(*) FROM (SELECT 1 FROM {} LIMIT {cap})", quote(&t.name)))
            .collect::<Vec<_>>()
            .join(" UNION ALL ");
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([], |r| r.get::<_, i64>(0))?;
        for n in rows {
            out.push(usize::try_from(n?).unwrap_or(0));
        }
    }
    Ok(out)
}

/// Parents before children (schema order among equals). In a cycle, a table
/// whose pending references may all be NULL goes first, so the others can
/// point at it.
fn order<'s>(tables: &[&'s Table]) -> Vec<&'s Table> {
    let index = |name: &str| tables.iter().position(|t| t.name.eq_ignore_ascii_case(name));
    // For each table, its pending parents: (parent index, whether the reference may be NULL).
    let parents: Vec<Vec<(usize, bool)>> = tables
        .iter()
        .enumerate()
        .map(|(i, t)| {
            t.foreign_keys
                .iter()
                .filter_map(|fk| index(&fk.target).filter(|&p| p != i).map(|p| (p, nullable_fk(t, fk))))
                .collect()
        })
        .collect();
    let mut done = vec![false; tables.len()];
    let mut out = Vec::with_capacity(tables.len());
    while out.len() < tables.len() {
        let pending = |i: usize, done: &[bool]| parents[i].iter().filter(|(p, _)| !done[*p]).collect::<Vec<_>>();
        let ready = (0..tables.len()).find(|&i| !done[i] && pending(i, &done).is_empty());
        let next = ready
            .or_else(|| (0..tables.len()).find(|&i| !done[i] && pending(i, &done).iter().all(|(_, null)| *null)))
            .or_else(|| (0..tables.len()).find(|&i| !done[i]));
        let Some(i) = next else { break };
        done[i] = true;
        out.push(tables[i]);
    }
    out
}

/// Whether a foreign key can be left unenforced with NULL (one NULL column is
/// enough under SQLite's default MATCH SIMPLE).
fn nullable_fk(table: &Table, fk: &ForeignKey) -> bool {
    fk.columns.iter().any(|c| column(table, c).is_some_and(|col| can_be_null(table, col)))
}

/// Whether a column stores NULL: not NOT NULL, not a WITHOUT ROWID key, not the
/// rowid (where NULL means "pick an id").
fn can_be_null(table: &Table, col: &Column) -> bool {
    let key_without_rowid = table.without_rowid && col.primary_key > 0;
    !col.not_null && !key_without_rowid && rowid_alias(table).is_none_or(|a| a.name != col.name)
}

fn column<'t>(table: &'t Table, name: &str) -> Option<&'t Column> {
    table.columns.iter().find(|c| c.name.eq_ignore_ascii_case(name))
}

/// One way to make a value for a column; `instantiate` turns it into a value
/// for a given row number and salt (0 on the first try of a row).
#[derive(Debug, Clone, PartialEq)]
enum Cand {
    /// The next id of a rowid table (explicit, so a self reference can name it).
    Seq,
    Int,
    Real,
    Text,
    /// Text of exactly this many characters (from `length(col) …` checks).
    TextLen(usize),
    Blob,
    /// Valid JSON, of several shapes.
    Json(u8),
    Date,
    DateTime,
    Email,
    Const(Value),
    /// A LIKE or GLOB pattern, its wildcards filled in.
    Pattern(String),
    Null,
}

/// How a column gets its value on one try.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Pick {
    /// Candidate number, with a salt that varies the value.
    Cand(usize, u64),
    /// Left out of the INSERT: the column's DEFAULT applies.
    Default,
}

/// An insertable column and its candidates.
struct Plan<'t> {
    col: &'t Column,
    cands: Vec<Cand>,
    /// The DEFAULT as a value, when it is a literal.
    default: Option<Value>,
    /// The foreign key group it belongs to, if any.
    group: Option<usize>,
}

/// Where a foreign key's columns take their values from on one try.
#[derive(Debug, Clone, PartialEq)]
enum Source {
    /// A parent row's key.
    Tuple(Vec<Value>),
    /// NULL in the nullable columns (the reference is not checked).
    Null,
    /// The row's own key (a self reference's first row).
    Own,
}

struct Group {
    /// Plan indexes of its columns, in the key's order.
    cols: Vec<usize>,
    /// The referenced columns (the parent's primary key when not written).
    target_cols: Vec<String>,
    self_ref: bool,
    sources: Vec<Source>,
}

/// Adds up to `need` rows to `table` (which has `have`). `Ok(Err(reason))` when
/// not even one row could be added.
fn fill(
    conn: &Connection,
    schema: &Schema,
    table: &Table,
    have: usize,
    need: usize,
    rng: &mut Rng,
    failed: &BTreeSet<String>,
) -> Result<std::result::Result<usize, String>> {
    let rowid_alias = rowid_alias(table);
    let mut plans: Vec<Plan<'_>> = table
        .columns
        .iter()
        .filter(|c| c.generated.is_none())
        .map(|c| Plan {
            cands: candidates(table, c, rowid_alias.is_some_and(|a| a.name == c.name)),
            default: c.default.as_ref().and_then(literal),
            col: c,
            group: None,
        })
        .collect();
    let find = |plans: &[Plan<'_>], name: &str| plans.iter().position(|p| p.col.name.eq_ignore_ascii_case(name));
    let mut groups: Vec<Group> = Vec::new();
    for fk in &table.foreign_keys {
        let cols: Option<Vec<usize>> = fk.columns.iter().map(|c| find(&plans, c)).collect();
        let Some(cols) = cols else { continue };
        if cols.iter().any(|&c| plans[c].group.is_some()) {
            continue;
        }
        let parent = schema.tables.iter().find(|t| t.name.eq_ignore_ascii_case(&fk.target));
        let target_cols = target_columns(fk, parent.map(|p| &**p));
        let g = groups.len();
        for &c in &cols {
            plans[c].group = Some(g);
        }
        let self_ref = fk.target.eq_ignore_ascii_case(&table.name);
        let mut sources: Vec<Source> = match (parent, self_ref) {
            (Some(_), false) => parent_rows(conn, &fk.target, &target_cols)?.into_iter().map(Source::Tuple).collect(),
            _ => Vec::new(),
        };
        if nullable_fk(table, fk) {
            sources.push(Source::Null);
        }
        if self_ref {
            sources.push(Source::Own);
        }
        if sources.is_empty() {
            let why = if failed.contains(&fk.target.to_ascii_lowercase()) { "could not be seeded" } else { "has no rows" };
            return Ok(Err(format!("{}: {} {why}", fk_text(fk), fk.target)));
        }
        groups.push(Group { cols, target_cols, self_ref, sources });
    }
    let mut next_id = match rowid_alias {
        Some(_) => conn.query_row(&format!("SELECT coalesce(max(rowid), 0) + 1 FROM {}", quote(&table.name)), [], |r| r.get::<_, i64>(0))?,
        None => 1,
    };
    let all: Vec<usize> = (0..plans.len()).collect();
    // The picks of the last row that went in: the next row starts from them.
    let mut last: Option<(Vec<Pick>, Vec<usize>)> = None;
    let mut added = 0;
    let mut errors: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    'rows: for i in 0..need {
        let n = (have + i) as i64;
        for g in groups.iter_mut().filter(|g| g.self_ref) {
            // Later rows point at earlier ones; the first at NULL or itself.
            let mut sources: Vec<Source> = parent_rows(conn, &table.name, &g.target_cols)?.into_iter().map(Source::Tuple).collect();
            sources.extend(g.sources.iter().filter(|s| !matches!(s, Source::Tuple(_))).cloned());
            g.sources = sources;
        }
        let mut picks = start(&plans, last.as_ref().map(|l| &l.0), n, next_id);
        let mut sources: Vec<usize> = groups
            .iter()
            .map(|g| match g.sources.iter().filter(|s| matches!(s, Source::Tuple(_))).count() {
                0 => 0,
                tuples => (n as usize) % tuples,
            })
            .collect();
        for attempt in 0..TRIES {
            if attempt == TRIES - 1 {
                // Last resort: every column with a DEFAULT left to it.
                for (p, pick) in plans.iter().zip(picks.iter_mut()) {
                    if p.col.default.is_some() {
                        *pick = Pick::Default;
                    }
                }
            }
            let values = values(table, &plans, &groups, &picks, &sources, n, next_id);
            match insert(conn, table, &plans, &values) {
                Ok(()) => {
                    added += 1;
                    next_id += 1;
                    last = Some((picks, sources));
                    continue 'rows;
                }
                Err(e) => {
                    // A budget spent (a trigger that runs away) is no reason to try another row.
                    if e.sqlite_error_code().is_some_and(|c| matches!(c, ErrorCode::OperationInterrupted | ErrorCode::OutOfMemory)) {
                        return Err(e.into());
                    }
                    let retry = e.sqlite_error_code().is_some_and(|c| matches!(c, ErrorCode::ConstraintViolation | ErrorCode::TypeMismatch));
                    let message = message(&e);
                    let seen = errors.len();
                    errors.entry(message.clone()).or_insert((0, seen)).0 += 1;
                    if !retry {
                        break 'rows;
                    }
                    let blamed = blamed(table, &plans, &message);
                    let blamed = if blamed.is_empty() { &all } else { &blamed };
                    mutate(&plans, &groups, blamed, &mut picks, &mut sources, attempt, rng);
                }
            }
        }
        break;
    }
    if added > 0 {
        return Ok(Ok(added));
    }
    // The error SQLite gave most often (the first of equals) says best what stands in the way.
    let worst = errors.into_iter().max_by(|a, b| a.1 .0.cmp(&b.1 .0).then(b.1 .1.cmp(&a.1 .1))).map(|(m, _)| m);
    Ok(Err(reason(table, worst.as_deref().unwrap_or("no row could be made"))))
}

/// The column that is the rowid, when the table has one named (INTEGER PRIMARY KEY).
fn rowid_alias(table: &Table) -> Option<&Column> {
    if table.without_rowid {
        return None;
    }
    let mut pk = table.columns.iter().filter(|c| c.primary_key > 0);
    let only = pk.next()?;
    (pk.next().is_none() && only.decl_type.text.eq_ignore_ascii_case("INTEGER")).then_some(only)
}

/// The columns a foreign key references: as written, or the parent's primary key.
fn target_columns(fk: &ForeignKey, parent: Option<&Table>) -> Vec<String> {
    if fk.target_columns.iter().all(|c| !c.is_empty()) {
        return fk.target_columns.clone();
    }
    let Some(parent) = parent else { return fk.target_columns.clone() };
    let mut pk: Vec<&Column> = parent.columns.iter().filter(|c| c.primary_key > 0).collect();
    pk.sort_by_key(|c| c.primary_key);
    pk.into_iter().map(|c| c.name.clone()).collect()
}

/// Some keys of a table's rows (none NULL), in the table's order.
fn parent_rows(conn: &Connection, table: &str, cols: &[String]) -> Result<Vec<Vec<Value>>> {
    if cols.is_empty() || cols.iter().any(String::is_empty) {
        return Ok(Vec::new());
    }
    let list = cols.iter().map(|c| quote(c)).collect::<Vec<_>>().join(", ");
    let not_null = cols.iter().map(|c| format!("{} IS NOT NULL", quote(c))).collect::<Vec<_>>().join(" AND ");
    let sql = format!("SELECT {list} FROM {} WHERE {not_null} LIMIT {PARENT_ROWS}", quote(table));
    let Ok(mut stmt) = conn.prepare_cached(&sql) else { return Ok(Vec::new()) };
    let rows = stmt.query_map([], |r| (0..cols.len()).map(|i| r.get::<_, Value>(i)).collect::<rusqlite::Result<Vec<_>>>())?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// `FOREIGN KEY (a, b) REFERENCES p (x, y)`.
fn fk_text(fk: &ForeignKey) -> String {
    let targets = if fk.target_columns.iter().all(String::is_empty) { String::new() } else { format!(" ({})", fk.target_columns.join(", ")) };
    format!("FOREIGN KEY ({}) REFERENCES {}{targets}", fk.columns.join(", "), fk.target)
}

/// A DEFAULT that is a plain literal, as the value it gives.
fn literal(default: &Sql) -> Option<Value> {
    let toks = tokens(&default.text);
    let mut toks: &[Token<'_>] = &toks;
    while toks.len() >= 2 && toks[0].is_punct('(') && toks[toks.len() - 1].is_punct(')') {
        toks = &toks[1..toks.len() - 1];
    }
    match toks {
        [t] if t.kind == Kind::String => Some(Value::Text(t.name())),
        [t] if t.is("NULL") => Some(Value::Null),
        [t] if t.is("TRUE") => Some(Value::Integer(1)),
        [t] if t.is("FALSE") => Some(Value::Integer(0)),
        [t] => number(t.text),
        [sign, t] if sign.is_punct('-') => number(t.text).map(negate),
        [sign, t] if sign.is_punct('+') => number(t.text),
        _ => None,
    }
}

/// `sqltext::tokens`, with a number written `1.5` or `2.5e-3` one token (the
/// tokenizer splits at `.` and `-`, which is enough for names but not here).
fn tokens(src: &str) -> Vec<Token<'_>> {
    let bytes = src.as_bytes();
    let mut out: Vec<Token<'_>> = Vec::new();
    let mut end = 0;
    for t in sqltext::tokens(src) {
        if t.offset < end {
            continue;
        }
        if t.kind != Kind::Word || !t.text.starts_with(|c: char| c.is_ascii_digit()) || t.text.starts_with("0x") || t.text.starts_with("0X") {
            out.push(t);
            continue;
        }
        let digits = |mut i: usize| {
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            i
        };
        let mut i = digits(t.offset);
        if bytes.get(i) == Some(&b'.') {
            i = digits(i + 1);
        }
        if matches!(bytes.get(i), Some(b'e' | b'E')) {
            let sign = usize::from(matches!(bytes.get(i + 1), Some(b'+' | b'-')));
            if bytes.get(i + 1 + sign).is_some_and(u8::is_ascii_digit) {
                i = digits(i + 1 + sign);
            }
        }
        end = i.max(t.end());
        out.push(Token { kind: Kind::Word, text: &src[t.offset..end], offset: t.offset });
    }
    out
}

fn number(text: &str) -> Option<Value> {
    if let Some(hex) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        return u64::from_str_radix(hex, 16).ok().map(|v| Value::Integer(v as i64));
    }
    if !text.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let text = text.replace('_', "");
    text.parse::<i64>().map(Value::Integer).ok().or_else(|| text.parse::<f64>().ok().filter(|f| f.is_finite()).map(Value::Real))
}

fn real(v: &Value) -> Option<f64> {
    match v {
        Value::Integer(i) => Some(*i as f64),
        Value::Real(f) => Some(*f),
        _ => None,
    }
}

fn negate(v: Value) -> Value {
    match v {
        Value::Integer(i) => Value::Integer(i.wrapping_neg()),
        Value::Real(f) => Value::Real(-f),
        other => other,
    }
}

/// A column's candidates, most plausible first: what its CHECKs suggest, then
/// what its type holds, then NULL where allowed.
fn candidates(table: &Table, col: &Column, rowid: bool) -> Vec<Cand> {
    let mut out: Vec<Cand> = Vec::new();
    if rowid {
        out.push(Cand::Seq);
    }
    for check in &table.checks {
        let toks = tokens(&check.text);
        if toks.iter().any(|t| matches!(t.kind, Kind::Word | Kind::Quoted) && t.name().eq_ignore_ascii_case(&col.name)) {
            from_check(&toks, &mut out);
        }
    }
    out.extend(by_type(table, col));
    if can_be_null(table, col) {
        out.push(Cand::Null);
    }
    let mut unique = Vec::with_capacity(out.len());
    for c in out {
        if !unique.contains(&c) {
            unique.push(c);
        }
    }
    unique
}

/// What a CHECK that mentions the column suggests: its constants (and the
/// neighbours of its bounds), JSON for `json_…`, text of the lengths it names
/// for `length(…)`, the type `typeof(…)` asks for, filled-in LIKE patterns.
fn from_check(toks: &[Token<'_>], out: &mut Vec<Cand>) {
    let has = |w: &str| toks.iter().any(|t| t.is(w));
    if toks.iter().any(|t| t.kind == Kind::Word && t.text.to_ascii_lowercase().starts_with("json")) {
        out.extend((0..5).map(Cand::Json));
    }
    let typeof_ = has("typeof");
    if typeof_ {
        for t in toks.iter().filter(|t| t.kind == Kind::String) {
            match t.name().to_ascii_lowercase().as_str() {
                "integer" => out.push(Cand::Int),
                "real" => out.push(Cand::Real),
                "text" => out.push(Cand::Text),
                "blob" => out.push(Cand::Blob),
                _ => {}
            }
        }
    }
    if ["date", "datetime", "strftime", "julianday", "unixepoch"].iter().any(|w| has(w)) {
        out.extend([Cand::Date, Cand::DateTime]);
    }
    let length = has("length") || has("octet_length");
    let mut numbers: Vec<Value> = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if t.kind == Kind::String {
            let text = t.name();
            let pattern = i > 0 && (toks[i - 1].is("LIKE") || toks[i - 1].is("GLOB"));
            if pattern {
                out.push(Cand::Pattern(text.clone()));
            }
            if !(typeof_ && ["integer", "real", "text", "blob", "null"].contains(&text.to_ascii_lowercase().as_str())) {
                out.push(Cand::Const(Value::Text(text)));
            }
        } else if let Some(v) = number(t.text) {
            // `x >= -5` or `a - 5`: telling a sign from a minus needs a parser; both are only candidates.
            if i > 0 && toks[i - 1].is_punct('-') {
                numbers.push(negate(v.clone()));
            }
            numbers.push(v);
        }
    }
    if length {
        for n in &numbers {
            if let Value::Integer(l) = n {
                for l in [*l, l + 1, l - 1] {
                    if (0..=4096).contains(&l) {
                        out.push(Cand::TextLen(l as usize));
                    }
                }
            }
        }
    }
    // Between two bounds: `x > 0.5 AND x < 0.9` has no neighbour of a bound inside.
    let mids: Vec<Value> = numbers
        .windows(2)
        .filter_map(|w| match (&w[0], &w[1]) {
            (Value::Integer(a), Value::Integer(b)) => Some(Value::Integer(((*a as i128 + *b as i128) / 2) as i64)),
            (a, b) => Some(Value::Real((real(a)? + real(b)?) / 2.0)),
        })
        .collect();
    for n in numbers.into_iter().chain(mids) {
        out.push(Cand::Const(n.clone()));
        match n {
            Value::Integer(i) => out.extend([Cand::Const(Value::Integer(i.saturating_add(1))), Cand::Const(Value::Integer(i.saturating_sub(1)))]),
            Value::Real(f) => out.extend([Cand::Const(Value::Real(f + 0.5)), Cand::Const(Value::Real(f - 0.5))]),
            _ => {}
        }
    }
}

/// What the column's declared type holds, by SQLite's affinity rules (STRICT's
/// types exactly).
fn by_type(table: &Table, col: &Column) -> Vec<Cand> {
    let ty = col.decl_type.text.to_ascii_uppercase();
    let name = col.name.to_ascii_lowercase();
    if table.strict {
        return match ty.as_str() {
            "INT" | "INTEGER" => vec![Cand::Int],
            "REAL" => vec![Cand::Real, Cand::Int],
            "TEXT" if name.contains("email") => vec![Cand::Email, Cand::Text],
            "TEXT" => vec![Cand::Text],
            "BLOB" => vec![Cand::Blob],
            _ => vec![Cand::Text, Cand::Int, Cand::Real, Cand::Blob],
        };
    }
    let date = || if ty.contains("DATETIME") || ty.contains("TIMESTAMP") { Cand::DateTime } else { Cand::Date };
    let boolean = ty.contains("BOOL");
    if ty.contains("INT") {
        if boolean {
            return vec![Cand::Const(Value::Integer(1)), Cand::Const(Value::Integer(0)), Cand::Int];
        }
        return vec![Cand::Int, Cand::Text];
    }
    if ty.contains("CHAR") || ty.contains("CLOB") || ty.contains("TEXT") {
        let mut v = Vec::new();
        if name.contains("email") {
            v.push(Cand::Email);
        }
        if ty.contains("DATE") || ty.contains("TIME") {
            v.push(date());
        }
        v.extend([Cand::Text, Cand::Int]);
        return v;
    }
    if ty.contains("BLOB") {
        return vec![Cand::Blob, Cand::Text];
    }
    if ty.is_empty() {
        return vec![Cand::Text, Cand::Int, Cand::Blob];
    }
    if ty.contains("REAL") || ty.contains("FLOA") || ty.contains("DOUB") {
        return vec![Cand::Real, Cand::Int];
    }
    // NUMERIC affinity.
    if boolean {
        return vec![Cand::Const(Value::Integer(1)), Cand::Const(Value::Integer(0)), Cand::Int];
    }
    if ty.contains("DATE") || ty.contains("TIME") {
        return vec![date(), Cand::Int];
    }
    if ty.contains("DEC") || ty.contains("NUM") || ty.contains("MONEY") {
        return vec![Cand::Real, Cand::Int, Cand::Text];
    }
    vec![Cand::Int, Cand::Text, Cand::Real]
}

/// Base-26 letters for `n`, padded or cut to exactly `len` characters.
fn letters(mut n: u64, len: usize) -> String {
    let mut s: Vec<u8> = Vec::new();
    loop {
        s.push(b'a' + (n % 26) as u8);
        n /= 26;
        if n == 0 {
            break;
        }
    }
    while s.len() < len {
        s.push(b'a');
    }
    s.truncate(len);
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// A candidate's value for row `n` with `salt` (0 on a row's first try).
fn instantiate(cand: &Cand, col: &Column, n: i64, salt: u64, next_id: i64) -> Value {
    let s = (salt % 9973) as i64;
    let k = n + 1 + s * 16;
    match cand {
        Cand::Seq => Value::Integer(next_id + s),
        Cand::Int => Value::Integer(k),
        Cand::Real => Value::Real(k as f64 + 0.5),
        Cand::Text if s == 0 => Value::Text(format!("{} {}", col.name, n + 1)),
        Cand::Text => Value::Text(format!("{} {}.{s}", col.name, n + 1)),
        Cand::TextLen(len) => Value::Text(letters(k as u64, *len)),
        Cand::Blob => Value::Blob(format!("{}:{k}", col.name).into_bytes()),
        Cand::Json(0) => Value::Text(format!("{{\"n\":{k}}}")),
        Cand::Json(1) => Value::Text(format!("[{k}]")),
        Cand::Json(2) => Value::Text("{}".into()),
        Cand::Json(3) => Value::Text("[]".into()),
        Cand::Json(_) => Value::Text("{\"a\":1}".into()),
        Cand::Date | Cand::DateTime => {
            let (day, month, year) = (k % 28 + 1, (k / 28) % 12 + 1, 2024 + k / 336);
            let date = format!("{year:04}-{month:02}-{day:02}");
            match cand {
                Cand::Date => Value::Text(date),
                _ => Value::Text(format!("{date} {:02}:{:02}:00", k % 24, k % 60)),
            }
        }
        Cand::Email => Value::Text(format!("user{k}@example.com")),
        Cand::Const(v) => v.clone(),
        Cand::Pattern(p) => {
            let mut out = String::new();
            for c in p.chars() {
                match c {
                    '%' | '*' => out.push_str(&k.to_string()),
                    '_' | '?' => out.push('x'),
                    c => out.push(c),
                }
            }
            Value::Text(out)
        }
        Cand::Null => Value::Null,
    }
}

/// A row's first picks: where the previous row succeeded (constants moving on,
/// so an IN list's values take turns), never the DEFAULT's own value when
/// another candidate exists.
fn start(plans: &[Plan<'_>], last: Option<&Vec<Pick>>, n: i64, next_id: i64) -> Vec<Pick> {
    plans
        .iter()
        .enumerate()
        .map(|(c, p)| {
            let len = p.cands.len();
            let mut idx = match last.and_then(|l| l.get(c)) {
                Some(Pick::Cand(i, _)) if matches!(p.cands.get(*i), Some(Cand::Const(_))) => {
                    let next = (i + 1) % len;
                    if matches!(p.cands[next], Cand::Const(_)) { next } else { *i }
                }
                Some(Pick::Cand(i, _)) => *i,
                _ => 0,
            };
            for _ in 0..len {
                let same = p.default.as_ref().is_some_and(|d| instantiate(&p.cands[idx], p.col, n, 0, next_id) == *d);
                if !same {
                    break;
                }
                idx = (idx + 1) % len;
            }
            Pick::Cand(idx, 0)
        })
        .collect()
}

/// The value of each plan column on this try (`None`: left to its DEFAULT).
fn values(table: &Table, plans: &[Plan<'_>], groups: &[Group], picks: &[Pick], sources: &[usize], n: i64, next_id: i64) -> Vec<Option<Value>> {
    let mut values: Vec<Option<Value>> = plans
        .iter()
        .zip(picks)
        .map(|(p, pick)| match pick {
            Pick::Cand(i, salt) => Some(instantiate(&p.cands[*i], p.col, n, *salt, next_id)),
            Pick::Default => None,
        })
        .collect();
    // Own keys last: they copy values set above.
    let mut own = Vec::new();
    for (g, &s) in groups.iter().zip(sources) {
        match &g.sources[s] {
            Source::Tuple(tuple) => {
                for (&c, v) in g.cols.iter().zip(tuple) {
                    values[c] = Some(v.clone());
                }
            }
            Source::Null => {
                for &c in &g.cols {
                    if can_be_null(table, plans[c].col) {
                        values[c] = Some(Value::Null);
                    }
                }
            }
            Source::Own => own.push(g),
        }
    }
    for g in own {
        for (&c, target) in g.cols.iter().zip(&g.target_cols) {
            let v = plans.iter().position(|p| p.col.name.eq_ignore_ascii_case(target)).and_then(|t| values[t].clone());
            values[c] = Some(v.unwrap_or(Value::Null));
        }
    }
    values
}

/// One INSERT of the given values (columns left `None` are not named).
fn insert(conn: &Connection, table: &Table, plans: &[Plan<'_>], values: &[Option<Value>]) -> rusqlite::Result<()> {
    let named: Vec<usize> = (0..plans.len()).filter(|&i| values[i].is_some()).collect();
    // OR ABORT overrides a table's ON CONFLICT REPLACE, which would delete a row to make room.
    let sql = if named.is_empty() {
        format!("INSERT OR ABORT INTO {} DEFAULT VALUES", quote(&table.name))
    } else {
        let cols = named.iter().map(|&i| quote(&plans[i].col.name)).collect::<Vec<_>>().join(", ");
        let marks = (1..=named.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
        format!("INSERT OR ABORT INTO {} ({cols}) VALUES ({marks})", quote(&table.name))
    };
    let mut stmt = conn.prepare_cached(&sql)?;
    let params: Vec<&Value> = named.iter().filter_map(|&i| values[i].as_ref()).collect();
    stmt.execute(rusqlite::params_from_iter(params))?;
    Ok(())
}

/// SQLite's message for a failed INSERT.
fn message(e: &rusqlite::Error) -> String {
    match e {
        rusqlite::Error::SqliteFailure(_, Some(m)) => m.clone(),
        rusqlite::Error::SqliteFailure(f, None) => f.to_string(),
        other => other.to_string(),
    }
}

/// The plan columns an error names: those in the failed CHECK, or listed as
/// `t.c` after NOT NULL, UNIQUE or a STRICT type error.
fn blamed(table: &Table, plans: &[Plan<'_>], message: &str) -> Vec<usize> {
    if let Some(expr) = message.strip_prefix("CHECK constraint failed: ") {
        let toks = sqltext::tokens(expr);
        return (0..plans.len())
            .filter(|&i| toks.iter().any(|t| matches!(t.kind, Kind::Word | Kind::Quoted) && t.name().eq_ignore_ascii_case(&plans[i].col.name)))
            .collect();
    }
    let list = ["NOT NULL constraint failed: ", "UNIQUE constraint failed: "]
        .iter()
        .find_map(|p| message.strip_prefix(p))
        .or_else(|| message.starts_with("cannot store ").then(|| message.split_once(" column ").map(|(_, l)| l)).flatten());
    let Some(list) = list else { return Vec::new() };
    let named: Vec<&str> = list.split(", ").collect();
    (0..plans.len()).filter(|&i| named.iter().any(|n| n.eq_ignore_ascii_case(&format!("{}.{}", table.name, plans[i].col.name)))).collect()
}

/// Changes the picks of the blamed columns for the next try: one column walks
/// its candidates in order; several jump at random (walking them together
/// could cycle in step and miss every pair that works).
fn mutate(plans: &[Plan<'_>], groups: &[Group], blamed: &[usize], picks: &mut [Pick], sources: &mut [usize], attempt: usize, rng: &mut Rng) {
    let mut touched_groups: BTreeSet<usize> = BTreeSet::new();
    let own: Vec<usize> = blamed.iter().copied().filter(|&c| plans[c].group.is_none()).collect();
    for &c in blamed {
        if let Some(g) = plans[c].group {
            touched_groups.insert(g);
        }
    }
    let single = own.len() + touched_groups.len() == 1;
    for &c in &own {
        let p = &plans[c];
        let len = p.cands.len();
        if attempt > TRIES / 2 && p.col.default.is_some() && rng.below(3) == 0 {
            picks[c] = Pick::Default;
            continue;
        }
        let idx = match picks[c] {
            Pick::Cand(i, _) if single => (i + 1) % len,
            _ if single => 0,
            _ => rng.below(len),
        };
        picks[c] = Pick::Cand(idx, rng.next());
    }
    for g in touched_groups {
        let len = groups[g].sources.len();
        sources[g] = if single { (sources[g] + 1) % len } else { rng.below(len) };
        // Columns of the key that NULL leaves alone still need values of their own.
        for &c in &groups[g].cols {
            if let Pick::Cand(i, _) = picks[c] {
                picks[c] = Pick::Cand(if single { i } else { rng.below(plans[c].cands.len()) }, rng.next());
            }
        }
    }
}

/// Why no row went in, in the schema's terms where SQLite's message allows.
fn reason(table: &Table, message: &str) -> String {
    if let Some(expr) = message.strip_prefix("CHECK constraint failed: ") {
        let written = Sql::new(expr);
        return match table.checks.iter().find(|c| **c == written) {
            Some(check) => format!("CHECK ({check})"),
            None => format!("CHECK constraint {expr}"),
        };
    }
    if message.starts_with("FOREIGN KEY constraint failed") && !table.foreign_keys.is_empty() {
        return table.foreign_keys.iter().map(fk_text).collect::<Vec<_>>().join("; ");
    }
    message.to_string()
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn defaults_that_are_literals_are_read_as_their_values() {
        let lit = |s: &str| literal(&Sql::new(s));
        assert_eq!(lit("0"), Some(Value::Integer(0)));
        assert_eq!(lit("(-1.5)"), Some(Value::Real(-1.5)));
        assert_eq!(lit("'it''s'"), Some(Value::Text("it's".into())));
        assert_eq!(lit("TRUE"), Some(Value::Integer(1)));
        assert_eq!(lit("0x10"), Some(Value::Integer(16)));
        assert_eq!(lit("CURRENT_TIMESTAMP"), None);
        assert_eq!(lit("(1 + 1)"), None);
    }

    #[test]
    fn letters_have_the_asked_length_and_differ_by_row() {
        assert_eq!(letters(0, 3), "aaa");
        assert_eq!(letters(1, 3), "aab");
        assert_eq!(letters(27, 2), "bb");
        assert_eq!(letters(5, 0), "");
    }

    #[test]
    fn the_generator_is_the_same_everywhere() {
        let mut a = Rng(42);
        let mut b = Rng(42);
        let xs: Vec<u64> = (0..4).map(|_| a.next()).collect();
        assert_eq!(xs, (0..4).map(|_| b.next()).collect::<Vec<_>>());
        assert_ne!(Rng(43).next(), xs[0]);
        assert_eq!(Rng(0).below(0), 0);
    }

    #[test]
    fn check_constants_bounds_and_lengths_become_candidates() {
        let mut out = Vec::new();
        from_check(&tokens("length(name) BETWEEN 3 AND 5 AND x IN ('a', 'b') AND y >= -2"), &mut out);
        assert!(out.contains(&Cand::TextLen(3)) && out.contains(&Cand::TextLen(5)));
        assert!(out.contains(&Cand::Const(Value::Text("a".into()))));
        assert!(out.contains(&Cand::Const(Value::Integer(-2))) && out.contains(&Cand::Const(Value::Integer(-1))));
        let mut out = Vec::new();
        from_check(&tokens("typeof(x) = 'integer'"), &mut out);
        assert_eq!(out, [Cand::Int]);
        let mut out = Vec::new();
        from_check(&tokens("price > 0.5 AND rate < 2.5e-3"), &mut out);
        assert!(out.contains(&Cand::Const(Value::Real(1.0))) && out.contains(&Cand::Const(Value::Real(0.0025))));
    }
}
