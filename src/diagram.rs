//! An entity-relationship diagram of a schema: where each table's box goes and
//! where each foreign-key arrow runs. Pure layout; the page only draws it.
//!
//! Tables are laid out in layers by foreign-key depth (a table sits to the
//! right of every table it refers to), and a tall layer wraps into several
//! columns, so 30 or more tables stay readable.

use std::collections::HashMap;

use crate::schema::Schema;

const BOX_WIDTH: f64 = 230.0;
const HEADER: f64 = 26.0;
const ROW: f64 = 18.0;
const GAP_X: f64 = 90.0;
const GAP_Y: f64 = 28.0;
const MARGIN: f64 = 16.0;
/// Key columns shown per box before "+ N more".
const MAX_ROWS: usize = 8;
/// Where text starts inside a box, from its left edge (and the key label ends, from its right).
const PAD_X: f64 = 10.0;
/// The table name's baseline, below the box's top.
const TITLE_BASELINE: f64 = 18.0;
/// A row's baseline, below the row's top.
const ROW_BASELINE: f64 = 13.0;
/// The most characters of a table name a box shows (the rest becomes `…`).
const TITLE_CHARS: usize = 28;
/// The most characters of a row a box shows.
const ROW_CHARS: usize = 24;

/// A laid-out diagram, in SVG user units.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Diagram {
    /// Total width.
    pub width: f64,
    /// Total height.
    pub height: f64,
    /// One box per table.
    pub boxes: Vec<TableBox>,
    /// One arrow per foreign key, from the referencing column to the referenced table.
    pub edges: Vec<Edge>,
}

/// A table's box.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TableBox {
    /// The table.
    pub table: String,
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
    /// The header band's height, from the top edge.
    pub header: f64,
    /// The table name as shown: cut to fit, ending in `…` (the full name is `table`, for the tooltip).
    pub title: String,
    /// Where the name's text starts.
    pub title_x: f64,
    /// The name's baseline.
    pub title_y: f64,
    /// Lines under the header: key columns, then `+ N more columns`.
    pub rows: Vec<BoxRow>,
    /// What the last action did to the table (`added` or `changed`), if anything.
    pub mark: Option<crate::diff::Effect>,
}

/// One line in a box.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BoxRow {
    /// The text: a column name, or `+ 9 more columns`.
    pub text: String,
    /// `pk`, `fk`, `pk fk` or `more`.
    pub kind: String,
    /// The text as shown: cut to fit, ending in `…`.
    pub shown: String,
    /// Where the text starts.
    pub x: f64,
    /// The text's baseline.
    pub y: f64,
    /// The key label at the right end (`PK`, `FK`, `PK FK`), none for `more`.
    pub key: Option<String>,
    /// Where the key label ends (it is right-aligned there).
    pub key_x: f64,
}

/// A foreign-key arrow.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Edge {
    /// The referencing table.
    pub from: String,
    /// Its columns.
    pub columns: Vec<String>,
    /// The referenced table.
    pub to: String,
    /// Start (at the referencing column's row).
    pub x1: f64,
    /// Start y.
    pub y1: f64,
    /// End (at the referenced table's header).
    pub x2: f64,
    /// End y.
    pub y2: f64,
    /// The arrow as an SVG path: a curve leaving and arriving horizontally.
    pub path: String,
}

