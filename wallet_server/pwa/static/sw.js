// Caisse Commune service worker (scope /app/).
// - The app shell is cached at install, under a versioned name, and served cache-first.
//   Changing any shell file: bump VERSION so that phones fetch the new shell.
// - GET /api/v1/me, /api/v1/me/history and /api/v1/shops/directory: network first, the
//   last good answer when the network fails (marked with an X-SW-Cached-At header, in ms,
//   so that the app can say from when the figures date).
// - Nothing else is cached: no POST, no pay codes list, no other request.

const VERSION = "3";
const SHELL_CACHE = `caisse-app-shell-v${VERSION}`;
const API_CACHE = "caisse-api-v1"; // the app deletes every "caisse-api*" cache when it wipes
const NETWORK_TIMEOUT_MS = 8000;

const SHELL = [
  "./",
  "index.html",
  "style.css",
  "app.js",
  "i18n.js",
  "i18n/fr.json",
  "i18n/en.json",
  "i18n/ar.json",
  "dom.js",
  "api.js",
  "vault.js",
  "core.js",
  "views/movements.js",
  "views/activate.js",
  "views/pin.js",
  "views/home.js",
  "views/history.js",
  "views/pay.js",
  "views/shops.js",
  "views/settings.js",
  "manifest.webmanifest",
  "icons/icon.svg",
  "icons/icon-192.png",
];

const CACHED_API = [/^\/api\/v1\/me$/, /^\/api\/v1\/me\/history$/, /^\/api\/v1\/shops\/directory$/];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(SHELL_CACHE)
      .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: "no-cache" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((name) => name.startsWith("caisse-app-shell-") && name !== SHELL_CACHE)
            .map((name) => caches.delete(name)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

// A page that opened while this worker was installing asks to be taken over.
self.addEventListener("message", (event) => {
  if (event.data === "claim") event.waitUntil(self.clients.claim());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (CACHED_API.some((re) => re.test(url.pathname))) {
    event.respondWith(networkFirst(event));
    return;
  }
  const scope = new URL(self.registration.scope);
  if (url.pathname.startsWith(scope.pathname)) {
    event.respondWith(cacheFirst(request, scope));
  }
});

async function cacheFirst(request, scope) {
  const cache = await caches.open(SHELL_CACHE);
  // The page itself, whatever the hash or query: the cached index.html.
  const isPage = request.mode === "navigate";
  const hit = isPage
    ? (await cache.match(new URL("index.html", scope).href)) || (await cache.match(scope.href))
    : await cache.match(request, { ignoreSearch: true });
  if (hit) return hit;
  return fetch(request);
}

async function networkFirst(event) {
  const request = event.request;
  const cache = await caches.open(API_CACHE);
  const network = fetch(request).then(async (response) => {
    if (response.ok) {
      const body = await response.clone().blob();
      const headers = new Headers(response.headers);
      headers.set("X-SW-Cached-At", String(Date.now()));
      await cache.put(request, new Response(body, { status: response.status, headers }));
    }
    return response;
  });
  event.waitUntil(network.catch(() => undefined));
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(resolve, NETWORK_TIMEOUT_MS, "timeout");
  });
  try {
    const first = await Promise.race([network, timeout]);
    if (first !== "timeout" && first.status < 500) return first;
    const cached = await cache.match(request, { ignoreVary: true });
    if (cached) return cached;
    return first === "timeout" ? await network : first;
  } catch (error) {
    const cached = await cache.match(request, { ignoreVary: true });
    if (cached) return cached;
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
