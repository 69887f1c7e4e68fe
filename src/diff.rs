//! Differences between two schema snapshots, as typed values: which object,
//! what happened to it, and for a changed one each aspect with both sides
//! (`column t.a: collation NOCASE → none`). Spelling is not a difference:
//! definitions compare as `sqltext::Sql` token streams.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::schema::{keys_text, Column, ForeignKey, Index, Key, Schema, Table, Trigger, View};
use crate::sqltext::{differing, Sql};

/// The kind of a schema object, for naming it and finding who created it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
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
    /// A UNIQUE constraint (named after its table).
    Unique,
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
            Kind::Unique => "unique constraint",
        }
    }

    /// Whether it is an unnamed constraint of a table (named by its definition).
    fn is_constraint(self) -> bool {
        matches!(self, Kind::ForeignKey | Kind::Check | Kind::Unique)
    }
}

/// One aspect of an object's definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Aspect {
    /// A column's name (its case).
    Name,
    /// A table's new name (an `ALTER TABLE … RENAME TO`, or a copy under another name).
    Renamed,
    /// A column's declared type.
    Type,
    /// NOT NULL.
    NotNull,
    /// DEFAULT.
    Default,
    /// COLLATE.
    Collation,
    /// AUTOINCREMENT.
    Autoincrement,
    /// A generated column's expression and storage.
    Generated,
    /// The order of a table's columns.
    ColumnOrder,
    /// A table's primary key.
    PrimaryKey,
    /// WITHOUT ROWID.
    WithoutRowid,
    /// STRICT.
    Strict,
    /// A virtual table's module and arguments.
    Module,
    /// The table an index or trigger is on.
    Table,
    /// UNIQUE of an index.
    Unique,
    /// An index's keys.
    Keys,
    /// One key of an index (when only one differs).
    Key,
    /// The WHERE of a partial index.
    Where,
    /// A definition's text (view, trigger, CHECK), shown as the differing tokens.
    Definition,
}

impl Aspect {
    /// The words before the two sides (empty for a definition).
    pub fn word(self) -> &'static str {
        match self {
            Aspect::Name => "name",
            Aspect::Renamed => "renamed",
            Aspect::Type => "type",
            Aspect::NotNull => "not null",
            Aspect::Default => "default",
            Aspect::Collation => "collation",
            Aspect::Autoincrement => "autoincrement",
            Aspect::Generated => "generated",
            Aspect::ColumnOrder => "column order",
            Aspect::PrimaryKey => "primary key",
            Aspect::WithoutRowid => "without rowid",
            Aspect::Strict => "strict",
            Aspect::Module => "module",
            Aspect::Table => "table",
            Aspect::Unique => "unique",
            Aspect::Keys => "keys",
            Aspect::Key => "key",
            Aspect::Where => "where",
            Aspect::Definition => "",
        }
    }
}

/// How one aspect differs: `collation NOCASE → none`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Changed {
    /// Which aspect.
    pub aspect: Aspect,
    /// The expected side (before the step; for a down, before the up).
    pub before: String,
    /// The actual side.
    pub after: String,
}

impl std::fmt::Display for Changed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.aspect.word() {
            "" => write!(f, "{} → {}", self.before, self.after),
            w => write!(f, "{w} {} → {}", self.before, self.after),
        }
    }
}

/// What happened to an object between the expected and the actual schema.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "change", content = "aspects")]
pub enum Change {
    /// In the actual schema, not in the expected one.
    StillThere,
    /// In the expected schema, not in the actual one.
    Missing,
    /// In both, but different in these aspects.
    Changed(Vec<Changed>),
}

/// What a step did to an object, for marking it: `StillThere` in a
/// before → after diff is an object the step added, `Missing` one it removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// The object is new.
    Added,
    /// The object is gone.
    Removed,
    /// The object is there before and after, but differs.
    Changed,
}

/// One difference.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Difference {
    /// The kind of object.
    pub kind: Kind,
    /// Its name (`table.column` for a column; the table for a constraint).
    pub name: String,
    /// A constraint's definition (`UNIQUE (a, b)`, `CHECK (x > 0)`), else empty.
    pub detail: String,
    /// What happened.
    #[serde(flatten)]
    pub change: Change,
    /// The table the object belongs to (itself for a table), to find who created it.
    pub table: String,
}

