// The diagram at 60 tables, as a user meets it in Chromium: it opens with
// names readable on what the last step touched, in a panel as tall as the
// window allows, and 0 (or Fit) shows it whole; it zooms (buttons, keys,
// Ctrl + wheel around the pointer) and pans (drag, arrow keys, a finger
// sideways; a finger up or down scrolls the page), finds a table by name,
// opens a table's schema card, lights up a table's neighbours, keeps the last
// step's changes marked, exports SVG and PNG, and never widens the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setup, open, ctx, progress } from './harness.mjs';

setup();

/** A table whose name needs quoting: it must be found and opened by its exact name. */
const ODD = 'order "line" items';
const quote = (name) => `"${name.replaceAll('"', '""')}"`;

/**
 * 60 tables in six migrations of ten, each table referring to one or two
 * earlier ones (a tree with cross links, as real schemas have), in a new folder.
 */
function sixtyTables() {
  const dir = mkdtempSync(path.join(tmpdir(), 'migraplay-diagram-'));
  const names = Array.from({ length: 60 }, (_, i) => (i === 37 ? ODD : `table_${String(i).padStart(2, '0')}`));
  const paths = [];
  for (let m = 0; m < 6; m += 1) {
    const up = [];
    const down = [];
    for (let i = m * 10; i < m * 10 + 10; i += 1) {
      const refs = i === 0 ? [] : [names[Math.floor((i - 1) / 3)], ...(i % 4 === 0 && i > 8 ? [names[i - 7]] : [])];
      const columns = ['id INTEGER PRIMARY KEY', 'title TEXT NOT NULL', "status TEXT NOT NULL DEFAULT 'new'",
        ...refs.map((r, n) => `ref_${n} INTEGER REFERENCES ${quote(r)}(id)`)];
      up.push(`CREATE TABLE ${quote(names[i])} (\n  ${columns.join(',\n  ')}\n);`);
      down.unshift(`DROP TABLE ${quote(names[i])};`);
    }
    for (const [suffix, sql] of [['up', up], ['down', down]]) {
      paths.push(path.join(dir, `${m + 1}_tables_${m + 1}.${suffix}.sql`));
      writeFileSync(paths.at(-1), `${sql.join('\n')}\n`);
    }
  }
  return paths;
}
const FILES = sixtyTables();

/**
 * FILES and a seventh migration adding a column to table_46, which the layout
 * draws at the top of its sixth column, far from table_00 (the first column's only table).
 */
function sixtyAndANote() {
  const dir = mkdtempSync(path.join(tmpdir(), 'migraplay-diagram-note-'));
  const up = path.join(dir, '7_note.up.sql');
  const down = path.join(dir, '7_note.down.sql');
  writeFileSync(up, 'ALTER TABLE table_46 ADD COLUMN note TEXT;\n');
  writeFileSync(down, 'ALTER TABLE table_46 DROP COLUMN note;\n');
  return [...FILES, up, down];
}

