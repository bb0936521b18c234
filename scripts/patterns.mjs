// The patterns of issue #22 against real CPython, in one run: asyncio bounded by a semaphore
// (`limit=`), ProcessPoolExecutor.map's chunksize (`chunksize=`), and the hog's CPU sent off the
// event loop (`to_thread`, `executor`: when the chatty task finishes). Each row: conpar's median
// in the built site (dist/, headless Chromium) beside tools/cpython_check.py's median on the
// same workload, alternating, so a slow spell touches both. Usage: node scripts/patterns.mjs
// [repeats] (default 3), after a release build.
import { spawnSync } from 'node:child_process';
import { serve } from '../tests/page/server.mjs';
import { launch, waitStatus } from '../tests/page/browser.mjs';

const REPEATS = Number(process.argv[2] || 3);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const site = await serve({ root: 'dist', isolated: true });
const browser = await launch();

async function conpar(query) {
  const page = await browser.newPage();
  await page.goto(`${site.url}/${query}&run=1`);
  const status = await waitStatus(page, ['done', 'error'], 180000);
  if (status !== 'done') throw new Error(`${query}: ${await page.textContent('#status')}`);
  const results = await page.evaluate(() => window.conpar.results());
  await page.close();
  return results;
}

function cpython(args) {
  const out = spawnSync('python3', ['tools/cpython_check.py', ...args], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(out.stderr);
  return JSON.parse(out.stdout).results;
}

const pick = (results, model, field) => {
  const r = results.find((x) => x.model === model);
  // The hog's chatty task (task 1): when it finished, in conpar's latency or CPython's list.
  if (field === 'chatty') return r.latency ? r.latency.tasks.find((t) => t.task === 1).finish_ms : r.finish_ms[1];
  return r[field];
};
const cases = [
  // [label, conpar query, CPython args, the model, the field compared, the CPython figure]
  ['100 x io 50, async unbounded', '?workload=100+x+io+50&models=async', ['--workload', '100 x io 50', '--models', 'async'], 'async', 'wall_ms', '~52 ms'],
  ['100 x io 50, async limit=10', '?workload=100+x+io+50&models=async&limit=10', ['--workload', '100 x io 50', '--models', 'async', '--limit', '10'], 'async', 'wall_ms', '~0.51 s'],
  ['100 x io 50, async limit=3', '?workload=100+x+io+50&models=async&limit=3', ['--workload', '100 x io 50', '--models', 'async', '--limit', '3'], 'async', 'wall_ms', '~1.71 s'],
  ['2000 x cpu 1, processes=2 chunksize=1 (speedup)', '?workload=2000+x+cpu+1&models=sequential,processes&processes=2', ['--workload', '2000 x cpu 1', '--models', 'sequential,processes', '--processes', '2'], 'processes', 'speedup', '1.3–1.5×'],
  ['2000 x cpu 1, processes=2 chunksize=100 (speedup)', '?workload=2000+x+cpu+1&models=sequential,processes&processes=2&chunksize=100', ['--workload', '2000 x cpu 1', '--models', 'sequential,processes', '--processes', '2', '--chunksize', '100'], 'processes', 'speedup', '1.7–1.85×'],
  ['hog: the chatty task finishes, async', '?preset=hog&models=async,to_thread,executor&processes=2&threads=6', ['--workload', 'hog', '--models', 'async,to_thread,executor', '--processes', '2', '--threads', '6'], 'async', 'chatty', '~1.5 s'],
  ['hog: the chatty task finishes, to_thread', '?preset=hog&models=async,to_thread,executor&processes=2&threads=6', ['--workload', 'hog', '--models', 'async,to_thread,executor', '--processes', '2', '--threads', '6'], 'to_thread', 'chatty', '~0.67 s'],
  ['hog: the chatty task finishes, executor', '?preset=hog&models=async,to_thread,executor&processes=2&threads=6', ['--workload', 'hog', '--models', 'async,to_thread,executor', '--processes', '2', '--threads', '6'], 'executor', 'chatty', '~0.53 s (ideal 0.525 s)'],
];
const python = spawnSync('python3', ['--version'], { encoding: 'utf8' }).stdout.trim();
const rows = [];
const runs = new Map();
for (const [label, query, args, model, field, figure] of cases) {
  const ours = [], theirs = [];
  for (let i = 0; i < REPEATS; i++) {
    // Rows that read other models of one run (the hog's three) share its repeats.
    const key = `${i} ${query} ${args.join(' ')}`;
    if (!runs.has(key)) runs.set(key, [await conpar(query), cpython(args)]);
    const [page, run] = runs.get(key);
    ours.push(pick(page, model, field));
    theirs.push(pick(run, model, field));
  }
  const [a, b] = [median(ours), median(theirs)];
  const show = (v) => (field === 'speedup' ? `${v.toFixed(2)}×` : `${v.toFixed(0)} ms`);
  rows.push({ label, conpar: show(a), cpython: show(b), ratio: (a / b).toFixed(2), figure, spread: `${show(Math.min(...ours))}–${show(Math.max(...ours))}` });
}
console.log(`| pattern | conpar (median of ${REPEATS}) | conpar range | ${python} | conpar / CPython | issue's CPython figure |`);
console.log('|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.label} | ${r.conpar} | ${r.spread} | ${r.cpython} | ${r.ratio} | ${r.figure} |`);
await browser.close();
await site.close();
