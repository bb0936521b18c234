// The page tests' one set-up: a test file calls `setUp` once with the sites it needs, and gets
// one headless Chromium (`browser`) and those servers (`site`, `plain`) for all its tests, closed
// after them. Servers a single test makes with `serveTemp` are closed after the file too, even
// when the test fails. Node's runner gives each test file its own process, so these bindings
// belong to one file.
import { before, after } from 'node:test';
import { serve } from './server.mjs';
import { launch, waitStatus, waitRun, CHROMIUM, ARGS } from './browser.mjs';
import { recordShifts, throttle } from './shift.mjs';

export let browser;
/// The built site as a host with cross-origin isolation would serve it (by default).
export let site;
/// A second server, for files that need one (by default: the site without isolation).
export let plain;

/// With `setUp({ tabs: true })`: Chromium driven by puppeteer-core, whose pages are tabs of one
/// window, so bringing one to the front really hides the others (Playwright's pages stay
/// visible), and a hidden page can be frozen.
export let tabs;

const temporary = [];

/// Registers the file's set-up: a browser, and `site` and `plain` served with the options given
/// (either may be `null` for none). `site` defaults to `dist/` isolated.
export function setUp({ site: siteOptions = { root: 'dist', isolated: true }, plain: plainOptions = null, tabs: withTabs = false } = {}) {
  before(async () => {
    browser = await launch();
    if (withTabs) {
      const { default: puppeteer } = await import('puppeteer-core');
      tabs = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
    }
    if (siteOptions) site = await serve(siteOptions);
    if (plainOptions) plain = await serve(plainOptions);
  });
  after(async () => {
    await browser?.close();
    await tabs?.close();
    await Promise.all([site, plain, ...temporary].filter(Boolean).map((s) => s.close()));
  });
}

/// A server for one test, closed with the file's.
export async function serveTemp(options) {
  const s = await serve(options);
  temporary.push(s);
  return s;
}

/// The site at `query` in a context of its own, `width` px wide, once its status is one of
/// `states`: the page, the errors it has thrown so far (and throws later), its status, and
/// `close` for its context.
export async function openPage(query, { width = 1280, states = ['done', 'error'] } = {}) {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const p = await context.newPage();
  const errors = [];
  p.on('pageerror', (e) => errors.push(String(e)));
  await p.goto(`${site.url}/${query}`);
  const status = await waitStatus(p, states, 120000);
  return { p, errors, status, close: () => context.close() };
}

/// A reader's page in a context of its own: `width` px wide (a touch screen with `tap`), its
/// layout shifts recorded from the first byte (shift.mjs), the CPU slowed `slowdown` times, and
/// the errors of every frame collected (thrown, or said on the console).
export async function openReader({ width, tap = false, slowdown = 4 }) {
  const context = await browser.newContext({ viewport: { width, height: 900 }, hasTouch: tap });
  await recordShifts(context);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await throttle(page, slowdown);
  return { context, page, errors };
}

/// The Embed dialog's code for `query` as a writer copies it: after a run (`run`), of its
/// recording (`recording`) or live, as the light element (`element`) or the frame, and asking
/// readers to guess first or not (`predict`; left as the address sets it when not given).
export async function embedCode(query, { run = false, recording = false, element = false, predict } = {}) {
  const page = await browser.newPage();
  try {
    await page.goto(`${site.url}/${query}${run ? '&run=1' : ''}`);
    const status = run ? await waitRun(page, 1) : await waitStatus(page, ['ready']);
    if (status !== (run ? 'done' : 'ready')) throw new Error(`${query}: ${status}`);
    await page.click('#embed-open');
    await page.check(recording ? '#embed-recording' : '#embed-live');
    if (element) await page.check('#embed-as-element');
    if (predict !== undefined) await page.setChecked('#embed-predict', predict);
    return await page.inputValue('#embed-code');
  } finally {
    await page.close();
  }
}
