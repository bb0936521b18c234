// What a reader of the example post downloads and starts: requests and bytes the host sent on
// a first visit and on a second (the browser's cache kept, the build served as its own
// _headers says), and how many workers each embed started once all had come into view (the
// post's embeds are recordings: each shows its author's run, done, until its reader runs it).
// Prints a table. Usage: node scripts/visits.mjs
import { serve } from '../tests/page/server.mjs';
import { launch, waitStatus } from '../tests/page/browser.mjs';

const site = await serve({ root: 'dist', isolated: true, site: true });
const browser = await launch();
const context = await browser.newContext({ viewport: { width: 412, height: 900 } });
// Every worker of every frame, nested ones too (the pool's workers are started by the
// conductor's), as the DevTools protocol sees them.
const cdp = await browser.newBrowserCDPSession();
const workers = new Map();
cdp.on('Target.targetCreated', ({ targetInfo: t }) => {
  if (t.type === 'worker') workers.set(t.targetId, t);
});
await cdp.send('Target.setDiscoverTargets', { discover: true });

async function visit() {
  const before = { ...site.counted };
  const seen = workers.size;
  const page = await context.newPage();
  await page.goto(`${site.url}/post/`);
  const frames = [];
  for (const element of await page.$$('iframe')) {
    await element.scrollIntoViewIfNeeded();
    const frame = await element.contentFrame();
    await waitStatus(frame, ['ready', 'done'], 90000);
    frames.push(frame);
  }
  // Let late workers (process shells) appear.
  await page.waitForTimeout(1500);
  const started = workers.size - seen;
  const perEmbed = await Promise.all(frames.map((f) => f.evaluate(() => new URLSearchParams(location.search).get('models'))));
  await page.close();
  return {
    requests: site.counted.requests - before.requests,
    notModified: site.counted.notModified - before.notModified,
    bytes: site.counted.bytes - before.bytes,
    workers: started,
    embeds: perEmbed,
  };
}

const first = await visit();
const second = await visit();
console.log(`| visit | requests | of them 304 | bytes sent | workers started (${first.embeds.length} embeds) |`);
console.log('|---|---|---|---|---|');
for (const [name, v] of [['first', first], ['second', second]]) {
  console.log(`| ${name} | ${v.requests} | ${v.notModified} | ${(v.bytes / 1024).toFixed(0)} KiB | ${v.workers} |`);
}
console.log(`\nembeds: ${first.embeds.join(' · ')}`);

// Each embed alone, and one that shows no threaded model: the workers it starts by the time it
// shows (ready, or its recording done), and by the end of one run on this device.
const { readFileSync } = await import('node:fs');
const sources = [...readFileSync('examples/post/index.html', 'utf8').matchAll(/<iframe src="\.\.\/([^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));
sources.push('?preset=mixed&models=sequential,async,processes&threads=6&processes=2&embed=1');
console.log('\n| embed | workers when shown | after one run |');
console.log('|---|---|---|');
for (const src of sources) {
  const seen = workers.size;
  const page = await context.newPage();
  await page.goto(`${site.url}/${src}`);
  await waitStatus(page, ['ready', 'done'], 90000);
  await page.waitForTimeout(1000);
  const ready = workers.size - seen;
  await page.click('#run');
  await page.waitForFunction(() => Number(document.documentElement.dataset.run || 0) >= 1 && ['done', 'error'].includes(document.documentElement.dataset.status), null, { timeout: 120000 });
  const ran = workers.size - seen;
  await page.close();
  const q = new URLSearchParams(src.split('#')[0]);
  console.log(`| ${q.get('models')} (threads=${q.get('threads')}, processes=${q.get('processes')}) | ${ready} | ${ran} |`);
}
await browser.close();
await site.close();
