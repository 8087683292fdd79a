// End-to-end checks that the page can be trusted with any file: untrusted text stays text under a
// strict Content-Security-Policy, bad files get their exact message and lose nothing, training
// that diverges keeps the last good results, same seed gives the same export, the page works
// offline after a first visit, the whole flow works from the keyboard, and axe finds no serious
// accessibility problem.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import {
  serve, launch, openApp, openSettings, openSetup, tab, train, trainDemo, setSetting, clusterSizes, download, parseCsv, DIST, SUBPATH_DIST,
  foreignRequests,
} from './harness.mjs';

const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let server; let browser;
before(async () => { server = await serve(DIST); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** 60 songs whose every text cell is markup that would run script if it were parsed as HTML. */
function hostileCsv() {
  const header = 'song,artist,genre,<img src=x onerror="window.__xss=1">,energy,danceability,valence,tempo,loudness,acousticness';
  const lines = [header];
  for (let i = 0; i < 60; i++) {
    const g = i % 3;
    lines.push([`"<img src=x onerror=""window.__xss=2""> ${i}"`, `<script>window.__xss=3</script> ${i % 5}`,
      `<svg onload="window.__xss=4">${g}`, `<b>${i}</b>`, (0.2 + 0.3 * g + (i % 7) / 100).toFixed(3),
      (0.8 - 0.3 * g + (i % 5) / 100).toFixed(3), (0.1 + 0.2 * g).toFixed(2), 90 + 20 * g + (i % 9),
      (-12 + 3 * g).toFixed(1), (0.9 - 0.4 * g).toFixed(2)].join(','));
  }
  return Buffer.from(lines.join('\n'));
}

/** Trains when results are already shown: waits for a new "Done:" status, not the old table. */
async function trainAgain(page) {
  await openSetup(page);
  await page.evaluate(() => {
    const status = document.querySelector('#status');
    window.__statuses = [];
    new MutationObserver(() => window.__statuses.push(status.textContent))
      .observe(status, { subtree: true, childList: true, characterData: true });
  });
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await page.waitForFunction(() => window.__statuses.some((s) => s.startsWith('Done:')), null, { timeout: 120_000 });
}

async function upload(page, name, buffer) {
  await page.getByLabel('CSV file').setInputFiles({ name, mimeType: 'text/csv', buffer });
}


test('HTML and script in titles, artists, genres, headers and file names are shown as text, under the CSP', async () => {
  const { page, errors, context, requests } = await openApp(browser, server.url);
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval';/);
  assert.match(csp, /connect-src 'self'/);
  assert.equal(await page.locator('script:not([src])').count(), 0, 'no inline script on the page');

  await upload(page, '<img src=x onerror="window.__xss=5">.csv', Buffer.from('\x89PNG\r\n\x1a\n\0\0', 'latin1'));
  await page.getByRole('alert').filter({ hasText: 'The file is a PNG image, not CSV text.' }).waitFor();
  assert.equal(await page.locator('.error-message').textContent(),
    '<img src=x onerror="window.__xss=5">.csv: The file is a PNG image, not CSV text. Choose the CSV file of songs instead.');

  await upload(page, 'hostile.csv', hostileCsv());
  await page.locator('#mapping-check').filter({ hasText: 'Training on 6 features with 60 of 60 rows' }).waitFor();
  await openSettings(page);
  await setSetting(page, 'Clusters (k)', '3');
  await train(page);
  const table = await page.locator('#cluster-table').textContent();
  assert.match(table, /<img src=x onerror="window.__xss=2">/, 'titles appear as the literal text');
  assert.match(table, /<svg onload="window.__xss=4">/, 'genres appear as the literal text');
  const options = await page.locator('select option').allTextContents();
  assert.ok(options.includes('<img src=x onerror="window.__xss=1">'), 'a header name is an option label, as text');
  assert.equal(await page.locator('main img, main svg, main script, main b').count(), 0, 'no element came from a cell');
  assert.equal(await page.evaluate(() => window.__xss), undefined, 'no injected script ran');
  assert.deepEqual(dialogs, []);
  const csv = parseCsv((await download(page, 'Download CSV with clusters')).bytes.toString('utf8'));
  assert.equal(csv[1][0], '<img src=x onerror="window.__xss=2"> 0', 'the export keeps the text exactly');
  assert.deepEqual(errors, [], 'no console errors, so no CSP violations either');
  assert.deepEqual(foreignRequests(requests, server.url), [], 'the markup fetched nothing (no request for "x")');
  await context.close();
});

test('bad files show their exact message and keep what was loaded', async () => {
  const { page, errors, context } = await openApp(browser, server.url);
  await page.getByRole('button', { name: 'Try the demo dataset' }).click();
  await page.locator('#dataset-summary').filter({ hasText: '3000 rows' }).waitFor();
  const cases = [
    ['open-quote.csv', 'energy,tempo,valence\n0.5,120,0.3\n"0.6,100,0.2\n', 'open-quote.csv: A quoted field that starts on line 3 is never closed, so the rest of the file would be read as one cell. Check that line for a stray " character.'],
    ['sheet.xlsx.csv', 'PK\x03\x04\x14\0', 'sheet.xlsx.csv: The file is a ZIP archive (Excel .xlsx and Numbers files are ZIP archives too), not CSV text. Export it as CSV first (in a spreadsheet: File, Save as, CSV).'],
    ['wide.csv', `${Array.from({ length: 1001 }, (_, i) => `c${i}`).join(',')}\n${'1,'.repeat(1000)}1\n`, 'wide.csv: The header has 1,001 columns; Songscape reads at most 1,000. Is the delimiter right, and is this a file of songs?'],
    ['empty.csv', '', 'empty.csv: The file is empty. Expected a CSV file with a header row and at least one row of songs.'],
  ];
  for (const [name, text, message] of cases) {
    await upload(page, name, Buffer.from(text, 'latin1'));
    await page.locator('.error-message').filter({ hasText: name }).waitFor();
    assert.equal(await page.locator('.error-message').textContent(), message);
    assert.match(await page.locator('#dataset-summary').textContent(), /Demo dataset \(synthetic\): 3000 rows/, `${name} lost nothing`);
  }
  // At the column limit the file loads.
  const names = ['energy', 'tempo', 'valence', ...Array.from({ length: 997 }, (_, i) => `x${i}`)];
  const rows = Array.from({ length: 20 }, (_, i) => [0.1 + i / 50, 100 + i, 0.9 - i / 50, ...Array(997).fill(1)].join(','));
  await upload(page, 'wide-1000.csv', Buffer.from(`${names.join(',')}\n${rows.join('\n')}\n`));
  await page.locator('#dataset-summary').filter({ hasText: 'wide-1000.csv: 20 rows, 1000 columns' }).waitFor();
  await upload(page, 'constant.csv', Buffer.from(`energy,tempo,valence\n${Array.from({ length: 20 }, (_, i) => `0.5,${100 + i},0.${i % 10}`).join('\n')}\n`));
  await page.locator('#mapping-check').filter({ hasText: 'Column energy (Energy) has the same value, 0.5, in every usable row; it carries no information and is scaled to 0.' }).waitFor();
  assert.ok(await page.getByRole('button', { name: 'Train', exact: true }).isEnabled(), 'a constant column is a warning, not a stop');
  assert.deepEqual(errors, []);
  await context.close();
});

test('diverging training keeps the last good results; the same seed gives the identical export', async () => {
  const { page, errors, context } = await openApp(browser, server.url);
  await trainDemo(page, 3);
  const first = (await download(page, 'Download CSV with clusters')).bytes;
  const sizes = await clusterSizes(page);
  await trainAgain(page);
  const second = (await download(page, 'Download CSV with clusters')).bytes;
  assert.ok(first.equals(second), 'same file, same settings, same seed: byte-identical export');

  await openSetup(page);
  await setSetting(page, 'Learning rate', '10');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await page.locator('.error-message').filter({ hasText: 'Training diverged' }).waitFor({ timeout: 120_000 });
  assert.match(await page.locator('.error-message').textContent(), /^Training diverged in epoch 1: the mean loss became [0-9.e+]+, over 100 times that of always predicting the average song\. Lower the learning rate \(the default is 0\.001\) and train again\.$/);
  assert.deepEqual(await clusterSizes(page), sizes, 'the previous clusters are still shown');
  const third = (await download(page, 'Download CSV with clusters')).bytes;
  assert.ok(first.equals(third), 'the previous model\'s results still export');
  assert.deepEqual(errors, []);
  await context.close();
});

// The crash test is in trust_export.test.mjs: the run on screen is restored, byte for byte.

// A time limit, so that a service worker that never becomes ready fails this test instead of
// holding up the whole suite.
test('offline: after the first visit the app loads, trains and exports with the network off (sub-path build)', { timeout: 180_000 }, async (t) => {
  if (!SUBPATH_DIST) { t.skip('skipped: E2E_SUBPATH_DIST not set (make test-e2e builds it)'); return; }
  const sub = await serve(SUBPATH_DIST, '/songscape/');
  const { page, errors, context } = await openApp(browser, sub.url);
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
  assert.equal(scope, sub.url, 'the service worker is scoped to the sub-path');
  await sub.close();
  await context.setOffline(true);
  await page.reload();
  await page.getByRole('status').filter({ hasText: 'Ready' }).waitFor({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Try the demo dataset' }).click();
  await page.locator('#dataset-summary').filter({ hasText: '3000 rows' }).waitFor();
  await openSettings(page);
  await setSetting(page, 'Epochs', '2');
  await train(page);
  assert.equal((await clusterSizes(page)).reduce((a, b) => a + b, 0), 3000);
  const csv = parseCsv((await download(page, 'Download CSV with clusters')).bytes.toString('utf8'));
  assert.equal(csv.filter((r) => r.length > 1).length, 3001);
  assert.deepEqual(errors.filter((e) => !e.includes('ERR_INTERNET_DISCONNECTED')), []);
  await context.close();
});

/** Presses Tab until the focused element's accessible text is `name` (a string, or a RegExp). */
async function tabTo(page, name) {
  const matches = (text) => (name instanceof RegExp ? name.test(text) : text === name);
  for (let i = 0; i < 120; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement;
      return (el?.getAttribute('aria-label') ?? el?.labels?.[0]?.textContent ?? el?.textContent ?? '').trim();
    });
    if (matches(focused)) return;
  }
  throw new Error(`Tab never reached "${name}"`);
}

test('keyboard only: demo, settings, train, export', async () => {
  const { page, errors, context } = await openApp(browser, server.url);
  await tabTo(page, 'Try the demo dataset');
  await page.keyboard.press('Enter');
  await page.locator('#dataset-summary').filter({ hasText: '3000 rows' }).waitFor();
  await tabTo(page, /^Change the training and clustering settings/);
  await page.keyboard.press('Enter');
  await tabTo(page, 'Epochs');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('2');
  await tabTo(page, 'Train');
  await page.keyboard.press('Enter');
  await page.locator('#run-header').filter({ hasText: 'clusters' }).waitFor({ timeout: 120_000 });
  // The side panel's tabs: one stop in the tab order, arrows move between them.
  await tabTo(page, 'Song');
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  assert.equal(await page.getByRole('tab', { name: 'Map' }).getAttribute('aria-selected'), 'true');
  await tabTo(page, 'Download CSV with clusters');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  assert.equal(dl.suggestedFilename(), 'songscape-clusters.csv');
  assert.match(await page.locator('#map').getAttribute('aria-label'), /^Scatter plot of 3000 songs in 10 clusters \(cluster 0: \d+ songs/);
  assert.deepEqual(errors, []);
  await context.close();
});

async function axeViolations(page) {
  await page.evaluate(AXE);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('axe-core finds no serious or critical violations at any of 8 steps', async () => {
  const { page, context } = await openApp(browser, server.url);
  assert.deepEqual(await axeViolations(page), [], 'start page');
  await upload(page, 'broken.csv', Buffer.from('\x89PNG\r\n', 'latin1'));
  await page.locator('.error-message').waitFor();
  assert.deepEqual(await axeViolations(page), [], 'with an error shown');
  await page.getByRole('button', { name: 'Try the demo dataset' }).click();
  await page.locator('#dataset-summary').filter({ hasText: '3000 rows' }).waitFor();
  await openSettings(page);
  assert.deepEqual(await axeViolations(page), [], 'data loaded, mapping and settings open');
  await setSetting(page, 'Epochs', '2');
  await train(page);
  assert.deepEqual(await axeViolations(page), [], 'results shown');
  await tab(page, 'Model');
  await page.getByRole('button', { name: 'Compare k = 2 to 20' }).click();
  await page.getByRole('status').filter({ hasText: /^Compared/ }).waitFor({ timeout: 120_000 });
  await page.getByText('Scores for each k as a table').click();
  assert.deepEqual(await axeViolations(page), [], 'k compared, its table open');
  await tab(page, 'Song');
  const search = page.getByRole('combobox', { name: 'Find a song by title or artist' });
  await search.fill('a');
  await page.getByRole('listbox', { name: 'Songs found' }).getByRole('option').first().waitFor();
  await search.press('ArrowDown');
  assert.deepEqual(await axeViolations(page), [], 'search results open');
  await search.press('Enter');
  await page.locator('#similar-table').waitFor();
  assert.deepEqual(await axeViolations(page), [], 'a song and its similar songs shown');
  await page.locator('#selected-song').getByRole('button', { name: /^Add .* to the playlist$/ }).click();
  await tab(page, 'Playlist');
  await page.getByRole('button', { name: 'More like these' }).click();
  await page.locator('#more-table').waitFor();
  await tab(page, 'Model');
  await page.getByRole('button', { name: 'Compare representations' }).click();
  await page.locator('#compare-table').waitFor({ timeout: 120_000 });
  assert.deepEqual(await axeViolations(page), [], 'playlist, more like these, representations compared');
  await context.close();
});