/** A page (at `width` × `height`, a touch phone with `touch`) with the 60 tables (or `files`) applied. */
async function withSixty({ width = 1280, height = 900, touch = false, files = FILES } = {}) {
  const context = await ctx.browser.newContext({ acceptDownloads: true, viewport: { width, height }, hasTouch: touch, isMobile: touch });
  const { page, problems } = await open('', { context });
  await page.evaluate(() => {
    window.violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.setInputFiles('#files', files);
  await page.waitForFunction((n) => document.querySelectorAll('#migrations tbody tr').length === n, files.length / 2);
  await page.click('#apply-all');
  await progress(page, 'Apply all');
  await page.waitForFunction(() => document.querySelectorAll('svg.er g.table-box').length === 60);
  // The pointer acts where the user sees the diagram.
  await page.locator('#diagram-panel').evaluate((p) => p.scrollIntoView());
  return { page, problems, context };
}

/** A table's box: its frame is the control that takes focus. */
const box = (page, name) => page.locator(`svg.er g.table-box[data-table=${JSON.stringify(name)}] > rect.frame`);
/** Where a table's box is drawn on screen (its outer rect), and the core's width for it. */
const drawn = (page, name) => page.evaluate((n) => {
  const g = [...document.querySelectorAll('svg.er g.table-box')].find((b) => b.dataset.table === n);
  const rect = g.querySelector('rect');
  const r = rect.getBoundingClientRect();
  return { left: r.left, top: r.top, width: r.width, height: r.height, cx: r.left + r.width / 2, cy: r.top + r.height / 2,
    coreWidth: Number(rect.getAttribute('width')) };
}, name);
const panel = (page) => page.locator('#diagram').evaluate((d) => {
  const r = d.getBoundingClientRect();
  return { left: r.left, top: r.top, right: r.right, bottom: r.bottom, cx: r.left + r.width / 2, cy: r.top + r.height / 2 };
});
/** The drawing's bounds on screen (every box and edge). */
const drawing = (page) => page.locator('svg.er g.viewport').evaluate((g) => {
  const r = g.getBoundingClientRect();
  return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
});
const close = (a, b, tolerance = 1.5) => Math.abs(a - b) <= tolerance;
/** Whether table `name`'s whole box is drawn inside the diagram's panel. */
const inPanel = async (page, name) => {
  const [b, p] = [await drawn(page, name), await panel(page)];
  return b.left >= p.left && b.top >= p.top && b.left + b.width <= p.right && b.top + b.height <= p.bottom;
};
/**
 * Every table name drawn wholly inside the panel: the height of its text on screen
 * (getBoundingClientRect) and its font size times the drawing's scale, in px.
 */
const namesInPanel = (page) => page.evaluate(() => {
  const p = document.getElementById('diagram').getBoundingClientRect();
  return [...document.querySelectorAll('svg.er text.name')].map((t) => {
    const r = t.getBoundingClientRect();
    return { table: t.closest('g.table-box').dataset.table, height: r.height,
      px: parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a,
      inside: r.left >= p.left && r.right <= p.right && r.top >= p.top && r.bottom <= p.bottom };
  }).filter((n) => n.inside);
});
/** Asserts that some names are in view and every one of them is at least 11 px tall on screen. */
async function legible(page, what) {
  const names = await namesInPanel(page);
  assert.ok(names.length > 0, `${what}: some table names are in view`);
  for (const n of names) {
    assert.ok(n.height >= 11 && n.px >= 11, `${what}: ${n.table}'s name is ${n.height} px tall (font ${n.px.toFixed(1)} px)`);
  }
}
/** How many tables have their header (the name's band) wholly inside the drawing's area. */
const headersInView = (page) => page.evaluate(() => {
  const v = document.querySelector('svg.er').getBoundingClientRect();
  return [...document.querySelectorAll('svg.er rect.header')].filter((h) => {
    const r = h.getBoundingClientRect();
    return r.left >= v.left - 0.5 && r.top >= v.top - 0.5 && r.right <= v.right + 0.5 && r.bottom <= v.bottom + 0.5;
  }).length;
});
/** Every table whose box is not wholly inside the panel. */
const outside = (page) => page.evaluate(() => {
  const p = document.getElementById('diagram').getBoundingClientRect();
  return [...document.querySelectorAll('svg.er g.table-box')].filter((g) => {
    const r = g.querySelector('rect').getBoundingClientRect();
    return r.left < p.left || r.top < p.top || r.right > p.right || r.bottom > p.bottom;
  }).map((g) => g.dataset.table);
});
const status = (page) => page.locator('#diagram-status').textContent();
const opacity = (page, name) => page.evaluate((n) => getComputedStyle(
  [...document.querySelectorAll('svg.er g.table-box')].find((b) => b.dataset.table === n)).opacity, name).then(Number);

test('a 60-table diagram opens with names at least 11 px tall from its first table, says how to see it all, and 0 fits it', async () => {
  const { page, problems, context } = await withSixty();
  // Apply all added every table: the view starts where the drawing does, at its first table.
  await legible(page, 'after Apply all');
  assert.ok(await inPanel(page, 'table_00'), 'the first table is in view');
  const zoom = await page.locator('#diagram-zoom').textContent();
  const shown = await headersInView(page);
  assert.ok(shown < 60, `not every table is in view (${shown})`);
  assert.equal(await status(page), `Showing ${shown} of 60 tables at ${zoom} — press 0 or Fit for all.`);

  // A step that leaves nothing marked (its tables are gone) opens on the first table again.
  await page.click('#revert-last');
  await progress(page, 'Revert last');
  await page.waitForFunction(() => document.querySelectorAll('svg.er g.table-box').length === 50);
  assert.equal(await page.locator('svg.er g.table-box:is(.added, .changed)').count(), 0);
  await legible(page, 'after Revert last');
  assert.ok(await inPanel(page, 'table_00'), 'the first table is in view');

  // 0 shows every table, and the status line says so.
  await page.focus('#diagram');
  await page.keyboard.press('0');
  assert.deepEqual(await outside(page), [], 'every table is inside the panel');
  assert.equal(await status(page), `All 50 tables at ${await page.locator('#diagram-zoom').textContent()}.`);
  // Moved by hand, the line counts again once the view rests.
  await page.keyboard.press('+');
  await page.keyboard.press('+');
  await page.keyboard.press('+');
  await page.waitForFunction(() => document.querySelector('#diagram-status').textContent.startsWith('Showing'));
  assert.equal(await status(page), `Showing ${await headersInView(page)} of 50 tables at ${await page.locator('#diagram-zoom').textContent()} — press 0 or Fit for all.`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the table the last step changed opens in view with its name readable, wherever it is drawn', async () => {
  const { page, problems, context } = await withSixty({ files: sixtyAndANote() });
  await page.click('#revert-last');
  await progress(page, 'Revert last');
  await page.waitForFunction(() => document.querySelectorAll('svg.er g.table-box.changed').length === 1);
  assert.deepEqual(await page.locator('svg.er g.table-box:is(.added, .changed)').evaluateAll((gs) => gs.map((g) => g.dataset.table)), ['table_46']);
  assert.ok(await inPanel(page, 'table_46'), `table_46 is in view: ${JSON.stringify([await drawn(page, 'table_46'), await panel(page)])}`);
  assert.ok(!(await inPanel(page, 'table_00')), 'the view moved to it from the first table, five columns away');
  await legible(page, 'after Revert last');
  assert.match(await status(page), /^Showing \d+ of 60 tables at \d+% — press 0 or Fit for all\.$/);
  await page.click('#apply-next');
  await progress(page, 'Apply next');
  await page.waitForFunction(() => document.querySelector('svg.er g.table-box.changed')?.dataset.table === 'table_46');
  assert.ok(await inPanel(page, 'table_46'), 'still in view after Apply next changed it back');
  await legible(page, 'after Apply next');
  await page.click('#diagram-fit');
  assert.deepEqual(await outside(page), [], 'Fit shows every table');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a small schema that fits with names at least 11 px tall opens whole, centred, as before', async () => {
  const { page, problems, context } = await open();
  await page.click('#apply-all');
  await progress(page, 'Apply all');
  await page.waitForFunction(() => document.querySelectorAll('svg.er g.table-box').length === 6);
  assert.deepEqual(await outside(page), []);
  await legible(page, 'the bundled set');
  const [all, p] = [await drawing(page), await panel(page)];
  assert.ok(close((all.left + all.right) / 2, p.cx, 2), `centred: ${JSON.stringify([all, p])}`);
  assert.equal(await status(page), `All 6 tables at ${await page.locator('#diagram-zoom').textContent()}.`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the diagram panel grows with the window (70 % of its height) and the page scrolls around it', async () => {
  const heights = {};
  for (const height of [700, 1200]) {
    const context = await ctx.browser.newContext({ viewport: { width: 1280, height } });
    const { page, problems } = await open('', { context });
    await page.click('#apply-all');
    await progress(page, 'Apply all');
    const box = () => page.locator('#diagram').evaluate((d) => d.getBoundingClientRect().toJSON());
    const before = await box();
    heights[height] = before.height;
    assert.ok(before.height >= 0.65 * height && before.height <= 0.75 * height, `${before.height} px in a ${height} px window`);
    await page.evaluate(() => scrollTo(0, 0));
    const top = (await box()).top;
    await page.mouse.wheel(0, 150);
    await page.waitForFunction(() => scrollY > 0);
    const scrolled = await page.evaluate(() => scrollY);
    assert.ok(close((await box()).top, top - scrolled, 1), 'the panel moves with the page');
    assert.deepEqual(problems, []);
    await context.close();
  }
  assert.ok(heights[1200] > heights[700], `taller in a taller window: ${JSON.stringify(heights)}`);
});

test('on a 390 × 844 phone the diagram opens readable and a finger up or down scrolls the page past it', async () => {
  const { page, problems, context } = await withSixty({ width: 390, height: 844, touch: true });
  const p0 = await page.locator('#diagram').evaluate((d) => d.getBoundingClientRect().height);
  assert.ok(p0 <= 0.75 * 844, `the panel (${p0} px) leaves the page around it on screen`);
  await legible(page, 'on the phone');
  await page.locator('#diagram').evaluate((d) => d.scrollIntoView({ block: 'center' }));
  const cdp = await context.newCDPSession(page);
  // One finger from the panel's middle, as the phone sends it (touch events through the browser's gesture handling).
  const swipe = async (dx, dy) => {
    const p = await panel(page);
    const at = { x: p.cx, y: p.cy };
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [at] });
    for (let i = 1; i <= 10; i += 1) {
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x: at.x + (dx * i) / 10, y: at.y + (dy * i) / 10 }] });
    }
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  };
  const y0 = await page.evaluate(() => scrollY);
  const from = await drawn(page, 'table_00');
  await swipe(-120, 0);
  await page.waitForFunction((x) => {
    const g = [...document.querySelectorAll('svg.er g.table-box')].find((b) => b.dataset.table === 'table_00');
    return g.querySelector('rect').getBoundingClientRect().left < x - 100;
  }, from.left);
  assert.ok(close((await drawn(page, 'table_00')).left, from.left - 120, 2), 'a finger sideways pans the drawing');
  assert.equal(await page.evaluate(() => scrollY), y0, 'and leaves the page where it was');

  const before = await page.locator('svg.er g.viewport').getAttribute('transform');
  await swipe(0, -200);
  await page.waitForFunction((y) => scrollY > y + 100, y0, { timeout: 5000 })
    .catch(() => assert.fail('a finger moving up over the diagram scrolls the page'));
  assert.equal(await page.locator('svg.er g.viewport').getAttribute('transform'), before, 'up or down, the drawing stays where it was');
  assert.deepEqual(problems, []);
  await context.close();
});

