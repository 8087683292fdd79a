// Big files: 100k songs load, train, cluster and export with every count adding up (correctness
// only: speed is `make bench`'s job, CI machines are noisy), the longest main-thread task is
// reported; and reading a big file shows progress and can be cancelled without losing the data
// already loaded.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, launch, openApp, train, clusterSizes, download, parseCsv, DIST } from './harness.mjs';

let server; let browser;
before(async () => { server = await serve(DIST); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const FEATURES = ['variance', 'Tempo', 'Loudness', 'Explicit', 'Popularity', 'Energy', 'Danceability',
  'Positiveness', 'Speechiness', 'Liveness', 'Acousticness', 'Instrumentalness'];

/** A CSV of `rows` songs in eight loose groups, written to a temporary file; its path. */
function songsFile(rows, name) {
  const file = path.join(os.tmpdir(), name);
  if (fs.existsSync(file) && fs.statSync(file).size > rows * 40) return file;
  let seed = 7;
  const rand = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const lines = [['song', 'artist', 'genre', ...FEATURES].join(',')];
  for (let i = 0; i < rows; i++) {
    const g = i % 8;
    const f = (base) => Math.round(Math.max(0, Math.min(100, base + (rand() - 0.5) * 30)));
    lines.push([`Song ${i}`, `Artist ${i % 997}`, `genre${g}`, (rand() - 0.5).toFixed(3), 80 + g * 12 + Math.round(rand() * 10),
      (-4 - g - rand() * 3).toFixed(2), g % 2 ? 'Yes' : 'No', f(20 + g * 8), f(90 - g * 10), f(30 + g * 7), f(50 + (g % 3) * 15),
      f(5 + g), f(10 + (g % 4) * 5), f(80 - g * 9), f(g * 6)].join(','));
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

test('100,000 songs: load, train, cluster, export; counts add up; longest page task reported', async (t) => {
  const { page, errors, context } = await openApp(browser, server.url);
  await page.evaluate(() => {
    window.__longest = 0;
    new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longest = Math.max(window.__longest, e.duration); })
      .observe({ type: 'longtask' });
  });
  await page.locator('#csv-file').setInputFiles(songsFile(100_000, 'songscape-100k.csv'));
  await page.locator('#dataset-summary').filter({ hasText: '100000 rows' }).waitFor({ timeout: 120_000 });
  await train(page);
  const sizes = await clusterSizes(page);
  assert.equal(sizes.length, 10);
  assert.equal(sizes.reduce((a, b) => a + b, 0), 100_000, 'cluster sizes add up to the row count');
  assert.equal(await page.locator('#metric-rows').textContent(), '100000');
  await page.waitForTimeout(500); // the map and charts draw after the results arrive
  const longest = await page.evaluate(() => window.__longest);
  const csv = await download(page, 'Download CSV with clusters');
  const rows = parseCsv(csv.bytes.toString('utf8')).filter((r) => r.length > 1);
  assert.equal(rows.length - 1, 100_000, 'every song is exported');
  const c = rows[0].indexOf('cluster');
  const counted = new Array(10).fill(0);
  for (const r of rows.slice(1)) counted[Number(r[c])]++;
  assert.deepEqual(counted.toSorted((a, b) => a - b), sizes.toSorted((a, b) => a - b), 'the export has the table\'s clusters');
  t.diagnostic(`longest main-thread task while loading, training and clustering 100k songs: ${longest} ms; with the export: ${await page.evaluate(() => window.__longest)} ms`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('reading a big file shows progress; Cancel keeps the file loaded before', async () => {
  const { page, errors, context } = await openApp(browser, server.url);
  await page.getByRole('button', { name: 'Try the demo dataset' }).click();
  await page.locator('#dataset-summary').filter({ hasText: '3000 rows' }).waitFor();
  // About 90 MB: a second or more of reading, so progress is reported before it ends.
  await page.locator('#csv-file').setInputFiles(songsFile(1_000_000, 'songscape-1m.csv'));
  await page.locator('#reading-bar').waitFor({ timeout: 30_000 });
  assert.match(await page.locator('#reading').textContent(), /Reading the file: \d+ of \d+ MB/);
  await page.getByRole('button', { name: 'Cancel reading' }).click();
  await page.getByRole('status').filter({ hasText: 'Reading the file cancelled' }).waitFor({ timeout: 30_000 });
  assert.equal(await page.locator('#reading').count(), 0, 'the progress bar is gone');
  assert.match(await page.locator('#dataset-summary').textContent(), /3000 rows/, 'the demo is still loaded');
  await train(page);
  assert.equal((await clusterSizes(page)).reduce((a, b) => a + b, 0), 3000, 'and trains as before');
  assert.deepEqual(errors, []);
  await context.close();
});
