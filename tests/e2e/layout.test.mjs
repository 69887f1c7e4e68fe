// The page at any width, the theme toggle and the demo view's layout: what a
// user sees at 360 px (a phone), 800 px (an iframe in a documentation page)
// and 1920 px, on the bundled set and on a real-sized set of 60 tables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setup, open, ctx, progress, badges, tableNames, root } from './harness.mjs';

setup();

const WIDTHS = [360, 800, 1920];

/**
 * A set of 60 tables as real ones have them: long names, types with sizes, long defaults
 * (the ones that pushed a card's "default" and "key" columns out of it), foreign keys.
 */
function sixtyTables() {
  const files = [];
  for (let i = 1; i <= 60; i++) {
    const v = String(i).padStart(3, '0');
    const t = `t${v}_customer_subscription_billing_events`;
    const parent = i > 1 ? `,\n    parent_id INTEGER REFERENCES t${String(Math.ceil(i / 2)).padStart(3, '0')}_customer_subscription_billing_events(id) ON DELETE CASCADE` : '';
    files.push({ name: `${v}_create_${t}.up.sql`, text: `CREATE TABLE ${t} (
    id INTEGER PRIMARY KEY AUTOINCREMENT${parent},
    external_reference_identifier VARCHAR(255) NOT NULL DEFAULT 'unassigned-external-reference-identifier',
    amount_in_minor_currency_units NUMERIC(12, 2) NOT NULL DEFAULT 0.00,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    metadata TEXT NOT NULL DEFAULT '{"source":"import","version":1}' CHECK (length(metadata) > 1)
);
CREATE INDEX idx_${t}_created ON ${t} (created_at);
` });
    files.push({ name: `${v}_create_${t}.down.sql`, text: `DROP TABLE ${t};\n` });
  }
  return files.map((f) => ({ name: f.name, mimeType: 'text/plain', buffer: Buffer.from(f.text) }));
}
const SIXTY = sixtyTables();

/** The page at `width` px wide (its own storage), ready. */
async function openAt(width, url = '', { colorScheme = 'light', height = 900 } = {}) {
  const context = await ctx.browser.newContext({ viewport: { width, height }, colorScheme });
  return open(url, { context });
}

/** The bundled set applied, or the 60 tables loaded with Load files and applied. */
async function applied(page, set) {
  if (set === 'sixty') {
    await page.setInputFiles('#files', SIXTY);
    await page.waitForFunction(() => document.querySelectorAll('#migrations tbody tr').length === 60);
  }
  await page.click('#apply-all');
  await progress(page, 'Apply all:');
  await page.waitForFunction((n) => document.querySelectorAll('#tables .table-card').length === n, set === 'sixty' ? 60 : 6);
}

/** How wide the page is, in a window how wide; `past`: the first few elements reaching past its right edge. */
const pageWidth = (page) => page.evaluate(() => ({
  scroll: document.documentElement.scrollWidth,
  inner: innerWidth,
  past: [...document.querySelectorAll('body *')].filter((e) => e.checkVisibility() && e.getBoundingClientRect().right > innerWidth + 1
    && ![...document.querySelectorAll('.table-scroll, #diagram, .editor, #console-results')].some((s) => s.contains(e)))
    .slice(0, 6).map((e) => `${e.tagName.toLowerCase()}#${e.id}.${e.getAttribute('class') ?? ''}`).join(', '),
}));

/** Every schema card whose "default" or "key" column (header or cell) reaches outside the card's box. */
const clippedCards = (page) => page.evaluate(() => [...document.querySelectorAll('#tables .table-card[data-table]')].filter((card) => {
  const box = card.getBoundingClientRect();
  const cells = [...card.querySelectorAll('table.columns tr')].flatMap((tr) => [tr.children[3], tr.children[4]]);
  return cells.length === 0 || cells.some((cell) => {
    const r = cell.getBoundingClientRect();
    return r.width === 0 || r.left < box.left - 0.5 || r.right > box.right + 0.5;
  }) || card.scrollWidth > card.clientWidth;
}).map((card) => card.dataset.table));

