// Page tests of the page, an embed, the example post and the Claims view as readers meet them:
// nothing moves while they load or across a run (layout shift, scored by the browser, at phone
// to desktop widths with the CPU slowed 4× as Lighthouse's mobile preset does), each embed of
// the post starts at the height it will have, and axe-core finds no violation, light and dark.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { setUp, browser, site, serveTemp } from './harness.mjs';
import { waitStatus, waitRun, pressDemos, violations } from './browser.mjs';
import { recordShifts, shifts, throttle } from './shift.mjs';

// Served as www/_headers serves the site (the post is published with it, dist/post/).
setUp({ site: { root: 'dist', isolated: true, headers: { 'Document-Isolation-Policy': 'isolate-and-require-corp' } } });

const WIDTHS = [360, 412, 700, 1280];
// The same bound at every width, for loading and for a whole run after it.
const MAX_SHIFT = 0.01;

/// The post's embeds as written in it: address and starting height.
const POST_EMBEDS = [...readFileSync(new URL('../../examples/post/index.html', import.meta.url), 'utf8')
  .matchAll(/<(?:iframe|conpar-embed) src="([^"]+)"[^>]* height="(\d+)"/g)]
  .map(([, src, height]) => ({ src: src.replace(/&amp;/g, '&'), height: Number(height) }));

const described = (list) => list.map((e) => `${e.value.toFixed(4)} at ${e.at} ms: ${e.moved.join(' | ')}`).join('\n');

/// Opens `path` at `width` with the CPU slowed 4×; `target` is the page or, for the post, its
/// first embed (scrolled to, as a reader would).
async function openSlowed(path, width) {
  const context = await browser.newContext({ viewport: { width, height: 800 } });
  await recordShifts(context);
  const page = await context.newPage();
  await throttle(page, 4);
  await page.goto(`${site.url}/${path}`);
  let target = page;
  if (path.startsWith('post/')) {
    // The post's demos are light elements: a reader presses the first.
    const demo = page.locator('conpar-embed').first();
    await demo.scrollIntoViewIfNeeded();
    await demo.locator('button').click();
    target = await (await page.waitForSelector('conpar-embed iframe')).contentFrame();
  }
  return { context, page, target };
}

for (const [name, path] of [
  ['the page', '?preset=mixed'],
  ['an embed', '?preset=cpu&models=sequential,gil,threads,processes&threads=4&processes=4&embed=1'],
  ['the post', 'post/'],
  // The cards are in the page before the module loads; a run fills its card's fixed box.
  ['the Claims view', '?claims=1&claim=gil-cpu'],
]) {
  test(`${name} does not move while it loads or across a run, at ${WIDTHS.join(', ')} px with the CPU slowed 4×`, async () => {
    for (const width of WIDTHS) {
      const { context, page, target } = await openSlowed(path, width);
      try {
        // The post's embeds open as the runs recorded in their links ('done' at once).
        await waitStatus(target, ['ready', 'done'], 90000);
        const load = await shifts(target, page);
        assert.ok(load.score <= MAX_SHIFT, `${name} at ${width} px moved ${load.score.toFixed(4)} while loading:\n${described(load.list)}`);
        await target.click('#run');
        assert.equal(await waitRun(target, 1, ['done', 'error'], 120000), 'done');
        const run = await shifts(target, page);
        assert.ok(run.score <= MAX_SHIFT, `${name} at ${width} px moved ${run.score.toFixed(4)} by the end of a run:\n${described(run.list)}`);
        if (target !== page) {
          const post = await shifts(page);
          assert.ok(post.score <= MAX_SHIFT, `the post around its embeds moved ${post.score.toFixed(4)} at ${width} px:\n${described(post.list)}`);
        }
      } finally {
        await context.close();
      }
    }
  });
}

