// The page at any width, the theme toggle and the demo view's layout: what a
// user sees at 360 px (a phone), 800 px (an iframe in a documentation page)
// and 1920 px, on the bundled set and on a real-sized set of 60 tables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup, open, ctx, progress } from './harness.mjs';

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

test('at 360 px the verify results scroll inside their own box, and the page does not', async () => {
  const { page, problems, context } = await openAt(360);
  await page.click('#verify');
  await page.waitForFunction(() => document.querySelector('#verify-summary').matches('.pass, .fail'));
  const box = await page.evaluate(() => {
    const scroller = document.querySelector('#verify-results').closest('.table-scroll');
    return { scrolls: scroller.scrollWidth > scroller.clientWidth, right: scroller.getBoundingClientRect().right };
  });
  assert.equal(box.scrolls, true, 'the nine columns scroll sideways in their box');
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

test('?demo in an 800 px iframe: one header line, the steps as a bar, and the diagram on the first screen', async () => {
  const { page, problems, context } = await openAt(800, '?demo', { height: 600 });
  await progress(page, 'Migrate to the latest:');
  assert.deepEqual(await demoViews(page), { visible: ['diagram-panel'], selected: ['Diagram'] });
  const header = await page.locator('header').boundingBox();
  assert.ok(header.height < 48, `the header is one line (${header.height} px high)`);
  for (const id of ['#apply-next', '#revert-last', '#target', '#migrate-to', '#progress']) {
    const box = await page.locator(id).boundingBox();
    assert.ok(box && box.y + box.height < 160, `${id} is in the bar at the top (y ${box?.y})`);
  }
  const diagram = await page.locator('#diagram').boundingBox();
  assert.ok(diagram.y + 250 < 600, `the diagram is on the first screen (from y ${diagram.y} in a 600 px window)`);
  const { scroll, inner } = await pageWidth(page);
  assert.ok(scroll <= inner, `the page is ${scroll} px wide in a ${inner} px window`);
  // The other views are a tab away, by mouse or by keyboard.
  await page.click('#tab-schema');
  assert.deepEqual(await demoViews(page), { visible: ['schema-panel'], selected: ['Schema'] });
  await page.keyboard.press('ArrowRight');
  assert.deepEqual(await demoViews(page), { visible: ['migrations-panel'], selected: ['Migrations'] });
  assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-migrations');
  // The steps still step.
  await page.click('#revert-last');
  await progress(page, 'Revert last: 1 migration');
  assert.deepEqual(problems, []);
  await context.close();
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
  await progress(unknown.page, 'Migrate to the latest:');
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
