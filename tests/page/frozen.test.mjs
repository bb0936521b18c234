// Page tests of a tab the browser hides and freezes mid-run (as it does to background tabs):
// whatever ran through it is marked, nothing is claimed from it, no worker is called dead, and
// the next run carries nothing of it. Driven in real tabs (puppeteer-core): a page is hidden by
// bringing another tab to the front, then frozen through the DevTools protocol.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setUp, tabs, site } from './harness.mjs';

setUp({ tabs: true });

const state = (page, k) => page.waitForFunction((k) => Number(document.documentElement.dataset.run || 0) >= k
  && ['done', 'error'].includes(document.documentElement.dataset.status), { timeout: 120000 }, k)
  .then(() => page.evaluate(() => document.documentElement.dataset.status));
const results = (page) => page.evaluate(() => window.conpar.results());

/// A tab at `query` in front, another to hide it behind, and its DevTools session, once
/// `model` has started running.
async function tabRunning(query, model) {
  const page = await tabs.newPage();
  const other = await tabs.newPage();
  await page.bringToFront();
  const cdp = await page.createCDPSession();
  await cdp.send('Page.enable');
  await page.goto(`${site.url}/${query}`);
  await page.waitForFunction((m) => document.getElementById('status').textContent.startsWith(`Running ${m}`), { timeout: 90000 }, model);
  return { page, other, cdp };
}

/// Hides `page` behind `other`, freezes it through `cdp` for as long as a background tab may
/// stay frozen, then thaws it and brings it back to the front.
async function hideAndFreeze(page, other, cdp) {
  await other.bringToFront();
  await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
  await new Promise((ok) => setTimeout(ok, 2500));
  await cdp.send('Page.setWebLifecycleState', { state: 'active' });
  await page.bringToFront();
}

for (const model of ['async', 'threads', 'processes']) {
  test(`a tab hidden and frozen while ${model} runs: it is marked, nothing is claimed, the next run carries nothing of it`, async () => {
    const { page, other, cdp } = await tabRunning('?preset=mixed&models=sequential,async,gil,threads,processes&threads=2&processes=2&run=1', model);
    try {
      await hideAndFreeze(page, other, cdp);
      assert.equal(await state(page, 1), 'done', await page.evaluate(() => document.getElementById('status').textContent));
      const r = await results(page);
      const hit = r.find((m) => m.model === model);
      assert.ok(hit.disturbed.some((d) => /froze the page|timers stopped/.test(d)), `${model} was not marked: ${JSON.stringify(r.map((m) => [m.model, m.disturbed]))}`);
      // The model the freeze reached is blamed on the freeze, not on a busy machine. (A model
      // that ran before the freeze may still be flagged busy by the machine's own load, the
      // open point of issue 19: logged, not asserted here.)
      assert.ok(hit.disturbed.every((d) => !/busy/.test(d)), `a freeze blamed on a busy machine: ${hit.disturbed}`);
      for (const m of r.filter((m) => m !== hit && m.disturbed.length)) console.log(`# ${m.model} flagged before the freeze: ${m.disturbed}`);
      assert.match(await page.evaluate(() => document.getElementById('verdict').textContent), /^No winner is claimed/);
      assert.equal(await page.evaluate(() => document.getElementById('advice').hidden), true, 'no advice from a frozen run');
      await page.click('#run');
      assert.equal(await state(page, 2), 'done');
      // Nothing of the freeze carries over to the next run. (The machine's own load may still
      // flag a model busy, as it may in any run on a shared machine: logged, not asserted; a
      // busy flag is the physics check doing its work, and CI once saw processes at 1.6× so.)
      const next = await results(page);
      const carried = /froze|freeze|hidden|timers stopped|paused/;
      assert.deepEqual(next.filter((m) => m.disturbed.some((d) => carried.test(d))).map((m) => `${m.model}: ${m.disturbed}`), [], 'the next run carries nothing of the freeze');
      for (const m of next.filter((m) => m.disturbed.length)) console.log(`# next run, ${m.model} flagged: ${m.disturbed}`);
    } finally {
      await other.close();
      await page.close();
    }
  });
}

test("a claim whose run was frozen gets no verdict and says why; its next run judges it", async () => {
  const { page, other, cdp } = await tabRunning('?claim=gil-cpu&run=1', 'gil');
  try {
    await hideAndFreeze(page, other, cdp);
    assert.equal(await state(page, 1), 'done');
    const claim = async () => (await page.evaluate(() => window.conpar.claims())).find((c) => c.id === 'gil-cpu');
    const frozen = await claim();
    assert.equal(frozen.verdict, null, `a frozen run judged the claim: ${frozen.because}`);
    assert.match(frozen.because, /^No verdict: gil's numbers were disturbed/);
    assert.equal(await page.$eval('#claim-gil-cpu .claim-verdict', (el) => el.textContent), frozen.because);
    // The next run judges it, unless the machine's own load disturbs that run too (then it
    // says so, not the freeze, and one more run judges it).
    let next;
    for (let k = 2; k <= 3; k += 1) {
      await page.click('[data-run-claim="gil-cpu"]');
      assert.equal(await state(page, k), 'done');
      next = await claim();
      assert.equal(next.run, k);
      if (next.verdict !== null) break;
      assert.doesNotMatch(next.because, /froze|freeze|hidden|timers stopped/, 'the freeze carried over');
      console.log(`# run ${k}: ${next.because}`);
    }
    assert.equal(next.verdict, 'true', next.because);
  } finally {
    await other.close();
    await page.close();
  }
});
