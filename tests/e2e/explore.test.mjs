// End-to-end: exploring a trained map — search → similar songs → playlist (more like these,
// reorder, remove, CSV, kept across a reload); clicking and hovering the map; colouring; t-SNE;
// the cluster inspector with renaming; comparing representations; and model files
// (download → reload → apply, plus files and CSVs that do not fit).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  serve, launch, openApp, trainDemo, train, openSettings, setSetting, clusterSizes, paintedPixels, download, parseCsv, foreignRequests, tab, DIST,
} from './harness.mjs';

let server; let browser;
before(async () => { server = await serve(DIST); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const rowsOf = (page, table) => page.locator(`${table} tbody tr`).evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent.trim())));
const csvOf = (bytes) => parseCsv(bytes.toString('utf8')).filter((r) => r.length > 1);
const playlistNames = (page) => page.locator('#playlist .song-name').allTextContents();

/** Chooses the first search hit for `query` with the keyboard; returns the chosen song's heading. */
async function choose(page, query) {
  await tab(page, 'Song');
  const search = page.getByRole('combobox', { name: 'Find a song by title or artist' });
  await search.fill(query);
  await page.getByRole('listbox', { name: 'Songs found' }).getByRole('option').first().waitFor();
  await search.press('ArrowDown');
  await search.press('Enter');
  await page.getByRole('heading', { name: /^Similar songs/ }).waitFor();
  return (await page.locator('#selected-song h3').textContent()).trim();
}

