// Page tests of predict, then run (`predict=1`) as readers meet it: an embed that asks, copied
// from the Embed dialog and pasted into a post on another site (127.0.0.2), at phone and
// desktop widths with the CPU slowed 4×: its timeline waits for the guess, a guess by keyboard
// or by tap, the run, the answer on its verdict lines, nothing moving, axe clean; a recording
// that answers at once and again from the reader's run; the Claims view as a quiz with its
// score; and the example post's question.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { serve } from './server.mjs';
import { setUp, browser, site, openReader, embedCode } from './harness.mjs';
import { waitStatus, waitRun, violations } from './browser.mjs';
import { shifts } from './shift.mjs';

setUp({ site: { root: 'dist', site: true } });

const QUERY = '?preset=cpu&models=sequential,threads,processes&threads=2&processes=2';

let blog;
let code;
/// The snippet a writer copies with "Ask readers to guess first" ticked, and a post on another
/// site that pastes it (made once, by the first test that needs them).
async function published() {
  if (blog) return;
  code = await embedCode(QUERY, { predict: true });
  blog = await serve({
    root: 'dist', isolated: false, host: '127.0.0.2',
    extraRoutes: { '/post.html': () => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A post</title><link rel="icon" href="data:,"></head><body style="margin:0"><h1>A post</h1><p>Guess before you run.</p>${code}<p>After the demo.</p></body></html>` },
  });
}
after(() => blog?.close());

const prediction = (frame) => frame.evaluate(() => window.conpar.prediction());
const described = (list) => list.map((e) => `${e.value.toFixed(4)} at ${e.at} ms: ${e.moved.join(' | ')}`).join('\n');

test('the Embed dialog asks for the question, and the snippet is sized for it', async () => {
  await published();
  assert.match(code, /predict=1/);
  assert.match(code, /embed=1/);
});

for (const [width, by] of [[360, 'tap'], [1280, 'keyboard']]) {
  test(`an embed that asks, in a post on another site at ${width} px with the CPU slowed 4×: the guess by ${by}, the run, the answer, and nothing moves`, async () => {
    await published();
    const { context, page, errors } = await openReader({ width, tap: by === 'tap' });
    try {
      await page.goto(`${blog.url}/post.html`);
      const frame = await (await page.$('iframe')).contentFrame();
      await waitStatus(frame, ['ready'], 90000);
      // The frame starts at its content's height: the block of the question is counted.
      const height = Number(code.match(/height="(\d+)"/)[1]);
      assert.equal(await frame.evaluate(() => Math.ceil(document.body.getBoundingClientRect().bottom + scrollY)), height);
      let p = await prediction(frame);
      assert.equal(p.question, 'Which model will finish first?');
      assert.deepEqual(p.choices.map((c) => c.id), ['sequential', 'threads', 'processes']);
      assert.equal(p.open, true);
      // The expected schedules would give it away: every panel waits for the guess (drawn on
      // the next animation frame).
      await frame.waitForFunction(() => [...document.querySelectorAll('.panel-stat')].every((e) => e.textContent === 'drawn after your guess'));
      assert.match(await frame.textContent('#verdict'), /^Guess, then press Run/);
      if (by === 'keyboard') {
        // From Run, one Tab reaches the first choice; a number key picks the second.
        await frame.focus('#run');
        await page.keyboard.press('Tab');
        assert.equal(await frame.evaluate(() => document.activeElement.dataset.choice), 'sequential');
        await page.keyboard.press('2');
      } else {
        await frame.tap('[data-choice="threads"]');
      }
      p = await prediction(frame);
      assert.equal(p.chosen, 'threads');
      assert.equal(await frame.getAttribute('[data-choice="threads"]', 'aria-pressed'), 'true');
      await frame.click('#run');
      assert.equal(await waitRun(frame, 1, ['done', 'error'], 120000), 'done');
      p = await prediction(frame);
      assert.ok(p.answer, 'the run answers');
      if (p.correct === null) {
        // Only a disturbed run answers nothing, and it says why.
        assert.match(p.answer, /^This run answers nothing: its numbers were disturbed/);
      } else {
        assert.equal(p.correct, p.measured.includes('threads'));
        assert.ok(p.measured.length >= 1);
        assert.equal(await frame.$$eval('#predict-choices .measured', (b) => b.map((e) => e.dataset.choice).join()), p.measured.join());
      }
      // The embed says the answer on its verdict lines.
      assert.equal(await frame.getAttribute('#verdict', 'title'), p.answer);
      assert.equal(p.open, false, 'the answered guess stands');
      const moved = await shifts(frame, page);
      assert.ok(moved.score <= 0.001, `the embed moved ${moved.score.toFixed(4)}:\n${described(moved.list)}`);
      console.log(`# ${width} px: embed ${height} px tall; layout shift in the embed ${moved.score.toFixed(4)}; answer: ${p.answer}`);
      const post = await shifts(page);
      assert.ok(post.score <= 0.001, `the post moved ${post.score.toFixed(4)}:\n${described(post.list)}`);
      assert.deepEqual(await violations(frame), []);
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
}

test('a recording that asks answers from its own spans at once, and again from the reader\'s run', async () => {
  const page = await browser.newPage({ viewport: { width: 700, height: 900 } });
  try {
    await page.goto(`${site.url}/${QUERY}&predict=1&run=1`);
    assert.equal(await waitRun(page, 1), 'done');
    const link = (await page.evaluate(() => window.conpar.recording())).replace('?', '?embed=1&');
    assert.match(link, /predict=1/);
    await page.goto(link);
    await waitStatus(page, ['done']);
    assert.equal(await page.evaluate(() => Number(document.documentElement.dataset.run || 0)), 0);
    let p = await prediction(page);
    assert.equal(p.answer, null, 'the recording waits for the guess');
    assert.equal(await page.$$eval('#predict-choices .measured', (b) => b.length), 0);
    await page.waitForFunction(() => [...document.querySelectorAll('.panel-stat')].every((e) => e.textContent === 'drawn after your guess'));
    await page.click('[data-choice="processes"]');
    p = await prediction(page);
    assert.ok(p.answer, 'answered with nothing run here');
    assert.equal(await page.evaluate(() => Number(document.documentElement.dataset.run || 0)), 0);
    // The recording is drawn on the next animation frame, its numbers on its panels.
    await page.waitForFunction(() => / ms/.test(document.querySelector('.panel[data-model="threads"] .panel-stat').textContent));
    const first = p.answer;
    await page.click('#run');
    assert.equal(await waitRun(page, 1), 'done');
    p = await prediction(page);
    assert.equal(p.chosen, 'processes');
    assert.ok(p.answer, 'the reader\'s run answers again');
    assert.ok(typeof first === 'string');
  } finally {
    await page.close();
  }
});

test('the Claims view as a quiz: each card asks first, and the score counts three guesses and their runs', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  try {
    await page.goto(`${site.url}/?claims=1&predict=1`);
    await waitStatus(page, ['ready']);
    assert.equal(await page.textContent('#quiz-score'), 'Guess each claim before its run: 0 of 12 guessed.');
    // A verdict from a source waits for the guess too.
    assert.equal(await page.textContent('#claim-java-gil .claim-verdict'), 'Your guess first: true, false, or it depends?');
    assert.equal(await page.isVisible('#predict'), false, 'the cards ask, not the playground');
    // By keyboard: focus a guess, press Enter.
    await page.focus('#claim-java-gil [data-guess="false"]');
    await page.keyboard.press('Enter');
    assert.match(await page.textContent('#claim-java-gil .claim-verdict'), /^False\. As you guessed\. No run in a browser can test Java/);
    await page.click('#claim-threads-io [data-guess="true"]');
    assert.equal(await page.textContent('#claim-threads-io .claim-verdict'), 'You guessed true. Press Run to test it.');
    await page.click('#claim-gil-cpu [data-guess="false"]');
    assert.equal(await page.textContent('#quiz-score'), '3 of 12 claims guessed; 1 judged so far, 1 as you guessed.');
    let run = 0;
    for (const id of ['threads-io', 'gil-cpu']) {
      await page.click(`[data-run-claim="${id}"]`);
      run += 1;
      assert.equal(await waitRun(page, run), 'done');
    }
    const claims = await page.evaluate(() => window.conpar.claims());
    const judged = ['java-gil', 'threads-io', 'gil-cpu'].map((id) => claims.find((c) => c.id === id));
    const right = judged.filter((c) => c.verdict && c.verdict === c.guess).length;
    const withVerdict = judged.filter((c) => c.verdict).length;
    assert.equal(await page.textContent('#quiz-score'), `3 of 12 claims guessed; ${withVerdict} judged so far, ${right} as you guessed.`);
    assert.equal(await page.getAttribute('#claim-gil-cpu [data-guess="false"]', 'aria-pressed'), 'true');
    assert.deepEqual(await violations(page), []);
  } finally {
    await page.close();
  }
});

test('the example post asks before its CPU-bound demo', async () => {
  const post = readFileSync(new URL('../../examples/post/index.html', import.meta.url), 'utf8');
  const demos = [...post.matchAll(/<conpar-embed src="([^"]+)"[^>]*>/g)];
  const asking = demos.findIndex(([, src]) => src.includes('predict=1'));
  assert.ok(asking >= 0, 'no demo of the post asks');
  assert.ok(!demos[asking][0].includes(' poster='), 'a demo that asks shows no poster: it would be the answer');
  assert.ok(demos.filter((d) => d[0].includes(' poster=')).length >= 6, 'the others show their recorded runs');
  const page = await browser.newPage({ viewport: { width: 700, height: 900 } });
  try {
    await page.goto(`${site.url}/post/`);
    const demo = page.locator('conpar-embed').nth(asking);
    await demo.scrollIntoViewIfNeeded();
    await demo.locator('button').click();
    const frame = await (await demo.locator('iframe').elementHandle()).contentFrame();
    await waitStatus(frame, ['done']);
    const p = await prediction(frame);
    assert.equal(p.question, 'Which model will finish first?');
    assert.equal(p.answer, null);
    await frame.click('[data-choice="threads"]');
    assert.ok((await prediction(frame)).answer, 'its recording answers');
  } finally {
    await page.close();
  }
});
