// Bootstrap for conpar's own workers (the conductor and each "process"). It is started from a
// Blob URL, so it cannot import the wasm-bindgen glue relatively: the page tells it the glue's
// absolute URL and hands over the compiled module. Everything else happens in Rust.
self.addEventListener('message', async function boot(event) {
  const msg = event.data;
  if (!msg || msg.ns !== 'conpar' || msg.kind !== 'boot') return;
  self.removeEventListener('message', boot);
  try {
    const glue = await import(msg.glue);
    if (msg.shell) {
      // Started ahead (the forkserver start method): the glue is loaded; the fresh instance
      // is made when the conductor says so, inside the measured run.
      self.postMessage({ ns: 'conpar', msg: JSON.stringify('shell') });
      await new Promise((go) => self.addEventListener('message', function wait(e) {
        if (e.data && e.data.ns === 'conpar' && e.data.kind === 'go') {
          self.removeEventListener('message', wait);
          go();
        }
      }));
    }
    // No memory passed: this worker's instance creates its own (a "process" shares nothing).
    await glue.default({ module_or_path: msg.module });
    glue.workerMain(msg.role, msg.threads || 0);
  } catch (error) {
    // The same shape as the Rust side's `Fatal` messages.
    self.postMessage({ ns: 'conpar', msg: JSON.stringify({ fatal: { message: String((error && error.stack) || error) } }) });
  }
});
