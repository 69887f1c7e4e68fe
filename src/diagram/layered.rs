//! A layered (Sugiyama-style) drawing of a directed graph whose nodes are
//! boxes of one width and their own heights, laid out left to right: every
//! link points from a node to one in a column on its left (a table sits right
//! of the tables it refers to), and links run only through the free space
//! between and beside boxes, so none passes through a box.
//!
//! The steps, each a plain loop (no recursion: a 10,000-table chain must not
//! overflow the wasm's stack), and each deterministic:
//! 1. cycle breaking and layering in one depth-first pass: a link that closes
//!    a cycle is turned around, then each node takes the lowest layer right
//!    of everything it points to (longest path), and a node only pointed at
//!    moves right, next to what points to it;
//! 2. wrapping: a layer of more than about √n boxes becomes several columns,
//!    as the old layout did, so a schema of many unrelated tables is a block,
//!    not one very tall column;
//! 3. a dummy node in each column a link passes, so a long link runs through
//!    a slot of its own between the boxes of that column;
//! 4. crossing reduction: barycenter sweeps left to right and back, keeping
//!    the order with the fewest crossings (counted exactly per pair of
//!    columns), then adjacent swaps that remove crossings;
//! 5. vertical placement: each node is pulled toward the mean height of its
//!    neighbours (dummies pulled harder, so long links stay straight), then
//!    put at the nearest heights that keep the column's order and gaps (an
//!    isotonic regression, pool-adjacent-violators), a few rounds;
//! 6. routing: between two columns a link is a cubic curve whose control
//!    points lie in the gap, so it stays in the gap; across a column it is a
//!    straight line through its dummy's slot.
//!
//! Crates looked at first (issue 15): `rust-sugiyama` 0.4 places nodes only
//! (no routes through the dummies' slots, which are what keeps a long link
//! out of boxes) and brings `petgraph`; `layout-rs` is a Graphviz renderer
//! (DOT parser, shapes, SVG back end) of which we would use a small part;
//! `dagre` 0.1 (a dagre.js port) is young and carries a graph-algorithm
//! library. Each would add more to the page's wasm (issue 14) than this file,
//! and none routes edges as we need, so the layout is written here.

/// A link from `from`'s port to `to`'s port (ports are heights inside the boxes).
pub(super) struct Link {
    pub from: usize,
    pub to: usize,
    pub from_port: f64,
    pub to_port: f64,
}

/// Sizes and gaps, in SVG user units.
pub(super) struct Spacing {
    /// Every box's width (the width of a column).
    pub width: f64,
    /// The gap between two columns, where links bend.
    pub gap_x: f64,
    /// The gap between two boxes in a column.
    pub gap_y: f64,
    /// The space a link's slot keeps from its neighbours in a column.
    pub slot: f64,
    /// Around the drawing.
    pub margin: f64,
}

/// Where a link runs: from its start (at `from`) to its end (at `to`).
pub(super) struct Route {
    pub x1: f64,
    pub y1: f64,
    pub x2: f64,
    pub y2: f64,
    /// An SVG path.
    pub path: String,
}

/// The result: each node's top-left corner, the drawing's size, a route per link.
pub(super) struct Placement {
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    pub width: f64,
    pub height: f64,
    pub routes: Vec<Route>,
    /// The nodes column by column, top to bottom.
    pub order: Vec<usize>,
}

/// How far a self-reference's loop reaches right of its box.
const LOOP: f64 = 36.0;
/// Crossing-reduction sweeps at most (each one pass over all columns).
const SWEEPS: usize = 24;
/// Vertical placement rounds.
const ROUNDS: usize = 12;

