// Page tests of recordings: a run kept in its link's fragment opens in a fresh page as the same
// run (results, spans and flags, to the recording's precision) with no worker started and
// data-run still 0; Run on this device adds the reader's own rows beside the recorded ones; the
// Embed dialog offers the recording after a run; Export → Recording gives the link as a file
// the page reads back; a hostile fragment leaves a working page with a notice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { setUp, browser, site, openPage } from './harness.mjs';
import { waitRun, waitStatus, frames } from './browser.mjs';

setUp();

const ALL = ['sequential', 'async', 'gil', 'threads', 'processes'];
const MIXED = `?preset=mixed&models=${ALL.join(',')}&threads=2&processes=2`;

/// A fresh context that counts the workers its pages start.
async function countingPage(url, states = ['done', 'error', 'ready']) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript(() => {
    window.workersStarted = 0;
    const Real = window.Worker;
    window.Worker = class extends Real {
      constructor(...args) { super(...args); window.workersStarted += 1; }
    };
  });
  const p = await context.newPage();
  const errors = [];
  p.on('pageerror', (e) => errors.push(String(e)));
  await p.goto(url);
  const status = await waitStatus(p, states, 60000);
  return { p, errors, status, close: () => context.close() };
}

/// Spans of a Chrome trace, per process name, as [lane, category, start, duration] from each
/// model's first instant, sorted.
function spansOf(trace) {
  const names = Object.fromEntries(trace.traceEvents.filter((e) => e.ph === 'M' && e.name === 'process_name').map((e) => [e.pid, e.args.name]));
  const out = {};
  for (const e of trace.traceEvents.filter((e) => e.ph === 'X')) (out[names[e.pid]] ||= []).push([e.tid, e.cat, e.ts / 1000, e.dur / 1000]);
  for (const list of Object.values(out)) {
    const first = Math.min(...list.map((s) => s[2]));
    for (const s of list) s[2] -= first;
    list.sort((a, b) => a[0] - b[0] || a[2] - b[2] || a[1].localeCompare(b[1]));
  }
  return out;
}

let recorded;

test('a run of the mixed preset with all five models travels in its link and opens as the same run, with no worker started', async () => {
  const live = await openPage(`${MIXED}&run=1`);
  let opened;
  try {
    assert.equal(live.status, 'done', await live.p.textContent('#status'));
    const link = await live.p.evaluate(() => window.conpar.recording());
    assert.ok(link.startsWith(`${site.url}/?preset=mixed&models=${ALL.join(',')}`) && link.includes('#rec='), link);
    assert.ok(!/[?&]run=1/.test(link), 'a recorded link does not run on opening');
    const fragment = link.split('#rec=')[1];
    console.log(`# the mixed preset, five models: ${fragment.length} characters of fragment`);
    assert.ok(fragment.length <= 16 * 1024);
    const before = await live.p.evaluate(() => window.conpar.results());
    const trace = await live.p.evaluate(() => window.conpar.trace());
    recorded = { link, results: before };

    opened = await countingPage(link);
    const { p } = opened;
    assert.equal(opened.status, 'done');
    assert.equal(await p.evaluate(() => document.documentElement.dataset.run), undefined, 'data-run stays 0');
    assert.equal(await p.evaluate(() => window.workersStarted), 0, 'no worker started');
    assert.match(await p.textContent('#status'), /^Recorded in Chrome \d+ on \d+ cores?, \d{4}-\d\d-\d\d \(times to 0\.01 ms\); nothing was measured here/);
    assert.equal(await p.innerText('#run'), 'Run on this device');
    assert.equal(await p.isVisible('#run'), true);
    const after = await p.evaluate(() => window.conpar.results());
    assert.deepEqual(after.map((r) => r.model), ALL);
    for (const [a, b] of before.map((r, i) => [r, after[i]])) {
      assert.ok(Math.abs(a.wall_ms - b.wall_ms) <= 0.01, `${a.model}: ${a.wall_ms} against ${b.wall_ms}`);
      assert.equal(b.checksum, a.checksum);
      assert.deepEqual(b.disturbed, a.disturbed);
      assert.ok(Math.abs(a.cpu_ms - b.cpu_ms) <= 0.01 * 200, `${a.model} cpu ${a.cpu_ms} against ${b.cpu_ms}`);
      assert.equal(b.max_cpu, a.max_cpu);
    }
    // The same spans, each within the precision (0.01 ms, rounded: 5 µs each end).
    const [was, is] = [spansOf(trace), spansOf(await p.evaluate(() => window.conpar.trace()))];
    for (const m of ALL) {
      assert.equal(is[m].length, was[m].length, `${m}: ${is[m].length} spans against ${was[m].length}`);
      for (const [x, y] of was[m].map((s, i) => [s, is[m][i]])) {
        assert.deepEqual([y[0], y[1]], [x[0], x[1]]);
        assert.ok(Math.abs(x[2] - y[2]) <= 0.011 && Math.abs(x[3] - y[3]) <= 0.011, `${m}: ${x} against ${y}`);
      }
    }
    // Replay plays it.
    await p.click('#replay');
    await p.waitForFunction(() => document.getElementById('panels').dataset.view.split(',').length === 3);
    // Every panel says where its run was recorded.
    const subtitles = await p.$$eval('#panels .panel .py', (els) => els.map((e) => e.textContent));
    if (subtitles.length) assert.ok(subtitles.every((t) => /recorded in Chrome/.test(t)), subtitles.join(' | '));
    else assert.match(await p.textContent('#panels'), /recorded in Chrome \d+ on \d+ cores?/);
    assert.deepEqual(opened.errors, []);
  } finally {
    await live.close();
    await opened?.close();
  }
});

