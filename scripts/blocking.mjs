// Main-thread blocking while loading, observed (not simulated as Lighthouse does): the sum over
// main-thread tasks after first contentful paint of their time beyond 50 ms, with the CPU slowed
// 4x through the DevTools protocol, for 5 s after load; median of N loads per build. Builds in
// ROOTS (comma-separated, default dist) alternate load by load. ONLY=page,embed,post.
import { launch } from '../tests/page/browser.mjs';
import { serve } from '../tests/page/server.mjs';
const roots = (process.env.ROOTS || 'dist').split(',');
const sites = await Promise.all(roots.map((root) => serve({ root, isolated: true, site: true })));
const browser = await launch();
const targets = { page: '/?preset=mixed', embed: '/?preset=cpu&models=sequential,gil,threads,processes&threads=4&processes=4&embed=1', post: '/post/' };
const N = Number(process.env.N || 5);
for (const name of (process.env.ONLY || 'page,embed,post').split(',')) {
  const got = roots.map(() => []);
  for (let i = 0; i < N; i++) for (let r = 0; r < roots.length; r++) {
    const site = sites[r];
    const context = await browser.newContext({ viewport: { width: 412, height: 823 } });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    const events = [];
    cdp.on('Tracing.dataCollected', (d) => events.push(...d.value));
    await cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline,blink.user_timing,loading', transferMode: 'ReportEvents' });
    await page.goto(site.url + targets[name], { waitUntil: 'load' });
    await page.waitForTimeout(5000);
    const done = new Promise((ok) => cdp.once('Tracing.tracingComplete', ok));
    await cdp.send('Tracing.end'); await done;
    const names = {}; for (const e of events) if (e.name === 'thread_name') names[e.pid + ':' + e.tid] = e.args.name;
    const fcp = events.find((e) => e.name === 'firstContentfulPaint');
    const tasks = events.filter((e) => e.name === 'RunTask' && names[e.pid + ':' + e.tid] === 'CrRendererMain' && e.dur);
    const from = fcp ? fcp.ts : 0;
    const blocking = tasks.filter((t) => t.ts + t.dur > from).map((t) => Math.max(0, (t.ts + t.dur - Math.max(t.ts, from)) / 1000 - 50));
    got[r].push(Math.round(blocking.reduce((a, b) => a + b, 0)));
    await context.close();
  }
  roots.forEach((root, r) => {
    got[r].sort((a, b) => a - b);
    console.log(`${name} ${root}: median ${got[r][Math.floor(N / 2)]} ms  (${got[r].join(', ')})`);
  });
}
await browser.close(); process.exit(0);
