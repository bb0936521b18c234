// Writes the example post's demos as light elements: each embed of examples/post/index.html (a
// frame, or an element already) becomes <conpar-embed> with its recording, its height and its
// title as they are, and a poster drawn from its recording: the recording is opened in the
// built site (dist/) and the Embed dialog's element code for it is read, so the poster is the
// same picture the dialog gives a writer, saved as a file in examples/post/posters/. Nothing is measured. Usage: node
// scripts/post-elements.mjs, after a release build (scripts/record-post.mjs runs it after
// recording); then rebuild, so dist/post/ has them.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { serve } from '../tests/page/server.mjs';
import { launch, waitStatus } from '../tests/page/browser.mjs';

export const POST = 'examples/post/index.html';

/// Every demo of the post: the whole tag, its address (after `../`), title and height.
export function demos(html) {
  return [...html.matchAll(/<iframe src="\.\.\/([^"]+)" title="([^"]+)"[^>]*? height="(\d+)"[^>]*><\/iframe>|<conpar-embed src="\.\.\/([^"]+)" title="([^"]+)" height="(\d+)"[\s\S]*?<\/conpar-embed>/g)]
    .map((m) => ({ whole: m[0], src: m[1] || m[4], title: m[2] || m[5], height: Number(m[3] || m[6]) }));
}

/// `html` with every demo as an element whose poster is its recording's picture.
export async function withElements(html) {
  const site = await serve({ root: 'dist', isolated: true });
  const browser = await launch();
  try {
    for (const demo of demos(html)) {
      const address = demo.src.replaceAll('&amp;', '&');
      if (!address.includes('#rec=')) throw new Error(`${address}: no recording to draw a poster from`);
      const page = await browser.newPage();
      await page.goto(`${site.url}/${address.replace('&embed=1', '')}`);
      if (await waitStatus(page, ['done', 'error'], 60000) !== 'done') throw new Error(`${address}: ${await page.textContent('#status')}`);
      await page.click('#embed-open');
      await page.check('#embed-recording');
      await page.check('#embed-as-element');
      const code = await page.inputValue('#embed-code');
      await page.close();
      const poster = code.match(/ poster="([^"]+)"/)?.[1];
      const height = Number(code.match(/ height="(\d+)"/)?.[1]);
      // A demo that asks its readers to guess first has no poster: it would be the answer.
      const asks = /[?&]predict=1/.test(address);
      if (!poster && !asks) throw new Error(`${address}: the dialog gave no poster`);
      if (poster && asks) throw new Error(`${address}: the dialog gave a poster to a demo that asks`);
      if (height !== demo.height) throw new Error(`${address}: the dialog's height ${height} is not the post's ${demo.height}`);
      const link = demo.src.replace('&amp;embed=1', '');
      // The poster as a file beside the post (the dialog's data: address, decoded): the page
      // stays small, and a poster far below the screen is fetched only as the reader nears it.
      let file = null;
      if (poster) {
        file = `posters/${demo.src.match(/[?&](claim|preset)=([a-z-]+)/).slice(1).join('-')}.svg`;
        mkdirSync(join(dirname(POST), 'posters'), { recursive: true });
        writeFileSync(join(dirname(POST), file), decodeURIComponent(poster.replace(/^data:image\/svg\+xml,/, '').replaceAll('&amp;', '&').replaceAll('&quot;', '"')));
      }
      const element = `<conpar-embed src="../${demo.src}" title="${demo.title}" height="${demo.height}"${file ? ` poster="${file}"` : ''} style="display:block;height:${demo.height}px"><a href="../${link}">${demo.title.replace(/^conpar: /, '')} (opens the demo)</a></conpar-embed>`;
      html = html.replace(demo.whole, element);
      console.log(`${address.split('#')[0]}: ${file ? `poster ${file}` : 'no poster (it asks first)'}`);
    }
    return html;
  } finally {
    await browser.close();
    await site.close();
  }
}

/// The post's stylesheet with a rule for each demo's height (the post's Content-Security-Policy
/// allows no style attribute, so the snippet's own would not reserve it).
export function withHeights(css, html) {
  const heights = [...new Set(demos(html).map((d) => d.height))].sort((a, b) => a - b);
  const rules = heights.map((h) => `conpar-embed[height="${h}"] { height: ${h}px; }`).join('\n');
  return css.replace(/\/\* heights: \*\/[\s\S]*?\/\* end of heights \*\//, `/* heights: */\n${rules}\n/* end of heights */`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const html = await withElements(readFileSync(POST, 'utf8'));
  writeFileSync(POST, html);
  const css = POST.replace('index.html', 'post.css');
  writeFileSync(css, withHeights(readFileSync(css, 'utf8'), html));
  console.log(`the demos of ${POST} are light elements`);
}