/// Lays out `schema`.
pub fn layout(schema: &Schema) -> Diagram {
    let tables = &schema.tables;
    let index: HashMap<&str, usize> = tables.iter().enumerate().map(|(i, t)| (t.name.as_str(), i)).collect();
    let depth = depths(schema, &index);
    let max_per_column = ((tables.len() as f64).sqrt().ceil() as usize).max(4);
    let layers = depth.iter().copied().max().map_or(0, |d| d + 1);
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); layers];
    for (i, &d) in depth.iter().enumerate() {
        members[d].push(i);
    }

    // Boxes in the schema's order, placed layer by layer.
    let mut placed: Vec<Option<TableBox>> = vec![None; tables.len()];
    let mut x = MARGIN;
    let mut height: f64 = 0.0;
    for layer in &members {
        for column in layer.chunks(max_per_column) {
            let mut y = MARGIN;
            for &i in column {
                let t = &tables[i];
                let rows = rows(t);
                let h = HEADER + ROW * rows.len() as f64 + 6.0;
                let rows = rows
                    .into_iter()
                    .enumerate()
                    .map(|(n, row)| BoxRow { x: x + PAD_X, y: y + HEADER + ROW * n as f64 + ROW_BASELINE, key_x: x + BOX_WIDTH - PAD_X, ..row })
                    .collect();
                placed[i] = Some(TableBox {
                    table: t.name.clone(),
                    x,
                    y,
                    width: BOX_WIDTH,
                    height: h,
                    header: HEADER,
                    title: clip(&t.name, TITLE_CHARS),
                    title_x: x + PAD_X,
                    title_y: y + TITLE_BASELINE,
                    rows,
                    mark: None,
                });
                y += h + GAP_Y;
            }
            height = height.max(y);
            x += BOX_WIDTH + GAP_X;
        }
    }
    let order: Vec<usize> = members.iter().flatten().copied().collect();
    let at = |i: usize| placed[i].as_ref().expect("every table is in a layer");

    let mut edges = Vec::new();
    for (i, t) in tables.iter().enumerate() {
        let from = at(i);
        for fk in &t.foreign_keys {
            let Some(&j) = index.get(fk.target.as_str()) else { continue };
            let to = at(j);
            let row = fk.columns.first().and_then(|c| from.rows.iter().position(|r| &r.text == c)).unwrap_or(0);
            let y1 = from.y + HEADER + ROW * row as f64 + ROW / 2.0;
            let (x1, x2) = if to.x + to.width <= from.x { (from.x, to.x + to.width) } else { (from.x + from.width, to.x) };
            let y2 = to.y + HEADER / 2.0;
            let mid = (x1 + x2) / 2.0;
            let path = format!("M {x1} {y1} C {mid} {y1}, {mid} {y2}, {x2} {y2}");
            edges.push(Edge { from: t.name.clone(), columns: fk.columns.clone(), to: fk.target.clone(), x1, y1, x2, y2, path });
        }
    }
    let boxes = order.into_iter().map(|i| placed[i].take().expect("placed once")).collect();
    Diagram { width: (x - GAP_X + MARGIN).max(BOX_WIDTH + 2.0 * MARGIN), height: height - GAP_Y + MARGIN, boxes, edges }
}

/// Each table's foreign-key depth: 0 for a table that refers to no other
/// table, else one more than the deepest table it refers to; a cycle is laid
/// out as if it ended where it closes. Iterative (an explicit stack, not
/// recursion), so a 10,000-table chain cannot overflow the stack, and linear.
fn depths(schema: &Schema, index: &HashMap<&str, usize>) -> Vec<usize> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnPath,
        Done(usize),
    }
    let targets: Vec<Vec<usize>> = schema
        .tables
        .iter()
        .enumerate()
        .map(|(i, t)| t.foreign_keys.iter().filter_map(|fk| index.get(fk.target.as_str()).copied()).filter(|&j| j != i).collect())
        .collect();
    let mut mark = vec![Mark::New; targets.len()];
    for root in 0..targets.len() {
        if mark[root] != Mark::New {
            continue;
        }
        // (table, how many of its targets are handled, deepest so far)
        let mut stack = vec![(root, 0usize, 0usize)];
        mark[root] = Mark::OnPath;
        while let Some(top) = stack.last_mut() {
            let (table, next, deepest) = *top;
            match targets[table].get(next) {
                Some(&target) => {
                    top.1 += 1;
                    match mark[target] {
                        Mark::Done(d) => top.2 = deepest.max(d + 1),
                        Mark::OnPath => top.2 = deepest.max(1),
                        Mark::New => {
                            mark[target] = Mark::OnPath;
                            stack.push((target, 0, 0));
                        }
                    }
                }
                None => {
                    mark[table] = Mark::Done(deepest);
                    stack.pop();
                    if let Some(parent) = stack.last_mut() {
                        parent.2 = parent.2.max(deepest + 1);
                    }
                }
            }
        }
    }
    mark.into_iter().map(|m| if let Mark::Done(d) = m { d } else { 0 }).collect()
}

