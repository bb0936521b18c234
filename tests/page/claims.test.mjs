// Page tests of the Claims view: every claim's experiment runs from its card and gets a verdict
// computed from that run's numbers; a claim's link with another pool size or workload runs
// that instead, and its numbers (and where they should, its verdict) change; a claim's embed
// says the claim and its verdict; a bad claim id leaves a working page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setUp, openPage } from './harness.mjs';
import { waitRun, openSettings } from './browser.mjs';

setUp();

const page = (query, { width, states = ['ready', 'done', 'error'] } = {}) => openPage(query, { width, states });

const claims = (p) => p.evaluate(() => window.conpar.claims());
const claimOf = async (p, id) => (await claims(p)).find((c) => c.id === id);
const cardVerdict = (p, id) => p.$eval(`#claim-${id} .claim-verdict`, (el) => ({ verdict: el.dataset.verdict, text: el.textContent }));

/// Claim `id` as run `k` judged it. A run the machine disturbed judges nothing and says so;
/// then `again` (a click on a Run) runs it anew, at most twice, rather than read its numbers.
async function judgedBy(p, id, k, again = '#run') {
  for (let attempt = 0; ; attempt += 1) {
    assert.equal(await waitRun(p, k, ['done', 'error'], 120000), 'done', `${id}: ${await p.textContent('#status')}`);
    const judged = await claimOf(p, id);
    if (judged.verdict !== null || !/disturbed/.test(judged.because) || attempt === 2) return { judged, k };
    console.log(`# ${id}, run ${k}: ${judged.because}`);
    await p.click(again);
    k += 1;
  }
}

// What each claim's own experiment shows on a machine of two cores or more (the CI's kind):
// the criteria are in src/core/analysis/claims.rs, their edges under cargo test.
const EXPECTED = {
  'threads-cooperative': 'false',
  'multiprocessing-best': 'false',
  'fast-io-threads': 'false',
  'coroutines-cpu': 'depends',
  'asyncio-cpu': 'true',
  'threads-io': 'true',
  'free-threads': 'true',
  'processes-cost': 'true',
  'hog-stalls': 'true',
  'gil-cpu': 'true',
  'one-core': 'false',
};

