// End-to-end: find a song with the search combobox (typing, arrow keys, Enter) and read the songs
// most like it, by cosine similarity and by Euclidean distance, ringed on the map.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openApp, trainDemo, DIST } from './harness.mjs';

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

test('search by title, choose with the keyboard, get similar songs by cosine and by distance', async () => {
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

  await page.getByRole('heading', { name: 'Similar songs', exact: true }).waitFor();
  assert.match(await page.locator('#selected-song h3').textContent(), new RegExp(`^${title.replace(/[#]/g, '\\#')} — .* · cluster \\d+$`));
  assert.ok(await page.locator('#selected-song dt').count() >= 12, 'all mapped features of the song are shown');
  await page.waitForFunction((n) => {
    const c = document.querySelector('#map-overlay');
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    let black = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 200 && data[i] < 30 && data[i + 1] < 30 && data[i + 2] < 30) black++;
    return black > n + 100;
  }, before);
  const byCosine = await cells(page);
  assert.equal(byCosine.length, 20, 'N = 20 by default');
  assert.ok(byCosine.every((r) => r[1] !== title), 'the song itself is not recommended');
  const sims = byCosine.map((r) => Number(r[3]));
  assert.ok(sims.every((s, i) => s <= 1 && (i === 0 || s <= sims[i - 1])), 'cosine similarities descend from at most 1');
  const own = (await page.locator('#selected-song h3').textContent()).match(/cluster (\d+)$/)[1];
  assert.ok(byCosine.every((r) => r[5] === (r[4] === own ? 'yes' : 'no')), 'same cluster is marked');

  await page.getByLabel('Closeness').selectOption('euclidean');
  await page.locator('#similar-table th').filter({ hasText: 'Distance' }).waitFor();
  const distances = (await cells(page)).map((r) => Number(r[3]));
  assert.ok(distances.every((d, i) => d >= 0 && (i === 0 || d >= distances[i - 1])), 'distances ascend');
  await page.getByLabel('Similar songs to show').fill('5');
  await page.getByLabel('Similar songs to show').blur();
  await page.locator('#similar-table caption').filter({ hasText: 'The 5 songs nearest' }).waitFor();
  assert.equal((await cells(page)).length, 5);

  await search.fill('zzzz qqqq');
  await page.getByText('No song matches.').waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});
