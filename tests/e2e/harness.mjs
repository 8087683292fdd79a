// Shared fixtures for the e2e specs: a static server for the built app (at / or a sub-path),
// Debian's Chromium via playwright-core, and a page object that finds controls by their labels.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json',
};

/** Serves `dir` under `prefix` on 127.0.0.1; resolves to { url, close }. */
export function serve(dir, prefix = '/') {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (!url.pathname.startsWith(prefix)) { res.writeHead(404).end('not here'); return; }
    let rel = decodeURIComponent(url.pathname.slice(prefix.length));
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    const file = path.join(dir, path.normalize(rel));
    if (!file.startsWith(dir) || !fs.existsSync(file)) { res.writeHead(404).end('not found'); return; }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      // Closing ends open keep-alive connections too: a browser (or its service worker) holding
      // one made `close` wait for ever, which stalled a whole CI run in the offline test.
      const close = () => new Promise((r) => { server.close(r); server.closeAllConnections(); });
      resolve({ url: `http://127.0.0.1:${port}${prefix}`, close });
    });
  });
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/** A page with console errors and uncaught exceptions collected into `errors`. */
export async function openApp(browser, url, { waitForReady = true, viewport = { width: 1280, height: 900 } } = {}) {
  const context = await browser.newContext({ acceptDownloads: true, viewport });
  const requests = [];
  context.on('request', (r) => requests.push(r.url()));
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  // With ?demo the demo's "Loaded" status can replace "Ready" before it is seen.
  if (waitForReady) await page.getByRole('status').filter({ hasText: 'Ready' }).waitFor({ timeout: 60_000 });
  return { page, errors, context, requests };
}

export async function train(page, timeout = 300_000) {
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await page.locator('#run-header').filter({ hasText: 'clusters' }).waitFor({ timeout });
}

/** The workspace as a person reaches it: the side panel's tabs, and the folded setup. */
export async function tab(page, name) {
  await page.getByRole('tab', { name, exact: true }).click();
  await page.getByRole('tabpanel', { name }).waitFor();
}

/** Unfolds the setup steps above the map (file, columns, settings, train), when results fold them. */
export async function openSetup(page) {
  const button = page.locator('#change-data');
  if (await button.isVisible() && await button.getAttribute('aria-expanded') === 'false') await button.click();
  await page.locator('#setup').waitFor();
}

/** Which tab of the side panel holds each download. */
const DOWNLOAD_TABS = { 'Download CSV with clusters': 'Map', 'Download model': 'Model', 'Download playlist as CSV': 'Playlist', 'Download for Spotify (Track URI CSV)': 'Playlist' };

/** Cluster sizes from the table. */
export async function clusterSizes(page) {
  const cells = await page.locator('#cluster-table tbody td.size').allTextContents();
  return cells.map((c) => Number(c));
}

/** Non-white pixels on a canvas, read back from the page. */
export async function paintedPixels(page, selector) {
  return page.$eval(selector, (canvas) => {
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] < 250 || data[i + 1] < 250 || data[i + 2] < 250) n++;
    return n;
  });
}

/** Clicks `name` and returns the downloaded file's bytes and suggested name. */
export async function download(page, name) {
  if (DOWNLOAD_TABS[name] && await page.locator('#run-header').isVisible()) await tab(page, DOWNLOAD_TABS[name]);
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name }).click()]);
  const file = await dl.path();
  return { name: dl.suggestedFilename(), bytes: fs.readFileSync(file) };
}

/** Minimal RFC 4180 parser (quotes, doubled quotes, CRLF): enough to check exports. */
export function parseCsv(text) {
  const rows = []; let row = []; let field = ''; let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += c;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}

export const SHARED_DATA = path.resolve(import.meta.dirname, '../../../shared/data/light_spotify_subset.csv');
export const DIST = process.env.E2E_DIST ?? path.resolve(import.meta.dirname, '../../dist');
export const SUBPATH_DIST = process.env.E2E_SUBPATH_DIST;

/** Opens the collapsed settings. */
export async function openSettings(page) {
  await page.getByText('Change the training and clustering settings').click();
}

/** The app's own static files: the only requests a page of Songscape may make. */
export const OWN_FILES = ['', 'index.html', 'init.js', 'sw.js', 'app.js', 'app_bg.wasm', 'worker_loader.js', 'worker.js', 'worker_bg.wasm', 'main.css', 'favicon.svg'];

/** Requests that are neither the app's own files (under `base`) nor local blob:/data: URLs. */
export function foreignRequests(requests, base) {
  return requests.filter((url) => {
    if (url.startsWith('blob:') || url.startsWith('data:')) return false;
    if (!url.startsWith(base)) return true;
    const file = new URL(url).pathname.slice(new URL(base).pathname.length);
    return !OWN_FILES.includes(file);
  });
}

/** Types `value` into the setting labelled `label` and leaves the field, as a person would. */
export async function setSetting(page, label, value) {
  await page.getByLabel(label, { exact: true }).fill(value);
  await page.getByLabel(label, { exact: true }).blur();
}

/** Loads the demo, opens the settings, sets the epochs and trains. */
export async function trainDemo(page, epochs) {
  await page.getByRole('button', { name: 'Try the demo dataset' }).click();
  await page.locator('#dataset-summary').filter({ hasText: '3000 rows' }).waitFor();
  await openSettings(page);
  await setSetting(page, 'Epochs', String(epochs));
  await train(page);
}
