// Lighthouse 12.2.3 (mobile and desktop presets) on the page, an embed, the example post and
// the Claims view, served with the site's headers, in the system Chromium. Prints a table of the
// scores and the metrics behind them. Lighthouse is installed into .tools/lighthouse the first
// time (it is a benchmark's tool, not the tests'). Usage: node scripts/lighthouse.mjs [runs]
// SLOWDOWN=<n> simulates a CPU n times slower than this machine instead of the presets' 4 (1 for
// desktop): Lighthouse multiplies the tasks it observes, so a faster machine than the phone it
// stands for reads less blocking; a larger n asks what a slower machine or phone would read.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { serve } from '../tests/page/server.mjs';
import { CHROMIUM } from '../tests/page/browser.mjs';

const VERSION = '12.2.3';
const TOOLS = join(process.cwd(), '.tools', 'lighthouse');
const require = createRequire(join(TOOLS, 'package.json'));
const installed = () => {
  try { return require('lighthouse/package.json').version === VERSION; } catch { return false; }
};
if (!existsSync(TOOLS) || !installed()) {
  console.error(`Installing lighthouse ${VERSION} into .tools/lighthouse …`);
  execFileSync('npm', ['install', '--prefix', TOOLS, '--no-audit', '--no-fund', '--no-save', `lighthouse@${VERSION}`], { stdio: 'inherit' });
}
const { default: lighthouse } = await import(require.resolve('lighthouse'));
const { launch } = await import(require.resolve('chrome-launcher'));

const RUNS = Number(process.argv[2] || 1);
// As a host serves the build: its own _headers (isolation, caching), gzip.
// `post-frames`: the same post with each light element (<conpar-embed>) replaced by the frame it
// makes when pressed, to weigh the frames against the elements.
const root = process.env.ROOT || 'dist';
const asFrames = () => (readFileSync(join(root, 'post', 'index.html'), 'utf8'))
  .replace('href="post.css"', 'href="/post/post.css"')
  .replace(/<conpar-embed src="([^"]+)" title="([^"]+)" height="(\d+)"[\s\S]*?<\/conpar-embed>/g,
    '<iframe src="$1" title="$2" width="100%" height="$3" loading="lazy"></iframe>');
// `post-bare`: the post with no demo at all, the floor the other two stand on.
const bare = () => (readFileSync(join(root, 'post', 'index.html'), 'utf8'))
  .replace('href="post.css"', 'href="/post/post.css"')
  .replace(/<conpar-embed[\s\S]*?<\/conpar-embed>/g, '');
// Written beside the post, so they are served with the same headers (the site's _headers).
for (const [dir, text] of [['post-frames', asFrames], ['post-bare', bare]]) {
  mkdirSync(join(root, dir), { recursive: true });
  writeFileSync(join(root, dir, 'index.html'), text());
  process.on('exit', () => rmSync(join(root, dir), { recursive: true, force: true }));
}
const site = await serve({ root, isolated: true, site: true });
const ONLY = process.env.ONLY ? process.env.ONLY.split(',') : null;
const TARGETS = [
  ['page', '/?preset=mixed'],
  ['embed', '/?preset=cpu&models=sequential,gil,threads,processes&threads=4&processes=4&embed=1'],
  ['post', '/post/'],
  ['post-frames', '/post-frames/'],
  ['post-bare', '/post-bare/'],
  ['claims', '/?claims=1'],
];
const chrome = await launch({ chromePath: CHROMIUM, chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu'] });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
for (const preset of ['mobile', 'desktop']) {
  for (const [name, path] of TARGETS) {
    if (ONLY && !ONLY.includes(`${preset}-${name}`)) continue;
    const got = { perf: [], a11y: [], lcp: [], tbt: [], cls: [], fcp: [], si: [] };
    for (let i = 0; i < RUNS; i++) {
      const config = preset === 'desktop'
        ? (await import(require.resolve('lighthouse/core/config/desktop-config.js'))).default
        : undefined;
      const { throttling: presets } = await import(require.resolve('lighthouse/core/config/constants.js'));
      const base = preset === 'desktop' ? presets.desktopDense4G : presets.mobileSlow4G;
      const throttling = process.env.SLOWDOWN ? { ...base, cpuSlowdownMultiplier: Number(process.env.SLOWDOWN) } : undefined;
      const result = await lighthouse(`${site.url}${path}`, {
        port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance', 'accessibility'],
        ...(throttling ? { throttling } : {}),
      }, config);
      const { categories, audits } = result.lhr;
      if (process.env.SAVE) (await import('node:fs')).writeFileSync(`/tmp/lhr-${preset}-${name}.json`, JSON.stringify(result.lhr));
      got.perf.push(Math.round(categories.performance.score * 100));
      got.a11y.push(Math.round(categories.accessibility.score * 100));
      got.lcp.push(audits['largest-contentful-paint'].numericValue);
      got.fcp.push(audits['first-contentful-paint'].numericValue);
      got.tbt.push(audits['total-blocking-time'].numericValue);
      got.cls.push(audits['cumulative-layout-shift'].numericValue);
      got.si.push(audits['speed-index'].numericValue);
      const failing = Object.values(audits).filter((a) => a.score !== null && a.score < 0.9 && a.scoreDisplayMode !== 'informative' && a.scoreDisplayMode !== 'notApplicable' && a.scoreDisplayMode !== 'manual');
      const lcpElement = JSON.stringify(audits['largest-contentful-paint-element']?.details ?? null).match(/"(?:snippet|nodeLabel)":"([^"]*)"/g)?.slice(0, 2).join(' ');
      if (process.env.LONG_TASKS) console.error(JSON.stringify((audits['long-tasks']?.details?.items || []).map((t) => [t.url, Math.round(t.startTime), Math.round(t.duration)])));
      if (i === 0) console.error(`${preset} ${name}: LCP element ${lcpElement}; below 0.9: ${failing.map((a) => `${a.id} (${a.displayValue || a.score})`).join(', ') || 'none'}`);
    }
    rows.push([preset, name, median(got.perf), median(got.a11y), `${(median(got.fcp) / 1000).toFixed(1)} s`,
      `${(median(got.lcp) / 1000).toFixed(1)} s`, `${Math.round(median(got.tbt))} ms`, median(got.cls).toFixed(3), `${(median(got.si) / 1000).toFixed(1)} s`]);
  }
}
await chrome.kill();
await site.close();
console.log(`\nLighthouse ${VERSION}, ${RUNS} run(s) each, median${process.env.SLOWDOWN ? `, CPU slowed ${process.env.SLOWDOWN}×` : ''}; Chromium ${execFileSync(CHROMIUM, ['--version']).toString().trim()}`);
console.log('| preset | target | performance | accessibility | FCP | LCP | TBT | CLS | speed index |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