impl Difference {
    /// The object as a reader names it: `index idx_b`, `table t: UNIQUE (a, b)`.
    pub fn object(&self) -> String {
        if self.kind.is_constraint() && self.detail.is_empty() {
            format!("table {}", self.name)
        } else if self.kind.is_constraint() {
            format!("table {}: {}", self.name, self.detail)
        } else {
            format!("{} {}", self.kind.word(), self.name)
        }
    }

    /// What a statement would name to touch the object: `index idx_b`, or for a
    /// column or a constraint, `table t`.
    pub fn subject(&self) -> String {
        match self.kind {
            Kind::Table | Kind::Index | Kind::Trigger | Kind::View => format!("{} {}", self.kind.word(), self.name),
            Kind::Column | Kind::ForeignKey | Kind::Check | Kind::Unique => format!("table {}", self.table),
        }
    }

    /// The aspects that differ, joined: `type INT → INTEGER; default 1 → 2`.
    fn aspects(how: &[Changed]) -> String {
        how.iter().map(Changed::to_string).collect::<Vec<_>>().join("; ")
    }

    /// What the difference means read as a step (before → after).
    pub fn effect(&self) -> Effect {
        match self.change {
            Change::StillThere => Effect::Added,
            Change::Missing => Effect::Removed,
            Change::Changed(_) => Effect::Changed,
        }
    }

    /// The difference as a step's change: `table tasks added`, `index idx_b removed`,
    /// `column t.a: default 1 → 2`.
    pub fn as_step(&self) -> String {
        match &self.change {
            Change::StillThere => format!("{} added", self.object()),
            Change::Missing => format!("{} removed", self.object()),
            Change::Changed(how) => format!("{}: {}", self.object(), Self::aspects(how)),
        }
    }
}

impl std::fmt::Display for Difference {
    /// The difference as found by a check: `index idx_b is still there`,
    /// `column t.a: collation NOCASE → none`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.change {
            Change::StillThere => write!(f, "{} is still there", self.object()),
            Change::Missing => write!(f, "{} is missing", self.object()),
            Change::Changed(how) => write!(f, "{}: {}", self.object(), Self::aspects(how)),
        }
    }
}

/// Differences of a step (before → after) serialized with their sentence and
/// effect: `{kind, name, detail, change, aspects?, table, text, effect}`.
pub fn serialize_steps<S: serde::Serializer>(changes: &[Difference], s: S) -> Result<S::Ok, S::Error> {
    #[derive(serde::Serialize)]
    struct Shown<'a> {
        #[serde(flatten)]
        difference: &'a Difference,
        text: String,
        effect: Effect,
    }
    s.collect_seq(changes.iter().map(|difference| Shown { difference, text: difference.as_step(), effect: difference.effect() }))
}

/// The differences that turn `expected` into `actual`, in a stable order.
/// A table that is the same on both sides (often the very same shared
/// snapshot, see `schema::Snapshots`) is skipped with its indexes and triggers.
pub fn diff(expected: &Schema, actual: &Schema) -> Vec<Difference> {
    diff_knowing_renames(expected, actual, &[])
}

