// Page tests of the patterns Python programmers write across models: asyncio bounded by a
// semaphore (`limit=`), and ProcessPoolExecutor.map's chunksize (`chunksize=`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setUp, openPage } from './harness.mjs';
import { waitRun, openSettings } from './browser.mjs';

setUp();

const page = (query, states) => openPage(query, { states });

const row = (results, model) => results.find((r) => r.model === model);

/// The X events of one model's trace.
const spansOf = (trace, model) => {
  const pid = trace.traceEvents.find((e) => e.ph === 'M' && e.name === 'process_name' && e.args.name === model).pid;
  return trace.traceEvents.filter((e) => e.ph === 'X' && e.pid === pid);
};

/// The most events of `cat` in progress at once.
function mostAtOnce(events, cat) {
  const edges = events.filter((e) => e.cat === cat).flatMap((e) => [[e.ts, 1], [e.ts + e.dur, -1]]);
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let n = 0, most = 0;
  for (const [, d] of edges) { n += d; most = Math.max(most, n); }
  return most;
}

test('limit=10 runs 100 downloads ten at a time, as asyncio.Semaphore(10)', async () => {
  const { p, errors, status, close } = await page('?workload=100+x+io+50&models=sequential,async&limit=10&run=1');
  assert.equal(status, 'done');
  assert.equal(await p.inputValue('#limit'), '10', 'the form shows the limit');
  assert.equal(await p.isVisible('.legend li[data-state=sem-wait]'), true, 'the legend names the queue');
  const results = await p.evaluate(() => window.conpar.results());
  const trace = await p.evaluate(() => window.conpar.trace());
  const events = spansOf(trace, 'async');
  assert.equal(mostAtOnce(events, 'io'), 10, 'ten waits in flight at most');
  const queued = events.filter((e) => e.cat === 'sem-wait');
  assert.equal(queued.length, 90, 'the other ninety wait for the semaphore, each once');
  assert.deepEqual([...new Set(queued.map((e) => e.args.task))].sort((a, b) => a - b), [...Array(90).keys()].map((i) => i + 10));
  const queuedMs = queued.reduce((sum, e) => sum + e.dur, 0) / 1000;
  assert.ok(Math.abs(row(results, 'async').sem_wait_ms - queuedMs) < 1, 'results() sums the queue');
  assert.notEqual(await p.textContent('#results-body tr[data-model=async] td:nth-of-type(5)'), '–', 'the table shows the semaphore wait');
  // Ten rounds of ten: about a tenth of sequential's time. The semaphore caps it at 10×.
  const speedup = row(results, 'async').speedup;
  console.log(`limit=10 on 100 x io 50: async ${speedup.toFixed(2)}× over sequential`);
  assert.ok(speedup > 7 && speedup < 10.5, `async with limit=10: ${speedup}×`);
  assert.deepEqual(errors, []);
  await close();
});

test('chunksize=100 sends 2000 tiny tasks a hundred at a time, and beats one a message', async () => {
  const query = '?workload=2000+x+cpu+1&models=sequential,processes&processes=2';
  const { p, errors, status, close } = await page(`${query}&chunksize=1&run=1`);
  assert.equal(status, 'done');
  const one = row(await p.evaluate(() => window.conpar.results()), 'processes');
  await openSettings(p);
  await p.fill('#chunksize', '100');
  await p.dispatchEvent('#chunksize', 'change');
  await p.waitForFunction(() => location.search.includes('chunksize=100'));
  await p.click('#run');
  assert.equal(await waitRun(p, 2, ['done', 'error'], 120000), 'done');
  const hundred = row(await p.evaluate(() => window.conpar.results()), 'processes');
  assert.match(await p.textContent('.panel[data-model=processes]'), /map\(chunksize=100\)/, 'the panel names the pattern');
  // Each chunk of a hundred ran in one process, in order.
  const events = spansOf(await p.evaluate(() => window.conpar.trace()), 'processes').filter((e) => e.cat === 'cpu');
  const laneOf = new Map(events.map((e) => [e.args.task, e.tid]));
  assert.equal(laneOf.size, 2000, 'every task computed once');
  for (let chunk = 0; chunk < 2000; chunk += 100) {
    const lanes = new Set([...Array(100).keys()].map((i) => laneOf.get(chunk + i)));
    assert.equal(lanes.size, 1, `chunk ${chunk / 100} ran on ${lanes.size} processes`);
  }
  console.log(`2000 x cpu 1 on 2 processes: chunksize 1 ${one.speedup.toFixed(2)}×, chunksize 100 ${hundred.speedup.toFixed(2)}× over sequential`);
  assert.ok(hundred.speedup > one.speedup, `chunksize 100 (${hundred.speedup}×) should beat chunksize 1 (${one.speedup}×)`);
  assert.deepEqual(errors, []);
  await close();
});

