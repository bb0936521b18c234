// Bootstrap for conpar's own workers (the conductor and each "process"). It is started from a
// Blob URL, so it cannot import the wasm-bindgen glue relatively: the page tells it the glue's
// absolute URL and hands over the compiled module. Everything else happens in Rust.
// Its two messages are written here in the bytes src/core/session/wire.rs reads: a tag (a
// process's Shell is 1; Fatal is 0 from the conductor and a process alike), then for Fatal the
// message's length in LEB128 and its UTF-8.
function fatal(text) {
  // 1000 UTF-16 units are at most 3000 bytes of UTF-8, under the 4096 a string may take.
  const utf8 = new TextEncoder().encode(text.slice(0, 1000));
  const bytes = [0];
  for (let n = utf8.length; ; n >>>= 7) {
    if (n < 0x80) { bytes.push(n); break; }
    bytes.push((n & 0x7f) | 0x80);
  }
  return Uint8Array.from([...bytes, ...utf8]);
}
self.addEventListener('message', async function boot(event) {
  const msg = event.data;
  if (!msg || msg.ns !== 'conpar' || msg.kind !== 'boot') return;
  self.removeEventListener('message', boot);
  try {
    const glue = await import(msg.glue);
    if (msg.shell) {
      // Started ahead (the forkserver start method): the glue is loaded; the fresh instance
      // is made when the conductor says so, inside the measured run.
      self.postMessage({ ns: 'conpar', msg: Uint8Array.of(1) });
      await new Promise((go) => self.addEventListener('message', function wait(e) {
        if (e.data && e.data.ns === 'conpar' && e.data.kind === 'go') {
          self.removeEventListener('message', wait);
          go();
        }
      }));
    }
    // No memory passed: this worker's instance creates its own (a "process" shares nothing).
    // A fresh process (spawned, a fork server, an interpreter) loads its code itself, as a
    // fresh Python interpreter imports its modules: it fetches and compiles the module. The
    // others instantiate the module the page compiled, as a forked worker inherits its code.
    self.conparWasm = msg.wasm;
    await glue.default({ module_or_path: msg.fresh && msg.wasm ? msg.wasm : msg.module });
    glue.workerMain(msg.role, msg.threads || 0);
  } catch (error) {
    self.postMessage({ ns: 'conpar', msg: fatal(String((error && error.stack) || error)) });
  }
});
