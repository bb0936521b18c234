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

// python3, and beside it the Python the page names when PYTHON314 is set (bash
// scripts/py314.sh prints one), each row measured under both in the same run.
const PYTHONS = ['python3', process.env.PYTHON314].filter(Boolean);
function cpython(args, exe = 'python3') {
  const out = spawnSync(exe, ['tools/cpython_check.py', ...args], { encoding: 'utf8' });
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
  // Two sizes of to_thread the hog preset does not use: a long step sent to a thread beside
  // twenty short waits and computations, also sent to threads.
  ['to_thread: cpu 500 beside 20 × (io 20, cpu 1), the chatty task finishes', '?workload=cpu%20500%0Aio%2020%2C%20cpu%201%2C%20io%2020%2C%20cpu%201%2C%20io%2020%2C%20cpu%201%2C%20io%2020%2C%20cpu%201%2C%20io%2020%2C%20cpu%201%2C%20io%2020%2C%20cpu%201%2C%20io%2020%2C%20cpu%201%2C%20io%2020%2C%20cpu%201%2C%20io%2020%2C%20cpu%201%2C%20io%2020%2C%20cpu%201%2C%20io%2020%2C%20cpu%201%2C%20io%2020%2C%20cpu%201%2C%20io%2020%2C%20cpu%201%2C%20io%2020%2C%20cpu%201%2C%20io%2020%2C%20cpu%201%2C%20io%2020%2C%20cpu%201%2C%20io%2020%2C%20cpu%201%2C%20io%2020%2C%20cpu%201%2C%20io%2020%2C%20cpu%201%2C%20io%2020%2C%20cpu%201&models=to_thread&threads=4', ['--workload', 'cpu 500\nio 20, cpu 1, io 20, cpu 1, io 20, cpu 1, io 20, cpu 1, io 20, cpu 1, io 20, cpu 1, io 20, cpu 1, io 20, cpu 1, io 20, cpu 1, io 20, cpu 1, io 20, cpu 1, io 20, cpu 1, io 20, cpu 1, io 20, cpu 1, io 20, cpu 1, io 20, cpu 1, io 20, cpu 1, io 20, cpu 1, io 20, cpu 1, io 20, cpu 1', '--models', 'to_thread', '--threads', '4'], 'to_thread', 'chatty', '–'],
  ['to_thread: cpu 600 beside 20 × (io 15, cpu 5), the chatty task finishes', '?workload=cpu%20600%0Aio%2015%2C%20cpu%205%2C%20io%2015%2C%20cpu%205%2C%20io%2015%2C%20cpu%205%2C%20io%2015%2C%20cpu%205%2C%20io%2015%2C%20cpu%205%2C%20io%2015%2C%20cpu%205%2C%20io%2015%2C%20cpu%205%2C%20io%2015%2C%20cpu%205%2C%20io%2015%2C%20cpu%205%2C%20io%2015%2C%20cpu%205%2C%20io%2015%2C%20cpu%205%2C%20io%2015%2C%20cpu%205%2C%20io%2015%2C%20cpu%205%2C%20io%2015%2C%20cpu%205%2C%20io%2015%2C%20cpu%205%2C%20io%2015%2C%20cpu%205%2C%20io%2015%2C%20cpu%205%2C%20io%2015%2C%20cpu%205%2C%20io%2015%2C%20cpu%205%2C%20io%2015%2C%20cpu%205&models=to_thread&threads=4', ['--workload', 'cpu 600\nio 15, cpu 5, io 15, cpu 5, io 15, cpu 5, io 15, cpu 5, io 15, cpu 5, io 15, cpu 5, io 15, cpu 5, io 15, cpu 5, io 15, cpu 5, io 15, cpu 5, io 15, cpu 5, io 15, cpu 5, io 15, cpu 5, io 15, cpu 5, io 15, cpu 5, io 15, cpu 5, io 15, cpu 5, io 15, cpu 5, io 15, cpu 5, io 15, cpu 5', '--models', 'to_thread', '--threads', '4'], 'to_thread', 'chatty', '–'],
  ['hog: the chatty task finishes, executor', '?preset=hog&models=async,to_thread,executor&processes=2&threads=6', ['--workload', 'hog', '--models', 'async,to_thread,executor', '--processes', '2', '--threads', '6'], 'executor', 'chatty', '~0.53 s (ideal 0.525 s)'],
];
const versions = PYTHONS.map((exe) => `${spawnSync(exe, ['--version'], { encoding: 'utf8' }).stdout.trim()} (median of ${REPEATS})`);
const rows = [];
const runs = new Map();
// ONLY=<text>: just the rows whose label contains it.
const only = process.env.ONLY || '';
for (const [label, query, args, model, field, figure] of cases.filter((c) => c[0].includes(only))) {
  const ours = [], theirs = PYTHONS.map(() => []);
  for (let i = 0; i < REPEATS; i++) {
    // Rows that read other models of one run (the hog's three) share its repeats.
    const key = `${i} ${query} ${args.join(' ')}`;
    if (!runs.has(key)) runs.set(key, [await conpar(query), PYTHONS.map((exe) => cpython(args, exe))]);
    const [page, byPython] = runs.get(key);
    ours.push(pick(page, model, field));
    byPython.forEach((run, k) => theirs[k].push(pick(run, model, field)));
  }
  const a = median(ours);
  const bs = theirs.map(median);
  const show = (v) => (field === 'speedup' ? `${v.toFixed(2)}×` : `${v.toFixed(0)} ms`);
  rows.push({ label, conpar: show(a), cpython: bs.map(show), ratio: bs.map((b) => (a / b).toFixed(2)).join(' · '), figure, spread: `${show(Math.min(...ours))}–${show(Math.max(...ours))}` });
}
console.log(`| pattern | conpar (median of ${REPEATS}) | conpar range | ${versions.join(' | ')} | conpar / CPython (each) | issue's CPython figure |`);
console.log(`|---|---|---|${PYTHONS.map(() => '---|').join('')}---|---|`);
for (const r of rows) console.log(`| ${r.label} | ${r.conpar} | ${r.spread} | ${r.cpython.join(' | ')} | ${r.ratio} | ${r.figure} |`);
await browser.close();
await site.close();
