// Page tests of the site generators' integrations, each built with the real tool: the example
// site of the Hugo shortcode (integrations/hugo, built with Debian's hugo) and of the Eleventy
// shortcode (integrations/eleventy, built with @11ty/eleventy from npm), each post pointing at
// conpar on 127.0.0.1 and served from 127.0.0.2, another site. In each: the element's poster at
// its final size, the frame created on a press (a tap at 360 px, the keyboard at 1280 px, the
// CPU slowed 4×), the guess and the run inside it, the plain frame beside it at its height, and
// nothing moving.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from './server.mjs';
import { setUp, browser, site, openReader, embedCode } from './harness.mjs';
import { waitStatus, waitRun } from './browser.mjs';
import { shifts } from './shift.mjs';

setUp({ site: { root: 'dist', site: true } });

const ROOT = new URL('../../', import.meta.url).pathname;
const ELEMENT = '?preset=cpu&models=sequential,threads,processes&threads=2&processes=2&predict=1';
const FRAME = '?preset=io&models=sequential,async';
const work = mkdtempSync(join(tmpdir(), 'conpar-generators-'));
const blogs = {};
let heights;

/// The height the Embed dialog gives `query`'s live embed.
const heightOf = async (query) => Number((await embedCode(query)).match(/height="(\d+)"/)[1]);

/// The example post with conpar's address and the dialog's heights in it.
function filled(file) {
  const text = readFileSync(file, 'utf8')
    .replaceAll('CONPAR', site.url)
    .replace('HEIGHT2', String(heights.frame))
    .replace('HEIGHT', String(heights.element));
  writeFileSync(file, text);
}

/// Builds each example site as its writer would, beside the poster the writer saved (the
/// Embed dialog's animated SVG of their run).
async function build() {
  if (heights) return;
  heights = { element: await heightOf(ELEMENT), frame: await heightOf(FRAME) };
  const page = await browser.newPage();
  await page.goto(`${site.url}/${ELEMENT}&run=1`);
  assert.equal(await waitRun(page, 1), 'done');
  const poster = await page.evaluate(() => window.conpar.animatedSvg());
  await page.close();

  const hugo = join(work, 'hugo');
  cpSync(join(ROOT, 'integrations/hugo/example'), hugo, { recursive: true });
  cpSync(join(ROOT, 'integrations/hugo/layouts/shortcodes'), join(hugo, 'layouts/shortcodes'), { recursive: true });
  filled(join(hugo, 'content/posts/demo.md'));
  execFileSync('hugo', ['--quiet', '--source', hugo, '--destination', join(hugo, 'public')]);
  writeFileSync(join(hugo, 'public/conpar-poster.svg'), poster);

  const eleventy = join(work, 'eleventy');
  cpSync(join(ROOT, 'integrations/eleventy'), eleventy, { recursive: true });
  filled(join(eleventy, 'example/posts/demo.md'));
  execFileSync(join(ROOT, 'node_modules/.bin/eleventy'), ['--quiet', '--input=.', '--output=_site'], { cwd: join(eleventy, 'example') });
  writeFileSync(join(eleventy, 'example/_site/conpar-poster.svg'), poster);

  blogs.hugo = await serve({ root: join(hugo, 'public'), isolated: false, host: '127.0.0.2' });
  blogs.eleventy = await serve({ root: join(eleventy, 'example/_site'), isolated: false, host: '127.0.0.2' });
}
after(async () => {
  await Promise.all(Object.values(blogs).map((b) => b.close()));
  rmSync(work, { recursive: true, force: true });
});

const described = (list) => list.map((e) => `${e.value.toFixed(4)} at ${e.at} ms: ${e.moved.join(' | ')}`).join('\n');

for (const generator of ['hugo', 'eleventy']) {
  for (const [width, by] of [[360, 'tap'], [1280, 'keyboard']]) {
    test(`the ${generator} site's post, served from another site at ${width} px with the CPU slowed 4×: the element's poster, a press (${by}), the guess and the run; the frame beside it; nothing moves`, async () => {
      await build();
      const { context, page, errors } = await openReader({ width, tap: by === 'tap' });
      try {
        await page.goto(`${blogs[generator].url}/posts/demo/`);
        await page.waitForFunction(() => customElements.get('conpar-embed'));
        const box = () => page.$eval('conpar-embed', (e) => Math.round(e.getBoundingClientRect().height));
        assert.equal(await box(), heights.element);
        const poster = await page.$eval('conpar-embed', (e) => {
          const img = e.shadowRoot.querySelector('img');
          return img ? { loaded: img.complete && img.naturalWidth > 0, shown: img.getBoundingClientRect().height } : null;
        });
        assert.ok(poster?.loaded && poster.shown > 50, `the poster: ${JSON.stringify(poster)}`);
        // The frame the shortcode wrote as a frame is there at its height, and loads.
        // A live frame starts its workers once it is seen: the reader scrolls to it.
        const element = await page.$('iframe[title="conpar: eight downloads"]');
        await element.scrollIntoViewIfNeeded();
        const plain = await element.contentFrame();
        await waitStatus(plain, ['ready'], 90000);
        assert.equal(await plain.evaluate(() => Math.ceil(document.body.getBoundingClientRect().bottom + scrollY)), heights.frame);
        assert.equal(await page.$$eval('conpar-embed iframe', (f) => f.length), 0, 'no frame before the press');
        if (by === 'keyboard') {
          // The first thing Tab reaches in the post is the element's button.
          await page.focus('body');
          await page.keyboard.press('Tab');
          assert.equal(await page.evaluate(() => document.activeElement.localName), 'conpar-embed');
          await page.keyboard.press('Enter');
        } else {
          await page.locator('conpar-embed button').tap();
        }
        const frame = await (await page.waitForSelector('conpar-embed iframe')).contentFrame();
        await waitStatus(frame, ['ready'], 90000);
        assert.equal(await frame.evaluate(() => Math.ceil(document.body.getBoundingClientRect().bottom + scrollY)), heights.element);
        await frame.click('[data-choice="processes"]');
        await frame.click('#run');
        assert.equal(await waitRun(frame, 1, ['done', 'error'], 120000), 'done');
        assert.ok((await frame.evaluate(() => window.conpar.prediction())).answer, 'the run answered the guess');
        assert.equal(await box(), heights.element);
        const moved = await shifts(page);
        assert.ok(moved.score <= 0.001, `the post moved ${moved.score.toFixed(4)}:\n${described(moved.list)}`);
        assert.deepEqual(errors, []);
      } finally {
        await context.close();
      }
    });
  }
}

