// End-to-end: the built app in headless Chromium, driven as a person would, finding controls by
// their accessible names.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  serve, launch, openApp, openSettings, train, clusterSizes, paintedPixels, download, parseCsv, SHARED_DATA, DIST, SUBPATH_DIST, foreignRequests,
} from './harness.mjs';

let server; let browser;
before(async () => { server = await serve(DIST); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

test('demo: load, train, map, cluster table, CSV and PNG export, no console errors', async () => {
  const { page, errors, context, requests } = await openApp(browser, server.url);
  await page.getByRole('button', { name: 'Try the demo dataset' }).click();
  await page.locator('#dataset-summary').filter({ hasText: '3000 rows' }).waitFor();
  await page.locator('#mapping-check').filter({ hasText: 'Training on 12 features with 3000 of 3000 rows' }).waitFor();
  await train(page);

  const sizes = await clusterSizes(page);
  assert.equal(sizes.length, 10, 'one table row per cluster (k = 10)');
  assert.equal(sizes.reduce((a, b) => a + b, 0), 3000, 'cluster sizes add up to the row count');
  assert.equal(await page.locator('#metric-rows').textContent(), '3000');
  const mse = Number(await page.locator('#metric-mse').textContent());
  assert.ok(mse > 0 && mse < 0.6, `reconstruction MSE ${mse} is sane`);
  assert.ok(await paintedPixels(page, '#map') > 5000, 'the map is painted');
  assert.ok(await paintedPixels(page, '#loss-chart') > 1000, 'the loss chart is painted');
  assert.equal(await page.locator('#loss-table tbody tr').count(), 20, 'one loss row per epoch');
  assert.equal(await page.locator('#train-progress').evaluate((p) => p.value), 1, 'the progress bar is full');

  const csv = await download(page, 'Download CSV with clusters');
  const rows = parseCsv(csv.bytes.toString('utf8')).filter((r) => r.length > 1);
  const header = rows[0];
  for (const col of ['song', 'artist', 'genre', 'Energy', 'cluster', 'z0', 'z5', 'map_x', 'map_y']) {
    assert.ok(header.includes(col), `export has column ${col}`);
  }
  assert.equal(rows.length - 1, 3000, 'every song is exported');
  const c = header.indexOf('cluster');
  for (const r of rows.slice(1)) assert.match(r[c], /^[0-9]$/, 'every row has a cluster 0-9');

  const png = await download(page, 'Download map as PNG');
  assert.deepEqual([...png.bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'the map downloads as PNG');
  fs.writeFileSync(path.join(os.tmpdir(), 'songscape-demo.png'), await page.screenshot({ fullPage: true }));
  assert.deepEqual(errors, [], 'no console errors');
  assert.ok(requests.some((u) => u.endsWith('worker_bg.wasm')), 'requests from the worker are seen too');
  assert.deepEqual(foreignRequests(requests, server.url), [], 'only the app\'s own files are fetched');
  await context.close();
});

test('the first screen does not wait for the worker: the demo clicked at once loads when it is up', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // The worker fetches its own wasm: the page's resource timing does not list it, the driver does.
  let workerWasmAsked = null;
  context.on('request', (r) => { if (r.url().endsWith('worker_bg.wasm')) workerWasmAsked ??= Date.now(); });
  await page.goto(server.url);
  // As soon as the page is there, before the worker has said it is ready.
  await page.locator('#demo:enabled').click();
  await page.locator('#dataset-summary').filter({ hasText: '3000 rows' }).waitFor({ timeout: 60_000 });
  const paintedAt = await page.evaluate(() => performance.timeOrigin + performance.getEntriesByName('first-contentful-paint')[0]?.startTime);
  assert.ok(paintedAt > 0 && workerWasmAsked > 0, `both seen: paint ${paintedAt}, worker wasm ${workerWasmAsked}`);
  assert.ok(workerWasmAsked >= paintedAt, `the worker's wasm is asked for ${Math.round(workerWasmAsked - paintedAt)} ms after the first paint`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('every integrity hash in the built index.html matches its file', () => {
  // post_build.py rewrites the .wasm files after Trunk hashed them; a stale hash makes the browser
  // refuse the preloaded copy and fetch the file again.
  const html = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8');
  const links = [...html.matchAll(/href="([^"]+)"[^>]*integrity="(sha384-[^"]+)"/g)];
  assert.ok(links.some(([, href]) => href.endsWith('.wasm')), 'the wasm preload carries a hash');
  for (const [, href, integrity] of links) {
    const file = fs.readFileSync(path.join(DIST, href.replace(/^.*\//, '')));
    const digest = `sha384-${crypto.createHash('sha384').update(file).digest('base64')}`;
    assert.equal(integrity, digest, `integrity of ${href}`);
  }
});

test('controls have accessible names', async () => {
  const { page, context } = await openApp(browser, server.url);
  await page.getByLabel('CSV file').waitFor({ state: 'attached' });
  await page.getByRole('button', { name: 'Try the demo dataset' }).click();
  await page.locator('#dataset-summary').waitFor();
  for (const label of ['Energy', 'Tempo', 'Song title', 'Epochs', 'Batch size', 'Learning rate', 'Clusters (k)', 'Random seed', 'Validation split', 'Latent size']) {
    assert.equal(await page.getByLabel(label, { exact: true }).count(), 1, `one control labelled ${label}`);
  }
  for (const name of ['Train', 'Cancel']) assert.equal(await page.getByRole('button', { name, exact: true }).count(), 1);
  assert.equal(await page.locator('[aria-live="polite"]').count(), 1);
  // Changing the mapping is checked by the worker at once.
  await page.getByLabel('Energy', { exact: true }).selectOption({ label: 'Danceability' });
  await page.locator('#mapping-check').filter({ hasText: 'Column Danceability is set for both Energy and Danceability; each column can feed only one feature.' }).waitFor();
  assert.ok(await page.getByRole('button', { name: 'Train', exact: true }).isDisabled());
  await page.getByLabel('Energy', { exact: true }).selectOption({ label: '(not used)' });
  await page.locator('#mapping-check').filter({ hasText: 'Training on 11 features with 3000 of 3000 rows. Missing features: Energy.' }).waitFor();
  await context.close();
});

test('cancel mid-training keeps the data and the app usable', async () => {
  const { page, errors, context } = await openApp(browser, server.url);
  await page.getByRole('button', { name: 'Try the demo dataset' }).click();
  await page.locator('#dataset-summary').waitFor();
  await openSettings(page);
  // The most work the settings allow (1000 epochs, 256 hidden units: tens of seconds), so that
  // training is still running when Cancel is pressed, however fast it becomes.
  await page.getByLabel('Epochs', { exact: true }).fill('1000');
  await page.getByLabel('Epochs', { exact: true }).blur();
  await page.getByLabel('Hidden layer size', { exact: true }).fill('256');
  await page.getByLabel('Hidden layer size', { exact: true }).blur();
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await page.waitForFunction(() => Number(document.querySelector('#train-progress')?.value) > 0);
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('status').filter({ hasText: 'Training cancelled' }).waitFor({ timeout: 10_000 });
  assert.ok(await page.getByRole('button', { name: 'Train', exact: true }).isEnabled(), 'Train works again');
  assert.match(await page.locator('#dataset-summary').textContent(), /3000 rows/, 'the data is still loaded');
  // And a real run still completes afterwards.
  await page.getByLabel('Epochs', { exact: true }).fill('2');
  await page.getByLabel('Epochs', { exact: true }).blur();
  await train(page);
  assert.equal((await clusterSizes(page)).reduce((a, b) => a + b, 0), 3000);
  assert.deepEqual(errors, []);
  await context.close();
});

test('bad files give specific messages and lose nothing', async () => {
  const { page, context } = await openApp(browser, server.url);
  await page.getByRole('button', { name: 'Try the demo dataset' }).click();
  await page.locator('#dataset-summary').filter({ hasText: '3000 rows' }).waitFor();

  await page.getByLabel('CSV file').setInputFiles({ name: 'picture.csv', mimeType: 'text/csv', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]) });
  const alert = page.locator('section.error');
  await alert.waitFor();
  assert.match(await alert.textContent(), /Reading the file failed.*picture\.csv: The file is a PNG image, not CSV text\. Choose the CSV file of songs instead\./s);
  assert.match(await page.locator('#dataset-summary').textContent(), /3000 rows/, 'the demo data is still loaded');

  await page.getByLabel('CSV file').setInputFiles({ name: 'few.csv', mimeType: 'text/csv', buffer: Buffer.from('song,energy,tempo\nA,1,100\nB,x,120\n') });
  await page.locator('#mapping-check').filter({ hasText: 'Only 2 of the 12 audio features were recognised (Tempo, Energy)' }).waitFor();
  assert.ok(await page.getByRole('button', { name: 'Train', exact: true }).isDisabled(), 'cannot train on 2 features');
  await context.close();
});

test('dropping a file on the drop zone loads it', async () => {
  const { page, context } = await openApp(browser, server.url);
  const csv = 'track_name,artists,energy,valence,tempo,danceability\nA,X,0.5,0.5,120,0.5\nB,Y,0.7,0.2,90,0.6\n';
  await page.evaluate((text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], 'dropped.csv', { type: 'text/csv' }));
    const zone = document.querySelector('.dropzone');
    zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, csv);
  await page.locator('#dataset-summary').filter({ hasText: 'dropped.csv: 2 rows, 6 columns' }).waitFor();
  // Two songs cannot make k = 10 clusters: said before training, not after it.
  await page.locator('#mapping-check').filter({
    hasText: 'Only 2 usable rows: training needs at least 2 and k = 10 clusters need at least 10. Load more songs or lower k in the settings.',
  }).waitFor();
  assert.ok(await page.getByRole('button', { name: 'Train', exact: true }).isDisabled());
  await openSettings(page);
  await page.getByLabel('Clusters (k)', { exact: true }).fill('2');
  await page.getByLabel('Clusters (k)', { exact: true }).blur();
  await page.locator('#mapping-check').filter({
    hasText: 'Training on 4 features with 2 of 2 rows. Missing features: variance, Loudness, Explicit, Popularity, Speechiness, Liveness, Acousticness, Instrumentalness.',
  }).waitFor();
  await page.getByLabel('Epochs', { exact: true }).fill('2.5');
  await page.getByLabel('Epochs', { exact: true }).blur();
  await page.locator('#settings-problem').filter({ hasText: 'Epochs must be a number' }).waitFor();
  assert.ok(await page.getByRole('button', { name: 'Train', exact: true }).isDisabled(), 'no training on an unreadable setting');
  await page.getByLabel('Epochs', { exact: true }).fill('3');
  await page.getByLabel('Epochs', { exact: true }).blur();
  await page.locator('#settings-problem').waitFor({ state: 'detached' });
  assert.ok(await page.getByRole('button', { name: 'Train', exact: true }).isEnabled());
  await context.close();
});

test('Spotify-style file with bad cells: report, fill with the median, train, export every row', async () => {
  const { page, errors, context } = await openApp(browser, server.url);
  const lines = ['track_name,track_artist,playlist_genre,danceability,energy,loudness,speechiness,acousticness,valence,tempo,track_popularity,explicit'];
  for (let i = 0; i < 300; i++) {
    const g = i % 3;
    const energy = i === 5 ? 'n/a' : (0.2 + 0.3 * g + (i % 7) / 100).toFixed(3);
    const tempo = i === 9 ? '' : String(90 + 20 * g + (i % 5));
    lines.push(`"Song ${i}, part ${g}",Artist ${i % 11},${['rock', 'pop', 'jazz'][g]},${(0.3 + 0.2 * g).toFixed(2)},${energy},-${(5 + 3 * g).toFixed(2)},0.05,${(0.8 - 0.3 * g).toFixed(2)},0.5,${tempo},${40 + g * 10},${g === 0 ? 'True' : 'False'}`);
  }
  await page.getByLabel('CSV file').setInputFiles({ name: 'spotify.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\r\n')) });
  const check = page.locator('#mapping-check');
  await check.filter({ hasText: 'Training on 9 features with 298 of 300 rows' }).waitFor();
  assert.match(await check.textContent(), /2 rows have empty, non-numeric or too large values \(line 7, column energy: "n\/a"; line 11, column tempo: ""\); 2 rows are left out/);
  await page.getByLabel('Fill with the column median').check();
  await check.filter({ hasText: 'Training on 9 features with 300 of 300 rows' }).waitFor();
  await openSettings(page);
  await page.getByLabel('Clusters (k)', { exact: true }).fill('3');
  await page.getByLabel('Epochs', { exact: true }).fill('5');
  await page.getByLabel('Epochs', { exact: true }).blur();
  await train(page);
  assert.equal((await clusterSizes(page)).length, 3);
  const csv = await download(page, 'Download CSV with clusters');
  const rows = parseCsv(csv.bytes.toString('utf8')).filter((r) => r.length > 1);
  assert.equal(rows.length - 1, 300);
  assert.equal(rows[1][0], 'Song 0, part 0', 'quoted titles survive the export');
  const c = rows[0].indexOf('cluster');
  assert.ok(rows.slice(1).every((r) => /^[0-2]$/.test(r[c])));
  assert.deepEqual(errors, []);
  await context.close();
});

test('real data: upload light_spotify_subset.csv through the file input', async (t) => {
  if (!fs.existsSync(SHARED_DATA)) { t.skip(`skipped: ${SHARED_DATA} is not here (a clone without ../shared)`); return; }
  const { page, errors, context, requests } = await openApp(browser, server.url);
  await page.getByLabel('CSV file').setInputFiles(SHARED_DATA);
  await page.locator('#dataset-summary').filter({ hasText: '39280 rows' }).waitFor({ timeout: 60_000 });
  await page.locator('#mapping-check').filter({ hasText: 'Training on 12 features with 39280 of 39280 rows' }).waitFor();
  const started = Date.now();
  await train(page, 600_000);
  const wall = Date.now() - started;
  const sizes = await clusterSizes(page);
  assert.equal(sizes.length, 10);
  assert.equal(sizes.reduce((a, b) => a + b, 0), 39280);
  const metric = async (id) => (await page.locator(id).textContent()).trim();
  const numbers = {
    train_loss: await metric('#metric-train-loss'), val_loss: await metric('#metric-val-loss'), mse: await metric('#metric-mse'),
    train: await metric('#metric-train-ms'), kmeans: await metric('#metric-kmeans-ms'), wall_ms_train_to_table: wall, timings: (await page.locator('#timings').textContent()).trim(),
    parse: (await page.locator('#dataset-summary').textContent()).trim(),
  };
  console.log(`light_spotify_subset.csv in Chromium: ${JSON.stringify(numbers)}`);
  assert.ok(Number(numbers.mse) < 0.25, `reconstruction MSE ${numbers.mse} is near the reference's 0.118`);
  assert.ok(await paintedPixels(page, '#map') > 5000);
  const csv = await download(page, 'Download CSV with clusters');
  const rows = parseCsv(csv.bytes.toString('utf8')).filter((r) => r.length > 1);
  const c = rows[0].indexOf('cluster');
  assert.equal(rows.length - 1, 39280);
  assert.ok(rows.slice(1).every((r) => /^[0-9]$/.test(r[c])), 'every row has a cluster');
  fs.writeFileSync(path.join(os.tmpdir(), 'songscape-real.png'), await page.screenshot({ fullPage: true }));
  assert.deepEqual(errors, []);
  assert.deepEqual(foreignRequests(requests, server.url), [], 'the uploaded file goes nowhere');
  await context.close();
});

test('a build under a sub-path (GitHub Pages) loads and runs the demo', async (t) => {
  if (!SUBPATH_DIST) { t.skip('skipped: E2E_SUBPATH_DIST not set (make test-e2e builds it)'); return; }
  const sub = await serve(SUBPATH_DIST, '/songscape/');
  try {
    const { page, errors, context } = await openApp(browser, `${sub.url}?demo`, { waitForReady: false });
    await page.locator('#dataset-summary').filter({ hasText: '3000 rows' }).waitFor({ timeout: 60_000 });
    assert.deepEqual(errors, []);
    await context.close();
  } finally { await sub.close(); }
});
