// The benchmark (`make bench`): the release app in headless Chromium on the real dataset (when
// ../shared is there) and synthetic files of 10k, 100k and 1M songs, default settings. One JSON
// line per file: every stage's time, samples/s, peak memory, long tasks, .wasm sizes; and, per
// file, the reference pipeline's time and the ratio (run here when its Python environment
// exists, else taken from ../shared/baseline/README.md and labelled so).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { serve, launch, SHARED_DATA } from './harness.mjs';

const DIST = process.env.BENCH_DIST;
const DATA_DIR = process.env.BENCH_DATA;
const SIZES = (process.env.BENCH_SIZES ?? '10000,100000,1000000').split(',').filter(Boolean).map(Number);
const BASELINE = path.resolve(import.meta.dirname, '../../../shared/baseline');
const PYTHON = path.join(BASELINE, '.venv/bin/python');
const RUN_REFERENCE = process.env.BENCH_REFERENCE === '1';
// ../shared/baseline/README.md's measurements on this kind of machine (seconds, whole pipeline).
const README_REFERENCE = { 39280: 50.7, 100000: 101.7, 1000000: 796.8 };

function wasmSizes() {
  const out = {};
  for (const f of fs.readdirSync(DIST).filter((f) => f.endsWith('.wasm'))) {
    const bytes = fs.readFileSync(path.join(DIST, f));
    out[f.replace(/(-[0-9a-f]+)?_bg\.wasm$/, '')] = { raw: bytes.length, gzip: zlib.gzipSync(bytes, { level: 9 }).length };
  }
  return out;
}

function files() {
  const list = [];
  if (process.env.BENCH_REAL === '0') console.error('[bench] BENCH_REAL=0: the real dataset is skipped');
  else if (fs.existsSync(SHARED_DATA)) list.push({ name: 'light_spotify_subset.csv', file: SHARED_DATA });
  else console.error('[bench] ../shared/data is absent: the real dataset is skipped');
  for (const n of SIZES) list.push({ name: `synthetic_${n}.csv`, file: path.join(DATA_DIR, `synthetic_${n}.csv`) });
  return list;
}

/**
 * Start-up on a fresh page: first paint; the demo button usable (it is before the worker is up:
 * a click waits for it); when the worker's wasm was asked for, against the first paint; the
 * worker ready; and, on a second fresh page, the demo clicked as soon as it can be until its
 * data is read (the demo's summary shows).
 */
async function startup(browser, url) {
  const page = await browser.newPage();
  // The worker fetches its own wasm: the page's resource timing does not list it, the driver does.
  let workerWasmAsked = null;
  page.context().on('request', (r) => { if (r.url().endsWith('worker_bg.wasm')) workerWasmAsked ??= Date.now(); });
  const t0 = Date.now();
  await page.goto(url);
  await page.locator('#demo:enabled').waitFor({ timeout: 60_000 });
  const usable_ms = Date.now() - t0;
  await page.getByRole('status').filter({ hasText: 'Ready' }).waitFor({ timeout: 60_000 });
  const ready_ms = Date.now() - t0;
  const timing = await page.evaluate(() => ({
    origin: performance.timeOrigin,
    paint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
    transferred: performance.getEntriesByType('resource').filter((r) => r.name.endsWith('.wasm')).reduce((a, r) => a + r.transferSize, 0),
  }));
  await page.close();
  const demo = await browser.newPage();
  const t1 = Date.now();
  await demo.goto(url);
  await demo.locator('#demo:enabled').click({ timeout: 60_000 });
  await demo.locator('#dataset-summary').filter({ hasText: 'rows' }).waitFor({ timeout: 60_000 });
  const demo_read_ms = Date.now() - t1;
  await demo.close();
  return {
    first_contentful_paint_ms: timing.paint,
    demo_usable_ms: usable_ms,
    worker_wasm_requested_ms: workerWasmAsked && Math.round(workerWasmAsked - timing.origin),
    worker_ready_ms: ready_ms,
    demo_read_ms,
    wasm_transferred_bytes: timing.transferred,
  };
}