test('Fit draws a 60-table diagram inside its panel, and the zoom buttons and keys change its drawn scale', async () => {
  const { page, problems, context } = await withSixty();
  await page.click('#diagram-fit');
  const p = await panel(page);
  const all = await drawing(page);
  assert.ok(all.left >= p.left && all.right <= p.right && all.top >= p.top && all.bottom <= p.bottom,
    `the whole drawing ${JSON.stringify(all)} is inside the panel ${JSON.stringify(p)}`);
  const fitted = await drawn(page, 'table_00');
  assert.ok(fitted.width < fitted.coreWidth, 'a schema this big is shown smaller than 100% to fit');
  assert.equal(await page.locator('#diagram-zoom').textContent(), `${Math.round((fitted.width / fitted.coreWidth) * 100)}%`);

  await page.click('#diagram-zoom-in');
  const bigger = await drawn(page, 'table_00');
  assert.ok(close(bigger.width, fitted.width * 1.25, 0.5), `zoom in draws 1.25 times larger: ${fitted.width} → ${bigger.width}`);
  await page.click('#diagram-zoom-out');
  await page.click('#diagram-zoom-out');
  assert.ok(close((await drawn(page, 'table_00')).width, fitted.width / 1.25, 0.5), 'zoom out draws smaller');
  await page.click('#diagram-actual');
  assert.ok(close((await drawn(page, 'table_00')).width, fitted.coreWidth, 0.5), '100% draws the core\'s size');
  assert.equal(await page.locator('#diagram-zoom').textContent(), '100%');
  await page.click('#diagram-fit');
  assert.ok(close((await drawn(page, 'table_00')).width, fitted.width, 0.5), 'fit comes back to the whole drawing');

  // The keyboard, with the diagram focused: + zooms, arrows pan, 0 fits.
  await page.focus('#diagram');
  await page.keyboard.press('+');
  assert.ok(close((await drawn(page, 'table_00')).width, fitted.width * 1.25, 0.5), '+ zooms in');
  const before = await drawn(page, 'table_00');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowDown');
  const after = await drawn(page, 'table_00');
  assert.ok(after.left < before.left - 30 && after.top < before.top - 30, 'arrow keys show more on their side');
  await page.keyboard.press('0');
  assert.ok(close((await drawn(page, 'table_00')).width, fitted.width, 0.5), '0 fits');
  assert.deepEqual(problems, []);
  await context.close();
});

