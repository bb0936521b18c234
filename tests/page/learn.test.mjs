// Page tests of what answers "which model for my workload": per-task latency and the
// recommendation on the hog-and-chatty preset, the worker sweep, and the round trip from the
// page's Python program through real python3 back to a CPython panel.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setUp, browser, site } from './harness.mjs';
import { waitStatus, waitRun, frames, colourPixels, openSettings } from './browser.mjs';

let dir;
const routes = {};
// A trace on the site itself, for `trace=`; filled by the round-trip test.
setUp({ site: { root: 'dist', isolated: true, extraRoutes: { '/traces/async.json': () => routes.async ?? '' } } });
before(() => { dir = mkdtempSync(join(tmpdir(), 'conpar-learn-')); });
after(() => rmSync(dir, { recursive: true, force: true }));

async function page(query, states = ['done', 'error']) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const p = await context.newPage();
  const errors = [];
  p.on('pageerror', (e) => errors.push(String(e)));
  await p.goto(`${site.url}/${query}`);
  await waitStatus(p, states, 90000);
  return { p, errors, close: () => context.close() };
}

/// Pixels of the highlight outline's colour in a panel's canvas.
const outlinePixels = (p, model) => colourPixels(p, `canvas[data-model=${model}]`, [0xb3, 0x5c, 0x00]);

test('on a phone, advice longer than its box is offered in full, and the next run closes it again', async () => {
  const context = await browser.newContext({ viewport: { width: 360, height: 780 } });
  const p = await context.newPage();
  await p.goto(`${site.url}/?preset=hog&models=async,gil&threads=2&run=1`);
  assert.equal(await waitRun(p, 1), 'done');
  const box = () => p.evaluate(() => {
    const notes = document.getElementById('notes');
    const advice = document.getElementById('advice');
    const more = document.getElementById('notes-more');
    return {
      open: notes.classList.contains('open'), height: notes.clientHeight, expanded: more.getAttribute('aria-expanded'),
      offered: !more.hidden, clipped: advice.scrollHeight > advice.clientHeight + 1, advice: advice.textContent,
    };
  });
  // "Show all" is decided after layout: wait on it, never on time.
  await p.waitForFunction(() => !document.getElementById('notes-more').hidden);
  const closed = await box();
  assert.equal(closed.open, false);
  assert.equal(closed.clipped, true, `the advice fills more than its box at 360 px: ${closed.advice}`);
  assert.equal(closed.expanded, 'false');
  await p.click('#notes-more');
  await p.waitForFunction(() => document.getElementById('notes').classList.contains('open'));
  const opened = await box();
  assert.equal(opened.offered, false, 'nothing more to show');
  assert.equal(opened.expanded, 'true');
  assert.equal(opened.clipped, false, 'the whole advice shows');
  assert.ok(opened.height > closed.height, `the box grew: ${closed.height} → ${opened.height} px`);
  await p.click('#run');
  assert.equal(await waitRun(p, 2), 'done');
  await p.waitForFunction(() => !document.getElementById('notes-more').hidden);
  const again = await box();
  assert.equal(again.open, false, 'the new run\'s notes start closed');
  assert.equal(again.height, closed.height, 'at the box\'s own height');
  await context.close();
});