test('the Claims view lists every claim; each one runs from its card and gets a verdict with its numbers', async () => {
  const { p, errors, status, close } = await page('?claims=1');
  try {
    assert.equal(status, 'ready');
    const before = await claims(p);
    assert.ok(before.length >= 12, `${before.length} claims`);
    const visible = await p.$$eval('article.claim', (cards) => cards.filter((c) => c.offsetHeight > 0).length);
    assert.equal(visible, before.length, 'every card is shown');
    for (const c of before) {
      assert.ok(c.link.endsWith(`?claim=${c.id}`), c.link);
      if (c.experiment) assert.equal(c.verdict, null, `${c.id} has no verdict before a run`);
    }
    // The one no browser can run: a verdict and a source, no Run.
    const java = before.find((c) => !c.experiment);
    assert.equal(java.verdict, 'false');
    assert.match(java.source, /^https:\/\//);
    assert.equal(await p.$(`#claim-${java.id} [data-run-claim]`), null);
    assert.equal(await p.getAttribute('#claim-threads-io textarea', 'aria-label'), 'Embed code for this claim');
    await p.click('#claim-threads-io .claim-embed summary');
    await p.waitForFunction(() => document.querySelector('#claim-threads-io textarea').value !== '');
    assert.match(await p.inputValue('#claim-threads-io textarea'), /<iframe src="[^"]*\?claim=threads-io&amp;[^"]*embed=1"/);
    let k = 0;
    for (const c of before.filter((c) => c.experiment)) {
      const button = `[data-run-claim="${c.id}"]`;
      await p.click(button);
      let judged;
      ({ judged, k } = await judgedBy(p, c.id, k + 1, button));
      console.log(`${c.id}: ${judged.verdict}. ${judged.because}`);
      assert.equal(judged.run, k, `${c.id} is judged by its own run`);
      assert.equal(judged.current, true);
      assert.equal(judged.verdict, EXPECTED[c.id], `${c.id}: ${judged.because}`);
      assert.match(judged.because, /\d/, `${c.id}'s reason carries numbers`);
      // The card shows what the API says, and the page's address is the claim's.
      const card = await cardVerdict(p, c.id);
      assert.equal(card.verdict, judged.verdict);
      assert.ok(card.text.includes(judged.because), `${c.id}'s card: ${card.text}`);
      assert.equal(await p.getAttribute(`#claim-${c.id}`, 'aria-current'), 'true');
      assert.match(p.url(), new RegExp(`[?&]claim=${c.id}(&|$)`));
    }
    // Every verdict stays with its claim.
    const after = await claims(p);
    assert.deepEqual(after.filter((c) => c.experiment).map((c) => [c.id, c.verdict]), Object.entries(EXPECTED));
    // The card whose run was the last embeds that run, recorded; a card opened again whose run
    // is not the last gives its live experiment.
    const last = Object.keys(EXPECTED).at(-1);
    await p.click(`#claim-${last} .claim-embed summary`);
    await p.waitForFunction((id) => document.querySelector(`#claim-${id} textarea`).value.includes('#rec='), last);
    const src = new URL((await p.inputValue(`#claim-${last} textarea`)).match(/<iframe src="([^"]+)"/)[1].replace(/&amp;/g, '&'));
    assert.equal(src.searchParams.get('claim'), last);
    assert.equal(src.searchParams.get('embed'), '1');
    await p.click('#claim-threads-io .claim-embed summary');
    await p.click('#claim-threads-io .claim-embed summary');
    assert.doesNotMatch(await p.inputValue('#claim-threads-io textarea'), /#rec=/);
    assert.deepEqual(errors, []);
    // That embed, opened as a reader would, shows the run and its verdict, measuring nothing.
    const embed = await page(src.search + src.hash, { states: ['done', 'error'] });
    try {
      assert.equal(embed.status, 'done');
      assert.equal(await embed.p.evaluate(() => document.documentElement.dataset.run ?? null), null, 'nothing ran here');
      const shown = await claimOf(embed.p, last);
      assert.equal(shown.verdict, EXPECTED[last], shown.because);
      // Judged anew from the recording's spans (kept to 10 µs), so its numbers may round apart.
      assert.match(shown.because, /\d/, shown.because);
      assert.deepEqual(embed.errors, []);
    } finally {
      await embed.close();
    }
  } finally {
    await close();
  }
});

test("a claim's verdict follows its run: its link with another pool size or workload measures that, and says so", async () => {
  // Eight threads, as the experiment sets: the waits overlap.
  {
    const { p, errors, close } = await page('?claim=threads-io&run=1', { states: ['done', 'error'] });
    try {
      const { judged: eight, k } = await judgedBy(p, 'threads-io', 1);
      assert.equal(eight.verdict, 'true', eight.because);
      assert.match(eight.because, /8 threads/);
      // One thread, typed into the form and run again: nothing overlaps.
      await openSettings(p);
      await p.fill('#threads', '1');
      await p.press('#threads', 'Tab');
      await p.click('#run');
      const { judged: one, k: last } = await judgedBy(p, 'threads-io', k + 1);
      assert.equal(one.run, last);
      assert.equal(one.verdict, 'depends', one.because);
      assert.match(one.because, /one thread/);
      assert.match(p.url(), /\?claim=threads-io&.*threads=1/);
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  }
  // The same link with threads=1 gives the same as the form did.
  {
    const { p, close } = await page('?claim=threads-io&threads=1&run=1', { states: ['done', 'error'] });
    try {
      const { judged } = await judgedBy(p, 'threads-io', 1);
      assert.equal(judged.verdict, 'depends', judged.because);
    } finally {
      await close();
    }
  }
  // "Multiprocessing is better": false on the experiment's downloads, true on computing.
  {
    const { p, close } = await page('?claim=multiprocessing-best&preset=cpu&run=1', { states: ['done', 'error'] });
    try {
      const { judged: c } = await judgedBy(p, 'multiprocessing-best', 1);
      assert.equal(c.verdict, 'true', c.because);
      assert.match(c.because, /processes finished in/);
      // Only this claim's card is shown.
      const shown = await p.$$eval('article.claim', (cards) => cards.filter((c) => c.offsetHeight > 0).map((c) => c.dataset.claim));
      assert.deepEqual(shown, ['multiprocessing-best']);
    } finally {
      await close();
    }
  }
});

test("a claim's embed says the claim before its run and the verdict after it", async () => {
  const { p, errors, status, close } = await page('?claim=hog-stalls&embed=1', { width: 600 });
  try {
    assert.equal(status, 'ready');
    assert.match(await p.textContent('#caption'), /^Claim: A CPU hog on the event loop/);
    assert.match(await p.textContent('#verdict'), /Press Run to test it/);
    assert.equal(await p.$eval('#claims-section', (el) => el.offsetHeight), 0, 'no cards in an embed');
    await p.click('#run');
    const { judged: c } = await judgedBy(p, 'hog-stalls', 1);
    assert.equal(c.verdict, 'true', c.because);
    assert.equal(await p.textContent('#verdict'), `True. ${c.because}`);
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('an unknown claim gives a notice and the playground, with no card', async () => {
  const { p, errors, status, close } = await page('?claim=%3Cscript%3E&preset=io&models=sequential,async');
  try {
    assert.equal(status, 'ready');
    assert.match(await p.textContent('#notices'), /unknown claim `<script>`/);
    assert.equal(await p.$eval('#claims-section', (el) => el.offsetHeight), 0);
    await p.click('#run');
    assert.equal(await waitRun(p, 1), 'done');
    assert.ok((await claims(p)).every((c) => c.run === null && !c.current));
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});