test('search → similar songs → playlist → more like these → reorder → export, kept across a reload', async () => {
  const { page, errors, context, requests } = await openApp(browser, server.url);
  await trainDemo(page, 3);
  const title = (await page.locator('#cluster-table .examples li').first().textContent()).split(' — ')[0].trim();
  const heading = await choose(page, title);
  assert.ok(heading.startsWith(`${title} — `));
  await page.locator('#zoom-level').filter({ hasText: 'Zoom 3.0×' }).waitFor();

  // The chosen song, then the first two similar songs.
  await page.getByRole('button', { name: `Add ${title} to the playlist` }).first().click();
  const similar = await rowsOf(page, '#similar-table');
  for (const row of similar.slice(0, 2)) {
    await page.locator('#similar-table').getByRole('button', { name: `Add ${row[1]} to the playlist` }).click();
  }
  const expected = [heading.replace(/ · cluster \d+$/, ''), `${similar[0][1]} — ${similar[0][2]}`, `${similar[1][1]} — ${similar[1][2]}`];
  assert.deepEqual(await playlistNames(page), expected);
  assert.equal(await page.locator('#similar-table').getByRole('button', { name: `In playlist: ${similar[0][1]}` }).isDisabled(), true, 'a song is added once');

  await tab(page, 'Playlist');
  await page.getByRole('button', { name: 'More like these' }).click();
  await page.locator('#more-table caption').filter({ hasText: 'most like the 3 playlist songs' }).waitFor();
  const more = await rowsOf(page, '#more-table');
  assert.equal(more.length, 20);
  const inList = new Set(expected.map((e) => e.split(' — ')[0]));
  assert.ok(more.every((r) => !inList.has(r[1])), 'playlist songs are not recommended to it');
  const closeness = more.map((r) => Number(r[3]));
  assert.ok(closeness.every((c, i) => c >= 0 && c <= 100 && (i === 0 || c <= closeness[i - 1])), `closeness descends: ${closeness}`);
  const scores = await page.locator('#more-table td.closeness').evaluateAll((tds) => tds.map((td) => Number(td.dataset.score)));
  assert.ok(scores.every((s, i) => s <= 1 && (i === 0 || s <= scores[i - 1])), 'mean cosines descend');
  await page.locator('#more-table').getByRole('button', { name: `Add ${more[0][1]} to the playlist` }).click();
  expected.push(`${more[0][1]} — ${more[0][2]}`);

  // Reorder: the last song up one; then remove the first.
  await page.getByRole('button', { name: `Move ${expected[3]} up` }).click();
  [expected[2], expected[3]] = [expected[3], expected[2]];
  await page.getByRole('button', { name: `Remove ${expected[0]}` }).click();
  expected.shift();
  assert.deepEqual(await playlistNames(page), expected);

  const { name, bytes } = await download(page, 'Download playlist as CSV');
  assert.equal(name, 'songscape-playlist.csv');
  const csv = csvOf(bytes);
  assert.deepEqual(csv[0].slice(0, 2), ['position', 'song']);
  assert.deepEqual(csv[0].slice(-2), ['cluster', 'cluster_name']);
  assert.deepEqual(csv.slice(1).map((r) => r[0]), ['1', '2', '3']);
  assert.deepEqual(csv.slice(1).map((r) => `${r[1]} — ${r[2]}`), expected, 'the playlist order and every original column');
  assert.ok(csv.slice(1).every((r) => /^\d+$/.test(r.at(-2)) && r.at(-1).length > 0), 'each song has its cluster and its name');

  // A reload of the same file brings the playlist back, before any training.
  await page.reload();
  await page.getByRole('status').filter({ hasText: 'Ready' }).waitFor({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Try the demo dataset' }).click();
  await page.locator('#playlist li').first().waitFor();
  assert.deepEqual(await playlistNames(page), expected);
  // And after training, in the side panel's Playlist tab.
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await page.locator('#run-header').filter({ hasText: 'clusters' }).waitFor({ timeout: 120_000 });
  await tab(page, 'Playlist');
  assert.deepEqual(await playlistNames(page), expected);
  await page.getByRole('button', { name: 'Clear playlist' }).click();
  assert.equal(await page.locator('#playlist li').count(), 0);
  assert.deepEqual(foreignRequests(requests, server.url), [], 'the playlist stays in this browser');
  assert.deepEqual(errors, []);
  await context.close();
});

/** A pixel of the map (CSS px from the overlay's corner) where a dot was drawn. */
async function dotPosition(page) {
  return page.$eval('#map', (c) => {
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    const ratio = c.width / c.clientWidth;
    // The middle of the canvas first: axes and legend sit at the edges.
    for (let y = Math.floor(c.height * 0.3); y < c.height * 0.8; y += 2) {
      for (let x = Math.floor(c.width * 0.2); x < c.width * 0.7; x += 2) {
        const i = (y * c.width + x) * 4;
        const coloured = Math.max(data[i], data[i + 1], data[i + 2]) - Math.min(data[i], data[i + 1], data[i + 2]) > 60;
        if (coloured) return { x: x / ratio, y: y / ratio };
      }
    }
    return null;
  });
}

test('the map: hover names a song, click chooses it, wheel zooms, colour by a column, t-SNE', async () => {
  const { page, errors, context } = await openApp(browser, server.url);
  await trainDemo(page, 3);
  const overlay = page.locator('#map-overlay');
  const dot = await dotPosition(page);
  assert.ok(dot, 'a dot is drawn on the map');
  await overlay.hover({ position: dot });
  await page.locator('#map-pointer').filter({ hasText: /^Under the pointer: .+ · cluster \d+$/ }).waitFor();
  const pointed = (await page.locator('#map-pointer').textContent()).replace('Under the pointer: ', '');
  await overlay.click({ position: dot });
  await page.getByRole('heading', { name: /^Similar songs/ }).waitFor();
  assert.equal((await page.locator('#selected-song h3').textContent()).trim(), pointed, 'the click chose the song under the pointer');

  await overlay.hover({ position: dot });
  await page.mouse.wheel(0, -600);
  await page.locator('#zoom-level').filter({ hasText: /Zoom [1-9]\d*\.\d×/ }).waitFor();
  assert.notEqual(await page.locator('#zoom-level').textContent(), 'Zoom 1.0×');
  await page.getByRole('button', { name: 'Whole map' }).click();
  await page.locator('#zoom-level').filter({ hasText: 'Zoom 1.0×' }).waitFor();

  // Shift-drag a rectangle around the dot: its songs go into the playlist.
  const box = await overlay.boundingBox();
  await page.keyboard.down('Shift');
  await page.mouse.move(box.x + dot.x - 30, box.y + dot.y - 30);
  await page.mouse.down();
  await page.mouse.move(box.x + dot.x + 30, box.y + dot.y + 30, { steps: 5 });
  await page.mouse.up();
  await page.keyboard.up('Shift');
  await page.getByRole('status').filter({ hasText: /^\d+ songs added to the playlist from the map\.$/ }).waitFor();
  const picked = await page.locator('#playlist li').count();
  assert.ok(picked >= 1 && picked <= 200, `the rectangle's songs are in the playlist (${picked})`);
  assert.ok((await playlistNames(page)).includes(pointed.replace(/ · cluster \d+$/, '')), 'the dot under the rectangle is one of them');
  await tab(page, 'Playlist');
  await page.getByRole('button', { name: 'Clear playlist' }).click();

  // Colour by genre: 9 legend entries (8 genres and "other"), painted in other colours.
  const before = await page.$eval('#map', (c) => c.toDataURL());
  await tab(page, 'Map');
  await page.getByLabel('Colour by').selectOption({ label: 'genre' });
  await page.waitForFunction((b) => document.querySelector('#map').toDataURL() !== b, before);
  assert.equal(await page.getByLabel('Colour by').inputValue(), '2', 'the select shows the column in use');
  await page.getByLabel('Colour by').selectOption({ label: 'Energy' });
  await page.getByLabel('Number scale').selectOption('cividis');
  await page.getByLabel('Palette').selectOption('tableau');
  await page.getByLabel('Colour by').selectOption('cluster');
  assert.ok(await paintedPixels(page, '#map') > 5000);

  // How faithful each map is: the share of each song's 10 nearest in the codes kept on the map.
  const kept = async () => {
    const text = await page.locator('#map-quality').textContent();
    const m = text.match(/^This map keeps (\d+)% of each song's 10 nearest songs .* \(measured on 200 songs among 3000; 100% would be a perfect map\)\.$/);
    assert.ok(m, `the map's quality is said: "${text}"`);
    return Number(m[1]);
  };
  const pcaKept = await kept();
  await page.getByLabel('Map projection').selectOption('first-two');
  await page.locator('#map-quality').filter({ hasText: /keeps/ }).waitFor();
  const firstTwoKept = await kept();
  await page.getByLabel('Map projection').selectOption('pca');

  // t-SNE: progress, then a new map whose coordinates go into the export.
  const pca = csvOf((await download(page, 'Download CSV with clusters')).bytes);
  await page.getByLabel('Map projection').selectOption('tsne');
  await page.getByRole('status').filter({ hasText: /^t-SNE map ready: all 3000 songs laid out by t-SNE/ }).waitFor({ timeout: 120_000 });
  const tsneKept = await kept();
  assert.ok([pcaKept, firstTwoKept, tsneKept].every((k) => k > 0 && k <= 100), `${pcaKept} ${firstTwoKept} ${tsneKept}`);
  assert.ok(tsneKept > pcaKept, `t-SNE keeps more neighbours than PCA (${tsneKept}% against ${pcaKept}%)`);
  // Another perplexity makes the map again, with progress; out of range is brought back in.
  await page.getByLabel('t-SNE perplexity').fill('500');
  await page.getByLabel('t-SNE perplexity').blur();
  await page.locator('#tsne-progress').waitFor({ timeout: 30_000 });
  await page.getByRole('status').filter({ hasText: /^t-SNE map ready: all 3000 songs/ }).waitFor({ timeout: 120_000 });
  assert.equal(await page.getByLabel('t-SNE perplexity').inputValue(), '100');
  assert.ok(await paintedPixels(page, '#map') > 5000, 'the map at perplexity 100 is painted');
  await page.locator('#map').evaluate((c) => new Promise((r) => requestAnimationFrame(r)));
  assert.ok(await paintedPixels(page, '#map') > 5000, 'the t-SNE map is painted');
  const tsne = csvOf((await download(page, 'Download CSV with clusters')).bytes);
  const x = pca[0].indexOf('map_x');
  assert.ok(x > 0);
  assert.equal(tsne.length, pca.length);
  const moved = tsne.slice(1).filter((r, i) => r[x] !== pca[i + 1][x]).length;
  assert.ok(moved > 2900, `the export carries the t-SNE coordinates (${moved} rows differ)`);
  assert.ok(tsne.slice(1).every((r) => Number.isFinite(Number(r[x])) && Number.isFinite(Number(r[x + 1]))));
  assert.deepEqual(errors, []);
  await context.close();
});

test('a map slow to draw moves as its last picture while dragged and is drawn in full at rest', async () => {
  const { page, errors, context } = await openApp(browser, server.url);
  await trainDemo(page, 3);
  // A CPU 30× slower makes the demo's 3000 dots as slow to draw as a million are here, so a drag
  // takes the path a big map takes.
  const cdp = await context.newCDPSession(page);
  await tab(page, 'Map');
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 30 });
  const drawnMs = async () => Number((await page.locator('#map-draw').textContent()).match(/Map drawn in (\d+) ms\./)[1]);
  await page.getByLabel('Colour by').selectOption({ label: 'Energy' });
  await page.getByLabel('Colour by').selectOption('cluster');
  await page.waitForFunction(() => document.querySelector('#map').dataset.shown === 'drawn');
  const ms = await drawnMs();
  assert.ok(ms > 10, `a full draw is slow enough here for the moved picture (${ms} ms)`);

  const dot = await dotPosition(page);
  assert.ok(dot, 'a dot is drawn on the map');
  const overlay = page.locator('#map-overlay');
  await overlay.hover({ position: dot });
  await page.locator('#map-pointer').filter({ hasText: /^Under the pointer: / }).waitFor();
  const pointed = await page.locator('#map-pointer').textContent();
  // Every change of what the canvas shows, in order.
  await page.$eval('#map', (c) => {
    window.shownLog = [];
    new MutationObserver(() => window.shownLog.push(c.dataset.shown)).observe(c, { attributeFilter: ['data-shown'] });
  });
  const box = await overlay.boundingBox();
  const [dx, dy] = [40, 25];
  await page.mouse.move(box.x + dot.x, box.y + dot.y);
  await page.mouse.down();
  await page.mouse.move(box.x + dot.x + dx, box.y + dot.y + dy, { steps: 8 });
  await page.mouse.up();
  await page.waitForFunction(() => window.shownLog.at(-1) === 'drawn');
  const log = await page.evaluate(() => window.shownLog);
  assert.ok(log.indexOf('moved') >= 0 && log.indexOf('moved') < log.lastIndexOf('drawn'), `the picture moved, then the map was drawn in full: ${log.join(', ')}`);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });

  // At rest, the song dragged is under the pointer, where the full draw put it.
  const moved = { x: dot.x + dx, y: dot.y + dy };
  const coloured = await page.$eval('#map', (c, p) => {
    const ratio = c.width / c.clientWidth;
    const [r, g, b] = c.getContext('2d').getImageData(Math.round(p.x * ratio), Math.round(p.y * ratio), 1, 1).data;
    return Math.max(r, g, b) - Math.min(r, g, b) > 60;
  }, moved);
  assert.ok(coloured, 'the dot was drawn where it was dragged to');
  await overlay.hover({ position: { x: moved.x + 1, y: moved.y } });
  await overlay.hover({ position: moved });
  await page.locator('#map-pointer').filter({ hasText: pointed }).waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('cluster inspector: a genre–emotion name with its score, renaming, names in the export', async () => {
  const { page, errors, context } = await openApp(browser, server.url);
  await trainDemo(page, 5);
  await tab(page, 'Clusters');
  const summary = await page.locator('#inspect-summary').textContent();
  assert.match(summary, /Automatic name: .+ · [^·]+ \d+%( \(.+-like\))?; the genre–emotion table: matches .+ on \d of 7 features \(score \d\.\d\d\)\./);
  assert.equal(await page.locator('#inspect-levels tbody tr').count(), 7, 'the seven features of the genre table');
  assert.ok(await page.locator('#inspect-examples li').count() >= 3);
  const mix = await page.locator('#inspect-labels li').allTextContents();
  assert.ok(mix.length >= 1 && mix.every((m) => /— \d+%$/.test(m)), 'the genre make-up in shares');
  assert.ok(await paintedPixels(page, '#profile-chart') > 2000, 'the feature profile is drawn');
  const names = await page.locator('#cluster-table tbody th').allTextContents();
  assert.ok(names.some((n) => /-like\)$/.test(n)), `some demo cluster matches a genre of the table: ${names}`);
  const said = names.map((n) => n.replace(/^\d+: /, '').replace(/\d+%/g, ''));
  assert.equal(new Set(said).size, names.length, `names differ in what they say, not only in numbers: ${names}`);
  assert.ok(names.every((n) => !/Cluster \d+|no close match/.test(n)), `no bare "Cluster N": ${names}`);

  await page.getByLabel('Cluster', { exact: true }).selectOption('2');
  await page.getByLabel('Name', { exact: true }).fill('Late-night <b>drives</b>');
  await page.getByLabel('Name', { exact: true }).blur();
  await page.locator('#cluster-table tbody th').filter({ hasText: '2: Late-night <b>drives</b>' }).waitFor();
  const csv = csvOf((await download(page, 'Download CSV with clusters')).bytes);
  const [c, n] = [csv[0].indexOf('cluster'), csv[0].indexOf('cluster_name')];
  const renamed = csv.slice(1).filter((r) => r[c] === '2');
  assert.ok(renamed.length > 0 && renamed.every((r) => r[n] === 'Late-night <b>drives</b>'));
  assert.ok(csv.slice(1).filter((r) => r[c] !== '2').every((r) => r[n] !== '' && r[n] !== 'Late-night <b>drives</b>'));
  assert.deepEqual(errors, []);
  await context.close();
});

