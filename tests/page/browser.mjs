// Headless Chromium for page tests: the system browser, driven by playwright-core.
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
// As root, in a closed network: no sandbox, no GPU, no background connections.
export const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launch() {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}

/// Opens `url` and waits until data-status is one of `states`; collects console errors.
export async function open(browser, url, { states = ['done'], timeout = 60000, viewport } = {}) {
  const page = await browser.newPage(viewport ? { viewport } : {});
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  await waitStatus(page, states, timeout);
  return { page, errors };
}

/// Waits until data-status is one of `states`; returns the one it saw (read in the same check:
/// a second read may already find the next state, e.g. `loading` as a broken pool restarts).
export async function waitStatus(page, states, timeout = 60000) {
  const seen = await page.waitForFunction((s) => {
    const status = document.documentElement.dataset.status;
    return s.includes(status) ? status : false;
  }, states, { timeout });
  return seen.jsonValue();
}

/// Waits until run `k` (the page's `data-run`) has started and reached one of `states`. A test
/// never waits for a status it may have missed: a fast run can pass `running` between polls.
export async function waitRun(page, k, states = ['done', 'error'], timeout = 90000) {
  const seen = await page.waitForFunction(([k, s]) => {
    const { run, status } = document.documentElement.dataset;
    return Number(run || 0) >= k && s.includes(status) ? status : false;
  }, [k, states], { timeout });
  return seen.jsonValue();
}

/// Resolves after the page has painted `n` more animation frames.
export function frames(page, n = 2) {
  return page.evaluate((n) => new Promise((done) => {
    const step = (left) => (left === 0 ? done() : requestAnimationFrame(() => step(left - 1)));
    step(n);
  }), n);
}

/// How many pixels of the canvas matching `selector` are exactly the colour `[r, g, b]`.
export function colourPixels(page, selector, rgb) {
  return page.evaluate(([selector, [r, g, b]]) => {
    const c = document.querySelector(selector);
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] === r && d[i + 1] === g && d[i + 2] === b) n++;
    return n;
  }, [selector, rgb]);
}

/// Opens the Settings disclosure as a reader would (a click on its summary), unless it is open.
export async function openSettings(page) {
  if (!(await page.$eval('#settings', (d) => d.open))) await page.click('#settings > summary');
}

/// Presses every light element (<conpar-embed>) of `page` that has not made its frame, one after
/// another as a reader would (scrolled to, then its button), and returns the page's frames in
/// order once each element has made its own.
export async function pressDemos(page) {
  for (const demo of await page.$$('conpar-embed:not([data-loaded])')) {
    await demo.scrollIntoViewIfNeeded();
    await (await demo.$('button')).click();
    await demo.waitForSelector('iframe');
  }
  return page.$$('iframe');
}

const AXE = readFileSync(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');

/// axe-core's violations in `target`'s document (a page or a frame), in words.
export async function violations(target) {
  await target.evaluate(AXE);
  return target.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`));
}