/// As `diff`, told which tables were renamed (`(name in expected, name in
/// actual)`, as a caller traced them step by step): such a table is one
/// rename with what else changed in it, even where its definition changed too,
/// which `diff` alone cannot tell from a table dropped and another created.
pub fn diff_knowing_renames(expected: &Schema, actual: &Schema, renamed: &[(String, String)]) -> Vec<Difference> {
    let mut out = Vec::new();
    // Both sides walked in name order, side by side: a diff costs a pointer
    // comparison per shared table, and maps are built of the changed ones only.
    let (exp_all, act_all) = (by_name(&expected.tables), by_name(&actual.tables));
    let (mut exp, mut act): (BTreeMap<String, Arc<Table>>, BTreeMap<String, Arc<Table>>) = (BTreeMap::new(), BTreeMap::new());
    let (mut i, mut j) = (0, 0);
    while i < exp_all.len() || j < act_all.len() {
        let order = match (exp_all.get(i), act_all.get(j)) {
            (Some(e), Some(a)) => e.name.cmp(&a.name),
            (Some(_), None) => std::cmp::Ordering::Less,
            _ => std::cmp::Ordering::Greater,
        };
        match order {
            std::cmp::Ordering::Less => {
                let e = exp_all[i];
                out.push(whole(Kind::Table, &e.name, &e.name, Change::Missing));
                exp.insert(e.name.clone(), Arc::clone(e));
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                let a = act_all[j];
                out.push(whole(Kind::Table, &a.name, &a.name, Change::StillThere));
                act.insert(a.name.clone(), Arc::clone(a));
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                let (e, a) = (exp_all[i], act_all[j]);
                if !(Arc::ptr_eq(e, a) || e == a) {
                    table(e, a, &mut out);
                    exp.insert(e.name.clone(), Arc::clone(e));
                    act.insert(a.name.clone(), Arc::clone(a));
                }
                i += 1;
                j += 1;
            }
        }
    }
    let of_changed = |side: &BTreeMap<String, Arc<Table>>| -> Vec<Arc<Table>> { side.values().cloned().collect() };
    known_renames(&exp, &act, renamed, &mut out);
    renames(&exp, &act, &mut out);
    let (exp_changed, act_changed) = (of_changed(&exp), of_changed(&act));
    let indexes = |tables: &[Arc<Table>]| -> BTreeMap<String, (String, Index)> {
        tables.iter().flat_map(|t| t.indexes.iter().map(|i| (i.name.clone(), (t.name.clone(), i.clone())))).collect()
    };
    compare(&indexes(&exp_changed), &indexes(&act_changed), Kind::Index, &mut out, |(te, e), (ta, a)| index(te, e, ta, a));
    let triggers = |tables: &[Arc<Table>], views: &[View]| -> BTreeMap<String, (String, Trigger)> {
        let on_tables = tables.iter().flat_map(|t| t.triggers.iter());
        let on_views = views.iter().flat_map(|v| v.triggers.iter());
        on_tables.chain(on_views).map(|x| (x.name.clone(), (x.table.clone(), x.clone()))).collect()
    };
    compare(
        &triggers(&exp_changed, &expected.views),
        &triggers(&act_changed, &actual.views),
        Kind::Trigger,
        &mut out,
        |(te, e), (ta, a)| {
            let mut how = Vec::new();
            if !te.eq_ignore_ascii_case(ta) {
                how.push(Changed { aspect: Aspect::Table, before: te.clone(), after: ta.clone() });
            }
            definition(&e.sql, &a.sql, &mut how);
            how
        },
    );
    let views = |s: &Schema| -> BTreeMap<String, (String, View)> {
        s.views.iter().map(|v| (v.name.clone(), (v.name.clone(), v.clone()))).collect()
    };
    compare(&views(expected), &views(actual), Kind::View, &mut out, |(_, e), (_, a)| {
        let mut how = Vec::new();
        definition(&e.sql, &a.sql, &mut how);
        how
    });
    out
}

/// A table missing under one name and still there under another, with the
/// same definition, was renamed: one difference instead of two.
fn renames(exp: &BTreeMap<String, Arc<Table>>, act: &BTreeMap<String, Arc<Table>>, out: &mut Vec<Difference>) {
    let same = |a: &Table, b: &Table| {
        let a = under_name(a, &b.name);
        a.columns == b.columns
            && a.uniques == b.uniques
            && same_items(&a.foreign_keys, &b.foreign_keys)
            && a.checks == b.checks
            && (a.without_rowid, a.strict, &a.module) == (b.without_rowid, b.strict, &b.module)
            && a.indexes == b.indexes
    };
    let mut i = 0;
    while i < out.len() {
        let d = &out[i];
        if d.kind != Kind::Table || d.change != Change::Missing {
            i += 1;
            continue;
        }
        let old = &exp[&d.name];
        let new = out.iter().position(|n| n.kind == Kind::Table && n.change == Change::StillThere && same(old, &act[&n.name]));
        if let Some(j) = new {
            let (from, to) = (d.name.clone(), out[j].name.clone());
            out[i].change = Change::Changed(vec![Changed { aspect: Aspect::Renamed, before: from, after: to }]);
            out.remove(j);
            if j < i {
                i -= 1;
            }
        }
        i += 1;
    }
}

