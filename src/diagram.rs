//! An entity-relationship diagram of a schema: where each table's box goes and
//! where each foreign-key arrow runs. Pure layout; the page only draws it.
//!
//! Tables are laid out in layers by foreign-key depth (a table sits to the
//! right of every table it refers to), and a tall layer wraps into several
//! columns, so 30 or more tables stay readable.

use std::collections::BTreeMap;

use crate::schema::Schema;

const BOX_WIDTH: f64 = 230.0;
const HEADER: f64 = 26.0;
const ROW: f64 = 18.0;
const GAP_X: f64 = 90.0;
const GAP_Y: f64 = 28.0;
const MARGIN: f64 = 16.0;
/// Key columns shown per box before "+ N more".
const MAX_ROWS: usize = 8;

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
    /// Lines under the header: key columns, then `+ N more columns`.
    pub rows: Vec<BoxRow>,
}

/// One line in a box.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BoxRow {
    /// The text: a column name, or `+ 9 more columns`.
    pub text: String,
    /// `pk`, `fk`, `pk fk` or `more`.
    pub kind: String,
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
}

/// Lays out `schema`.
pub fn layout(schema: &Schema) -> Diagram {
    let names: Vec<&str> = schema.tables.iter().map(|t| t.name.as_str()).collect();
    let mut depth: BTreeMap<&str, usize> = BTreeMap::new();
    for name in &names {
        depth_of(schema, name, &mut depth, &mut Vec::new());
    }
    let max_per_column = ((names.len() as f64).sqrt().ceil() as usize).max(4);

    let mut boxes: Vec<TableBox> = Vec::new();
    let mut x = MARGIN;
    let mut height: f64 = 0.0;
    let layers = depth.values().copied().max().map_or(0, |d| d + 1);
    for layer in 0..layers {
        let members: Vec<&str> = names.iter().copied().filter(|n| depth[n] == layer).collect();
        for column in members.chunks(max_per_column) {
            let mut y = MARGIN;
            for name in column {
                let t = schema.tables.iter().find(|t| t.name == *name).expect("a name from the schema");
                let rows = rows(t);
                let h = HEADER + ROW * rows.len() as f64 + 6.0;
                boxes.push(TableBox { table: t.name.clone(), x, y, width: BOX_WIDTH, height: h, rows });
                y += h + GAP_Y;
            }
            height = height.max(y);
            x += BOX_WIDTH + GAP_X;
        }
    }

    let mut edges = Vec::new();
    for t in &schema.tables {
        let from = boxes.iter().find(|b| b.table == t.name).expect("every table has a box");
        for fk in &t.foreign_keys {
            let Some(to) = boxes.iter().find(|b| b.table == fk.target) else { continue };
            let row = from.rows.iter().position(|r| r.text == fk.columns[0]).unwrap_or(0);
            let y1 = from.y + HEADER + ROW * row as f64 + ROW / 2.0;
            let (x1, x2) = if to.x + to.width <= from.x { (from.x, to.x + to.width) } else { (from.x + from.width, to.x) };
            edges.push(Edge { from: t.name.clone(), columns: fk.columns.clone(), to: fk.target.clone(), x1, y1, x2, y2: to.y + HEADER / 2.0 });
        }
    }
    Diagram { width: (x - GAP_X + MARGIN).max(BOX_WIDTH + 2.0 * MARGIN), height: height - GAP_Y + MARGIN, boxes, edges }
}

/// Foreign-key depth: 0 for a table that refers to no other table.
fn depth_of<'a>(schema: &'a Schema, name: &'a str, memo: &mut BTreeMap<&'a str, usize>, path: &mut Vec<&'a str>) -> usize {
    if let Some(&d) = memo.get(name) {
        return d;
    }
    if path.contains(&name) {
        return 0; // a cycle: lay it out as if it ended here
    }
    path.push(name);
    let t = schema.tables.iter().find(|t| t.name == name);
    let d = t
        .into_iter()
        .flat_map(|t| &t.foreign_keys)
        .filter(|fk| fk.target != name && schema.tables.iter().any(|t| t.name == fk.target))
        .map(|fk| depth_of(schema, &fk.target, memo, path) + 1)
        .max()
        .unwrap_or(0);
    path.pop();
    memo.insert(name, d);
    d
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
            BoxRow { text: c.name.clone(), kind: kind.into() }
        })
        .collect();
    keys.truncate(MAX_ROWS);
    let rest = t.columns.len() - keys.len();
    if rest > 0 {
        keys.push(BoxRow { text: format!("+ {rest} more column{}", if rest == 1 { "" } else { "s" }), kind: "more".into() });
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
}
