//! Differences between two schema snapshots, in words a reviewer reads:
//! "index idx_b is still there", "default of column t.c changed from 'a' to 'b'".

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::schema::{Column, ForeignKey, Index, Schema, Table, Trigger, View};

/// The kind of a schema object, for naming it and finding who created it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A table.
    Table,
    /// A column (named `table.column`).
    Column,
    /// An index.
    Index,
    /// A trigger.
    Trigger,
    /// A view.
    View,
    /// A foreign key (named after its table).
    ForeignKey,
    /// A CHECK constraint (named after its table).
    Check,
}

impl Kind {
    /// The word for it in a sentence.
    pub fn word(self) -> &'static str {
        match self {
            Kind::Table => "table",
            Kind::Column => "column",
            Kind::Index => "index",
            Kind::Trigger => "trigger",
            Kind::View => "view",
            Kind::ForeignKey => "foreign key",
            Kind::Check => "check",
        }
    }
}

/// What happened to an object between the expected and the actual schema.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// In the actual schema, not in the expected one.
    StillThere,
    /// In the expected schema, not in the actual one.
    Missing,
    /// In both, but different: what differs, in words.
    Changed(String),
}

/// One difference.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Difference {
    /// The kind of object.
    pub kind: Kind,
    /// Its name (`table.column` for a column; the table for a key or check).
    pub name: String,
    /// A description for keys and checks (`(a) → p(id) ON DELETE CASCADE`), else empty.
    pub detail: String,
    /// What happened.
    pub change: Change,
    /// The table the object belongs to (itself for a table), to find who created it.
    pub table: String,
}

impl Difference {
    /// The object as a reader names it: `index idx_b`, `check (x > 0) on table t`.
    pub fn object(&self) -> String {
        match self.kind {
            Kind::ForeignKey | Kind::Check => format!("{} {} on table {}", self.kind.word(), self.detail, self.name),
            _ => format!("{} {}", self.kind.word(), self.name),
        }
    }

    /// What happened, as the end of a sentence.
    pub fn what(&self) -> String {
        match &self.change {
            Change::StillThere => "is still there".into(),
            Change::Missing => "is missing".into(),
            Change::Changed(how) => format!("changed: {how}"),
        }
    }
}

impl Difference {
    /// The difference as a step's change: `table tasks added`, `index idx_b removed`,
    /// `column t.a changed: default 1 → 2`.
    pub fn as_step(&self) -> String {
        let what = match &self.change {
            Change::StillThere => "added".to_string(),
            Change::Missing => "removed".to_string(),
            Change::Changed(how) => format!("changed: {how}"),
        };
        format!("{} {what}", self.object())
    }
}

