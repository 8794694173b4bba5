// Tern's service worker. Travellers often land without data, so every eSIM page they have opened
// (/my-esims and /my-esims/{iccid}) is kept and shown when the network fails, together with the
// app's own files. Nothing else is cached: no /api, no /auth, no other page.
//
// The eSIM page stores itself on its first visit with the same cache name (see esim_page.rs).
// Signing out clears the cache.
'use strict';

const CACHE = 'tern-offline-v1';

// The list and one eSIM's page; not its top-up page, nor the install-pack download.
const ESIM_PAGE = /^\/my-esims(\/[^/]+)?\/?$/;

self.addEventListener('install', () => {
  self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((name) => name.startsWith('tern-offline-') && name !== CACHE)
            .map((name) => caches.delete(name)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate' && ESIM_PAGE.test(url.pathname)) {
    event.respondWith(networkFirst(event, url));
  } else if (url.pathname.startsWith('/pkg/') || url.pathname === '/favicon.svg') {
    event.respondWith(assetNetworkFirst(event));
  }
});

// The live page when the network answers; the copy kept from the last visit when it does not.
// Only a plain 200 is kept (a guest's sign-in panel is 401), under the path without its query.
async function networkFirst(event, url) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(event.request);
    if (response.status === 200 && !response.redirected && url.search === '') {
      event.waitUntil(cache.put(url.pathname, response.clone()));
    }
    return response;
  } catch (error) {
    const kept = await cache.match(url.pathname);
    if (kept) return markedOffline(kept);
    throw error;
  }
}

// The kept copy, marked so the page (and its tests) can tell it was served with no network.
async function markedOffline(kept) {
  const headers = new Headers(kept.headers);
  headers.set('x-tern-offline', '1');
  return new Response(await kept.blob(), { status: kept.status, statusText: kept.statusText, headers });
}

// The app's files from the network, so a new release never meets an old page; the kept copy
// when offline. The script and wasm must match the HTML they hydrate.
async function assetNetworkFirst(event) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(event.request);
    if (response.status === 200) {
      event.waitUntil(cache.put(event.request, response.clone()));
    }
    return response;
  } catch (error) {
    const kept = await cache.match(event.request);
    if (kept) return kept;
    throw error;
  }
}
