// conpar's loader (a file, not trunk's inline script, so a strict Content-Security-Policy needs
// no 'unsafe-inline'): fetches the WebAssembly module with progress, instantiates it, starts
// the page, and says in words what failed if anything does.
import init, * as bindings from './conpar.js';

const fail = (text) => (window.conparFail ? window.conparFail(text) : console.error(text));
const status = (text) => {
  const el = document.getElementById('status');
  if (el) el.textContent = text;
};

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

/// Runs `work` holding this browser's one turn to measure (the Web Lock every conpar page takes
/// before it calibrates or measures, src/web/page/turns.rs): compiling the module keeps a core
/// busy, so it must not overlap another conpar page's measured run. Without Web Locks, at once.
async function inTurn(work) {
  const locks = navigator.locks;
  if (!locks) return work();
  const LOCK = 'conpar-measured-run';
  let result;
  const got = await locks.request(LOCK, { ifAvailable: true }, async (lock) => {
    if (lock) result = await work();
    return Boolean(lock);
  });
  if (got) return result;
  status('Waiting its turn…');
  return locks.request(LOCK, work);
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

/// Resolves once the page has painted (or soon, in a tab that paints nothing: hidden tabs get
/// no animation frames).
function painted() {
  return new Promise((ok) => {
    const soon = setTimeout(ok, 200);
    requestAnimationFrame(() => setTimeout(() => { clearTimeout(soon); ok(); }, 0));
  });
}

await inView();
await painted();
if (window.conparLoading) window.conparLoading();
status('Loading the WebAssembly module…');
try {
  // The bytes download meanwhile: only compiling waits for the turn.
  const bytes = withProgress(new URL('./conpar_bg.wasm', import.meta.url));
  await inTurn(() => init({ module_or_path: bytes }));
} catch (error) {
  if (typeof WebAssembly !== 'object') {
    fail('This browser does not support WebAssembly, which conpar needs to run its models.');
  } else if (!sharedMemorySupported()) {
    fail('This browser does not support WebAssembly threads (shared memory), which conpar is built with. A current Chrome, Edge, Firefox or Safari does.');
  } else {
    fail('The WebAssembly module could not be loaded: ' + (error && error.message ? error.message : error));
  }
  throw error;
}
window.wasmBindings = bindings;
window.conparStarted = true;
try {
  bindings.startPage();
} catch (error) {
  fail('conpar crashed while starting: ' + (error && error.message ? error.message : error));
}
