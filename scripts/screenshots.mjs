// The README's screenshots: the built site (dist/) at phone, tablet and desktop widths, light
// and dark, and the embed view, each after a real run. Usage: node scripts/screenshots.mjs
import { serve } from '../tests/page/server.mjs';
import { launch, waitRun, frames } from '../tests/page/browser.mjs';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const site = await serve({ root: 'dist', isolated: true });
const browser = await launch();
const shots = [
  ['docs/desktop-light.png', 1280, 'light', '?preset=mixed&threads=2&processes=2&run=1'],
  ['docs/desktop-dark.png', 1280, 'dark', '?preset=cpu&threads=2&processes=2&run=1'],
  ['docs/tablet-light.png', 700, 'light', '?preset=io&run=1'],
  ['docs/phone-dark.png', 390, 'dark', '?preset=mixed&models=sequential,async,gil&threads=2&run=1'],
  ['docs/embed-light.png', 600, 'light', '?preset=mixed&models=sequential,async,gil,threads&threads=2&embed=1&run=1'],
  ['docs/threads-32.png', 1280, 'light', '?workload=50+x+io+100&models=sequential,async,gil,threads&threads=32&run=1'],
];
for (const [file, width, scheme, query] of shots) {
  const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme, deviceScaleFactor: width < 500 ? 2 : 1 });
  const page = await context.newPage();
  await page.goto(`${site.url}/${query}`);
  await waitRun(page, 1, ['done'], 120000);
  await frames(page, 3);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`${file}: ${width} px, ${scheme}`);
  await context.close();
}
// The preview before a run.
{
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${site.url}/?preset=mixed&threads=2&processes=2`);
  await page.waitForFunction(() => document.documentElement.dataset.status === 'ready');
  await frames(page, 3);
  await page.screenshot({ path: 'docs/before-run.png', fullPage: true });
  console.log('docs/before-run.png: the expected schedules');
}
// Which model for this workload: latency and the recommendation on the hog preset, the
// async row pointed at (its worst-stalled task outlined).
{
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${site.url}/?preset=hog&models=sequential,async,gil,threads&threads=2&run=1`);
  await waitRun(page, 1, ['done'], 120000);
  await page.hover('#results-body tr[data-model=async]');
  await frames(page, 3);
  const top = await page.evaluate(() => document.getElementById('results-section').getBoundingClientRect().top + scrollY);
  // The verdict, the timeline and, below it, the advice and the table.
  const bottom = await page.evaluate(() => document.getElementById('numbers-section').getBoundingClientRect().bottom + scrollY);
  await page.screenshot({ path: 'docs/latency.png', fullPage: true, clip: { x: 0, y: top - 8, width: 1280, height: bottom - top + 16 } });
  console.log('docs/latency.png: stalls, the recommendation, the outlined task');
  await page.close();
}
// The worker sweep on the CPU preset.
{
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${site.url}/?preset=cpu&models=sequential,gil,threads,processes&sweep=1,2,4&run=1`);
  await page.waitForFunction(() => document.documentElement.dataset.sweep === 'done', null, { timeout: 180000 });
  await page.evaluate(() => document.getElementById('notices').hidden = true);
  await page.locator('#sweep-section').screenshot({ path: 'docs/sweep.png' });
  console.log('docs/sweep.png: the sweep');
  await page.close();
}
// The Claims view: every card, three of them judged by their runs.
{
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${site.url}/?claims=1`);
  await page.waitForFunction(() => document.documentElement.dataset.status === 'ready', null, { timeout: 60000 });
  let k = 0;
  for (const id of ['threads-cooperative', 'multiprocessing-best', 'coroutines-cpu']) {
    await page.click(`[data-run-claim="${id}"]`);
    await waitRun(page, ++k, ['done'], 120000);
  }
  await page.evaluate(() => document.getElementById('notices').hidden = true);
  await page.locator('#claims-section').screenshot({ path: 'docs/claims.png' });
  console.log('docs/claims.png: the Claims view');
  await page.close();
}
// Real CPython beside the browser: the page's own programs run by python3, their traces opened.
{
  const dir = mkdtempSync(join(tmpdir(), 'conpar-shots-'));
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${site.url}/?preset=mixed&models=sequential,async,gil&threads=4&run=1`);
  await waitRun(page, 1, ['done'], 120000);
  await page.click('#python-section summary');
  const files = [];
  for (const model of ['sequential', 'async', 'gil']) {
    await page.selectOption('#python-model', model);
    const script = join(dir, `conpar_${model}.py`);
    writeFileSync(script, await page.textContent('#python-code'));
    execFileSync('python3', [script, join(dir, `${model}.json`)]);
    files.push(join(dir, `${model}.json`));
  }
  await page.click('#python-section summary');
  await page.setInputFiles('#trace-file', files);
  await page.waitForFunction(() => document.documentElement.dataset.imported === '3');
  await frames(page, 3);
  await page.locator('#timeline-section').screenshot({ path: 'docs/cpython.png' });
  console.log('docs/cpython.png: CPython beside the browser');
  rmSync(dir, { recursive: true, force: true });
  await page.close();
}
await browser.close();
await site.close();
