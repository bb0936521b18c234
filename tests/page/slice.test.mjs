// Page tests: the built site (dist/) in headless Chromium, driven through the automation
// contract of DESIGN.md as a user or an embedding page would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { serve } from './server.mjs';
import { setUp, browser, site, plain } from './harness.mjs';
import { open, waitStatus, waitRun, openSettings } from './browser.mjs';

setUp({ plain: { root: 'dist', isolated: false } });

const trace = (page) => page.evaluate(() => window.conpar.trace());
const results = (page) => page.evaluate(() => window.conpar.results());

/// Complete events of one model, by its process_name.
function eventsOf(json, model) {
  const meta = json.traceEvents.find((e) => e.ph === 'M' && e.name === 'process_name' && e.args.name === model);
  assert.ok(meta, `no process named ${model} in the trace`);
  return json.traceEvents.filter((e) => e.ph === 'X' && e.pid === meta.pid);
}

/// Largest number of events of category `cat` in progress at one instant. Times are rounded to
/// the nanosecond, so float rounding of `ts + dur` cannot turn touching spans into overlapping.
function maxConcurrent(events, cat) {
  const ns = (us) => Math.round(us * 1000);
  const edges = events.filter((e) => e.cat === cat).flatMap((e) => [[ns(e.ts), 1], [ns(e.ts + e.dur), -1]]);
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0, most = 0;
  for (const [, d] of edges) { now += d; most = Math.max(most, now); }
  return most;
}