test("every other preset's run with all five models fits in a link, and its animated SVG in 200 KB", async () => {
  for (const preset of ['io', 'cpu', 'hog']) {
    const { p, status, close } = await openPage(`?preset=${preset}&models=${ALL.join(',')}&threads=2&processes=2&run=1`);
    try {
      assert.equal(status, 'done', await p.textContent('#status'));
      const fragment = (await p.evaluate(() => window.conpar.recording())).split('#rec=')[1];
      console.log(`# ${preset}, five models: ${fragment.length} characters`);
      assert.ok(fragment.length <= 16 * 1024, `${preset}: ${fragment.length}`);
      assert.equal(Buffer.from(fragment, 'base64url').subarray(0, 3).toString('latin1'), 'cp\x01', 'a recording of this format');
      const svg = await p.evaluate(() => window.conpar.animatedSvg());
      console.log(`# ${preset}, five models: the animated SVG is ${(svg.length / 1024).toFixed(1)} KB`);
      assert.ok(svg.length <= 200 * 1024, `${preset}: the animated SVG is ${svg.length} bytes`);
    } finally {
      await close();
    }
  }
});

test('Run on this device adds five live rows beside the five recorded ones, each labelled, on one axis', async () => {
  assert.ok(recorded, 'the recording test ran first');
  const { p, errors, close } = await countingPage(recorded.link);
  try {
    await p.click('#run');
    assert.equal(await waitRun(p, 1, ['done', 'error'], 120000), 'done', await p.textContent('#status'));
    assert.ok(await p.evaluate(() => window.workersStarted) > 0, 'the run on this device started its workers');
    assert.equal(await p.innerText('#run'), 'Run on this device', 'Run keeps its words (and width) beside the recording');
    // A live row is named by its model (its heading may add ⚠ when the machine disturbed it);
    // a recorded one by its label.
    const rows = await p.$$eval('#results tbody tr', (trs) => trs.map((tr) => (tr.dataset.source
      ? [tr.dataset.source, tr.querySelector('th').textContent] : ['live', tr.dataset.model])));
    assert.deepEqual(rows.filter((r) => r[0] === 'live').map((r) => r[1]), ALL);
    assert.deepEqual(rows.filter((r) => r[0] === 'recorded').map((r) => r[1]), ALL.map((m) => `${m} · recorded`));
    const live = await p.evaluate(() => window.conpar.results());
    assert.deepEqual(live.map((r) => r.model), ALL);
    const kept = await p.evaluate(() => window.conpar.imported());
    assert.deepEqual(kept.map((r) => [r.model, r.wall_ms.toFixed(2)]), recorded.results.map((r) => [r.model, r.wall_ms.toFixed(2)]));
    assert.match(await p.textContent('#cpython-panels'), /recorded in Chrome \d+/);
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('the Embed dialog offers the run just made, recorded, and a live embed', async () => {
  const { p, close } = await openPage('?preset=io&models=sequential,async', { states: ['ready', 'done'] });
  try {
    await p.click('#embed-open');
    assert.equal(await p.isDisabled('#embed-recording'), true, 'nothing to record before a run');
    assert.match(await p.textContent('#embed-recording-note'), /Run a scenario first/);
    assert.doesNotMatch(await p.inputValue('#embed-code'), /#rec=/);
    await p.click('#embed-close');
    await p.click('#run');
    assert.equal(await waitRun(p, 1), 'done');
    await p.click('#embed-open');
    assert.equal(await p.isChecked('#embed-recording'), true, 'the recording is the default after a run');
    const code = await p.inputValue('#embed-code');
    assert.match(code, /<iframe src="[^"]*(\?|&amp;)embed=1[^"]*#rec=[A-Za-z0-9_-]+"/);
    await p.check('#embed-live');
    assert.doesNotMatch(await p.inputValue('#embed-code'), /#rec=/);
    await p.check('#embed-recording');
    const src = (await p.inputValue('#embed-code')).match(/<iframe src="([^"]+)"/)[1].replaceAll('&amp;', '&');
    await p.click('#embed-close');
    // The embed it gives opens as the run, and starts nothing.
    const embed = await countingPage(src);
    try {
      assert.equal(embed.status, 'done');
      assert.equal(await embed.p.evaluate(() => window.workersStarted), 0);
      assert.deepEqual((await embed.p.evaluate(() => window.conpar.results())).map((r) => r.model), ['sequential', 'async']);
    } finally {
      await embed.close();
    }
  } finally {
    await close();
  }
});

test('Export → Recording gives the link as a file, and the page reads it back beside its run', async () => {
  const { p, close } = await openPage('?preset=io&models=sequential,async&run=1');
  try {
    await p.click('#export-menu summary');
    const [download] = await Promise.all([p.waitForEvent('download'), p.click('[data-export=recording]')]);
    assert.equal(download.suggestedFilename(), 'conpar-recording.txt');
    const text = readFileSync(await download.path(), 'utf8');
    assert.equal(text.trim(), await p.evaluate(() => window.conpar.recording()));
    await p.setInputFiles('#trace-file', { name: 'conpar-recording.txt', mimeType: 'text/plain', buffer: Buffer.from(text) });
    await p.waitForFunction(() => document.documentElement.dataset.imported === '2');
    const kept = await p.evaluate(() => window.conpar.imported());
    assert.deepEqual(kept.map((r) => r.model), ['sequential', 'async']);
    // A file that is neither a trace nor a recording gets a sentence.
    await p.setInputFiles('#trace-file', { name: 'broken.txt', mimeType: 'text/plain', buffer: Buffer.from(`${text.trim().slice(0, -40)}\n`) });
    await p.waitForFunction(() => /broken\.txt could not be read as a recording/.test(document.getElementById('notices').textContent));
  } finally {
    await close();
  }
});

test('a truncated, altered, foreign-version, oversized or nonsense fragment gives a notice and the live page', async () => {
  assert.ok(recorded, 'the recording test ran first');
  const [base, text] = recorded.link.split('#rec=');
  const bytes = Buffer.from(text, 'base64url');
  const foreign = Buffer.from(bytes);
  foreign[2] = 2;
  const altered = Buffer.from(bytes);
  for (let i = 40; i < altered.length; i += 97) altered[i] ^= 0x5a;
  const cases = {
    truncated: text.slice(0, Math.floor(text.length * 0.6)),
    altered: altered.toString('base64url'),
    'foreign-version': foreign.toString('base64url'),
    oversized: 'A'.repeat(1 << 20),
    nonsense: '%F0%9F%92%A9<script>alert(1)</script>',
  };
  for (const [name, fragment] of Object.entries(cases)) {
    const { p, errors, status, close } = await countingPage(`${base}#rec=${fragment}`, ['ready', 'done', 'error']);
    try {
      assert.equal(status, 'ready', `${name}: ${await p.textContent('#status')}`);
      const notices = await p.textContent('#notices');
      // An altered recording may still decode (a flipped time is still a time): then it shows.
      assert.match(notices, /This link's recording could not be opened: .*The page is live/, `${name}: ${notices}`);
      if (name === 'foreign-version') assert.match(notices, /recording format 2, and this conpar reads format 1/);
      assert.equal(await p.innerText('#run'), 'Run');
      await p.click('#run');
      assert.equal(await waitRun(p, 1, ['done', 'error'], 120000), 'done', `${name}: the page works`);
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  }
});

test('the animated SVG plays inside an <img> (a later frame differs from the first), and the Embed dialog offers it and the PNG poster', async () => {
  const { p, close } = await openPage('?preset=io&models=sequential,async&run=1');
  try {
    const svg = await p.evaluate(() => window.conpar.animatedSvg());
    assert.ok(svg.length <= 200 * 1024, `${svg.length} bytes`);
    assert.doesNotMatch(svg, /<script|href=|url\((?!#)/);
    // In a page of its own, as a site that takes only images shows it.
    const img = await browser.newPage({ viewport: { width: 1100, height: 700 } });
    try {
      await img.setContent('<img id="t" alt="timeline">');
      await img.evaluate((text) => new Promise((ok, fail) => {
        const el = document.getElementById('t');
        el.onload = ok;
        el.onerror = () => fail(new Error('the SVG did not load as an image'));
        el.src = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
      }), svg);
      assert.ok(await img.evaluate(() => document.getElementById('t').naturalWidth) > 0);
      // The longest model ran 1.6 s: the picture changes within it, frame by frame (no fixed
      // wait: pictures are taken until one differs, for at most 40 frames).
      const first = await img.locator('#t').screenshot();
      let moved = false;
      for (let i = 0; i < 40 && !moved; i += 1) {
        await frames(img, 2);
        moved = !(await img.locator('#t').screenshot()).equals(first);
      }
      assert.ok(moved, 'the picture did not move');
    } finally {
      await img.close();
    }
    // The poster is the finished picture: the PNG export.
    await p.click('#embed-open');
    const [poster] = await Promise.all([p.waitForEvent('download'), p.click('#embed-images [data-export=png]')]);
    assert.equal(poster.suggestedFilename(), 'conpar-timeline.png');
    const [animated] = await Promise.all([p.waitForEvent('download'), p.click('#embed-images [data-export=animated-svg]')]);
    assert.equal(readFileSync(await animated.path(), 'utf8'), svg);
  } finally {
    await close();
  }
});
