// Nothing typed is lost: text typed in the file editor and not saved comes
// back after a reload as a draft, and says so; Discard draft and Save end it;
// a draft of a file the set changed says so, of a file the set lost goes; the
// console's text comes back too; leaving asks first only where the browser
// refuses to keep a draft.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setup, open, ctx, progress, fixtureDir, loadFixture, INDEX_LEFT_BEHIND } from './harness.mjs';

setup();

const FILE = '20250115010100_create_workflows.up.sql';
const RESTORED = 'Unsaved draft restored (not saved to the set yet).';
const ready = (page) => page.waitForSelector('body[data-ready="true"]', { timeout: 20000 });
const textarea = (page) => page.locator('#editor textarea');
const note = (page) => page.locator('#editor-note').textContent();
async function openFile(page, name = FILE) {
  await page.click(`#migrations button[data-file="${name}"]`);
  await page.waitForSelector('#editor-panel:not([hidden])');
}
/** The files the migrations table marks as having an unsaved draft. */
const drafted = (page) => page.locator('#migrations .draft-tag').evaluateAll((tags) => tags.map((t) => `${t.closest('button').dataset.file}: ${t.textContent}`));
async function reload(page) {
  await page.reload();
  await ready(page);
}

test('unsaved editor text comes back after a reload as a draft, and Discard draft puts back the saved text', async () => {
  const { page, context, problems } = await open();
  await openFile(page);
  const saved = await textarea(page).inputValue();
  const draft = `${saved}\n-- typed, not saved\n`;
  assert.deepEqual(await drafted(page), [], 'no draft yet');
  await textarea(page).fill(draft);
  assert.equal(await note(page), 'Unsaved changes, kept as a draft until you save or discard them.');
  assert.deepEqual(await drafted(page), [`${FILE}: draft`], 'the table marks the file with a draft');
  // At once, as an impatient user would: the last keystrokes are kept as the page goes.
  await reload(page);
  assert.deepEqual(await drafted(page), [`${FILE}: draft`], 'and again after a reload');

  assert.equal(await page.locator('#editor-panel').isVisible(), true, 'the editor reopens on the draft');
  assert.equal(await page.locator('#editor-file').textContent(), FILE);
  assert.equal(await textarea(page).inputValue(), draft);
  assert.equal(await note(page), RESTORED);
  assert.equal(await page.locator('#editor-discard').isVisible(), true);

  await page.click('#editor-discard');
  assert.equal(await textarea(page).inputValue(), saved);
  assert.equal(await note(page), 'Draft discarded: this is the file as the set has it.');
  assert.deepEqual(await drafted(page), [], 'no draft: no mark');
  assert.equal(await page.locator('#editor-discard').isHidden(), true);
  await reload(page);
  assert.equal(await page.locator('#editor-panel').isHidden(), true, 'no draft: nothing reopens');
  await openFile(page);
  assert.equal(await textarea(page).inputValue(), saved);
  assert.equal(await note(page), '');
  assert.deepEqual(problems, []);
  await context.close();
});

test('Save ends the draft: after a reload the set has the saved file and no draft is restored', async () => {
  const { page, context } = await open();
  await openFile(page);
  const edited = `${await textarea(page).inputValue()}\n-- saved\n`;
  await textarea(page).fill(edited);
  await page.click('#editor-save');
  await progress(page, `Save ${FILE}: done`);
  assert.equal(await note(page), 'Saved.');
  assert.equal(await page.locator('#editor-discard').isHidden(), true);
  await reload(page);
  assert.equal(await page.locator('#editor-panel').isHidden(), true);
  await openFile(page);
  assert.equal(await textarea(page).inputValue(), edited);
  assert.equal(await note(page), '');
  await context.close();
});