for (const set of ['bundled', 'sixty']) {
  for (const width of WIDTHS) {
    test(`at ${width} px, the ${set === 'sixty' ? '60-table' : 'bundled'} set applied fits the width, and every schema card shows its default and key`, async () => {
      const { page, problems, context } = await openAt(width);
      await applied(page, set);
      const { scroll, inner, past } = await pageWidth(page);
      assert.ok(scroll <= inner, `the page is ${scroll} px wide in a ${inner} px window (past its edge: ${past})`);
      assert.deepEqual(await clippedCards(page), [], 'no card cuts off its default or key column');
      // The diagram, however large, scrolls inside its panel, which stays in the window.
      const panel = await page.locator('#diagram-panel').boundingBox();
      assert.ok(panel.x >= 0 && panel.x + panel.width <= inner, `the diagram panel spans ${panel.x}..${panel.x + panel.width}`);
      // What apply all changed (120 objects for the 60 tables) scrolls in its own box under the diagram.
      const changes = await page.locator('#changes').evaluate((ul) => ({ items: ul.children.length, height: ul.clientHeight, scroll: ul.scrollHeight, sideways: ul.scrollWidth > ul.clientWidth }));
      if (set === 'sixty') assert.ok(changes.items === 120 && changes.height < 400 && changes.scroll > changes.height && !changes.sideways, `the changes list: ${JSON.stringify(changes)}`);
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
}

test('the checksum column folds under the description at 360 px and has its own column at 1920 px', async () => {
  const checksum = (page) => page.evaluate(() => {
    const th = document.querySelector('#migrations th.checksum');
    const td = document.querySelector('#migrations tbody td.checksum');
    const desc = document.querySelector('#migrations tbody td.description');
    const after = getComputedStyle(desc, '::after');
    return {
      column: th.checkVisibility() && td.checkVisibility(),
      under: after.display !== 'none' ? after.content : null,
      description: desc.textContent,
    };
  });
  const narrow = await openAt(360);
  const folded = await checksum(narrow.page);
  assert.equal(folded.column, false, 'no checksum column at 360 px');
  assert.match(folded.under, /^"SHA-384 [0-9a-f]{16}…"$/, 'the checksum shows under the description');
  assert.equal(folded.description, 'create tasks', 'the cell\'s text stays the description');
  const { scroll, inner } = await pageWidth(narrow.page);
  assert.ok(scroll <= inner, `the page is ${scroll} px wide in a ${inner} px window`);
  await narrow.context.close();

  const wide = await openAt(1920);
  const shown = await checksum(wide.page);
  assert.equal(shown.column, true, 'the checksum has its column at 1920 px');
  assert.equal(shown.under, null, 'and is not repeated under the description');
  await wide.context.close();
});

test('at 360 px each verified migration is a card that fits its box, and the page does not scroll sideways', async () => {
  const { page, problems, context } = await openAt(360);
  await page.click('#verify');
  await page.waitForFunction(() => document.querySelector('#verify-summary').matches('.pass, .fail'));
  const box = await page.evaluate(() => {
    const scroller = document.querySelector('#verify-results').closest('.table-scroll');
    return { scrolls: scroller.scrollWidth > scroller.clientWidth, right: scroller.getBoundingClientRect().right };
  });
  assert.equal(box.scrolls, false, 'the cards fit their box: nothing scrolls sideways');
  // Squeezed to its narrowest, the table used to split its numbers and words ("0. / 64 / 0 / ms", "sche ma").
  const split = await page.evaluate(() => [...document.querySelectorAll('#verify-results tbody td')]
    .filter((td) => [1, 3, 4, 5, 6].includes(td.cellIndex + 1))
    .filter((td) => {
      // The line boxes of the cell's text: more than one top means the text was split.
      const walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
      const tops = new Set();
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const r = document.createRange();
        r.selectNodeContents(n);
        for (const x of r.getClientRects()) tops.add(Math.round(x.top));
      }
      return tops.size > 1;
    })
    .map((td) => td.textContent));
  assert.deepEqual(split, [], 'no version, result or timing is split over lines');
  const { scroll, inner, past } = await pageWidth(page);
  assert.ok(scroll <= inner && box.right <= inner, `the page is ${scroll} px wide in a ${inner} px window (past its edge: ${past})`);
  assert.deepEqual(problems, []);
  await context.close();
});

/** The page's background colour, as the browser computed it, and the theme forced (or null). */
const theme = (page) => page.evaluate(() => ({
  background: getComputedStyle(document.documentElement).backgroundColor,
  forced: document.documentElement.dataset.theme ?? null,
  button: document.getElementById('theme').textContent,
}));
const LIGHT_BG = 'rgb(247, 248, 251)';
const DARK_BG = 'rgb(17, 20, 26)';

test('the page follows the system\'s dark theme; the toggle overrides it, and the choice survives a reload', async () => {
  const { page, problems, context } = await openAt(1280, '', { colorScheme: 'dark' });
  assert.deepEqual(await theme(page), { background: DARK_BG, forced: null, button: 'Theme: system' });
  await page.click('#theme');
  assert.deepEqual(await theme(page), { background: LIGHT_BG, forced: 'light', button: 'Theme: light' });
  await page.click('#theme');
  assert.deepEqual(await theme(page), { background: DARK_BG, forced: 'dark', button: 'Theme: dark' });
  await page.emulateMedia({ colorScheme: 'light' });
  assert.equal((await theme(page)).background, DARK_BG, 'a chosen theme does not follow the system');
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  assert.deepEqual(await theme(page), { background: DARK_BG, forced: 'dark', button: 'Theme: dark' }, 'the choice survives a reload');
  await page.click('#theme');
  assert.deepEqual(await theme(page), { background: LIGHT_BG, forced: null, button: 'Theme: system' });
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  assert.deepEqual(await theme(page), { background: LIGHT_BG, forced: null, button: 'Theme: system' }, 'back to the system, kept');
  assert.deepEqual(problems, []);
  await context.close();
});

/** Which of the demo's three views are on screen, and which tab says it is selected. */
const demoViews = (page) => page.evaluate(() => ({
  visible: ['diagram-panel', 'schema-panel', 'migrations-panel'].filter((id) => document.getElementById(id).checkVisibility()),
  selected: [...document.querySelectorAll('#demo-tabs [role=tab][aria-selected=true]')].map((t) => t.textContent),
}));

/** What the demo shows in its frame: the diagram's visible height, the header's, and the first screen's controls. */
const demoFrame = (page) => page.evaluate(async () => {
  // Measured once the layout has settled (the diagram's height follows what is above it).
  await new Promise((settled) => requestAnimationFrame(() => requestAnimationFrame(settled)));
  const visible = (e) => e.checkVisibility({ visibilityProperty: true });
  const d = document.getElementById('diagram').getBoundingClientRect();
  // Elements past the frame's sides, but for those inside a box that scrolls or clips sideways (the diagram,
  // its tools' row, text left to screen readers).
  const contained = (e) => {
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) if (getComputedStyle(a).overflowX !== 'visible') return true;
    return false;
  };
  const past = [...document.querySelectorAll('body *')].filter((e) => visible(e) && !contained(e)
    && (e.getBoundingClientRect().right > innerWidth + 1 || e.getBoundingClientRect().left < -1))
    .map((e) => `${e.tagName.toLowerCase()}#${e.id}`);
  const controls = [...document.querySelectorAll('button, select, input, summary, a[href], [role=tab]')].filter(visible);
  return {
    diagram: Math.round(Math.min(d.bottom, innerHeight) - Math.max(d.top, 0)),
    // Room left under the diagram's box: negative when the frame cuts it (and the fitted drawing's bottom with it).
    under: Math.round(innerHeight - d.bottom),
    header: Math.round(document.querySelector('body > header').getBoundingClientRect().height),
    scroll: document.documentElement.scrollWidth,
    inner: innerWidth,
    past,
    small: controls.map((e) => [e.id || e.textContent.trim(), e.getBoundingClientRect()])
      .filter(([, r]) => r.width < 24 || r.height < 24).map(([id, r]) => `${id} ${r.width.toFixed(1)}×${r.height.toFixed(1)}`),
  };
});

/** The bundled set's migration files, as written. */
const bundledFile = (name) => readFileSync(path.join(root, 'migrations', name), 'utf8');

const able = (page, id) => page.locator(`#${id}`).getAttribute('aria-disabled').then((v) => v === 'false');

test('?demo in an 800 × 500 iframe: one header line, the steps as a bar, the diagram on 60 % of the frame, before the first migration', async () => {
  const { page, problems, context } = await openAt(800, '?demo', { height: 500 });
  assert.deepEqual(await demoViews(page), { visible: ['diagram-panel'], selected: ['Diagram'] });
  // Nothing applied: Apply next acts at once.
  assert.equal(await able(page, 'apply-next'), true, 'Apply next is enabled at the start');
  assert.equal(await able(page, 'revert-last'), false);
  assert.deepEqual(await badges(page), Array(7).fill('pending'), 'the first migration is not applied');
  assert.equal(await page.locator('#target').inputValue(), '0');
  const frame = await demoFrame(page);
  assert.ok(frame.header <= 32, `the header is one line (${frame.header} px high)`);
  assert.ok(frame.diagram >= 300, `the diagram shows ${frame.diagram} px of the 500 px frame (60 % is 300)`);
  assert.ok(frame.under >= 0 && frame.under <= 16, `the diagram ends at the frame's bottom edge, whole (${frame.under} px above it)`);
  assert.deepEqual(frame.small, [], 'no control under 24 × 24 px');
  assert.ok(frame.scroll <= frame.inner && frame.past.length === 0, `the page is ${frame.scroll} px wide in ${frame.inner} (past its edge: ${frame.past})`);
  for (const id of ['#apply-next', '#revert-last', '#fill-rows', '#target', '#migrate-to', '#tab-migrations']) {
    const box = await page.locator(id).boundingBox();
    assert.ok(box && box.y + box.height < 120, `${id} is in the bar at the top (y ${box?.y})`);
  }
  assert.equal(await page.locator('#demo-sql').isVisible(), false, 'no SQL to show before a step');

  // A step: its up file's SQL, as written, a click away; the diagram keeps its room.
  await page.click('#apply-next');
  await progress(page, 'Apply next: 1 migration');
  assert.equal(await page.locator('#demo-sql summary').textContent(), 'SQL: 20250115010000_create_tasks.up.sql');
  assert.equal(await page.locator('#demo-sql-text').isVisible(), false, 'folded until asked for');
  await page.click('#demo-sql summary');
  assert.equal(await page.locator('#demo-sql-text').textContent(), bundledFile('20250115010000_create_tasks.up.sql'));
  assert.equal(await page.locator('#demo-sql-text').isVisible(), true);
  await page.click('#demo-sql summary');
  const stepped = await demoFrame(page);
  assert.ok(stepped.diagram >= 300 && stepped.under >= 0 && stepped.under <= 16, `after a step the diagram shows ${stepped.diagram} px, ${stepped.under} px above the bottom edge`);
  assert.deepEqual(stepped.small, [], 'no control under 24 × 24 px after a step');
  // Reverting shows the down file that ran.
  await page.click('#revert-last');
  await progress(page, 'Revert last: 1 migration');
  assert.equal(await page.locator('#demo-sql summary').textContent(), 'SQL: 20250115010000_create_tasks.down.sql');
  assert.equal(await page.locator('#demo-sql-text').textContent(), bundledFile('20250115010000_create_tasks.down.sql'));

  // The other views are a tab away, by mouse or by keyboard.
  await page.click('#tab-schema');
  assert.deepEqual(await demoViews(page), { visible: ['schema-panel'], selected: ['Schema'] });
  await page.keyboard.press('ArrowRight');
  assert.deepEqual(await demoViews(page), { visible: ['migrations-panel'], selected: ['Migrations'] });
  assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-migrations');
  assert.deepEqual(problems, []);
  await context.close();
});

test('?demo in a real 800 × 500 iframe of another page: the diagram on at least 60 % of the frame, Apply next at once', async () => {
  const context = await ctx.browser.newContext({ viewport: { width: 1000, height: 800 } });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  // A documentation page (another origin: about:blank) embedding the demo as the README says.
  await page.setContent(`<h1>Docs</h1><iframe src="${ctx.base}?demo" width="800" height="500" title="migraplay demo"></iframe>`);
  const frame = await (await page.waitForSelector('iframe')).contentFrame();
  await frame.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
  const { shown, top } = await frame.evaluate(() => {
    const d = document.querySelector('#diagram').getBoundingClientRect();
    return { shown: Math.round(Math.min(d.bottom, innerHeight) - Math.max(d.top, 0)), top: Math.round(d.top) };
  });
  assert.ok(shown >= 300, `the diagram shows ${shown} px of the 500 px frame, from y = ${top}`);
  assert.equal(await frame.locator('#apply-next').getAttribute('aria-disabled'), 'false', 'Apply next acts at once');
  await frame.click('#apply-next');
  await frame.waitForFunction(() => document.querySelector('#progress').textContent.startsWith('Apply next: 1 migration'));
  assert.equal(await frame.locator('#demo-sql summary').textContent(), 'SQL: 20250115010000_create_tasks.up.sql');
  assert.deepEqual(problems, []);
  await context.close();
});

test('?demo in a 360 × 500 iframe: the diagram on half the frame, every step control on the first screen, nothing wider than it', async () => {
  const { page, problems, context } = await openAt(360, '?demo', { height: 500 });
  const check = async (when) => {
    const frame = await demoFrame(page);
    assert.ok(frame.diagram >= 250, `${when}: the diagram shows ${frame.diagram} px of the 500 px frame (half is 250)`);
    assert.ok(frame.under >= 0 && frame.under <= 16, `${when}: the diagram ends at the frame's bottom edge, whole (${frame.under} px above it)`);
    assert.ok(frame.header <= 32, `${when}: the header is one line (${frame.header} px high)`);
    assert.deepEqual(frame.small, [], `${when}: no control under 24 × 24 px`);
    assert.ok(frame.scroll <= frame.inner && frame.past.length === 0, `${when}: the page is ${frame.scroll} px wide in ${frame.inner} (past its edge: ${frame.past})`);
    for (const id of ['#apply-next', '#revert-last', '#fill-rows', '#cancel', '#target', '#migrate-to', '#tab-diagram', '#tab-schema', '#tab-migrations', '#theme']) {
      const box = await page.locator(id).boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= 360 && box.y >= 0 && box.y + box.height <= 500,
        `${when}: ${id} is on the first screen (${JSON.stringify(box)})`);
    }
  };
  await check('at the start');
  await page.click('#apply-next');
  await progress(page, 'Apply next: 1 migration');
  await page.waitForSelector('#demo-sql:not([hidden])');
  await check('after Apply next');
  // The diagram's tools keep to one row that scrolls sideways: the last is reachable.
  await page.click('#diagram-find');
  assert.deepEqual(problems, []);
  await context.close();
});