/// Lays out nodes of the given heights, joined by `links`.
pub(super) fn place(heights: &[f64], links: &[Link], s: &Spacing) -> Placement {
    let n = heights.len();
    let layer = layers(n, links);
    let column = wrap(n, links, &layer);
    let mut g = Layered::new(heights, links, &column);
    g.order();
    g.transpose();
    g.heights(s);

    let col_x = |c: usize| s.margin + c as f64 * (s.width + s.gap_x);
    let x: Vec<f64> = (0..n).map(|v| col_x(g.col[v])).collect();
    let y: Vec<f64> = g.y[..n].to_vec();
    let routes = links
        .iter()
        .zip(&g.chains)
        .map(|(l, chain)| {
            let (y1, y2) = (y[l.from] + l.from_port, y[l.to] + l.to_port);
            if l.from == l.to {
                let (x1, reach) = (x[l.from] + s.width, x[l.from] + s.width + LOOP);
                return Route { x1, y1, x2: x1, y2, path: format!("M {x1} {y1} C {reach} {y1}, {reach} {y2}, {x1} {y2}") };
            }
            // Leftward (the usual way) leaves from the box's left side; a link turned
            // around to break a cycle leaves rightward, from its right side.
            let left = g.col[l.from] > g.col[l.to];
            let (x1, x2) = if left { (x[l.from], x[l.to] + s.width) } else { (x[l.from] + s.width, x[l.to]) };
            let mut path = format!("M {x1} {y1}");
            let (mut xa, mut ya) = (x1, y1);
            // The chain runs from the right end to the left end; walk it from `from`.
            let inner = &chain[1..chain.len() - 1];
            let dummies: Vec<usize> = if left { inner.to_vec() } else { inner.iter().rev().copied().collect() };
            for d in dummies {
                let (enter, exit) = if left { (col_x(g.col[d]) + s.width, col_x(g.col[d])) } else { (col_x(g.col[d]), col_x(g.col[d]) + s.width) };
                let yd = g.y[d];
                curve(&mut path, xa, ya, enter, yd);
                path.push_str(&format!(" H {exit}"));
                (xa, ya) = (exit, yd);
            }
            curve(&mut path, xa, ya, x2, y2);
            Route { x1, y1, x2, y2, path }
        })
        .collect();

    let columns = g.columns.len();
    let loops_last = links.iter().any(|l| l.from == l.to && g.col[l.from] + 1 == columns);
    let right = if loops_last { s.margin.max(LOOP) } else { s.margin };
    let width = if columns == 0 { 2.0 * s.margin } else { col_x(columns - 1) + s.width + right };
    let height = (0..n).map(|v| y[v] + heights[v]).fold(0.0, f64::max) + s.margin;
    let order = g.columns.iter().flatten().copied().filter(|&v| v < n).collect();
    Placement { x, y, width, height, routes, order }
}

/// A cubic from (xa, ya) to (xb, yb) leaving and arriving horizontally: its
/// control points lie between xa and xb, so the curve stays in that band.
fn curve(path: &mut String, xa: f64, ya: f64, xb: f64, yb: f64) {
    let mid = (xa + xb) / 2.0;
    path.push_str(&format!(" C {mid} {ya}, {mid} {yb}, {xb} {yb}"));
}

/// Each node's layer (0 leftmost). One iterative depth-first pass: a link to
/// a node still open on the path closes a cycle and is turned around (its
/// target must then sit right of its source); every other link's source sits
/// right of its target. Then nodes that others point to move right, to just
/// left of the nearest of those, which shortens the links into them.
fn layers(n: usize, links: &[Link]) -> Vec<usize> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        Open,
        Done,
    }
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for l in links.iter().filter(|l| l.from != l.to) {
        out[l.from].push(l.to);
    }
    let mut state = vec![State::New; n];
    let mut layer = vec![0usize; n];
    // The lowest layer a node may take, raised as what it must be right of is done.
    let mut floor = vec![0usize; n];
    // Open nodes that must sit right of a node (its links turned around).
    let mut turned: Vec<Vec<usize>> = vec![Vec::new(); n];
    for root in 0..n {
        if state[root] != State::New {
            continue;
        }
        state[root] = State::Open;
        let mut stack = vec![(root, 0usize)];
        while let Some(top) = stack.last_mut() {
            let v = top.0;
            if let Some(&t) = out[v].get(top.1) {
                top.1 += 1;
                match state[t] {
                    State::Done => floor[v] = floor[v].max(layer[t] + 1),
                    State::Open => turned[v].push(t),
                    State::New => {
                        state[t] = State::Open;
                        stack.push((t, 0));
                    }
                }
            } else {
                stack.pop();
                layer[v] = floor[v];
                state[v] = State::Done;
                for &t in &turned[v] {
                    floor[t] = floor[t].max(layer[v] + 1);
                }
                if let Some(&(parent, _)) = stack.last() {
                    floor[parent] = floor[parent].max(layer[v] + 1);
                }
            }
        }
    }
    // Move right the nodes that others point to, from the right, so each sees
    // its right-hand neighbours' final layers.
    let mut right_of: Vec<Vec<usize>> = vec![Vec::new(); n];
    for l in links.iter().filter(|l| l.from != l.to) {
        let (a, b) = if layer[l.from] > layer[l.to] { (l.from, l.to) } else { (l.to, l.from) };
        right_of[b].push(a);
    }
    for v in sorted((0..n).map(|v| (usize::MAX - layer[v], v)).collect()) {
        if let Some(nearest) = right_of[v].iter().map(|&a| layer[a]).min() {
            layer[v] = layer[v].max(nearest - 1);
        }
    }
    layer
}

