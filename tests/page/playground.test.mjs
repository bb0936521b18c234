// Page tests of the playground as a person uses it: controls and the URL, the timeline's
// hover, zoom, scrub, replay and table, keyboard use, phone width, dark theme, reduced motion,
// layout stability.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setUp, browser, site } from './harness.mjs';
import { waitStatus, waitRun, frames, colourPixels, openSettings } from './browser.mjs';

setUp();

async function page(query, { states = ['done', 'error'], ...options } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const p = await context.newPage();
  const errors = [];
  p.on('pageerror', (e) => errors.push(String(e)));
  await p.goto(`${site.url}/${query}`);
  await waitStatus(p, states, 90000);
  return { p, errors, close: () => context.close() };
}

const view = (p) => p.getAttribute('#panels', 'data-view').then((v) => v.split(',').map(Number));

/// Acts, then waits for the next drawn frame to show a different time window.
async function viewAfter(p, act) {
  const before = await p.getAttribute('#panels', 'data-view');
  await act();
  await p.waitForFunction((b) => document.getElementById('panels').dataset.view !== b, before);
  return view(p);
}

/// Pixels of a panel's canvas in the CPU colour.
const cpuPixels = (p, model) => colourPixels(p, `canvas[data-model=${model}]`, [0x00, 0x72, 0xb2]);

test('every control is in the URL, and the URL restores every control', async () => {
  const { p, close } = await page('?preset=io', { states: ['ready'] });
  await p.selectOption('#preset', 'cpu');
  assert.match(await p.evaluate(() => location.search), /preset=cpu/);
  await p.uncheck('input[name=model][value=gil]');
  await openSettings(p);
  await p.fill('#threads', '40');
  await p.dispatchEvent('#threads', 'change');
  await p.fill('#processes', '1');
  await p.dispatchEvent('#processes', 'change');
  await p.fill('#switch', '2.5');
  await p.dispatchEvent('#switch', 'change');
  await p.fill('#seed', '77');
  await p.dispatchEvent('#seed', 'change');
  await p.fill('#limit', '2');
  await p.dispatchEvent('#limit', 'change');
  await p.fill('#chunksize', '3');
  await p.dispatchEvent('#chunksize', 'change');
  await p.fill('#workload', '3 x io 40, cpu 5');
  await p.waitForFunction(() => location.search.includes('workload='));
  const url = await p.evaluate(() => location.href);
  assert.match(url, /models=sequential,async,threads,processes/);
  assert.match(url, /threads=40&processes=1/);
  assert.match(url, /switch=2.5/);
  assert.match(url, /seed=77/);
  assert.match(url, /limit=2&chunksize=3/);
  assert.match(url, /workload=3\+x\+io\+40,\+cpu\+5/);
  assert.equal(await p.inputValue('#preset'), 'custom');
  await close();

  const again = await page(new URL(url).search, { states: ['ready'] });
  assert.equal(await again.p.inputValue('#workload'), '3 x io 40, cpu 5');
  assert.equal(await again.p.inputValue('#threads'), '40');
  assert.equal(await again.p.inputValue('#processes'), '1');
  assert.equal(await again.p.inputValue('#switch'), '2.5');
  assert.equal(await again.p.inputValue('#seed'), '77');
  assert.equal(await again.p.inputValue('#limit'), '2');
  assert.equal(await again.p.inputValue('#chunksize'), '3');
  assert.equal(await again.p.isChecked('input[name=model][value=gil]'), false);
  assert.equal(await again.p.isChecked('input[name=model][value=threads]'), true);
  assert.equal(await again.p.inputValue('#preset'), 'custom');
  await again.close();
});

test('the keyboard alone can edit and run (Ctrl+Enter in the editor, Enter on Run)', async () => {
  const { p, close } = await page('?workload=io+30&models=async', { states: ['ready'] });
  await p.focus('#workload');
  await p.keyboard.press('Control+Enter');
  assert.equal(await waitRun(p, 1), 'done');
  await p.focus('#run');
  const focusVisible = await p.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(focusVisible, 'none', 'the focused button shows no outline');
  await p.keyboard.press('Enter');
  assert.equal(await waitRun(p, 2), 'done', 'Enter on Run started a second run');
  await close();
});

test('hovering a span shows its task, step, start and duration', async () => {
  const { p, close } = await page('?preset=cpu&models=sequential&run=1');
  // The mouse can only point at what is on the screen.
  await p.locator('canvas[data-model=sequential]').scrollIntoViewIfNeeded();
  const box = await (await p.$('canvas[data-model=sequential]')).boundingBox();
  await p.mouse.move(box.x + box.width * 0.5, box.y + 28);
  await p.waitForSelector('#tip:not([hidden])');
  const tip = await p.textContent('#tip');
  assert.match(tip, /sequential · main: computing/);
  assert.match(tip, /task \d+ · step 0 · from \d+ ms for \d+ ms/);
  await p.mouse.move(box.x + box.width * 0.5, box.y + box.height + 40);
  await p.waitForSelector('#tip[hidden]', { state: 'attached' });
  await close();
});