test('?demo&at= starts at a version (&version= too), or at the latest; a version the set lacks is an error on the page, and nothing is applied', async () => {
  const middle = await openAt(800, '?demo&at=20250115010200', { height: 500 });
  await progress(middle.page, 'Migrate to 20250115010200: 3 migrations');
  assert.deepEqual(await badges(middle.page), [...Array(3).fill('applied'), ...Array(4).fill('pending')]);
  assert.equal(await middle.page.locator('#target').inputValue(), '20250115010200');
  assert.equal(await able(middle.page, 'apply-next'), true);
  assert.equal(await middle.page.locator('#demo-sql summary').textContent(), 'SQL: 20250115010200_create_workflow_tasks.up.sql');
  await middle.page.click('#apply-next');
  await progress(middle.page, 'Apply next: 1 migration');
  await middle.page.click('#demo-sql summary');
  assert.equal(await middle.page.locator('#demo-sql-text').textContent(), bundledFile('20250115010300_create_tool_executions.up.sql'));
  assert.deepEqual(middle.problems, []);
  await middle.context.close();

  const alias = await openAt(800, '?demo&version=20250115010100', { height: 500 });
  await progress(alias.page, 'Migrate to 20250115010100: 2 migrations');
  assert.deepEqual(await badges(alias.page), [...Array(2).fill('applied'), ...Array(5).fill('pending')]);
  await alias.context.close();

  const latest = await openAt(800, '?demo&at=latest', { height: 500 });
  await progress(latest.page, 'Migrate to the latest: 7 migrations');
  assert.deepEqual(await badges(latest.page), Array(7).fill('applied'));
  assert.equal(await able(latest.page, 'apply-next'), false);
  await latest.context.close();

  const unknown = await openAt(800, '?demo&at=20990101000000', { height: 500 });
  await unknown.page.waitForSelector('#error:not([hidden])');
  assert.equal(await unknown.page.locator('#error').textContent(), 'Error: no migration with version 20990101000000 in this set');
  assert.equal(await unknown.page.locator('#error').isVisible(), true, 'the error is on the page');
  assert.deepEqual(await badges(unknown.page), Array(7).fill('pending'), 'the demo stays before the first migration');
  assert.equal(await able(unknown.page, 'apply-next'), true);
  await unknown.context.close();
});