test('Close keeps the draft, a draft of a file the set changed says so, and one of a file the set lost waits for it', async () => {
  const { page, context, problems } = await open();
  await openFile(page);
  const draft = `-- my version\n${await textarea(page).inputValue()}`;
  await textarea(page).fill(draft);
  await page.click('#editor-close');
  assert.deepEqual(await drafted(page), [`${FILE}: draft`], 'a closed editor\'s draft is marked in the table');
  await page.click('#apply-next');
  await progress(page, 'Apply next: 1 migration');
  assert.deepEqual(await drafted(page), [`${FILE}: draft`], 'and still after the table is drawn again');
  await page.click('#revert-last');
  await progress(page, 'Revert last: 1 migration');
  await openFile(page);
  assert.equal(await textarea(page).inputValue(), draft, 'closing did not throw the text away');
  assert.equal(await note(page), RESTORED);

  // The same set loaded again with this file changed: the editor closes (a new set), the draft stays,
  // and says the file changed under it.
  const dir = mkdtempSync(path.join(tmpdir(), 'migraplay-drafts-'));
  cpSync(fixtureDir('bundled'), dir, { recursive: true });
  writeFileSync(path.join(dir, FILE), 'CREATE TABLE workflows (id TEXT PRIMARY KEY);\n');
  await page.setInputFiles('#files', readdirSync(dir).map((f) => path.join(dir, f)));
  await progress(page, 'Load 14 files: done');
  const changed = 'The file in the set has changed since this draft was taken: Save puts the draft in its place, '
    + 'Discard draft shows the set’s version.';
  assert.equal(await page.locator('#editor-panel').isHidden(), true);
  await openFile(page);
  assert.equal(await textarea(page).inputValue(), draft);
  assert.equal(await note(page), `${RESTORED} ${changed}`);
  await reload(page);
  assert.equal(await textarea(page).inputValue(), draft);
  assert.equal(await note(page), `${RESTORED} ${changed}`);
  await page.click('#editor-discard');
  assert.equal(await textarea(page).inputValue(), 'CREATE TABLE workflows (id TEXT PRIMARY KEY);\n', 'the set’s version');

  // A draft of a file that another set does not have waits, through a reload, until the file is back.
  await textarea(page).fill('-- another draft\n');
  await loadFixture(page, 'index_left_behind', INDEX_LEFT_BEHIND, 2);
  assert.equal(await page.locator('#editor-panel').isHidden(), true);
  await reload(page);
  assert.equal(await page.locator('#editor-panel').isHidden(), true);
  assert.equal(await page.locator('#error').isHidden(), true);
  await page.click('#load-bundled');
  await progress(page, 'Load the bundled set');
  await openFile(page);
  assert.equal(await textarea(page).inputValue(), '-- another draft\n', 'the draft came back with its file');
  assert.deepEqual(problems, []);
  await context.close();
});

test('Reset everything ends the draft and the console text', async () => {
  const { page, context } = await open();
  await openFile(page);
  const saved = await textarea(page).inputValue();
  await textarea(page).fill('-- a draft\n');
  await page.locator('#console-editor textarea').fill('SELECT 1 AS mine;');
  await page.click('#reset');
  await progress(page, 'Reset everything: done.');
  assert.deepEqual(await drafted(page), [], 'Reset everything: no draft marked');
  await reload(page);
  assert.equal(await page.locator('#editor-panel').isHidden(), true);
  await openFile(page);
  assert.equal(await textarea(page).inputValue(), saved);
  assert.equal(await note(page), '');
  assert.match(await page.locator('#console-editor textarea').inputValue(), /^SELECT name, type FROM sqlite_schema/);
  await context.close();
});

test('the console keeps its text through a reload, per playground', async () => {
  const { page, context } = await open();
  await page.click('#apply-next'); // so that this playground is saved, and listed
  await progress(page, 'Apply next: 1 migration');
  await page.locator('#console-editor textarea').fill('SELECT 42 AS answer;');
  await reload(page);
  assert.equal(await page.locator('#console-editor textarea').inputValue(), 'SELECT 42 AS answer;');
  // Another playground has its own.
  await page.click('#playgrounds summary');
  await page.click('#new-playground');
  await progress(page, 'New playground: done.');
  assert.match(await page.locator('#console-editor textarea').inputValue(), /^SELECT name, type FROM sqlite_schema/);
  await page.click('#playground-list button:text("Open here")');
  await progress(page, 'Open the playground: done.');
  assert.equal(await page.locator('#console-editor textarea').inputValue(), 'SELECT 42 AS answer;');
  await context.close();
});

/** Whether leaving the page asks first (a beforeunload dialog, dismissed: the page stays). */
function asksBeforeLeaving(page) {
  return new Promise((resolve, reject) => {
    page.once('dialog', (dialog) => dialog.dismiss().then(() => resolve(dialog.type() === 'beforeunload'), reject));
    page.once('close', () => resolve(false));
    page.close({ runBeforeUnload: true }).catch(reject);
  });
}

test('leaving asks first only when the browser refuses to keep the draft', async () => {
  const kept = await open();
  await openFile(kept.page);
  await textarea(kept.page).type('-- typed ');
  assert.equal(await asksBeforeLeaving(kept.page), false, 'a kept draft: no question');
  await kept.context.close();

  // A browser that keeps nothing (as some embedding sites' iframes are).
  const context = await ctx.browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript(() => {
    Storage.prototype.setItem = () => { throw new DOMException('denied', 'SecurityError'); };
  });
  const { page } = await open('', { context });
  await openFile(page);
  await textarea(page).type('-- typed ');
  await page.waitForFunction(() => document.querySelector('#editor-note').textContent.includes('does not let the page keep a draft'));
  assert.equal(await note(page), 'Unsaved changes. '
    + 'This browser does not let the page keep a draft: save before you leave, or a reload loses these changes.');
  assert.equal(await asksBeforeLeaving(page), true);
  assert.equal(page.isClosed(), false, 'the page stayed');
  await context.close();
});