test('a limit or chunksize the form cannot take is named, and the field shows what stays', async () => {
  const { p, errors, close } = await page('?preset=io&models=async,processes', ['ready']);
  await openSettings(p);
  await p.fill('#limit', '0');
  await p.dispatchEvent('#limit', 'change');
  await p.waitForFunction(() => /limit must be a whole number from 1 to 10000/.test(document.getElementById('notices').textContent));
  assert.equal(await p.inputValue('#limit'), '', 'no bound, as before');
  await p.fill('#chunksize', '20000');
  await p.dispatchEvent('#chunksize', 'change');
  await p.waitForFunction(() => /chunksize must be a whole number from 1 to 10000/.test(document.getElementById('notices').textContent));
  assert.equal(await p.inputValue('#chunksize'), '1');
  await p.fill('#limit', '4');
  await p.dispatchEvent('#limit', 'change');
  await p.waitForFunction(() => location.search.includes('limit=4'));
  assert.match(await p.textContent('.panel[data-model=async] .py'), /Semaphore\(4\)/, 'the preview names the bound');
  assert.deepEqual(errors, []);
  await close();
});

test('the hog under to_thread and executor: the loop sends its CPU steps off, so the chatty task does not wait for the hog', async () => {
  const { p, errors, status, close } = await page('?preset=hog&models=async,to_thread,executor&processes=2&threads=6&run=1');
  assert.equal(status, 'done');
  const results = await p.evaluate(() => window.conpar.results());
  const chatty = (model) => row(results, model).latency.tasks.find((t) => t.task === 1);
  const [onLoop, threaded, offloaded] = [chatty('async'), chatty('to_thread'), chatty('executor')];
  console.log(`hog: the chatty task stalled ${onLoop.stall_ms.toFixed(0)} ms under async, ${threaded.stall_ms.toFixed(0)} under to_thread, ${offloaded.stall_ms.toFixed(0)} under executor; finished at ${onLoop.finish_ms.toFixed(0)}, ${threaded.finish_ms.toFixed(0)} and ${offloaded.finish_ms.toFixed(0)} ms`);
  assert.ok(onLoop.stall_ms > 800, `async: ${onLoop.stall_ms} ms`);
  assert.ok(threaded.stall_ms < onLoop.stall_ms / 4, `to_thread: ${threaded.stall_ms} ms against ${onLoop.stall_ms}`);
  assert.ok(offloaded.stall_ms < onLoop.stall_ms / 4, `executor: ${offloaded.stall_ms} ms against ${onLoop.stall_ms}`);
  // to_thread from its trace: its threads take turns on the GIL (never two computing), and the
  // loop's lane holds nothing but its own waits for the GIL.
  const threads = spansOf(await p.evaluate(() => window.conpar.trace()), 'to_thread');
  assert.equal(mostAtOnce(threads, 'cpu'), 1, 'two threads computed at once under the GIL');
  assert.ok(threads.filter((e) => e.tid === 0).every((e) => e.cat === 'lock-wait'));
  assert.ok(threads.some((e) => e.cat === 'lock-wait' && e.tid >= 2), 'a thread waited for the GIL');
  assert.equal(new Set(results.map((r) => r.checksum)).size, 1, 'the same work');
  // What the model means, from its trace: the loop computes nothing, two processes compute
  // at once (the hog and a chatty step), and every wait is in the one row of waits.
  const events = spansOf(await p.evaluate(() => window.conpar.trace()), 'executor');
  assert.equal(events.filter((e) => e.tid === 0).length, 0, 'the event loop computed');
  assert.equal(mostAtOnce(events, 'cpu'), 2);
  assert.ok(events.filter((e) => e.cat === 'io').every((e) => e.tid === 1));
  assert.equal(events.filter((e) => e.cat === 'spawn').length, 2, 'each process starts once');
  assert.match(await p.textContent('#advice'), /run_in_executor(, as executor does|; executor, which does the latter, stalled at most)/);
  assert.deepEqual(errors, []);
  await close();
});

