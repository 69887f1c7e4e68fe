// Results at real size: a generated set of 70 migrations with failures, verified on a phone
// (390×844, touch) and on a desktop (1280×900). What a reviewer sees: the verdict, the full
// rollback and the failing migrations in view after Verify; a page a few screens tall that never
// scrolls sideways; every control at least 24×24 px; each migration a card on the phone; each
// finding a link to its file and line, and to its table; axe clean in both themes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setup, open, ctx, audit } from './harness.mjs';
import { seventy } from './seventy.mjs';

setup();

const SEVENTY = seventy();

const SIZES = {
  phone: { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true },
  desktop: { viewport: { width: 1280, height: 900 } },
};

async function verified(size, colorScheme = 'light') {
  const context = await ctx.browser.newContext({ ...SIZES[size], colorScheme });
  const { page, problems } = await open('', { context });
  await page.setInputFiles('#files', SEVENTY);
  await page.waitForFunction(() => document.querySelectorAll('#migrations tbody tr').length === 70);
  await page.click('#verify');
  await page.waitForSelector('#verify-summary.fail', { timeout: 60000 });
  return { page, problems };
}

/** Where an element is in the window: its top and bottom, and the window's height. */
const box = (page, selector) => page.locator(selector).first().evaluate((e) => {
  const r = e.getBoundingClientRect();
  return { top: Math.round(r.top), bottom: Math.round(r.bottom), height: innerHeight };
});

/** Visible controls smaller than 24×24 px (WCAG 2.2 target size), named. */
const smallControls = (page) => page.evaluate(() => [...document.querySelectorAll(
  'button, select, input:not([type=hidden]), summary, a[href], [role=tab], textarea')]
  .filter((e) => e.checkVisibility() && !e.closest('svg'))
  .map((e) => ({ e, r: e.getBoundingClientRect() }))
  .filter(({ r }) => r.width < 23.5 || r.height < 23.5)
  .map(({ e, r }) => `${e.tagName.toLowerCase()}#${e.id}.${e.className} "${e.textContent.trim().slice(0, 30)}" ${r.width.toFixed(1)}×${r.height.toFixed(1)}`));

for (const size of ['phone', 'desktop']) {
  test(`70 migrations verified on a ${size}: the verdict in view, a short page, no sideways scroll, no small control`, async () => {
    const { page, problems } = await verified(size);
    assert.equal(await page.locator('#verify-summary').textContent(),
      'FAIL: 6 of 70 migrations failing (10, 16, 24 and 3 more), the full rollback fails at 34, 64 passing.');
    const verdict = await box(page, '#verify-summary');
    assert.ok(verdict.top >= 0 && verdict.bottom <= verdict.height, `the verdict is in view: ${JSON.stringify(verdict)}`);
    const rollback = await box(page, '#verify-rollback');
    assert.ok(rollback.bottom <= rollback.height, `the full rollback is in view: ${JSON.stringify(rollback)}`);
    const failing = await box(page, '#verify-failing li');
    assert.ok(failing.top < failing.height, `the first failing migration starts in view: ${JSON.stringify(failing)}`);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'verify-summary', 'focus is on the verdict');
    const { height, scroll, inner } = await page.evaluate(() => ({
      height: document.documentElement.scrollHeight, scroll: document.documentElement.scrollWidth, inner: innerWidth }));
    assert.ok(height < 10000, `the page is ${height} px tall`);
    assert.ok(scroll <= inner, `the page is ${scroll} px wide in a window ${inner} px wide`);
    // No line of the verdict's part runs past its panel (a long file name used to, cut off at the edge).
    const cut = await page.evaluate(() => [...document.querySelectorAll('#verify-panel :is(p, li, span)')]
      .filter((e) => e.checkVisibility() && e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).display !== 'inline')
      .map((e) => `${e.id || e.className}: ${e.scrollWidth} > ${e.clientWidth}`));
    assert.deepEqual(cut, []);
    assert.deepEqual(await smallControls(page), []);
    // Failing only by default: the six, not the 64 that passed; all on request.
    const rows = () => page.locator('#verify-results tbody tr').evaluateAll((trs) => trs.filter((t) => t.checkVisibility()).length);
    assert.equal(await rows(), 6);
    assert.equal(await page.locator('#verify-show-all').textContent(), 'all (70)');
    await page.click('#verify-show-all');
    assert.equal(await rows(), 70);
    assert.equal(await page.locator('#report-details').evaluate((d) => d.open), false, 'the full report is folded');
    assert.deepEqual(problems, []);
    await page.context().close();
  });
}

