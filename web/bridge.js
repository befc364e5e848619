// The JS half of Tessera's browser bridge, linked into the module with
// --js-library (wasm/bridge.hpp declares these for C++). All of the client's
// JS interop lives here; C++ owns the state and decisions.
//
// The accessible DOM layer: screen readers see nothing of a canvas
// (ocornut/imgui#4122, #8022). C++ publishes the widgets it drew (role, name,
// state, rectangle) and this file mirrors them into real elements positioned
// over the canvas: headings, text, <button>, checkboxes and real <input>s,
// so phones raise their keyboard and paste and IME work (ocornut/imgui#3046,
// #3654). Activating a mirror element activates the widget.

var TesseraBridge = {
  $TesseraLayer__deps: ['malloc', 'free'],
  $TesseraLayer: {
    root: null,
    elements: null,       // ImGui id -> element (a Map, made in init: library
                          // objects are serialized, so no live values here)
    order: [],            // ids in the order last published (the tab order)
    user: 0,
    onActivate: 0,
    onText: 0,

    tagFor: function(node) {
      switch (node.role) {
        case 'heading': return 'h' + Math.min(6, Math.max(1, node.level | 0));
        case 'button': return 'button';
        case 'checkbox':
        case 'textbox': return 'input';
        default: return 'p';
      }
    },

    create: function(node) {
      var el = document.createElement(TesseraLayer.tagFor(node));
      el.dataset.role = node.role;
      var id = node.id;
      if (node.role === 'button') {
        el.type = 'button';
        el.addEventListener('click', function() { TesseraLayer.activate(id); });
      } else if (node.role === 'checkbox') {
        el.type = 'checkbox';
        el.addEventListener('click', function(e) { e.preventDefault(); TesseraLayer.activate(id); });
      } else if (node.role === 'textbox') {
        el.type = 'text';
        el.autocomplete = 'off';
        el.spellcheck = false;
        el.addEventListener('input', function() { TesseraLayer.sendText(id, el.value); });
      }
      return el;
    },

    update: function(el, node, scale) {
      var name = String(node.name);
      if (node.role === 'checkbox' || node.role === 'textbox') {
        if (el.getAttribute('aria-label') !== name) el.setAttribute('aria-label', name);
      } else if (el.textContent !== name) {
        el.textContent = name;
      }
      if ('disabled' in el) el.disabled = !!node.disabled;
      if (node.role === 'checkbox') el.checked = !!node.checked;
      // Never overwrite what the person is typing, except when C++ changed it
      // (a length limit, or a reset).
      if (node.role === 'textbox' && el.value !== node.value && el.dataset.sent !== node.value) el.value = node.value;
      el.style.left = (node.x / scale) + 'px';
      el.style.top = (node.y / scale) + 'px';
      el.style.width = (node.w / scale) + 'px';
      el.style.height = (node.h / scale) + 'px';
    },

    publish: function(nodes) {
      var scale = window.devicePixelRatio || 1;
      var seen = new Set();
      var order = [];
      for (var i = 0; i < nodes.length; ++i) {
        var node = nodes[i];
        var el = TesseraLayer.elements.get(node.id);
        if (el && el.dataset.role !== node.role) { el.remove(); el = undefined; }
        if (!el) {
          el = TesseraLayer.create(node);
          TesseraLayer.elements.set(node.id, el);
        }
        TesseraLayer.update(el, node, scale);
        seen.add(node.id);
        order.push(node.id);
      }
      TesseraLayer.elements.forEach(function(el, id) {
        if (!seen.has(id)) { el.remove(); TesseraLayer.elements.delete(id); }
      });
      // Re-append only when the order changed, so focus and typing survive.
      var same = order.length === TesseraLayer.order.length &&
                 order.every(function(id, k) { return TesseraLayer.order[k] === id; });
      if (!same) {
        var focused = document.activeElement;
        order.forEach(function(id) { TesseraLayer.root.appendChild(TesseraLayer.elements.get(id)); });
        if (focused && focused !== document.activeElement && focused.isConnected) focused.focus();
        TesseraLayer.order = order;
      }
    },

    activate: function(id) {
      {{{ makeDynCall('vii', 'TesseraLayer.onActivate') }}}(TesseraLayer.user, id);
    },

    sendText: function(id, text) {
      var el = TesseraLayer.elements.get(id);
      if (el) el.dataset.sent = text;
      var size = lengthBytesUTF8(text) + 1;
      var ptr = _malloc(size);
      stringToUTF8(text, ptr, size);
      {{{ makeDynCall('viii', 'TesseraLayer.onText') }}}(TesseraLayer.user, id, ptr);
      _free(ptr);
    },

    // GLFW listens for keys on window in the capture phase and cancels
    // Backspace and Tab (library_glfw.js); keys aimed at the DOM layer, and
    // Tab everywhere (keyboard users move through the layer), stop here.
    guardKeys: function(event) {
      var t = event.target;
      var onCanvas = !t || t === document.body || t === document.documentElement || t === Module['canvas'];
      if (event.key === 'Tab' || !onCanvas) event.stopImmediatePropagation();
    },
  },

  tessera_bridge_init__deps: ['$TesseraLayer'],
  tessera_bridge_init: function(user, onActivate, onText) {
    TesseraLayer.user = user;
    TesseraLayer.onActivate = onActivate;
    TesseraLayer.onText = onText;
    TesseraLayer.root = document.getElementById('a11y-layer');
    TesseraLayer.elements = new Map();
    TesseraLayer.order = [];
    ['keydown', 'keypress', 'keyup'].forEach(function(type) {
      window.addEventListener(type, TesseraLayer.guardKeys, true);
    });
  },

  tessera_bridge_publish_a11y__deps: ['$TesseraLayer'],
  tessera_bridge_publish_a11y: function(json) {
    TesseraLayer.publish(JSON.parse(UTF8ToString(json)));
  },

  tessera_bridge_take_font__deps: ['malloc'],
  tessera_bridge_take_font: function(sizePtr) {
    var font = Module['tesseraFont'];
    if (!font || !font.length) return 0;
    var ptr = _malloc(font.length);
    HEAPU8.set(font, ptr);
    HEAPU32[sizePtr >> 2] = font.length;
    return ptr;
  },

  tessera_bridge_set_backbuffer_size__deps: ['$Browser'],
  tessera_bridge_set_backbuffer_size: function(width, height) {
    // Browser.setCanvasSize notifies GLFW's resize listener, unlike setting
    // canvas.width directly, and unlike glfwSetWindowSize it never asks for
    // fullscreen.
    Browser.setCanvasSize(width, height);
  },

  tessera_bridge_ready: function() {
    if (Module['onTesseraReady']) Module['onTesseraReady']();
  },

  tessera_bridge_fail: function(message) {
    if (Module['onTesseraFail']) Module['onTesseraFail'](UTF8ToString(message));
  },
};

mergeInto(LibraryManager.library, TesseraBridge);