async function runOne(browser, url, { name, file }) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.addInitScript(() => {
    window.__longest = 0; window.__long = 0;
    new PerformanceObserver((l) => { for (const e of l.getEntries()) { window.__long++; window.__longest = Math.max(window.__longest, e.duration); } })
      .observe({ type: 'longtask', buffered: true });
    // The page's own clock at the file's change event, the summary shown, the Train click and the
    // results written: the driver polls for each of these and notices them 40-330 ms late.
    window.__at = {};
    const once = (key) => { window.__at[key] ??= performance.now(); };
    document.addEventListener('change', (e) => { if (e.target.id === 'csv-file') once('chosen'); }, true);
    document.addEventListener('click', (e) => { if (e.target.closest?.('button')?.textContent?.trim() === 'Train') once('train'); }, true);
    document.addEventListener('DOMContentLoaded', () => {
      new MutationObserver(() => {
        if (window.__at.chosen === undefined) return;
        if (document.querySelector('#dataset-summary')?.textContent?.includes('rows')) once('summary');
        if (document.querySelector('#run-json')?.textContent?.includes('draw_ms')) once('drawn');
      }).observe(document, { subtree: true, childList: true, characterData: true });
    });
  });
  await page.goto(url);
  await page.getByRole('status').filter({ hasText: 'Ready' }).waitFor({ timeout: 60_000 });
  let heapPeak = 0;
  const sampler = setInterval(async () => {
    try {
      const { metrics } = await cdp.send('Performance.getMetrics');
      heapPeak = Math.max(heapPeak, metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0);
    } catch { /* page closing */ }
  }, 250);
  // Long tasks count from the moment the file is chosen (start-up is reported separately).
  await page.evaluate(() => { window.__long = 0; window.__longest = 0; });
  const t0 = Date.now();
  await page.locator('#csv-file').setInputFiles(file);
  await page.locator('#dataset-summary').filter({ hasText: 'rows' }).waitFor({ timeout: 600_000 });
  const trainPressed = await page.evaluate(() => Date.now());
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await page.locator('#run-json').filter({ hasText: 'draw_ms' }).waitFor({ state: 'attached', timeout: 1_800_000 });
  const total_ms = Date.now() - t0;
  clearInterval(sampler);
  const run = JSON.parse(await page.locator('#run-json').textContent());
  const long = await page.evaluate(() => ({ count: window.__long, longest_ms: window.__longest }));
  const at = await page.evaluate(() => window.__at);
  const hover = await hoverLatency(page);
  const motion = await motionFrames(page);
  const resume = await resumeTime(page, trainPressed);
  await context.close();
  const t = run.timings;
  const epochs = t.epoch_ms.length;
  const trainRows = Math.floor(run.rows * 0.9);
  return {
    file: name, rows: run.rows, parse_ms: round(run.parse_ms), scaling_ms: round(t.scale_ms),
    training_ms: round(t.train_ms), epoch_first_ms: round(t.epoch_ms[0]), epoch_steady_ms: round(median(t.epoch_ms.slice(1))),
    samples_per_s: Math.round((trainRows * epochs) / (t.train_ms / 1000)), encoding_ms: round(t.encode_ms),
    kmeans_ms: round(t.kmeans_ms), projection_ms: round(t.project_ms), map_draw_ms: round(run.draw_ms),
    total_ms, page_total_ms: round(at.drawn - at.chosen), page_net_ms: round(at.drawn - at.chosen - (at.train - at.summary)),
    driver_click_ms: round(at.train - at.summary), worker_wasm_peak_bytes: t.wasm_bytes, page_wasm_bytes: run.page_wasm_bytes, page_js_heap_peak_bytes: heapPeak,
    main_thread_long_tasks: long.count, longest_main_thread_task_ms: round(long.longest_ms),
    recon_mse: run.recon_mse,
    hover_ms_median: round(median(hover.times)), hover_ms_max: round(hover.times.length ? Math.max(...hover.times) : null),
    hover_from_event_ms_median: round(median(hover.fromEvent)), hover_samples: hover.times.length,
    ...motion,
    resume_ms: resume,
  };
}