test('?demo&view= chooses the first view; &theme= forces a theme; unknown values are ignored', async () => {
  const schema = await openAt(800, '?demo&view=schema');
  assert.deepEqual(await demoViews(schema.page), { visible: ['schema-panel'], selected: ['Schema'] });
  await schema.context.close();

  const migrations = await openAt(800, '?demo&view=migrations');
  assert.deepEqual(await demoViews(migrations.page), { visible: ['migrations-panel'], selected: ['Migrations'] });
  await migrations.context.close();

  const dark = await openAt(800, '?demo&view=diagram&theme=dark');
  assert.deepEqual(await demoViews(dark.page), { visible: ['diagram-panel'], selected: ['Diagram'] });
  assert.deepEqual(await theme(dark.page), { background: DARK_BG, forced: 'dark', button: 'Theme: dark' });
  await dark.context.close();

  const light = await openAt(800, '?demo&theme=light', { colorScheme: 'dark' });
  assert.equal((await theme(light.page)).background, LIGHT_BG, '&theme=light wins over a dark system');
  await light.context.close();

  const unknown = await openAt(800, '?demo&view=everything&theme=purple', { colorScheme: 'dark' });
  assert.deepEqual(await demoViews(unknown.page), { visible: ['diagram-panel'], selected: ['Diagram'] });
  assert.deepEqual(await theme(unknown.page), { background: DARK_BG, forced: null, button: 'Theme: system' });
  assert.equal(await unknown.page.locator('#error').isHidden(), true, 'no error');
  assert.deepEqual(unknown.problems, []);
  await unknown.context.close();
});