test('a CPU hog stalls the chatty task for about its length under async, far less under threads', async () => {
  const { p, errors, close } = await page('?preset=hog&models=sequential,async,gil,threads&threads=2&run=1');
  // A run the machine disturbed gives no advice (and says why): then it runs again, at most
  // twice, rather than read words it rightly withheld.
  let results;
  for (let k = 1; ; k += 1) {
    assert.equal(await waitRun(p, k), 'done');
    results = await p.evaluate(() => window.conpar.results());
    const flagged = results.filter((r) => r.disturbed.length);
    if (!flagged.length) break;
    assert.equal(await p.isHidden('#advice'), true, 'advice from a disturbed run');
    console.log(`# run ${k}: ${flagged.map((r) => `${r.model}: ${r.disturbed}`).join(' | ')}`);
    assert.ok(k < 3, 'three runs in a row were disturbed');
    await p.click('#run');
  }
  const stall = (m) => results.find((r) => r.model === m).latency.tasks.find((t) => t.task === 1).stall_ms;
  const worst = (m) => results.find((r) => r.model === m).latency;
  // The chatty task (task 1) waits for the 1000 ms hog on the event loop.
  assert.ok(stall('async') > 800, `async: ${stall('async')} ms`);
  assert.ok(stall('threads') < stall('async') / 4, `threads ${stall('threads')} vs async ${stall('async')}`);
  assert.ok(stall('gil') < stall('async') / 4, `gil ${stall('gil')} vs async ${stall('async')}`);
  assert.equal(worst('async').worst_task, 1);
  for (const r of results) {
    const l = r.latency;
    assert.equal(l.tasks.length, 2);
    assert.ok(l.stall_p50_ms <= l.stall_p95_ms && l.stall_p95_ms <= l.stall_worst_ms);
    assert.ok(l.finish_worst_ms <= r.wall_ms + 1, `${r.model}: a task cannot finish after its model`);
  }
  // The table says it, and so do the words.
  const cell = await p.textContent('#results-body tr[data-model=async] td:nth-child(9)');
  assert.match(cell, /· 1\.\d\d s$|· 9\d\d ms$|· 8\d\d ms$/, cell);
  const advice = await p.textContent('#advice');
  assert.match(advice, /Under asyncio one task stalled .* keep them off it/, advice);
  // Pointing at a row outlines its worst-stalled task in its panel; leaving it clears it.
  assert.equal(await outlinePixels(p, 'async'), 0);
  await p.hover('#results-body tr[data-model=async]');
  await frames(p, 3);
  assert.ok(await outlinePixels(p, 'async') > 50, 'the outline is drawn');
  await p.hover('h1');
  await frames(p, 3);
  assert.equal(await outlinePixels(p, 'async'), 0);
  // Keyboard: focusing the row does the same.
  await p.focus('#results-body tr[data-model=async]');
  await frames(p, 3);
  assert.ok(await outlinePixels(p, 'async') > 50, 'focus outlines too');
  // The CSV carries the percentiles.
  const [download] = await Promise.all([p.waitForEvent('download'), p.click('#export-menu summary').then(() => p.click('[data-export=csv]'))]);
  const csv = readFileSync(await download.path(), 'utf8');
  assert.match(csv.split('\n')[0], /finish_p50_ms,finish_p95_ms,finish_worst_ms,stall_p50_ms,stall_p95_ms,stall_worst_ms,worst_task/);
  assert.deepEqual(errors, []);
  await close();
});