/**
 * The session kept in this browser: once the run's write has landed, a reload and "Resume":
 * click → the map drawn again. `null` when the browser did not keep it.
 */
async function resumeTime(page, since) {
  const saved = await page.waitForFunction((t) => Number(document.querySelector('#kept-line')?.dataset.savedAt ?? 0) >= t, since, { timeout: 600_000 })
    .then(() => true, () => false);
  if (!saved) return null;
  await page.reload();
  await page.getByRole('status').filter({ hasText: 'Ready' }).waitFor({ timeout: 60_000 });
  const button = page.locator('#resume');
  await button.waitFor({ timeout: 60_000 });
  const t1 = Date.now();
  await button.click();
  await page.locator('#run-json').filter({ hasText: 'draw_ms' }).waitFor({ state: 'attached', timeout: 600_000 });
  return Date.now() - t1;
}

/**
 * Pointer over the map → the song named under it: for 40 places across the map, the time from
 * the page receiving the (real, trusted) pointermove to the text naming the song, and from the
 * event's own time stamp (Chrome hands pointer moves to the page once a frame, so that adds up to
 * a frame of the browser's own). Places with no dot under them name nothing and are left out.
 */
async function hoverLatency(page) {
  await page.waitForTimeout(300); // the hit-test index is built after the map's first paint
  await page.locator('#map-overlay').scrollIntoViewIfNeeded();
  const box = await page.locator('#map-overlay').boundingBox();
  await page.evaluate(() => {
    window.__moved = 0; window.__stamp = 0;
    document.querySelector('#map-overlay').addEventListener('pointermove', (e) => { window.__moved = performance.now(); window.__stamp = e.timeStamp; }, { capture: true });
  });
  const times = []; const fromEvent = [];
  for (let i = 0; i < 40; i++) {
    const x = box.x + box.width * (0.25 + 0.5 * ((i * 7) % 40) / 40);
    const y = box.y + box.height * (0.25 + 0.5 * ((i * 13) % 40) / 40);
    // The observer is in place before the pointer moves (awaited), then the move, then its answer.
    await page.evaluate(() => {
      window.__named = new Promise((resolve) => {
        const out = document.querySelector('#map-pointer');
        const before = out.textContent;
        const observer = new MutationObserver(() => {
          if (out.textContent.startsWith('Under the pointer') && out.textContent !== before) {
            observer.disconnect();
            resolve([performance.now() - window.__moved, performance.now() - window.__stamp]);
          }
        });
        observer.observe(out, { childList: true, characterData: true, subtree: true });
        setTimeout(() => { observer.disconnect(); resolve(null); }, 400);
      });
    });
    await page.mouse.move(x, y);
    const named = page.evaluate(() => window.__named);
    const t = await named;
    if (t != null) { times.push(t[0]); fromEvent.push(t[1]); }
  }
  return { times, fromEvent };
}

/**
 * The map followed by the pointer: a drag of 40 real (trusted) pointer moves across the map, then
 * 12 wheel steps in, while an animation-frame loop in the page notes the time between frames.
 * A frame that takes the map's whole redraw shows as a gap of that redraw; 16.7 ms is 60 fps, and a
 * gap a little over it is the scheduling of the callbacks.
 * The long tasks counted are those of the drag and the wheel; the 400 ms after each, when the map
 * is drawn in full at rest, are recorded apart (`*_rest_frame_ms_max`, `*_rest_longest_task_ms`).
 */