test('CPU slice: sequential and threads run on workers, agree, and the page keeps painting', async () => {
  const page = await browser.newPage();
  // Record animation frames from the start, to see whether the main thread ever stalls.
  await page.addInitScript(() => {
    window.__frames = [];
    const tick = (t) => { window.__frames.push([t, document.documentElement.dataset.status]); requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${site.url}/?preset=cpu&models=sequential,threads&workers=2&run=1`);
  assert.equal(await waitStatus(page, ['done', 'error'], 90000), 'done');
  assert.deepEqual(errors, []);

  const r = await results(page);
  assert.deepEqual(r.map((m) => m.model), ['sequential', 'threads']);
  assert.equal(r[0].checksum, r[1].checksum, 'checksums differ');
  assert.match(r[0].checksum, /^[0-9a-f]{16}$/);
  assert.ok(r.every((m) => m.wall_ms > 0 && typeof m.speedup === 'number'));
  console.log(`# threads speedup on the CPU preset: ${r[1].speedup.toFixed(2)}x (${r[0].wall_ms.toFixed(0)} ms -> ${r[1].wall_ms.toFixed(0)} ms)`);

  const t = await trace(page);
  const seq = eventsOf(t, 'sequential');
  const thr = eventsOf(t, 'threads');
  assert.ok(seq.length >= 8 && thr.length >= 8, 'every CPU step is a span');
  assert.ok([...seq, ...thr].every((e) => e.cat === 'cpu' && e.name === 'cpu' && e.dur > 0 && typeof e.args.task === 'number'));
  assert.equal(maxConcurrent(seq, 'cpu'), 1, 'sequential overlapped two spans');
  // The calibration: each `cpu 100` step lasts about 100 ms. Loose on purpose (a shared
  // machine); it catches a calibration that is off by a factor, as one once was in the release
  // build only.
  for (const e of seq) assert.ok(e.dur > 40_000 && e.dur < 400_000, `a cpu 100 step lasted ${e.dur / 1000} ms`);
  assert.equal(maxConcurrent(thr, 'cpu'), 2, 'threads never computed on two workers at once');
  assert.deepEqual([...new Set(thr.map((e) => e.tid))].sort(), [0, 1]);
  const names = t.traceEvents.filter((e) => e.name === 'thread_name' && e.ph === 'M');
  assert.ok(names.length >= 3);

  // The page painted throughout: no frame gap close to a model's run time (~800 ms).
  const frames = await page.evaluate(() => window.__frames);
  const running = frames.filter(([, s]) => s === 'running').map(([f]) => f);
  assert.ok(running.length > 10, `only ${running.length} frames painted while running`);
  let worst = 0;
  for (let i = 1; i < running.length; i++) worst = Math.max(worst, running[i] - running[i - 1]);
  assert.ok(worst < 300, `the main thread stalled for ${worst.toFixed(0)} ms during the run`);
  const fps = (1000 * (running.length - 1)) / (running[running.length - 1] - running[0]);
  console.log(`# frames per second while the CPU preset ran: ${fps.toFixed(1)} (worst gap ${worst.toFixed(0)} ms)`);

  // The timeline was drawn: the canvas has CPU-coloured pixels.
  const cpuPixels = await page.evaluate(() => {
    const c = document.querySelector('canvas[data-model=threads]');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] === 0x00 && d[i + 1] === 0x72 && d[i + 2] === 0xb2) n++;
    return n;
  });
  assert.ok(cpuPixels > 1000, `timeline shows no CPU spans (${cpuPixels} pixels)`);
  await page.close();
});

test('I/O slice: async awaits real timers concurrently; sequential waits one after another', async () => {
  const { page, errors } = await open(browser, `${site.url}/?preset=io&models=sequential,async&run=1`, { states: ['done', 'error'] });
  assert.equal(await page.evaluate(() => document.documentElement.dataset.status), 'done');
  assert.deepEqual(errors.filter((e) => !e.includes('deprecated')), []);
  const r = await results(page);
  assert.equal(r[0].checksum, r[1].checksum);
  const t = await trace(page);
  const seq = eventsOf(t, 'sequential');
  const asy = eventsOf(t, 'async');
  assert.equal(seq.filter((e) => e.cat === 'io').length, 8);
  assert.equal(maxConcurrent(seq, 'io'), 1);
  assert.equal(maxConcurrent(asy, 'io'), 8, 'the eight waits did not overlap under async');
  // Eight 200 ms waits: async finishes near the longest wait, sequential near the sum.
  assert.ok(r[1].wall_ms < 600, `async took ${r[1].wall_ms} ms for waits of 200 ms`);
  assert.ok(r[0].wall_ms >= 1600, `sequential took ${r[0].wall_ms} ms for eight waits of 200 ms`);
  assert.match(await page.textContent('#verdict'), /^async was fastest, \d+\.\d× faster than sequential: its waits overlapped \(up to 8 at once\)\.$/);
  await page.close();
});

test('all five models run the mixed preset and agree; gil shows lock waits', async () => {
  const { page } = await open(browser, `${site.url}/?preset=mixed&workers=2&run=1`, { states: ['done', 'error'], timeout: 120000 });
  assert.equal(await page.evaluate(() => document.documentElement.dataset.status), 'done');
  const r = await results(page);
  assert.deepEqual(r.map((m) => m.model), ['sequential', 'async', 'gil', 'threads', 'processes']);
  assert.equal(new Set(r.map((m) => m.checksum)).size, 1, 'models disagree');
  const t = await trace(page);
  const gil = eventsOf(t, 'gil');
  assert.equal(maxConcurrent(gil, 'cpu'), 1, 'two GIL threads computed at once');
  assert.ok(gil.some((e) => e.cat === 'lock-wait'), 'two threads wanting the CPU never waited for the GIL');
  assert.equal(maxConcurrent(eventsOf(t, 'async'), 'cpu'), 1);
  const proc = eventsOf(t, 'processes');
  assert.equal(proc.filter((e) => e.cat === 'spawn').length, 2, 'one spawn per process worker');
  assert.ok(proc.some((e) => e.cat === 'copy'), 'payload copies recorded');
  assert.equal((await page.$$('#results-body tr')).length, 5);
  await page.close();
});

test('a malformed URL gives visible notices and a working page', async () => {
  const { page } = await open(browser, `${site.url}/?preset=nope&workers=abc&models=warp`, { states: ['ready', 'error'] });
  assert.equal(await page.evaluate(() => document.documentElement.dataset.status), 'ready');
  const notices = await page.textContent('#notices');
  assert.match(notices, /unknown preset `nope`/);
  assert.match(notices, /workers must be/);
  assert.match(notices, /unknown model `warp`/);
  assert.equal(await page.inputValue('#preset'), 'io');
  await page.close();
});

test('a bad workload shows its line and column and runs nothing', async () => {
  const { page } = await open(browser, `${site.url}/?workload=io+50%0Acpu+fast&run=1`, { states: ['error', 'done'] });
  assert.equal(await page.evaluate(() => document.documentElement.dataset.status), 'error');
  assert.match(await page.textContent('#workload-error'), /Line 2, column 5: expected a duration/);
  // Pressing Run puts the cursor on the error.
  await page.click('#run');
  const selected = await page.evaluate(() => {
    const t = document.activeElement;
    return t.id === 'workload' ? t.value.slice(t.selectionStart, t.selectionEnd) : null;
  });
  assert.equal(selected, 'fast');
  // Fixing it in the editor and pressing Run works.
  await page.fill('#workload', 'io 50\ncpu 5');
  await page.click('#run');
  assert.equal(await waitRun(page, 1), 'done', 'the first run is the one after the fix');
  await page.close();
});

test('Stop ends a run at once and the next run works', async () => {
  const { page } = await open(browser, `${site.url}/?workload=4+x+cpu+2000&models=sequential&run=1`, { states: ['running', 'done', 'error'] });
  const stopped = await page.evaluate(async () => {
    const t0 = performance.now();
    document.getElementById('stop').click();
    return { status: document.documentElement.dataset.status, ms: performance.now() - t0 };
  });
  assert.notEqual(stopped.status, 'running');
  assert.ok(stopped.ms < 100, `stop took ${stopped.ms} ms`);
  assert.equal(await waitStatus(page, ['ready'], 30000), 'ready');
  assert.equal(await page.textContent('#results-body tr[data-model=sequential] td'), 'stopped');
  await page.fill('#workload', 'cpu 20');
  await page.click('#run');
  assert.equal(await waitRun(page, 2), 'done');
  await page.close();
});

test('without cross-origin isolation: says so, runs sequential, async and processes, marks gil and threads unavailable', async () => {
  // coi=0: no isolation service worker, so the page stays as the host serves it.
  const { page } = await open(browser, `${plain.url}/?preset=mixed&models=sequential,async,processes&workers=2&run=1&coi=0`, { states: ['done', 'error'], timeout: 90000 });
  assert.equal(await page.evaluate(() => window.crossOriginIsolated), false);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.status), 'done');
  assert.match(await page.textContent('#env'), /gil, threads and to_thread cannot, because this page is not cross-origin isolated/);
  assert.match(await page.getAttribute('input[name=model][value=gil]', 'title'), /not cross-origin isolated/);
  assert.equal(await page.isDisabled('input[name=model][value=gil]'), true);
  assert.equal(await page.isDisabled('input[name=model][value=threads]'), true);
  const r = await results(page);
  assert.deepEqual(r.map((m) => m.model), ['sequential', 'async', 'processes']);
  assert.equal(new Set(r.map((m) => m.checksum)).size, 1);
  await page.close();
});