/// Each node's column: its layer's, or, in a layer of more than about √n
/// nodes, one of several columns that layer wraps into. Nodes with more links
/// to the left than from the right take the layer's left columns, so fewer
/// links have to cross the layer's other columns.
fn wrap(n: usize, links: &[Link], layer: &[usize]) -> Vec<usize> {
    let cap = ((n as f64).sqrt().ceil() as usize).max(4);
    let layers = layer.iter().copied().max().map_or(0, |l| l + 1);
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); layers];
    for (v, &l) in layer.iter().enumerate() {
        members[l].push(v);
    }
    let mut balance = vec![0i64; n];
    for l in links.iter().filter(|l| l.from != l.to) {
        let (a, b) = if layer[l.from] > layer[l.to] { (l.from, l.to) } else { (l.to, l.from) };
        balance[a] -= 1;
        balance[b] += 1;
    }
    let mut column = vec![0usize; n];
    let mut base = 0;
    // Balances are at least minus the number of links.
    let lowest = links.len() as i64;
    for nodes in members {
        let k = nodes.len().div_ceil(cap).max(1);
        let per = nodes.len().div_ceil(k).max(1);
        let nodes = sorted(nodes.into_iter().map(|v| ((balance[v] + lowest) as usize, v)).collect());
        for (j, chunk) in nodes.chunks(per).enumerate() {
            for &v in chunk {
                column[v] = base + j;
            }
        }
        base += k;
    }
    column
}

/// The graph with a dummy node wherever a link crosses a column.
struct Layered {
    col: Vec<usize>,
    height: Vec<f64>,
    /// Real nodes are 0..real; dummies follow.
    real: usize,
    /// Neighbours in the column to the left and to the right.
    left: Vec<Vec<usize>>,
    right: Vec<Vec<usize>>,
    /// Per link, its nodes from the right end to the left end (empty for a self-reference).
    chains: Vec<Vec<usize>>,
    /// Each column's nodes, top to bottom.
    columns: Vec<Vec<usize>>,
    /// Each node's index in its column.
    pos: Vec<usize>,
    /// Each node's top.
    y: Vec<f64>,
}

impl Layered {
    fn new(heights: &[f64], links: &[Link], column: &[usize]) -> Self {
        let real = heights.len();
        let mut col = column.to_vec();
        let mut height = heights.to_vec();
        let mut left = vec![Vec::new(); real];
        let mut right = vec![Vec::new(); real];
        let mut chains = Vec::with_capacity(links.len());
        for l in links {
            if l.from == l.to {
                chains.push(Vec::new());
                continue;
            }
            let (a, b) = if col[l.from] > col[l.to] { (l.from, l.to) } else { (l.to, l.from) };
            let mut chain = vec![a];
            for c in (col[b] + 1..col[a]).rev() {
                col.push(c);
                height.push(0.0);
                left.push(Vec::new());
                right.push(Vec::new());
                chain.push(col.len() - 1);
            }
            chain.push(b);
            for pair in chain.windows(2) {
                left[pair[0]].push(pair[1]);
                right[pair[1]].push(pair[0]);
            }
            chains.push(chain);
        }
        let count = col.iter().copied().max().map_or(0, |c| c + 1);
        let mut columns = vec![Vec::new(); count];
        let mut pos = vec![0; col.len()];
        for (v, &c) in col.iter().enumerate() {
            pos[v] = columns[c].len();
            columns[c].push(v);
        }
        let y = vec![0.0; col.len()];
        Layered { col, height, real, left, right, chains, columns, pos, y }
    }

