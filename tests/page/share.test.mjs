// Page tests of sharing, embedding and exporting: the embed inside a blog page from another
// origin that is not isolated, lazy start, the isolation service worker, Document-Isolation-
// Policy, exports that parse, and a copied link that restores the scenario.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serve } from './server.mjs';
import { setUp, browser, site } from './harness.mjs';
import { waitStatus, openSettings } from './browser.mjs';

setUp();

/// A blog on its own origin (another port), not isolated, embedding `src` at 600x400.
async function blog(src, { spacer = 0 } = {}) {
  const parent = await serve({
    root: 'dist', isolated: false,
    extraRoutes: {
      '/post.html': () => `<!doctype html><html><body><h1>My post</h1><div style="height:${spacer}px"></div>
        <iframe id="demo" src="${src}" title="conpar demo" width="600" height="400" style="border:0"></iframe>
        <script src="${new URL(src).origin}/embed.js"></script></body></html>`,
    },
  });
  const page = await browser.newPage({ viewport: { width: 800, height: 600 } });
  await page.goto(`${parent.url}/post.html`);
  const frame = await (await page.$('#demo')).contentFrame();
  return { page, frame, close: async () => { await page.close(); await parent.close(); } };
}

const frameStatus = (frame, states, timeout = 60000) =>
  frame.waitForFunction((s) => s.includes(document.documentElement.dataset.status), states, { timeout })
    .then(() => frame.evaluate(() => document.documentElement.dataset.status));

test('embedded in a non-isolated blog on another origin: says so, runs the fallback models, sizes itself', async () => {
  const plain = await serve({ root: 'dist', isolated: false });
  const { page, frame, close } = await blog(`${plain.url}/?preset=mixed&workers=2&embed=1&run=1`);
  try {
    assert.equal(await frameStatus(frame, ['done', 'error']), 'done');
    assert.equal(await frame.evaluate(() => crossOriginIsolated), false);
    assert.match(await frame.textContent('#env'), /not cross-origin isolated/i);
    const r = await frame.evaluate(() => window.conpar.results());
    assert.deepEqual(r.map((m) => m.model), ['sequential', 'async', 'processes']);
    assert.equal(new Set(r.map((m) => m.checksum)).size, 1);
    assert.match(await frame.textContent('#notices'), /gil is unavailable here/);
    assert.match(await frame.textContent('#notices'), /threads is unavailable here/);
    // The compact view: Run, the verdict, the timeline, links out; no editor.
    assert.equal(await frame.isVisible('#run'), true);
    assert.equal(await frame.isVisible('#workload'), false);
    // The embed's two lines name the winner; the whole verdict is its tooltip, and the
    // fallback's credits what really overlapped, never 'nothing could overlap'.
    assert.match(await frame.textContent('#verdict'), /^\w+ was fastest, \d+\.\d× faster than sequential\.$/);
    assert.match(await frame.getAttribute('#verdict', 'title'), /was fastest, .* faster than sequential: its waits overlapped/);
    assert.equal(await frame.isVisible('#open-tab'), true, 'no offer of an isolated tab');
    const tab = await frame.getAttribute('#open-tab', 'href');
    assert.ok(tab.startsWith(plain.url) && !tab.includes('embed=1'));
    assert.equal(await frame.isVisible('#full-link'), true);
    // The embed reported its height and embed.js applied it.
    await page.waitForFunction(() => document.getElementById('demo').style.height !== '');
    const height = await page.evaluate(() => parseInt(document.getElementById('demo').style.height, 10));
    const content = await frame.evaluate(() => Math.ceil(document.body.getBoundingClientRect().bottom + scrollY));
    assert.ok(Math.abs(height - content) <= 2, `iframe ${height}px for content of ${content}px`);
    assert.ok(await frame.evaluate(() => document.documentElement.scrollWidth <= 600), 'the embed scrolls sideways at 600 px');
  } finally {
    await close();
    await plain.close();
  }
});

test('with Document-Isolation-Policy the same embed is isolated and runs all five models', async () => {
  const dip = await serve({ root: 'dist', isolated: false, headers: { 'Document-Isolation-Policy': 'isolate-and-require-corp' } });
  const { frame, close } = await blog(`${dip.url}/?preset=mixed&workers=2&embed=1&run=1`);
  try {
    assert.equal(await frameStatus(frame, ['done', 'error']), 'done');
    assert.equal(await frame.evaluate(() => crossOriginIsolated), true);
    const r = await frame.evaluate(() => window.conpar.results());
    assert.equal(r.length, 5);
  } finally {
    await close();
    await dip.close();
  }
});

test('an embed starts no workers until it scrolls into view', async () => {
  // Every worker any page of this browser starts, from now on.
  const cdp = await browser.newBrowserCDPSession();
  const workers = new Set();
  cdp.on('Target.targetCreated', ({ targetInfo: t }) => { if (t.type === 'worker') workers.add(t.targetId); });
  await cdp.send('Target.setDiscoverTargets', { discover: true });
  const { page, frame, close } = await blog(`${site.url}/?preset=io&models=async&embed=1`, { spacer: 3000 });
  try {
    // The embed has settled into waiting for the reader (the state it says), and nothing runs.
    await frame.waitForFunction(() => /comes into view/.test(document.getElementById('status').textContent));
    assert.equal(await frame.evaluate(() => document.documentElement.dataset.status), 'loading');
    assert.equal(workers.size, 0, `${workers.size} workers started before the embed was in view`);
    await page.evaluate(() => document.getElementById('demo').scrollIntoView());
    assert.equal(await frameStatus(frame, ['ready', 'error']), 'ready');
    await frame.click('#run');
    assert.equal(await frameStatus(frame, ['done', 'error']), 'done');
    assert.ok(workers.size >= 1, 'in view, its conductor started');
  } finally {
    await close();
    await cdp.detach();
  }
});

