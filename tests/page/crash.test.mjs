// Page tests of failures the engine itself can have, on the test build (dist-hooks/, built with
// the `hooks` feature): a panic on the page's main thread, and a pool job that traps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setUp, browser, site } from './harness.mjs';
import { open, waitRun } from './browser.mjs';

setUp({ site: { root: 'dist-hooks', isolated: true } });

test('a panic on the main thread shows "conpar has crashed" in words and data-status=error', async () => {
  const { page } = await open(browser, `${site.url}/?preset=io&models=async`, { states: ['ready'] });
  const thrown = await page.evaluate(() => {
    try { window.wasmBindings.forcePanic(); return null; } catch (e) { return String(e); }
  });
  assert.ok(thrown, 'the forced panic did not abort the call');
  assert.equal(await page.evaluate(() => document.documentElement.dataset.status), 'error');
  assert.equal(await page.isVisible('#fatal'), true);
  assert.match(await page.textContent('#fatal h2'), /conpar has crashed/);
  assert.match(await page.textContent('#fatal p'), /a forced panic \(test hook\).*Reload the page/);
  assert.equal(await page.isDisabled('#run'), true, 'Run is off until a reload');
  // A reload brings back a working page.
  await page.reload();
  await page.waitForFunction(() => document.documentElement.dataset.status === 'ready');
  await page.click('#run');
  assert.equal(await waitRun(page, 1), 'done');
  await page.close();
});

test('a pool job that traps is reported within its watchdog, and the next run works', async () => {
  const { page } = await open(browser, `${site.url}/?workload=2+x+io+20,+cpu+10&models=sequential,gil,threads&threads=2`, { states: ['ready'] });
  await page.evaluate(() => window.wasmBindings.forceTrap('gil'));
  const t0 = Date.now();
  await page.click('#run');
  // The trap ends run 1 with an error, then a fresh engine becomes ready.
  await waitRun(page, 1, ['ready'], 30000);
  const seconds = (Date.now() - t0) / 1000;
  console.log(`# a trapped gil pool job was reported and the engine restarted in ${seconds.toFixed(1)} s`);
  // The watchdog's bound: twice the longest step (20 ms) plus 2 s, plus a fresh engine's start.
  assert.ok(seconds < 10, `it took ${seconds} s`);
  assert.match(await page.textContent('#notices'), /gil stopped making progress: its workers were restarted/);
  assert.match(await page.textContent('#results-body tr[data-model=gil]'), /made no progress/);
  assert.match(await page.textContent('#results-body tr[data-model=threads]'), /not run/);
  const first = await page.evaluate(() => window.conpar.results());
  assert.deepEqual(first.map((r) => r.model), ['sequential']);
  await page.click('#run');
  assert.equal(await waitRun(page, 2), 'done');
  const r = await page.evaluate(() => window.conpar.results());
  assert.deepEqual(r.map((m) => m.model), ['sequential', 'gil', 'threads']);
  assert.equal(new Set(r.map((m) => m.checksum)).size, 1, 'the models agree after the restart');
  await page.close();
});

test('on a busy machine the page says so beside the numbers and claims no winner', async () => {
  const { page } = await open(browser, `${site.url}/?preset=cpu&models=sequential,threads&threads=2`, { states: ['ready'] });
  // Every CPU step does 1.8 times its calibrated work, as on a machine that busy.
  await page.evaluate(() => window.wasmBindings.forceBusy(1.8));
  await page.click('#run');
  assert.equal(await waitRun(page, 1), 'done');
  const r = await page.evaluate(() => window.conpar.results());
  for (const m of r) {
    assert.ok(m.cpu_stretch > 1.5, `${m.model}'s steps took ${m.cpu_stretch}x their calibrated time`);
    assert.ok(m.disturbed.some((d) => /busy/.test(d)), `${m.model} is not marked disturbed`);
  }
  const verdict = await page.textContent('#verdict');
  assert.match(verdict, /^No winner is claimed, because these numbers are disturbed: the machine was busy during sequential: its CPU steps took 1\.\d× their calibrated time/);
  assert.doesNotMatch(verdict, /fastest/);
  assert.ok(await page.locator('#checks li').count() >= 2, 'each disturbed model says why');
  assert.match(await page.textContent('#results-body tr[data-model=threads] th'), /⚠/);
  // The next run, undisturbed, claims its winner again.
  await page.click('#run');
  assert.equal(await waitRun(page, 2), 'done');
  assert.equal(await page.locator('#checks li').count(), 0, `the clean run was flagged: ${await page.textContent('#checks')}`);
  await page.close();
});

test('a process that hangs is reported within about 2 s beyond its task, and the next run works', async () => {
  const { page } = await open(browser, `${site.url}/?workload=4+x+cpu+50&models=processes&processes=2`, { states: ['ready'] });
  await page.evaluate(() => window.wasmBindings.forceHang());
  const t0 = Date.now();
  await page.click('#run');
  assert.equal(await waitRun(page, 1), 'error');
  const seconds = (Date.now() - t0) / 1000;
  console.log(`# a hung process worker was reported after ${seconds.toFixed(1)} s`);
  // Its task is 50 ms; twice that (two processes on two cores) and 2 s of grace, plus start-up.
  assert.ok(seconds < 6, `it took ${seconds} s`);
  assert.match(await page.textContent('#results-body tr[data-model=processes]'), /sent no `result` within 2\.\d s: it died or hangs/);
  await page.click('#run');
  assert.equal(await waitRun(page, 2), 'done');
  assert.equal((await page.evaluate(() => window.conpar.results()))[0].model, 'processes');
  await page.close();
});
