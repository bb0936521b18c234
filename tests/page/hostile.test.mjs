// Hostile addresses (a generated set of a few dozen; scripts/fuzz-urls.mjs runs hundreds):
// every one gives a working page with notices, never a page error, a blank page, markup that
// runs, a dialog or a notice wider than a phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setUp, browser, site } from './harness.mjs';

import { hostileQueries, probe } from './hostile.mjs';

setUp();

test('40 hostile addresses each give a working page', async () => {
  const failures = [];
  for (const query of hostileQueries(40, 2026)) {
    // run=1 in an address starts a real run; the probe only needs the page to settle.
    const problems = await probe(browser, `${site.url}/${query}`);
    if (problems.length) failures.push(`${query.slice(0, 120)}: ${problems.join('; ')}`);
  }
  assert.deepEqual(failures, []);
});
