// Page tests of workers that die mid-run, killed from outside through the Chrome DevTools
// Protocol (Runtime.terminateExecution in the worker: whatever it runs stops for good). The page
// must name what died within about 2 s beyond the step in progress, and the next Run must work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setUp, browser, site } from './harness.mjs';
import { waitStatus, waitRun } from './browser.mjs';

setUp();

/// Stops whatever the first worker whose title matches `pick` is running, for good.
async function kill(page, pick) {
  const cdp = await page.context().newCDPSession(page);
  const { targetInfos } = await cdp.send('Target.getTargets');
  const target = targetInfos.find((t) => t.type === 'worker' && pick(t.title));
  assert.ok(target, `no such worker among ${targetInfos.map((t) => t.title).join(', ')}`);
  // Workers cannot be closed as targets; stopping their execution kills them as a crash would.
  const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: target.targetId, flatten: false });
  await cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: 1, method: 'Runtime.terminateExecution' }) });
  return Date.now();
}

test('a pool worker killed mid-run is named within its bound, and the next run works', async () => {
  const page = await browser.newPage();
  await page.goto(`${site.url}/?workload=6+x+cpu+500&models=gil&threads=2`);
  await waitStatus(page, ['ready']);
  await page.click('#run');
  await page.waitForFunction(() => /Running gil/.test(document.getElementById('status').textContent));
  // The rayon pool's workers are the untitled ones (the conductor and processes are named).
  const killed = await kill(page, (title) => !/conpar/.test(title));
  // The run ends in error and the page restarts the workers at once, so `error` may last less
  // than a frame: wait for what stays, the notice and the row.
  await page.waitForFunction(() => /gil stopped making progress/.test(document.getElementById('notices').textContent), null, { timeout: 30000 });
  const seconds = (Date.now() - killed) / 1000;
  console.log(`# a killed pool worker was reported ${seconds.toFixed(1)} s after the kill`);
  // The watchdog's bound: twice the longest step (500 ms) plus 2 s, plus the step in progress.
  assert.ok(seconds < 6, `${seconds} s`);
  assert.match(await page.textContent('#notices'), /gil stopped making progress: its workers were restarted/);
  assert.match(await page.textContent('#results-body tr[data-model=gil]'), /made no progress/);
  await waitStatus(page, ['ready'], 30000);
  await page.fill('#workload', '4 x cpu 20');
  await page.click('#run');
  assert.equal(await waitRun(page, 2), 'done');
  await page.close();
});

test('a process worker killed mid-run is named within its bound, and the next run works', async () => {
  const page = await browser.newPage();
  await page.goto(`${site.url}/?workload=4+x+cpu+500&models=processes&processes=2`);
  await waitStatus(page, ['ready']);
  await page.click('#run');
  await page.waitForFunction(() => /Running processes/.test(document.getElementById('status').textContent));
  // Both processes are computing once their first steps show.
  await page.waitForFunction(() => document.querySelector('.panel[data-model=processes] .panel-stat').textContent.includes('running'));
  const killed = await kill(page, (title) => /conpar process/.test(title));
  assert.equal(await waitRun(page, 1, ['error']), 'error');
  const seconds = (Date.now() - killed) / 1000;
  console.log(`# a killed process worker was reported ${seconds.toFixed(1)} s after the kill`);
  // Twice its 500 ms task (two processes on two cores) plus 2 s, plus its start-up.
  assert.ok(seconds < 6, `${seconds} s`);
  assert.match(await page.textContent('#results-body tr[data-model=processes]'), /sent no `result` within \d+\.\d s: it died or hangs/);
  await page.fill('#workload', '4 x cpu 20');
  await page.click('#run');
  assert.equal(await waitRun(page, 2), 'done');
  await page.close();
});
