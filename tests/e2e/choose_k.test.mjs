// End-to-end: choosing k on a trained model — compare k = 2…20 in the worker, read the chart and
// the table, and re-cluster with another k without retraining.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  serve, launch, openApp, trainDemo, clusterSizes, paintedPixels, download, parseCsv, tab, DIST,
} from './harness.mjs';

let server; let browser;
before(async () => { server = await serve(DIST); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

test('compare k = 2 to 20, then re-cluster with a chosen k without retraining', async () => {
  const { page, errors, context } = await openApp(browser, server.url);
  await trainDemo(page, 3);
  const trainLoss = await page.locator('#metric-train-loss').textContent();

  await tab(page, 'Model');
  await page.getByRole('button', { name: 'Compare k = 2 to 20' }).click();
  await page.getByRole('status').filter({ hasText: /^Compared 19 values of k; suggested k = \d+ \(highest silhouette\)\.$/ }).waitFor({ timeout: 120_000 });
  const rows = await page.locator('#k-table tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
  assert.deepEqual(rows.map((r) => parseInt(r[0], 10)), Array.from({ length: 19 }, (_, i) => i + 2), 'one row per k');
  const inertia = rows.map((r) => Number(r[1]));
  assert.ok(inertia[0] > inertia[18], `inertia falls from k = 2 (${inertia[0]}) to k = 20 (${inertia[18]})`);
  const silhouettes = rows.map((r) => Number(r[2]));
  assert.ok(silhouettes.every((s) => s >= -1 && s <= 1), 'silhouettes lie in [-1, 1]');
  const suggested = rows.filter((r) => r[0].includes('(suggested)'));
  assert.equal(suggested.length, 1, 'exactly one suggested k');
  assert.equal(Number(suggested[0][2]), Math.max(...silhouettes), 'the suggestion has the highest silhouette');
  assert.match(await page.locator('#k-table caption').textContent(), /mean silhouette over 2000 songs/);
  assert.ok(await paintedPixels(page, '#k-chart') > 1000, 'the k chart is painted');

  await page.getByLabel('Clusters to use').selectOption('4');
  await page.getByRole('button', { name: 'Re-cluster with this k' }).click();
  await page.getByRole('status').filter({ hasText: 'Done: 3000 songs in 4 clusters' }).waitFor();
  const sizes = await clusterSizes(page);
  assert.equal(sizes.length, 4);
  assert.equal(sizes.reduce((a, b) => a + b, 0), 3000);
  assert.equal(await page.locator('#metric-train-loss').textContent(), trainLoss, 'the model was not retrained');
  assert.equal(await page.locator('#loss-table tbody tr').count(), 3, 'the loss history is the same run');
  assert.equal(await page.getByLabel('Clusters (k)', { exact: true }).inputValue(), '4', 'the settings show the k in use');
  const csv = parseCsv((await download(page, 'Download CSV with clusters')).bytes.toString('utf8')).filter((r) => r.length > 1);
  const c = csv[0].indexOf('cluster');
  assert.deepEqual([...new Set(csv.slice(1).map((r) => r[c]))].sort(), ['0', '1', '2', '3'], 'the export uses the new clusters');
  assert.deepEqual(errors, []);
  await context.close();
});
