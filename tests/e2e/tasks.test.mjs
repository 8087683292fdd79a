// End-to-end: each long task says which task stopped when cancelled (the page no longer guesses
// from its flags), and comparing representations can be cancelled from its own button.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openApp, trainDemo, download, parseCsv, tab, DIST } from './harness.mjs';

let server; let browser;
before(async () => { server = await serve(DIST); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

test('cancelling "Compare representations" says so, and keeps the results', async () => {
  const { page, errors, context } = await openApp(browser, server.url);
  await trainDemo(page, 2);
  await tab(page, 'Model');
  const cancel = page.locator('#compare-cancel');
  assert.equal(await cancel.isDisabled(), true, 'nothing to cancel yet');
  // Click Cancel in the same task as the button becomes enabled, before the comparison ends.
  await page.evaluate(() => {
    const button = document.querySelector('#compare-cancel');
    new MutationObserver((_, observer) => {
      if (!button.disabled) { observer.disconnect(); button.click(); }
    }).observe(button, { attributes: true });
    document.querySelector('#compare-run').click();
  });
  await page.getByRole('status').filter({ hasText: 'Comparing representations cancelled. The loaded data and any earlier results are kept.' }).waitFor();
  assert.equal(await page.locator('#cluster-table').count(), 1, 'the results stay');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a t-SNE map still valid after re-clustering is kept, not computed again', async () => {
  const { page, errors, context } = await openApp(browser, server.url);
  await trainDemo(page, 2);
  await tab(page, 'Map');
  await page.getByLabel('Map projection').selectOption('tsne');
  await page.getByRole('status').filter({ hasText: /^t-SNE map ready/ }).waitFor({ timeout: 120_000 });
  const coordinates = async () => {
    const csv = parseCsv((await download(page, 'Download CSV with clusters')).bytes.toString('utf8'));
    const [x, c] = [csv[0].indexOf('map_x'), csv[0].indexOf('cluster')];
    return { xy: csv.slice(1).map((r) => `${r[x]},${r[x + 1]}`), clusters: csv.slice(1).map((r) => r[c]) };
  };
  const before = await coordinates();
  await tab(page, 'Model');
  await page.getByRole('button', { name: 'Compare k = 2 to 20' }).click();
  await page.getByRole('status').filter({ hasText: /^Compared \d+ values of k/ }).waitFor({ timeout: 120_000 });
  await page.getByLabel('Clusters to use').selectOption('4');
  // Every status from here on, to show that no t-SNE step ran.
  await page.evaluate(() => {
    window.statuses = [];
    new MutationObserver(() => window.statuses.push(document.querySelector('#status').textContent))
      .observe(document.querySelector('#status'), { childList: true, characterData: true, subtree: true });
  });
  await page.getByRole('button', { name: 'Re-cluster with this k' }).click();
  await page.getByRole('status').filter({ hasText: 'Done: 3000 songs in 4 clusters' }).waitFor();
  await tab(page, 'Map');
  assert.equal(await page.getByLabel('Map projection').inputValue(), 'tsne', 'the map stays t-SNE');
  const statuses = await page.evaluate(() => window.statuses);
  assert.ok(!statuses.some((s) => /t-SNE/.test(s)), `no t-SNE was computed again: ${statuses}`);
  const after = await coordinates();
  assert.deepEqual(after.xy, before.xy, 'the export carries the same t-SNE map');
  assert.deepEqual([...new Set(after.clusters)].sort(), ['0', '1', '2', '3'], 'with the new clusters');
  assert.deepEqual(errors, []);
  await context.close();
});
