//! An entity-relationship diagram of a schema: where each table's box goes and
//! where each foreign-key arrow runs. Pure layout; the page only draws it.
//!
//! Tables are laid out in layers by foreign-key depth (a table sits to the
//! right of every table it refers to), a tall layer wraps into several
//! columns, and arrows run between boxes, never through one
//! ([`layered`] says how).

use std::collections::HashMap;

use crate::schema::Schema;

mod layered;

const BOX_WIDTH: f64 = 230.0;
const HEADER: f64 = 26.0;
const ROW: f64 = 18.0;
const GAP_X: f64 = 90.0;
const GAP_Y: f64 = 28.0;
/// The room a link passing through a column keeps from what is above and below it.
const SLOT: f64 = 10.0;
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
    /// The arrow as an SVG path: curves leaving and arriving horizontally in the
    /// gaps between columns, straight lines where it passes a column between its boxes.
    pub path: String,
}

/// Lays out `schema`: see [`layered`] for how.
pub fn layout(schema: &Schema) -> Diagram {
    let tables = &schema.tables;
    let index: HashMap<&str, usize> = tables.iter().enumerate().map(|(i, t)| (t.name.as_str(), i)).collect();
    let rows: Vec<Vec<BoxRow>> = tables.iter().map(|t| rows(t)).collect();
    let heights: Vec<f64> = rows.iter().map(|r| HEADER + ROW * r.len() as f64 + 6.0).collect();
    // One link per foreign key whose table exists, in the schema's order: from
    // the referencing column's row to the referenced table's header.
    let mut links = Vec::new();
    let mut keys = Vec::new();
    for (i, t) in tables.iter().enumerate() {
        for fk in &t.foreign_keys {
            let Some(&j) = index.get(fk.target.as_str()) else { continue };
            let row = fk.columns.first().and_then(|c| rows[i].iter().position(|r| &r.text == c)).unwrap_or(0);
            links.push(layered::Link { from: i, to: j, from_port: HEADER + ROW * row as f64 + ROW / 2.0, to_port: HEADER / 2.0 });
            keys.push(fk);
        }
    }
    let spacing = layered::Spacing { width: BOX_WIDTH, gap_x: GAP_X, gap_y: GAP_Y, slot: SLOT, margin: MARGIN };
    let placed = layered::place(&heights, &links, &spacing);

    let mut rows: Vec<Option<Vec<BoxRow>>> = rows.into_iter().map(Some).collect();
    let boxes = placed
        .order
        .iter()
        .map(|&i| {
            let (t, x, y) = (&tables[i], placed.x[i], placed.y[i]);
            let rows = rows[i]
                .take()
                .expect("each table placed once")
                .into_iter()
                .enumerate()
                .map(|(n, row)| BoxRow { x: x + PAD_X, y: y + HEADER + ROW * n as f64 + ROW_BASELINE, key_x: x + BOX_WIDTH - PAD_X, ..row })
                .collect();
            TableBox {
                table: t.name.clone(),
                x,
                y,
                width: BOX_WIDTH,
                height: heights[i],
                header: HEADER,
                title: clip(&t.name, TITLE_CHARS),
                title_x: x + PAD_X,
                title_y: y + TITLE_BASELINE,
                rows,
                mark: None,
            }
        })
        .collect();
    let edges = links
        .iter()
        .zip(keys)
        .zip(placed.routes)
        .map(|((l, fk), r)| Edge {
            from: tables[l.from].name.clone(),
            columns: fk.columns.clone(),
            to: fk.target.clone(),
            x1: r.x1,
            y1: r.y1,
            x2: r.x2,
            y2: r.y2,
            path: r.path,
        })
        .collect();
    Diagram { width: placed.width.max(BOX_WIDTH + 2.0 * MARGIN), height: placed.height.max(2.0 * MARGIN), boxes, edges }
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
            [
                ("id", "id", Some("PK")),
                ("a_column_name_that_is_t…", "a_column_name_that_is_too_long", Some("FK")),
                ("+ 1 more column", "+ 1 more column", None)
            ]
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
        conn.execute_batch("CREATE TABLE t0(id INTEGER PRIMARY KEY); CREATE TABLE t1(id INTEGER PRIMARY KEY, prev INTEGER REFERENCES t0(id));").unwrap();
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

    // ---- Generated schemas and the geometry checks (issue 15). ----

    /// A schema of `n` tables with foreign keys of every shape a real one has:
    /// chains, fan-in (many tables referring to `t0`), fan-out (one table
    /// referring to four), junction tables (two keys), tables nobody refers to,
    /// a self-reference every sixth table, and a cycle (`t2` ↔ `t3`). Made
    /// in SQLite, picks from a fixed pseudo-random sequence, so it is the same
    /// every run.
    fn generated(n: usize) -> Schema {
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15 ^ n as u64;
        let mut pick = |below: usize| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as usize % below.max(1)
        };
        let mut sql = String::from("PRAGMA foreign_keys = OFF;");
        for i in 0..n {
            let mut refs: Vec<usize> = match i {
                0 => vec![],
                1 => vec![0],
                2 if n > 3 => vec![3, 0],
                3 => vec![2],
                _ => match i % 6 {
                    0 => vec![i - 1],
                    1 => vec![0],
                    2 => vec![pick(i), pick(i)],
                    3 => (0..4).map(|_| pick(i)).collect(),
                    4 => vec![],
                    _ => vec![pick(i), i],
                },
            };
            refs.dedup();
            let keys: String = refs.iter().enumerate().map(|(k, r)| format!(", r{k}_id INTEGER REFERENCES t{r}(id)")).collect();
            sql.push_str(&format!("CREATE TABLE t{i}(id INTEGER PRIMARY KEY, name TEXT NOT NULL{keys}, created_at TEXT);"));
        }
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(&sql).unwrap();
        crate::schema::snapshot(&conn).unwrap()
    }

    /// A drawing reduced to what the checks need: boxes (name, x, y, width,
    /// height) and arrows (from, to, SVG path).
    struct Drawn {
        boxes: Vec<(String, [f64; 4])>,
        edges: Vec<(String, String, String)>,
    }

    impl From<&Diagram> for Drawn {
        fn from(d: &Diagram) -> Self {
            Drawn {
                boxes: d.boxes.iter().map(|b| (b.table.clone(), [b.x, b.y, b.width, b.height])).collect(),
                edges: d.edges.iter().map(|e| (e.from.clone(), e.to.clone(), e.path.clone())).collect(),
            }
        }
    }

    /// Pairs of boxes whose insides overlap.
    fn overlapping(d: &Drawn) -> Vec<(String, String)> {
        let mut found = Vec::new();
        for (i, (a, [ax, ay, aw, ah])) in d.boxes.iter().enumerate() {
            for (b, [bx, by, bw, bh]) in &d.boxes[i + 1..] {
                if ax < &(bx + bw) && bx < &(ax + aw) && ay < &(by + bh) && by < &(ay + ah) {
                    found.push((a.clone(), b.clone()));
                }
            }
        }
        found
    }

    /// A path (`M`, `L`, `H`, `C` in absolute coordinates, as `layout` writes
    /// them) as a polyline, each cubic flattened into 33 segments (an odd count, so no sample lands where symmetric curves cross, t = ½).
    fn flatten(path: &str) -> Vec<(f64, f64)> {
        let tokens: Vec<String> = path.replace(',', " ").split_whitespace().map(str::to_owned).collect();
        let num = |i: usize| tokens[i].parse::<f64>().unwrap_or_else(|_| panic!("a number at {i} in {path}"));
        let mut points: Vec<(f64, f64)> = Vec::new();
        let mut i = 0;
        while i < tokens.len() {
            match tokens[i].as_str() {
                "M" | "L" => {
                    points.push((num(i + 1), num(i + 2)));
                    i += 3;
                }
                "H" => {
                    let y = points.last().expect("H after a point").1;
                    points.push((num(i + 1), y));
                    i += 2;
                }
                "C" => {
                    let p0 = *points.last().expect("C after a point");
                    let [p1, p2, p3] = [(num(i + 1), num(i + 2)), (num(i + 3), num(i + 4)), (num(i + 5), num(i + 6))];
                    for k in 1..=33 {
                        let t = k as f64 / 33.0;
                        let u = 1.0 - t;
                        let at = |a: f64, b: f64, c: f64, d: f64| u * u * u * a + 3.0 * u * u * t * b + 3.0 * u * t * t * c + t * t * t * d;
                        points.push((at(p0.0, p1.0, p2.0, p3.0), at(p0.1, p1.1, p2.1, p3.1)));
                    }
                    i += 7;
                }
                other => panic!("unexpected {other:?} in {path}"),
            }
        }
        points
    }

    /// Whether the segment p–q passes through the inside of the rectangle
    /// (shrunk by half a unit, so running along an edge or touching a corner
    /// does not count): Liang–Barsky clipping.
    fn enters(p: (f64, f64), q: (f64, f64), [x, y, w, h]: [f64; 4]) -> bool {
        let (x0, y0, x1, y1) = (x + 0.5, y + 0.5, x + w - 0.5, y + h - 0.5);
        let (dx, dy) = (q.0 - p.0, q.1 - p.1);
        let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
        for (step, room) in [(-dx, p.0 - x0), (dx, x1 - p.0), (-dy, p.1 - y0), (dy, y1 - p.1)] {
            if step == 0.0 {
                if room < 0.0 {
                    return false;
                }
            } else {
                let t = room / step;
                if step < 0.0 {
                    lo = lo.max(t);
                } else {
                    hi = hi.min(t);
                }
            }
        }
        lo < hi
    }

    /// Each (arrow, box) where the arrow passes through a box that is not one of its two ends.
    fn through_boxes(d: &Drawn) -> Vec<String> {
        let mut found = Vec::new();
        for (from, to, path) in &d.edges {
            let line = flatten(path);
            for (name, rect) in d.boxes.iter().filter(|(name, _)| name != from && name != to) {
                if line.windows(2).any(|s| enters(s[0], s[1], *rect)) {
                    found.push(format!("{from} → {to} passes through {name}"));
                }
            }
        }
        found
    }

    /// Pairs of arrows that cross (properly: touching where two arrows meet at
    /// the same header is not a crossing).
    fn crossings(d: &Drawn) -> usize {
        let lines: Vec<Vec<(f64, f64)>> = d.edges.iter().map(|(_, _, p)| flatten(p)).collect();
        let bounds: Vec<[f64; 4]> = lines
            .iter()
            .map(|l| l.iter().fold([f64::MAX, f64::MAX, f64::MIN, f64::MIN], |[a, b, c, d], &(x, y)| [a.min(x), b.min(y), c.max(x), d.max(y)]))
            .collect();
        let side = |a: (f64, f64), b: (f64, f64), c: (f64, f64)| (b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0);
        let cross = |p: (f64, f64), q: (f64, f64), r: (f64, f64), s: (f64, f64)| {
            if p.0.max(q.0) < r.0.min(s.0) || r.0.max(s.0) < p.0.min(q.0) || p.1.max(q.1) < r.1.min(s.1) || r.1.max(s.1) < p.1.min(q.1) {
                return false;
            }
            let (d1, d2, d3, d4) = (side(p, q, r), side(p, q, s), side(r, s, p), side(r, s, q));
            d1 * d2 < -1e-6 && d3 * d4 < -1e-6
        };
        let mut count = 0;
        for i in 0..lines.len() {
            for j in i + 1..lines.len() {
                let ([a0, a1, a2, a3], [b0, b1, b2, b3]) = (bounds[i], bounds[j]);
                if a2 < b0 || b2 < a0 || a3 < b1 || b3 < a1 {
                    continue;
                }
                let meet = lines[i].windows(2).any(|s| lines[j].windows(2).any(|t| cross(s[0], s[1], t[0], t[1])));
                count += usize::from(meet);
            }
        }
        count
    }

    /// The layout this one replaced (layers by depth wrapped into columns of
    /// √n, each arrow one curve from box to box, through whatever lay
    /// between), kept to measure crossings against.
    fn previous_layout(schema: &Schema) -> Drawn {
        let tables = &schema.tables;
        let index: HashMap<&str, usize> = tables.iter().enumerate().map(|(i, t)| (t.name.as_str(), i)).collect();
        let depth = depths(schema, &index);
        let per_column = ((tables.len() as f64).sqrt().ceil() as usize).max(4);
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); depth.iter().max().map_or(0, |d| d + 1)];
        for (i, &d) in depth.iter().enumerate() {
            members[d].push(i);
        }
        let mut at = vec![[0.0; 4]; tables.len()];
        let mut x = MARGIN;
        for column in members.iter().flat_map(|layer| layer.chunks(per_column)) {
            let mut y = MARGIN;
            for &i in column {
                let h = HEADER + ROW * rows(&tables[i]).len() as f64 + 6.0;
                at[i] = [x, y, BOX_WIDTH, h];
                y += h + GAP_Y;
            }
            x += BOX_WIDTH + GAP_X;
        }
        let mut edges = Vec::new();
        for (i, t) in tables.iter().enumerate() {
            let [fx, fy, fw, _] = at[i];
            for fk in &t.foreign_keys {
                let Some(&j) = index.get(fk.target.as_str()) else { continue };
                let [tx, ty, tw, _] = at[j];
                let row = fk.columns.first().and_then(|c| rows(t).iter().position(|r| &r.text == c)).unwrap_or(0);
                let y1 = fy + HEADER + ROW * row as f64 + ROW / 2.0;
                let (x1, x2) = if tx + tw <= fx { (fx, tx + tw) } else { (fx + fw, tx) };
                let y2 = ty + HEADER / 2.0;
                let mid = (x1 + x2) / 2.0;
                edges.push((t.name.clone(), fk.target.clone(), format!("M {x1} {y1} C {mid} {y1}, {mid} {y2}, {x2} {y2}")));
            }
        }
        Drawn { boxes: tables.iter().zip(at).map(|(t, r)| (t.name.clone(), r)).collect(), edges }
    }

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

    #[test]
    fn generated_schemas_of_10_60_and_150_tables_have_no_box_over_another() {
        for n in [10, 60, 150] {
            let d = layout(&generated(n));
            assert_eq!(d.boxes.len(), n);
            let overlaps = overlapping(&Drawn::from(&d));
            assert!(overlaps.is_empty(), "{n} tables: {overlaps:?}");
            for b in &d.boxes {
                assert!(b.x >= 0.0 && b.y >= 0.0 && b.x + b.width <= d.width && b.y + b.height <= d.height, "{n} tables: {} is outside", b.table);
            }
        }
    }

    #[test]
    fn generated_schemas_of_10_60_and_150_tables_have_no_arrow_through_a_box() {
        for n in [10, 60, 150] {
            let schema = generated(n);
            let d = layout(&schema);
            let keys: usize = schema.tables.iter().map(|t| t.foreign_keys.len()).sum();
            assert_eq!(d.edges.len(), keys, "one arrow per foreign key");
            let through = through_boxes(&Drawn::from(&d));
            assert!(through.is_empty(), "{n} tables: {} arrows through boxes: {through:?}", through.len());
            // The previous layout did run arrows through boxes here (what issue 15 reported).
            if n >= 60 {
                assert!(!through_boxes(&previous_layout(&schema)).is_empty());
            }
        }
    }

    #[test]
    fn generated_schemas_have_fewer_crossings_than_with_the_previous_layout() {
        // Against the previous layout on the same schemas: fewer crossings at 60 and 150
        // tables. Not zero: these schemas are not planar in layers (t0 alone is referred to
        // by a sixth of all tables, fan-out tables by four), so some crossings are forced.
        for n in [10, 60, 150] {
            let schema = generated(n);
            let (now, before) = (crossings(&Drawn::from(&layout(&schema))), crossings(&previous_layout(&schema)));
            eprintln!("{n} tables: {now} crossings, previously {before}");
            assert!(now <= before, "{n} tables: {now} crossings, previously {before}");
            if n >= 60 {
                assert!(now * 2 <= before, "{n} tables: {now} crossings, previously {before}: not even halved");
            }
        }
    }

    #[test]
    fn the_geometry_checks_catch_an_overlap_an_arrow_through_a_box_and_a_crossing() {
        let d = layout(&generated(10));
        let mut drawn = Drawn::from(&d);
        assert!(overlapping(&drawn).is_empty() && through_boxes(&drawn).is_empty());
        // Two boxes put together.
        drawn.boxes[1].1 = [drawn.boxes[0].1[0] + 20.0, drawn.boxes[0].1[1] + 10.0, 230.0, 60.0];
        assert_eq!(overlapping(&drawn), [(drawn.boxes[0].0.clone(), drawn.boxes[1].0.clone())]);
        // An arrow bent through the middle of a box it does not join.
        let mut drawn = Drawn::from(&d);
        let e = &d.edges[0];
        let other = d.boxes.iter().find(|b| b.table != e.from && b.table != e.to).unwrap();
        let (cx, cy) = (other.x + other.width / 2.0, other.y + other.height / 2.0);
        drawn.edges[0].2 = format!("M {} {} L {cx} {cy} L {} {}", e.x1, e.y1, e.x2, e.y2);
        assert_eq!(through_boxes(&drawn), [format!("{} → {} passes through {}", e.from, e.to, other.table)]);
        // Two arrows in an X cross once; two meeting at one header do not.
        let x = Drawn {
            boxes: vec![],
            edges: vec![
                ("a".into(), "b".into(), "M 0 0 C 50 0, 50 100, 100 100".into()),
                ("c".into(), "d".into(), "M 0 100 C 50 100, 50 0, 100 0".into()),
                ("e".into(), "d".into(), "M 0 50 C 50 50, 50 0, 100 0".into()),
            ],
        };
        assert_eq!(crossings(&x), 2);
    }

    #[test]
    fn the_same_schema_gives_the_same_diagram() {
        let schema = generated(60);
        assert_eq!(layout(&schema), layout(&schema));
    }
}