async function motionFrames(page) {
  await page.locator('#map-overlay').scrollIntoViewIfNeeded();
  const box = await page.locator('#map-overlay').boundingBox();
  const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
  const record = () => page.evaluate(() => {
    window.__long = 0; window.__longest = 0; window.__frames = []; window.__recording = true;
    let last = performance.now();
    // The time the callback runs, not the frame's own time stamp: headless Chromium stamps
    // frames on schedule even while a task holds the page, which hid a 40 ms draw at rest.
    const tick = () => { const t = performance.now(); window.__frames.push(t - last); last = t; if (window.__recording) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
  const stop = () => page.evaluate(() => { window.__recording = false; return { frames: window.__frames.slice(1), long: window.__long, longest: window.__longest }; });
  const summary = (kind, { frames, long, longest }) => ({
    [`${kind}_frames`]: frames.length, [`${kind}_frame_ms_median`]: round(median(frames)),
    [`${kind}_frame_ms_p90`]: round(percentile(frames, 0.9)), [`${kind}_frame_ms_max`]: round(frames.length ? Math.max(...frames) : null),
    [`${kind}_long_tasks`]: long, [`${kind}_longest_task_ms`]: round(longest),
  });
  const atRest = async () => { await record(); await page.waitForTimeout(400); return stop(); };
  const rest = (kind, { frames, longest }) => ({
    [`${kind}_rest_frame_ms_max`]: round(frames.length ? Math.max(...frames) : null), [`${kind}_rest_longest_task_ms`]: round(longest),
  });
  await page.mouse.move(cx, cy);
  await record();
  await page.mouse.down();
  for (let i = 1; i <= 40; i++) await page.mouse.move(cx - 4 * i, cy - 2 * i);
  await page.mouse.up();
  const pan = await stop();
  const panRest = await atRest();
  await page.mouse.move(cx, cy);
  await record();
  for (let i = 0; i < 12; i++) await page.mouse.wheel(0, -60);
  const wheel = await stop();
  const wheelRest = await atRest();
  const drawn = await page.locator('#map-draw').textContent();
  return { ...summary('pan', pan), ...rest('pan', panRest), ...summary('wheel', wheel), ...rest('wheel', wheelRest), map_draw_at_rest: drawn.trim() };
}

function reference(file, rows) {
  if (RUN_REFERENCE && fs.existsSync(PYTHON)) {
    const out = execFileSync(PYTHON, [path.join(BASELINE, 'seed_pipeline.py'), file, '--out-dir', path.join(DATA_DIR, 'ref'), '--no-save-csv'], { encoding: 'utf8', maxBuffer: 1 << 26 });
    const line = JSON.parse(out.trim().split('\n').at(-1));
    const seconds = line.timings_s?.total_wall_incl_python_start ?? null;
    return { reference_s: seconds, reference_source: 'run now' };
  }
  if (README_REFERENCE[rows]) return { reference_s: README_REFERENCE[rows], reference_source: 'shared/baseline/README.md (not run here)' };
  return { reference_s: null, reference_source: 'none measured for this size' };
}

const round = (v) => (v == null ? null : Math.round(v * 10) / 10);
const percentile = (a, q) => { if (!a.length) return null; const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(s.length * q))]; };
const median = (a) => { if (!a.length) return null; const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };

const server = await serve(path.resolve(DIST));
const browser = await launch();
try {
  console.log(JSON.stringify({ startup: await startup(browser, server.url), wasm: wasmSizes() }));
  for (const f of files()) {
    const result = await runOne(browser, server.url, f);
    const ref = reference(f.file, result.rows);
    const ratio = ref.reference_s ? Math.round((ref.reference_s * 1000 / result.total_ms) * 10) / 10 : null;
    console.log(JSON.stringify({ ...result, ...ref, reference_over_ours: ratio }));
  }
} finally {
  await browser.close();
  await server.close();
}
