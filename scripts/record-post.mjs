// Records the post's runs: each embed of examples/post/index.html is run in the built site
// (dist/, isolated, headless Chromium) from its own address, and its iframe's address gets the
// recording of that run (`#rec=…`), so a reader sees the run the post describes at once and
// can measure on their own device with one click. A run the page flags as disturbed is run
// again (up to three times); if every try is disturbed, the last is kept, and its embed says
// so. Each demo is then written as a light element whose poster is its recording's picture
// (scripts/post-elements.mjs). Prints what it recorded. Usage: node scripts/record-post.mjs,
// after a release build; then rebuild, so dist/post/ has the new addresses.
import { readFileSync, writeFileSync } from 'node:fs';
import { serve } from '../tests/page/server.mjs';
import { launch, waitStatus } from '../tests/page/browser.mjs';
import { POST, withElements, withHeights } from './post-elements.mjs';

const site = await serve({ root: 'dist', isolated: true });
const browser = await launch();
let html = readFileSync(POST, 'utf8');
// Each demo's address, in the element's src (or a frame's) and, for an element, in its link.
const frames = [...html.matchAll(/<(?:iframe|conpar-embed) src="\.\.\/(\?[^"#]*)(#rec=[^"]*)?"/g)];
try {
  for (const [whole, query] of frames) {
    const address = query.replaceAll('&amp;', '&');
    let fragment, flagged;
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      const page = await browser.newPage({ viewport: { width: 700, height: 900 } });
      await page.goto(`${site.url}/${address}&run=1`);
      if (await waitStatus(page, ['done', 'error'], 180000) !== 'done') throw new Error(`${address}: ${await page.textContent('#status')}`);
      const results = await page.evaluate(() => window.conpar.results());
      const link = await page.evaluate(() => window.conpar.recording());
      await page.close();
      fragment = link.split('#rec=')[1];
      flagged = results.filter((r) => r.disturbed.length).map((r) => `${r.model}: ${r.disturbed.join('; ')}`);
      const walls = results.map((r) => `${r.model} ${r.wall_ms.toFixed(0)} ms`).join(', ');
      console.log(`${address}\n  try ${attempt}: ${walls}; ${fragment.length} characters${flagged.length ? `; flagged: ${flagged.join(' | ')}` : ''}`);
      if (!flagged.length) break;
    }
    const old = whole.match(/#rec=[^"]*/)?.[0];
    html = html.replace(whole, whole.replace(/ src="[^"]*"/, ` src="../${query}#rec=${fragment}"`));
    // The element's link to the playground carries the same recording.
    if (old) html = html.replace(`${old}">`, `#rec=${fragment}">`);
  }
  await browser.close();
  await site.close();
  // The posters are drawn from the new recordings.
  html = await withElements(html);
  writeFileSync(POST, html);
  const css = POST.replace('index.html', 'post.css');
  writeFileSync(css, withHeights(readFileSync(css, 'utf8'), html));
  console.log(`${frames.length} embeds recorded in ${POST}, each a light element with its poster`);
} finally {
  await browser.close().catch(() => {});
  await site.close().catch(() => {});
}
