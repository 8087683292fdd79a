import { serve, launch } from './harness.mjs';
const server = await serve(process.env.E2E_DIST); const browser = await launch();
const page = await browser.newPage();
await page.addInitScript(() => {
  window.__tasks = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__tasks.push([Math.round(e.startTime), Math.round(e.duration)]); }).observe({ type: 'longtask', buffered: true });
});
await page.goto(server.url);
await page.getByRole('status').filter({ hasText: 'Ready' }).waitFor({ timeout: 60_000 });
await page.evaluate(() => { window.__tasks = []; });
await page.locator('#csv-file').setInputFiles(process.env.F);
await page.locator('#dataset-summary').filter({ hasText: 'rows' }).waitFor({ timeout: 600_000 });
await page.getByLabel('Epochs', { exact: true }).fill('2').catch(() => {});
await page.getByRole('button', { name: 'Train', exact: true }).click();
await page.locator('#run-json').filter({ hasText: 'draw_ms' }).waitFor({ state: 'attached', timeout: 600_000 });
await page.waitForTimeout(500);
console.log(JSON.stringify(await page.evaluate(() => window.__tasks)));
await browser.close(); await server.close();
