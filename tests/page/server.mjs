// A static file server for the built site, used by the page tests and the benchmark.
// `isolated: true` sends COOP/COEP (every model can run); `false` is a plain host, like a blog.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { extname, join, normalize, resolve } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/// The rules of a Netlify-style `_headers` file: `[pattern, {name: value}]`, `*` a splat.
function headerRules(text) {
  const rules = [];
  for (const line of text.split('\n')) {
    if (!line.trim() || line.trim().startsWith('#')) continue;
    if (!/^\s/.test(line)) {
      rules.push([new RegExp(`^${line.trim().replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`), {}]);
    } else if (rules.length) {
      const at = line.indexOf(':');
      rules[rules.length - 1][1][line.slice(0, at).trim()] = line.slice(at + 1).trim();
    }
  }
  return rules;
}

/// With `site: true` the server answers as a host reading the build's own `_headers` would: each
/// file gets the headers of every rule its path matches (caching included), text and wasm go
/// out gzipped, and a file asked for again with its ETag gets 304. `counted` tallies requests
/// and bytes sent.
/// `host` is the loopback address it listens on: a page served from 127.0.0.2 is on another
/// *site* than conpar on 127.0.0.1 (two ports of one address are one site), so conpar's frames in
/// it are third-party, as on a blog of its own.
export function serve({ root, port = 0, host = '127.0.0.1', isolated = true, extraRoutes = {}, missing = [], headers: extraHeaders = {}, site: asSite = false }) {
  const base = resolve(root);
  const counted = { requests: 0, bytes: 0, notModified: 0 };
  let rules = [];
  if (asSite) rules = headerRules(readFileSync(join(base, '_headers'), 'utf8'));
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, `http://${host}`);
    if (extraRoutes[url.pathname]) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(extraRoutes[url.pathname](req));
      return;
    }
    if (missing.includes(url.pathname)) { res.writeHead(404); res.end('not found'); return; }
    let path = normalize(join(base, decodeURIComponent(url.pathname)));
    if (!path.startsWith(base)) { res.writeHead(403); res.end(); return; }
    try {
      if ((await stat(path)).isDirectory()) path = join(path, 'index.html');
      const body = await readFile(path);
      // CORS as www/_headers sends it: a sandboxed frame (an opaque origin) loads modules so.
      const headers = {
        'Content-Type': TYPES[extname(path)] || 'application/octet-stream', 'Cache-Control': 'no-store',
        'Access-Control-Allow-Origin': '*',
      };
      if (isolated) {
        headers['Cross-Origin-Opener-Policy'] = 'same-origin';
        headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
      }
      counted.requests++;
      if (asSite) {
        delete headers['Cache-Control'];
        for (const [pattern, values] of rules) if (pattern.test(url.pathname)) Object.assign(headers, values);
        const etag = `"${createHash('sha1').update(body).digest('hex').slice(0, 20)}"`;
        headers.ETag = etag;
        if (req.headers['if-none-match'] === etag) {
          counted.notModified++;
          res.writeHead(304, headers);
          res.end();
          return;
        }
      }
      Object.assign(headers, extraHeaders);
      // Hosts compress what compresses (Netlify, Cloudflare and GitHub Pages do, wasm too).
      let sent = body;
      if (asSite && /gzip/.test(req.headers['accept-encoding'] || '') && /\.(html|js|css|wasm|json|svg)$/.test(path)) {
        sent = gzipSync(body);
        headers['Content-Encoding'] = 'gzip';
        headers.Vary = 'Accept-Encoding';
      }
      counted.bytes += sent.length;
      res.writeHead(200, headers);
      res.end(sent);
    } catch {
      res.writeHead(404); res.end('not found');
    }
  });
  return new Promise((ok) => server.listen(port, host, () => ok({
    server, counted, url: `http://${host}:${server.address().port}`, close: () => new Promise((c) => server.close(c)),
  })));
}

// `node tests/page/server.mjs [dir] [port]`: serve the build, isolated, and print the URL.
if (import.meta.url === `file://${process.argv[1]}`) {
  const root = process.argv[2] || 'dist';
  const port = Number(process.argv[3] || 8080);
  const { url } = await serve({ root, port });
  console.log(`conpar is served (cross-origin isolated) at ${url}/`);
}
