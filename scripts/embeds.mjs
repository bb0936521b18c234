// One embed alone against three in one post started together (they take turns), alternating in
// one run: the speedups each embed measured, how many were flagged, and whether any two
// measured runs overlapped on the wall clock. Prints a table.
// Usage: node scripts/embeds.mjs [rounds] [--sites]
// With --sites the post is on another site (127.0.0.2, conpar on 127.0.0.1 served with its
// _headers) and the two arms are three embeds in Chromium as installed (third-party storage
// blocked: the frames take turns by messages) and in a Chromium that allows it (the Web Lock).
import { chromium } from 'playwright-core';
import { serve } from '../tests/page/server.mjs';
import { launch, CHROMIUM, ARGS } from '../tests/page/browser.mjs';

const ROUNDS = Number(process.argv[2] || 3);
const SITES = process.argv.includes('--sites');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const site = SITES ? await serve({ root: 'dist', site: true })
  : await serve({ root: 'dist', isolated: true, headers: { 'Document-Isolation-Policy': 'isolate-and-require-corp' } });
const src = `${site.url}/?preset=cpu&models=sequential,threads,processes&threads=2&processes=2&embed=1&run=1${process.env.EXTRA || ""}`;
const post = (n) => `<!doctype html><html><body>${Array.from({ length: n }, () => `<iframe src="${src}" width="600" height="520"></iframe>`).join('')}</body></html>`;
// IDLE=1: the lone embed has two neighbours that start their engines (in view) but never run.
const idle = `<iframe src="${src.replace('&run=1', '')}" width="600" height="520"></iframe>`;
const lone = (n) => (process.env.IDLE ? post(n).replace('</body>', `${idle}${idle}</body>`) : post(n));
const blog = await serve({ root: 'dist', isolated: false, host: SITES ? '127.0.0.2' : '127.0.0.1', extraRoutes: { '/one.html': () => lone(1), '/three.html': () => post(3) } });
const browser = await launch();
const allowing = SITES ? await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...ARGS, '--disable-features=TrackingProtection3pcd'] }) : null;
const arm = () => ({ threads: [], processes: [], flagged: 0, runs: 0, overlaps: 0, ms: [], locks: new Set() });
const arms = SITES ? { blocked: arm(), allowed: arm() } : { one: arm(), three: arm() };
const names = Object.keys(arms);

async function visit(name) {
  const page = await (name === 'allowed' ? allowing : browser).newPage({ viewport: { width: 700, height: 1800 } });
  const t0 = Date.now();
  await page.goto(`${blog.url}/${name === 'one' ? 'one' : 'three'}.html`);
  const frames = await Promise.all((await page.$$('iframe')).slice(0, name === 'one' ? 1 : 3).map((f) => f.contentFrame()));
  // Which way the frames could take turns: the Web Lock, or (denied) messages among the frames.
  arms[name].locks.add(await frames[0].evaluate(() => navigator.locks.request('conpar-probe', () => 'the Web Lock').catch((e) => `messages (the lock: ${e.name})`)));
  await Promise.all(frames.map((f) => f.waitForFunction(() => Number(document.documentElement.dataset.run || 0) >= 1
    && ['done', 'error'].includes(document.documentElement.dataset.status), null, { timeout: 180000 })));
  arms[name].ms.push(Date.now() - t0);
  const windows = [];
  const startups = await Promise.all(frames.map((f) => f.evaluate(() => window.conparStartup)));
  for (const [i, f] of frames.entries()) {
    const r = await f.evaluate(() => window.conpar.results());
    const t = await f.evaluate(() => window.conpar.trace());
    const run = [t.otherData.start_epoch_ms, t.otherData.end_epoch_ms];
    windows.push(run);
    arms[name].runs++;
    // Another frame's start-up (instantiating, starting the page, its first frames) during
    // this frame's measured run: outside every turn, it shares the cores with the run.
    const crossed = startups.filter((s, j) => j !== i && s && s.from < run[1] && (s.to ?? Infinity) > run[0]).length;
    if (crossed) arms[name].crossed = (arms[name].crossed || 0) + 1;
    if (r.some((m) => m.disturbed.length)) {
      arms[name].flagged++;
      if (crossed) arms[name].flaggedCrossed = (arms[name].flaggedCrossed || 0) + 1;
      if (process.env.VERBOSE) console.error(`${name}: frame ${i}, run from ${Math.round(run[0] - Math.min(...startups.map((x) => x?.from ?? Infinity)))} ms after the first start-up to ${Math.round(run[1] - run[0])} ms long; flagged (${crossed} start-ups of other frames during the run): ${r.filter((m) => m.disturbed.length).map((m) => `${m.model}: ${m.disturbed.join('; ')}`).join(' | ')}`);
    }
    for (const m of ['threads', 'processes']) arms[name][m].push(r.find((x) => x.model === m).speedup);
  }
  windows.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < windows.length; i++) if (windows[i][0] < windows[i - 1][1]) arms[name].overlaps++;
  await page.close();
}

for (let i = 0; i < ROUNDS; i++) for (const name of i % 2 ? [...names].reverse() : names) await visit(name);
const heads = SITES ? ['three embeds, third-party storage blocked', 'three embeds, third-party storage allowed']
  : ['one embed alone', 'three embeds in one post'];
console.log(`| measure (median over ${ROUNDS} visits) | ${heads.join(' | ')} |`);
console.log('|---|---|---|');
const row = (what, f) => console.log(`| ${what} | ${names.map((n) => f(arms[n])).join(' | ')} |`);
if (SITES) row('turns taken through', (a) => [...a.locks].join(', '));
row('threads speedup, per embed', (a) => `${median(a.threads).toFixed(2)}× (${Math.min(...a.threads).toFixed(2)}–${Math.max(...a.threads).toFixed(2)})`);
row('processes speedup, per embed', (a) => `${median(a.processes).toFixed(2)}× (${Math.min(...a.processes).toFixed(2)}–${Math.max(...a.processes).toFixed(2)})`);
row('embed runs with a flagged model', (a) => `${a.flagged} of ${a.runs}`);
row('measured runs that overlapped another', (a) => `${a.overlaps}`);
row('runs during another frame\'s start-up (of them flagged)', (a) => `${a.crossed || 0} (${a.flaggedCrossed || 0})`);
row('post opened → every embed done', (a) => `${(median(a.ms) / 1000).toFixed(1)} s`);
await browser.close();
await allowing?.close();
await site.close();
await blog.close();