    /// Crossings between column `c` and column `c + 1`: the links sorted by
    /// their left end, then the inversions among their right ends (counted
    /// with a Fenwick tree), O(e log e).
    fn crossings_at(&self, c: usize) -> usize {
        let mut pairs: Vec<(usize, usize)> =
            self.columns[c].iter().flat_map(|&v| self.right[v].iter().map(move |&w| (v, w))).map(|(v, w)| (self.pos[v], self.pos[w])).collect();
        pairs.sort_unstable();
        let size = self.columns[c + 1].len();
        let mut tree = vec![0usize; size + 1];
        let mut crossings = 0;
        for (seen, (_, r)) in pairs.into_iter().enumerate() {
            // How many seen so far end below r (at a greater index): they cross this one.
            let mut i = r + 1;
            let mut at_most = 0;
            while i > 0 {
                at_most += tree[i];
                i &= i - 1;
            }
            crossings += seen - at_most;
            let mut i = r + 1;
            while i <= size {
                tree[i] += 1;
                i += i & i.wrapping_neg();
            }
        }
        crossings
    }

    fn crossings(&self) -> usize {
        (0..self.columns.len().saturating_sub(1)).map(|c| self.crossings_at(c)).sum()
    }

    /// Reorders column `c` by the mean relative position of each node's
    /// neighbours on one side; a node with none there keeps its own.
    fn sort_column(&mut self, c: usize, from_left: bool) {
        let nb = if from_left { &self.left } else { &self.right };
        let other = if from_left { c.wrapping_sub(1) } else { c + 1 };
        let Some(other_len) = self.columns.get(other).map(Vec::len) else {
            return;
        };
        let own_len = self.columns[c].len();
        // The mean, a fraction in [0, 1], in billionths (an integer sorts with the
        // same code as the other sorts here: one sort in the wasm, not four).
        let keyed: Vec<(usize, usize)> = self.columns[c]
            .iter()
            .map(|&v| {
                let key = if nb[v].is_empty() {
                    (self.pos[v] as f64 + 0.5) / own_len as f64
                } else {
                    nb[v].iter().map(|&w| (self.pos[w] as f64 + 0.5) / other_len as f64).sum::<f64>() / nb[v].len() as f64
                };
                ((key * 1e9) as usize, self.pos[v])
            })
            .collect();
        self.columns[c] = sorted(keyed).into_iter().map(|p| self.columns[c][p]).collect();
        for (i, &v) in self.columns[c].iter().enumerate() {
            self.pos[v] = i;
        }
    }

    fn set_order(&mut self, columns: &[Vec<usize>]) {
        self.columns = columns.to_vec();
        for column in &self.columns {
            for (i, &v) in column.iter().enumerate() {
                self.pos[v] = i;
            }
        }
    }

    /// Barycenter sweeps, alternately left to right and right to left,
    /// keeping the best order seen; stops early once a few sweeps bring nothing.
    fn order(&mut self) {
        let mut best = self.columns.clone();
        let mut fewest = self.crossings();
        let mut stale = 0;
        for sweep in 0..SWEEPS {
            if fewest == 0 || stale >= 4 {
                break;
            }
            if sweep % 2 == 0 {
                (1..self.columns.len()).for_each(|c| self.sort_column(c, true));
            } else {
                (0..self.columns.len().saturating_sub(1)).rev().for_each(|c| self.sort_column(c, false));
            }
            let now = self.crossings();
            if now < fewest {
                (fewest, best, stale) = (now, self.columns.clone(), 0);
            } else {
                stale += 1;
            }
        }
        self.set_order(&best);
    }

    /// Crossings between the links of `u` and of `w` (in one column, u above
    /// w) with their neighbours on both sides.
    fn pair_crossings(&self, u: usize, w: usize) -> usize {
        let side = |nb: &Vec<Vec<usize>>| {
            let mut n = 0;
            for &a in &nb[u] {
                for &b in &nb[w] {
                    if self.pos[a] > self.pos[b] {
                        n += 1;
                    }
                }
            }
            n
        };
        side(&self.left) + side(&self.right)
    }