/// The renames a caller traced (see `diff_knowing_renames`): the table missing
/// under its old name and the one still there under its new name become one
/// rename, followed by what differs between the two (named under the new name).
fn known_renames(exp: &BTreeMap<String, Arc<Table>>, act: &BTreeMap<String, Arc<Table>>, renamed: &[(String, String)], out: &mut Vec<Difference>) {
    for (from, to) in renamed {
        let table_is = |d: &Difference, change: &Change, name: &str| d.kind == Kind::Table && &d.change == change && d.name.eq_ignore_ascii_case(name);
        let Some(i) = out.iter().position(|d| table_is(d, &Change::Missing, from)) else { continue };
        let Some(j) = out.iter().position(|d| table_is(d, &Change::StillThere, to)) else { continue };
        let (old, new) = (&exp[&out[i].name], &act[&out[j].name]);
        let mut how = vec![Changed { aspect: Aspect::Renamed, before: old.name.clone(), after: new.name.clone() }];
        let mut within = Vec::new();
        table(&under_name(old, &new.name), new, &mut within);
        // The table's own aspects (column order, primary key…) join the rename's sentence.
        if let Some(k) = within.iter().position(|d| d.kind == Kind::Table) {
            if let Change::Changed(more) = within.remove(k).change {
                how.extend(more);
            }
        }
        out[i] = whole(Kind::Table, &old.name, &old.name, Change::Changed(how));
        out.remove(j);
        let at = if j < i { i } else { i + 1 };
        out.splice(at..at, within);
    }
}

/// `t` as SQLite's `ALTER TABLE … RENAME TO name` leaves it: its own name,
/// and its foreign keys to itself, changed.
fn under_name(t: &Table, name: &str) -> Table {
    let mut renamed = Table { name: name.to_string(), ..t.clone() };
    for fk in renamed.foreign_keys.iter_mut().filter(|fk| fk.target.eq_ignore_ascii_case(&t.name)) {
        fk.target = name.to_string();
    }
    renamed
}

/// The same items in any order, each as many times (a renamed table's foreign
/// keys to itself no longer sort where they did).
fn same_items<T: PartialEq>(a: &[T], b: &[T]) -> bool {
    let mut taken = vec![false; b.len()];
    a.len() == b.len()
        && a.iter().all(|x| match (0..b.len()).find(|&i| !taken[i] && b[i] == *x) {
            Some(i) => {
                taken[i] = true;
                true
            }
            None => false,
        })
}

fn yes(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
}

fn whole(kind: Kind, name: &str, table: &str, change: Change) -> Difference {
    Difference { kind, name: name.to_string(), detail: String::new(), change, table: table.to_string() }
}

/// `tables` in name order (a snapshot's already are: then no sorting).
fn by_name(tables: &[Arc<Table>]) -> Vec<&Arc<Table>> {
    let mut sorted: Vec<&Arc<Table>> = tables.iter().collect();
    if !sorted.is_sorted_by(|a, b| a.name <= b.name) {
        sorted.sort_by(|a, b| a.name.cmp(&b.name));
    }
    sorted
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
    how: impl Fn(&(String, V), &(String, V)) -> Vec<Changed>,
) {
    for (name, ev, av) in pairs(e, a) {
        match (ev, av) {
            (Some((t, _)), None) => out.push(whole(kind, name, t, Change::Missing)),
            (None, Some((t, _))) => out.push(whole(kind, name, t, Change::StillThere)),
            (Some(ev), Some(av)) => {
                let how = how(ev, av);
                if !how.is_empty() {
                    out.push(whole(kind, name, &av.0, Change::Changed(how)));
                }
            }
            (None, None) => {}
        }
    }
}

/// Two orders of the same names, as the stretch where they differ with one
/// name of context on each side: `(…, a, b, c)` → `(…, b, a, c)`, not every
/// column of an 18-column table twice.
fn moved(e: &[String], a: &[String]) -> (String, String) {
    let same = |x: &String, y: &String| low(x) == low(y);
    let prefix = e.iter().zip(a).take_while(|(x, y)| same(x, y)).count();
    let rest = e.len().min(a.len()) - prefix;
    let suffix = e.iter().rev().zip(a.iter().rev()).take(rest).take_while(|(x, y)| same(x, y)).count();
    let show = |names: &[String]| {
        let (from, to) = (prefix.saturating_sub(1), (names.len() - suffix + 1).min(names.len()));
        let head = if from > 0 { "…, " } else { "" };
        let tail = if to < names.len() { ", …" } else { "" };
        format!("({head}{}{tail})", names[from..to].join(", "))
    };
    (show(e), show(a))
}

