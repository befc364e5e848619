// Loads the Tessera client: checks what the browser can do, downloads the
// WebAssembly module with a progress bar, then hands over to the module.
// No framework, no inline script (the CSP forbids it).
//
// Every file is fetched with Subresource Integrity: index.html gives this
// script's tag the content-hashed names and SRI strings as data- attributes
// (written by tools/package_web.py), and the browser refuses any byte that
// differs. The module is instantiated only from the verified bytes (wasmBinary).
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);
  // Read now: document.currentScript is null once this first run is over.
  const tag = document.currentScript;
  const asset = (name) => ({
    url: tag.dataset[name],
    integrity: tag.dataset[name + 'Integrity'],
    size: Number(tag.dataset[name + 'Size']) || 0,
  });

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

  // Until the response arrives the bar is indeterminate (a browser may hold an
  // SRI-checked response back until it has verified the whole body).
  function setWaiting() {
    $('loading-bar').removeAttribute('value');
  }

  function requireIntegrity(a) {
    if (!a.url || !a.integrity) throw new Error('index.html lacks a hashed name or integrity');
    return a;
  }

  // The total is the uncompressed size from index.html: with gzip on the wire
  // Content-Length counts compressed bytes, the reader yields decompressed ones.
  async function fetchWithProgress(wasm, onProgress) {
    const response = await fetch(wasm.url, { integrity: wasm.integrity });
    if (!response.ok) throw new Error('HTTP ' + response.status);
    const total = wasm.size;
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

  async function fetchFont(font) {
    const response = await fetch(font.url, { integrity: font.integrity });
    return response.ok ? response.arrayBuffer() : null;
  }

  function loadScript({ url, integrity }) {
    return new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.integrity = integrity;
      script.src = url;
      script.onload = resolve;
      script.onerror = () => reject(new Error('script ' + url));
      document.head.appendChild(script);
    });
  }

  async function start() {
    if (!supportsWasm()) return showFailure(MESSAGES.wasm);
    if (!supportsWebGL2()) return showFailure(MESSAGES.webgl2);
    document.documentElement.dataset.state = 'loading';
    let wasm, font;
    try {
      setWaiting();
      [wasm, font] = await Promise.all([
        fetchWithProgress(requireIntegrity(asset('wasm')), setProgress),
        fetchFont(requireIntegrity(asset('font'))),
        loadScript(requireIntegrity(asset('module'))),
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
