// End-to-end: the workspace. After training, the map fills the first screen beside (or, on a
// phone, above) the side panel; nothing overflows sideways; the tabs work by keyboard; choosing a
// song anywhere shows it and its similar songs together; a cluster chosen is focused on the map.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve, launch, openApp, trainDemo, tab, openSetup, download, DIST } from './harness.mjs';

let server; let browser;
before(async () => { server = await serve(DIST); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** Pixels of a canvas in the grey that dims songs outside the focus (see `DIMMED` in map.rs). */
function countGrey(canvas) {
  const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  let n = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i] === 218 && data[i + 1] === 222 && data[i + 2] === 227) n++;
  return n;
}

/** The workspace as a person sees it, by accessible names. */
class Workspace {
  constructor(page) { this.page = page; }
  get map() { return this.page.getByRole('img', { name: /^Scatter plot of/ }); }
  get summary() { return this.page.locator('#run-header'); }
  get changeData() { return this.page.getByRole('button', { name: 'Change data or retrain' }); }
  tab(name) { return this.page.getByRole('tab', { name, exact: true }); }
  async show(name) { await tab(this.page, name); }
  /** Pixels of the map canvas in the dimmed grey of songs outside the focus. */
  greyPixels() { return this.page.$eval('#map', countGrey); }
  /** Waits until the map has dimmed songs (`present`) or has none. */
  async waitForGrey(present, timeout = 10_000) {
    for (const end = Date.now() + timeout; (await this.greyPixels() > 0) !== present;) {
      if (Date.now() > end) throw new Error(`the map ${present ? 'has no' : 'still has'} dimmed songs after ${timeout} ms`);
      await this.page.waitForTimeout(50);
    }
  }
}

async function trainedAt(width, height) {
  const { page, context, errors } = await openApp(browser, server.url, { viewport: { width, height } });
  await trainDemo(page, 2);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 300))));
  return { page, context, errors, w: new Workspace(page) };
}