test('the demo view\'s theme toggle works but saves nothing', async () => {
  const { page, context } = await openAt(800, '?demo');
  await page.click('#theme');
  assert.equal((await theme(page)).forced, 'light');
  assert.equal(await page.evaluate(() => localStorage.getItem('migraplay-theme')), null);
  await context.close();
});

/**
 * The page at `url`, with the wasm and the workers it fetches, by path, as they come
 * (make dist: pkg-light/ and worker-light.js the light build, pkg/ and worker.js the
 * full one). `refuseStorage`: IndexedDB and localStorage throw, in the page and in
 * its workers (as in some embedding sites' iframes). `route(context)` runs before it opens.
 */
async function fetchedBuild(url, { refuseStorage = false, route = null } = {}) {
  const context = await ctx.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const all = [];
  // The context's requests: the workers and their fetches of the wasm are among them.
  context.on('request', (r) => all.push(new URL(r.url()).pathname));
  if (refuseStorage) {
    const refuse = 'IDBFactory.prototype.open = function () { throw new DOMException("denied", "SecurityError"); };';
    await context.addInitScript(`${refuse} Storage.prototype.setItem = () => { throw new DOMException("denied", "SecurityError"); };`);
    // Workers run no init script: their scripts get the same first line.
    await context.route(/\/www\/worker(-light)?\.js$/, async (r) => {
      const response = await r.fetch();
      await r.fulfill({ response, body: `${refuse}\n${await response.text()}` });
    });
  }
  if (route) await route(context);
  const { page, problems } = await open(url, { context });
  const builds = () => all.filter((p) => /\/(pkg[^/]*\/migraplay_bg\.wasm|www\/worker[^/]*\.js)$/.test(p));
  return { page, problems, context, builds };
}

