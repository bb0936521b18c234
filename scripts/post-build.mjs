// Trunk post-build hook, two jobs:
// 1. No inline script: removes the loader trunk writes into index.html (conpar loads its module
//    with www/loader.js instead), so the site needs no 'unsafe-inline' in its
//    Content-Security-Policy; fails the build if any inline script or handler attribute remains.
//    It also drops trunk's preload of the module (see below).
// 2. Versioned names: trunk names the glue, the module and the stylesheet after their contents
//    (filehash); this points loader.js at those names and renames loader.js and boot.js after
//    their own contents (and turns.js), so every file the page loads has a name that changes when it does and
//    a host may let readers cache it for a year (www/_headers says which). The names a page
//    outside this site links to stay fixed: index.html, embed.js, coi-sw.js, post/.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.TRUNK_STAGING_DIR || 'dist';
const file = join(dir, 'index.html');
let html = readFileSync(file, 'utf8');
html = html.replace(/<script type="module">(?:(?!<\/script>)[\s\S])*?import init[\s\S]*?<\/script>\s*/g, '');
const inline = html.match(/<script(?![^>]*\bsrc=)[^>]*>/g) || [];
const handlers = html.match(/\son[a-z]+\s*=/gi) || [];
if (inline.length || handlers.length) {
  console.error(`${file} still has inline script (${inline.join(' ')}) or handler attributes (${handlers.join(' ')})`);
  process.exit(1);
}

// No preload of the module in the head: www/loader.js fetches it once the page has painted, so
// the page's text and layout do not wait behind 300 KiB of WebAssembly on a slow network.
html = html.replace(/<link rel="preload" href="[^"]*_bg\.wasm"[^>]*>/g, '');

// The stylesheet is checked by its integrity hash, which a browser can check only on a CORS
// request: in a frame sandboxed with allow-scripts alone (an opaque origin) a stylesheet without
// `crossorigin` is refused ("requires the request to be CORS enabled"). The site sends
// Access-Control-Allow-Origin (www/_headers).
html = html.replace(/<link rel="stylesheet" (?![^>]*crossorigin)([^>]*integrity=)/g, '<link rel="stylesheet" crossorigin="anonymous" $1');
if (!/<link rel="stylesheet" crossorigin="anonymous" href="\.\/style-/.test(html)) {
  console.error(`${file}: no stylesheet link to mark crossorigin`);
  process.exit(1);
}

const files = readdirSync(dir);
const one = (pattern, what) => {
  const found = files.filter((f) => pattern.test(f));
  if (found.length !== 1) {
    console.error(`expected one ${what} in ${dir}, found ${found.join(', ') || 'none'} (is filehash on in Trunk.toml?)`);
    process.exit(1);
  }
  return found[0];
};
const glue = one(/^conpar-[0-9a-f]+\.js$/, 'versioned glue (conpar-<hash>.js)');

// 3. The glue minified (wasm-bindgen writes it readable). Its name keeps the hash trunk gave
//    its source, which changes whenever it does. No modulepreload of it in the head either:
//    www/loader.js imports it at once in the page and only once an embed is in view, so the
//    embeds a post shows below the fold do not parse and run it as the post loads.
{
  const { minify } = await import('terser');
  const path = join(dir, glue);
  const source = readFileSync(path, 'utf8');
  const { code } = await minify(source, { module: true, compress: { passes: 2 }, mangle: true });
  writeFileSync(path, code);
  const preload = new RegExp(`<link rel="modulepreload" href="\\./${glue.replace('.', '\\.')}"[^>]*>\\s*`);
  if (!preload.test(html)) {
    console.error(`index.html has no modulepreload of ${glue} to remove`);
    process.exit(1);
  }
  html = html.replace(preload, '');
}
const wasm = one(/^conpar-[0-9a-f]+_bg\.wasm$/, 'versioned module (conpar-<hash>_bg.wasm)');

/// Renames `name` to `stem-<hash>.js` after its contents and points index.html at it.
function version(name, transform = (t) => t) {
  const text = transform(readFileSync(join(dir, name), 'utf8'));
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  const versioned = name.replace(/\.js$/, `-${hash}.js`);
  writeFileSync(join(dir, name), text);
  renameSync(join(dir, name), join(dir, versioned));
  const reference = new RegExp(`(src=")(?:\\./)?${name.replace('.', '\\.')}"`, 'g');
  if (!reference.test(html)) {
    console.error(`index.html does not load ${name}`);
    process.exit(1);
  }
  html = html.replace(reference, `$1${versioned}"`);
}

version('loader.js', (text) => {
  if (!text.includes("'./conpar.js'") || !text.includes("'./conpar_bg.wasm'")) {
    console.error('loader.js no longer names ./conpar.js and ./conpar_bg.wasm');
    process.exit(1);
  }
  return text.replaceAll("'./conpar.js'", `'./${glue}'`).replace("'./conpar_bg.wasm'", `'./${wasm}'`);
});
version('boot.js');
version('turns.js');
writeFileSync(file, html);
