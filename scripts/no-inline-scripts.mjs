// Trunk post-build hook: removes the inline loader script trunk writes into index.html (conpar
// loads its module with www/loader.js instead), so the site needs no 'unsafe-inline' in its
// Content-Security-Policy. Fails the build if any inline script or handler attribute remains.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const file = join(process.env.TRUNK_STAGING_DIR || 'dist', 'index.html');
let html = readFileSync(file, 'utf8');
// Trunk's loader: a module script that imports the glue and announces the start.
html = html.replace(/<script type="module">(?:(?!<\/script>)[\s\S])*?import init[\s\S]*?<\/script>\s*/g, '');
const inline = html.match(/<script(?![^>]*\bsrc=)[^>]*>/g) || [];
const handlers = html.match(/\son[a-z]+\s*=/gi) || [];
if (inline.length || handlers.length) {
  console.error(`${file} still has inline script (${inline.join(' ')}) or handler attributes (${handlers.join(' ')})`);
  process.exit(1);
}
writeFileSync(file, html);