test('on a host without headers, the service worker isolates the page after one reload', async () => {
  const plain = await serve({ root: 'dist', isolated: false });
  const page = await browser.newPage();
  // Document requests of the top frame (history.replaceState is not one, a reload is).
  let loads = 0;
  page.on('request', (r) => { if (r.isNavigationRequest() && r.frame() === page.mainFrame()) loads++; });
  try {
    await page.goto(`${plain.url}/?preset=cpu&models=gil,threads&workers=2&run=1`);
    await page.waitForFunction(() => crossOriginIsolated, null, { timeout: 30000 });
    assert.equal(await waitStatus(page, ['done', 'error'], 60000), 'done');
    assert.equal((await page.evaluate(() => window.conpar.results())).length, 2);
    // This document is the reload (the first load registered the worker and reloaded once).
    assert.equal(await page.evaluate(() => performance.getEntriesByType('navigation')[0].type), 'reload');
    assert.equal(loads, 2, `${loads} page loads: the page should reload exactly once`);
  } finally {
    await page.close();
    await plain.close();
  }
});

test('exports: trace, SVG, PNG, CSV and JSON download and parse', async () => {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  try {
    await page.goto(`${site.url}/?preset=mixed&models=sequential,gil&workers=2&run=1`);
    assert.equal(await waitStatus(page, ['done', 'error']), 'done');
    const get = async (kind) => {
      await page.click('#export-menu summary');
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(`[data-export=${kind}]`)]);
      const chunks = [];
      for await (const c of await download.createReadStream()) chunks.push(c);
      return { name: download.suggestedFilename(), body: Buffer.concat(chunks) };
    };
    const trace = await get('trace');
    assert.equal(trace.name, 'conpar-trace.json');
    const events = JSON.parse(trace.body.toString()).traceEvents;
    assert.ok(events.some((e) => e.ph === 'M' && e.name === 'process_name' && e.args.name === 'gil'));
    assert.ok(events.filter((e) => e.ph === 'X').every((e) => typeof e.ts === 'number' && e.dur >= 0 && e.pid >= 1));
    const svg = await get('svg');
    const text = svg.body.toString();
    assert.match(text, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.equal((text.match(/<rect class="cpu"/g) || []).length, events.filter((e) => e.ph === 'X' && e.cat === 'cpu').length);
    const png = await get('png');
    assert.deepEqual([...png.body.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.ok(png.body.length > 5000);
    const csv = (await get('csv')).body.toString().trim().split('\n');
    assert.equal(csv.length, 3);
    assert.match(csv[0], /^model,wall_ms,speedup/);
    assert.match(csv[2], /^gil,/);
    const json = JSON.parse((await get('json')).body.toString());
    assert.deepEqual(json.map((r) => r.model), ['sequential', 'gil']);
    assert.deepEqual(json, await page.evaluate(() => window.conpar.results()));
  } finally {
    await context.close();
  }
});

test('Copy link copies a URL that restores the same scenario', async () => {
  const context = await browser.newContext();
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: site.url });
  const page = await context.newPage();
  try {
    await page.goto(`${site.url}/?preset=io`);
    await waitStatus(page, ['ready']);
    await page.fill('#workload', '5 x io 30, cpu 3');
    await page.uncheck('input[name=model][value=processes]');
    await openSettings(page);
    await page.fill('#seed', '9');
    await page.dispatchEvent('#seed', 'change');
    await page.click('#copy-link');
    await page.waitForFunction(() => /Link copied/.test(document.getElementById('notices').textContent));
    const link = await page.evaluate(() => navigator.clipboard.readText());
    assert.ok(!link.includes('embed=1'));
    const other = await context.newPage();
    await other.goto(link);
    await waitStatus(other, ['ready']);
    assert.equal(await other.inputValue('#workload'), '5 x io 30, cpu 3');
    assert.equal(await other.inputValue('#seed'), '9');
    assert.equal(await other.isChecked('input[name=model][value=processes]'), false);
    assert.equal(await other.isChecked('input[name=model][value=gil]'), true);
  } finally {
    await context.close();
  }
});

test('the embed dialog writes an iframe with a title, a size and lazy loading', async () => {
  const page = await browser.newPage();
  try {
    await page.goto(`${site.url}/?preset=cpu&models=sequential,threads`);
    await waitStatus(page, ['ready']);
    await page.click('#embed-open');
    assert.equal(await page.isVisible('#embed-dialog'), true);
    const code = await page.inputValue('#embed-code');
    assert.match(code, /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/\?preset=cpu&amp;models=sequential,threads&amp;threads=\d+&amp;processes=\d+&amp;embed=1"/);
    assert.match(code, /title="conpar: [^"]+"/);
    assert.match(code, /loading="lazy"/);
    assert.match(code, /height="\d+"/);
    await page.keyboard.press('Escape');
    assert.equal(await page.isVisible('#embed-dialog'), false);
  } finally {
    await page.close();
  }
});