test('on a phone each migration is a card: the verdict, the first finding, the times on one line', async () => {
  const { page } = await verified('phone');
  const card = page.locator('#verify-results tr[data-version="10"]');
  const widths = await card.evaluate((tr) => ({ card: tr.getBoundingClientRect().width, table: tr.closest('.table-scroll').clientWidth }));
  assert.ok(widths.card <= widths.table, `the card fits its box: ${JSON.stringify(widths)}`);
  const times = card.locator('td.times');
  assert.match(await times.textContent(), /^up \d+\.\d{3} ms · down \d+\.\d{3} ms · up again same schema$/);
  const lines = await times.evaluate((td) => { const r = document.createRange(); r.selectNodeContents(td); return new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size; });
  assert.equal(lines, 1, 'up, down and up again on one line');
  assert.equal(await card.locator('td.time').first().isVisible(), false, 'the table\'s three cells give way to that line');
  assert.equal(await card.locator('.badge').textContent(), 'FAIL');
  assert.equal(await card.locator('.problems > li:not(.more)').count(), 1, 'one finding, the rest folded');
  assert.equal(await card.locator('.problems > li.more summary').textContent(), '1 more problem');
  assert.match(await card.locator('.problems > li:not(.more) .finding').textContent(), /^down: index idx_account_ledger_entry_05_recent is still there/);
  await page.context().close();
});

test('a finding links to its file at its line in the editor, and to its table', async () => {
  const { page, problems } = await verified('desktop');
  const first = page.locator('#verify-failing li').first();
  assert.equal(await first.locator('.finding').textContent(),
    '10 add note to account ledger entry 05: down: index idx_account_ledger_entry_05_recent is still there '
    + '(created by 10 add note to account ledger entry 05, 010_add_note_to_account_ledger_entry_05.up.sql line 2); '
    + 'nothing in 010_add_note_to_account_ledger_entry_05.down.sql touches index idx_account_ledger_entry_05_recent (and 1 more)');
  assert.deepEqual(await first.locator('button.place').allTextContents(),
    ['010_add_note_to_account_ledger_entry_05.down.sql:1', 'account_ledger_entry_05 in the schema']);
  await first.locator('button.place').first().click();
  await page.waitForSelector('#editor-panel:not([hidden])');
  assert.equal(await page.locator('#editor-file').textContent(), '010_add_note_to_account_ledger_entry_05.down.sql');
  assert.equal(await page.locator('#editor textarea').inputValue(), 'ALTER TABLE account_ledger_entry_05 DROP COLUMN note;\n');
  const editor = await box(page, '#editor-panel');
  assert.ok(editor.top >= 0 && editor.top < editor.height, `the editor is in view: ${JSON.stringify(editor)}`);
  // The failing down of 34 is marked at its statement's line.
  await page.locator('#verify-failing li', { hasText: '34 add note' }).locator('button.place').first().click();
  await page.waitForFunction(() => document.querySelector('#editor-file').textContent === '034_add_note_to_account_ledger_entry_17.down.sql');
  assert.deepEqual(await page.locator('#editor .gutter .marked').allTextContents(), ['2'], 'the failing statement, on line 2');
  assert.equal(await page.locator('#editor-note').textContent(), 'Verify’s finding points to line 2.', 'a finding is not called an error');
  // The playground's database is empty (verify builds its own): the link says so, then, once applied, opens the card.
  await first.locator('button.place', { hasText: 'in the schema' }).click();
  assert.equal(await page.locator('#progress').textContent(),
    "account_ledger_entry_05 is not in the playground's database now: apply the migrations to see its card.");
  await page.click('#apply-all');
  await page.waitForFunction(() => document.querySelector('#progress').textContent.startsWith('Apply all:'));
  await first.locator('button.place', { hasText: 'in the schema' }).click();
  await page.waitForSelector('#tables .table-card.er-picked');
  assert.equal(await page.locator('#tables .table-card.er-picked').getAttribute('data-table'), 'account_ledger_entry_05');
  // Once the set changes, the findings' lines may have moved: the links say so instead of opening a wrong line.
  await page.locator('#verify-failing li', { hasText: '34 add note' }).locator('button.place').first().click();
  await page.locator('#editor textarea').fill('-- moved down\nDROP INDEX idx_account_ledger_entry_17_recent;\nALTER TABLE account_ledger_entry_17 DROP COLUMN note;\n');
  await page.click('#editor-save');
  await page.waitForFunction(() => document.querySelector('#progress').textContent.startsWith('Save '));
  await first.locator('button.place').first().click();
  assert.equal(await page.locator('#progress').textContent(),
    'The set changed since these findings were made: their lines may have moved. Verify again to follow them.');
  assert.equal(await page.locator('#editor-file').textContent(), '034_add_note_to_account_ledger_entry_17.down.sql', 'the editor stays where it was');
  assert.deepEqual(problems, []);
  await page.context().close();
});

for (const scheme of ['light', 'dark']) {
  for (const size of ['phone', 'desktop']) {
    test(`axe: 70 migrations verified on a ${size} (${scheme})`, async () => {
      const { page, problems } = await verified(size, scheme);
      await audit(page, `on 70 verified migrations, ${size}, ${scheme}`);
      assert.deepEqual(problems, []);
      await page.context().close();
    });
  }
}