test('interpreters: each a worker with a memory of its own, started in the run, computing at once, its payloads copied', async () => {
  const { p, errors, status, close } = await page('?workload=6+x+cpu+80+payload+1mb&models=sequential,gil,interpreters&processes=2&threads=2&run=1');
  assert.equal(status, 'done');
  const results = await p.evaluate(() => window.conpar.results());
  const events = spansOf(await p.evaluate(() => window.conpar.trace()), 'interpreters');
  // Each its own GIL: two compute at once, where the GIL build's threads take turns.
  assert.equal(mostAtOnce(events, 'cpu'), 2, 'two interpreters computed at once');
  assert.equal(mostAtOnce(spansOf(await p.evaluate(() => window.conpar.trace()), 'gil'), 'cpu'), 1);
  // Separate memories: each interpreter is started (its modules imported) in the run, and every
  // task's megabyte crosses into it as a copy.
  const starts = events.filter((e) => e.cat === 'spawn');
  assert.equal(starts.length, 2, 'each interpreter starts once');
  assert.deepEqual(new Set(starts.map((e) => e.tid)), new Set([0, 1]));
  const first = Math.min(...events.map((e) => e.ts));
  assert.ok(starts.every((e) => e.ts === first && e.dur > 0), 'each started in the run, from its start');
  assert.equal(new Set(events.filter((e) => e.cat === 'copy').map((e) => e.args.task)).size, 6, 'every payload copied');
  const trace = await p.evaluate(() => window.conpar.trace());
  const pid = trace.traceEvents.find((e) => e.name === 'process_name' && e.args.name === 'interpreters').pid;
  const names = trace.traceEvents.filter((e) => e.name === 'thread_name' && e.pid === pid).map((e) => e.args.name);
  assert.deepEqual(names, ['interpreter 0', 'interpreter 1'], 'its lanes are interpreters');
  assert.match(await p.textContent('.panel[data-model=interpreters]'), /InterpreterPoolExecutor/);
  assert.equal(await p.isVisible('.legend li[data-state=copy]'), true, 'the legend names the copies');
  const speedup = row(results, 'interpreters').speedup;
  console.log(`6 x cpu 80 payload 1mb on two interpreters: ${speedup.toFixed(2)}× over sequential, gil ${row(results, 'gil').speedup.toFixed(2)}×`);
  assert.ok(speedup > row(results, 'gil').speedup, 'interpreters outpace the GIL build\'s threads');
  assert.equal(new Set(results.map((r) => r.checksum)).size, 1, 'the same work');
  assert.deepEqual(errors, []);
  await close();
});

test('the three start methods: each a choice in the form and the link, each process started once from the run\'s start', async () => {
  for (const start of ['forkserver', 'spawn', 'fork']) {
    const { p, errors, status, close } = await page(`?workload=4+x+cpu+40&models=sequential,processes&processes=2&start=${start}&run=1`);
    assert.equal(status, 'done', start);
    assert.equal(await p.inputValue('#start'), start, 'the form shows it');
    assert.equal(new URL(p.url()).searchParams.get('start'), start === 'forkserver' ? null : start, 'the link keeps it (the default unsaid)');
    const events = spansOf(await p.evaluate(() => window.conpar.trace()), 'processes');
    const first = Math.min(...events.map((e) => e.ts));
    const starts = events.filter((e) => e.cat === 'spawn');
    // forkserver's lanes wait for its server inside their start-up: it too begins at the start.
    assert.deepEqual(starts.map((e) => e.ts), [first, first], `${start}: both processes asked for at the run's start`);
    assert.equal(mostAtOnce(events, 'cpu'), 2, `${start}: two processes computed at once`);
    const results = await p.evaluate(() => window.conpar.results());
    assert.equal(new Set(results.map((r) => r.checksum)).size, 1);
    console.log(`4 x cpu 40 on 2 processes, start=${start}: start-up ${starts.map((e) => (e.dur / 1000).toFixed(0)).join(' and ')} ms`);
    assert.deepEqual(errors, []);
    await close();
  }
});
