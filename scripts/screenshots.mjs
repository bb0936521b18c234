// The README's screenshots: the built site (dist/) at phone, tablet and desktop widths, light
// and dark, and the embed view, each after a real run. Usage: node scripts/screenshots.mjs
import { serve } from '../tests/page/server.mjs';
import { launch, waitRun, frames } from '../tests/page/browser.mjs';

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
await browser.close();
await site.close();
