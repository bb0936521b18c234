// Page tests of what a blogger publishes and what a newcomer sees first: the copied embed
// snippet in a post on another origin, forced themes, the preview before Run, a layout that
// holds still while a run fills it, and Stop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serve } from './server.mjs';
import { setUp, browser, site } from './harness.mjs';
import { waitStatus, waitRun } from './browser.mjs';

setUp({ site: { root: 'dist', isolated: true, headers: { 'Document-Isolation-Policy': 'isolate-and-require-corp' } } });

/// The snippet the Embed dialog copies for `query`.
async function snippet(query) {
  const page = await browser.newPage();
  await page.goto(`${site.url}/${query}`);
  await waitStatus(page, ['ready']);
  await page.click('#embed-open');
  const code = await page.inputValue('#embed-code');
  await page.close();
  return code;
}

for (const width of [390, 700]) {
  test(`the copied snippet, pasted into a post on another origin at ${width} px, shows every model without an inner scroll bar`, async () => {
    const code = await snippet('?preset=mixed&models=sequential,async,gil,threads,processes&threads=2&processes=2');
    // The playground's host sends Document-Isolation-Policy, as www/_headers does: Chromium
    // then isolates the embed inside the post, and all five models run.
    assert.match(code, /^<iframe src="[^"]+embed=1"[^>]*><\/iframe>\n<script src="[^"]+\/embed\.js" defer><\/script>$/);
    const blog = await serve({
      root: 'dist', isolated: false,
      extraRoutes: { '/post.html': () => `<!doctype html><html><body style="margin:0"><h1>A post</h1>${code}</body></html>` },
    });
    const page = await browser.newPage({ viewport: { width, height: 800 } });
    try {
      await page.goto(`${blog.url}/post.html`);
      const frame = await (await page.$('iframe')).contentFrame();
      await frame.waitForFunction(() => document.documentElement.dataset.status === 'ready', null, { timeout: 60000 });
      await frame.click('#run');
      assert.equal(await waitRun(frame, 1), 'done');
      // embed.js has sized the frame to its content (the frame is another origin: its height is
      // read inside it, the frame's from the post).
      const fits = async () => {
        const content = await frame.evaluate(() => document.documentElement.scrollHeight);
        const box = await page.$eval('iframe', (f) => f.getBoundingClientRect().height);
        return Math.abs(content - box) <= 2;
      };
      const until = Date.now() + 10000;
      while (!(await fits())) {
        assert.ok(Date.now() < until, 'embed.js never sized the frame to its content');
        await page.evaluate(() => new Promise((done) => requestAnimationFrame(done)));
      }
      const inner = await frame.evaluate(() => ({ scroll: document.documentElement.scrollHeight, client: document.documentElement.clientHeight, wide: document.documentElement.scrollWidth > innerWidth + 0.5 }));
      assert.ok(inner.scroll <= inner.client + 1, `the frame scrolls inside: ${inner.scroll} > ${inner.client}`);
      assert.equal(inner.wide, false, 'the frame scrolls sideways');
      const panels = await frame.$$eval('.panel', (ps) => ps.map((p) => p.dataset.model));
      assert.deepEqual(panels, ['sequential', 'async', 'gil', 'threads', 'processes']);
      assert.match(await frame.textContent('#caption'), /Mixed: 6 × fetch, parse, store, under sequential, async, gil, threads, processes/);
    } finally {
      await page.close();
      await blog.close();
    }
  });
}

for (const [theme, system, background, pixel] of [['dark', 'light', 'rgb(13, 17, 23)', [13, 17, 23, 255]], ['light', 'dark', 'rgb(255, 255, 255)', [255, 255, 255, 255]]]) {
  test(`theme=${theme} wins over a ${system} system scheme, in the page and on the canvas`, async () => {
    const context = await browser.newContext({ colorScheme: system });
    const page = await context.newPage();
    try {
      await page.goto(`${site.url}/?preset=io&models=async&theme=${theme}&embed=1&run=1`);
      assert.equal(await waitRun(page, 1), 'done');
      assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor), background);
      const corner = await page.evaluate(() => [...document.querySelector('canvas[data-model=async]').getContext('2d').getImageData(2, 2, 1, 1).data]);
      assert.deepEqual(corner, pixel);
    } finally {
      await context.close();
    }
  });
}

