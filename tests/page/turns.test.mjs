// www/turns.js without a browser: frames of one page simulated on a virtual clock, their
// messages delivered out of order after random delays, so that taking turns is tested for what
// it promises (never two holders, every ask granted, a vanished frame not waited for forever) in
// many more interleavings than the page tests can reach. Deterministic: a seeded generator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';

const source = readFileSync(new URL('../../www/turns.js', import.meta.url), 'utf8');
function load() {
  const sandbox = { AbortController, Promise, Math, Number, Array, Map, Set, console };
  sandbox.globalThis = sandbox;
  vm.runInNewContext(source, sandbox);
  return sandbox.conparTurns;
}
const { create, PING_MS } = load();

function random(seed) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/// A page of frames on a virtual clock. Each message arrives after a random delay, in order
/// between two frames (as postMessage between two windows does) but not across pairs.
function page({ seed = 1, maxDelay = 20 } = {}) {
  const rnd = random(seed);
  let now = 0;
  let queue = []; // [time, order, fn]
  let order = 0;
  const at = (t, fn) => queue.push([t, order++, fn]);
  const frames = [];
  const last = new Map(); // "from>to" -> when its last message arrives
  function frame({ framed = true, locks = null } = {}) {
    const f = { handlers: [], alive: true, hide: [], show: [] };
    const env = {
      id: `f${frames.length}`,
      framed, locks,
      now: () => now,
      post(msg, target) {
        const copy = JSON.parse(JSON.stringify(msg));
        for (const to of target ? [target] : frames.filter((g) => g !== f)) {
          const pair = `${env.id}>${frames.indexOf(to)}`;
          const when = Math.max(last.get(pair) || 0, now + rnd() * maxDelay);
          last.set(pair, when);
          at(when, () => to.alive && to.handlers.forEach((h) => h(copy, f)));
        }
      },
      listen: (h) => f.handlers.push(h),
      after: (ms, fn) => at(now + ms, () => f.alive && fn()),
      every(ms, fn) {
        const timer = { on: true };
        const tick = () => { if (timer.on && f.alive) { fn(); at(now + ms, tick); } };
        at(now + ms, tick);
        return timer;
      },
      stop: (timer) => { timer.on = false; },
      onHide: (fn) => f.hide.push(fn),
      onShow: (fn) => f.show.push(fn),
    };
    frames.push(f);
    f.turns = create(env);
    return f;
  }
  /// Runs the clock until `until` (virtual ms), letting promise callbacks run between events.
  async function run(until) {
    for (;;) {
      await new Promise((ok) => setImmediate(ok));
      queue.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      const next = queue.shift();
      if (!next || next[0] > until) {
        if (next) queue.unshift(next);
        now = until;
        await new Promise((ok) => setImmediate(ok));
        return;
      }
      now = Math.max(now, next[0]);
      next[2]();
    }
  }
  return { frame, run, rnd, at, now: () => now, frames };
}

/// Records who holds the turn when, and fails on two holders at once.
function ledger() {
  const held = new Set();
  const log = [];
  return {
    log,
    take(who, guard) {
      assert.equal(held.size, 0, `${who} was granted the turn while ${[...held]} held it`);
      held.add(who);
      log.push([who, guard]);
    },
    give(who) { held.delete(who); },
  };
}

// Frames that have just loaded are found within SETTLE_MS (30 ms delays); frames that know each
// other wait for each other's answers however slow they come (a busy main thread: 300 ms).
for (const [what, maxDelay, from] of [['as the page loads', 30, 0], ['with answers slower than the settling time', 300, 1000]]) {
  test(`frames asking at random times ${what}: one holder at a time, and every ask granted`, async () => {
    for (let seed = 1; seed <= 20; seed++) {
      const p = page({ seed, maxDelay });
      const frames = Array.from({ length: 5 }, () => p.frame());
      const book = ledger();
      let granted = 0;
      for (const [i, f] of frames.entries()) {
        for (let k = 0; k < 3; k++) {
          p.at(from + p.rnd() * 400, () => {
            const who = `frame ${i} ask ${k}`;
            const turn = f.turns.ask({
              onGrant: (guard) => {
                book.take(who, guard);
                granted += 1;
                p.at(p.now() + 5 + p.rnd() * 100, () => { book.give(who); turn.release(); });
              },
            });
          });
        }
      }
      await p.run(60000);
      assert.equal(granted, 15, `seed ${seed}: ${granted} of 15 asks granted`);
      assert.ok(book.log.every(([, guard]) => guard === 'page'), 'no Web Locks here: the guard is the page');
    }
  });
}

