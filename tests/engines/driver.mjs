// Firefox ESR and WebKitGTK for the core page scenarios, through their own WebDriver servers
// (geckodriver, WebKitWebDriver) and selenium-webdriver. Playwright cannot drive these builds
// (it needs its own patched browsers, which cannot be downloaded here).
import { Builder } from 'selenium-webdriver';
import firefox from 'selenium-webdriver/firefox.js';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

export const ENGINE = process.env.ENGINE || 'firefox';

const freePort = () => new Promise((ok, fail) => {
  const s = createServer();
  s.unref();
  s.on('error', fail);
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => ok(port)); });
});

/// Waits until `url` answers (a WebDriver server starting), at most `ms`.
async function reachable(url, ms) {
  const until = Date.now() + ms;
  for (;;) {
    try { await fetch(url); return; } catch (e) { if (Date.now() > until) throw e; }
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

/// A browser session in ENGINE. `sharedArrayBuffer: false` starts WebKitGTK without
/// JSC_useSharedArrayBuffer=1 (its Linux builds then hide SharedArrayBuffer even on an
/// isolated page, which the page must say precisely).
export async function launch({ sharedArrayBuffer = true } = {}) {
  if (ENGINE === 'firefox') {
    const options = new firefox.Options().addArguments('-headless').setBinary(process.env.FIREFOX || '/usr/bin/firefox-esr');
    const service = new firefox.ServiceBuilder(process.env.GECKODRIVER || 'geckodriver');
    const driver = await new Builder().forBrowser('firefox').setFirefoxOptions(options).setFirefoxService(service).build();
    return { driver, quit: () => driver.quit() };
  }
  if (ENGINE === 'webkit') {
    const port = await freePort();
    const env = { ...process.env, DISPLAY: process.env.DISPLAY || ':99' };
    if (sharedArrayBuffer) env.JSC_useSharedArrayBuffer = '1';
    else delete env.JSC_useSharedArrayBuffer;
    const server = spawn(process.env.WEBKITWEBDRIVER || '/usr/bin/WebKitWebDriver', [`--port=${port}`], { env, stdio: 'ignore' });
    const url = `http://127.0.0.1:${port}`;
    await reachable(`${url}/status`, 10000);
    const driver = await new Builder().usingServer(url).withCapabilities({
      browserName: 'MiniBrowser',
      'webkitgtk:browserOptions': {
        binary: process.env.MINIBROWSER || '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
        args: ['--automation'],
      },
    }).build();
    return { driver, quit: async () => { try { await driver.quit(); } finally { server.kill(); } } };
  }
  throw new Error(`unknown ENGINE ${ENGINE}: use firefox or webkit`);
}

/// Waits until `fn` (run in the page, returning a value) is truthy; returns that value.
export async function until(driver, fn, arg, timeout = 90000) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await driver.executeScript(`return (${fn})(arguments[0]);`, arg);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${fn}`);
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

/// The status once it is one of `states`.
export const waitStatus = (driver, states, timeout) =>
  until(driver, (s) => s.includes(document.documentElement.dataset.status) && document.documentElement.dataset.status, states, timeout);

/// The status once run `k` has started and reached one of `states` (never a status it may
/// have missed).
export const waitRun = (driver, k, states = ['done', 'error'], timeout) =>
  until(driver, ([k, s]) => Number(document.documentElement.dataset.run || 0) >= k
    && s.includes(document.documentElement.dataset.status) && document.documentElement.dataset.status, [k, states], timeout);

export const js = (driver, body, ...args) => driver.executeScript(body, ...args);
