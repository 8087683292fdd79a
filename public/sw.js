// Songscape's service worker: keeps the app's own static files so the page works offline after
// the first visit. It only ever fetches this app's files (the ones the page loads anyway); it
// never sees a user's CSV, which the page's worker reads from disk.
//
// - Scope: the folder sw.js is served from, so under a GitHub Pages sub-path it controls only
//   that sub-path, and it answers only requests inside its scope.
// - Consistency: scripts/post_build.py stamps BUILD with a hash of the build, so a new
//   deployment installs a new worker whose cache holds that deployment's files as one set
//   (the .js glue and its .wasm must match). Online, files come from the network; the cache is
//   only the fallback, and is never updated piecemeal.
const BUILD = '__BUILD__';
const PREFIX = `songscape:${self.registration.scope}:`;
const CACHE = PREFIX + BUILD;
const FILES = ['./', 'index.html', 'init.js', 'app.js', 'app_bg.wasm', 'worker_loader.js', 'worker.js',
  'worker_bg.wasm', 'main.css', 'favicon.svg'];

self.addEventListener('install', (event) => {
  // cache: 'reload' skips the HTTP cache, so the set is this deployment's files.
  const requests = FILES.map((f) => new Request(f, { cache: 'reload' }));
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(requests)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  // Only this app's older sets at this scope: other apps on the origin keep their caches.
  const stale = (key) => key.startsWith(PREFIX) && key !== CACHE;
  const cleared = caches.keys().then((keys) => Promise.all(keys.filter(stale).map((k) => caches.delete(k))));
  event.waitUntil(cleared.then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || !request.url.startsWith(self.registration.scope)) return;
  event.respondWith(fetch(request).catch(() => caches.open(CACHE)
    .then((cache) => cache.match(request, { ignoreSearch: true })
      .then((hit) => hit ?? (request.mode === 'navigate' ? cache.match('./') : Response.error())))));
});