test('zoom, pan and fit change the shared time window', async () => {
  const { p, close } = await page('?preset=io&models=sequential,async&run=1');
  const [from0, to0] = await view(p);
  assert.equal(from0, 0);
  const [from1, to1] = await viewAfter(p, () => p.click('#zoom-in'));
  assert.ok(to1 - from1 < (to0 - from0) * 0.6, 'zoom in did not narrow the window');
  await p.focus('canvas[data-model=async]');
  const [from2] = await viewAfter(p, () => p.keyboard.press('ArrowRight'));
  assert.ok(from2 > from1, 'the arrow key did not pan');
  assert.deepEqual(await viewAfter(p, () => p.click('#zoom-fit')), [from0, to0]);
  await close();
});

test('scrubbing hides what had not happened yet; replay plays the run back', async () => {
  const { p, close } = await page('?preset=cpu&models=sequential&run=1');
  const full = await cpuPixels(p, 'sequential');
  assert.ok(full > 500);
  await p.$eval('#scrub', (el) => { el.value = '500'; el.dispatchEvent(new Event('input', { bubbles: true })); });
  await p.waitForFunction(() => document.getElementById('panels').dataset.view.split(',').length === 3);
  const half = await cpuPixels(p, 'sequential');
  assert.ok(half < full * 0.7 && half > full * 0.3, `half-way shows ${half} of ${full} CPU pixels`);
  await p.$eval('#scrub', (el) => { el.value = '0'; el.dispatchEvent(new Event('input', { bubbles: true })); });
  await p.waitForFunction(() => document.getElementById('panels').dataset.view.split(',')[2] === '0.00');
  assert.ok((await cpuPixels(p, 'sequential')) < full * 0.05);
  await p.click('#replay');
  await p.waitForFunction(() => Number(document.getElementById('panels').dataset.view.split(',')[2]) > 200);
  await p.waitForFunction(() => document.getElementById('panels').dataset.view.split(',').length === 2, null, { timeout: 5000 });
  assert.equal(await cpuPixels(p, 'sequential'), full, 'after the replay the whole run shows again');
  await close();
});

test('with reduced motion, replay does not animate', async () => {
  const { p, close } = await page('?preset=cpu&models=sequential&run=1', { reducedMotion: 'reduce' });
  await p.click('#replay');
  await frames(p, 3);
  assert.equal((await view(p)).length, 2, 'replay animated despite prefers-reduced-motion');
  await close();
});

test('the timeline is also a table', async () => {
  const { p, close } = await page('?preset=mixed&models=sequential,async&run=1');
  await p.click('#table-view summary');
  await p.waitForSelector('#span-table table');
  const rows = await p.$$eval('#span-table tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
  const total = await p.evaluate(() => window.conpar.trace().traceEvents.filter((e) => e.ph === 'X').length);
  assert.equal(rows.length, total, 'every span is a row');
  assert.ok(rows.some(([m, lane, state]) => m === 'async' && lane === 'event loop' && state === 'cpu'));
  await close();
});

test('phone width: no horizontal scrolling, everything reachable', async () => {
  const { p, close } = await page('?preset=mixed&workers=2&run=1', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  assert.ok(await p.evaluate(() => document.documentElement.scrollWidth <= 390), 'the page scrolls sideways');
  const overflowing = await p.evaluate(() => [...document.querySelectorAll('#results td, #results th')]
    .filter((c) => c.getBoundingClientRect().right > 390.5).length);
  assert.equal(overflowing, 0, 'results columns are cut off');
  // Tapping a span shows its details.
  const canvas = await p.$('canvas[data-model=threads]');
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  await p.touchscreen.tap(box.x + box.width * 0.5, box.y + 28);
  await p.waitForSelector('#tip:not([hidden])');
  await close();
});

test('dark theme follows the system setting, in the page and on the canvas', async () => {
  const { p, close } = await page('?preset=io&models=async&run=1', { colorScheme: 'dark' });
  const bg = await p.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  assert.equal(bg, 'rgb(13, 17, 23)');
  const corner = await p.evaluate(() => [...document.querySelector('canvas[data-model=async]').getContext('2d').getImageData(2, 2, 1, 1).data]);
  assert.deepEqual(corner, [13, 17, 23, 255]);
  await close();
});

test('loading does not shift the layout', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const p = await context.newPage();
  await p.addInitScript(() => {
    window.__cls = 0;
    new PerformanceObserver((list) => { for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value; })
      .observe({ type: 'layout-shift', buffered: true });
  });
  await p.goto(`${site.url}/?preset=io`);
  await waitStatus(p, ['ready']);
  await frames(p, 3);
  const cls = await p.evaluate(() => window.__cls);
  console.log(`# cumulative layout shift while loading: ${cls.toFixed(4)}`);
  assert.ok(cls < 0.05, `layout shift ${cls}`);
  await context.close();
});
