// End-to-end: UMAP. Its settings are set before it runs (out-of-range values brought back in);
// it shows progress and stops at Cancel; the map is seeded (the same seed gives the same
// coordinates, another seed others), its quality is said and beats PCA's, its coordinates go
// into the export, the address names it, and it comes back from the kept session without being
// made again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openApp, trainDemo, tab, download, parseCsv, DIST } from './harness.mjs';

let server; let browser;
before(async () => { server = await serve(DIST); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** The export's map coordinates, one "x,y" per song. */
async function coordinates(page) {
  const csv = parseCsv((await download(page, 'Download CSV with clusters')).bytes.toString('utf8')).filter((r) => r.length > 1);
  const x = csv[0].indexOf('map_x');
  assert.ok(x > 0 && csv[0][x + 1] === 'map_y');
  return csv.slice(1).map((r) => `${r[x]},${r[x + 1]}`);
}

async function kept(page) {
  const text = await page.locator('#map-quality').filter({ hasText: /keeps/ }).textContent();
  return Number(text.match(/^This map keeps (\d+)%/)[1]);
}

async function setOption(page, label, value) {
  await page.getByLabel(label, { exact: true }).fill(value);
  await page.getByLabel(label, { exact: true }).blur();
}

const ready = (page) => page.getByRole('status').filter({ hasText: /^UMAP map ready: all 3000 songs laid out by UMAP\.$/ }).waitFor({ timeout: 120_000 });

test('UMAP: settings before it runs, progress and Cancel, a seeded map with its quality, export, address and resume', async () => {
  const { page, errors, context } = await openApp(browser, server.url);
  await trainDemo(page, 2);
  await tab(page, 'Map');
  const pcaKept = await kept(page);
  const pca = await coordinates(page);

  await setOption(page, 'Neighbours', '500');
  assert.equal(await page.getByLabel('Neighbours', { exact: true }).inputValue(), '50', 'brought back into 2–50');
  await setOption(page, 'Neighbours', '10');
  await setOption(page, 'Minimum distance', '0.3');
  await setOption(page, 'Seed', '3');

  // Cancel as soon as its progress shows: back to a map that exists, the results kept.
  await page.evaluate(() => {
    new MutationObserver((_, observer) => {
      const cancel = [...document.querySelectorAll('#umap-progress button')].find((b) => b.textContent === 'Cancel UMAP');
      if (cancel) { observer.disconnect(); window.sawProgress = document.querySelector('#umap-progress label').textContent; cancel.click(); }
    }).observe(document.body, { childList: true, subtree: true });
  });
  await page.getByLabel('Map projection').selectOption('umap');
  await page.getByRole('status').filter({ hasText: /^UMAP cancelled/ }).waitFor({ timeout: 60_000 });
  assert.match(await page.evaluate(() => window.sawProgress), /^UMAP: \d+ of \d+ (songs' neighbours found|graph built|epochs)$/);
  assert.equal(await page.getByLabel('Map projection').inputValue(), 'pca');
  assert.deepEqual(await coordinates(page), pca, 'nothing changed');

  // The whole run, with its progress seen on the way.
  await page.evaluate(() => {
    window.phases = new Set();
    new MutationObserver(() => {
      const label = document.querySelector('#umap-progress label');
      if (label) window.phases.add(label.textContent.replace(/^UMAP: \d+ of \d+ /, ''));
    }).observe(document.body, { childList: true, subtree: true, characterData: true });
  });
  await page.getByLabel('Map projection').selectOption('umap');
  await ready(page);
  const phases = await page.evaluate(() => [...window.phases]);
  assert.ok(phases.includes('epochs'), `progress through the epochs was shown: ${phases}`);
  assert.equal(await page.locator('#laid-out-help').textContent(), 'UMAP laid out all 3,000 songs.');
  const umapKept = await kept(page);
  assert.ok(umapKept > pcaKept, `UMAP keeps more neighbours than PCA (${umapKept}% against ${pcaKept}%)`);
  const first = await coordinates(page);
  assert.equal(first.length, pca.length);
  assert.ok(first.filter((xy, i) => xy !== pca[i]).length > 2900, 'the export carries the UMAP coordinates');
  assert.ok(first.every((xy) => xy.split(',').every((v) => Number.isFinite(Number(v)))));
  await page.waitForFunction(() => location.hash.includes('map=umap'));

  // Another seed: another map, made at once (UMAP is shown); the first seed again: the first map.
  await setOption(page, 'Seed', '4');
  await ready(page);
  const other = await coordinates(page);
  assert.ok(other.filter((xy, i) => xy !== first[i]).length > 2900, 'another seed, another map');
  await setOption(page, 'Seed', '3');
  await ready(page);
  assert.deepEqual(await coordinates(page), first, 'the same seed and settings, the same map');

  // Kept with the session: after a reload and Resume it is there without being made again.
  const since = await page.evaluate(() => Date.now());
  await page.waitForFunction((t) => Number(document.querySelector('#kept-line')?.dataset.savedAt ?? 0) >= t, since, { timeout: 60_000 })
    .catch(() => {}); // the write may have landed just before `since`
  await page.locator('#kept-text').filter({ hasText: 'Kept in this browser only' }).waitFor({ timeout: 60_000 });
  await page.waitForTimeout(1_000);
  await page.reload();
  await page.getByRole('status').filter({ hasText: 'Ready' }).waitFor({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Resume Demo dataset (synthetic)' }).click();
  await page.locator('#run-header').filter({ hasText: 'clusters' }).waitFor({ timeout: 120_000 });
  await tab(page, 'Map');
  assert.equal(await page.getByLabel('Map projection').inputValue(), 'umap', 'the address brought UMAP back');
  assert.deepEqual(await coordinates(page), first, 'the kept UMAP map, not made again');
  assert.deepEqual(errors, []);
  await context.close();
});
