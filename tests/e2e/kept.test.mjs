// End-to-end: the session kept in this browser and the view in the address. A reload offers
// "Resume …", which brings back the file, the model, the results (the t-SNE map and renamed
// clusters too) with a byte-identical export; "Forget this data" removes it; a full storage quota
// and data of an older format are said and lose nothing on screen; two tabs are told when one
// keeps its session over the other's; a view in the address comes back after a reload.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { serve, launch, openApp, trainDemo, train, tab, download, parseCsv, foreignRequests, SHARED_DATA, DIST } from './harness.mjs';

let server; let browser;
before(async () => { server = await serve(DIST); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const exportCsv = async (page) => (await download(page, 'Download CSV with clusters')).bytes;

async function waitReady(page) {
  await page.getByRole('status').filter({ hasText: 'Ready' }).waitFor({ timeout: 60_000 });
}

/** Waits for the line saying the session on screen is kept. */
async function kept(page) {
  await page.locator('#kept-text').filter({ hasText: 'Kept in this browser only' }).waitFor({ timeout: 60_000 });
}

const pageNow = (page) => page.evaluate(() => Date.now());

/** Waits until a write that began at `since` or later has been kept (what a reload resumes). */
async function keptSince(page, since) {
  await page.waitForFunction((t) => Number(document.querySelector('#kept-line')?.dataset.savedAt ?? 0) >= t, since, { timeout: 60_000 });
}

/** Reloads, resumes the offered session and returns how long "Resume" took to show the run. */
async function reloadAndResume(page, name = 'Demo dataset (synthetic)') {
  await page.reload();
  await waitReady(page);
  const resume = page.getByRole('button', { name: `Resume ${name}` });
  await resume.waitFor({ timeout: 30_000 });
  const t0 = Date.now();
  await resume.click();
  await page.locator('#run-header').filter({ hasText: 'clusters' }).waitFor({ timeout: 120_000 });
  return Date.now() - t0;
}

async function searchAndChoose(page, text) {
  await tab(page, 'Song');
  const search = page.getByRole('combobox', { name: /Find a song/ });
  await search.fill(text);
  await page.getByRole('listbox', { name: 'Songs found' }).getByRole('option').first().waitFor();
  await search.press('ArrowDown');
  await search.press('Enter');
  await page.getByRole('heading', { name: /^Similar songs/ }).waitFor();
}

test('reload → resume: the same results, t-SNE map and names, a byte-identical export; then forget', async () => {
  const { page, errors, context, requests } = await openApp(browser, server.url);
  await trainDemo(page, 2);
  await tab(page, 'Clusters');
  await page.getByLabel('Cluster', { exact: true }).selectOption('1');
  await page.getByLabel('Name', { exact: true }).fill('Kept name');
  await page.getByLabel('Name', { exact: true }).blur();
  await tab(page, 'Map');
  const since = await pageNow(page);
  await page.getByLabel('Map projection').selectOption('tsne');
  await page.getByRole('status').filter({ hasText: /^t-SNE map ready/ }).waitFor({ timeout: 120_000 });
  await keptSince(page, since);
  const withTsne = await exportCsv(page);
  await page.getByLabel('Map projection').selectOption('pca');
  // The address follows the view a moment later; a reload before that would come back to t-SNE.
  await page.waitForFunction(() => location.hash.includes('map=pca'));
  const before = await exportCsv(page);
  const model = (await download(page, 'Download model')).bytes;
  await kept(page);
  assert.match(await page.locator('#kept-line').textContent(), /Forget this data/);

  const ms = await reloadAndResume(page);
  console.log(`resume of the 3000-song demo: ${ms} ms`);
  assert.match(await page.locator('#run-header').textContent(), /3000 songs .* 10 clusters/);
  assert.ok((await exportCsv(page)).equals(before), 'the export after resuming = the export before the reload');
  assert.ok((await download(page, 'Download model')).bytes.equals(model), 'the model file too');
  await page.locator('#cluster-table tbody th').filter({ hasText: '1: Kept name' }).waitFor({ state: 'attached' });
  await tab(page, 'Map');
  await page.getByLabel('Map projection').selectOption('tsne');
  assert.ok((await exportCsv(page)).equals(withTsne), 'the t-SNE map came back, not computed again');
  await page.getByLabel('Map projection').selectOption('pca');
  // Search, similar songs and the playlist work on the resumed run.
  await searchAndChoose(page, 'a');
  assert.ok(await page.locator('#similar-table tbody tr').count() > 0);
  await page.getByRole('button', { name: /^Add .* to the playlist$/ }).first().click();
  await tab(page, 'Playlist');
  await page.locator('#playlist li').first().waitFor();

  // Forget: nothing is offered after the next reload, the playlist neither.
  await page.locator('#forget').click();
  await page.locator('#kept-text').filter({ hasText: 'Nothing of this session is kept' }).waitFor();
  await page.reload();
  await waitReady(page);
  await page.waitForTimeout(500);
  assert.equal(await page.locator('#resume').count(), 0, 'nothing is offered after forgetting');
  const stored = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('songscape.playlist')));
  assert.deepEqual(stored, [], 'the file\'s playlist is forgotten too');
  assert.deepEqual(foreignRequests(requests, server.url), [], 'nothing left the machine');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a real 39k-song file resumes, with its time reported', async (t) => {
  if (!fs.existsSync(SHARED_DATA)) { t.skip(`skipped: ${SHARED_DATA} is not here (a clone without ../shared)`); return; }
  const { page, errors, context } = await openApp(browser, server.url);
  await page.getByLabel('CSV file').setInputFiles(SHARED_DATA);
  await page.locator('#dataset-summary').filter({ hasText: '39280 rows' }).waitFor({ timeout: 60_000 });
  await page.getByText('Change the training and clustering settings').click();
  await page.getByLabel('Epochs', { exact: true }).fill('1');
  await page.getByLabel('Epochs', { exact: true }).blur();
  await train(page);
  const before = await exportCsv(page);
  await kept(page);
  const ms = await reloadAndResume(page, 'light_spotify_subset.csv');
  console.log(`resume of 39,280 real songs: ${ms} ms (click → map shown)`);
  assert.ok((await exportCsv(page)).equals(before), 'byte-identical export after resuming');
  assert.deepEqual(errors, []);
  await context.close();
});

