// Songscape's service worker: keeps the app's own static files so the page works offline after
// the first visit. Network first, so a new deployment is used as soon as it is reachable; the
// cached copy when the network fails. It only ever fetches this origin's files (the same ones the
// page loads); it never sees a user's CSV, which is read from disk inside the page's worker.
// Its scope is the folder it is served from, so under a GitHub Pages sub-path it controls only
// that sub-path.
const CACHE = 'songscape-v1';
const FILES = ['./', 'index.html', 'init.js', 'app.js', 'app_bg.wasm', 'worker_loader.js', 'worker.js',
  'worker_bg.wasm', 'main.css', 'favicon.svg'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  const old = caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))));
  event.waitUntil(old.then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(fetch(request).then((response) => {
    if (response.ok) {
      const copy = response.clone();
      event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy)));
    }
    return response;
  }).catch(() => caches.match(request, { ignoreSearch: true })
    .then((hit) => hit ?? (request.mode === 'navigate' ? caches.match('./') : Response.error()))));
});
