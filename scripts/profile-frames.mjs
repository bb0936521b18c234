// Profiling aid (not a test): frame gaps on the page while a heavy gil run goes on.
// Usage: node scripts/profile-frames.mjs (after a release build into dist/).
import { serve } from '../tests/page/server.mjs';
import { launch, waitStatus } from '../tests/page/browser.mjs';
const srv = await serve({ root: 'dist' });
const b = await launch();
const p = await b.newPage({ viewport: { width: 1280, height: 900 } });
await p.addInitScript(() => { window.__f = []; const t = (x) => { window.__f.push([x, document.documentElement.dataset.status]); requestAnimationFrame(t); }; requestAnimationFrame(t); });
const t0 = Date.now();
await p.goto(srv.url + '/?workload=8+x+cpu+400&models=gil&workers=2&switch=0.1&run=1');
console.log(await waitStatus(p, ['done', 'error'], 120000), 'in', Date.now() - t0, 'ms');
const r = await p.evaluate(() => { const run = window.__f.filter(([, s]) => s === 'running').map(([t]) => t); const g = run.slice(1).map((t, i) => t - run[i]); g.sort((a, b) => a - b); return { frames: run.length, median: g[g.length >> 1], p95: g[Math.floor(g.length * 0.95)], worst: g[g.length - 1] }; });
const spans = await p.evaluate(() => window.conpar.trace().traceEvents.filter((e) => e.ph === 'X').length);
console.log(JSON.stringify(r), 'spans', spans);
const t1 = Date.now(); await p.hover('canvas[data-model=gil]'); await p.click('#zoom-in'); console.log('zoom click took', Date.now() - t1, 'ms');
await b.close(); await srv.close();
