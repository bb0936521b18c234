// One measured run at a time. A conpar page takes a turn before it compiles its module, starts its
// workers or measures, so that it never shares the cores with another conpar page's measured run.
// Two ways of taking turns, each used where it works:
// - Among the frames of one page (a post with several embeds): the frames tell each other what
//   they want and hold with postMessage, which needs no storage, so it works however the reader's
//   browser treats third-party storage (Chromium denies a third-party frame its Web Locks,
//   localStorage and IndexedDB when third-party cookies are blocked, as Incognito and Brave do)
//   and in a sandboxed frame with an opaque origin.
// - Across the tabs and frames of the browser: the Web Lock `conpar-measured-run`, where the
//   browser grants it. A denied lock is no error: the page takes its turn among its frames only.
// A classic script (it runs before the module loader, which takes a turn to compile), exposing
// `conparTurns.ask({onWait, onGrant})`; `conparTurns.create(env)` builds the same machinery over
// another environment, for tests/page/turns.test.mjs.
((root) => {
  'use strict';
  const LOCK = 'conpar-measured-run';
  // How long an ask listens for frames it has not heard from yet (one that has just loaded).
  const SETTLE_MS = 50;
  // While a frame waits it asks every PING_MS who is there; a frame that left two questions in a
  // row unanswered has gone (removed without a word). Counted in questions, not elapsed time, so
  // a page whose timers the browser throttles, or a long task, drops nobody early.
  const PING_MS = 2000;
  const MISSED = 2;

  const before = (x, y) => x[0] < y[0] || (x[0] === y[0] && x[1] < y[1]);

  function create(env) {
    const me = env.id || Math.random().toString(36).slice(2, 10);
    const asks = []; // this frame's: {id, ticket: [time, id], state: 'want' | 'hold', settleAt, waited, grant, wait}
    const others = new Map(); // frame id -> {source, asks: [[id, state, time]], missed}
    let question = 0; // the number of this frame's latest question
    let unanswered = new Set(); // the frames that have not answered it
    let count = 0;
    let pinger = null;
    let locksDenied = false;

    const snapshot = (extra = {}) => ({
      ns: 'conpar', kind: 'turn', from: me,
      asks: asks.map((a) => [a.id, a.state, a.ticket[0]]), ...extra,
    });
    // A question every frame answers with what it wants and holds.
    function askAll() {
      question += 1;
      unanswered = new Set(others.keys());
      env.post(snapshot({ q: question }));
    }
    function everyAsk() {
      const all = asks.map((a) => ({ state: a.state, ticket: a.ticket }));
      for (const f of others.values()) {
        for (const [id, state, time] of f.asks) all.push({ state, ticket: [time, id] });
      }
      return all;
    }
    function decide() {
      for (const a of asks) {
        if (a.state !== 'want') continue;
        const blocked = everyAsk().some((b) => b.ticket[1] !== a.id
          && (b.state === 'hold' || (b.state === 'want' && before(b.ticket, a.ticket))));
        if (!blocked && unanswered.size === 0 && env.now() >= a.settleAt) {
          a.state = 'hold';
          env.post(snapshot());
          a.grant();
        } else if (blocked && !a.waited) {
          a.waited = true;
          a.wait();
        }
      }
      const waiting = asks.some((a) => a.state === 'want');
      if (waiting && !pinger) pinger = env.every(PING_MS, ping);
      if (!waiting && pinger) {
        env.stop(pinger);
        pinger = null;
      }
    }
    function ping() {
      for (const id of unanswered) {
        const f = others.get(id);
        if (f && (f.missed += 1) >= MISSED) others.delete(id);
      }
      askAll();
      decide();
    }
    function receive(msg, source) {
      if (!msg || msg.ns !== 'conpar' || msg.kind !== 'turn' || msg.from === me || !Array.isArray(msg.asks)) return;
      if (msg.gone) {
        others.delete(msg.from);
        unanswered.delete(msg.from);
      } else {
        const valid = msg.asks.filter((a) => Array.isArray(a) && typeof a[0] === 'string'
          && (a[1] === 'want' || a[1] === 'hold') && Number.isFinite(a[2]));
        others.set(msg.from, { source, asks: valid, missed: 0 });
        if (msg.re === question) unanswered.delete(msg.from);
        if (typeof msg.q === 'number') env.post(snapshot({ re: msg.q }), source);
      }
      decide();
    }

    // Among this page's frames: `granted` resolves when this ask holds the turn.
    function pageTurn(onWait) {
      const id = `${me}/${(count += 1)}`;
      const a = { id, ticket: [env.now(), id], state: 'want', waited: false, wait: onWait };
      a.settleAt = a.ticket[0] + SETTLE_MS;
      const granted = new Promise((ok) => { a.grant = ok; });
      asks.push(a);
      askAll();
      env.after(SETTLE_MS, decide);
      decide();
      const end = () => {
        const at = asks.indexOf(a);
        if (at < 0) return;
        asks.splice(at, 1);
        env.post(snapshot());
        decide();
      };
      return { granted, end };
    }

    // The browser's Web Lock: resolves with a function that gives it back, or with null where the
    // browser has no Web Locks or denies them here; rejects if `signal` stops the wait.
    function browserTurn(signal, onWait) {
      const locks = env.locks;
      if (!locks || locksDenied) return Promise.resolve(null);
      return new Promise((ok, fail) => {
        let release;
        const held = new Promise((r) => { release = r; });
        const got = () => {
          ok(release);
          return held;
        };
        const refused = (e) => {
          if (e && e.name === 'AbortError') return fail(e);
          locksDenied = true; // "SecurityError: The request was denied." in a blocked frame
          return ok(null);
        };
        try {
          locks.request(LOCK, { ifAvailable: true }, (lock) => {
            if (lock) return got();
            onWait();
            locks.request(LOCK, { signal }, got).catch(refused);
            return undefined;
          }).catch(refused);
        } catch (e) {
          refused(e);
        }
      });
    }

    // Takes this page's turn: `onWait(where)` if another conpar page holds it ('page' for a frame
    // of this page, 'browser' for one elsewhere), then `onGrant(guard)`: 'browser' when every
    // conpar page of this browser takes turns with this one, 'page' when only this page's frames
    // do (Web Locks denied here), 'none' when there was nothing to take turns with. `release()`
    // gives the turn back, or stops waiting for it.
    function ask({ onWait = () => {}, onGrant }) {
      let over = false;
      const ends = [];
      const abort = new AbortController();
      const handle = {
        release() {
          if (over) return;
          over = true;
          abort.abort();
          ends.splice(0).reverse().forEach((end) => end());
        },
      };
      (async () => {
        let guard = 'none';
        if (env.framed) {
          const turn = pageTurn(() => onWait('page'));
          ends.push(turn.end);
          await turn.granted;
          if (over) return;
          guard = 'page';
        }
        let unlock;
        try {
          unlock = await browserTurn(abort.signal, () => over || onWait('browser'));
        } catch (_) {
          return; // released while waiting
        }
        if (unlock) {
          if (over) return unlock();
          ends.push(unlock);
          guard = 'browser';
        }
        if (!over) onGrant(guard);
      })();
      return handle;
    }

    if (env.framed) {
      env.listen(receive);
      // Known to the frames loaded before this one, and knowing them, before anything is asked.
      askAll();
      env.onHide(() => env.post(snapshot({ asks: [], gone: true })));
      env.onShow(askAll);
    }
    return { ask };
  }

  root.conparTurns = { create, SETTLE_MS, PING_MS };
  if (typeof window === 'undefined' || root !== window) return;

  // Every frame of the page this one is in: frames of any origin may be walked and posted to,
  // whatever their storage.
  function everyFrame(w, out = []) {
    out.push(w);
    let n = 0;
    try { n = w.frames.length; } catch (_) { return out; }
    for (let i = 0; i < n; i++) {
      try { everyFrame(w.frames[i], out); } catch (_) { /* gone meanwhile */ }
    }
    return out;
  }
  let framed;
  try { framed = window.top !== window; } catch (_) { framed = true; }
  const turns = create({
    framed,
    locks: navigator.locks,
    now: () => performance.timeOrigin + performance.now(),
    post(msg, target) {
      const to = target ? [target] : everyFrame(window.top).filter((w) => w !== window);
      for (const w of to) {
        try { w.postMessage(msg, '*'); } catch (_) { /* closed */ }
      }
    },
    listen: (handler) => window.addEventListener('message', (e) => handler(e.data, e.source)),
    after: (ms, f) => setTimeout(f, ms),
    every: (ms, f) => setInterval(f, ms),
    stop: (timer) => clearInterval(timer),
    onHide: (f) => window.addEventListener('pagehide', f),
    onShow: (f) => window.addEventListener('pageshow', (e) => e.persisted && f()),
  });
  root.conparTurns.ask = turns.ask;
})(typeof window !== 'undefined' ? window : globalThis);