for (const [width, height] of [[1400, 900], [1280, 720], [390, 844]]) {
  test(`at ${width}×${height} the whole map is in the first screen and nothing overflows sideways`, async () => {
    const { page, context, errors, w } = await trainedAt(width, height);
    assert.match(await w.summary.textContent(), /^Demo dataset \(synthetic\) · 3000 songs · 12 features · MSE \d\.\d{3} · 10 clusters/);
    assert.equal(await page.locator('#setup').isVisible(), false, 'the setup is folded into the header');
    const box = await w.map.boundingBox();
    assert.ok(box.y >= 0 && box.y + box.height <= height && box.x >= 0 && box.x + box.width <= width,
      `the map ${JSON.stringify(box)} is inside the ${width}×${height} screen`);
    const share = (box.width * box.height) / (width * height);
    assert.ok(share >= 0.35, `the map covers ${(100 * share).toFixed(0)}% of the screen`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.equal(overflow, 0, 'no sideways scrolling');
    const panel = await page.getByRole('tablist', { name: 'Side panel' }).boundingBox();
    if (width > 900) assert.ok(panel.x >= box.x + box.width && panel.y < height, 'the side panel is beside the map');
    else assert.ok(panel.y >= box.y + box.height, 'on a phone the panel is below the map');
    // A chosen song's wide table of similar songs scrolls in its own box, not the page.
    const title = (await page.locator('#cluster-table .examples li').first().textContent()).split(' — ')[0].trim();
    await tab(page, 'Song');
    await page.getByRole('combobox', { name: 'Find a song by title or artist' }).fill(title);
    await page.getByRole('listbox', { name: 'Songs found' }).getByRole('option').first().click();
    await page.locator('#similar-table tbody tr').first().waitFor();
    const after = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.equal(after, 0, 'no sideways scrolling with similar songs listed');
    fs.writeFileSync(path.join(os.tmpdir(), `songscape-workspace-${width}.png`), await page.screenshot());
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('a song chosen shows beside the map with its similar songs; tabs by keyboard; a cluster chosen is focused', async () => {
  const { page, context, errors, w } = await trainedAt(1280, 720);
  await w.show('Playlist');
  // Choose a song on the map: the Song tab opens with it and its neighbours, the map still in view.
  const map = await w.map.boundingBox();
  await page.mouse.move(map.x + map.width * 0.3, map.y + map.height * 0.6);
  const overlay = page.locator('#map-overlay');
  let dot = null;
  for (let y = 0.2; y < 0.9 && !dot; y += 0.05) {
    for (let x = 0.15; x < 0.9 && !dot; x += 0.05) {
      await overlay.hover({ position: { x: map.width * x, y: map.height * y } });
      if (/^Under the pointer/.test(await page.locator('#map-pointer').textContent())) dot = { x: map.width * x, y: map.height * y };
    }
  }
  assert.ok(dot, 'a dot was found on the map');
  await overlay.click({ position: dot });
  await page.locator('#similar-table').waitFor();
  assert.equal(await w.tab('Song').getAttribute('aria-selected'), 'true');
  const table = await page.locator('#similar-table').boundingBox();
  assert.ok(table.y < 720 && (await w.map.boundingBox()).y >= 0, 'the similar songs and the map are on screen together');

  // Tabs: arrows move the selection and the focus; Home and End jump.
  await w.tab('Song').focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(await w.tab('Playlist').getAttribute('aria-selected'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-playlist');
  await page.keyboard.press('End');
  assert.equal(await w.tab('Model').getAttribute('aria-selected'), 'true');
  assert.equal(await page.getByRole('tabpanel', { name: 'Model' }).isVisible(), true);
  // The Model tab shows how the model learned, as a chart and a table.
  assert.equal(await page.locator('#model-loss-table tbody tr').count(), 2, 'one row per epoch');
  await page.waitForFunction(() => {
    const c = document.querySelector('#model-loss-chart');
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] < 250) n++;
    return n > 1000;
  });
  await page.keyboard.press('Home');
  assert.equal(await w.tab('Song').getAttribute('aria-selected'), 'true');

  // Focus a cluster from the Clusters tab: the other songs turn grey, "Show all" brings them back.
  await w.show('Clusters');
  assert.equal(await w.greyPixels(), 0);
  await page.locator('#cluster-table tbody th button').nth(1).hover();
  await w.waitForGrey(true);
  assert.equal(await page.locator('#cluster-table tbody th button').nth(1).getAttribute('aria-pressed'), 'false', 'looking is not choosing');
  await page.getByRole('heading', { name: 'Clusters' }).hover();
  const first = page.locator('#cluster-table tbody th button').first();
  await first.click();
  assert.equal(await first.getAttribute('aria-pressed'), 'true');
  await w.waitForGrey(true);
  assert.ok(await w.greyPixels() > 1000, 'the other clusters are greyed');
  assert.equal(await page.getByLabel('Cluster', { exact: true }).inputValue(), '0', 'and the inspector shows it');
  await page.getByRole('button', { name: 'Show all clusters' }).click();
  await w.waitForGrey(false);

  // The folded setup opens again to retrain.
  await openSetup(page);
  assert.equal(await page.getByRole('button', { name: 'Train', exact: true }).isVisible(), true);
  assert.equal(await page.getByRole('button', { name: 'Hide the setup' }).getAttribute('aria-expanded'), 'true');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the map as a PNG at 1×, 2× and 4× its size, and as SVG with every song and the cluster names', async () => {
  const { page, context, errors } = await trainedAt(1280, 720);
  const css = await page.locator('#map').evaluate((c) => [c.clientWidth, c.clientHeight]);
  const pngSize = (bytes) => [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
  for (const scale of [1, 2, 4]) {
    await page.getByLabel('Image size').selectOption(String(scale));
    const png = await download(page, 'Download map as PNG');
    assert.deepEqual([...png.bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    assert.equal(png.name, scale === 1 ? 'songscape-map.png' : `songscape-map@${scale}x.png`);
    assert.deepEqual(pngSize(png.bytes), css.map((v) => v * scale), `the PNG at ${scale}× is ${scale} times the map's size`);
  }
  const svg = await download(page, 'Download map as SVG');
  const text = svg.bytes.toString('utf8');
  assert.equal(svg.name, 'songscape-map.svg');
  assert.match(text, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="\d+" height="\d+"/);
  assert.equal((text.match(/<circle /g) ?? []).length, 3000, 'every song of the whole map');
  const names = await page.locator('#cluster-table tbody th').allTextContents();
  const label = names[0].replace(/^\d+: /, '');
  assert.ok(text.includes(`>${label}</text>`), `the cluster name ${label} is in the SVG`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('lasso: select, add with Shift, remove with Alt, to the playlist; a cluster selected by keyboard to a CSV', async () => {
  const { page, context, errors, w } = await trainedAt(1280, 720);
  const map = await w.map.boundingBox();
  const circle = async (cx, cy, r) => {
    await page.mouse.move(map.x + cx + r, map.y + cy);
    await page.mouse.down();
    for (let a = 0; a <= 2 * Math.PI + 0.01; a += Math.PI / 12) await page.mouse.move(map.x + cx + r * Math.cos(a), map.y + cy + r * Math.sin(a));
    await page.mouse.up();
  };
  const count = async () => (await page.locator('#selection').isVisible() ? Number((await page.locator('#selection-count').textContent()).split(' ')[0]) : 0);
  await page.getByRole('button', { name: 'Lasso' }).click();
  assert.equal(await page.getByRole('button', { name: 'Lasso' }).getAttribute('aria-pressed'), 'true');
  await circle(map.width * 0.3, map.height * 0.5, 60);
  await page.locator('#selection').waitFor();
  const first = await count();
  assert.ok(first > 0, 'the lasso selected songs');
  await w.waitForGrey(true);
  await page.keyboard.down('Shift');
  await circle(map.width * 0.6, map.height * 0.5, 60);
  await page.keyboard.up('Shift');
  await page.waitForFunction((n) => Number(document.querySelector('#selection-count').textContent.split(' ')[0]) > n, first);
  const both = await count();
  await page.keyboard.down('Alt');
  await circle(map.width * 0.6, map.height * 0.5, 60);
  await page.keyboard.up('Alt');
  await page.waitForFunction((n) => Number(document.querySelector('#selection-count').textContent.split(' ')[0]) < n, both);
  assert.equal(await count(), first, 'Alt took the second lasso away again');
  await page.getByRole('button', { name: 'Add the selection to the playlist' }).click();
  await page.getByRole('status').filter({ hasText: `${first} songs added to the playlist from the map.` }).waitFor();
  assert.equal(await page.locator('#playlist li').count(), first);
  await page.getByRole('button', { name: 'Clear the selection' }).click();
  await page.locator('#selection').waitFor({ state: 'hidden' });

  // By keyboard: a cluster's songs selected in the Clusters tab, then downloaded as CSV.
  await w.show('Clusters');
  await page.getByLabel('Cluster', { exact: true }).selectOption('3');
  await page.getByRole('button', { name: 'Select its songs on the map' }).focus();
  await page.keyboard.press('Enter');
  await page.locator('#selection').waitFor();
  const size = (await page.locator('#cluster-table tbody td.size').allTextContents()).map(Number)[3];
  assert.equal(await count(), size, 'the whole cluster is selected');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download the selection as CSV' }).click()]);
  assert.equal(dl.suggestedFilename(), 'songscape-selection.csv');
  const rows = fs.readFileSync(await dl.path(), 'utf8').trim().split(/\r?\n/);
  assert.equal(rows.length - 1, Math.min(size, 5000), 'one row per selected song');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the hover card names the song, its cluster and its three most distinctive features', async () => {
  const { page, context, errors, w } = await trainedAt(1280, 720);
  const map = await w.map.boundingBox();
  const overlay = page.locator('#map-overlay');
  let found = false;
  for (let y = 0.2; y < 0.9 && !found; y += 0.05) {
    for (let x = 0.15; x < 0.9 && !found; x += 0.05) {
      await overlay.hover({ position: { x: map.width * x, y: map.height * y } });
      found = /^Under the pointer/.test(await page.locator('#map-pointer').textContent());
    }
  }
  assert.ok(found, 'a dot was found');
  const card = page.locator('#hover-card');
  await card.locator('.feature').nth(2).waitFor();
  const pointed = (await page.locator('#map-pointer').textContent()).replace('Under the pointer: ', '').replace(/ · cluster \d+$/, '');
  assert.equal(await card.locator('strong').textContent(), pointed);
  assert.match(await card.textContent(), /Cluster \d+/);
  const features = await card.locator('.feature').allTextContents();
  assert.equal(features.length, 3);
  for (const f of features) assert.match(f, /^\S.* -?[\d.]+ \([+-]\d+\.\d σ\)$/, f);
  const zs = features.map((f) => Math.abs(Number(f.match(/\(([+-][\d.]+) σ\)/)[1])));
  assert.ok(zs[0] >= zs[1] && zs[1] >= zs[2], `furthest first: ${features}`);
  const cardBox = await card.boundingBox();
  const wrap = await page.locator('.map-wrap').boundingBox();
  assert.ok(cardBox.x >= wrap.x - 1 && cardBox.x + cardBox.width <= wrap.x + wrap.width + 1, 'the card stays on the map');
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), 0);
  assert.deepEqual(errors, []);
  await context.close();
});