test('before Run, each panel shows its expected schedule, marked as not measured', async () => {
  const page = await browser.newPage();
  await page.goto(`${site.url}/?preset=io&models=sequential,async`);
  await waitStatus(page, ['ready']);
  // The preview paints a panel a frame while the page loads; data-drawn says when all are.
  await page.waitForFunction(() => document.getElementById('panels').classList.contains('preview')
    && document.getElementById('panels').dataset.drawn === 'all');
  assert.match(await page.textContent('.panel[data-model=sequential] .panel-stat'), /^expected ≈ 1\.60 s · not measured$/);
  assert.match(await page.textContent('.panel[data-model=async] .panel-stat'), /^expected ≈ 200 ms · not measured$/);
  assert.match(await page.textContent('#verdict'), /expected, not measured/);
  // Something is drawn: the expected waits, in the I/O colour.
  const drawn = await page.evaluate(() => {
    const c = document.querySelector('canvas[data-model=async]');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] === 0x56 && d[i + 1] === 0xb4 && d[i + 2] === 0xe9) n++;
    return n;
  });
  assert.ok(drawn > 100, `only ${drawn} pixels of expected waits`);
  await page.click('#run');
  assert.equal(await waitRun(page, 1), 'done');
  assert.equal(await page.evaluate(() => document.getElementById('panels').classList.contains('preview')), false);
  assert.doesNotMatch(await page.textContent('.panel[data-model=async] .panel-stat'), /expected/);
  await page.close();
});

test('the layout holds still while a run fills it, and Stop leaves no "running…"', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.addInitScript(() => {
    window.__shifts = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (!e.hadRecentInput) window.__shifts.push([e.startTime, e.value, document.documentElement.dataset.status]);
      }
    }).observe({ type: 'layout-shift', buffered: true });
  });
  await page.goto(`${site.url}/?preset=mixed&threads=2&processes=2&run=1`);
  assert.equal(await waitRun(page, 1), 'done');
  const during = await page.evaluate(() => window.__shifts.filter(([, , s]) => s === 'running').reduce((a, [, v]) => a + v, 0));
  console.log(`# cumulative layout shift while a run fills the page: ${during.toFixed(4)}`);
  assert.ok(during <= 0.01, `layout shift during the run: ${during}`);
  // Stop in the middle of a long run: every unfinished row says so, nothing says running.
  await page.fill('#workload', '4 x cpu 2000');
  await page.click('#run');
  await waitRun(page, 2, ['running']);
  await page.click('#stop');
  await waitStatus(page, ['ready', 'loading']);
  const rows = await page.textContent('#results-body');
  assert.doesNotMatch(rows, /running/i);
  assert.match(rows, /stopped/);
  await page.close();
});

test('an embed that shows no threaded model starts no thread pool, and its run is complete', async () => {
  const cdp = await browser.newBrowserCDPSession();
  const workers = new Set();
  cdp.on('Target.targetCreated', ({ targetInfo: t }) => { if (t.type === 'worker') workers.add(t.targetId); });
  await cdp.send('Target.setDiscoverTargets', { discover: true });
  const page = await browser.newPage();
  try {
    await page.goto(`${site.url}/?preset=mixed&models=sequential,async,processes&threads=6&processes=2&embed=1`);
    await waitStatus(page, ['ready']);
    // The conductor alone: no pool of 6 (the threads setting) for models that do not use it.
    assert.equal(workers.size, 1, `${workers.size} workers before any run`);
    await page.click('#run');
    assert.equal(await waitRun(page, 1), 'done');
    const r = await page.evaluate(() => window.conpar.results());
    assert.deepEqual(r.map((m) => m.model), ['sequential', 'async', 'processes']);
    assert.equal(new Set(r.map((m) => m.checksum)).size, 1);
    assert.deepEqual(r.filter((m) => m.disturbed.length).map((m) => m.disturbed), []);
    // forkserver's server (started in the run, as a program's first pool starts it), the two
    // processes, and nothing else.
    assert.equal(workers.size, 4);
  } finally {
    await page.close();
    await cdp.detach();
  }
});