test('a waiting frame is told so, once, and a frame released while waiting is never granted', async () => {
  const p = page({ seed: 7 });
  const [a, b, c] = [p.frame(), p.frame(), p.frame()];
  await p.run(100);
  const said = [];
  const first = a.turns.ask({ onGrant: () => said.push('a holds') });
  await p.run(200);
  const waiting = b.turns.ask({ onWait: (where) => said.push(`b waits (${where})`), onGrant: () => said.push('b holds') });
  await p.run(210);
  c.turns.ask({ onWait: (where) => said.push(`c waits (${where})`), onGrant: () => said.push('c holds') });
  await p.run(400 + 3 * PING_MS);
  waiting.release();
  await p.run(p.now() + 100);
  first.release();
  await p.run(p.now() + 100);
  assert.deepEqual(said, ['a holds', 'b waits (page)', 'c waits (page)', 'c holds']);
});

/// Frame a holds the turn, frame b asks for it at 200 ms; `granted()` is when b got it.
async function aHoldsBWaits(seed) {
  const p = page({ seed });
  const [a, b] = [p.frame(), p.frame()];
  await p.run(100);
  a.turns.ask({ onGrant: () => {} });
  await p.run(200);
  let when = null;
  b.turns.ask({ onGrant: () => { when = p.now(); } });
  return { p, a, granted: () => when };
}

test('a frame that vanishes while it holds the turn (no goodbye) is not waited for forever', async () => {
  const { p, a, granted } = await aHoldsBWaits(3);
  await p.run(200 + 10 * PING_MS);
  assert.equal(granted(), null, 'b waits while a answers');
  a.alive = false; // removed from the page: its pagehide message never arrived
  const gone = p.now();
  await p.run(gone + 10 * PING_MS);
  assert.ok(granted() !== null, 'b was never granted the turn');
  assert.ok(granted() - gone <= 3 * PING_MS + 100, `b waited ${granted() - gone} ms for a frame that was gone`);
});

test('a frame that says goodbye frees its turn at once', async () => {
  const { p, a, granted } = await aHoldsBWaits(4);
  await p.run(300);
  a.hide.forEach((f) => f());
  a.alive = false;
  await p.run(400);
  assert.ok(granted() !== null && granted() < 400, `granted at ${granted()}`);
});

test('two asks of one frame take turns too (starting the engine, then measuring)', async () => {
  const p = page({ seed: 5 });
  const [a] = [p.frame(), p.frame()];
  await p.run(100);
  const book = ledger();
  const first = a.turns.ask({ onGrant: () => book.take('start') });
  const second = a.turns.ask({ onGrant: () => book.take('run') });
  await p.run(300);
  assert.deepEqual(book.log.map(([w]) => w), ['start']);
  book.give('start');
  first.release();
  await p.run(400);
  assert.deepEqual(book.log.map(([w]) => w), ['start', 'run']);
  second.release();
});

test('Web Locks: used where granted, passed over without an error where denied, none outside a frame without them', async () => {
  const denied = { request: () => Promise.reject(Object.assign(new Error('The request was denied.'), { name: 'SecurityError' })) };
  const thrown = { request: () => { throw Object.assign(new Error('The request was denied.'), { name: 'SecurityError' }); } };
  let holder = null;
  const granting = {
    request(name, options, callback) {
      const lock = holder ? null : { name };
      if (!lock && options.ifAvailable) return Promise.resolve(callback(null));
      holder = lock;
      return Promise.resolve(callback(lock)).then(() => { holder = null; });
    },
  };
  const p = page({ seed: 9 });
  const guards = {};
  const [f1, f2, top, bare] = [p.frame({ locks: denied }), p.frame({ locks: thrown }),
    p.frame({ framed: false, locks: granting }), p.frame({ framed: false })];
  await p.run(100);
  const handles = [];
  for (const [name, f] of [['denied', f1], ['thrown', f2], ['granted', top], ['none', bare]]) {
    handles.push(f.turns.ask({ onGrant: (guard) => { guards[name] = guard; } }));
    await p.run(p.now() + 200);
    handles.at(-1).release();
    await p.run(p.now() + 100);
  }
  assert.deepEqual(guards, { denied: 'page', thrown: 'page', granted: 'browser', none: 'none' });
});
