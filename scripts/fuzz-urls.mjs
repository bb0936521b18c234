// Hostile-address fuzzing on demand: node scripts/fuzz-urls.mjs [count=300] [seed=1]
// (after a release build in dist/). Prints counts of each kind of problem and the addresses.
import { serve } from '../tests/page/server.mjs';
import { launch } from '../tests/page/browser.mjs';
import { hostileQueries, probe } from '../tests/page/hostile.mjs';

const count = Number(process.argv[2] || 300);
const seed = Number(process.argv[3] || 1);
const site = await serve({ root: 'dist', isolated: true });
const browser = await launch();
const kinds = new Map();
let bad = 0;
for (const [i, query] of hostileQueries(count, seed).entries()) {
  const problems = await probe(browser, `${site.url}/${query}`);
  if (problems.length) {
    bad++;
    console.log(`${query.slice(0, 160)}\n  ${problems.join('\n  ')}`);
    for (const p of problems) kinds.set(p.split(':')[0], (kinds.get(p.split(':')[0]) || 0) + 1);
  }
  if ((i + 1) % 50 === 0) console.error(`${i + 1} of ${count}`);
}
await browser.close();
await site.close();
console.log(`\n${count} hostile addresses (seed ${seed}): ${bad} with problems`);
for (const [kind, n] of kinds) console.log(`  ${kind}: ${n}`);
process.exit(bad ? 1 : 0);