/// A definition that differs, as its differing tokens.
fn definition(e: &Sql, a: &Sql, how: &mut Vec<Changed>) {
    if e != a {
        let (before, after) = differing(e, a);
        how.push(Changed { aspect: Aspect::Definition, before, after });
    }
}

fn index(te: &str, e: &Index, ta: &str, a: &Index) -> Vec<Changed> {
    let mut how = Vec::new();
    let mut push = |aspect, before: String, after: String| how.push(Changed { aspect, before, after });
    if !te.eq_ignore_ascii_case(ta) {
        push(Aspect::Table, te.to_string(), ta.to_string());
    }
    if e.unique != a.unique {
        push(Aspect::Unique, yes(e.unique), yes(a.unique));
    }
    if e.keys != a.keys {
        let differ: Vec<usize> = (0..e.keys.len()).filter(|&i| e.keys.get(i) != a.keys.get(i)).collect();
        let (mut before, mut after) = (keys_text(&e.keys), keys_text(&a.keys));
        if before == after {
            // Only a collation inherited from the column differs: name it.
            let explicit = |keys: &[Key]| keys.iter().map(Key::explicit).collect::<Vec<_>>().join(", ");
            (before, after) = (explicit(&e.keys), explicit(&a.keys));
        }
        if e.keys.len() == a.keys.len() && differ.len() == 1 {
            let (x, y) = (&e.keys[differ[0]], &a.keys[differ[0]]);
            let (mut x_text, mut y_text) = (x.to_string(), y.to_string());
            if x_text == y_text {
                (x_text, y_text) = (x.explicit(), y.explicit());
            }
            push(Aspect::Key, x_text, y_text);
        } else {
            push(Aspect::Keys, format!("({before})"), format!("({after})"));
        }
    }
    if e.filter != a.filter {
        let w = |f: &Option<Sql>| f.as_ref().map_or("none".to_string(), |f| format!("WHERE {f}"));
        match (&e.filter, &a.filter) {
            (Some(x), Some(y)) => {
                let (before, after) = differing(x, y);
                push(Aspect::Where, before, after);
            }
            _ => push(Aspect::Where, w(&e.filter), w(&a.filter)),
        }
    }
    how
}

/// A column's name as the comparison keys it (SQLite's names ignore ASCII case).
fn low(name: &str) -> String {
    name.to_ascii_lowercase()
}