test('Ctrl + wheel zooms around the pointer, a plain wheel scrolls the page, and a drag pans', async () => {
  const { page, problems, context } = await withSixty();
  await page.click('#diagram-actual');
  const start = await drawn(page, 'table_00');
  const p = await panel(page);
  // The pointer over a point of the drawing: after the zoom, the same point of the drawing is under it.
  const at = { x: p.cx + 40, y: p.cy + 20 };
  const point = await page.locator('svg.er g.viewport').evaluate((g, a) => {
    const m = g.getScreenCTM().inverse();
    const q = new DOMPoint(a.x, a.y).matrixTransform(m);
    return { x: q.x, y: q.y };
  }, at);
  await page.mouse.move(at.x, at.y);
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, -300);
  await page.keyboard.up('Control');
  await page.waitForFunction((w) => {
    const r = document.querySelector('svg.er g.table-box rect').getBoundingClientRect();
    return r.width > w + 1;
  }, start.width);
  const under = await page.locator('svg.er g.viewport').evaluate((g, a) => {
    const q = new DOMPoint(a.x, a.y).matrixTransform(g.getScreenCTM().inverse());
    return { x: q.x, y: q.y };
  }, at);
  assert.ok(close(under.x, point.x, 1) && close(under.y, point.y, 1), `the point under the pointer stays: ${JSON.stringify([point, under])}`);

  const zoomed = (await drawn(page, 'table_00')).width;
  const scrolled = await page.evaluate(() => scrollY);
  await page.mouse.wheel(0, 200);
  await page.waitForFunction((y) => scrollY > y, scrolled);
  assert.equal((await drawn(page, 'table_00')).width, zoomed, 'a plain wheel does not zoom');

  // A drag on the background moves the drawing with the pointer, and opens nothing.
  const q = await panel(page);
  const from = await drawn(page, 'table_00');
  const empty = await page.evaluate(({ left, top, right, bottom }) => {
    for (let y = top + 10; y < bottom - 10; y += 7) {
      for (let x = left + 10; x < right - 120; x += 7) {
        const hit = document.elementFromPoint(x, y);
        if (hit?.localName === 'svg' && document.elementFromPoint(x + 100, y + 60)?.localName === 'svg') return { x, y };
      }
    }
    return null;
  }, q);
  assert.ok(empty, 'some background to drag on');
  await page.mouse.move(empty.x, empty.y);
  await page.mouse.down();
  await page.mouse.move(empty.x + 50, empty.y + 30, { steps: 5 });
  await page.mouse.move(empty.x + 100, empty.y + 60, { steps: 5 });
  await page.mouse.up();
  const to = await drawn(page, 'table_00');
  assert.ok(close(to.left - from.left, 100) && close(to.top - from.top, 60), `dragged by (100, 60): ${JSON.stringify([from, to])}`);
  assert.equal(await page.locator('.table-card.er-picked').count(), 0, 'a drag opens no card');

  // Two fingers moving apart zoom in around their middle (touch pointers, as a phone sends them).
  const pinchFrom = (await drawn(page, 'table_00')).width;
  await page.locator('svg.er').evaluate((svg, { x, y }) => {
    const send = (type, id, cx) => svg.dispatchEvent(new PointerEvent(type, {
      pointerId: id, pointerType: 'touch', isPrimary: id === 11, clientX: cx, clientY: y, bubbles: true,
    }));
    send('pointerdown', 11, x - 20);
    send('pointerdown', 12, x + 20);
    for (let d = 22; d <= 30; d += 2) { send('pointermove', 11, x - d); send('pointermove', 12, x + d); }
    send('pointerup', 11, x - 30);
    send('pointerup', 12, x + 30);
  }, { x: q.left + (q.right - q.left) / 2, y: q.top + 100 });
  const pinched = (await drawn(page, 'table_00')).width;
  assert.ok(close(pinched, pinchFrom * 1.5, 0.5), `fingers 40 px → 60 px apart zoom 1.5 times: ${pinchFrom} → ${pinched}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('finding a table by its exact name centres it and lights up its neighbours; a click opens its card', async () => {
  const { page, problems, context } = await withSixty();
  const options = await page.locator('#diagram-tables option').evaluateAll((os) => os.map((o) => o.value));
  assert.equal(options.length, 60);
  assert.ok(options.includes(ODD));
  // The pointer rests where, once the table is centred, another table (no neighbour) will be: a pointer
  // at rest does not take the highlight from the table found.
  const p = await panel(page);
  const other = await page.evaluate((n) => {
    const boxes = [...document.querySelectorAll('svg.er g.table-box')].map((g) => {
      const r = g.querySelector('rect');
      const [x, y, w, h] = ['x', 'y', 'width', 'height'].map((a) => Number(r.getAttribute(a)));
      return { name: g.dataset.table, cx: x + w / 2, cy: y + h / 2 };
    });
    const me = boxes.find((b) => b.name === n);
    const near = new Set([...document.querySelectorAll('svg.er path.edge')].flatMap((e) =>
      (e.dataset.from === n ? [e.dataset.to] : e.dataset.to === n ? [e.dataset.from] : [])));
    const rest = boxes.filter((b) => b.name !== n && !near.has(b.name))
      .sort((a, b) => Math.hypot(a.cx - me.cx, a.cy - me.cy) - Math.hypot(b.cx - me.cx, b.cy - me.cy));
    return { name: rest[0].name, dx: rest[0].cx - me.cx, dy: rest[0].cy - me.cy };
  }, ODD);
  await page.mouse.move(p.cx + other.dx, p.cy + other.dy);
  await page.fill('#diagram-search', ODD);
  await page.press('#diagram-search', 'Enter');
  assert.ok(await opacity(page, other.name) < 0.5, `${other.name}, under the pointer at rest, is dimmed`);
  const found = await drawn(page, ODD);
  assert.ok(close(found.cx, p.cx, 2) && close(found.cy, p.cy, 2), `centred: ${JSON.stringify([found, p])}`);
  assert.ok(found.width >= found.coreWidth - 0.5, 'at a size its text can be read');
  assert.match(await page.locator('#diagram-status').textContent(), /^order "line" items: refers to 1 table, referred to by 1 table\./);

  // Its neighbours, by the diagram's own edges: they and it stay clear, the rest is dimmed.
  const near = await page.evaluate((n) => {
    const set = new Set();
    for (const e of document.querySelectorAll('svg.er path.edge')) {
      if (e.dataset.from === n) set.add(e.dataset.to);
      if (e.dataset.to === n) set.add(e.dataset.from);
    }
    return [...set];
  }, ODD);
  assert.deepEqual(near.sort(), ['table_12', 'table_44']);
  for (const name of [ODD, ...near]) assert.equal(await opacity(page, name), 1, `${name} is highlighted`);
  assert.ok(await opacity(page, 'table_59') < 0.5, 'a table that is no neighbour is dimmed');

  // A click on the box: the page scrolls to that table's card (its exact name) and marks it.
  await page.click('#diagram-fit');
  await page.locator('#diagram-panel').evaluate((p) => p.scrollIntoView());
  const target = await drawn(page, 'table_02');
  await page.mouse.click(target.cx, target.top + 8);
  const card = page.locator('#tables section.table-card.er-picked');
  await page.waitForFunction(() => {
    const c = document.querySelector('#tables section.table-card.er-picked');
    const r = c?.getBoundingClientRect();
    return r && r.top >= -1 && r.top < innerHeight - 40;
  });
  assert.equal(await card.count(), 1);
  assert.equal(await card.getAttribute('data-table'), 'table_02');
  assert.equal(await card.evaluate((c) => c === document.activeElement), true, 'focus moves to the card');

  // Tab goes from the diagram to its first table; Enter on a focused box opens the card of the quoted name.
  await page.focus('#diagram');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.closest('g.table-box')?.dataset.table),
    await page.locator('svg.er g.table-box').first().getAttribute('data-table'), `focus is on ${await page.evaluate(() => document.activeElement.outerHTML.slice(0, 120))}`);
  await page.evaluate(() => scrollTo(0, 0));
  await box(page, ODD).focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction((n) => document.querySelector('#tables section.table-card.er-picked')?.dataset.table === n, ODD);
  assert.equal(await page.locator('#tables section.table-card.er-picked').count(), 1, 'the earlier mark is gone');
  assert.deepEqual(problems, []);
  await context.close();
});

test('hovering a table lights up the tables it refers to and those referring to it, and the edges between', async () => {
  const { page, problems, context } = await withSixty();
  await page.click('#diagram-actual');
  await page.fill('#diagram-search', 'table_16');
  await page.press('#diagram-search', 'Enter');
  await page.click('#diagram-search'); // nothing picked stays highlighted once the pointer leaves
  await page.keyboard.press('Escape');
  await page.focus('#diagram');
  await page.keyboard.press('Escape');
  assert.equal(await opacity(page, 'table_59'), 1, 'nothing is dimmed with nothing picked or hovered');
  const b = await drawn(page, 'table_16');
  await page.mouse.move(b.cx, b.cy);
  // table_16 refers to table_05 and table_09; table_49, table_50 and table_51 refer to it.
  const lit = await page.locator('svg.er path.edge.near').evaluateAll((ps) => ps.map((e) => `${e.dataset.from}→${e.dataset.to}`).sort());
  assert.deepEqual(lit, ['table_16→table_05', 'table_16→table_09', 'table_49→table_16', 'table_50→table_16', 'table_51→table_16']);
  for (const name of ['table_16', 'table_05', 'table_09', 'table_49', 'table_50', 'table_51']) assert.equal(await opacity(page, name), 1);
  assert.ok(await opacity(page, 'table_02') < 0.5, 'the rest is dimmed');
  await page.mouse.move(5, 5);
  assert.equal(await opacity(page, 'table_02'), 1, 'leaving the box lifts the dimming');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the last step\'s tables stay marked, and stepping keeps the zoom and place', async () => {
  const { page, problems, context } = await withSixty();
  await page.click('#diagram-zoom-in');
  const zoomed = await drawn(page, 'table_00');
  await page.click('#revert-last');
  await progress(page, 'Revert last');
  await page.click('#apply-next');
  await progress(page, 'Apply next');
  await page.waitForFunction(() => document.querySelectorAll('svg.er g.table-box.added').length === 10);
  const marked = await page.locator('svg.er g.table-box.added').evaluateAll((gs) => gs.map((g) => g.dataset.table).sort());
  assert.deepEqual(marked, Array.from({ length: 10 }, (_, i) => `table_${50 + i}`));
  const stroke = (name) => page.evaluate((n) => getComputedStyle([...document.querySelectorAll('svg.er g.table-box')]
    .find((g) => g.dataset.table === n).querySelector('rect')).stroke, name);
  assert.notEqual(await stroke('table_55'), await stroke('table_05'), 'an added table is drawn unlike the others');
  const again = await drawn(page, 'table_00');
  assert.ok(close(again.width, zoomed.width, 0.5) && close(again.left, zoomed.left, 1), 'the view is where it was');
  assert.deepEqual(problems, []);
  await context.close();
});

test('SVG and PNG exports download schema.svg and schema.png, standalone, with no CSP violation', async () => {
  const { page, problems, context } = await withSixty();
  await page.click('#diagram-zoom-in'); // the export is the whole drawing whatever the view
  const [svgFile] = await Promise.all([page.waitForEvent('download'), page.click('#diagram-svg')]);
  assert.equal(svgFile.suggestedFilename(), 'schema.svg');
  const text = await readFile(await svgFile.path(), 'utf8');
  assert.match(text, /^<\?xml[^>]*>\n<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  const size = await page.evaluate(() => {
    const rects = [...document.querySelectorAll('svg.er g.table-box > rect:first-child')];
    return { boxes: rects.length };
  });
  assert.equal((text.match(/class="table-box/g) || []).length, size.boxes);
  assert.ok(!text.includes('var(--'), 'colours are inlined, not CSS variables');
  assert.ok(!text.includes('transform='), 'the view\'s zoom is not exported');
  assert.match(text, /<text [^>]*fill="rgb\(29, 35, 48\)"[^>]*font-family="[^"]+"/, 'text carries its light colour and font');
  assert.ok(text.includes('order "line" items') || text.includes('order &quot;line&quot; items'), 'names are text');

  // Standalone: opened on its own (no page stylesheet), boxes are filled and text is dark.
  const alone = await context.newPage();
  await alone.setContent(`<img id="i" src="data:image/svg+xml;base64,${Buffer.from(text).toString('base64')}">`);
  const shown = await alone.locator('#i').evaluate(async (img) => { await img.decode(); return [img.naturalWidth, img.naturalHeight]; });
  assert.ok(shown[0] > 500 && shown[1] > 300, `it has a size of its own: ${shown}`);
  await alone.close();

  const [pngFile] = await Promise.all([page.waitForEvent('download'), page.click('#diagram-png')]);
  assert.equal(pngFile.suggestedFilename(), 'schema.png');
  const png = await readFile(await pngFile.path());
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.ok(close(png.readUInt32BE(16), shown[0] * 2, 2), `twice the core's width: ${png.readUInt32BE(16)} for ${shown[0]}`);
  assert.ok(png.length > 20000, `a real picture: ${png.length} bytes`);
  assert.deepEqual(await page.evaluate(() => window.violations), []);
  assert.deepEqual(problems, []);
  await context.close();
});

for (const width of [360, 1920]) {
  test(`at ${width} px with 60 tables the page does not scroll sideways, and Fit draws the diagram inside its panel`, async () => {
    const { page, problems, context } = await withSixty({ width, height: 800 });
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth, innerWidth,
    }));
    assert.ok(scrollWidth <= innerWidth, `scrollWidth ${scrollWidth} <= innerWidth ${innerWidth}`);
    const p = await panel(page);
    assert.ok(p.right <= innerWidth, 'the panel is inside the window');
    await page.click('#diagram-fit');
    const all = await drawing(page);
    assert.ok(all.left >= p.left && all.right <= p.right, 'the fitted drawing is inside the panel');
    const tools = await page.locator('#diagram-tools').evaluate((t) => t.getBoundingClientRect().right);
    assert.ok(tools <= innerWidth, 'the tools wrap within the window');
    assert.deepEqual(problems, []);
    await context.close();
  });
}
