// Soak: N consecutive runs of all five models on the mixed preset in one tab, sampling every
// 10 runs the JS heap after a garbage collection, DOM nodes, event listeners and live workers
// (Chrome DevTools Protocol). Prints a table and the growth from the first sample after
// warm-up to the last. Usage: node scripts/soak.mjs [runs=200] (after a release build in dist/).
import { serve } from '../tests/page/server.mjs';
import { launch, waitRun } from '../tests/page/browser.mjs';

const RUNS = Number(process.argv[2] || 200);
const site = await serve({ root: 'dist', isolated: true });
const browser = await launch();
const page = await browser.newPage();
const cdp = await page.context().newCDPSession(page);
await cdp.send('Target.setDiscoverTargets', { discover: true });

async function sample(run) {
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = await cdp.send('Runtime.getHeapUsage');
  const dom = await cdp.send('Memory.getDOMCounters');
  const { targetInfos } = await cdp.send('Target.getTargets');
  return {
    run,
    heapMb: heap.usedSize / 1048576,
    nodes: dom.nodes,
    listeners: dom.jsEventListeners,
    workers: targetInfos.filter((t) => t.type === 'worker').length,
  };
}

const started = Date.now();
await page.goto(`${site.url}/?preset=mixed&threads=2&processes=2&run=1`);
const samples = [];
let failures = 0;
for (let run = 1; run <= RUNS; run++) {
  if (run > 1) await page.click('#run');
  const status = await waitRun(page, run, ['done', 'error'], 120000);
  if (status !== 'done') failures++;
  if (run % 10 === 0 || run === 1) {
    samples.push(await sample(run));
    const s = samples[samples.length - 1];
    console.log(`run ${String(run).padStart(4)}: heap ${s.heapMb.toFixed(2)} MB, ${s.nodes} nodes, ${s.listeners} listeners, ${s.workers} workers`);
  }
}
await browser.close();
await site.close();

// Growth after warm-up: from the sample at run 20 (caches and JIT settled) to the last.
const base = samples.find((s) => s.run >= 20) || samples[0];
const last = samples[samples.length - 1];
const growth = (key) => ((last[key] / base[key] - 1) * 100).toFixed(1);
console.log(`\n| measure (${RUNS} runs of the mixed preset, all five models, one tab) | run ${base.run} | run ${last.run} | growth |`);
console.log('|---|---|---|---|');
console.log(`| JS heap after GC | ${base.heapMb.toFixed(2)} MB | ${last.heapMb.toFixed(2)} MB | ${growth('heapMb')} % |`);
console.log(`| DOM nodes | ${base.nodes} | ${last.nodes} | ${growth('nodes')} % |`);
console.log(`| event listeners | ${base.listeners} | ${last.listeners} | ${growth('listeners')} % |`);
console.log(`| live workers | ${base.workers} | ${last.workers} | ${growth('workers')} % |`);
console.log(`| runs that failed | | ${failures} | |`);
console.log(`\n${RUNS} runs in ${((Date.now() - started) / 60000).toFixed(1)} min; goal: growth < 10 % after warm-up, workers flat.`);
