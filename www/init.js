// trunk's initializer: shows load progress and failures in words; starts the page on success.
const fail = (text) => (window.conparFail ? window.conparFail(text) : console.error(text));

function sharedMemorySupported() {
  try {
    return new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof Object;
  } catch (_) {
    return false;
  }
}

addEventListener('TrunkApplicationStarted', () => {
  try {
    window.conparStarted = true;
    window.wasmBindings.startPage();
  } catch (error) {
    fail('conpar crashed while starting: ' + error);
  }
});

export default function initializer() {
  return {
    onStart() {
      const status = document.getElementById('status');
      if (status) status.textContent = 'Loading the WebAssembly module…';
    },
    onProgress({ current, total }) {
      const status = document.getElementById('status');
      if (status && total) status.textContent = `Loading the WebAssembly module… ${Math.min(100, Math.round((current / total) * 100))}%`;
    },
    onFailure(error) {
      if (typeof WebAssembly !== 'object') {
        fail('This browser does not support WebAssembly, which conpar needs to run its models.');
      } else if (!sharedMemorySupported()) {
        fail('This browser does not support WebAssembly threads (shared memory), which conpar is built with. A current Chrome, Edge, Firefox or Safari does.');
      } else {
        fail('The WebAssembly module could not be loaded: ' + error);
      }
    },
  };
}
