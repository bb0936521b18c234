// A/B of two builds of the site in one run, alternating (A B A B …), so the machine's slow and
// fast spells touch both alike: the speedups of the CPU preset (all five models) and the time
// from load to ready. Prints a table of medians and the B/A ratio.
// Usage: node scripts/ab.mjs <dist-A> <dist-B> [pairs]   (e.g. a build of the previous main)
import { serve } from '../tests/page/server.mjs';
import { launch, waitStatus } from '../tests/page/browser.mjs';

const [dirA, dirB] = process.argv.slice(2, 4);
const PAIRS = Number(process.argv[4] || 7);
if (!dirA || !dirB) {
  console.error('usage: node scripts/ab.mjs <dist-A> <dist-B> [pairs]');
  process.exit(2);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const browser = await launch();
const arms = await Promise.all([dirA, dirB].map(async (root) => ({ root, site: await serve({ root, isolated: true }), samples: [] })));
const query = '?preset=cpu&models=sequential,async,gil,threads,processes&threads=2&processes=2';

async function sample(arm) {
  const page = await browser.newPage();
  const t0 = Date.now();
  await page.goto(`${arm.site.url}/${query}`);
  await waitStatus(page, ['ready'], 60000);
  const ready = Date.now() - t0;
  await page.click('#run');
  await page.waitForFunction(() => Number(document.documentElement.dataset.run || 0) >= 1
    && ['done', 'error'].includes(document.documentElement.dataset.status), null, { timeout: 180000 });
  const r = await page.evaluate(() => window.conpar.results());
  await page.close();
  const speed = Object.fromEntries(r.map((m) => [m.model, m.speedup]));
  arm.samples.push({ ready, ...speed, flagged: r.filter((m) => m.disturbed.length).length });
}

for (let i = 0; i < PAIRS; i++) {
  // Which arm goes first alternates too.
  for (const arm of i % 2 ? [...arms].reverse() : arms) await sample(arm);
}
const rows = ['ready', 'async', 'gil', 'threads', 'processes'];
console.log(`| measure (median of ${PAIRS}) | A: ${dirA} | B: ${dirB} | B / A |`);
console.log('|---|---|---|---|');
for (const key of rows) {
  const [a, b] = arms.map((arm) => median(arm.samples.map((s) => s[key])));
  const fmt = (x) => (key === 'ready' ? `${x.toFixed(0)} ms` : `${x.toFixed(3)}×`);
  console.log(`| ${key === 'ready' ? 'load to ready' : `${key} speedup`} | ${fmt(a)} | ${fmt(b)} | ${(b / a).toFixed(3)} |`);
}
console.log(`| runs with a flagged model | ${arms[0].samples.filter((s) => s.flagged).length} | ${arms[1].samples.filter((s) => s.flagged).length} | |`);
await browser.close();
await Promise.all(arms.map((a) => a.site.close()));
