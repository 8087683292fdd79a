// End-to-end: more than one label column. The demo's genre stays the first label and its artist
// column is mapped as the second: the cluster inspector lists both make-ups, under their
// columns' names, and comparing representations scores against both.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openApp, openSettings, setSetting, train, tab, DIST } from './harness.mjs';

let server; let browser;
before(async () => { server = await serve(DIST); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

test('a second label column: its own make-up in the inspector and its own scores', async () => {
  const { page, errors, context } = await openApp(browser, server.url);
  await page.getByRole('button', { name: 'Try the demo dataset' }).click();
  await page.locator('#dataset-summary').filter({ hasText: '3000 rows' }).waitFor();
  assert.equal(await page.locator('#map-label-3').isVisible(), false, 'a third label is offered only once a second is chosen');
  await page.getByLabel('Second label', { exact: true }).selectOption({ label: 'artist' });
  await page.locator('#map-label-3').waitFor();
  await openSettings(page);
  await setSetting(page, 'Epochs', '2');
  await train(page);

  await tab(page, 'Clusters');
  assert.equal(await page.locator('#inspect-labels').locator('xpath=..').locator('h3').textContent(), 'Label make-up: genre');
  assert.equal(await page.locator('#inspect-labels-2').locator('xpath=..').locator('h3').textContent(), 'Label make-up: artist');
  for (const list of ['#inspect-labels', '#inspect-labels-2']) {
    const shares = (await page.locator(`${list} li`).allTextContents()).map((t) => Number(t.match(/— (\d+)%$/)[1]));
    assert.ok(shares.length >= 2, `${list} lists the cluster's values`);
    const total = shares.reduce((a, b) => a + b, 0);
    assert.ok(total >= 97 && total <= 103, `${list}'s shares add up to about 100% (${total})`);
  }

  await tab(page, 'Model');
  await page.getByRole('button', { name: 'Compare representations' }).click();
  await page.getByRole('status').filter({ hasText: 'Compared the three representations.' }).waitFor({ timeout: 120_000 });
  const heads = await page.locator('#compare-table thead th').allTextContents();
  assert.deepEqual(heads.slice(-3), ['ARI vs artist', 'NMI vs artist', 'Share of 10 nearest with the same artist']);
  assert.match(await page.locator('#compare-table caption').textContent(), /label columns “genre” and “artist”/);
  const rows = await page.locator('#compare-table tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent.trim())));
  assert.equal(rows.length, 3);
  for (const r of rows) {
    assert.equal(r.length, heads.length);
    for (const v of r.slice(-3)) assert.ok(Number.isFinite(Number(v)) && Number(v) <= 1, `${r[0]}: ${v} is a score`);
  }
  assert.deepEqual(errors, []);
  await context.close();
});
