// conpar's loader (a file, not trunk's inline script, so a strict Content-Security-Policy needs
// no 'unsafe-inline'): fetches the WebAssembly module with progress, instantiates it, starts
// the page, and says in words what failed if anything does.

const fail = (text) => (window.conparFail ? window.conparFail(text) : console.error(text));
const status = (text) => {
  const el = document.getElementById('status');
  if (el) el.textContent = text;
};

// The animated GIF's encoder, loaded only when a reader asks for a GIF (www/gif.js).
window.conparGif = (options) => import('./gif.js').then((m) => m.encode(options));

function sharedMemorySupported() {
  try {
    return new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof Object;
  } catch (_) {
    return false;
  }
}

/// The module's bytes as a Response whose body reports how much has arrived.
async function withProgress(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} answered ${response.status} ${response.statusText}`);
  const total = Number(response.headers.get('content-length')) || 0;
  if (!response.body || !total) return response;
  let current = 0;
  const counted = response.body.pipeThrough(new TransformStream({
    transform(chunk, controller) {
      current += chunk.byteLength;
      status(`Loading the WebAssembly module… ${Math.min(100, Math.round((current / total) * 100))}%`);
      controller.enqueue(chunk);
    },
  }));
  return new Response(counted, { headers: response.headers, status: response.status });
}

/// Runs `work` in this page's turn (www/turns.js: the same turn the page takes before it
/// calibrates or measures, src/web/page/turns.rs): compiling the module keeps a core busy, so it
/// must not overlap another conpar page's measured run. While it waits, the start-up deadline
/// of www/boot.js is paused: waiting for another demo is not failing to start.
function inTurn(work) {
  const turns = window.conparTurns;
  if (!turns || !turns.ask) return work();
  return new Promise((ok, fail) => {
    const turn = turns.ask({
      // The words of src/core/session/mod.rs's `Holder::waiting_text`.
      onWait: (where) => {
        status(where === 'page' ? 'Waiting: another conpar demo on this page is measuring…'
          : 'Waiting: conpar is measuring in another tab…');
        if (window.conparLoading) window.conparLoading(false);
      },
      onGrant: () => {
        if (window.conparLoading) window.conparLoading(true);
        Promise.resolve().then(work).then(ok, fail).finally(() => turn.release());
      },
    });
  });
}

/// An embed loads nothing until it comes into view: a post with several embeds costs the reader
/// only the ones they scroll to (the module download, its compilation and the page's start-up
/// each keep a core busy). The HTML already shows the embed at its final size meanwhile.
function inView() {
  if (!document.documentElement.classList.contains('embed') || !('IntersectionObserver' in window)) {
    return Promise.resolve();
  }
  status('The embed loads when it comes into view…');
  return new Promise((ok) => {
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        observer.disconnect();
        ok();
      }
    });
    observer.observe(document.body);
  });
}

/// Resolves after `n` animation frames (or soon, in a tab that paints nothing).
function afterFrames(n) {
  return new Promise((ok) => {
    const soon = setTimeout(ok, 500);
    const step = (left) => (left ? requestAnimationFrame(() => step(left - 1)) : (clearTimeout(soon), ok()));
    step(n);
  });
}

/// Resolves once the page has painted (or soon, in a tab that paints nothing: hidden tabs get
/// no animation frames).
function painted() {
  return new Promise((ok) => {
    const soon = setTimeout(ok, 200);
    requestAnimationFrame(() => setTimeout(() => { clearTimeout(soon); ok(); }, 0));
  });
}

// The glue (36 KiB of JavaScript to parse and run) is imported at once by the page, and by an
// embed only once it is in view: a post's embeds below the fold then cost the reader next to
// nothing, where a static import ran it in every one of them as the post loaded.
const embedded = document.documentElement.classList.contains('embed');
const importGlue = () => {
  const imported = import('./conpar.js');
  imported.catch(() => {}); // reported below, where it is awaited
  return imported;
};
// The module's bytes too: they download while the page paints (the stylesheet has arrived by
// now, so they delay nothing the first paint needs), and compiling starts once it has painted.
// Its address, for the workers that load their code themselves (a spawned process: www/worker.js).
self.conparWasm = new URL('./conpar_bg.wasm', import.meta.url).href;
const fetchModule = () => {
  status('Loading the WebAssembly module…');
  const fetched = withProgress(self.conparWasm);
  fetched.catch(() => {}); // init reports it
  return fetched;
};
/// Compiles the module as its bytes arrive (off the main thread), in this browser's turn.
const compile = (fetched) => {
  const compiled = inTurn(async () => {
    const response = await fetched;
    if (WebAssembly.compileStreaming && /^application\/wasm\b/.test(response.headers.get('content-type') || '')) {
      return WebAssembly.compileStreaming(response);
    }
    return WebAssembly.compile(await response.arrayBuffer());
  });
  compiled.catch(() => {}); // reported below, where it is awaited
  return compiled;
};
let glue = embedded ? null : importGlue();
let module = embedded ? null : compile(fetchModule());
await inView();
if (window.conparLoading) window.conparLoading();
glue = glue || importGlue();
module = module || compile(fetchModule());
// Instantiating and starting the page wait for its first paint.
await painted();
let bindings;
let startupFrom;
try {
  bindings = await glue;
  const compiled = await module;
  // Instantiating, starting the page and its first frames keep a core busy too: in the turn,
  // so they do not share the cores with another conpar page's calibration or measured run.
  await inTurn(async () => {
    await bindings.default({ module_or_path: compiled });
    startupFrom = performance.timeOrigin + performance.now();
    // The page starts in a task of its own, after the one that instantiated the module: on a
    // phone each is long enough to keep a tap waiting.
    await new Promise((ok) => setTimeout(ok, 0));
    window.wasmBindings = bindings;
    window.conparStarted = true;
    try {
      bindings.startPage();
    } catch (error) {
      fail('conpar crashed while starting: ' + (error && error.message ? error.message : error));
    }
    await afterFrames(6);
  });
} catch (error) {
  if (!bindings) {
    fail('conpar could not load its code (' + (error && error.message ? error.message : error) + '). Reload the page; if it persists, the site is missing files.');
  } else if (typeof WebAssembly !== 'object') {
    fail('This browser does not support WebAssembly, which conpar needs to run its models.');
  } else if (!sharedMemorySupported()) {
    fail('This browser does not support WebAssembly threads (shared memory), which conpar is built with. A current Chrome, Edge, Firefox or Safari does.');
  } else {
    fail('The WebAssembly module could not be loaded: ' + (error && error.message ? error.message : error));
  }
  throw error;
}
// When this page's start-up kept the main thread busy, on the wall clock (for scripts/embeds.mjs,
// which lines it up with the other frames' measured runs): from instantiating the module to the
// first frames after the first render.
window.conparStartup = { from: startupFrom, to: performance.timeOrigin + performance.now() };
