// Service worker of the on-site inspection page: the page, its script and style and the
// task's offline bundle are answered from the network when there is one, else from the cache,
// so a page opened once keeps working without a network.
"use strict";
const CACHE = "certguard-onsite-v1";

self.addEventListener("install", (event) => { self.skipWaiting(); });
self.addEventListener("activate", (event) => { event.waitUntil(self.clients.claim()); });

function cacheable(url) {
  return url.origin === self.location.origin &&
    (/\/enforcement\/tasks\/\d+\/onsite\/$/.test(url.pathname) ||
     url.pathname.startsWith("/static/") ||
     /\/api\/v1\/enforcement\/tasks\/\d+\/offline$/.test(url.pathname));
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (!cacheable(url)) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    try {
      const response = await fetch(request);
      if (response.ok) await cache.put(request, response.clone());
      return response;
    } catch (error) {
      const cached = await cache.match(request);
      if (cached) return cached;
      throw error;
    }
  })());
});