fn table(e: &Table, a: &Table, out: &mut Vec<Difference>) {
    let cols = |t: &Table| t.columns.iter().map(|c| (low(&c.name), (t.name.clone(), c.clone()))).collect::<BTreeMap<_, _>>();
    let mut columns = Vec::new();
    compare(&cols(e), &cols(a), Kind::Column, &mut columns, |(_, e), (_, a)| column(e, a));
    column_renames(e, a, &mut columns);
    for d in &mut columns {
        let c = e.columns.iter().chain(&a.columns).find(|c| low(&c.name) == d.name).map_or(d.name.clone(), |c| c.name.clone());
        d.name = format!("{}.{}", e.name, c);
        d.table = e.name.clone();
    }
    out.append(&mut columns);

    let mut how = Vec::new();
    let mut push = |aspect, before: String, after: String| how.push(Changed { aspect, before, after });
    let common = |x: &Table, y: &Table| -> Vec<String> {
        x.columns.iter().filter(|c| y.columns.iter().any(|d| low(&d.name) == low(&c.name))).map(|c| c.name.clone()).collect()
    };
    let (order_e, order_a) = (common(e, a), common(a, e));
    if order_e.iter().map(|n| low(n)).ne(order_a.iter().map(|n| low(n))) {
        let (before, after) = moved(&order_e, &order_a);
        push(Aspect::ColumnOrder, before, after);
    }
    let (pk_e, pk_a) = (primary_key(e), primary_key(a));
    if pk_e.iter().map(|n| low(n)).ne(pk_a.iter().map(|n| low(n))) {
        let show = |pk: &[String]| if pk.is_empty() { "none".to_string() } else { format!("({})", pk.join(", ")) };
        push(Aspect::PrimaryKey, show(&pk_e), show(&pk_a));
    }
    if e.without_rowid != a.without_rowid {
        push(Aspect::WithoutRowid, yes(e.without_rowid), yes(a.without_rowid));
    }
    if e.strict != a.strict {
        push(Aspect::Strict, yes(e.strict), yes(a.strict));
    }
    if e.module != a.module {
        let m = |m: &Option<Sql>| m.as_ref().map_or("none".to_string(), Sql::to_string);
        push(Aspect::Module, m(&e.module), m(&a.module));
    }
    if !how.is_empty() {
        out.push(whole(Kind::Table, &e.name, &e.name, Change::Changed(how)));
    }

    let uniques = |t: &Table| t.uniques.iter().map(|u| (format!("UNIQUE ({})", keys_text(&u.keys)), u.clone())).collect::<Vec<_>>();
    constraints(Kind::Unique, &e.name, &uniques(e), &uniques(a), out);
    let fks = |t: &Table| t.foreign_keys.iter().map(|f| (format!("FOREIGN KEY {f}"), f.clone())).collect::<Vec<(String, ForeignKey)>>();
    constraints(Kind::ForeignKey, &e.name, &fks(e), &fks(a), out);
    let checks = |t: &Table| t.checks.iter().map(|c| (format!("CHECK ({c})"), c.clone())).collect::<Vec<_>>();
    let (ce, ca) = (checks(e), checks(a));
    let gone: Vec<&(String, Sql)> = ce.iter().filter(|x| !ca.iter().any(|y| y.1 == x.1)).collect();
    let new: Vec<&(String, Sql)> = ca.iter().filter(|x| !ce.iter().any(|y| y.1 == x.1)).collect();
    if let ([g], [n]) = (gone.as_slice(), new.as_slice()) {
        // One CHECK became another: show both, or where they differ when they are long.
        let (before, after) = if g.0.len() + n.0.len() <= 120 { (g.0.clone(), n.0.clone()) } else { differing(&g.1, &n.1) };
        let how = vec![Changed { aspect: Aspect::Definition, before, after }];
        out.push(whole(Kind::Check, &e.name, &e.name, Change::Changed(how)));
    } else {
        constraints(Kind::Check, &e.name, &ce, &ca, out);
    }
}

/// A column missing under one name and there under another, at the same
/// place with the same definition, was renamed (`ALTER TABLE … RENAME COLUMN`):
/// one difference, not a lost column and a new one.
fn column_renames(e: &Table, a: &Table, columns: &mut Vec<Difference>) {
    let position = |t: &Table, key: &str| t.columns.iter().position(|c| low(&c.name) == key);
    let mut i = 0;
    while i < columns.len() {
        if columns[i].change != Change::Missing {
            i += 1;
            continue;
        }
        let Some(at) = position(e, &columns[i].name) else {
            i += 1;
            continue;
        };
        let old = &e.columns[at];
        let renamed = a.columns.get(at).filter(|new| {
            low(&new.name) != low(&old.name) && column(old, new).iter().all(|c| c.aspect == Aspect::Name) && position(e, &low(&new.name)).is_none()
        });
        let Some(new) = renamed else {
            i += 1;
            continue;
        };
        let Some(j) = columns.iter().position(|d| d.change == Change::StillThere && d.name == low(&new.name)) else {
            i += 1;
            continue;
        };
        columns[i].change = Change::Changed(vec![Changed { aspect: Aspect::Renamed, before: old.name.clone(), after: new.name.clone() }]);
        columns.remove(j);
        if j < i {
            i -= 1;
        }
        i += 1;
    }
}

/// The primary key's columns in key order.
fn primary_key(t: &Table) -> Vec<String> {
    let mut pk: Vec<&Column> = t.columns.iter().filter(|c| c.primary_key > 0).collect();
    pk.sort_by_key(|c| c.primary_key);
    pk.into_iter().map(|c| c.name.clone()).collect()
}