/// The differences that turn `expected` into `actual`, in a stable order.
/// A table that is the same on both sides (often the very same shared
/// snapshot, see `schema::Snapshots`) is skipped with its indexes and triggers.
pub fn diff(expected: &Schema, actual: &Schema) -> Vec<Difference> {
    let mut out = Vec::new();
    let by_name = |s: &Schema| s.tables.iter().map(|t| (t.name.clone(), Arc::clone(t))).collect::<BTreeMap<_, _>>();
    let (exp, act) = (by_name(expected), by_name(actual));
    let mut changed: Vec<&String> = Vec::new();
    for (name, e, a) in pairs(&exp, &act) {
        match (e, a) {
            (Some(e), Some(a)) if Arc::ptr_eq(e, a) || e == a => continue,
            (Some(_), None) => out.push(whole(Kind::Table, name, name, Change::Missing)),
            (None, Some(_)) => out.push(whole(Kind::Table, name, name, Change::StillThere)),
            (Some(e), Some(a)) => table(e, a, &mut out),
            (None, None) => {}
        }
        changed.push(name);
    }
    let of_changed = |side: &BTreeMap<String, Arc<Table>>| -> Vec<Arc<Table>> {
        changed.iter().filter_map(|n| side.get(*n).cloned()).collect()
    };
    let (exp_changed, act_changed) = (of_changed(&exp), of_changed(&act));
    let indexes = |tables: &[Arc<Table>]| -> BTreeMap<String, (String, Index)> {
        tables.iter().flat_map(|t| t.indexes.iter().map(|i| (i.name.clone(), (t.name.clone(), i.clone())))).collect()
    };
    compare(&indexes(&exp_changed), &indexes(&act_changed), Kind::Index, &mut out, |(te, e), (ta, a)| {
        let mut how = Vec::new();
        if te != ta {
            how.push(format!("table {te} → {ta}"));
        }
        if e.columns != a.columns {
            how.push(format!("columns ({}) → ({})", e.columns.join(", "), a.columns.join(", ")));
        }
        if e.unique != a.unique {
            how.push(format!("unique {} → {}", yes(e.unique), yes(a.unique)));
        }
        if e.partial != a.partial {
            how.push(format!("partial {} → {}", yes(e.partial), yes(a.partial)));
        }
        how
    });
    let triggers = |tables: &[Arc<Table>]| -> BTreeMap<String, (String, Trigger)> {
        tables.iter().flat_map(|t| t.triggers.iter().map(|x| (x.name.clone(), (t.name.clone(), x.clone())))).collect()
    };
    compare(&triggers(&exp_changed), &triggers(&act_changed), Kind::Trigger, &mut out, |(_, e), (_, a)| {
        if e.sql != a.sql { vec!["its SQL differs".to_string()] } else { vec![] }
    });
    let views = |s: &Schema| -> BTreeMap<String, (String, View)> {
        s.views.iter().map(|v| (v.name.clone(), (v.name.clone(), v.clone()))).collect()
    };
    compare(&views(expected), &views(actual), Kind::View, &mut out, |(_, e), (_, a)| {
        if e.sql != a.sql { vec!["its SQL differs".to_string()] } else { vec![] }
    });
    out
}

fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

fn whole(kind: Kind, name: &str, table: &str, change: Change) -> Difference {
    Difference { kind, name: name.to_string(), detail: String::new(), change, table: table.to_string() }
}

/// Keys of both maps, each with its value on either side.
fn pairs<'a, V>(e: &'a BTreeMap<String, V>, a: &'a BTreeMap<String, V>) -> Vec<(&'a String, Option<&'a V>, Option<&'a V>)> {
    let mut keys: Vec<&String> = e.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter().map(|k| (k, e.get(k), a.get(k))).collect()
}

/// Named objects (value: owning table and the object) compared by name, then by `how`.
fn compare<V>(
    e: &BTreeMap<String, (String, V)>,
    a: &BTreeMap<String, (String, V)>,
    kind: Kind,
    out: &mut Vec<Difference>,
    how: impl Fn(&(String, V), &(String, V)) -> Vec<String>,
) {
    for (name, ev, av) in pairs(e, a) {
        match (ev, av) {
            (Some((t, _)), None) => out.push(whole(kind, name, t, Change::Missing)),
            (None, Some((t, _))) => out.push(whole(kind, name, t, Change::StillThere)),
            (Some(ev), Some(av)) => {
                let how = how(ev, av);
                if !how.is_empty() {
                    out.push(whole(kind, name, &av.0, Change::Changed(how.join("; "))));
                }
            }
            (None, None) => {}
        }
    }
}

fn table(e: &Table, a: &Table, out: &mut Vec<Difference>) {
    let cols = |t: &Table| t.columns.iter().map(|c| (c.name.clone(), (t.name.clone(), c.clone()))).collect::<BTreeMap<_, _>>();
    let mut columns = Vec::new();
    compare(&cols(e), &cols(a), Kind::Column, &mut columns, |(_, e), (_, a)| column(e, a));
    for d in &mut columns {
        d.name = format!("{}.{}", e.name, d.name);
    }
    out.append(&mut columns);
    let (order_e, order_a): (Vec<_>, Vec<_>) = (
        e.columns.iter().map(|c| &c.name).filter(|n| a.columns.iter().any(|c| &c.name == *n)).collect(),
        a.columns.iter().map(|c| &c.name).filter(|n| e.columns.iter().any(|c| &c.name == *n)).collect(),
    );
    if order_e != order_a {
        out.push(whole(Kind::Table, &e.name, &e.name, Change::Changed("column order differs".into())));
    }
    let fks = |t: &Table| t.foreign_keys.iter().map(fk_text).collect::<Vec<_>>();
    set_difference(Kind::ForeignKey, &e.name, &fks(e), &fks(a), out);
    let checks = |t: &Table| t.checks.iter().map(|c| format!("({c})")).collect::<Vec<_>>();
    set_difference(Kind::Check, &e.name, &checks(e), &checks(a), out);
}

