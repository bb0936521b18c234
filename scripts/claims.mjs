// The Claims view's verdicts beside real CPython's on the same experiments: each claim runs in
// the built site (dist/, headless Chromium) from its own link, and under tools/cpython_check.py
// with the same workload, models and pools (its traces judged by examples/judge.rs, the same
// criterion the page uses), alternating, `repeats` times each (default 3). Prints a table: each
// side's verdicts in order, and the sentence of its last run. Usage: node scripts/claims.mjs
// [repeats], after a release build (it builds the judge itself).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '../tests/page/server.mjs';
import { launch, waitStatus } from '../tests/page/browser.mjs';

const build = spawnSync('cargo', ['build', '-q', '--release', '--example', 'judge'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(1);
const site = await serve({ root: 'dist', isolated: true });
const browser = await launch();
const python = spawnSync('python3', ['--version'], { encoding: 'utf8' }).stdout.trim();
const REPEATS = Number(process.argv[2] || 3);
// What CPython's GIL build has no analog of here.
const NO_CPYTHON = { threads: 'free threads need python3.14t, which this machine does not have' };

/// The claim as the page judged its own run of it, and the scenario that run had.
async function inPage(id) {
  const page = await browser.newPage();
  await page.goto(`${site.url}/?claim=${id}&run=1`);
  if (await waitStatus(page, ['done', 'error'], 180000) !== 'done') throw new Error(`${id}: ${await page.textContent('#status')}`);
  const claim = (await page.evaluate(() => window.conpar.claims())).find((c) => c.id === id);
  const scenario = await page.evaluate(() => ({
    workload: document.getElementById('workload').value,
    models: window.conpar.results().map((r) => r.model),
    threads: document.getElementById('threads').value,
    processes: document.getElementById('processes').value,
    cores: navigator.hardwareConcurrency,
  }));
  await page.close();
  return { claim, scenario };
}

/// The same experiment under CPython, judged by the page's criterion.
function inCpython(id, s) {
  const missing = s.models.find((m) => NO_CPYTHON[m]);
  if (missing) return { verdict: '–', because: NO_CPYTHON[missing] };
  const dir = mkdtempSync(join(tmpdir(), 'conpar-claim-'));
  try {
    const run = spawnSync('python3', ['tools/cpython_check.py', '--workload', s.workload, '--threads', s.threads,
      '--processes', s.processes, '--models', s.models.join(','), '--traces', dir], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(run.stderr);
    const traces = s.models.map((m) => join(dir, `${m}.json`));
    const judged = spawnSync('target/release/examples/judge', [id, s.threads, s.processes, String(s.cores), ...traces], { encoding: 'utf8' });
    if (judged.status !== 0) throw new Error(judged.stderr);
    return JSON.parse(judged.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const cell = (text) => text.replace(/\|/g, '\\|');
console.log(`| claim | conpar (Chromium) | ${python} |`);
console.log('|---|---|---|');
const ids = (await (async () => {
  const page = await browser.newPage();
  await page.goto(`${site.url}/?claims=1`);
  await waitStatus(page, ['ready'], 60000);
  const list = await page.evaluate(() => window.conpar.claims().filter((c) => c.experiment).map((c) => c.id));
  await page.close();
  return list;
})());
for (const id of ids) {
  const ours = [], theirs = [];
  for (let i = 0; i < REPEATS; i++) {
    const { claim, scenario } = await inPage(id);
    ours.push(claim);
    theirs.push(inCpython(id, scenario));
  }
  const side = (runs) => `**${runs.map((r) => r.verdict ?? 'none').join(', ')}**: ${cell(runs[runs.length - 1].because)}`;
  console.log(`| \`${id}\` | ${side(ours)} | ${side(theirs)} |`);
}
await browser.close();
await site.close();
