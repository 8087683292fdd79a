// The maps made on request (`make bench-maps`): the release app in headless Chromium trains on
// the real dataset (when ../shared is there) and on synthetic files (BENCH_MAP_SIZES, default
// 100k), then makes the UMAP map (default settings) and, up to 40k songs, the t-SNE map. One JSON
// line per file and map: seconds from choosing the projection to the map's "ready" status, how
// many songs the method laid out, and the map quality sentence's share.
import fs from 'node:fs';
import path from 'node:path';
import { serve, launch, SHARED_DATA } from './harness.mjs';

const DIST = process.env.BENCH_DIST;
const DATA_DIR = process.env.BENCH_DATA;
const SIZES = (process.env.BENCH_MAP_SIZES ?? '100000').split(',').filter(Boolean).map(Number);

function files() {
  const list = [];
  if (fs.existsSync(SHARED_DATA)) list.push({ name: 'light_spotify_subset.csv', file: SHARED_DATA });
  else console.error('[bench-maps] ../shared/data is absent: the real dataset is skipped');
  for (const n of SIZES) list.push({ name: `synthetic_${n}.csv`, file: path.join(DATA_DIR, `synthetic_${n}.csv`) });
  return list;
}

async function mapTime(page, projection, label) {
  // When each phase of the progress first shows, from the choice.
  await page.evaluate((key) => {
    window.phaseAt = {}; window.phaseStart = performance.now();
    new MutationObserver(() => {
      const text = document.querySelector(`#${key}-progress label`)?.textContent;
      const phase = text?.replace(/^.*: \d+ of \d+ /, '');
      if (phase && !(phase in window.phaseAt)) window.phaseAt[phase] = Math.round(performance.now() - window.phaseStart);
    }).observe(document.body, { childList: true, subtree: true, characterData: true });
  }, projection);
  const t0 = Date.now();
  await page.getByLabel('Map projection').selectOption(projection);
  const ready = page.getByRole('status').filter({ hasText: new RegExp(`^${label} map ready`) });
  await ready.waitFor({ timeout: 1_800_000 });
  const seconds = (Date.now() - t0) / 1000;
  const status = await ready.textContent();
  const quality = await page.locator('#map-quality').filter({ hasText: /keeps/ }).textContent();
  const phases_first_seen_ms = await page.evaluate(() => window.phaseAt);
  return { seconds: Math.round(seconds * 100) / 100, status, kept_share: Number(quality.match(/keeps (\d+)%/)[1]) / 100, phases_first_seen_ms };
}

const server = await serve(path.resolve(DIST));
const browser = await launch();
try {
  for (const { name, file } of files()) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(server.url);
    await page.getByRole('status').filter({ hasText: 'Ready' }).waitFor({ timeout: 60_000 });
    await page.locator('#csv-file').setInputFiles(file);
    await page.locator('#dataset-summary').filter({ hasText: 'rows' }).waitFor({ timeout: 600_000 });
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await page.locator('#run-json').filter({ hasText: 'draw_ms' }).waitFor({ state: 'attached', timeout: 1_800_000 });
    const rows = JSON.parse(await page.locator('#run-json').textContent()).rows;
    await page.getByRole('tab', { name: 'Map', exact: true }).click();
    const pca = Number((await page.locator('#map-quality').textContent()).match(/keeps (\d+)%/)[1]) / 100;
    console.log(JSON.stringify({ file: name, rows, map: 'pca', kept_share: pca }));
    console.log(JSON.stringify({ file: name, rows, map: 'umap', ...(await mapTime(page, 'umap', 'UMAP')) }));
    if (rows <= 40_000) console.log(JSON.stringify({ file: name, rows, map: 'tsne', ...(await mapTime(page, 'tsne', 't-SNE')) }));
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
}
