// Loads the Tessera client: checks what the browser can do, downloads the
// WebAssembly module with a progress bar, then hands over to the module.
// No framework, no inline script (the CSP forbids it).
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);

  const MESSAGES = {
    wasm: 'This browser cannot run WebAssembly, which Tessera needs. Please update it, ' +
          'or open the link in a current Chrome, Edge, Firefox or Safari.',
    webgl2: 'This browser cannot draw with WebGL2, which Tessera needs. It may be turned off ' +
            'or unsupported on this device. Please update the browser or try another one.',
    network: 'Tessera could not finish loading. Check your connection and reload the page.',
  };

  function showFailure(message) {
    $('loading').hidden = true;
    $('unsupported-text').textContent = message;
    $('unsupported').hidden = false;
    document.documentElement.dataset.state = 'failed';
  }

  function supportsWasm() {
    return typeof WebAssembly === 'object' && typeof WebAssembly.instantiate === 'function';
  }

  function supportsWebGL2() {
    try {
      return !!document.createElement('canvas').getContext('webgl2');
    } catch (e) {
      return false;
    }
  }

  function setProgress(fraction) {
    const percent = Math.max(0, Math.min(100, Math.round(fraction * 100)));
    $('loading-bar').value = percent;
    $('loading-bar').textContent = percent + '%';
  }

  async function fetchWithProgress(url, onProgress) {
    const response = await fetch(url);
    if (!response.ok) throw new Error('HTTP ' + response.status);
    const total = Number(response.headers.get('Content-Length')) || 0;
    if (!response.body || !total) return new Uint8Array(await response.arrayBuffer());
    const reader = response.body.getReader();
    const chunks = [];
    let received = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      received += value.length;
      onProgress(received / total);
    }
    const bytes = new Uint8Array(received);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.length;
    }
    return bytes;
  }

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = src;
      script.onload = resolve;
      script.onerror = () => reject(new Error('script ' + src));
      document.head.appendChild(script);
    });
  }

  async function start() {
    if (!supportsWasm()) return showFailure(MESSAGES.wasm);
    if (!supportsWebGL2()) return showFailure(MESSAGES.webgl2);
    document.documentElement.dataset.state = 'loading';
    let wasm, font;
    try {
      [wasm, font] = await Promise.all([
        fetchWithProgress('/tessera.wasm', setProgress),
        fetch('/fonts/tessera-ui.ttf').then((r) => (r.ok ? r.arrayBuffer() : null)),
        loadScript('/tessera.js'),
      ]);
    } catch (e) {
      return showFailure(MESSAGES.network);
    }
    setProgress(1);
    try {
      await createTessera({
        canvas: $('canvas'),
        wasmBinary: wasm,
        tesseraFont: font ? new Uint8Array(font) : null,
        onTesseraReady: () => {
          $('loading').hidden = true;
          document.documentElement.dataset.state = 'ready';
        },
        onTesseraFail: showFailure,
        print: () => {},
        printErr: (text) => console.error(text),
      });
    } catch (e) {
      showFailure(MESSAGES.network);
    }
  }

  start();
})();
