// The core page scenarios in Firefox ESR or WebKitGTK (ENGINE=firefox|webkit): the presets with
// all five models, the automation contract, Stop, a bad workload, the embed in a blog that is
// not isolated, and (WebKit) the precise message when a browser gives no SharedArrayBuffer.
// The full suite runs in Chromium (tests/page/).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { By } from 'selenium-webdriver';
import { serve } from '../page/server.mjs';
import { ENGINE, launch, waitStatus, waitRun, until, js } from './driver.mjs';

let browser, site, plain;
before(async () => {
  browser = await launch();
  site = await serve({ root: 'dist', isolated: true });
  plain = await serve({ root: 'dist', isolated: false });
});
after(async () => {
  await browser?.quit();
  await site?.close();
  await plain?.close();
});

const results = (driver) => js(driver, 'return window.conpar.results();');
const trace = (driver) => js(driver, 'return window.conpar.trace();');

for (const preset of ['io', 'cpu', 'mixed']) {
  test(`${ENGINE}: the ${preset} preset runs all five models, which agree, and the trace says what ran`, async () => {
    const { driver } = browser;
    await driver.get(`${site.url}/?preset=${preset}&threads=2&processes=2&run=1`);
    assert.equal(await waitRun(driver, 1), 'done', await js(driver, 'return document.getElementById("status").textContent'));
    assert.equal(await js(driver, 'return crossOriginIsolated;'), true);
    const r = await results(driver);
    assert.deepEqual(r.map((m) => m.model), ['sequential', 'async', 'gil', 'threads', 'processes']);
    assert.equal(new Set(r.map((m) => m.checksum)).size, 1, 'the models disagree');
    assert.ok(r.every((m) => m.wall_ms > 0 && m.speedup > 0));
    const t = await trace(driver);
    const names = t.traceEvents.filter((e) => e.ph === 'M' && e.name === 'process_name').map((e) => e.args.name);
    assert.deepEqual(names, r.map((m) => m.model));
    const spans = t.traceEvents.filter((e) => e.ph === 'X');
    assert.ok(spans.length >= 5 * 8, 'every step is a span');
    assert.ok(spans.every((e) => e.dur >= 0 && typeof e.ts === 'number' && ['cpu', 'io', 'lock-wait', 'spawn', 'copy'].includes(e.cat)));
    // What each model means, from its own trace: GIL threads never compute at once.
    const gilPid = t.traceEvents.find((e) => e.name === 'process_name' && e.args.name === 'gil').pid;
    const gilCpu = spans.filter((e) => e.pid === gilPid && e.cat === 'cpu').map((e) => [e.ts, e.ts + e.dur]).sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < gilCpu.length; i++) assert.ok(gilCpu[i][0] >= gilCpu[i - 1][1] - 0.001, 'two GIL threads computed at once');
  });
}

test(`${ENGINE}: Stop ends a run at once and the next run works`, async () => {
  const { driver } = browser;
  await driver.get(`${site.url}/?workload=4+x+cpu+2000&models=sequential&run=1`);
  await waitRun(driver, 1, ['running', 'done', 'error']);
  const status = await js(driver, 'document.getElementById("stop").click(); return document.documentElement.dataset.status;');
  assert.notEqual(status, 'running');
  assert.equal(await waitStatus(driver, ['ready'], 30000), 'ready');
  await js(driver, 'const t = document.getElementById("workload"); t.value = "cpu 20"; t.dispatchEvent(new Event("input")); document.getElementById("run").click();');
  assert.equal(await waitRun(driver, 2), 'done');
});

test(`${ENGINE}: a bad workload shows its line and column and runs nothing`, async () => {
  const { driver } = browser;
  await driver.get(`${site.url}/?workload=io+50%0Acpu+fast&run=1`);
  assert.equal(await waitStatus(driver, ['error', 'done']), 'error');
  const message = await driver.findElement(By.id('workload-error')).getText();
  assert.match(message, /Line 2, column 5: expected a duration/);
  assert.equal(await js(driver, 'return document.documentElement.dataset.run || "0";'), '0');
});

