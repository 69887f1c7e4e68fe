//! Static warnings on a migration set: each with a code, the file and the
//! line. They never fail a verification; they point at likely mistakes. A
//! rule that cannot be sure stays silent: what the set really does is
//! measured by verify's staircase, so lint only says what the text proves.

use std::cmp::Reverse;
use std::collections::BTreeMap;

use crate::schema::{Key, Schema, Table};
use crate::script;
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

/// The category of a rule, by its code.
fn category(code: &str) -> Category {
    match code {
        "create-without-if-not-exists" | "drop-without-if-exists" => Category::Style,
        _ => Category::Safety,
    }
}

/// The DDL facts lint needs from one statement. Names are as written, unquoted.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Ddl {
    /// `references`: for a table, the tables its foreign keys name.
    Create { kind: String, name: String, if_not_exists: bool, table: Option<String>, references: Vec<String> },
    Drop { kind: String, name: String, if_exists: bool },
    /// `ALTER TABLE from RENAME TO to`.
    Rename { from: String, to: String },
    /// `refused_with_rows`: NOT NULL without a usable DEFAULT, and not generated.
    AddColumn { table: String, column: String, refused_with_rows: bool },
    DropColumn { table: String, column: String },
    RenameColumn { table: String, to: String },
    /// `INSERT INTO … SELECT … FROM a JOIN b`: the tables whose rows it copies.
    Copy { from: Vec<String> },
}

/// A statement of a file with what it does.
struct Parsed<'a> {
    file: &'a str,
    line: usize,
    ddl: Ddl,
}

impl Parsed<'_> {
    fn warning(&self, code: &'static str, message: String) -> Warning {
        Warning { code, category: category(code), file: self.file.to_string(), line: self.line, message }
    }
}

const KINDS: [&str; 4] = ["TABLE", "INDEX", "TRIGGER", "VIEW"];

/// Reads a possibly schema-qualified name at `i`; returns it and the next index.
fn name_at(t: &[Token<'_>], i: usize) -> Option<(String, usize)> {
    let first = t.get(i)?;
    if t.get(i + 1).is_some_and(|d| d.is_punct('.')) {
        return Some((t.get(i + 2)?.name(), i + 3));
    }
    Some((first.name(), i + 1))
}

/// The tokens outside any parentheses: a column's own constraints, not the
/// insides of its CHECK, DEFAULT or AS expressions.
fn top_level<'t, 'a>(toks: &'t [Token<'a>]) -> Vec<&'t Token<'a>> {
    let mut depth = 0usize;
    toks.iter()
        .filter(|t| {
            if t.is_punct('(') {
                depth += 1;
            } else if t.is_punct(')') {
                depth = depth.saturating_sub(1);
            } else {
                return depth == 0;
            }
            false
        })
        .collect()
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
        } else if is(i, "IF") {
            return None; // not SQL SQLite accepts: its own error says so, lint need not guess
        }
        let (name, next) = name_at(&t, i)?;
        let table = if kind == "index" || kind == "trigger" {
            let on = (next..t.len()).find(|&j| is(j, "ON"))?;
            Some(name_at(&t, on + 1)?.0)
        } else {
            None
        };
        let references = if kind == "table" {
            sqltext::table_definition(stmt).foreign_keys.into_iter().map(|f| f.target.to_lowercase()).collect()
        } else {
            Vec::new()
        };
        return Some(Ddl::Create { kind, name, if_not_exists, table, references });
    }
    if is(0, "DROP") {
        let kind = KINDS.iter().find(|k| is(1, k))?.to_lowercase();
        let if_exists = is(2, "IF") && is(3, "EXISTS");
        if is(2, "IF") && !if_exists {
            return None; // `DROP INDEX IF NOT EXISTS x` is a syntax error, not an index named IF
        }
        let (name, _) = name_at(&t, if if_exists { 4 } else { 2 })?;
        return Some(Ddl::Drop { kind, name, if_exists });
    }
    if is(0, "ALTER") && is(1, "TABLE") {
        let (table, i) = name_at(&t, 2)?;
        if is(i, "RENAME") && is(i + 1, "TO") {
            return Some(Ddl::Rename { from: table, to: name_at(&t, i + 2)?.0 });
        }
        if is(i, "RENAME") {
            let from = if is(i + 1, "COLUMN") { i + 2 } else { i + 1 };
            if is(from + 1, "TO") {
                return Some(Ddl::RenameColumn { table, to: t.get(from + 2)?.name() });
            }
        }
        let col = if is(i + 1, "COLUMN") { i + 2 } else { i + 1 };
        let column = t.get(col)?.name();
        if is(i, "ADD") {
            let rest = top_level(&t[col + 1..]);
            let not_null = rest.windows(2).any(|w| w[0].is("NOT") && w[1].is("NULL"));
            // SQLite refuses `DEFAULT NULL NOT NULL` as it refuses no DEFAULT at all.
            let default = rest.windows(2).any(|w| w[0].is("DEFAULT") && !w[1].is("NULL"));
            // A generated column (`AS (…)`) computes its value, so it needs no DEFAULT.
            let generated = rest.iter().any(|x| x.is("AS"));
            return Some(Ddl::AddColumn { table, column, refused_with_rows: not_null && !default && !generated });
        }
        if is(i, "DROP") {
            return Some(Ddl::DropColumn { table, column });
        }
    }
    if is(0, "INSERT") || is(0, "REPLACE") {
        let from = (0..t.len()).filter(|&j| is(j, "FROM") || is(j, "JOIN")).filter_map(|j| name_at(&t, j + 1)).map(|(n, _)| n);
        return Some(Ddl::Copy { from: from.collect() });
    }
    None
}

