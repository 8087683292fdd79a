// End-to-end: each long task says which task stopped when cancelled (the page no longer guesses
// from its flags), and comparing representations can be cancelled from its own button.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openApp, trainDemo, DIST } from './harness.mjs';

let server; let browser;
before(async () => { server = await serve(DIST); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

test('cancelling "Compare representations" says so, and keeps the results', async () => {
  const { page, errors, context } = await openApp(browser, server.url);
  await trainDemo(page, 2);
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