const LIGHT = ['/www/worker-light.js', '/pkg-light/migraplay_bg.wasm'];
const FULL = ['/www/worker.js', '/pkg/migraplay_bg.wasm'];
const sorted = (list) => [...list].sort();

/** The SQL console's cells for `sql` (the full page's console). */
async function query(page, sql) {
  await page.locator('#console-editor textarea').fill(sql);
  await page.click('#console-run');
  await progress(page, 'Run SQL: 1 statement');
  return page.locator('#console-results td').allTextContents();
}

/** The schema as SQL (`.schema`), as the page shows it. */
async function schemaText(page) {
  if (!await page.locator('#schema-sql-details').evaluate((d) => d.open)) await page.click('#schema-sql-details summary');
  await page.waitForFunction(() => /lines\.$|no schema yet/.test(document.querySelector('#schema-sql-status').textContent));
  return page.locator('#schema-sql').textContent();
}

const COUNTS = 'SELECT (SELECT count(*) FROM tasks), (SELECT count(*) FROM workflow_tasks), (SELECT x FROM kept);';

test('the full page loads the light build only; Fill with sample rows loads the full one, keeping the schema, the rows and the applied migrations', async () => {
  const { page, problems, context, builds } = await fetchedBuild('');
  assert.deepEqual(sorted(builds()), sorted(LIGHT), 'ready with the light build alone');
  await page.click('#apply-all');
  await progress(page, 'Apply all: 7 migrations');
  // A change to the database the light build alone holds (nothing re-derives it).
  await query(page, 'CREATE TABLE kept (x);');
  await query(page, 'INSERT INTO kept VALUES (42);');
  const schema = await schemaText(page);
  const states = await badges(page);
  assert.deepEqual(sorted(builds()), sorted(LIGHT), 'applying, the console and the schema need no more');
  await page.click('#fill-rows');
  await progress(page, 'Fill with sample rows: 20 rows in 7 tables.'); // kept had 1 of its 3
  assert.deepEqual(sorted(builds()), sorted([...LIGHT, ...FULL]), 'the full build, once');
  assert.deepEqual(await badges(page), states, 'the same migrations applied');
  assert.equal(await schemaText(page), schema, 'the same schema');
  assert.deepEqual(await query(page, COUNTS), ['3', '3', '42'], 'the sample rows, and the rows from before the switch');
  assert.equal(await page.locator('#error').isVisible(), false);
  assert.deepEqual(problems, []);
  await context.close();
});