/// Unnamed constraints of one table, compared by their text.
fn set_difference(kind: Kind, table: &str, e: &[String], a: &[String], out: &mut Vec<Difference>) {
    let one = |detail: &String, change| Difference { detail: detail.clone(), ..whole(kind, table, table, change) };
    out.extend(e.iter().filter(|x| !a.contains(x)).map(|x| one(x, Change::Missing)));
    out.extend(a.iter().filter(|x| !e.contains(x)).map(|x| one(x, Change::StillThere)));
}

fn fk_text(fk: &ForeignKey) -> String {
    format!(
        "({}) → {}({}) ON DELETE {} ON UPDATE {}",
        fk.columns.join(", "),
        fk.target,
        fk.target_columns.join(", "),
        fk.on_delete,
        fk.on_update
    )
}

fn column(e: &Column, a: &Column) -> Vec<String> {
    let mut how = Vec::new();
    if e.decl_type != a.decl_type {
        how.push(format!("type {} → {}", show(&e.decl_type), show(&a.decl_type)));
    }
    if e.not_null != a.not_null {
        how.push(format!("not null {} → {}", yes(e.not_null), yes(a.not_null)));
    }
    if e.default != a.default {
        let d = |d: &Option<String>| d.clone().unwrap_or_else(|| "none".into());
        how.push(format!("default {} → {}", d(&e.default), d(&a.default)));
    }
    if e.primary_key != a.primary_key {
        how.push(format!("primary key position {} → {}", e.primary_key, a.primary_key));
    }
    how
}

fn show(t: &str) -> &str {
    if t.is_empty() { "(none)" } else { t }
}

#[cfg(test)]
mod test {
    use super::*;
    use rusqlite::Connection;

    fn schema(sql: &str) -> Schema {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch(sql).unwrap();
        crate::schema::snapshot(&c).unwrap()
    }

    fn sentences(e: &str, a: &str) -> Vec<String> {
        diff(&schema(e), &schema(a)).iter().map(|d| format!("{} {}", d.object(), d.what())).collect()
    }

    #[test]
    fn equal_schemas_have_no_difference() {
        let sql = "CREATE TABLE t(a INT DEFAULT 1, b TEXT CHECK (b <> '')); CREATE INDEX i ON t(a);";
        assert!(sentences(sql, sql).is_empty());
    }

    #[test]
    fn names_what_is_still_there_missing_or_changed() {
        let e = "CREATE TABLE t(a INT DEFAULT 1, b TEXT); CREATE TABLE gone(x); CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END;";
        let a = "CREATE TABLE t(a INTEGER DEFAULT 2, b TEXT NOT NULL, c INT CHECK (c > 0)); CREATE INDEX idx_b ON t(b);";
        assert_eq!(
            sentences(e, a),
            [
                "table gone is missing",
                "column t.a changed: type INT → INTEGER; default 1 → 2",
                "column t.b changed: not null no → yes",
                "column t.c is still there",
                "check (c > 0) on table t is still there",
                "index idx_b is still there",
                "trigger tr is missing",
            ]
        );
    }

    #[test]
    fn foreign_keys_compare_by_their_whole_definition() {
        let e = "CREATE TABLE p(id INTEGER PRIMARY KEY); CREATE TABLE c(p INT REFERENCES p(id) ON DELETE CASCADE);";
        let a = "CREATE TABLE p(id INTEGER PRIMARY KEY); CREATE TABLE c(p INT REFERENCES p(id));";
        assert_eq!(
            sentences(e, a),
            [
                "foreign key (p) → p(id) ON DELETE CASCADE ON UPDATE NO ACTION on table c is missing",
                "foreign key (p) → p(id) ON DELETE NO ACTION ON UPDATE NO ACTION on table c is still there",
            ]
        );
    }
}
