// Page tests where a blog really is: on a site of its own. conpar is served on 127.0.0.1 as a
// host reading its _headers would serve it, and the post on 127.0.0.2 — another *site*, so
// conpar's frames there are third-party (two ports of one address are one site, and hide all of
// this). Chromium as installed blocks third-party storage there (Web Locks, localStorage,
// IndexedDB and service workers throw in the frames), as Incognito windows and Brave do; a
// second Chromium allows it. Also: sandboxed frames, a reader who reads 20 s before scrolling,
// links mangled by prose and CMSs, and two playground tabs started together.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { serve } from './server.mjs';
import { setUp, browser, site } from './harness.mjs';
import { CHROMIUM, ARGS, waitStatus, waitRun, frames, pressDemos } from './browser.mjs';
import { recordShifts, shifts } from './shift.mjs';

setUp({ site: { root: 'dist', site: true } });

// The same Chromium with third-party storage allowed (as before Chrome's tracking protection).
let allowing;
let blog;
before(async () => {
  allowing = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...ARGS, '--disable-features=TrackingProtection3pcd'] });
  blog = await serve({ root: 'dist', isolated: false, host: '127.0.0.2', extraRoutes: routes() });
});
after(async () => {
  await allowing?.close();
  await blog?.close();
});

/// The blog's pages: the example post with its embeds pointing at conpar's site, and pages of
/// three live embeds and of sandboxed ones, each written when asked (conpar's port is known then).
function routes() {
  const post = readFileSync(new URL('../../examples/post/index.html', import.meta.url), 'utf8');
  const page = (body) => `<!doctype html><html><head><meta charset="utf-8"><title>A blog</title><link rel="icon" href="data:,"></head><body><h1>A post</h1>${body}<script src="${site.url}/embed.js"></script></body></html>`;
  const live = '?preset=cpu&amp;models=sequential,threads,processes&amp;threads=2&amp;processes=2&amp;embed=1&amp;run=1';
  return {
    '/post/': () => post.replaceAll('"../', `"${site.url}/`),
    '/three.html': () => page([1, 2, 3].map((i) => `<h2>Demo ${i}</h2><iframe src="${site.url}/${live}" width="600" height="520" style="border:0"></iframe>`).join('')),
    '/sandboxed.html': (req) => {
      const sandbox = new URL(req.url, 'http://x').searchParams.get('sandbox');
      return page(`<iframe id="demo" sandbox="${sandbox}" src="${site.url}/?preset=io&amp;models=sequential,async,processes&amp;processes=2&amp;embed=1&amp;run=1" width="600" height="500" style="border:0"></iframe>`);
    },
  };
}

/// Opens `path` of the blog in a fresh context of `b`, collecting console errors of every frame;
/// its light elements pressed (`press`), as a reader who wants every demo would.
async function openBlog(b, path, { width = 800, height = 900, shifts: record = false, press = true } = {}) {
  const context = await b.newContext({ viewport: { width, height } });
  if (record) await recordShifts(context);
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`${m.location().url}: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${blog.url}${path}`);
  if (press) await page.waitForFunction(() => !document.querySelector('conpar-embed') || customElements.get('conpar-embed'));
  const embeds = press ? await Promise.all((await pressDemos(page)).map((f) => f.contentFrame())) : [];
  return { page, embeds, errors, close: () => context.close() };
}

/// What this frame's browser lets it store: 'granted' or the error a Web Lock request met.
const lockState = (frame) => frame.evaluate(() => navigator.locks.request('conpar-probe', () => 'granted').catch((e) => e.name));

/// The fatal box's words, or null while it is hidden.
const fatal = (frame) => frame.evaluate(() => {
  const box = document.getElementById('fatal');
  return box.hidden ? null : box.textContent.trim();
});