/// A blog on another site (127.0.0.2, conpar on 127.0.0.1: a third-party frame, as on a blog
/// of its own), not isolated, embedding the site (not isolated either) at `query` `height` px
/// tall; `driver` is switched into the embed's frame.
async function blogInFrame(driver, query, height) {
  const blog = await serve({
    root: 'dist', isolated: false, host: '127.0.0.2',
    extraRoutes: {
      '/post.html': () => `<!doctype html><html><body><h1>My post</h1>
        <iframe id="demo" src="${plain.url}/${query}" title="conpar demo" width="600" height="${height}" style="border:0"></iframe>
        <script src="${plain.url}/embed.js"></script></body></html>`,
    },
  });
  await driver.get(`${blog.url}/post.html`);
  await driver.switchTo().frame(await driver.findElement(By.id('demo')));
  return blog;
}

test(`${ENGINE}: embedded in a blog on another site that is not isolated, it runs what it can`, async () => {
  const { driver } = browser;
  const blog = await blogInFrame(driver, '?preset=mixed&threads=2&processes=2&embed=1&run=1', 400);
  try {
    assert.equal(await waitRun(driver, 1), 'done');
    assert.equal(await js(driver, 'return crossOriginIsolated;'), false);
    const r = await results(driver);
    assert.deepEqual(r.map((m) => m.model), ['sequential', 'async', 'processes']);
    assert.equal(new Set(r.map((m) => m.checksum)).size, 1);
    assert.match(await driver.findElement(By.id('env')).getText(), /not cross-origin isolated/);
    await driver.switchTo().defaultContent();
    // embed.js sized the frame from the height the embed reported.
    await until(driver, () => document.getElementById('demo').style.height !== '');
  } finally {
    await driver.switchTo().defaultContent();
    await blog.close();
  }
});