// The versioned names this build gave the module and its glue (scripts/post-build.mjs).
const built = readdirSync('dist');
for (const file of [/^conpar-[0-9a-f]+_bg\.wasm$/, /^conpar-[0-9a-f]+\.js$/].map((p) => `/${built.find((f) => p.test(f))}`)) {
  test(`a page whose ${file} fails to load shows a message in words`, async () => {
    const broken = await serve({ root: 'dist', missing: [file] });
    try {
      const { page } = await open(browser, `${broken.url}/`, { states: ['error'], timeout: 40000 });
      assert.equal(await page.isVisible('#fatal'), true);
      assert.match(await page.textContent('#fatal'), /could not (start|load)/);
      await page.close();
    } finally {
      await broken.close();
    }
  });
}

test('a worker that fails gives a message, and the page recovers on the next Run', async () => {
  const { page } = await open(browser, `${site.url}/?workload=4+x+cpu+2000&models=sequential&run=1`, { states: ['running', 'done', 'error'] });
  // From now on the engine's module cannot be fetched: the restarted worker fails to start.
  await page.route('**/conpar-*.js', (route) => route.abort());
  await page.click('#stop');
  assert.equal(await waitStatus(page, ['error'], 30000), 'error');
  assert.match(await page.textContent('#status'), /The engine failed: .+Press Run to start it again/);
  await page.unroute('**/conpar-*.js');
  await page.fill('#workload', 'cpu 10');
  await page.click('#run');
  assert.equal(await waitRun(page, 2), 'done');
  await page.close();
});

