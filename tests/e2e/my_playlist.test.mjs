// End-to-end: "Add your playlist (CSV)" after training on a catalogue. The test writes an
// Exportify-format file (BOM, "Track URI", "Artist Name(s)" with ";" between artists, version
// notes and other casing in titles, URIs the catalogue does not have, songs it does not hold)
// from the demo's own songs, adds it, and checks the sentence's counts and the playlist.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, launch, openApp, trainDemo, tab, download, parseCsv, paintedPixels, openSetup, setSetting, train, DIST } from './harness.mjs';

let server; let browser;
before(async () => { server = await serve(DIST); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const quote = (v) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

const SHARES = ['Energy', 'Danceability', 'Speechiness', 'Acousticness', 'Instrumentalness', 'Liveness'];

/** The demo's songs written as an Exportify export: BOM, shares on 0–1, "Valence", `true`/`false`, no variance. */
function exportifyLine(cells, uri, name, artist, features) {
  const f = features ? [cells.Popularity, cells.Explicit === 'Yes' ? 'true' : 'false',
    ...SHARES.map((s) => String(Number(cells[s]) / 100)), String(Number(cells.Positiveness) / 100), cells.Tempo, cells.Loudness]
    : ['', 'false', ...SHARES.map(() => ''), '', '', ''];
  return [uri, quote(name), quote(artist), 'Album', ...f].join(',');
}

test('a personal playlist file is found in the catalogue, placed, compared, kept and exported', async () => {
  const { page, errors, context } = await openApp(browser, server.url);
  await trainDemo(page, 2);
  const csv = parseCsv((await download(page, 'Download CSV with clusters')).bytes.toString('utf8')).filter((r) => r.length > 1);
  const col = (name) => csv[0].indexOf(name);
  const cellsOf = (r) => Object.fromEntries(csv[0].map((h, i) => [h, r[i]]));
  const [title, artist] = [col('song'), col('artist')];
  // Catalogue songs whose title and artist are theirs alone.
  const count = new Map();
  for (const r of csv.slice(1)) count.set(`${r[title]}|${r[artist]}`, (count.get(`${r[title]}|${r[artist]}`) ?? 0) + 1);
  const unique = csv.slice(1).filter((r) => count.get(`${r[title]}|${r[artist]}`) === 1);
  const [found, fresh] = [unique.slice(0, 20), unique.slice(20, 25)];
  const lines = ['\ufeffTrack URI,Track Name,Artist Name(s),Album Name,Popularity,Explicit,' + SHARES.join(',') + ',Valence,Tempo,Loudness'];
  found.forEach((r, i) => {
    const name = i % 3 === 0 ? `${r[title]} - Remastered 2011` : i % 3 === 1 ? r[title].toUpperCase() : r[title];
    lines.push(exportifyLine(cellsOf(r), `spotify:track:${String(i).padStart(22, '0')}`, name, `${r[artist]};Someone Else`, true));
  });
  // Songs the catalogue does not hold, with a catalogue song's features: placed from them.
  fresh.forEach((r, i) => lines.push(exportifyLine(cellsOf(r), `spotify:track:${'8'.repeat(21)}${i}`, `Fresh Song ${i}`, 'New Artist', true)));
  // Songs Spotify had no features for: empty cells.
  for (const i of [1, 2, 3]) lines.push(exportifyLine({}, `spotify:track:${'9'.repeat(21)}${i}`, `Not In The Catalogue ${i}`, 'Nobody', false));
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'songscape-')), 'My playlist.csv');
  fs.writeFileSync(file, lines.join('\r\n') + '\r\n');

  await tab(page, 'Playlist');
  await page.getByLabel('Add your playlist (CSV)').setInputFiles(file);
  const sentence = 'My playlist.csv: 20 of 28 songs found in the catalogue (all 20 by title and artist), 5 placed from their features, 3 without audio features.';
  await page.getByRole('status').filter({ hasText: /^My playlist\.csv: / }).waitFor({ timeout: 60_000 });
  assert.equal(await page.getByRole('status').filter({ hasText: /^My playlist\.csv: / }).textContent(), sentence);
  assert.equal(await page.locator('#mine-sentence').textContent(), sentence);
  const notes = await page.locator('#mine-notes li').allTextContents();
  assert.ok(notes.includes('Energy, Danceability, Positiveness, Speechiness, Liveness, Acousticness, Instrumentalness were on 0–1 in the playlist and 0–100 in the catalogue: multiplied by 100.'), notes.join('\n'));
  assert.ok(notes.some((n) => /^The playlist has no variance column: its songs were given the catalogue's median, [0-9.]+\.$/.test(n)), notes.join('\n'));
  assert.ok(!notes.some((n) => n.includes('other units')), 'converted, the values look like the catalogue\'s');
  const names = await page.locator('#playlist .song-name').allTextContents();
  assert.deepEqual(names, found.map((r) => `${r[title]} — ${r[artist]}`), 'the catalogue\'s songs, in the playlist\'s order');

  // The comparison: clusters' shares (they add up to 100% of 25 songs), features, typicality.
  assert.match(await page.locator('#mine-clusters caption').textContent(), /your playlist's 25 songs on the map/);
  const shares = await page.locator('#mine-clusters tbody tr').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((c) => parseFloat(c.textContent))));
  assert.ok(shares.length >= 2);
  assert.ok(Math.abs(shares.reduce((s, r) => s + r[0], 0) - 100) <= shares.length, JSON.stringify(shares));
  assert.match(await page.locator('#mine-lean').textContent(), /: \d+% of your playlist, \d+% of the catalogue\.$/);
  assert.equal(await page.locator('#mine-features tbody tr').count(), 12);
  assert.match(await page.locator('#mine-typical').textContent(), /^How typical of the catalogue: more typical than \d+% of its songs/);
  await page.locator('#mine-placed summary').click();
  const placed = await page.locator('#mine-placed li').allTextContents();
  assert.equal(placed.length, 5);
  assert.ok(placed.every((p, i) => p.startsWith(`Fresh Song ${i} — New Artist — `)), placed.join('\n'));

  // More like my playlist, in the cluster it leans to most and near a tempo (half and double count).
  const top = (await page.locator('#mine-clusters tbody tr th').first().textContent()).trim();
  await page.locator('#mine-more-cluster').selectOption({ label: top });
  await page.locator('#mine-tempo').check();
  await page.locator('#mine-bpm').fill('120');
  await page.locator('#mine-tempo-percent').fill('10');
  await page.getByRole('button', { name: 'More like my playlist' }).click();
  await page.locator('#mine-more-caption').waitFor({ timeout: 60_000 });
  const caption = await page.locator('#mine-more-caption').textContent();
  assert.match(caption, /most like your playlist's 25 songs on the map \(5 placed from their features\)/);
  assert.ok(caption.includes(`Only songs in cluster ${top}, tempo within 10% of 120 BPM (half and double tempo count).`), caption);
  const more = await page.locator('#mine-more-table tbody tr').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((c) => c.textContent.trim())));
  assert.ok(more.length > 0 && more.length <= 30, `${more.length} songs`);
  const tempoOf = new Map(csv.slice(1).map((r) => [`${r[title]} — ${r[artist]}`, Number(r[col('Tempo')])]));
  const near = (t) => [t, 2 * t, t / 2].some((x) => Math.abs(x - 120) <= 12);
  const chosen = await page.locator('#mine-more-cluster').inputValue();
  for (const r of more) {
    const song = `${r[1]} — ${r[2]}`;
    assert.equal(r[4], chosen, `${song} is in the cluster chosen`);
    assert.ok(!names.includes(song), `${song} is in the playlist already`);
    assert.ok(near(tempoOf.get(song)), `${song} at ${tempoOf.get(song)} BPM`);
  }
  const moreCsv = parseCsv((await download(page, 'Download these for Spotify (Track URI CSV)')).bytes.toString('utf8')).filter((r) => r.length > 1);
  assert.deepEqual(moreCsv[0], ['Track URI', 'Track Name', 'Artist Name(s)']);
  assert.equal(moreCsv.length - 1, more.length);
  await page.getByRole('status').filter({ hasText: `songscape-more-like-my-playlist-spotify.csv is downloading: 0 of ${more.length} songs have a Spotify track URI;` }).waitFor();
  await tab(page, 'Playlist');

  // Order for flow: never longer than the playlist's order, the same seed the same order.
  await page.getByRole('button', { name: 'Order for flow' }).click();
  await page.locator('#flow-summary').waitFor({ timeout: 60_000 });
  const summary = await page.locator('#flow-summary').textContent();
  const [, after, beforeLength] = summary.match(/^20 songs: the steps between them add up to ([0-9.]+) instead of ([0-9.]+) /);
  assert.ok(Number(after) <= Number(beforeLength), summary);
  assert.equal((await page.locator('#flow-chart .flow-energy').getAttribute('points')).split(' ').length, 20);
  assert.equal((await page.locator('#flow-chart .flow-tempo').getAttribute('points')).split(' ').length, 20);
  const energyLine = await page.locator('#flow-chart .flow-energy').getAttribute('points');
  await page.getByRole('button', { name: 'Order for flow' }).click();
  await page.waitForTimeout(500);
  assert.equal(await page.locator('#flow-chart .flow-energy').getAttribute('points'), energyLine, 'same seed, same order');
  await page.getByRole('button', { name: 'Apply this order' }).click();
  const ordered = await page.locator('#playlist .song-name').allTextContents();
  assert.deepEqual([...ordered].sort(), [...names].sort(), 'the same songs');
  assert.notDeepEqual(ordered, names, 'in another order');

  // Your playlist file in an order for flow, all its songs on the map, for Spotify with its own URIs.
  await page.getByRole('button', { name: 'Order your playlist for flow' }).click();
  await page.locator('#mine-flow-summary').waitFor({ timeout: 60_000 });
  const mineFlow = await page.locator('#mine-flow-summary').textContent();
  const [, mineAfter, mineBefore] = mineFlow.match(/^25 songs: the steps between them add up to ([0-9.]+) instead of ([0-9.]+) /);
  assert.ok(Number(mineAfter) <= Number(mineBefore), mineFlow);
  const flowCsv = parseCsv((await download(page, 'Download in this order for Spotify (Track URI CSV)')).bytes.toString('utf8')).filter((r) => r.length > 1);
  assert.deepEqual(flowCsv[0], ['Track URI', 'Track Name', 'Artist Name(s)']);
  const uris = lines.slice(1, 26).map((l) => l.split(',')[0]);
  assert.deepEqual(flowCsv.slice(1).map((r) => r[0]).sort(), [...uris].sort(), 'the 25 songs with features, each once, by their own URIs');
  await page.getByRole('status').filter({ hasText: 'songscape-my-playlist-in-flow-order-spotify.csv is downloading: all 25 songs have a Spotify track URI.' }).waitFor();
  await tab(page, 'Playlist');

  // On the map: the catalogue's songs found stand out, the placed ones are drawn over it; the
  // toggle takes both away.
  const overlay = async () => paintedPixels(page, '#map-overlay');
  const withMine = await overlay();
  await page.locator('#mine-shown').uncheck();
  await page.waitForTimeout(300);
  const without = await overlay();
  assert.ok(withMine > without, `squares drawn: ${withMine} painted pixels with the playlist, ${without} without`);
  await page.locator('#mine-shown').check();

  // For Spotify's playlist importers: Track URI first (empty: the demo has no track ids).
  const spotify = parseCsv((await download(page, 'Download for Spotify (Track URI CSV)')).bytes.toString('utf8')).filter((r) => r.length > 1);
  assert.deepEqual(spotify[0], ['Track URI', 'Track Name', 'Artist Name(s)']);
  assert.deepEqual(spotify.slice(1).map((r) => `${r[1]} — ${r[2]}`), ordered);
  await tab(page, 'Playlist');

  // The same file again adds nothing twice.
  await page.getByLabel('Add your playlist (CSV)').setInputFiles(file);
  await page.getByRole('status').filter({ hasText: /0 of those found were added to the playlist \(the others were in it already\)\.$/ }).waitFor({ timeout: 60_000 });
  assert.equal(await page.locator('#playlist .song-name').count(), 20);

  // A file that shares nothing with the catalogue says what is missing, and loses nothing.
  const dir = path.dirname(file);
  const nothing = path.join(dir, 'nothing.csv');
  fs.writeFileSync(nothing, 'Name,Singer,Year\nA,B,1999\nC,D,2001\n');
  await page.getByLabel('Add your playlist (CSV)').setInputFiles(nothing);
  const alert = page.locator('[role=alert]').filter({ hasText: 'nothing.csv shares nothing with the catalogue' }).first();
  await alert.waitFor({ timeout: 60_000 });
  assert.match(await alert.textContent(), /none of the catalogue's audio features \(variance, Tempo, .*\)\. Its columns: Name, Singer, Year\./);
  const bad = path.join(dir, 'empty.csv');
  fs.writeFileSync(bad, '');
  await page.getByLabel('Add your playlist (CSV)').setInputFiles(bad);
  await page.locator('[role=alert]').filter({ hasText: 'empty.csv' }).first().waitFor({ timeout: 60_000 });
  assert.equal(await page.locator('#playlist .song-name').count(), 20);
  assert.equal(await page.locator('#mine-sentence').textContent(), sentence, 'the playlist placed before is still there');
  assert.match(await page.locator('#run-header').textContent(), /3000 songs/);

  // A second playlist, compared with the first: ten songs in both, ten of its own.
  const secondLines = [lines[0]];
  [...found.slice(10, 20), ...unique.slice(30, 40)].forEach((r, i) => secondLines.push(exportifyLine(cellsOf(r), `spotify:track:${String(100 + i).padStart(22, '0')}`, r[title], r[artist], true)));
  const secondFile = path.join(dir, 'Friend.csv');
  fs.writeFileSync(secondFile, '\ufeff' + secondLines.join('\n').replace(/^\ufeff/, '') + '\n');
  await page.getByLabel('Another playlist (CSV)').setInputFiles(secondFile);
  await page.locator('#two-overlap').waitFor({ timeout: 60_000 });
  assert.equal(await page.locator('#second-sentence').textContent(), 'Friend.csv: 20 of 20 songs found in the catalogue (all 20 by title and artist), 0 placed from their features, 0 without audio features.');
  assert.equal(await page.locator('#two-overlap').textContent(), '10 songs in both, 15 only in My playlist.csv, 10 only in Friend.csv.');
  assert.match(await page.locator('#two-distance').textContent(), /^Their average songs are \d+\.\d\d of the catalogue's standard deviations apart/);
  const two = await page.locator('#two-clusters tbody tr').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((c) => parseFloat(c.textContent))));
  assert.ok(Math.abs(two.reduce((s, r) => s + r[1], 0) - 100) <= two.length, 'the second playlist\'s shares add up to 100%');
  assert.equal(await page.locator('#playlist .song-name').count(), 20, 'the second playlist is compared, not added');

  // A new run of the catalogue places it again, by itself.
  await openSetup(page);
  await setSetting(page, 'Clusters (k)', '6');
  await train(page);
  await page.locator('#run-header').filter({ hasText: '6 clusters' }).waitFor({ timeout: 120_000 });
  await tab(page, 'Playlist');
  await page.locator('#mine-clusters caption').waitFor();
  assert.ok(await page.locator('#mine-clusters tbody tr').count() <= 6);

  // Kept with the session: a reload and "Resume" bring it back, placed the same way.
  await page.waitForTimeout(1500);
  await page.reload();
  const resume = page.getByRole('button', { name: 'Resume Demo dataset (synthetic)' });
  await resume.waitFor({ timeout: 60_000 });
  await resume.click();
  await page.locator('#run-header').filter({ hasText: 'clusters' }).waitFor({ timeout: 120_000 });
  await tab(page, 'Playlist');
  await page.locator('#mine-sentence').waitFor({ timeout: 60_000 });
  assert.equal(await page.locator('#mine-sentence').textContent(), sentence);
  await page.locator('#two-overlap').waitFor({ timeout: 60_000 });
  assert.equal(await page.locator('#two-overlap').textContent(), '10 songs in both, 15 only in My playlist.csv, 10 only in Friend.csv.');

  // A "playlist" larger than the catalogue (the catalogue itself and one song more) is taken,
  // with a warning.
  const whole = path.join(dir, 'Everything.csv');
  fs.writeFileSync(whole, [csv[0], ...csv.slice(1), csv[1].map((c, i) => (i === title ? 'One More Song' : c))].map((r) => r.map(quote).join(',')).join('\n') + '\n');
  await page.getByLabel('Add your playlist (CSV)').setInputFiles(whole);
  await page.locator('#mine-title').filter({ hasText: 'Everything.csv' }).waitFor({ timeout: 60_000 });
  assert.match(await page.locator('#mine-sentence').textContent(), /^Everything\.csv: 3000 of 3001 songs found in the catalogue .*, 1 placed from their features, 0 without audio features\.$/);
  assert.ok((await page.locator('#mine-notes li').allTextContents()).includes('This playlist has more songs (3001) than the catalogue (3000): it is compared all the same; check that the two files were not swapped.'));
  assert.deepEqual(errors, []);
  await context.close();
});