fn parsed<'a>(file: &'a str, sql: &'a str) -> Vec<Parsed<'a>> {
    script::split(sql)
        .into_iter()
        .filter_map(|stmt| parse(stmt.text).map(|ddl| Parsed { file, line: stmt.line, ddl }))
        .collect()
}

/// The statement an object comes from: the CREATE that made it, or the
/// `ALTER TABLE … RENAME TO` that gave it its name.
#[derive(Debug, Clone)]
struct Origin {
    version: i64,
    file: String,
    line: usize,
}

/// An object that exists, by the ups read so far.
#[derive(Debug)]
struct Object {
    kind: String,
    /// For an index or trigger, its table (lowercase): it goes when the table goes.
    table: Option<String>,
    origin: Origin,
}

/// SQLite keeps trigger names apart; tables, views and indexes share one namespace.
fn namespace(kind: &str) -> &'static str {
    if kind == "trigger" { "trigger" } else { "table" }
}

/// What exists after the ups read so far (in order, through CREATE, DROP and
/// RENAME), by namespace and lowercase name; and which tables each table's
/// foreign keys name (lowercase), as SQLite rewrites them on a rename.
#[derive(Debug, Default)]
struct Objects(BTreeMap<(&'static str, String), Object>, BTreeMap<String, Vec<String>>);

impl Objects {
    fn get(&self, kind: &str, name: &str) -> Option<&Object> {
        self.0.get(&(namespace(kind), name.to_lowercase()))
    }

    fn table(&self, name: &str) -> Option<&Object> {
        self.get("table", name).filter(|o| o.kind == "table")
    }

    /// Whether `name` is a table an earlier migration made: one that may hold data.
    fn holds_data_before(&self, version: i64, name: &str) -> bool {
        self.table(name).is_some_and(|o| o.origin.version != version)
    }

    /// Records a CREATE; an object that already exists stays as it was, as in SQLite.
    fn create(&mut self, kind: &str, name: &str, table: Option<&str>, origin: Origin) {
        let table = table.map(str::to_lowercase);
        self.0.entry((namespace(kind), name.to_lowercase())).or_insert(Object { kind: kind.to_string(), table, origin });
    }

    /// The tables (lowercase) with a foreign key naming `table`, but itself.
    fn referencing(&self, table: &str) -> Vec<String> {
        let table = table.to_lowercase();
        self.1.iter().filter(|(t, refs)| **t != table && refs.contains(&table)).map(|(t, _)| t.clone()).collect()
    }

    fn drop(&mut self, kind: &str, name: &str) {
        let name = name.to_lowercase();
        if kind == "table" {
            self.1.remove(&name);
        }
        self.0.remove(&(namespace(kind), name.clone()));
        if kind == "table" || kind == "view" {
            self.0.retain(|_, o| o.table.as_deref() != Some(name.as_str()));
        }
    }

    /// The renamed table now comes from the rename; its indexes and triggers follow it.
    fn rename(&mut self, from: &str, to: &str, origin: Origin) {
        let (from, to) = (from.to_lowercase(), to.to_lowercase());
        if let Some(refs) = self.1.remove(&from) {
            self.1.insert(to.clone(), refs);
        }
        for target in self.1.values_mut().flatten().filter(|t| **t == from) {
            *target = to.clone();
        }
        self.0.remove(&("table", from.clone()));
        self.0.insert(("table", to.clone()), Object { kind: "table".into(), table: None, origin });
        for o in self.0.values_mut().filter(|o| o.table.as_deref() == Some(from.as_str())) {
            o.table = Some(to.clone());
        }
    }
}

/// Lints every file of `set`. `schema` is the schema after all ups (for
/// foreign keys without an index); without it that check is skipped. Safety
/// warnings come first, then by file (in migration order, up before down) and line.
pub fn lint(set: &MigrationSet, schema: Option<&Schema>) -> Vec<Warning> {
    let mut out = Vec::new();
    let mut objects = Objects::default();
    let mut files = Vec::new();
    for m in set.migrations() {
        let up = parsed(&m.up.file, m.up.text());
        let down = m.down.as_ref().map(|d| parsed(&d.file, d.text())).unwrap_or_default();
        files.push(m.up.file.as_str());
        files.extend(m.down.as_ref().map(|d| d.file.as_str()));
        out.extend(up.iter().chain(&down).filter_map(style));
        read_up(m.version, &up, &mut objects, &mut out);
    }
    if let Some(schema) = schema {
        out.extend(unindexed_foreign_keys(schema, &objects));
    }
    // Atlas refuses a directory whose atlas.sum does not match it (cmd/atlas/internal/cmdapi/migrate.go:1452-1476).
    if let Some((line, said)) = set.atlas_mismatch() {
        out.push(Warning {
            code: "atlas-sum-mismatch",
            category: Category::Safety,
            file: "atlas.sum".into(),
            line: *line,
            message: format!("atlas.sum does not match the folder (L{line}: {said}); Atlas refuses it, \"checksum mismatch\", until `atlas migrate hash` writes it again"),
        });
    }
    let rank = |file: &str| files.iter().position(|f| *f == file);
    out.sort_by_cached_key(|w| (w.category, rank(&w.file), w.line, w.code, w.message.clone()));
    out
}

/// The `IF [NOT] EXISTS` convention, in ups and downs alike.
fn style(p: &Parsed<'_>) -> Option<Warning> {
    match &p.ddl {
        Ddl::Create { kind, name, if_not_exists: false, .. } => {
            Some(p.warning("create-without-if-not-exists", format!("CREATE {} {name} without IF NOT EXISTS", kind.to_uppercase())))
        }
        Ddl::Drop { kind, name, if_exists: false } => {
            Some(p.warning("drop-without-if-exists", format!("DROP {} {name} without IF EXISTS", kind.to_uppercase())))
        }
        _ => None,
    }
}

/// Reads one up in order against what exists before it, warning where it
/// re-creates, deletes data or adds a column SQLite may refuse.
fn read_up(version: i64, up: &[Parsed<'_>], objects: &mut Objects, out: &mut Vec<Warning>) {
    for (i, p) in up.iter().enumerate() {
        let here = Origin { version, file: p.file.to_string(), line: p.line };
        match &p.ddl {
            Ddl::Create { kind, name, if_not_exists, table, references } => {
                if let Some(old) = objects.get(kind, name) {
                    let outcome = if *if_not_exists { "IF NOT EXISTS keeps the old definition" } else { "this CREATE fails" };
                    let Origin { file, line, .. } = &old.origin;
                    out.push(p.warning("created-twice", format!("{} {name} already exists (created by {file} line {line}): {outcome}", old.kind)));
                }
                if kind == "table" && objects.get(kind, name).is_none() {
                    objects.1.insert(name.to_lowercase(), references.clone());
                }
                objects.create(kind, name, table.as_deref(), here);
            }
            Ddl::Drop { kind, name, .. } => {
                if kind == "table" && objects.holds_data_before(version, name) && !rebuilt(up, i, name) {
                    out.push(p.warning("destructive-up", format!("DROP TABLE {name} in an up migration deletes its data")));
                }
                objects.drop(kind, name);
            }
            Ddl::Rename { from, to } => {
                let children = objects.referencing(from);
                let remade = up[i + 1..].iter().find(|q| matches!(&q.ddl, Ddl::Create { kind, name, .. } if kind == "table" && name.eq_ignore_ascii_case(from)));
                if let (false, Some(remade)) = (children.is_empty(), remade) {
                    out.push(p.warning(
                        "fk-follows-rename",
                        format!(
                            "ALTER TABLE {from} RENAME TO {to} re-points the foreign keys of {} to {to} (SQLite rewrites references on a rename), \
                             so they will not reference the new {from} made on line {}; create the new table under another name and rename it onto {from} instead",
                            children.join(", "),
                            remade.line
                        ),
                    ));
                }
                objects.rename(from, to, here)
            }
            Ddl::DropColumn { table, column } if objects.holds_data_before(version, table) && !column_rebuilt(up, i, table, column) => out.push(p.warning(
                "destructive-up",
                format!("ALTER TABLE {table} DROP COLUMN {column} in an up migration deletes its data"),
            )),
            Ddl::AddColumn { table, column, refused_with_rows: true } => out.push(p.warning(
                "add-column-not-null-without-default",
                format!("ALTER TABLE {table} ADD COLUMN {column} is NOT NULL without a DEFAULT: SQLite refuses it when {table} has rows"),
            )),
            _ => {}
        }
    }
}

/// Whether dropping column `column` at statement `i` of an up is part of a
/// column rebuild: the same up later renames another column onto its name
/// (add new, copy, drop old, rename new: how a column changes type in SQLite).
fn column_rebuilt(up: &[Parsed<'_>], i: usize, table: &str, column: &str) -> bool {
    up[i + 1..].iter().any(|p| {
        matches!(&p.ddl, Ddl::RenameColumn { table: t, to } if t.eq_ignore_ascii_case(table) && to.eq_ignore_ascii_case(column))
    })
}

/// Whether dropping table `name` at statement `i` of an up is part of a
/// rebuild, so its rows live on: they were copied out before, or another
/// table takes its name after.
fn rebuilt(up: &[Parsed<'_>], i: usize, name: &str) -> bool {
    let same = |n: &String| n.eq_ignore_ascii_case(name);
    up[..i].iter().any(|p| matches!(&p.ddl, Ddl::Copy { from } if from.iter().any(same)))
        || up[i + 1..].iter().any(|p| matches!(&p.ddl, Ddl::Rename { to, .. } if same(to)))
}

/// Foreign keys no index serves, so each delete (or key update) of a parent
/// row scans the child table. Reported at the statement that made the child
/// table; a table no statement made gets no warning rather than a wrong place.
fn unindexed_foreign_keys(schema: &Schema, objects: &Objects) -> Vec<Warning> {
    let mut out = Vec::new();
    for t in &schema.tables {
        let Some(made) = objects.table(&t.name) else { continue };
        let indexes = full_indexes(t);
        for fk in t.foreign_keys.iter().filter(|fk| !indexes.iter().any(|ix| starts_with(ix, &fk.columns))) {
            let (columns, target, name) = (fk.columns.join(", "), &fk.target, &t.name);
            out.push(Warning {
                code: "fk-without-index",
                category: category("fk-without-index"),
                file: made.origin.file.clone(),
                line: made.origin.line,
                message: format!(
                    "foreign key ({columns}) → {target} on table {name} has no index starting with {columns}: deletes and key updates in {target} scan {name}"
                ),
            });
        }
    }
    out
}

/// The key columns of every index on all of `t`'s rows (`None` for an
/// expression): the primary key, UNIQUE constraints and CREATE INDEX without
/// WHERE (a partial index leaves rows out, so it cannot find every child).
fn full_indexes(t: &Table) -> Vec<Vec<Option<&str>>> {
    fn columns(keys: &[Key]) -> Vec<Option<&str>> {
        keys.iter().map(|k| k.column.as_deref()).collect()
    }
    let mut pk: Vec<_> = t.columns.iter().filter(|c| c.primary_key > 0).collect();
    pk.sort_by_key(|c| c.primary_key);
    let mut out = vec![pk.iter().map(|c| Some(c.name.as_str())).collect()];
    out.extend(t.uniques.iter().map(|u| columns(&u.keys)));
    out.extend(t.indexes.iter().filter(|ix| !ix.partial).map(|ix| columns(&ix.keys)));
    out
}

/// Whether an index's leading keys are exactly `columns`, in any order: then
/// SQLite's planner can use it to find a parent row's children.
fn starts_with(index: &[Option<&str>], columns: &[String]) -> bool {
    index.len() >= columns.len()
        && columns.iter().all(|c| index[..columns.len()].iter().any(|k| k.is_some_and(|k| k.eq_ignore_ascii_case(c))))
}

/// How many warnings each code has: safety codes first, then the most frequent.
pub fn counts(warnings: &[Warning]) -> Vec<(Category, &'static str, usize)> {
    let mut out: Vec<(Category, &'static str, usize)> = Vec::new();
    for w in warnings {
        match out.iter_mut().find(|(_, code, _)| *code == w.code) {
            Some((_, _, n)) => *n += 1,
            None => out.push((w.category, w.code, 1)),
        }
    }
    out.sort_by_key(|&(category, code, n)| (category, Reverse(n), code));
    out
}

#[cfg(test)]
mod test {
    use super::*;

    fn set(files: &[(&str, &str)]) -> MigrationSet {
        MigrationSet::from_files(files.iter().map(|(n, t)| (n.to_string(), t.as_bytes().to_vec()))).unwrap()
    }

    /// The schema after every up of `s`, as verify hands it to lint.
    fn schema_after(s: &MigrationSet) -> Schema {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        for m in s.migrations() {
            conn.execute_batch(m.up.text()).unwrap();
        }
        crate::schema::snapshot(&conn).unwrap()
    }

    /// Lints `s` with its schema, keeping only the safety warnings.
    fn safety(s: &MigrationSet) -> Vec<Warning> {
        lint(s, Some(&schema_after(s))).into_iter().filter(|w| w.category == Category::Safety).collect()
    }

    fn codes(w: &[Warning]) -> Vec<(&str, &str, usize)> {
        w.iter().map(|w| (w.code, w.file.as_str(), w.line)).collect()
    }

    fn messages(w: &[Warning]) -> Vec<&str> {
        w.iter().map(|w| w.message.as_str()).collect()
    }

    #[test]
    fn the_bundled_set_is_clean_with_its_schema() {
        let s = MigrationSet::bundled();
        assert_eq!(lint(&s, Some(&schema_after(&s))), []);
    }

    #[test]
    fn missing_if_exists_and_if_not_exists_are_style_warnings_in_ups_and_downs() {
        let s = set(&[("1_a.up.sql", "CREATE TABLE a(x);\nCREATE INDEX IF NOT EXISTS ia ON a(x);"), ("1_a.down.sql", "\nDROP TABLE a;")]);
        let w = lint(&s, None);
        assert_eq!(codes(&w), [("create-without-if-not-exists", "1_a.up.sql", 1), ("drop-without-if-exists", "1_a.down.sql", 2)]);
        assert_eq!(messages(&w), ["CREATE TABLE a without IF NOT EXISTS", "DROP TABLE a without IF EXISTS"]);
        assert!(w.iter().all(|w| w.category == Category::Style));
    }

    #[test]
    fn safety_warnings_come_first_then_by_file_in_migration_order_and_line() {
        let s = set(&[
            ("9_a.up.sql", "CREATE TABLE t(x);"),
            ("9_a.down.sql", "DROP TABLE t;"),
            ("10_b.up.sql", "CREATE TABLE u(x);\nALTER TABLE t DROP COLUMN x;"),
            ("10_b.down.sql", ""),
        ]);
        let w = lint(&s, None);
        assert_eq!(
            codes(&w),
            [
                ("destructive-up", "10_b.up.sql", 2),
                ("create-without-if-not-exists", "9_a.up.sql", 1),
                ("drop-without-if-exists", "9_a.down.sql", 1),
                ("create-without-if-not-exists", "10_b.up.sql", 1),
            ]
        );
    }

    #[test]
    fn counts_are_per_code_safety_first_then_most_frequent() {
        let s = set(&[
            ("1_a.up.sql", "CREATE TABLE t(x, y);\nCREATE TABLE u(x);\nCREATE TABLE v(x);"),
            ("1_a.down.sql", "DROP TABLE t;"),
            ("2_b.up.sql", "ALTER TABLE t ADD z INT NOT NULL;"),
            ("2_b.down.sql", ""),
        ]);
        assert_eq!(
            counts(&lint(&s, None)),
            [
                (Category::Safety, "add-column-not-null-without-default", 1),
                (Category::Style, "create-without-if-not-exists", 3),
                (Category::Style, "drop-without-if-exists", 1),
            ]
        );
    }

    #[test]
    fn an_object_created_while_it_exists_names_where_it_was_made() {
        let s = set(&[
            ("1_a.up.sql", "CREATE TABLE IF NOT EXISTS t(x);\nCREATE TRIGGER IF NOT EXISTS tr AFTER INSERT ON t BEGIN SELECT 1; END;"),
            ("1_a.down.sql", "DROP TABLE IF EXISTS t;"),
            ("2_b.up.sql", "CREATE TRIGGER IF NOT EXISTS tr AFTER INSERT ON t BEGIN SELECT 2; END;"),
            ("2_b.down.sql", ""),
        ]);
        let w = lint(&s, None);
        assert_eq!(codes(&w), [("created-twice", "2_b.up.sql", 1)]);
        assert_eq!(messages(&w), ["trigger tr already exists (created by 1_a.up.sql line 2): IF NOT EXISTS keeps the old definition"]);
    }

    #[test]
    fn creating_an_existing_object_without_if_not_exists_says_the_create_fails() {
        // Tables and indexes share SQLite's namespace: an index may not take a table's name.
        let s = set(&[("1_a.up.sql", "CREATE TABLE IF NOT EXISTS t(x);\n\nCREATE INDEX IF NOT EXISTS ix ON t(x);\nCREATE INDEX t ON t(x);"), ("1_a.down.sql", "")]);
        let w: Vec<_> = lint(&s, None).into_iter().filter(|w| w.category == Category::Safety).collect();
        assert_eq!(codes(&w), [("created-twice", "1_a.up.sql", 4)]);
        assert_eq!(messages(&w), ["table t already exists (created by 1_a.up.sql line 1): this CREATE fails"]);
    }

    #[test]
    fn a_rebuild_or_a_drop_before_creating_again_is_not_created_twice() {
        let s = set(&[
            ("1_a.up.sql", "CREATE TABLE IF NOT EXISTS t(x);\nCREATE INDEX IF NOT EXISTS ix ON t(x);\nCREATE VIEW IF NOT EXISTS v AS SELECT x FROM t;"),
            ("1_a.down.sql", "DROP VIEW IF EXISTS v; DROP TABLE IF EXISTS t;"),
            // Rebuild by renaming the old table away: its index follows it and goes with it.
            (
                "2_b.up.sql",
                "ALTER TABLE t RENAME TO t_old;\nCREATE TABLE IF NOT EXISTS t(x, y);\nINSERT INTO t(x) SELECT x FROM t_old;\n\
                 DROP TABLE IF EXISTS t_old;\nCREATE INDEX IF NOT EXISTS ix ON t(x);",
            ),
            ("2_b.down.sql", ""),
            // The same up drops the view first.
            ("3_c.up.sql", "DROP VIEW IF EXISTS v;\nCREATE VIEW IF NOT EXISTS v AS SELECT x, y FROM t;"),
            ("3_c.down.sql", ""),
        ]);
        assert_eq!(lint(&s, None), []);
    }

    #[test]
    fn dropping_a_table_or_column_an_earlier_migration_made_is_destructive() {
        let s = set(&[
            ("1_a.up.sql", "CREATE TABLE IF NOT EXISTS t(x, c);\nCREATE TABLE IF NOT EXISTS old(x);"),
            ("1_a.down.sql", "DROP TABLE IF EXISTS t; DROP TABLE IF EXISTS old;"),
            ("2_b.up.sql", "DROP TABLE IF EXISTS old;\nALTER TABLE t DROP COLUMN c;\nDROP TABLE IF EXISTS never_made;"),
            ("2_b.down.sql", ""),
        ]);
        let w = lint(&s, None);
        assert_eq!(codes(&w), [("destructive-up", "2_b.up.sql", 1), ("destructive-up", "2_b.up.sql", 2)]);
        assert_eq!(
            messages(&w),
            ["DROP TABLE old in an up migration deletes its data", "ALTER TABLE t DROP COLUMN c in an up migration deletes its data"]
        );
    }

    #[test]
    fn renaming_a_referenced_table_away_before_making_it_anew_leaves_its_children_behind() {
        let s = set(&[
            ("1_a.up.sql", "CREATE TABLE IF NOT EXISTS repos(id INTEGER PRIMARY KEY);\nCREATE TABLE IF NOT EXISTS collabs(repo_id INTEGER REFERENCES repos(id));"),
            ("1_a.down.sql", "DROP TABLE IF EXISTS collabs; DROP TABLE IF EXISTS repos;"),
            ("2_b.up.sql", "ALTER TABLE repos RENAME TO repos_old;\nCREATE TABLE IF NOT EXISTS repos(id INTEGER PRIMARY KEY, owner INT);\nINSERT INTO repos SELECT id, 0 FROM repos_old;\nDROP TABLE IF EXISTS repos_old;"),
            ("2_b.down.sql", ""),
            ("3_c.up.sql", "CREATE TABLE IF NOT EXISTS t_new(id INTEGER PRIMARY KEY);\nDROP TABLE IF EXISTS t_new;"),
            ("3_c.down.sql", ""),
        ]);
        let w = lint(&s, None);
        assert_eq!(codes(&w), [("fk-follows-rename", "2_b.up.sql", 1)]);
        assert_eq!(
            w[0].message,
            "ALTER TABLE repos RENAME TO repos_old re-points the foreign keys of collabs to repos_old (SQLite rewrites references on a rename), \
             so they will not reference the new repos made on line 2; create the new table under another name and rename it onto repos instead"
        );
    }

    #[test]
    fn a_column_rebuild_is_not_destructive_and_unparsable_statements_are_not_guessed_at() {
        let s = set(&[
            ("1_a.up.sql", "CREATE TABLE IF NOT EXISTS users(id INTEGER PRIMARY KEY, pw TEXT NOT NULL);"),
            ("1_a.down.sql", "DROP TABLE IF EXISTS users;"),
            (
                "2_b.up.sql",
                "ALTER TABLE users ADD COLUMN pw_new TEXT;\nUPDATE users SET pw_new = pw;\nALTER TABLE users DROP COLUMN pw;\nALTER TABLE users RENAME pw_new TO pw;",
            ),
            ("2_b.down.sql", "DROP INDEX IF NOT EXISTS nothing;"),
        ]);
        assert_eq!(lint(&s, None), []);
    }

    #[test]
    fn a_table_rebuild_or_a_table_the_same_up_made_is_not_destructive() {
        let s = set(&[
            ("1_a.up.sql", "CREATE TABLE IF NOT EXISTS t(x);\nCREATE TABLE IF NOT EXISTS u(x);"),
            ("1_a.down.sql", "DROP TABLE IF EXISTS t; DROP TABLE IF EXISTS u;"),
            // SQLite's documented rebuild: copy into a new table, drop, rename the new one.
            (
                "2_b.up.sql",
                "CREATE TABLE IF NOT EXISTS t_new(x NOT NULL);\nINSERT INTO t_new SELECT x FROM t;\n\
                 DROP TABLE IF EXISTS t;\nALTER TABLE t_new RENAME TO t;",
            ),
            ("2_b.down.sql", ""),
            // Another table takes the dropped one's name, without a copy.
            ("3_c.up.sql", "CREATE TABLE IF NOT EXISTS u2(y);\nDROP TABLE IF EXISTS u;\nALTER TABLE u2 RENAME TO u;"),
            ("3_c.down.sql", ""),
            // A scratch table made and dropped by the same up holds no earlier data.
            ("4_d.up.sql", "CREATE TABLE IF NOT EXISTS scratch(x, y);\nALTER TABLE scratch DROP COLUMN y;\nDROP TABLE IF EXISTS scratch;"),
            ("4_d.down.sql", ""),
        ]);
        assert_eq!(lint(&s, None), []);
    }

    #[test]
    fn a_not_null_column_without_a_default_is_refused_when_the_table_has_rows() {
        let s = set(&[
            (
                "1_a.up.sql",
                "CREATE TABLE IF NOT EXISTS t(a);\nALTER TABLE t ADD COLUMN d INT NOT NULL;\nALTER TABLE t ADD e INT NOT NULL DEFAULT 0;\n\
                 ALTER TABLE t ADD f INT DEFAULT NULL NOT NULL;\nALTER TABLE t ADD g INT CHECK (g IS NOT NULL);\n\
                 ALTER TABLE t ADD h INT NOT NULL DEFAULT (1 + 1);",
            ),
            ("1_a.down.sql", ""),
        ]);
        let w = lint(&s, None);
        assert_eq!(codes(&w), [("add-column-not-null-without-default", "1_a.up.sql", 2), ("add-column-not-null-without-default", "1_a.up.sql", 4)]);
        assert_eq!(
            messages(&w),
            [
                "ALTER TABLE t ADD COLUMN d is NOT NULL without a DEFAULT: SQLite refuses it when t has rows",
                "ALTER TABLE t ADD COLUMN f is NOT NULL without a DEFAULT: SQLite refuses it when t has rows",
            ]
        );
    }

    #[test]
    fn a_generated_not_null_column_needs_no_default() {
        let s = set(&[
            ("1_a.up.sql", "CREATE TABLE IF NOT EXISTS t(a INT);\nALTER TABLE t ADD COLUMN b INT GENERATED ALWAYS AS (a * 2) VIRTUAL NOT NULL;\nALTER TABLE t ADD c AS (a + 1) NOT NULL;"),
            ("1_a.down.sql", ""),
        ]);
        assert_eq!(safety(&s), []);
    }

    #[test]
    fn a_foreign_key_without_an_index_is_flagged_at_the_create_of_its_table() {
        let s = set(&[
            (
                "1_a.up.sql",
                "CREATE TABLE IF NOT EXISTS p(id INTEGER PRIMARY KEY, a, b, UNIQUE (a, b));\n\n\
                 CREATE TABLE IF NOT EXISTS c(id INTEGER PRIMARY KEY, p_id INT REFERENCES p(id), a, b, FOREIGN KEY (a, b) REFERENCES p(a, b));",
            ),
            ("1_a.down.sql", "DROP TABLE IF EXISTS c; DROP TABLE IF EXISTS p;"),
        ]);
        let w = safety(&s);
        assert_eq!(codes(&w), [("fk-without-index", "1_a.up.sql", 3), ("fk-without-index", "1_a.up.sql", 3)]);
        assert_eq!(
            messages(&w),
            [
                "foreign key (a, b) → p on table c has no index starting with a, b: deletes and key updates in p scan c",
                "foreign key (p_id) → p on table c has no index starting with p_id: deletes and key updates in p scan c",
            ]
        );
    }

    #[test]
    fn a_foreign_key_led_by_an_index_unique_constraint_or_primary_key_is_not_flagged() {
        let s = set(&[
            (
                "1_a.up.sql",
                "CREATE TABLE IF NOT EXISTS p(id INTEGER PRIMARY KEY, a, b, UNIQUE (a, b));\n\
                 CREATE TABLE IF NOT EXISTS by_index(x, P_ID REFERENCES p(id), a, b, FOREIGN KEY (a, b) REFERENCES p(a, b));\n\
                 CREATE INDEX IF NOT EXISTS ix_p ON by_index(p_id DESC, x);\n\
                 CREATE INDEX IF NOT EXISTS ix_ab ON by_index(b, a, x);\n\
                 CREATE TABLE IF NOT EXISTS by_unique(x, p_id REFERENCES p(id), UNIQUE (p_id, x));\n\
                 CREATE TABLE IF NOT EXISTS by_composite_pk(p_id REFERENCES p(id), x, PRIMARY KEY (p_id, x)) WITHOUT ROWID;\n\
                 CREATE TABLE IF NOT EXISTS by_rowid(id INTEGER PRIMARY KEY REFERENCES p(id));",
            ),
            ("1_a.down.sql", ""),
        ]);
        assert_eq!(safety(&s), []);
    }

    #[test]
    fn a_partial_index_or_one_led_by_another_column_does_not_count() {
        let s = set(&[
            (
                "1_a.up.sql",
                "CREATE TABLE IF NOT EXISTS p(id INTEGER PRIMARY KEY);\n\
                 CREATE TABLE IF NOT EXISTS partial(p_id REFERENCES p(id), live);\n\
                 CREATE INDEX IF NOT EXISTS ix_live ON partial(p_id) WHERE live;\n\
                 CREATE TABLE IF NOT EXISTS second(x, p_id REFERENCES p(id), PRIMARY KEY (x, p_id));\n\
                 CREATE TABLE IF NOT EXISTS expression(p_id REFERENCES p(id));\n\
                 CREATE INDEX IF NOT EXISTS ix_expr ON expression(p_id + 0);",
            ),
            ("1_a.down.sql", ""),
        ]);
        let w = safety(&s);
        assert_eq!(codes(&w), [("fk-without-index", "1_a.up.sql", 2), ("fk-without-index", "1_a.up.sql", 4), ("fk-without-index", "1_a.up.sql", 5)]);
        assert_eq!(w[0].message, "foreign key (p_id) → p on table partial has no index starting with p_id: deletes and key updates in p scan partial");
    }

    #[test]
    fn a_table_made_by_a_rename_is_attributed_to_the_rename_statement() {
        let s = set(&[
            ("1_a.up.sql", "CREATE TABLE IF NOT EXISTS p(id INTEGER PRIMARY KEY);\nCREATE TABLE IF NOT EXISTS c(id INTEGER PRIMARY KEY);"),
            ("1_a.down.sql", ""),
            (
                "2_b.up.sql",
                "CREATE TABLE IF NOT EXISTS c_new(id INTEGER PRIMARY KEY, p_id REFERENCES p(id));\nINSERT INTO c_new(id) SELECT id FROM c;\n\
                 DROP TABLE IF EXISTS c;\n\n-- the new table takes the old name\nALTER TABLE c_new RENAME TO c;",
            ),
            ("2_b.down.sql", ""),
        ]);
        let w = safety(&s);
        assert_eq!(codes(&w), [("fk-without-index", "2_b.up.sql", 6)]);
        assert_eq!(w[0].message, "foreign key (p_id) → p on table c has no index starting with p_id: deletes and key updates in p scan c");
    }

    #[test]
    fn a_table_no_statement_made_gets_no_warning_rather_than_no_place() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE p(id INTEGER PRIMARY KEY); CREATE TABLE c(p_id REFERENCES p(id));").unwrap();
        let schema = crate::schema::snapshot(&conn).unwrap();
        let s = set(&[("1_a.up.sql", "SELECT 1;"), ("1_a.down.sql", "")]);
        assert_eq!(lint(&s, Some(&schema)), []);
    }
}