    /// Swaps neighbours in a column while that removes crossings (a few passes).
    fn transpose(&mut self) {
        for _ in 0..4 {
            let mut improved = false;
            for c in 0..self.columns.len() {
                for i in 1..self.columns[c].len() {
                    let (u, w) = (self.columns[c][i - 1], self.columns[c][i]);
                    if self.pair_crossings(w, u) < self.pair_crossings(u, w) {
                        self.columns[c].swap(i - 1, i);
                        (self.pos[u], self.pos[w]) = (i, i - 1);
                        improved = true;
                    }
                }
            }
            if !improved {
                break;
            }
        }
    }

    /// Tops of all nodes: stacked first, then rounds of pulling each node
    /// toward its neighbours and projecting back onto the column's order and gaps.
    fn heights(&mut self, s: &Spacing) {
        for c in 0..self.columns.len() {
            let column = &self.columns[c];
            let mut y = 0.0;
            for (i, &v) in column.iter().enumerate() {
                if i > 0 {
                    y += self.gap(column[i - 1], v, s);
                }
                self.y[v] = y;
                y += self.height[v];
            }
        }
        let centre = |this: &Self, v: usize| this.y[v] + this.height[v] / 2.0;
        for round in 0..ROUNDS {
            let cols: Vec<usize> = if round % 2 == 0 { (0..self.columns.len()).collect() } else { (0..self.columns.len()).rev().collect() };
            for c in cols {
                let column = self.columns[c].clone();
                // (desired top minus the room the nodes above need, weight)
                let mut targets = Vec::with_capacity(column.len());
                let mut room = 0.0;
                for (i, &v) in column.iter().enumerate() {
                    if i > 0 {
                        room += self.height[column[i - 1]] + self.gap(column[i - 1], v, s);
                    }
                    let (mut sum, mut weight) = (0.0, 0.0);
                    for &w in self.left[v].iter().chain(&self.right[v]) {
                        let k = self.weight(v, w);
                        sum += k * centre(self, w);
                        weight += k;
                    }
                    let desired = if weight > 0.0 { sum / weight - self.height[v] / 2.0 } else { self.y[v] };
                    targets.push((desired - room, weight.max(0.1)));
                }
                let fitted = isotonic(&targets);
                let mut room = 0.0;
                for (i, &v) in column.iter().enumerate() {
                    if i > 0 {
                        room += self.height[column[i - 1]] + self.gap(column[i - 1], v, s);
                    }
                    self.y[v] = fitted[i] + room;
                }
            }
        }
        let top = self.y.iter().copied().fold(f64::INFINITY, f64::min);
        let shift = if top.is_finite() { s.margin - top } else { 0.0 };
        for y in &mut self.y {
            *y = (*y + shift).round();
        }
    }

    fn gap(&self, a: usize, b: usize, s: &Spacing) -> f64 {
        if a < self.real && b < self.real {
            s.gap_y
        } else {
            s.slot
        }
    }

    /// How hard a link pulls: straight long links matter most (as in Gansner et al.'s Ω).
    fn weight(&self, a: usize, b: usize) -> f64 {
        match (a < self.real, b < self.real) {
            (true, true) => 1.0,
            (false, false) => 8.0,
            _ => 2.0,
        }
    }
}

/// The second of each pair, in the order of the pairs.
fn sorted(mut pairs: Vec<(usize, usize)>) -> Vec<usize> {
    pairs.sort_unstable();
    pairs.into_iter().map(|(_, v)| v).collect()
}

/// The non-decreasing sequence nearest (weighted least squares) to the
/// targets: pool adjacent violators, O(n).
fn isotonic(targets: &[(f64, f64)]) -> Vec<f64> {
    // (weighted sum, weight, how many)
    let mut blocks: Vec<(f64, f64, usize)> = Vec::with_capacity(targets.len());
    for &(value, weight) in targets {
        blocks.push((value * weight, weight, 1));
        while blocks.len() > 1 {
            let (s2, w2, n2) = blocks[blocks.len() - 1];
            let (s1, w1, n1) = blocks[blocks.len() - 2];
            if s1 / w1 <= s2 / w2 {
                break;
            }
            blocks.pop();
            *blocks.last_mut().expect("two blocks") = (s1 + s2, w1 + w2, n1 + n2);
        }
    }
    blocks.into_iter().flat_map(|(s, w, n)| std::iter::repeat_n(s / w, n)).collect()
}
