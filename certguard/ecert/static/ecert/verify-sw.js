// Service worker of the verification page (/v/): keeps the page, its script and style and
// the trust list, so a certificate's QR can be verified offline once the page was visited.
// Network first (a new key or page reaches the user as soon as they are online), the cache
// when the network fails. Everything else passes through untouched.
"use strict";
const CACHE = "certguard-verify-v1";
const KEEP = ["/v/", "/api/v1/ecert/trust-list", "/static/ecert/verify.js",
              "/static/ecert/print.css", "/static/certguard/site.css",
              "/static/certguard/site.js", "/static/vendor/htmx/htmx.min.js"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => Promise.all(KEEP.map((url) =>
    fetch(url, { credentials: "omit" }).then((response) => {
      if (response.ok) return cache.put(url, response);
      return undefined;
    }).catch(() => undefined)))).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((names) => Promise.all(
    names.filter((name) => name.startsWith("certguard-verify-") && name !== CACHE)
      .map((name) => caches.delete(name)))).then(() => self.clients.claim()));
});

function kept(url) {
  return url.origin === self.location.origin && KEEP.includes(url.pathname);
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || !kept(url)) return;
  const key = url.pathname;
  event.respondWith(fetch(event.request).then((response) => {
    if (response.ok) {
      const copy = response.clone();
      caches.open(CACHE).then((cache) => cache.put(key, copy));
    }
    return response;
  }).catch(() => caches.open(CACHE).then((cache) => cache.match(key)).then((hit) =>
    hit || new Response("离线且本机没有保存核验页，请联网后打开", {
      status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } }))));
});