// Issue 36: the picture first. Positions are read in the document (a run scrolls the page to
// its verdict), so "on the first screen" means above the fold at the top of the page.
test('the first screen holds the question, Run and the timeline, at 1280 × 800 and 390 × 844, before and after a run', async () => {
  for (const [width, height] of [[1280, 800], [390, 844]]) {
    const context = await browser.newContext({ viewport: { width, height } });
    const page = await context.newPage();
    try {
      await page.goto(`${site.url}/?preset=mixed`);
      await waitStatus(page, ['ready']);
      for (const when of ['ready', 'after its run']) {
        if (when !== 'ready') {
          await page.click('#run');
          assert.equal(await waitRun(page, 1), 'done');
        }
        const at = await page.evaluate(() => {
          const box = (selector) => {
            const r = document.querySelector(selector).getBoundingClientRect();
            return { top: r.top + scrollY, bottom: r.bottom + scrollY };
          };
          return { run: box('#run'), panel: box('#panels .panel'), models: box('fieldset.models'), preset: box('#preset') };
        });
        const where = `at ${width} × ${height} ${when}: ${JSON.stringify(at)}`;
        assert.ok(at.preset.top >= 0 && at.models.bottom <= height, `the workload and the models are not on the first screen ${where}`);
        assert.ok(at.run.top >= 0 && at.run.bottom <= height, `Run is not wholly on the first screen ${where}`);
        const fold = width >= 1280 ? height - 200 : height;
        assert.ok(at.panel.top < fold, `the first timeline panel starts at ${at.panel.top} px, below ${fold} ${where}`);
      }
      assert.equal(await page.evaluate(() => document.getElementById('settings').open), false, 'the settings stay closed');
    } finally {
      await context.close();
    }
  }
});

test('the Settings disclosure: closed by default, open when the address sets what it holds, and opened by keyboard', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  try {
    const page = await context.newPage();
    await page.goto(`${site.url}/?preset=mixed&chunksize=4`);
    // Open before the module has loaded: www/boot.js opens it as the parser reaches it.
    assert.equal(await page.evaluate(() => document.getElementById('settings').open), true);
    await waitStatus(page, ['ready']);
    assert.equal(await page.isVisible('#chunksize'), true);
    assert.equal(await page.inputValue('#chunksize'), '4');
    assert.match(await page.textContent('#settings-summary'), /6 threads · 2 processes · chunksize 4/);
    await page.goto(`${site.url}/?preset=mixed&threads=3&processes=2`);
    await waitStatus(page, ['ready']);
    assert.equal(await page.isVisible('#threads'), false, 'closed, though the pools are in the link');
    assert.equal(await page.textContent('#settings-summary'), '3 threads · 2 processes');
    await page.focus('#settings > summary');
    await page.keyboard.press('Enter');
    assert.equal(await page.isVisible('#threads'), true, 'Enter on the summary opens it');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'threads', 'the fields follow in the tab order');
  } finally {
    await context.close();
  }
});

