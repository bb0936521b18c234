// Run enabled: ms from navigation start, and from the load event, until the page's Run button is
// enabled; median of N (default 9) loads per build at 1280 px. Builds in ROOTS (comma-separated,
// default dist) alternate load by load. Usage: ROOTS=old-dist,dist node scripts/ready.mjs
import { launch } from '../tests/page/browser.mjs';
import { serve } from '../tests/page/server.mjs';
const roots = (process.env.ROOTS || 'dist').split(',');
const sites = await Promise.all(roots.map((root) => serve({ root, isolated: true, site: true })));
const browser = await launch();
const N = Number(process.env.N || 9);
const got = roots.map(() => ({ nav: [], load: [] }));
for (let i = 0; i < N; i++) for (let r = 0; r < roots.length; r++) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.addInitScript(() => {
    new MutationObserver(() => {
      const b = document.getElementById('run');
      if (b && !b.disabled && !window.__enabledAt) window.__enabledAt = performance.now();
    }).observe(document, { subtree: true, attributes: true, childList: true });
  });
  await page.goto(sites[r].url + '/?preset=mixed');
  await page.waitForFunction(() => window.__enabledAt, null, { timeout: 30000 });
  const [at, load] = await page.evaluate(() => [window.__enabledAt, performance.getEntriesByType('navigation')[0].loadEventEnd]);
  got[r].nav.push(Math.round(at)); got[r].load.push(Math.round(at - load));
  await context.close();
}
const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
roots.forEach((root, r) => console.log(`${root}: Run enabled ${med(got[r].nav)} ms after navigation (${[...got[r].nav].sort((a, b) => a - b).join(' ')}), ${med(got[r].load)} ms after load (${[...got[r].load].sort((a, b) => a - b).join(' ')})`));
await browser.close(); process.exit(0);
