// Page tests of conpar on a careful host: served with the strict Content-Security-Policy that
// www/_headers ships (read from that file, so the test checks the policy that is deployed), and
// a policy that forbids what conpar needs, which the page must name instead of hanging.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { serve } from './server.mjs';
import { setUp, browser } from './harness.mjs';
import { waitRun } from './browser.mjs';

// The header line itself (indented under its path), not the comment that explains it.
const shipped = readFileSync('www/_headers', 'utf8').match(/^\s+Content-Security-Policy: (.+)$/m)[1].trim();

setUp({ site: null });

/// A page that records every CSP violation from its very first script on.
async function page(site) {
  const context = await browser.newContext({ acceptDownloads: true });
  const p = await context.newPage();
  await p.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.effectiveDirective} ${e.blockedURI}`));
  });
  return { p, close: () => context.close() };
}

test('with the shipped strict CSP: no violation over load, a run of all five models, exports and the embed dialog', async () => {
  assert.match(shipped, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.doesNotMatch(shipped, /unsafe-inline/);
  const site = await serve({ root: 'dist', isolated: true, headers: { 'Content-Security-Policy': shipped } });
  const { p, close } = await page(site);
  try {
    await p.goto(`${site.url}/?preset=mixed&threads=2&processes=2&run=1`);
    assert.equal(await waitRun(p, 1), 'done', await p.textContent('#status'));
    const r = await p.evaluate(() => window.conpar.results());
    assert.equal(r.length, 5);
    assert.equal(new Set(r.map((m) => m.checksum)).size, 1);
    for (const kind of ['trace', 'svg', 'png', 'csv', 'json']) {
      await p.click('#export-menu summary');
      await Promise.all([p.waitForEvent('download'), p.click(`[data-export=${kind}]`)]);
    }
    await p.click('#embed-open');
    assert.match(await p.inputValue('#embed-code'), /^<iframe /);
    await p.keyboard.press('Escape');
    // A fresh run after all that, still clean.
    await p.click('#run');
    assert.equal(await waitRun(p, 2), 'done');
    assert.deepEqual(await p.evaluate(() => window.__violations), []);
  } finally {
    await close();
    await site.close();
  }
});

test('a policy without wasm-unsafe-eval is named in words, not left at "Loading…"', async () => {
  const strict = shipped.replace(" 'wasm-unsafe-eval'", '');
  const site = await serve({ root: 'dist', isolated: true, headers: { 'Content-Security-Policy': strict } });
  const { p, close } = await page(site);
  try {
    const t0 = Date.now();
    await p.goto(`${site.url}/`);
    await p.waitForFunction(() => document.documentElement.dataset.status === 'error', null, { timeout: 20000 });
    console.log(`# a blocking CSP was reported ${Date.now() - t0} ms after navigation`);
    assert.equal(await p.isVisible('#fatal'), true);
    assert.match(await p.textContent('#fatal p'), /Content-Security-Policy|WebAssembly/);
  } finally {
    await close();
    await site.close();
  }
});