/**
 * Fills this origin's storage with junk in a database of its own until the browser refuses even
 * 4 KB: 256 KB pieces first, then smaller ones. Stopping at the first refused 256 KB piece left up
 * to 256 KB free, room enough for a small session now and then, and the test failed at random.
 * Resolves to the number of pieces written, or -1 if the storage never filled.
 */
async function fillStorage(page) {
  return page.evaluate(async () => {
    const db = await new Promise((resolve, reject) => {
      const r = indexedDB.open('filler', 1);
      r.onupgradeneeded = () => r.result.createObjectStore('junk');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    let written = 0;
    for (const size of [256 * 1024, 64 * 1024, 16 * 1024, 4 * 1024]) {
      const chunk = new Uint8Array(size).map((_, i) => (i * 7919) % 251);
      for (;;) {
        if (written > 2000) return -1;
        const ok = await new Promise((resolve) => {
          const tx = db.transaction('junk', 'readwrite');
          tx.objectStore('junk').put(new Blob([chunk, String(written)]), written);
          tx.oncomplete = () => resolve(true);
          tx.onabort = () => resolve(false);
        });
        if (!ok) break;
        written++;
      }
    }
    return written;
  });
}

test('a full storage quota is said, and the session stays usable on the page', async () => {
  const { page, errors, context } = await openApp(browser, server.url);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(server.url).origin, quotaSize: 4 * 1024 * 1024 });
  const chunks = await fillStorage(page);
  assert.ok(chunks >= 0, 'the storage filled up');
  await trainDemo(page, 2);
  await page.locator('#kept-text').filter({ hasText: 'could not be kept in this browser: the storage this browser gives the page is full' }).waitFor({ timeout: 60_000 });
  // Everything works on the page.
  const csv = parseCsv((await exportCsv(page)).toString('utf8'));
  assert.equal(csv.filter((r) => r.length > 1).length, 3001);
  await searchAndChoose(page, 'a');
  // Nothing stale is offered after a reload.
  await page.reload();
  await waitReady(page);
  await page.waitForTimeout(500);
  assert.equal(await page.locator('#resume').count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test('data kept by an older format is refused with a message and a clean start', async () => {
  const { page, errors, context } = await openApp(browser, server.url);
  // What an older version would have left: the same store, another format number.
  await page.evaluate(async () => {
    const db = await new Promise((resolve, reject) => {
      const r = indexedDB.open('songscape', 1);
      r.onupgradeneeded = () => r.result.createObjectStore('session');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    await new Promise((resolve) => {
      const tx = db.transaction('session', 'readwrite');
      tx.objectStore('session').put(JSON.stringify({ format: 0, name: 'old.csv', rows: 10 }), 'meta');
      tx.oncomplete = resolve;
    });
    db.close();
  });
  await page.reload();
  await waitReady(page);
  await page.locator('.error-message').filter({ hasText: 'saved in format 0; this version reads format 1' }).waitFor();
  assert.equal(await page.locator('#resume').count(), 0, 'nothing is offered');
  const left = await page.evaluate(async () => new Promise((resolve) => {
    const r = indexedDB.open('songscape', 1);
    r.onsuccess = () => {
      const get = r.result.transaction('session').objectStore('session').count();
      get.onsuccess = () => resolve(get.result);
    };
  }));
  assert.equal(left, 0, 'the old data was removed');
  // A clean start: the demo loads and is kept.
  await trainDemo(page, 1);
  await kept(page);
  assert.deepEqual(errors, []);
  await context.close();
});

test('two tabs: the one whose session is replaced is told, and can keep its own instead', async () => {
  const { page: a, errors, context } = await openApp(browser, server.url);
  await trainDemo(a, 2);
  await kept(a);
  const b = await context.newPage();
  b.on('pageerror', (e) => errors.push(String(e)));
  await b.goto(server.url);
  await waitReady(b);
  await b.getByRole('button', { name: 'Resume Demo dataset (synthetic)' }).click();
  await b.locator('#run-header').filter({ hasText: 'clusters' }).waitFor({ timeout: 120_000 });
  // B's run is kept now: A hears of it.
  await a.locator('#kept-text').filter({ hasText: 'Another tab now keeps its session' }).waitFor({ timeout: 30_000 });
  // B renames a cluster; A keeps its own session instead; B hears of that.
  await tab(b, 'Clusters');
  await b.getByLabel('Cluster', { exact: true }).selectOption('0');
  await b.getByLabel('Name', { exact: true }).fill('Only in B');
  await b.getByLabel('Name', { exact: true }).blur();
  const since = await pageNow(a);
  await a.getByRole('button', { name: "Keep this tab's session instead" }).click();
  await keptSince(a, since);
  await b.locator('#kept-text').filter({ hasText: 'Another tab now keeps its session' }).waitFor({ timeout: 30_000 });
  // What a reload resumes is A's (no "Only in B").
  await b.close();
  await reloadAndResume(a);
  const names = await a.locator('#cluster-table tbody th').allTextContents();
  assert.ok(!names.some((n) => n.includes('Only in B')), `A's names: ${names}`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the view in the address: projection, colour, song, zoom come back; a link for another file is ignored with a note', async () => {
  const { page, errors, context } = await openApp(browser, server.url);
  await trainDemo(page, 2);
  await tab(page, 'Map');
  await page.getByLabel('Map projection').selectOption('first-two');
  await page.getByLabel('Colour by').selectOption({ label: 'Energy' });
  await searchAndChoose(page, 'a');
  const song = await page.locator('#selected-song h3').textContent();
  await page.getByRole('button', { name: 'Zoom in' }).click();
  const zoom = await page.locator('#zoom-level').textContent();
  await page.waitForFunction(() => /song=row%3A\d+|song=row:\d+/.test(location.hash) && location.hash.includes('zoom='));
  const hash = await page.evaluate(() => location.hash);
  assert.match(hash, /map=first-two/);
  assert.match(hash, /colour=Energy/);
  assert.match(hash, /k=10/);

  const ms = await reloadAndResume(page);
  assert.ok(ms >= 0);
  await page.locator('#selected-song h3').filter({ hasText: song }).waitFor();
  await tab(page, 'Map');
  assert.equal(await page.getByLabel('Map projection').inputValue(), 'first-two');
  assert.equal(await page.getByLabel('Colour by').locator('option:checked').textContent(), 'Energy');
  await page.locator('#zoom-level').filter({ hasText: zoom }).waitFor();
  assert.equal(await page.evaluate(() => location.hash), hash, 'the address says the same view');

  // The same address with another file's fingerprint: the view is not applied, and the page says so.
  await page.evaluate(() => { location.hash = location.hash.replace(/file=[0-9a-f]+/, 'file=00000000000000ff'); });
  await reloadAndResume(page);
  await page.locator('#link-note').filter({ hasText: 'made on another file' }).waitFor();
  await tab(page, 'Map');
  assert.equal(await page.getByLabel('Map projection').inputValue(), 'pca');
  assert.deepEqual(errors, []);
  await context.close();
});
