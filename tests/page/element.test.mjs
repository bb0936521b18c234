// Page tests of the light element, <conpar-embed>, as a writer publishes it and readers meet it:
// the Embed dialog's element code for a recorded run, pasted into a post on another site
// (127.0.0.2 against conpar on 127.0.0.1), at phone and desktop widths with the CPU slowed 4×:
// the poster and the button at the frame's final size, no frame until the reader presses (by
// keyboard, or a tap), then the frame in the same place running the demo, and nothing moving;
// without script, a plain link to the run; and the animated GIF, for sites that take no frame.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve } from './server.mjs';
import { setUp, browser, site, openReader, embedCode } from './harness.mjs';
import { waitStatus, waitRun, violations } from './browser.mjs';
import { shifts } from './shift.mjs';

setUp({ site: { root: 'dist', site: true } });

const QUERY = '?preset=cpu&models=sequential,threads,processes&threads=2&processes=2';

let blog;
let code;
/// The element code of a recorded run, from the Embed dialog, and a post on another site that
/// pastes it twice (made once, by the first test that needs them).
async function published() {
  if (blog) return;
  code = await embedCode(QUERY, { run: true, recording: true, element: true });
  const post = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A post</title><link rel="icon" href="data:,"></head>
    <body style="margin:0 auto;max-width:720px;padding:0 8px"><main><h1>A post</h1><p>Before the demos.</p>${code}<p>Between them.</p>${code.replace('<script', '<!--').replace('</script>', '-->')}<p>After the demos.</p></main></body></html>`;
  blog = await serve({ root: 'dist', isolated: false, host: '127.0.0.2', extraRoutes: { '/post.html': () => post } });
}
after(() => blog?.close());

const described = (list) => list.map((e) => `${e.value.toFixed(4)} at ${e.at} ms: ${e.moved.join(' | ')}`).join('\n');

test('the Embed dialog gives the element: the recorded run, its poster, its height reserved, a link inside', async () => {
  await published();
  assert.match(code, /^<conpar-embed src="[^"]+embed=1#rec=[^"]+" title="conpar: [^"]+" height="(\d+)" poster="data:image\/svg\+xml,[^"]+" style="display:block;height:\1px"><a href="[^"]+#rec=[^"]+">[^<]+<\/a><\/conpar-embed>\n<script src="[^"]+\/embed\.js" defer><\/script>$/);
  console.log(`# the element's code: ${code.length} bytes, of which the poster ${code.match(/poster="([^"]+)"/)[1].length}`);
});