test('compare representations, then cluster and recommend with the scaled features', async () => {
  const { page, errors, context } = await openApp(browser, server.url);
  await trainDemo(page, 3);
  await tab(page, 'Model');
  await page.getByRole('button', { name: 'Compare representations' }).click();
  await page.getByRole('status').filter({ hasText: 'Compared the three representations.' }).waitFor({ timeout: 120_000 });
  const rows = await rowsOf(page, '#compare-table');
  assert.deepEqual(rows.map((r) => r[0]), ['Autoencoder codes', 'PCA of the scaled features', 'Scaled features']);
  assert.deepEqual(rows.map((r) => r[1]), ['6', '6', '12']);
  assert.equal(rows[0][2], await page.locator('#metric-mse').textContent(), 'the autoencoder row has the run\'s error');
  for (const r of rows) {
    for (const v of r.slice(3)) assert.ok(Number.isFinite(Number(v)), `${r[0]}: ${v} is a score`);
    assert.ok(Number(r[4]) <= 1 && Number(r[5]) <= 1 && Number(r[6]) <= 1);
  }
  assert.match(await page.locator('#compare-table caption').textContent(), /label column “genre”/);

  await page.getByLabel('Cluster, map and recommend with').selectOption('scaled');
  await page.getByRole('status').filter({ hasText: 'Done: 3000 songs in 10 clusters' }).waitFor();
  assert.equal(await page.getByLabel('Cluster, map and recommend with').inputValue(), 'scaled');
  const sizes = await clusterSizes(page);
  assert.equal(sizes.reduce((a, b) => a + b, 0), 3000);
  await choose(page, 'a');
  assert.equal((await rowsOf(page, '#similar-table')).length, 20);
  // A model file holds the autoencoder's clusters: saving from another representation says why not.
  await tab(page, 'Model');
  await page.getByRole('button', { name: 'Download model' }).click();
  await page.getByRole('alert').filter({ hasText: 'Choose “Autoencoder codes”' }).waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('model file: the improved autoencoder trained, downloaded, reloaded, applied to the same and to a renamed CSV; bad files are explained', async () => {
  const { page, errors, context, requests } = await openApp(browser, server.url);
  await page.getByRole('button', { name: 'Try the demo dataset' }).click();
  await page.locator('#dataset-summary').filter({ hasText: '3000 rows' }).waitFor();
  await openSettings(page);
  await page.getByLabel('Autoencoder', { exact: true }).selectOption('improved');
  assert.equal(await page.getByLabel('Hidden layer size', { exact: true }).inputValue(), '24');
  await setSetting(page, 'Epochs', '3');
  await train(page);
  await tab(page, 'Clusters');
  await page.getByLabel('Cluster', { exact: true }).selectOption('1');
  await page.getByLabel('Name', { exact: true }).fill('My favourites');
  await page.getByLabel('Name', { exact: true }).blur();
  const trained = csvOf((await download(page, 'Download CSV with clusters')).bytes);
  const model = await download(page, 'Download model');
  assert.equal(model.name, 'songscape-model.json');
  const saved = JSON.parse(model.bytes.toString('utf8'));
  assert.equal(saved.format, 'songscape-model');
  assert.equal(saved.version, 2);
  assert.equal(saved.architecture, 'improved', 'the model file names the architecture');
  assert.equal(saved.params.hidden_size, 24);
  assert.equal(saved.cluster_names[1], 'My favourites');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'songscape-model-'));
  const modelPath = path.join(dir, 'songscape-model.json');
  fs.writeFileSync(modelPath, model.bytes);

  // A new page: the model is applied to the demo without training.
  await page.reload();
  await page.getByRole('status').filter({ hasText: 'Ready' }).waitFor({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Try the demo dataset' }).click();
  await page.locator('#dataset-summary').filter({ hasText: '3000 rows' }).waitFor();
  await page.getByLabel('Apply a saved model to the loaded CSV').setInputFiles(modelPath);
  await page.locator('#model-source').filter({ hasText: 'songscape-model.json, applied without training' }).waitFor({ state: 'attached' });
  await page.locator('#cluster-table tbody th').filter({ hasText: '1: My favourites' }).waitFor({ state: 'attached' });
  const applied = csvOf((await download(page, 'Download CSV with clusters')).bytes);
  const c = trained[0].indexOf('cluster');
  const z = trained[0].indexOf('z0');
  assert.deepEqual(applied.map((r) => r[c]), trained.map((r) => r[c]), 'the same songs land in the same clusters');
  assert.deepEqual(applied.map((r) => r.slice(z, z + 6)), trained.map((r) => r.slice(z, z + 6)), 'identical codes');

  // A renamed CSV (lower-case and Spotify names) with a few songs: matched by name.
  const header = trained[0].slice(0, c);
  const rename = { Energy: 'energy', Positiveness: 'valence', Tempo: 'tempo', song: 'track_name' };
  const lines = [header.map((h) => rename[h] ?? h).join(',')];
  for (const r of trained.slice(1, 31)) lines.push(r.slice(0, c).map((v) => (/[",]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(','));
  await page.getByLabel('CSV file', { exact: true }).setInputFiles({ name: 'my-playlist.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n')) });
  await page.locator('#dataset-summary').filter({ hasText: 'my-playlist.csv: 30 rows' }).waitFor();
  await page.getByLabel('Apply a saved model to the loaded CSV').setInputFiles(modelPath);
  await page.getByRole('status').filter({ hasText: 'Done: 30 songs in 10 clusters' }).waitFor();
  const small = csvOf((await download(page, 'Download CSV with clusters')).bytes);
  assert.deepEqual(small.slice(1).map((r) => r[c]), trained.slice(1, 31).map((r) => r[c]), 'each song keeps its cluster');

  // A CSV without two of the model's columns, and a model from a future version.
  const missing = [header.filter((h) => h !== 'Energy' && h !== 'Tempo').join(','), ...trained.slice(1, 4).map((r) => r.filter((_, i) => header[i] !== 'Energy' && header[i] !== 'Tempo' && i < c).join(','))];
  await page.getByLabel('CSV file', { exact: true }).setInputFiles({ name: 'no-energy.csv', mimeType: 'text/csv', buffer: Buffer.from(missing.join('\n')) });
  await page.locator('#dataset-summary').filter({ hasText: 'no-energy.csv' }).waitFor();
  await page.getByLabel('Apply a saved model to the loaded CSV').setInputFiles(modelPath);
  const alert = page.getByRole('alert', { name: 'Applying the model file failed' });
  await alert.filter({ hasText: 'Tempo' }).waitFor();
  assert.match(await alert.textContent(), /Tempo.*Energy|Energy.*Tempo/s);
  await page.getByRole('button', { name: 'Dismiss' }).click();
  const future = path.join(dir, 'future.json');
  fs.writeFileSync(future, JSON.stringify({ ...saved, version: 99 }));
  await page.getByLabel('Apply a saved model to the loaded CSV').setInputFiles(future);
  await alert.filter({ hasText: 'version 99' }).waitFor();
  await page.getByRole('button', { name: 'Dismiss' }).click();
  await page.getByLabel('Apply a saved model to the loaded CSV').setInputFiles({ name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('{"hello": 1}') });
  await alert.filter({ hasText: 'not a Songscape model' }).waitFor();
  assert.match(await page.locator('#dataset-summary').textContent(), /no-energy\.csv/, 'the loaded CSV is kept');
  assert.deepEqual(foreignRequests(requests, server.url), [], 'saving and applying models sends nothing anywhere');
  assert.deepEqual(errors, []);
  await context.close();
});