test('Verify on the full page loads the full build once and passes; a second Verify fetches nothing new', async () => {
  const { page, problems, context, builds } = await fetchedBuild('');
  await page.click('#verify');
  await page.waitForSelector('#verify-summary.pass, #verify-summary.fail');
  assert.equal(await page.locator('#verify-summary').textContent(), 'PASS: all 7 migrations apply, revert and re-apply cleanly.');
  assert.deepEqual(sorted(builds()), sorted([...LIGHT, ...FULL]));
  const fetched = builds().length;
  await page.click('#verify');
  await progress(page, 'Verify: PASS');
  assert.equal(builds().length, fetched, 'nothing fetched again');
  assert.deepEqual(problems, []);
  await context.close();
});

test('?demo loads the light build only; Fill with sample rows and Compare load the full one and keep the demo where it was (it saves nothing)', async () => {
  const { page, problems, context, builds } = await fetchedBuild('?demo&view=schema');
  assert.deepEqual(sorted(builds()), sorted(LIGHT));
  await page.click('#apply-next');
  await progress(page, 'Apply next: 1 migration');
  await page.click('#apply-next');
  await progress(page, 'Apply next: 1 migration');
  const states = await badges(page);
  assert.deepEqual(states.slice(0, 3), ['applied', 'applied', 'pending']);
  const tables = await tableNames(page);
  assert.deepEqual(sorted(builds()), sorted(LIGHT), 'stepping needs no more');
  await page.click('#fill-rows');
  await progress(page, 'Fill with sample rows: ');
  assert.match(await page.locator('#progress').textContent(), /^Fill with sample rows: \d+ rows in \d+ tables?\.$/);
  assert.deepEqual(sorted(builds()), sorted([...LIGHT, ...FULL]));
  assert.deepEqual(await badges(page), states, 'the same migrations applied');
  assert.deepEqual(await tableNames(page), tables);
  await page.click('#revert-last');
  await progress(page, 'Revert last: 1 migration');
  assert.deepEqual((await badges(page)).slice(0, 2), ['applied', 'pending'], 'it goes on from where the demo was');
  await page.click('#compare-details > summary');
  await page.selectOption('#compare-from', '0');
  await page.selectOption('#compare-to', '20250115010000');
  await page.click('#compare-run');
  await page.waitForSelector('#compare-result:not([hidden]) .compare-object');
  assert.equal(builds().length, LIGHT.length + FULL.length, 'no second load');
  assert.deepEqual(problems, []);
  await context.close();
});