test('live=0 draws nothing until each model ends, and measures the same', async () => {
  const { page } = await open(browser, `${site.url}/?preset=io&models=sequential,async&live=0&run=1`, { states: ['done', 'error'] });
  assert.equal(await page.evaluate(() => document.documentElement.dataset.status), 'done');
  assert.match(await page.evaluate(() => location.search), /live=0/);
  const t = await trace(page);
  assert.equal(eventsOf(t, 'sequential').length, 8, 'every span arrives, at the end');
  assert.equal(maxConcurrent(eventsOf(t, 'async'), 'io'), 8);
  assert.match(await page.textContent('#verdict'), /^async was fastest/);
  await page.close();
});

test('thread pools as in Python: 50 calls of 100 ms on 32 threads, every lane drawn', async () => {
  for (const width of [1280, 390]) {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    await page.goto(`${site.url}/?workload=50+x+io+100&models=sequential,async,gil,threads&threads=32&run=1`);
    assert.equal(await waitRun(page, 1), 'done');
    const r = await results(page);
    const gil = r.find((m) => m.model === 'gil');
    assert.equal(gil.lanes, 32);
    // 32 threads overlap 32 waits at a time: far beyond the two cores, as in CPython.
    assert.ok(gil.speedup > 8, `gil on 32 threads: ${gil.speedup}x`);
    const t = await trace(page);
    assert.equal(new Set(eventsOf(t, 'gil').map((e) => e.tid)).size, 32, 'every thread ran tasks');
    // Every lane is drawn, and the panel stays within a screen.
    const panel = await page.$eval('canvas[data-model=gil]', (c) => c.getBoundingClientRect().height);
    assert.ok(panel > 32 * 4 && panel < 320, `the gil panel is ${panel} px tall`);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth + 0.5), 'the page scrolls sideways');
    await page.screenshot({ path: `target/threads-32-${width}.png`, fullPage: true });
    await page.close();
  }
});

test('pool sizes out of range get a notice and a safe value; old workers= links still work', async () => {
  const { page } = await open(browser, `${site.url}/?threads=65&processes=33`, { states: ['ready'] });
  const notices = await page.textContent('#notices');
  assert.match(notices, /threads must be a whole number from 1 to 64; using \d+/);
  assert.match(notices, /processes must be a whole number from 1 to 32; using \d+/);
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  assert.equal(await page.inputValue('#threads'), String(Math.min(32, cores + 4)));
  assert.equal(await page.inputValue('#processes'), String(Math.min(32, cores)));
  await page.close();
  const old = await open(browser, `${site.url}/?workers=3`, { states: ['ready'] });
  assert.equal(await old.page.inputValue('#threads'), '3');
  assert.equal(await old.page.inputValue('#processes'), '3');
  // The address the page writes from then on says it the new way.
  await openSettings(old.page);
  await old.page.fill('#seed', '5');
  await old.page.dispatchEvent('#seed', 'change');
  assert.match(await old.page.evaluate(() => location.search), /threads=3&processes=3/);
  await old.page.close();
});

test('repeat=3 runs the models interleaved, counts the median run, shows the range and exports every repeat', async () => {
  const { page } = await open(browser, `${site.url}/?workload=4+x+cpu+30&models=sequential,threads&threads=2&repeat=3&run=1`, { states: ['done', 'error'] });
  assert.equal(await page.evaluate(() => document.documentElement.dataset.status), 'done');
  const r = await results(page);
  assert.deepEqual(r.map((m) => m.model), ['sequential', 'threads']);
  for (const m of r) {
    assert.equal(m.repeats_wall_ms.length, 3);
    const sorted = [...m.repeats_wall_ms].sort((a, b) => a - b);
    assert.equal(m.wall_ms, sorted[1], `${m.model}'s wall time is the median of its repeats`);
  }
  assert.match(await page.textContent('#results-body tr[data-model=sequential] td'), /^\d+ ms \(\d+ ms–\d+ ms\)$/);
  const t = await trace(page);
  const names = t.traceEvents.filter((e) => e.name === 'process_name').map((e) => e.args.name);
  assert.deepEqual(names, ['sequential', 'threads', 'sequential', 'threads', 'sequential', 'threads'], 'interleaved, every repeat exported');
  const labels = t.traceEvents.filter((e) => e.name === 'process_labels').map((e) => e.args.labels);
  assert.equal(labels.length, 6);
  assert.match(await page.evaluate(() => location.search), /repeat=3/);
  await page.close();
});
