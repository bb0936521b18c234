// Adds the cross-origin isolation headers to this app's own responses, for hosts that cannot
// send headers (GitHub Pages). Only same-origin GET requests within its scope are touched; nothing
// is cached. index.html registers it only when the page is not already isolated.
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; "
  + "style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors *; base-uri 'none'; object-src 'none'";

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  // "only-if-cached" requests from devtools fail outside same-origin mode; leave them alone.
  if (request.cache === 'only-if-cached' && request.mode !== 'same-origin') return;
  event.respondWith(
    fetch(request).then((response) => {
      if (response.status === 0 || response.type === 'opaque') return response;
      const headers = new Headers(response.headers);
      headers.set('Cross-Origin-Opener-Policy', 'same-origin');
      headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
      headers.set('Cross-Origin-Resource-Policy', 'same-origin');
      // The same strict policy as _headers, for the document (the one response it governs).
      if (request.mode === 'navigate' && !headers.has('Content-Security-Policy')) {
        headers.set('Content-Security-Policy', CSP);
      }
      return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
    }),
  );
});