test('every embed of the post starts at the height it has, before and after a run, at every width', async () => {
  assert.ok(POST_EMBEDS.length >= 4, `the post has ${POST_EMBEDS.length} embeds`);
  // The heights written in the post are the ones the Embed dialog gives for those scenarios.
  const page = await browser.newPage();
  for (const { src, height } of POST_EMBEDS) {
    const query = src.replace(/^\.\.\//, '').replace(/&embed=1/, '').replace(/&caption=[^&]*/, '');
    await page.goto(`${site.url}/${query}`);
    await waitStatus(page, ['ready', 'done']);
    await page.click('#embed-open');
    const code = await page.inputValue('#embed-code');
    assert.equal(Number(code.match(/height="(\d+)"/)[1]), height, `the post's height for ${src} is not the snippet's: ${code}`);
    await page.click('#embed-close');
  }
  await page.close();
  const body = (frame) => frame.evaluate(() => Math.ceil(document.body.getBoundingClientRect().bottom + scrollY));
  for (const width of WIDTHS) {
    const post = await browser.newPage({ viewport: { width, height: 900 } });
    try {
      await post.goto(`${site.url}/post/`);
      // Each light element stands at its frame's height before it is pressed.
      const standing = await post.$$eval('conpar-embed', (els) => els.map((e) => Math.round(e.getBoundingClientRect().height) - 2));
      assert.deepEqual(standing, POST_EMBEDS.map((e) => e.height), `the elements at ${width} px (their 1 px borders aside)`);
      const frames = await pressDemos(post);
      for (const [i, element] of frames.entries()) {
        await element.scrollIntoViewIfNeeded();
        const frame = await element.contentFrame();
        await waitStatus(frame, ['ready', 'done'], 90000);
        assert.equal(await body(frame), POST_EMBEDS[i].height, `embed ${i + 1} at ${width} px, before a run`);
        // The frame's inside (the post draws a border around it).
        const inside = await element.evaluate((f) => f.clientHeight);
        assert.equal(inside, POST_EMBEDS[i].height, `embed.js resized embed ${i + 1} at ${width} px`);
      }
      // One run: what it writes fits the room kept for it.
      const first = await frames[0].contentFrame();
      await frames[0].scrollIntoViewIfNeeded();
      await first.click('#run');
      assert.equal(await waitRun(first, 1), 'done');
      assert.equal(await body(first), POST_EMBEDS[0].height, `embed 1 at ${width} px, after a run`);
    } finally {
      await post.close();
    }
  }
});

for (const scheme of ['light', 'dark']) {
  test(`axe-core finds no violation in the page, an embed and the post, ${scheme}, after a run`, async () => {
    const context = await browser.newContext({ colorScheme: scheme, viewport: { width: 1280, height: 900 } });
    try {
      for (const path of ['?preset=mixed&threads=2&processes=2', '?preset=io&models=sequential,async,gil&threads=8&embed=1', 'post/', '?claims=1&claim=gil-cpu']) {
        const page = await context.newPage();
        await page.goto(`${site.url}/${path}`);
        let target = page;
        if (path.startsWith('post/')) {
          const [first] = await pressDemos(page);
          target = await first.contentFrame();
        }
        await waitStatus(target, ['ready', 'done']);
        await target.click('#run');
        assert.equal(await waitRun(target, 1), 'done');
        assert.deepEqual(await violations(page), [], `${path}, ${scheme}`);
        if (target !== page) assert.deepEqual(await violations(target), [], `${path}'s first embed, ${scheme}`);
        await page.close();
      }
    } finally {
      await context.close();
    }
  });
}

/// A blog that isolates nothing, serving the site too, with one embed of the post's `src` (its
/// `../` address) at `height`, text before and after it, and room to scroll past.
const blogOf = (src, height) => serveTemp({
  root: 'dist', isolated: false,
  extraRoutes: {
    '/blog.html': (req) => `<!doctype html><html><body style="margin:0"><p>Before the demo.</p>
      <iframe src="http://${req.headers.host}/${src.replace(/^\.\.\//, '')}" title="demo" width="100%" height="${height}" style="border:0;display:block"></iframe>
      <p>After the demo.</p><div style="height:3000px"></div><script src="/embed.js" defer></script></body></html>`,
  },
});

test('where fewer models can run than the snippet was sized for, the post does not jump: the frame shrinks once out of view', async () => {
  // The mixed embed of the post (five models), in a blog that isolates nothing: gil and threads
  // cannot run, so its content is two panels shorter than the height the snippet gives it.
  // Live, as a snippet without a recording gives it.
  const { src, height } = POST_EMBEDS.find((e) => e.src.includes('preset=mixed'));
  const blog = await blogOf(src.replace(/#rec=.*/, ''), height);
  const context = await browser.newContext({ viewport: { width: 412, height: 800 } });
  await recordShifts(context);
  const page = await context.newPage();
  try {
    await page.goto(`${blog.url}/blog.html`);
    const element = await page.$('iframe');
    const frame = await element.contentFrame();
    await waitStatus(frame, ['ready'], 90000);
    assert.equal(await frame.evaluate(() => crossOriginIsolated), false);
    const content = await frame.evaluate(() => Math.ceil(document.body.getBoundingClientRect().bottom));
    assert.ok(content < height - 100, `the frame's content is ${content} px against ${height}`);
    // Nothing disappears inside the frame when Run is pressed: the preview already had only
    // the models that run here.
    const panels = await frame.$$eval('.panel', (ps) => ps.map((p) => p.dataset.model));
    assert.deepEqual(panels, ['sequential', 'async', 'processes']);
    await frame.click('#run');
    assert.equal(await waitRun(frame, 1), 'done');
    assert.deepEqual(await frame.$$eval('.panel', (ps) => ps.map((p) => p.dataset.model)), panels);
    const inView = await shifts(page);
    assert.ok(inView.score <= MAX_SHIFT, `the post moved ${inView.score.toFixed(4)} with its embed in view:\n${described(inView.list)}`);
    assert.equal(await element.evaluate((f) => f.clientHeight), height, 'the frame shrank in view');
    // Scrolled past, the frame takes its content's height.
    await page.evaluate(() => window.scrollTo(0, 2500));
    await page.waitForFunction((h) => document.querySelector('iframe').clientHeight < h, height, { timeout: 10000 });
    assert.equal(await element.evaluate((f) => f.clientHeight), content);
  } finally {
    await context.close();
  }
});

test("the post's recorded mixed embed, in a blog that isolates nothing, shows all five models at its height, and Run on this device keeps them there", async () => {
  const { src, height } = POST_EMBEDS.find((e) => e.src.includes('preset=mixed'));
  assert.match(src, /#rec=/, 'the post embeds a recording');
  const blog = await blogOf(src, height);
  for (const width of [360, 1280]) {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    await recordShifts(context);
    const page = await context.newPage();
    await throttle(page, 4);
    try {
      await page.goto(`${blog.url}/blog.html`);
      const element = await page.$('iframe');
      const frame = await element.contentFrame();
      assert.equal(await waitStatus(frame, ['done', 'ready', 'error'], 90000), 'done');
      assert.equal(await frame.evaluate(() => crossOriginIsolated), false);
      const models = ['sequential', 'async', 'gil', 'threads', 'processes'];
      assert.deepEqual(await frame.$$eval('#panels .panel', (ps) => ps.map((p) => p.dataset.model)), models);
      assert.match(await frame.textContent('#env'), /^Recorded in Chrome \d+ on \d+ cores?, \d{4}-\d\d-\d\d; gil, threads and to_thread cannot run here\.$/);
      const content = () => frame.evaluate(() => Math.ceil(document.body.getBoundingClientRect().bottom));
      assert.equal(await content(), height, `at ${width} px`);
      await frame.click('#run');
      assert.equal(await waitRun(frame, 1), 'done');
      assert.deepEqual((await frame.evaluate(() => window.conpar.results())).map((r) => r.model), ['sequential', 'async', 'processes']);
      // The same five panels: this device's three, the recording's gil and threads, each saying so.
      assert.deepEqual(await frame.$$eval('#panels .panel', (ps) => ps.map((p) => p.dataset.model)), models);
      const stats = await frame.$$eval('#panels .panel-stat', (ps) => ps.map((p) => p.textContent));
      assert.match(stats[0], /· recorded \d/);
      assert.match(stats[2], /· recorded; cannot run here$/);
      assert.equal(await content(), height, `at ${width} px, after Run on this device`);
      const moved = await shifts(page);
      assert.ok(moved.score <= MAX_SHIFT, `the post moved ${moved.score.toFixed(4)} at ${width} px:\n${described(moved.list)}`);
    } finally {
      await context.close();
    }
  }
});