/// `text` cut to `n` characters, the last one `…`, when longer.
fn clip(text: &str, n: usize) -> String {
    if text.chars().count() <= n {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(n - 1).collect();
    cut.push('…');
    cut
}

/// A row placed at the origin (`layout` moves it into its box).
fn row(text: String, kind: &str) -> BoxRow {
    let key = (kind != "more").then(|| kind.to_ascii_uppercase());
    BoxRow { shown: clip(&text, ROW_CHARS), text, kind: kind.into(), x: 0.0, y: 0.0, key, key_x: 0.0 }
}

fn rows(t: &crate::schema::Table) -> Vec<BoxRow> {
    let is_fk = |c: &str| t.foreign_keys.iter().any(|fk| fk.columns.iter().any(|x| x == c));
    let mut keys: Vec<BoxRow> = t
        .columns
        .iter()
        .filter(|c| c.primary_key > 0 || is_fk(&c.name))
        .map(|c| {
            let kind = match (c.primary_key > 0, is_fk(&c.name)) {
                (true, true) => "pk fk",
                (true, false) => "pk",
                _ => "fk",
            };
            row(c.name.clone(), kind)
        })
        .collect();
    keys.truncate(MAX_ROWS);
    let rest = t.columns.len() - keys.len();
    if rest > 0 {
        keys.push(row(format!("+ {rest} more column{}", if rest == 1 { "" } else { "s" }), "more"));
    }
    keys
}

#[cfg(test)]
mod test {
    use super::*;
    use crate::{MigrationSet, Playground, Target};

    #[test]
    fn the_bundled_schema_puts_the_junction_right_of_what_it_refers_to() {
        let mut pg = Playground::in_memory(MigrationSet::bundled()).unwrap();
        pg.migrate(Target::Up(None)).unwrap();
        let d = layout(&pg.schema().unwrap());
        assert_eq!(d.boxes.len(), 6);
        let x = |name: &str| d.boxes.iter().find(|b| b.table == name).unwrap().x;
        assert!(x("workflow_tasks") > x("tasks") && x("workflow_tasks") > x("workflows"));
        let edges: Vec<(&str, &str)> = d.edges.iter().map(|e| (e.from.as_str(), e.to.as_str())).collect();
        assert_eq!(edges, [("workflow_tasks", "tasks"), ("workflow_tasks", "workflows")]);
        let junction = d.boxes.iter().find(|b| b.table == "workflow_tasks").unwrap();
        let rows: Vec<(&str, &str)> = junction.rows.iter().map(|r| (r.text.as_str(), r.kind.as_str())).collect();
        assert_eq!(rows, [("workflow_id", "pk fk"), ("task_id", "pk fk"), ("+ 2 more columns", "more")]);
        for e in &d.edges {
            assert!(e.x2 < e.x1, "arrows point left, to the referenced table");
        }
    }

    #[test]
    fn a_box_carries_the_geometry_and_the_cut_texts_the_page_draws() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE a_table_name_that_is_far_too_long_to_fit(id INTEGER PRIMARY KEY);
             CREATE TABLE b(id INTEGER PRIMARY KEY, a_column_name_that_is_too_long INTEGER REFERENCES a_table_name_that_is_far_too_long_to_fit(id), x);",
        )
        .unwrap();
        let d = layout(&crate::schema::snapshot(&conn).unwrap());
        let a = &d.boxes[0];
        assert_eq!(a.title, "a_table_name_that_is_far_to…");
        assert_eq!(a.title.chars().count(), 28);
        assert_eq!((a.header, a.title_x, a.title_y), (26.0, a.x + 10.0, a.y + 18.0));
        let b = &d.boxes[1];
        let rows: Vec<(&str, &str, Option<&str>)> = b.rows.iter().map(|r| (r.shown.as_str(), r.text.as_str(), r.key.as_deref())).collect();
        assert_eq!(
            rows,
            [("id", "id", Some("PK")), ("a_column_name_that_is_t…", "a_column_name_that_is_too_long", Some("FK")), ("+ 1 more column", "+ 1 more column", None)]
        );
        assert_eq!((b.rows[1].x, b.rows[1].y, b.rows[1].key_x), (b.x + 10.0, b.y + 26.0 + 18.0 + 13.0, b.x + b.width - 10.0));
        let e = &d.edges[0];
        let mid = (e.x1 + e.x2) / 2.0;
        assert_eq!(e.path, format!("M {} {} C {mid} {}, {mid} {}, {} {}", e.x1, e.y1, e.y1, e.y2, e.x2, e.y2));
    }

    #[test]
    fn thirty_tables_wrap_into_columns_without_overlap() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let sql: String = (0..30).map(|i| format!("CREATE TABLE t{i:02}(id INTEGER PRIMARY KEY, a, b);")).collect();
        conn.execute_batch(&sql).unwrap();
        let d = layout(&crate::schema::snapshot(&conn).unwrap());
        assert_eq!(d.boxes.len(), 30);
        for (i, a) in d.boxes.iter().enumerate() {
            for b in &d.boxes[i + 1..] {
                let apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
                assert!(apart, "{} and {} overlap", a.table, b.table);
            }
        }
        assert!(d.height < 1000.0 && d.width < 2000.0, "{} x {}", d.width, d.height);
    }

    #[test]
    fn a_ten_thousand_table_foreign_key_chain_lays_out_without_recursion() {
        // Two real tables, then the second copied into a chain t1 → t0, t2 → t1, …
        // (creating 10,000 tables in SQLite would take seconds of the test run).
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t0(id INTEGER PRIMARY KEY); CREATE TABLE t1(id INTEGER PRIMARY KEY, prev INTEGER REFERENCES t0(id));")
            .unwrap();
        let mut schema = crate::schema::snapshot(&conn).unwrap();
        let link = schema.tables[1].clone();
        for i in 2..10_000 {
            let mut t = (*link).clone();
            t.name = format!("t{i}");
            t.foreign_keys[0].target = format!("t{}", i - 1);
            schema.tables.push(std::sync::Arc::new(t));
        }
        // On a small thread stack, as the wasm's: recursion one frame per table would overflow it.
        let d = std::thread::Builder::new().stack_size(256 * 1024).spawn(move || layout(&schema)).unwrap().join().unwrap();
        assert_eq!(d.boxes.len(), 10_000);
        assert_eq!(d.edges.len(), 9_999);
        let x = |name: &str| d.boxes.iter().find(|b| b.table == name).unwrap().x;
        assert!(x("t9999") > x("t5000") && x("t5000") > x("t0"), "each table right of the one it refers to");
    }

    #[test]
    fn a_foreign_key_cycle_is_laid_out_once_per_table() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE a(id INTEGER PRIMARY KEY, b_id REFERENCES b(id));
             CREATE TABLE b(id INTEGER PRIMARY KEY, a_id REFERENCES a(id));
             CREATE TABLE c(id INTEGER PRIMARY KEY, a_id REFERENCES a(id), me REFERENCES c(id));",
        )
        .unwrap();
        let d = layout(&crate::schema::snapshot(&conn).unwrap());
        let names: Vec<&str> = d.boxes.iter().map(|b| b.table.as_str()).collect();
        assert_eq!(names, ["b", "a", "c"]);
        assert_eq!(d.edges.len(), 4);
    }
}