test('sweep=1,2,4 on the CPU preset: free threads scale to the cores, gil stays flat, every point in the CSV', async () => {
  const { p, errors, close } = await page('?preset=cpu&models=sequential,gil,threads&sweep=1,2,4&run=1', ['ready', 'running', 'done', 'error']);
  await p.waitForFunction(() => ['done', 'ended'].includes(document.documentElement.dataset.sweep), null, { timeout: 120000 });
  assert.equal(await p.getAttribute('html', 'data-sweep'), 'done', await p.textContent('#sweep-status'));
  const points = await p.evaluate(() => window.conpar.sweep());
  assert.equal(points.length, 6, 'gil and threads at 1, 2 and 4');
  const at = (m, n) => points.find((q) => q.model === m && q.workers === n);
  // Claims only from undisturbed points (a busy machine is flagged, not explained).
  const clean = (q) => !q.disturbed;
  if (clean(at('threads', 2))) assert.ok(at('threads', 2).speedup > 1.3, `threads on 2: ${at('threads', 2).speedup}`);
  for (const q of points.filter((q) => q.model === 'gil' && clean(q))) {
    assert.ok(q.speedup < 1.25, `gil on ${q.workers}: ${q.speedup}`);
  }
  assert.equal(await p.locator('#sweep-chart svg circle').count(), 6);
  // The fit reads the clean points within the cores (1 and 2 here); a disturbed one leaves too
  // few, and the summary says exactly that.
  const fitted = [1, 2].every((n) => clean(at('threads', n)));
  assert.match(await p.textContent('#sweep-summary'), fitted
    ? /threads: best .* Amdahl's law fits a serial fraction/
    : /threads: best .*; too few sizes within the 2 cores to fit Amdahl's law/);
  if (!fitted) console.log(`# a disturbed threads point: ${JSON.stringify(points.filter((q) => !clean(q)))}`);
  assert.equal(await p.locator('#sweep-table tbody tr').count(), 6);
  const [download] = await Promise.all([p.waitForEvent('download'), p.click('[data-sweep-export=csv]')]);
  const lines = readFileSync(await download.path(), 'utf8').trim().split('\n');
  assert.equal(lines.length, 7);
  assert.equal(lines[0], 'model,workers,wall_ms,speedup,ideal,amdahl_fit,serial_fraction,disturbed');
  const [svg] = await Promise.all([p.waitForEvent('download'), p.click('[data-sweep-export=svg]')]);
  assert.match(readFileSync(await svg.path(), 'utf8'), /^<svg[^>]*color="#1b1f24"[\s\S]*<rect width="640" height="320" fill="#ffffff"\/>/);
  // The address keeps the sizes.
  assert.match(await p.evaluate(() => location.search), /sweep=1,2,4/);
  assert.deepEqual(errors, []);
  await close();
});

test('Stop ends a sweep where it is, and a bad size is refused with a notice', async () => {
  const { p, close } = await page('?preset=cpu&models=sequential,threads', ['ready']);
  await openSettings(p);
  await p.fill('#sweep-sizes', '1,0,2');
  await p.dispatchEvent('#sweep-sizes', 'change');
  await p.waitForSelector('#notices:not([hidden])');
  assert.match(await p.textContent('#notices'), /sweep sizes are whole numbers from 1 to 64/);
  await p.fill('#sweep-sizes', '1,2,4,8');
  await p.dispatchEvent('#sweep-sizes', 'change');
  await p.click('#sweep');
  // Stop is enabled while the sweep's first run goes on (or waits for the workers).
  await p.waitForFunction(() => document.documentElement.dataset.sweep === 'running');
  await p.click('#stop');
  await p.waitForFunction(() => document.documentElement.dataset.sweep === 'ended');
  assert.match(await p.textContent('#sweep-status'), /ended early: stopped/);
  await waitStatus(p, ['ready'], 60000);
  await close();
});

test('the page\'s Python programs run under python3 and their traces come back as CPython panels', async () => {
  const { p, errors, close } = await page('?workload=4%20x%20io%2040%2C%20cpu%2010&models=sequential,async,gil&threads=2&run=1');
  assert.equal(await waitRun(p, 1), 'done');
  await p.click('#python-section summary');
  for (const model of ['gil', 'async']) {
    await p.selectOption('#python-model', model);
    const [download] = await Promise.all([p.waitForEvent('download'), p.click('#python-download')]);
    assert.equal(download.suggestedFilename(), `conpar_${model}.py`);
    const script = join(dir, `conpar_${model}.py`);
    await download.saveAs(script);
    // What the page shows is what it downloads.
    assert.equal(readFileSync(script, 'utf8'), await p.textContent('#python-code'));
    const out = execFileSync('python3', [script, join(dir, `${model}.json`)], { encoding: 'utf8' });
    assert.match(out, new RegExp(`^${model}: \\d+\\.\\d ms on cpython 3\\.`));
  }
  // The file input.
  await p.setInputFiles('#trace-file', join(dir, 'gil.json'));
  await p.waitForFunction(() => document.documentElement.dataset.imported === '1');
  const head = await p.textContent('#cpython-panels .panel-head h3');
  assert.match(head, /^CPython 3\.\d+\.\d+ · gil/);
  const imported = await p.evaluate(() => window.conpar.imported());
  assert.equal(imported[0].model, 'gil');
  assert.equal(imported[0].latency.tasks.length, 4);
  assert.equal(imported[0].lanes, 2, 'ThreadPoolExecutor(2): two threads');
  assert.match(await p.textContent('#results-body tr[data-source=cpython] th'), /^CPython 3\.\d+\.\d+ · gil$/);
  // Its spans have tooltips too: point along its first lane until one shows.
  const box = await p.locator('#cpython-panels canvas').first().boundingBox();
  let tip = '';
  for (let x = box.x + 90; x < box.x + box.width - 10 && !tip; x += 15) {
    await p.mouse.move(x, box.y + 30);
    tip = await p.evaluate(() => (document.getElementById('tip').hidden ? '' : document.getElementById('tip').textContent));
  }
  assert.match(tip, /^gil · thread 0: (computing|waiting for I\/O)\ntask \d+ · step \d+ · from /, tip);
  // trace= loads a file on this site.
  routes.async = readFileSync(join(dir, 'async.json'), 'utf8');
  await p.goto(`${site.url}/?workload=4%20x%20io%2040%2C%20cpu%2010&trace=traces/async.json`);
  await p.waitForFunction(() => document.documentElement.dataset.imported === '1');
  assert.match(await p.textContent('#cpython-panels .panel-head h3'), /· async/);
  const cpuLanes = await p.evaluate(() => window.conpar.imported()[0].cpu_ms > 0);
  assert.ok(cpuLanes);
  assert.deepEqual(errors, []);
  await close();
});

test('files that are not traces get a sentence, and the page keeps working', async () => {
  const { p, errors, close } = await page('?preset=io', ['ready']);
  const drop = (name, text) => p.evaluate(([name, text]) => {
    const data = new DataTransfer();
    data.items.add(new File([text], name, { type: 'application/json' }));
    const zone = document.getElementById('timeline-section');
    zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  }, [name, text]);
  await drop('notes.txt', 'hello');
  await p.waitForFunction(() => /notes\.txt is not JSON/.test(document.getElementById('notices').textContent));
  await drop('empty.json', '{"traceEvents": []}');
  await p.waitForFunction(() => /empty\.json is a trace with no spans/.test(document.getElementById('notices').textContent));
  // A trace from a profiler (nested calls on threads) is drawn by its innermost calls.
  await drop('viz.json', JSON.stringify({ traceEvents: [
    { ph: 'X', name: 'main', pid: 1, tid: 1, ts: 0, dur: 100000 },
    { ph: 'X', name: 'time.sleep', pid: 1, tid: 1, ts: 0, dur: 40000 },
    { ph: 'X', name: 'work', pid: 1, tid: 2, ts: 0, dur: 60000 },
  ] }));
  await p.waitForFunction(() => document.documentElement.dataset.imported === '1');
  assert.equal(await p.textContent('#cpython-panels .panel-head .name'), 'viz.json');
  // trace= to a file that is not there says so.
  await p.goto(`${site.url}/?trace=traces/missing.json`);
  await p.waitForFunction(() => /traces\/missing\.json could not be loaded: the server answered 404/.test(document.getElementById('notices').textContent));
  // trace= to another site is refused before anything is fetched.
  await p.goto(`${site.url}/?trace=https%3A%2F%2Fexample.com%2Ft.json`);
  await waitStatus(p, ['ready']);
  assert.match(await p.textContent('#notices'), /trace must be a file on this site/);
  await p.click('#run');
  assert.equal(await waitRun(p, 1), 'done');
  assert.deepEqual(errors, []);
  await close();
});

test('processes start as forkserver (a server in the run, then workers started ahead) or spawn (all inside the run), chosen in the form and the URL', async () => {
  const { p, errors, close } = await page('?preset=cpu&models=sequential,processes&processes=2&start=spawn&run=1');
  assert.equal(await waitRun(p, 1), 'done');
  assert.equal(await p.inputValue('#start'), 'spawn');
  const spawns = () => p.evaluate(() => window.conpar.trace().traceEvents.filter((e) => e.ph === 'X' && e.name === 'spawn').length);
  assert.equal(await spawns(), 2, 'each process shows its start');
  await p.selectOption('#start', 'forkserver');
  assert.doesNotMatch(await p.evaluate(() => location.search), /start=/, 'the default is not written');
  await p.click('#run');
  assert.equal(await waitRun(p, 2), 'done');
  assert.equal(await spawns(), 2);
  const r = await p.evaluate(() => window.conpar.results());
  assert.equal(new Set(r.map((m) => m.checksum)).size, 1, 'the same work either way');
  await p.goto(`${site.url}/?start=exec`);
  await waitStatus(p, ['ready']);
  assert.match(await p.textContent('#notices'), /unknown start method `exec`; use forkserver, spawn or fork/);
  assert.deepEqual(errors, []);
  await close();
});

