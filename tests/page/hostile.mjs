// Hostile addresses for the page, generated from a seed (so a failure can be replayed): bad
// percent-encoding, huge, negative and non-numbers, unicode tricks and NUL, very long values,
// markup and script in keys and values, repeated and empty keys. Used by hostile.test.mjs (a
// few dozen in CI) and scripts/fuzz-urls.mjs (hundreds, on demand).

const KEYS = ['preset', 'workload', 'models', 'threads', 'processes', 'workers', 'switch', 'seed',
  'repeat', 'run', 'embed', 'live', 'theme', 'caption', 'transparent', 'coi', 'limit', 'chunksize',
  'wor%6Bload', '', 'x'];
const VALUES = [
  '', '%', '%E0%A4%A', '%zz', '%00', '-1', '0', '1e309', 'NaN', '99999999999999999999', '1.5',
  '<img src=x onerror="document.body.dataset.injected=1">', '"><script>document.body.dataset.injected=1</script>',
  'javascript:alert(1)', '\u202Eevil', '\u200B\u200B', '漢字ワークロード', '🧵🧵🧵', 'io 100%0Acpu 5',
  '10001 x io 1', 'cpu 999999', 'io 1 payload 1gb', 'sequential,,gil', 'threads,threads,warp',
  'x'.repeat(5000), '%F0%9F%A7%B5'.repeat(50),
  // What editors and input methods paste: a byte order mark, zero-width and full-width forms.
  '\uFEFF8 x io 200', 'io 2\u200B00', '８ x io 200', 'io 100，cpu 20', 'ｉｏ 100', 'io 1\u2060 0',
];

/// A small deterministic PRNG (mulberry32).
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/// `count` query strings from `seed`.
export function hostileQueries(count, seed = 1) {
  const r = rng(seed);
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const out = [];
  for (let i = 0; i < count; i++) {
    const pairs = [];
    for (let n = 1 + Math.floor(r() * 4); n > 0; n--) {
      const key = pick(KEYS);
      let value = pick(VALUES);
      if (r() < 0.3) value = encodeURIComponent(value);
      pairs.push(r() < 0.1 ? key : `${key}=${value}`);
    }
    out.push(`?${pairs.join('&')}`);
  }
  return out;
}

/// Opens `query` and reports what went wrong, if anything: page errors, a blank page (no
/// status reached), injected markup, a dialog, a notice wider than the screen.
export async function probe(browser, url, timeout = 20000) {
  const page = await browser.newPage({ viewport: { width: 390, height: 800 } });
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e}`));
  page.on('dialog', async (d) => { problems.push(`dialog: ${d.message()}`); await d.dismiss(); });
  try {
    await page.goto(url);
    await page.waitForFunction(() => ['ready', 'done', 'error'].includes(document.documentElement.dataset.status), null, { timeout });
    const state = await page.evaluate(() => ({
      injected: document.body.dataset.injected || null,
      scripts: [...document.scripts].filter((s) => !s.src).length,
      images: document.images.length,
      wide: [...document.querySelectorAll('#notices p')].some((p) => p.scrollWidth > innerWidth + 1),
      fatal: !document.getElementById('fatal').hidden,
    }));
    if (state.injected) problems.push('injected markup ran');
    if (state.scripts) problems.push(`${state.scripts} inline script(s) appeared`);
    if (state.images) problems.push(`${state.images} image(s) appeared`);
    if (state.wide) problems.push('a notice is wider than the screen');
    if (state.fatal) problems.push('the page shows a fatal error');
  } catch (e) {
    problems.push(`no status reached: ${String(e).split('\n')[0]}`);
  } finally {
    await page.close();
  }
  return problems;
}