test('where storage is refused, the switch to the full build keeps the playground', async () => {
  const { page, context, builds } = await fetchedBuild('', { refuseStorage: true });
  await page.click('#apply-all');
  await progress(page, 'Apply all: 7 migrations');
  await page.waitForFunction(() => document.querySelector('#error').textContent.includes('refused to save the playground'));
  await query(page, 'CREATE TABLE kept (x);');
  await query(page, 'INSERT INTO kept VALUES (42);');
  const states = await badges(page);
  await page.click('#fill-rows');
  await progress(page, 'Fill with sample rows: 20 rows in 7 tables.');
  assert.deepEqual(sorted(builds()), sorted([...LIGHT, ...FULL]));
  assert.deepEqual(await badges(page), states);
  assert.deepEqual(await query(page, COUNTS), ['3', '3', '42']);
  await context.close();
});

test('while the full build loads the page says so and stays busy; when it cannot load, the error says so and the playground stays', async () => {
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  let refuse = true;
  const { page, problems, context } = await fetchedBuild('', {
    route: (c) => c.route(/\/pkg\/migraplay_bg\.wasm$/, async (r) => {
      await held;
      if (refuse) await r.fulfill({ status: 404, body: 'gone' });
      else await r.continue();
    }),
  });
  await page.click('#apply-all');
  await progress(page, 'Apply all: 7 migrations');
  const states = await badges(page);
  await page.click('#fill-rows');
  await progress(page, 'Loading the full build (verify, review, sample rows, Compare)…');
  assert.equal(await page.evaluate(() => document.body.hasAttribute('aria-busy')), true, 'busy while it loads');
  assert.equal(await page.locator('#apply-next').getAttribute('aria-disabled'), 'true');
  release();
  await progress(page, 'Fill with sample rows failed.');
  assert.match(await page.locator('#error').textContent(),
    /^Error: The full build \(verify, review, sample rows, Compare\) did not load: .+\. The playground is as it was; try again, or reload the page\.$/);
  assert.deepEqual(await badges(page), states, 'the playground as it was');
  await page.click('#revert-last');
  await progress(page, 'Revert last: 1 migration');
  // Once the wasm can be had, the next try loads it.
  refuse = false;
  await page.click('#fill-rows');
  await progress(page, 'Fill with sample rows: ');
  assert.match(await page.locator('#progress').textContent(), /^Fill with sample rows: \d+ rows in \d+ tables\.$/);
  assert.deepEqual(problems.filter((p) => !p.includes('404')), []);
  await context.close();
});

test('at 360 px Compare versions fits: its selects shrink with the row, and a long name wraps', async () => {
  const { page, problems, context } = await openAt(360);
  await applied(page, 'bundled');
  await page.click('#compare-details > summary');
  const last = await page.locator('#compare-to option').last().getAttribute('value');
  await page.selectOption('#compare-from', '0');
  await page.selectOption('#compare-to', last);
  await page.click('#compare-run');
  await page.waitForSelector('#compare-result:not([hidden]) .compare-object');
  const { scroll, inner, past } = await pageWidth(page);
  assert.ok(scroll <= inner, `the page is ${scroll} px wide in a ${inner} px window (past its edge: ${past})`);
  assert.deepEqual(problems, []);
  await context.close();
});