test('the example post on another site, third-party storage blocked: every embed shows its recording, and Run on this device measures in each', async () => {
  const { page, embeds, errors, close } = await openBlog(browser, '/post/');
  try {
    assert.ok(embeds.length >= 7 && embeds.every(Boolean), `${embeds.length} embeds: ${embeds.map((f) => f && f.url())}`);
    for (const [i, frame] of embeds.entries()) {
      await (await frame.frameElement()).scrollIntoViewIfNeeded();
      const status = await waitStatus(frame, ['done', 'error'], 60000);
      assert.equal(await fatal(frame), null, `embed ${i + 1} failed`);
      assert.equal(status, 'done', `embed ${i + 1}: ${await frame.textContent('#status')}`);
      assert.equal(await frame.evaluate(() => document.documentElement.dataset.run || '0'), '0', 'a recording measures nothing');
      assert.ok((await frame.evaluate(() => window.conpar.results())).length >= 2, `embed ${i + 1} shows no recorded rows`);
    }
    // What makes this site third-party: the browser denies the frames their storage.
    assert.equal(await lockState(embeds[0]), 'SecurityError');
    for (const [i, frame] of embeds.entries()) {
      await (await frame.frameElement()).scrollIntoViewIfNeeded();
      await waitStatus(frame, ['done'], 30000);
      await frame.click('#run');
      assert.equal(await waitRun(frame, 1, ['done', 'error'], 120000), 'done', `embed ${i + 1}: ${await frame.textContent('#status')}`);
      const rows = await frame.evaluate(() => window.conpar.results());
      const here = rows.filter((r) => !r.recorded);
      assert.ok(here.length >= 2, `embed ${i + 1} measured ${here.length} models here`);
      assert.equal(new Set(here.map((r) => r.checksum)).size, 1, `embed ${i + 1}: the models disagree`);
    }
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

for (const [how, which] of [['blocked', () => browser], ['allowed', () => allowing]]) {
  test(`three live embeds on another site, started together, measure one at a time (third-party storage ${how})`, async () => {
    const { embeds, errors, close } = await openBlog(which(), '/three.html', { height: 2000 });
    try {
      assert.equal(embeds.length, 3);
      const statuses = await Promise.all(embeds.map((f) => waitRun(f, 1, ['done', 'error'], 120000)));
      assert.deepEqual(statuses, ['done', 'done', 'done']);
      assert.equal(await lockState(embeds[0]), how === 'blocked' ? 'SecurityError' : 'granted');
      const windows = [];
      for (const f of embeds) {
        const { start_epoch_ms: start, end_epoch_ms: end } = (await f.evaluate(() => window.conpar.trace())).otherData;
        assert.ok(start > 0 && end > start, `a run's wall-clock window: ${start}–${end}`);
        windows.push([start, end]);
        const r = await f.evaluate(() => window.conpar.results());
        const speed = (m) => r.find((x) => x.model === m).speedup.toFixed(2);
        console.log(`# ${how}: threads ${speed('threads')}×, processes ${speed('processes')}×`);
      }
      windows.sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < windows.length; i++) {
        assert.ok(windows[i][0] >= windows[i - 1][1], `two embeds measured at once: ${JSON.stringify(windows)}`);
      }
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });
}

test('a reader who reads the post for 20 s before scrolling meets no error, and nothing moves', async () => {
  const { page, errors, close } = await openBlog(browser, '/post/', { width: 412, height: 900, shifts: true, press: false });
  try {
    // Reading: the light elements stand at their frames' heights with their posters, and
    // nothing loads. The wait is the scenario (a reader), not a wait for a state.
    await page.waitForTimeout(20000);
    assert.equal(await page.$$eval('iframe', (f) => f.length), 0, 'no demo made its frame unasked');
    const bottom = await page.evaluate(() => document.documentElement.scrollHeight);
    for (let y = 0; y < bottom; y += 600) {
      await page.mouse.wheel(0, 600);
      await frames(page, 2);
    }
    // Then the reader presses every demo, one after another.
    const embeds = await Promise.all((await pressDemos(page)).map((f) => f.contentFrame()));
    assert.ok(embeds.length >= 7, `${embeds.length} demos`);
    for (const [i, frame] of embeds.entries()) {
      await (await frame.frameElement()).scrollIntoViewIfNeeded();
      assert.equal(await waitStatus(frame, ['done', 'error'], 60000), 'done', `embed ${i + 1}: ${await fatal(frame)}`);
      assert.equal(await fatal(frame), null, `embed ${i + 1}`);
    }
    const { score, list } = await shifts(page);
    assert.equal(score, 0, `the post moved: ${JSON.stringify(list)}`);
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

for (const sandbox of ['allow-scripts', 'allow-scripts allow-same-origin']) {
  test(`an embed in a frame sandboxed with "${sandbox}" on another site runs the models that need no isolation`, async () => {
    const { embeds: [frame], errors, close } = await openBlog(browser, `/sandboxed.html?sandbox=${encodeURIComponent(sandbox)}`);
    try {
      assert.equal(await waitRun(frame, 1, ['done', 'error'], 60000), 'done', `${await fatal(frame)} ${await frame.textContent('#status')}`);
      assert.equal(await frame.evaluate(() => window.origin), sandbox === 'allow-scripts' ? 'null' : new URL(site.url).origin);
      const r = await frame.evaluate(() => window.conpar.results());
      assert.deepEqual(r.map((m) => m.model), ['sequential', 'async', 'processes']);
      assert.equal(new Set(r.map((m) => m.checksum)).size, 1, 'the models disagree');
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });
}

test('links as writers and CMSs leave them: a recording followed by prose punctuation, and a snippet escaped twice', async () => {
  const post = readFileSync(new URL('../../examples/post/index.html', import.meta.url), 'utf8');
  const link = [...post.matchAll(/<(?:iframe|conpar-embed) src="\.\.\/([^"]+)"/g)].map((m) => m[1].replaceAll('&amp;', '&')).find((s) => s.includes('preset=io'));
  const context = await browser.newContext();
  try {
    for (const tail of [').', '.', '%22', '%3E']) {
      const page = await context.newPage();
      await page.goto(`${site.url}/${link.replace('embed=1&', '')}${tail}`);
      assert.equal(await waitStatus(page, ['done', 'ready', 'error']), 'done', `after ${tail}: ${await page.textContent('#notices')}`);
      assert.equal(await page.evaluate(() => document.documentElement.dataset.run || '0'), '0');
      assert.match(await page.textContent('#status'), /^Recorded in Chrome .*nothing was measured here/, `after ${tail}`);
      await page.close();
    }
    const page = await context.newPage();
    await page.goto(`${site.url}/?preset=cpu&amp;models=sequential,threads&amp;threads=2&amp;processes=2`);
    assert.equal(await waitStatus(page, ['ready', 'error']), 'ready');
    const checked = await page.$$eval('input[name=model]:checked', (boxes) => boxes.map((b) => b.value));
    assert.deepEqual(checked, ['sequential', 'threads']);
    assert.equal(await page.inputValue('#threads'), '2');
    await page.click('#run');
    assert.equal(await waitRun(page, 1), 'done');
    assert.match(await page.textContent('#notices'), /escaped twice/);
    assert.doesNotMatch(await page.textContent('#notices'), /unknown setting/);
    assert.doesNotMatch(page.url(), /amp;/, 'the address bar is mended');
    await page.close();
  } finally {
    await context.close();
  }
});

test('two playground tabs started together measure one at a time', async () => {
  const context = await browser.newContext();
  try {
    const url = `${site.url}/?preset=cpu&models=sequential,threads&threads=2&processes=2&run=1`;
    const tabs = await Promise.all([context.newPage(), context.newPage()]);
    await Promise.all(tabs.map((t) => t.goto(url)));
    assert.deepEqual(await Promise.all(tabs.map((t) => waitRun(t, 1, ['done', 'error'], 120000))), ['done', 'done']);
    const windows = (await Promise.all(tabs.map((t) => t.evaluate(() => window.conpar.trace().otherData))))
      .map((o) => [o.start_epoch_ms, o.end_epoch_ms]).sort((a, b) => a[0] - b[0]);
    assert.ok(windows[1][0] >= windows[0][1], `two tabs measured at once: ${JSON.stringify(windows)}`);
  } finally {
    await context.close();
  }
});