for (const [width, by] of [[360, 'tap'], [1280, 'keyboard']]) {
  test(`two elements in a post on another site at ${width} px with the CPU slowed 4×: poster first, the frame on a press (${by}), the run, and nothing moves`, async () => {
    await published();
    const { context, page, errors } = await openReader({ width, tap: by === 'tap' });
    try {
      await page.goto(`${blog.url}/post.html`);
      await page.waitForFunction(() => customElements.get('conpar-embed') && document.querySelectorAll('conpar-embed').length === 2);
      const height = Number(code.match(/height="(\d+)"/)[1]);
      const boxes = () => page.$$eval('conpar-embed', (els) => els.map((e) => Math.round(e.getBoundingClientRect().height)));
      assert.deepEqual(await boxes(), [height, height], 'each element stands at the frame\'s height');
      assert.equal(await page.$$eval('iframe', (f) => f.length), 0, 'no frame before a press');
      // The poster is drawn, and the button is there to press.
      const poster = await page.$eval('conpar-embed', (e) => {
        const img = e.shadowRoot.querySelector('img');
        return { loaded: img.complete && img.naturalWidth > 0, shown: img.getBoundingClientRect().height };
      });
      assert.ok(poster.loaded && poster.shown > 50, `the poster: ${JSON.stringify(poster)}`);
      const first = page.locator('conpar-embed').first();
      if (by === 'keyboard') {
        // From the text before it, one Tab reaches the element's button.
        await page.focus('body');
        await page.keyboard.press('Tab');
        assert.equal(await page.evaluate(() => document.activeElement.localName), 'conpar-embed');
        assert.match(await page.evaluate(() => document.activeElement.shadowRoot.activeElement.getAttribute('aria-label')), /^Load the demo: conpar: /);
        await page.keyboard.press('Enter');
      } else {
        await first.locator('button').tap();
      }
      await page.waitForSelector('conpar-embed iframe');
      assert.equal(await page.$$eval('iframe', (f) => f.length), 1, 'only the pressed element made its frame');
      const frame = await (await page.$('conpar-embed iframe')).contentFrame();
      await waitStatus(frame, ['done'], 90000);
      assert.equal(await frame.evaluate(() => Math.ceil(document.body.getBoundingClientRect().bottom + scrollY)), height, 'the frame\'s content is the element\'s height');
      await frame.click('#run');
      assert.equal(await waitRun(frame, 1, ['done', 'error'], 120000), 'done');
      assert.deepEqual(await boxes(), [height, height]);
      const moved = await shifts(page);
      console.log(`# ${width} px: layout shift in the post ${moved.score.toFixed(4)}`);
      assert.ok(moved.score <= 0.001, `the post moved ${moved.score.toFixed(4)}:\n${described(moved.list)}`);
      assert.deepEqual(await violations(page), []);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
}

test('without script, the element is a link to the run', async () => {
  await published();
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  try {
    await page.goto(`${blog.url}/post.html`);
    const link = await page.$eval('conpar-embed a', (a) => ({ href: a.href, shown: a.getBoundingClientRect().height > 0 }));
    assert.ok(link.shown);
    assert.match(link.href, /#rec=/);
    assert.doesNotMatch(link.href, /embed=1/, 'to the full playground');
  } finally {
    await context.close();
  }
});

test('every preset\'s animated GIF plays: 600 px wide, frames taken apart differ, under 2 MB; its encoder loads only when asked', async () => {
  const page = await browser.newPage();
  const loaded = [];
  page.on('request', (r) => loaded.push(new URL(r.url()).pathname));
  try {
    for (const [i, preset] of ['io', 'cpu', 'mixed', 'hog'].entries()) {
      await page.goto(`${site.url}/?preset=${preset}&threads=2&processes=2&run=1`);
      assert.equal(await waitRun(page, 1), 'done');
      if (i === 0) assert.ok(!loaded.some((p) => /gif/.test(p)), `loaded before asked: ${loaded.filter((p) => /gif/.test(p))}`);
      const gif = await page.evaluate(async () => {
        const bytes = await window.conpar.gif();
        const decoder = new ImageDecoder({ data: bytes, type: 'image/gif' });
        await decoder.tracks.ready;
        const track = decoder.tracks.selectedTrack;
        const frame = async (k) => {
          const { image } = await decoder.decode({ frameIndex: k });
          const canvas = new OffscreenCanvas(image.displayWidth, image.displayHeight);
          canvas.getContext('2d').drawImage(image, 0, 0);
          return { width: image.displayWidth, pixels: Array.from(canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data) };
        };
        const first = await frame(1);
        const last = await frame(track.frameCount - 1);
        let differ = 0;
        for (let p = 0; p < first.pixels.length; p += 4) if (first.pixels[p] !== last.pixels[p] || first.pixels[p + 2] !== last.pixels[p + 2]) differ += 1;
        return { size: bytes.length, frames: track.frameCount, repeats: track.repetitionCount, width: first.width, differ };
      });
      console.log(`# ${preset}: ${gif.frames} frames, ${gif.size} bytes`);
      assert.equal(gif.width, 600);
      assert.ok(gif.frames >= 5, `${preset}: ${gif.frames} frames`);
      assert.equal(gif.repeats, Infinity, `${preset} loops`);
      assert.ok(gif.differ > 1000, `${preset}: its frames differ in ${gif.differ} pixels`);
      assert.ok(gif.size <= 2 * 1024 * 1024, `${preset}: ${gif.size} bytes`);
    }
    assert.ok(loaded.includes('/gif.js') && loaded.includes('/gifenc.esm.js'));
  } finally {
    await page.close();
  }
});