/// Unnamed constraints of one table (text, value), compared by value as multisets.
fn constraints<T: PartialEq>(kind: Kind, table: &str, e: &[(String, T)], a: &[(String, T)], out: &mut Vec<Difference>) {
    let one = |detail: &String, change| Difference { detail: detail.clone(), ..whole(kind, table, table, change) };
    let minus = |x: &[(String, T)], y: &[(String, T)]| -> Vec<String> {
        let mut taken = vec![false; y.len()];
        x.iter()
            .filter(|(_, v)| match y.iter().enumerate().position(|(i, (_, w))| !taken[i] && w == v) {
                Some(i) => {
                    taken[i] = true;
                    false
                }
                None => true,
            })
            .map(|(t, _)| t.clone())
            .collect()
    };
    out.extend(minus(e, a).iter().map(|x| one(x, Change::Missing)));
    out.extend(minus(a, e).iter().map(|x| one(x, Change::StillThere)));
}

fn column(e: &Column, a: &Column) -> Vec<Changed> {
    let mut how = Vec::new();
    let mut push = |aspect, before: String, after: String| how.push(Changed { aspect, before, after });
    if e.name != a.name {
        push(Aspect::Name, e.name.clone(), a.name.clone());
    }
    if e.decl_type != a.decl_type {
        let show = |t: &Sql| if t.is_empty() { "none".to_string() } else { t.to_string() };
        push(Aspect::Type, show(&e.decl_type), show(&a.decl_type));
    }
    if e.not_null != a.not_null {
        push(Aspect::NotNull, yes(e.not_null), yes(a.not_null));
    }
    if e.default != a.default {
        let d = |d: &Option<Sql>| d.as_ref().map_or("none".to_string(), Sql::to_string);
        push(Aspect::Default, d(&e.default), d(&a.default));
    }
    let coll = |c: &Column| c.collation.clone().filter(|c| c != "BINARY");
    if coll(e) != coll(a) {
        let show = |c: Option<String>| c.unwrap_or_else(|| "none".into());
        push(Aspect::Collation, show(coll(e)), show(coll(a)));
    }
    if e.autoincrement != a.autoincrement {
        push(Aspect::Autoincrement, yes(e.autoincrement), yes(a.autoincrement));
    }
    if e.generated != a.generated {
        let g = |g: &Option<crate::schema::Generated>| {
            g.as_ref().map_or("no".to_string(), |g| format!("AS ({}) {}", g.expression, if g.stored { "STORED" } else { "VIRTUAL" }))
        };
        push(Aspect::Generated, g(&e.generated), g(&a.generated));
    }
    how
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
        diff(&schema(e), &schema(a)).iter().map(Difference::to_string).collect()
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
                "column t.a: type INT → INTEGER; default 1 → 2",
                "column t.b: not null no → yes",
                "column t.c is still there",
                "table t: CHECK (c > 0) is still there",
                "index idx_b is still there",
                "trigger tr is missing",
            ]
        );
    }

    #[test]
    fn foreign_keys_compare_by_their_whole_definition() {
        let e = "CREATE TABLE p(id INTEGER PRIMARY KEY); CREATE TABLE c(p INT REFERENCES p(id) ON DELETE CASCADE);";
        let a = "CREATE TABLE p(id INTEGER PRIMARY KEY); CREATE TABLE c(p INT REFERENCES P(ID));";
        assert_eq!(
            sentences(e, a),
            [
                "table c: FOREIGN KEY (p) → p(id) ON DELETE CASCADE is missing",
                "table c: FOREIGN KEY (p) → P(ID) is still there",
            ]
        );
        let deferred = "CREATE TABLE p(id INTEGER PRIMARY KEY); CREATE TABLE c(p INT, FOREIGN KEY (p) REFERENCES p(id) DEFERRABLE INITIALLY DEFERRED);";
        let immediate = "CREATE TABLE p(id INTEGER PRIMARY KEY); CREATE TABLE c(p INT, FOREIGN KEY (p) REFERENCES p(id) NOT DEFERRABLE INITIALLY DEFERRED);";
        assert_eq!(
            sentences(deferred, immediate),
            [
                "table c: FOREIGN KEY (p) → p(id) DEFERRABLE INITIALLY DEFERRED is missing",
                "table c: FOREIGN KEY (p) → p(id) is still there",
            ]
        );
    }

    #[test]
    fn spelling_is_not_a_difference() {
        let e = "CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT NOT NULL COLLATE NOCASE, b INT, UNIQUE (a, b), CHECK (b > 0), CHECK (a <> ''));
                 CREATE INDEX ix ON t(b DESC) WHERE b > 0;
                 CREATE VIEW v AS SELECT a, b FROM t WHERE b > 0;
                 CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET b = 1 WHERE id = new.id; END;";
        let a = "create table \"t\" ( [id] integer primary key, `a` text not null collate nocase, b int,
                   check (a <> ''), -- reordered constraints
                   check (b>0), unique (a, b));
                 create index ix on t (b desc) where b>0;
                 CREATE VIEW IF NOT EXISTS \"v\" AS
                     SELECT a, b
                     FROM t /* same */
                     WHERE b > 0;
                 CREATE TRIGGER tr
                   AFTER INSERT ON \"t\"
                 BEGIN
                   UPDATE t SET b = 1 WHERE id = NEW.id;
                 END;";
        assert_eq!(sentences(e, a), Vec::<String>::new());
    }

    #[test]
    fn everything_sqlite_keeps_about_a_table_is_compared() {
        let e = "CREATE TABLE t(id INTEGER PRIMARY KEY AUTOINCREMENT, a TEXT COLLATE NOCASE, b INT, g INT AS (b * 2) STORED, UNIQUE (a, b)) STRICT;
                 CREATE INDEX idx_t_b ON t(b DESC);
                 CREATE INDEX idx_t_w ON t(a) WHERE b > 0;
                 CREATE VIEW v AS SELECT a FROM t WHERE b > 0;";
        let a = "CREATE TABLE t(id INTEGER PRIMARY KEY, b INT, a TEXT, g INT AS (b * 3) VIRTUAL);
                 CREATE INDEX idx_t_b ON t(b);
                 CREATE INDEX idx_t_w ON t(a) WHERE b >= 0;
                 CREATE VIEW v AS SELECT a FROM t WHERE b >= 0;";
        assert_eq!(
            sentences(e, a),
            [
                "column t.a: collation NOCASE → none",
                "column t.g: generated AS (b * 2) STORED → AS (b * 3) VIRTUAL",
                "column t.id: autoincrement yes → no",
                "table t: column order (id, a, b, g) → (id, b, a, g); strict yes → no",
                "table t: UNIQUE (a, b) is missing",
                "index idx_t_b: key b DESC → b",
                "index idx_t_w: key a COLLATE NOCASE → a; where b > 0 → b >= 0",
                "view v: … WHERE b > 0 → … WHERE b >= 0",
            ]
        );
    }

    #[test]
    fn a_column_order_difference_shows_where_the_orders_part_not_every_column() {
        let cols = |names: &[&str]| names.iter().map(|n| format!("{n} INT")).collect::<Vec<_>>().join(", ");
        let e = format!("CREATE TABLE t({})", cols(&["c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9", "c10"]));
        let a = format!("CREATE TABLE t({})", cols(&["c1", "c2", "c3", "c4", "c6", "c5", "c7", "c8", "c9", "c10"]));
        assert_eq!(sentences(&e, &a), ["table t: column order (…, c4, c5, c6, c7, …) → (…, c4, c6, c5, c7, …)"]);
        let last = format!("CREATE TABLE t({})", cols(&["c2", "c1", "c3", "c4", "c5", "c6", "c7", "c8", "c9", "c10"]));
        assert_eq!(sentences(&e, &last), ["table t: column order (c1, c2, c3, …) → (c2, c1, c3, …)"]);
    }

    #[test]
    fn a_renamed_column_is_one_change_not_a_loss_and_a_gain() {
        let e = "CREATE TABLE t(id INTEGER PRIMARY KEY, modified TEXT NOT NULL, n INT)";
        let a = "CREATE TABLE t(id INTEGER PRIMARY KEY, created_at TEXT NOT NULL, n INT)";
        assert_eq!(sentences(e, a), ["column t.modified: renamed modified → created_at"]);
        let retyped = "CREATE TABLE t(id INTEGER PRIMARY KEY, created_at INT NOT NULL, n INT)";
        assert_eq!(sentences(e, retyped), ["column t.created_at is still there", "column t.modified is missing"]);
    }

    #[test]
    fn a_changed_check_says_where_it_differs() {
        let e = "CREATE TABLE t(a INT CHECK (a IN ('x', 'y')))";
        let a = "CREATE TABLE t(a INT CHECK (a IN ('x', 'Y')))";
        assert_eq!(sentences(e, a), ["table t: CHECK (a IN ('x', 'y')) → CHECK (a IN ('x', 'Y'))"]);
    }
}
