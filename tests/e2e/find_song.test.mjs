// End-to-end: find a song with the search combobox (typing, arrow keys, Enter) and read the songs
// most like it (by the default rule, by Euclidean distance of the codes, by the reference's
// cosine of the codes) with a closeness that separates them, ringed on the map; repeats of a song
// are folded out.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openApp, trainDemo, openSettings, setSetting, train, DIST } from './harness.mjs';

let server; let browser;
before(async () => { server = await serve(DIST); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** Near-black pixels on the map's overlay: the rings drawn around the chosen and similar songs. */
const blackPixels = (page) => page.$eval('#map-overlay', (c) => {
  const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
  let black = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 200 && data[i] < 30 && data[i + 1] < 30 && data[i + 2] < 30) black++;
  return black;
});

const cells = (page) => page.locator('#similar-table tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
/** The rule's own number of each similar song (a cosine or a distance), from `data-score`. */
const scores = (page) => page.locator('#similar-table td.closeness').evaluateAll((tds) => tds.map((td) => Number(td.dataset.score)));
const descending = (xs) => xs.every((x, i) => i === 0 || x <= xs[i - 1]);
const ascending = (xs) => xs.every((x, i) => i === 0 || x >= xs[i - 1]);

test('search by title, choose with the keyboard, get similar songs by each rule with readable closeness', async () => {
  const { page, errors, context } = await openApp(browser, server.url);
  await trainDemo(page, 3);

  // A title from the cluster table, typed in upper case: search ignores case.
  const example = (await page.locator('#cluster-table .examples li').first().textContent()).trim();
  const title = example.split(' — ')[0];
  const search = page.getByRole('combobox', { name: 'Find a song by title or artist' });
  await search.fill(title.toUpperCase());
  const listbox = page.getByRole('listbox', { name: 'Songs found' });
  await listbox.getByRole('option').first().waitFor();
  assert.match(await listbox.getByRole('option').first().textContent(), new RegExp(`^${title.replace(/[#]/g, '\\#')} — `), 'the exact title is found first');
  assert.equal(await search.getAttribute('aria-expanded'), 'true');
  await search.press('ArrowDown');
  assert.equal(await search.getAttribute('aria-activedescendant'), 'song-option-0');
  const before = await blackPixels(page);
  await search.press('Enter');

  await page.getByRole('heading', { name: 'Similar songs (similar by audio features)', exact: true }).waitFor();
  assert.match(await page.locator('#selected-song h3').textContent(), new RegExp(`^${title.replace(/[#]/g, '\\#')} — .* · cluster \\d+$`));
  assert.ok(await page.locator('#selected-song dt').count() >= 12, 'all mapped features of the song are shown');
  await page.waitForFunction((n) => {
    const c = document.querySelector('#map-overlay');
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    let black = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 200 && data[i] < 30 && data[i + 1] < 30 && data[i + 2] < 30) black++;
    return black > n + 100;
  }, before);
  const byDefault = await cells(page);
  assert.equal(byDefault.length, 20, 'N = 20 by default');
  assert.ok(byDefault.every((r) => r[1] !== title), 'the song itself is not recommended');
  assert.match(await page.locator('#similar-table caption').textContent(), /by cosine of the audio features\./);
  const closeness = byDefault.map((r) => Number(r[3]));
  assert.ok(closeness.every((c) => Number.isInteger(c) && c >= 0 && c <= 100), `closeness is 0–100: ${closeness}`);
  assert.ok(descending(closeness) && closeness[0] > closeness[19], `closeness descends and separates the list: ${closeness}`);
  const sims = await scores(page);
  assert.ok(sims.every((x) => x <= 1) && descending(sims), 'cosines descend from at most 1');
  assert.ok(byDefault.some((r) => /^both |vs/.test(r[5])), `some song says why it is similar: ${byDefault.map((r) => r[5])}`);
  const own = (await page.locator('#selected-song h3').textContent()).match(/cluster (\d+)$/)[1];
  assert.ok(byDefault.every((r) => r[6] === (r[4] === own ? 'yes' : 'no')), 'same cluster is marked');

  const rule = page.getByLabel('Similar by', { exact: true });
  await rule.selectOption('codes.euclidean');
  await page.locator('#similar-table caption').filter({ hasText: 'by euclidean distance between the codes.' }).waitFor();
  await page.getByRole('heading', { name: 'Similar songs', exact: true }).waitFor();
  const distances = await scores(page);
  assert.ok(distances.every((d) => d >= 0) && ascending(distances), 'distances ascend');
  assert.ok(descending((await cells(page)).map((r) => Number(r[3]))), 'closeness still descends');

  // The reference's rule: its raw cosines bunch near 1, its closeness does not.
  await rule.selectOption('codes.cosine');
  await page.locator('#similar-table caption').filter({ hasText: "by cosine of the codes (the reference's rule)." }).waitFor();
  const reference = (await cells(page)).map((r) => Number(r[3]));
  assert.ok(descending(reference) && new Set(reference).size > 3, `the reference's closeness spreads: ${reference}`);
  await page.getByLabel('Similar songs to show').fill('5');
  await page.getByLabel('Similar songs to show').blur();
  await page.locator('#similar-table caption').filter({ hasText: 'The 5 songs nearest' }).waitFor();
  assert.equal((await cells(page)).length, 5);

  await search.fill('zzzz qqqq');
  await page.getByText('No song matches.').waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('a song that sits in several playlists of a file is listed once, and the folding is said', async () => {
  const { page, errors, context } = await openApp(browser, server.url);
  // 300 songs with track ids, then the first 30 again under another playlist: the same tracks twice,
  // as Spotify playlist files have them.
  let seed = 7;
  const next = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const header = 'track_id,track_name,track_artist,playlist_genre,danceability,energy,loudness,speechiness,acousticness,valence,tempo';
  const rows = [];
  for (let i = 0; i < 300; i++) {
    const g = i % 3;
    rows.push(`id${i},Song ${i},Artist ${i % 13},${['rock', 'pop', 'jazz'][g]},${(0.3 + 0.2 * g + next() / 5).toFixed(3)},${(0.2 + 0.3 * g + next() / 5).toFixed(3)},-${(5 + 3 * g + next() * 2).toFixed(2)},${(0.03 + next() / 10).toFixed(3)},${(0.8 - 0.3 * g + next() / 10).toFixed(3)},${next().toFixed(3)},${(90 + 20 * g + next() * 10).toFixed(1)}`);
  }
  const copies = rows.slice(0, 30).map((r) => r.replace(/,(rock|pop|jazz),/, ',party,'));
  const csv = [header, ...rows, ...copies].join('\n') + '\n';
  await page.getByLabel('CSV file').setInputFiles({ name: 'two_playlists.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.locator('#dataset-summary').filter({ hasText: '330 rows' }).waitFor();
  await openSettings(page);
  await setSetting(page, 'Epochs', '5');
  await setSetting(page, 'Clusters (k)', '3');
  await train(page);
  const title = 'Song 0';
  const search = page.getByRole('combobox', { name: 'Find a song by title or artist' });
  await search.fill(title);
  await page.getByRole('listbox', { name: 'Songs found' }).getByRole('option').filter({ hasText: /^Song 0 — / }).first().click();
  await page.locator('#similar-table tbody tr').first().waitFor();
  const list = await cells(page);
  const names = list.map((r) => `${r[1]}|${r[2]}`);
  assert.equal(new Set(names).size, names.length, `no song twice: ${names}`);
  assert.ok(list.every((r) => r[1] !== title), 'not the song itself, nor its copy');
  assert.match(await page.locator('#similar-table caption').textContent(), /repeats? of (a song|songs) already listed (was|were) left out\./);
  assert.deepEqual(errors, []);
  await context.close();
});
