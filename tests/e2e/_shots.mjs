import { serve, launch, SHARED_DATA } from './harness.mjs';
const server = await serve(process.env.E2E_DIST);
const browser = await launch();
for (const [w, h] of [[1400, 900], [1280, 720], [390, 844]]) {
  const page = await browser.newPage({ viewport: { width: w, height: h } });
  await page.goto(server.url);
  await page.getByRole('status').filter({ hasText: 'Ready' }).waitFor({ timeout: 60_000 });
  await page.locator('#csv-file').setInputFiles(SHARED_DATA);
  await page.locator('#dataset-summary').filter({ hasText: 'rows' }).waitFor({ timeout: 600_000 });
  if (w === 1400) await page.screenshot({ path: `/tmp/shot-columns-${w}.png`, fullPage: true });
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await page.locator('#run-header').filter({ hasText: 'clusters' }).waitFor({ timeout: 300_000 });
  await page.getByRole('tab', { name: 'Map', exact: true }).click();
  await page.getByLabel('Map projection').selectOption('umap');
  await page.getByRole('status').filter({ hasText: /^UMAP map ready/ }).waitFor({ timeout: 600_000 });
  await page.waitForTimeout(800);
  await page.screenshot({ path: `/tmp/shot-umap-${w}.png` });
  await page.getByRole('tab', { name: 'Clusters', exact: true }).click();
  await page.waitForTimeout(500);
  await page.screenshot({ path: `/tmp/shot-clusters-${w}.png`, fullPage: w === 1400 });
  await page.close();
}
await browser.close(); await server.close();
