// "Compare with…": the set on screen (the head) reviewed against a base loaded
// as a folder, files or a share link, read as a user reads it. What the page
// shows is checked against what `migraplay review` prints for the same two
// folders (its JSON and its exit code), and against the tools' own words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import { createRequire } from 'node:module';
import path from 'node:path';
import { setup, open, root, fixtureDir, progress, total } from './harness.mjs';

setup();

const bin = process.env.MIGRAPLAY_BIN || path.join(root, 'target/debug/migraplay');
const side = (name, which) => path.join(fixtureDir(`review/${name}`), which);

/** What `migraplay review BASE HEAD --format json` says, and its exit code. */
function cli(base, head) {
  const run = spawnSync(bin, ['review', base, head, '--format', 'json'], { encoding: 'utf8' });
  return { review: JSON.parse(run.stdout), exit: run.status };
}

/** A share link's fragment carrying the folder's migration files, as the page's Share link writes it. */
function linkOf(dir) {
  const files = readdirSync(dir).filter((n) => n.endsWith('.sql')).sort()
    .map((name) => ({ name, text: readFileSync(path.join(dir, name), 'utf8') }));
  return `#set=${deflateRawSync(Buffer.from(JSON.stringify(files))).toString('base64url')}`;
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core (WCAG 2.x A and AA, best practices) on the review panel: the rule ids and nodes it finds. */
async function axeViolations(page) {
  await page.evaluate(axeSource);
  return page.evaluate(() => window.axe.run('#review-panel', {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  }).then((r) => r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)));
}

const migrationRows = (page) => page.locator('#migrations tbody tr').count();

/** Loads `dir` as the set with Load a folder, and waits until it is on screen. */
async function loadHead(page, dir) {
  const versions = new Set(readdirSync(dir).filter((n) => n.endsWith('.sql')).map((n) => n.split('_')[0]));
  await page.setInputFiles('#folder', dir);
  await page.waitForFunction((n) => document.querySelectorAll('#migrations tbody tr').length === n
    && !document.body.hasAttribute('aria-busy'), versions.size);
}

/** Picks `dir` as the base with "Compare with… Base folder", and waits for the review or its error. */
async function compareWithFolder(page, dir) {
  await page.setInputFiles('#review-folder', dir);
  await page.waitForFunction(() => !document.body.hasAttribute('aria-busy')
    && (!document.querySelector('#review-result').hidden || !document.querySelector('#review-error').hidden));
}

const changes = (page) => page.locator('#review-changes li').evaluateAll((lis) => lis.map((li) => [li.dataset.kind, li.textContent]));
const words = (page) => page.locator('#review-schema ul.compare-words li').allTextContents();