test(`${ENGINE}: the post's recorded mixed embed, in a blog on another site that is not isolated, shows all five models without running, and Run on this device adds what runs here`, async () => {
  const { driver } = browser;
  const post = readFileSync(new URL('../../examples/post/index.html', import.meta.url), 'utf8');
  const src = [...post.matchAll(/<(?:iframe|conpar-embed) src="\.\.\/([^"]+)"/g)].map((m) => m[1].replaceAll('&amp;', '&')).find((s) => s.includes('preset=mixed'));
  assert.match(src, /#rec=/, 'the post embeds a recording');
  const blog = await blogInFrame(driver, src, 918);
  try {
    assert.equal(await waitStatus(driver, ['done', 'ready', 'error']), 'done', await js(driver, 'return document.getElementById("status").textContent'));
    assert.equal(await js(driver, 'return crossOriginIsolated;'), false);
    assert.equal(await js(driver, 'return document.documentElement.dataset.run || null;'), null, 'nothing ran here');
    const five = ['sequential', 'async', 'gil', 'threads', 'processes'];
    assert.deepEqual((await results(driver)).map((m) => m.model), five);
    assert.deepEqual(await js(driver, 'return [...document.querySelectorAll("#panels .panel")].map((p) => p.dataset.model);'), five);
    assert.match(await driver.findElement(By.id('env')).getText(), /^Recorded in Chrome \d+ on \d+ cores?, .*gil, threads and to_thread cannot run here/);
    await driver.findElement(By.id('run')).click();
    assert.equal(await waitRun(driver, 1), 'done');
    assert.deepEqual((await results(driver)).map((m) => m.model), ['sequential', 'async', 'processes']);
    assert.deepEqual(await js(driver, 'return [...document.querySelectorAll("#panels .panel")].map((p) => p.dataset.model);'), five);
    const stats = await js(driver, 'return [...document.querySelectorAll("#panels .panel-stat")].map((p) => p.textContent);');
    assert.match(stats[2], /recorded; cannot run here$/);
  } finally {
    await driver.switchTo().defaultContent();
    await blog.close();
  }
});

// Firefox (Chromium's is in tests/page/recording.test.mjs). Not asserted in WebKitGTK: its
// WebDriver's element screenshots of the image come back blank here, before and after alike.
test(`${ENGINE}: the animated SVG of a run plays inside an <img>`, { skip: ENGINE !== 'firefox' }, async () => {
  const { driver } = browser;
  await driver.get(`${site.url}/?preset=io&models=sequential,async&run=1`);
  assert.equal(await waitRun(driver, 1), 'done');
  const loaded = await driver.executeAsyncScript(`const done = arguments[arguments.length - 1];
    const img = new Image();
    img.id = 'animated';
    img.alt = 'timeline';
    img.onload = () => done(img.naturalWidth);
    img.onerror = () => done(0);
    img.src = URL.createObjectURL(new Blob([window.conpar.animatedSvg()], { type: 'image/svg+xml' }));
    document.body.prepend(img);`);
  assert.ok(loaded > 0, 'the SVG did not load as an image');
  const element = await driver.findElement(By.id('animated'));
  // Pictures are taken until one differs (the run lasts 1.6 s), for at most 40 tries.
  const first = await element.takeScreenshot();
  let moved = false;
  for (let i = 0; i < 40 && !moved; i += 1) moved = (await element.takeScreenshot()) !== first;
  assert.ok(moved, 'the picture did not move');
});

if (ENGINE === 'webkit') {
  test('webkit without SharedArrayBuffer: says exactly that, and runs the three models that need none', async () => {
    const bare = await launch({ sharedArrayBuffer: false });
    try {
      const { driver } = bare;
      await driver.get(`${site.url}/?preset=mixed&processes=2&run=1`);
      assert.equal(await waitRun(driver, 1, ['done', 'error']), 'done');
      assert.equal(await js(driver, 'return crossOriginIsolated;'), true, 'the page is isolated');
      assert.equal(await js(driver, 'return typeof SharedArrayBuffer;'), 'undefined');
      const env = await driver.findElement(By.id('env')).getText();
      assert.match(env, /this browser gives no SharedArrayBuffer, even though the page is cross-origin isolated/);
      assert.doesNotMatch(env, /not cross-origin isolated/);
      const title = await driver.findElement(By.css('input[name=model][value=gil]')).getAttribute('title');
      assert.match(title, /no SharedArrayBuffer/);
      const r = await results(driver);
      assert.deepEqual(r.map((m) => m.model), ['sequential', 'async', 'processes']);
      assert.equal(new Set(r.map((m) => m.checksum)).size, 1);
    } finally {
      await bare.quit();
    }
  });
}

test(`${ENGINE}: outside isolation, limit=3 keeps three async tasks in flight and chunksize=4 keeps a chunk in one process`, async () => {
  const { driver } = browser;
  // coi=0: no isolation service worker, so the page stays as its host serves it.
  await driver.get(`${plain.url}/?workload=12+x+io+30,+cpu+2&models=async,processes&processes=2&limit=3&chunksize=4&coi=0&run=1`);
  assert.equal(await waitRun(driver, 1), 'done', await js(driver, 'return document.getElementById("status").textContent'));
  assert.equal(await js(driver, 'return crossOriginIsolated;'), false);
  const t = await trace(driver);
  const pidOf = (model) => t.traceEvents.find((e) => e.ph === 'M' && e.name === 'process_name' && e.args.name === model).pid;
  const spans = t.traceEvents.filter((e) => e.ph === 'X');
  const async = spans.filter((e) => e.pid === pidOf('async'));
  const queued = async.filter((e) => e.cat === 'sem-wait').map((e) => e.args.task).sort((a, b) => a - b);
  assert.deepEqual(queued, [3, 4, 5, 6, 7, 8, 9, 10, 11], 'all but the first three queue for the semaphore');
  const edges = async.filter((e) => e.cat === 'io').flatMap((e) => [[e.ts, 1], [e.ts + e.dur, -1]]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let n = 0, most = 0;
  for (const [, d] of edges) { n += d; most = Math.max(most, n); }
  assert.equal(most, 3, 'three waits at most at once');
  const laneOf = new Map(spans.filter((e) => e.pid === pidOf('processes') && e.cat === 'cpu').map((e) => [e.args.task, e.tid]));
  for (const chunk of [0, 4, 8]) {
    assert.equal(new Set([0, 1, 2, 3].map((i) => laneOf.get(chunk + i))).size, 1, `chunk from task ${chunk} split over processes`);
  }
  const r = await results(driver);
  assert.equal(new Set(r.map((m) => m.checksum)).size, 1, 'the models disagree');
});

test(`${ENGINE}: outside isolation, executor sends the hog's CPU steps to processes and the chatty task keeps its pace`, async () => {
  const { driver } = browser;
  await driver.get(`${plain.url}/?preset=hog&models=async,executor&processes=2&coi=0&run=1`);
  assert.equal(await waitRun(driver, 1), 'done', await js(driver, 'return document.getElementById("status").textContent'));
  const r = await results(driver);
  assert.deepEqual(r.map((m) => m.model), ['async', 'executor'], 'neither needs shared memory');
  const stall = (m) => m.latency.tasks.find((t) => t.task === 1).stall_ms;
  assert.ok(stall(r[1]) < stall(r[0]) / 4, `executor ${stall(r[1])} ms against async ${stall(r[0])} ms`);
  assert.equal(new Set(r.map((m) => m.checksum)).size, 1, 'the models disagree');
});

test(`${ENGINE}: outside isolation, interpreters compute at once, each with a memory of its own`, async () => {
  const { driver } = browser;
  await driver.get(`${plain.url}/?workload=4+x+cpu+80+payload+64kb&models=sequential,interpreters&processes=2&coi=0&run=1`);
  assert.equal(await waitRun(driver, 1), 'done', await js(driver, 'return document.getElementById("status").textContent'));
  assert.equal(await js(driver, 'return self.crossOriginIsolated === true;'), false, 'no memory can be shared here');
  const r = await results(driver);
  assert.deepEqual(r.map((m) => m.model), ['sequential', 'interpreters'], 'it needs no shared memory');
  const t = await js(driver, 'return window.conpar.trace();');
  const pid = t.traceEvents.find((e) => e.name === 'process_name' && e.args.name === 'interpreters').pid;
  const events = t.traceEvents.filter((e) => e.ph === 'X' && e.pid === pid);
  assert.equal(events.filter((e) => e.cat === 'spawn').length, 2, 'each interpreter starts once');
  assert.equal(new Set(events.filter((e) => e.cat === 'copy').map((e) => e.args.task)).size, 4, 'each payload copied');
  console.log(`# ${ENGINE}, 4 x cpu 80 on two interpreters: ${r[1].speedup.toFixed(2)}× over sequential`);
  assert.equal(new Set(r.map((m) => m.checksum)).size, 1, 'the models disagree');
});

test(`${ENGINE}: outside isolation, a claim that runs without shared memory is judged, and one that needs it says why not`, async () => {
  const { driver } = browser;
  const claim = async (id) => (await js(driver, 'return window.conpar.claims();')).find((c) => c.id === id);
  await driver.get(`${plain.url}/?claim=coroutines-cpu&processes=2&coi=0&run=1`);
  assert.equal(await waitRun(driver, 1), 'done', await js(driver, 'return document.getElementById("status").textContent'));
  const judged = await claim('coroutines-cpu');
  console.log(`# ${ENGINE}, coroutines-cpu: ${judged.verdict}. ${judged.because}`);
  // On two cores or more the executor computes beside the loop; a disturbed run says so.
  if (judged.verdict === null) assert.match(judged.because, /disturbed/);
  else assert.equal(judged.verdict, 'depends', judged.because);
  await driver.get(`${plain.url}/?claim=threads-cooperative&coi=0&run=1`);
  assert.equal(await waitRun(driver, 1), 'done');
  const skipped = await claim('threads-cooperative');
  assert.equal(skipped.verdict, null);
  assert.match(skipped.because, /gil, which cannot run in this page/);
});
