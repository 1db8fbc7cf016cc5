// The browser till's offline copy: the app shell (the screen, the engine, the offline rules),
// so that a reload works with no connection. Network first, so an update reaches the till at
// the next load it is online; the cache only when the network fails. The till's API calls
// (/api/) never pass through here: a payment is never answered from a cache.

const CACHE = "caisse-till-v1";
const SHELL = [
  "./",
  "app.js",
  "i18n.js",
  "i18n/fr.json",
  "i18n/en.json",
  "i18n/ar.json",
  "style.css",
  "favicon.svg",
  "icon.svg",
  "manifest.webmanifest",
  "offline_rules.js",
  "vendor/noble-ed25519/index.js",
  "engine/index.js",
  "engine/pairing.js",
  "engine/server.js",
  "engine/store.js",
  "engine/sync.js",
  "engine/till.js",
  "vendor/qr-scanner/qr-scanner.min.js",
  "vendor/qr-scanner/qr-scanner-worker.min.js",
];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL.map((path) => new Request(path, { cache: "no-cache" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  const scope = new URL(self.registration.scope);
  if (
    event.request.method !== "GET" ||
    url.origin !== scope.origin ||
    !url.pathname.startsWith(scope.pathname)
  ) {
    return; // the network, untouched
  }
  event.respondWith(networkFirst(event.request, url));
});

async function networkFirst(request, url) {
  const key = url.pathname === new URL(self.registration.scope).pathname ? "./" : request;
  try {
    const response = await fetch(request);
    if (response.ok) {
      const cache = await caches.open(CACHE);
      await cache.put(key, response.clone());
    }
    if (response.status < 500) return response;
    // the server or its proxy is down: the copy kept, if there is one
    return (await caches.match(key, { ignoreSearch: true })) ?? response;
  } catch (error) {
    const cached = await caches.match(key, { ignoreSearch: true });
    if (cached) return cached;
    throw error;
  }
}