for (const name of ['added', 'removed', 'renamed', 'modified_sqlx', 'out_of_order']) {
  test(`${name}: the page says what migraplay review says, in the tool's words, with its verdict`, async () => {
    const { page, context, problems } = await open();
    await loadHead(page, side(name, 'head'));
    const rows = await migrationRows(page);
    await compareWithFolder(page, side(name, 'base'));
    const { review, exit } = cli(side(name, 'base'), side(name, 'head'));
    assert.equal(await page.locator('#review-error').isHidden(), true);
    assert.equal(await page.locator('#review-verdict').textContent(), review.verdict.headline);
    assert.equal(await page.locator('#review-exit').textContent(), exit === 0
      ? 'migraplay review would exit 0: nothing to worry about.'
      : 'migraplay review would exit 1: a defect in this set\'s migrations, or a change its tool refuses or loses.');
    assert.deepEqual(await changes(page), review.changes.map((c) => [c.kind, c.text]));
    assert.deepEqual(await words(page), review.schema.differences.map((d) => d.text));
    const baseFiles = readdirSync(side(name, 'base')).filter((n) => n.endsWith('.sql')).length;
    await progress(page, `Compare with ${baseFiles} files: ${review.verdict.headline}`);
    // Read-only: the playground is as it was.
    assert.equal(await migrationRows(page), rows);
    assert.equal(await total(page, 'tables'), '0');
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('each change kind reads as the tools behave: sqlx refuses, runs late, matches by version', async () => {
  const { page, context } = await open();
  await loadHead(page, fixtureDir('review-page/head'));
  await compareWithFolder(page, fixtureDir('review-page/base'));
  assert.equal(await page.locator('#review-verdict').textContent(),
    'FAIL: 1 migration modified after merge (5); 1 migration removed (3); 1 migration failing verify (7).');
  assert.equal(await page.locator('#review-verdict').getAttribute('class'), 'verdict fail');
  const shown = await changes(page);
  assert.deepEqual(shown.map(([kind]) => kind), ['removed', 'added', 'out_of_order', 'modified_after_merge', 'renamed', 'added']);
  assert.equal(shown[3][1], 'modified after merge: 5 create tags (5_create_tags.up.sql line 1): sqlx refuses to migrate a database '
    + 'that ran the base: "migration 5 was previously applied but has been modified"');
  assert.match(shown[0][1], /^removed: 3 index posts \(3_index_posts\.up\.sql, 3_index_posts\.down\.sql\): sqlx refuses .*"migration 3 was previously applied but is missing in the resolved migrations"/);
  assert.match(shown[2][1], /^out of order: 4 create likes is older than the base's newest \(6\): sqlx applies it on a database already at 6, after 6/);
  assert.match(shown[4][1], /^renamed: 6 add bio → add user bio .*sqlx matches it by version/);

  // Verify on the head: this set's migrations (from 3, the first it touches, on), the broken down named.
  assert.equal(await page.locator('#review-verify-failing li').first().textContent(),
    'This set\'s migrations are those from 3 on (4 migrations), shown below; those before are the base\'s.');
  assert.deepEqual(await page.locator('#review-verify tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.version)), ['4', '5', '6', '7']);
  assert.equal(await page.locator('#review-verify tr[data-version="7"] .badge').textContent(), 'FAIL');
  // Rolled back and forward again, as an operator would, the up meets the index its down left.
  assert.deepEqual(await page.locator('#review-verify tr[data-version="7"] ul.problems li .finding').allTextContents(), [
    'down: index idx_posts_title is still there (created by 7 create comments, 7_create_comments.up.sql line 2); nothing in 7_create_comments.down.sql touches index idx_posts_title',
    'up again on what the down left failed: 7_create_comments.up.sql, statement 2 (line 2): index idx_posts_title already exists (rolled back)',
  ]);
  assert.equal(await page.locator('#review-failing').textContent(),
    '7 create comments: down: index idx_posts_title is still there (created by 7 create comments, 7_create_comments.up.sql line 2); nothing in 7_create_comments.down.sql touches index idx_posts_title; up again on what the down left failed: '
    + '7_create_comments.up.sql, statement 2 (line 2): index idx_posts_title already exists (rolled back)');

  // The schema change base → head, in words and as SQL.
  assert.equal(await page.locator('#review-schema .compare-head').textContent(), 'From the base (6) to the head (7): 5 differences.');
  assert.deepEqual(await words(page), ['table comments added', 'table likes added', 'table tags: UNIQUE (label) added',
    'index idx_posts_title added', 'index idx_posts_user removed']);
  const tags = page.locator('#review-schema section[data-object="table tags"]');
  assert.equal(await tags.locator('.side').nth(0).locator('h5').textContent(), 'at the base (6)');
  assert.equal(await tags.locator('.side').nth(1).locator('pre').textContent(),
    'CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT NOT NULL UNIQUE);\n');
  assert.deepEqual(await axeViolations(page), []);
  await context.close();
});

test('a share link is a base too; a link that does not unpack says so in the page', async () => {
  const { page, context, problems } = await open();
  await loadHead(page, side('modified_sqlx', 'head'));
  const { review } = cli(side('modified_sqlx', 'base'), side('modified_sqlx', 'head'));
  assert.equal(await page.locator('#review-link-run').getAttribute('aria-disabled'), 'true');
  assert.equal(await page.locator('#review-link-run').getAttribute('title'), 'Not now: paste a share link (…#set=…) first');
  await page.fill('#review-link', `https://example.org/migraplay/${linkOf(side('modified_sqlx', 'base'))}`);
  await page.click('#review-link-run');
  await page.waitForSelector('#review-result:not([hidden])');
  assert.equal(await page.locator('#review-verdict').textContent(), review.verdict.headline);
  assert.deepEqual(await changes(page), review.changes.map((c) => [c.kind, c.text]));

  await page.fill('#review-link', '#set=AAAA');
  await page.click('#review-link-run');
  await page.waitForSelector('#review-error:not([hidden])');
  assert.equal(await page.locator('#review-error .message').textContent(),
    'the base could not be loaded: this link\'s migration set is damaged (it may have been cut short when it was copied)');
  await page.fill('#review-link', 'https://example.org/no-fragment');
  await page.click('#review-link-run');
  await page.waitForFunction(() => document.querySelector('#review-error .message').textContent.includes('not a share link'));
  assert.equal(await page.locator('#review-error .message').textContent(),
    'the base could not be loaded: this is not a share link (it has no #set=… part)');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a base that cannot be loaded is an error in the review panel, naming the file', async () => {
  const { page, context, problems } = await open();
  await loadHead(page, fixtureDir('review-page/head'));
  await compareWithFolder(page, fixtureDir('review-page/broken_base'));
  assert.equal(await page.locator('#review-error .message').textContent(),
    'the base set cannot be loaded: 2_orphan.down.sql has no matching up migration; add 2_orphan.up.sql');
  assert.equal(await page.locator('#review-result').isHidden(), true);
  await progress(page, 'Compare with 1 file failed.');
  // The set on screen is as it was.
  assert.equal(await migrationRows(page), 6);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the review is marked stale once the set changes, and is current again when compared anew', async () => {
  const { page, context } = await open();
  await loadHead(page, side('added', 'head'));
  await compareWithFolder(page, side('added', 'base'));
  assert.equal(await page.locator('#review-stale').isHidden(), true);
  await page.click('#migrations button[data-file="2_create_books.up.sql"]');
  const text = await page.locator('#editor textarea').inputValue();
  await page.locator('#editor textarea').fill(`${text}\nCREATE INDEX idx_books_extra ON books(id);\n`);
  await page.click('#editor-save');
  await page.waitForSelector('#review-stale:not([hidden])');
  assert.equal(await page.locator('#review-panel').getAttribute('class'), 'editing stale');
  await compareWithFolder(page, side('added', 'base'));
  await page.waitForSelector('#review-stale', { state: 'hidden' });
  assert.deepEqual(await words(page), ['table books added', 'index idx_books_author added', 'index idx_books_extra added']);
  await context.close();
});

test('Cancel stops a review that does not end; the page is as it was and can compare again', async () => {
  const { page, context, problems } = await open();
  await page.fill('#budget', '0');
  await page.locator('#budget').blur();
  await progress(page, 'Time budget: none.');
  await loadHead(page, fixtureDir('runaway'));
  await page.setInputFiles('#review-folder', side('added', 'base'));
  await page.waitForSelector('#review-progress:not([hidden])');
  assert.equal(await page.locator('#review-files').isDisabled(), true);
  await page.click('#cancel');
  await progress(page, 'Cancelled. What was running was stopped and rolled back; the set and the database are as they were before it.');
  assert.equal(await page.locator('#review-result').isHidden(), true);
  assert.equal(await page.locator('#review-error').isHidden(), true);
  assert.equal(await page.locator('#review-progress').isHidden(), true);
  await page.waitForFunction(() => !document.querySelector('#review-files').disabled);
  assert.equal(await migrationRows(page), 1);
  assert.deepEqual(problems, []);
  await context.close();
});

