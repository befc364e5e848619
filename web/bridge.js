// The JS half of Tessera's browser bridge, linked into the module with
// --js-library (wasm/bridge.hpp declares these for C++). All of the client's
// JS interop lives here; C++ owns the state and decisions, and this file only
// turns calls into browser API calls and browser events into C++ callbacks.
//
// What it covers (and nothing more):
//   - the accessible DOM layer (below);
//   - the signaling WebSocket: open, text in and out, close with its code;
//   - RTCPeerConnection: offer, answer, remote description, ICE candidates in
//     and out, ICE connection state; operations run in call order;
//   - RTCDataChannel: sealed bytes in and out, bufferedAmount, open and close;
//   - the chat panel: C++'s messages and file cards rendered as DOM elements,
//     a file picker and drop target; reads of picked files by slices; received
//     files written to the origin's private file system and offered as a
//     download;
//   - getUserMedia and the device list; mute and camera off (track.enabled);
//   - <video> elements placed under rectangles the ImGui layout reserves
//     (and leaves transparent);
//   - fetch of the gateway's /api/ (same-origin cookie, CSRF header);
//   - the vault: a provider's visit secret (this tab) or a kiosk's own key
//     (this device) sealed under a non-extractable WebCrypto key, so it
//     survives a reload;
//   - the page: its address, the title, an ARIA live region, the clipboard,
//     fullscreen, forgetting a kiosk visit (history entry, tab storage);
//   - arrival alerts: a WebAudio chime (after a gesture unlocked audio) and
//     a system notification where the person allowed them.
// Objects live in one handle table; C++ holds the integer handle. Closing a
// handle drops its callbacks, so nothing reaches a C++ object that is gone.
// Nothing here logs content: problems are logged as static step names.
//
// The accessible DOM layer: screen readers see nothing of a canvas
// (ocornut/imgui#4122, #8022). C++ publishes the widgets it drew (role, name,
// state, rectangle) and this file mirrors them into real elements positioned
// over the canvas: headings, text, <button>, checkboxes, real <input>s and
// <select>s, and images (role img, named by aria-label),
// so phones raise their keyboard and paste and IME work (ocornut/imgui#3046,
// #3654). Activating a mirror element activates the widget.

var TesseraBridge = {
  $TesseraLayer__deps: ['$TesseraJs'],
  $TesseraLayer: {
    root: null,
    elements: null,       // ImGui id -> element (a Map, made in init: library
                          // objects are serialized, so no live values here)
    order: [],            // ids in the order last published (the tab order)
    user: 0,
    onActivate: 0,
    onText: 0,
    onKey: 0,

    tagFor: function(node) {
      switch (node.role) {
        case 'heading': return 'h' + Math.min(6, Math.max(1, node.level | 0));
        case 'button': return 'button';
        case 'checkbox':
        case 'textbox': return node.multiline ? 'textarea' : 'input';
        case 'combobox': return 'select';
        case 'img': return 'div';
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
        // A password is never echoed back into the page (no value, no data-sent).
        if (!node.multiline) el.type = node.password ? 'password' : 'text';
        el.autocomplete = node.autocomplete || 'off';
        el.spellcheck = false;
        el.addEventListener('input', function() { TesseraLayer.sendText(id, el.value, !!node.password); });
      } else if (node.role === 'combobox') {
        // The chosen option's index goes to the widget as its text.
        el.addEventListener('change', function() { TesseraLayer.sendText(id, String(el.selectedIndex), false); });
      } else if (node.role === 'img') {
        el.setAttribute('role', 'img');
      }
      return el;
    },

    update: function(el, node, scale) {
      var name = String(node.name);
      if (node.role === 'checkbox' || node.role === 'textbox' || node.role === 'combobox' || node.role === 'img') {
        if (el.getAttribute('aria-label') !== name) el.setAttribute('aria-label', name);
      } else if (el.textContent !== name) {
        el.textContent = name;
      }
      if ('disabled' in el) el.disabled = !!node.disabled;
      if (node.role === 'checkbox') el.checked = !!node.checked;
      if (node.role === 'combobox') {
        var options = JSON.stringify(node.options);
        if (el.dataset.options !== options) {
          el.dataset.options = options;
          el.replaceChildren.apply(el, node.options.map(function(text) { return new Option(text); }));
        }
        if (el.selectedIndex !== node.selected) el.selectedIndex = node.selected;
      }
      // Never overwrite what the person is typing, except when C++ changed it
      // (a length limit, or a reset).
      if (node.role === 'textbox' && !node.password && el.value !== node.value && el.dataset.sent !== node.value) el.value = node.value;
      if (node.role === 'textbox' && node.password && node.empty && el.value) el.value = '';
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
        if (el && (el.dataset.role !== node.role || !!node.password !== (el.type === 'password'))) {
          el.remove();
          el = undefined;
        }
        if (!el) {
          el = TesseraLayer.create(node);
          TesseraLayer.elements.set(node.id, el);
        }
        TesseraLayer.update(el, node, scale);
        seen.add(node.id);
        order.push(node.id);
      }
      TesseraLayer.elements.forEach(function(el, id) {
        if (seen.has(id)) return;
        if (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA') {  // what was typed goes with the field
          el.value = '';
          delete el.dataset.sent;
        }
        el.remove();
        TesseraLayer.elements.delete(id);
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

    sendText: function(id, text, secret) {
      var el = TesseraLayer.elements.get(id);
      if (el && !secret) el.dataset.sent = text;
      TesseraJs.withString(text, function(ptr) {
        {{{ makeDynCall('viii', 'TesseraLayer.onText') }}}(TesseraLayer.user, id, ptr);
      });
    },

    // A key pressed in a mirror field goes to C++ as the browser reported
    // it; C++ says whether it took it (Enter that sends a chat message).
    reportKey: function(event) {
      TesseraLayer.elements.forEach(function(el, id) {
        if (el !== event.target || el.dataset.role !== 'textbox') return;
        var taken = TesseraJs.withString(String(event.key), function(key) {
          return {{{ makeDynCall('iiiiiii', 'TesseraLayer.onKey') }}}(TesseraLayer.user, id, key, event.keyCode | 0,
                                                                      event.isComposing ? 1 : 0, event.shiftKey ? 1 : 0);
        });
        if (taken) event.preventDefault();
      });
    },

    // GLFW listens for keys on window in the capture phase and cancels
    // Backspace and Tab (library_glfw.js); keys aimed at the DOM layer, and
    // Tab everywhere (keyboard users move through the layer), stop here.
    // Those aimed at a mirror field are reported to C++ first.
    guardKeys: function(event) {
      var t = event.target;
      var onCanvas = !t || t === document.body || t === document.documentElement || t === Module['canvas'];
      if (event.key === 'Tab' || !onCanvas) event.stopImmediatePropagation();
      if (!onCanvas && event.type === 'keydown') TesseraLayer.reportKey(event);
    },
  },

  // ---- shared helpers: the handle table and strings for C++
  $TesseraJs__deps: ['malloc', 'free'],
  $TesseraJs: {
    objects: null,  // handle -> object (a Map, made in init)
    next: 1,
    add: function(obj) {
      var id = TesseraJs.next++;
      TesseraJs.objects.set(id, obj);
      return id;
    },
    get: function(id) { return TesseraJs.objects.get(id); },
    remove: function(id) { TesseraJs.objects.delete(id); },
    // Calls fn with a C string copy of text that is wiped and freed
    // afterwards (it may be a name someone typed).
    withString: function(text, fn) {
      var size = lengthBytesUTF8(text) + 1;
      var ptr = _malloc(size);
      stringToUTF8(text, ptr, size);
      try { return fn(ptr); } finally { HEAPU8.fill(0, ptr, ptr + size); _free(ptr); }
    },
    // A copy C++ owns (and frees).
    newString: function(text) {
      var size = lengthBytesUTF8(text) + 1;
      var ptr = _malloc(size);
      stringToUTF8(text, ptr, size);
      return ptr;
    },
    // Static words only: the step that failed and the DOMException's name.
    warn: function(step, error) {
      console.warn('tessera: ' + step + ' failed' + (error && error.name ? ' (' + error.name + ')' : ''));
    },
  },

  // ---- the signaling WebSocket (text frames only)
  tessera_socket_open__deps: ['$TesseraJs'],
  tessera_socket_open: function(url, user, onOpen, onText, onClose) {
    var entry = { ws: null };
    var id = TesseraJs.add(entry);
    var live = function() { return TesseraJs.get(id) === entry; };
    var closed = function(code) {
      if (!live()) return;
      TesseraJs.remove(id);
      {{{ makeDynCall('vii', 'onClose') }}}(user, code);
    };
    try {
      entry.ws = new WebSocket(UTF8ToString(url));
    } catch (e) {
      setTimeout(function() { closed(1006); }, 0);
      return id;
    }
    entry.ws.onopen = function() { if (live()) {{{ makeDynCall('vi', 'onOpen') }}}(user); };
    entry.ws.onmessage = function(e) {
      if (!live() || typeof e.data !== 'string') return;
      TesseraJs.withString(e.data, function(ptr) { {{{ makeDynCall('vii', 'onText') }}}(user, ptr); });
    };
    entry.ws.onclose = function(e) { closed(e.code); };
    return id;
  },

  tessera_socket_send__deps: ['$TesseraJs'],
  tessera_socket_send: function(id, text) {
    var entry = TesseraJs.get(id);
    if (entry && entry.ws && entry.ws.readyState === 1) entry.ws.send(UTF8ToString(text));
  },

  tessera_socket_close__deps: ['$TesseraJs'],
  tessera_socket_close: function(id) {
    var entry = TesseraJs.get(id);
    TesseraJs.remove(id);
    if (entry && entry.ws) entry.ws.close(1000);
  },

  // ---- local media: the camera and microphone of this page
  $TesseraMedia: {
    stream: null,
    // Bumped by tessera_media_stop: an answer to an older request (its C++
    // owner may be gone, as a kiosk's patient page is) is dropped.
    generation: 0,
    audioOn: true,
    videoOn: true,
    peers: null,  // open peer entries, whose senders follow a device switch (a Set, made in init)
    applyEnabled: function() {
      var s = TesseraMedia.stream;
      if (!s) return;
      s.getAudioTracks().forEach(function(t) { t.enabled = TesseraMedia.audioOn; });
      s.getVideoTracks().forEach(function(t) { t.enabled = TesseraMedia.videoOn; });
    },
    meter: null,  // the level meter's AudioContext and analyser, while one is used
    stopMeter: function() {
      if (TesseraMedia.meter) TesseraMedia.meter.context.close();
      TesseraMedia.meter = null;
    },
    stop: function() {
      if (TesseraMedia.stream) TesseraMedia.stream.getTracks().forEach(function(t) { t.stop(); });
      TesseraMedia.stream = null;
      TesseraMedia.stopMeter();
    },
    // getUserMedia's errors, as wasm/bridge.hpp's TesseraMediaResult.
    resultOf: function(e) {
      switch (e && e.name) {
        case 'NotAllowedError': case 'SecurityError': return 1;
        case 'NotFoundError': case 'OverconstrainedError': return 2;
        case 'NotReadableError': case 'AbortError': return 3;
        default: return 4;
      }
    },
  },

  tessera_media_start__deps: ['$TesseraMedia', '$TesseraVideo', '$TesseraJs'],
  tessera_media_start: function(camera, microphone, user, onDone) {
    var cam = UTF8ToString(camera), mic = UTF8ToString(microphone);
    var generation = TesseraMedia.generation;
    var stale = function() { return generation !== TesseraMedia.generation; };
    var done = function(result) { if (!stale()) {{{ makeDynCall('vii', 'onDone') }}}(user, result); };
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      setTimeout(function() { done(4); }, 0);
      return;
    }
    navigator.mediaDevices.getUserMedia({
      audio: mic ? { deviceId: { exact: mic } } : true,
      video: cam ? { deviceId: { exact: cam } } : true,
    }).then(function(stream) {
      if (stale()) return stream.getTracks().forEach(function(t) { t.stop(); });
      var old = TesseraMedia.stream;
      TesseraMedia.stream = stream;
      TesseraMedia.applyEnabled();
      TesseraVideo.show(0, stream);
      // A device switched mid-call: the peer sends the new tracks.
      TesseraMedia.peers.forEach(function(entry) {
        entry.pc.getSenders().forEach(function(sender) {
          var kind = sender.track ? sender.track.kind : null;
          var next = stream.getTracks().find(function(t) { return t.kind === kind; });
          if (next) sender.replaceTrack(next).catch(function(e) { TesseraJs.warn('replaceTrack', e); });
        });
      });
      if (old && old !== stream) old.getTracks().forEach(function(t) { t.stop(); });
      done(0);
    }, function(e) {
      done(TesseraMedia.resultOf(e));
    });
  },

  // The microphone's level now, 0-100 (RMS of the last 1024 samples), or -1
  // while it cannot be measured (no audio track; audio not yet allowed to
  // start, which the browser permits after the person's first tap).
  tessera_media_level__deps: ['$TesseraMedia'],
  tessera_media_level: function() {
    var s = TesseraMedia.stream;
    var track = s && s.getAudioTracks()[0];
    if (!track || typeof AudioContext === 'undefined') return -1;
    var m = TesseraMedia.meter;
    if (!m || m.track !== track) {
      if (m) m.context.close();
      var context = new AudioContext();
      var analyser = context.createAnalyser();
      analyser.fftSize = 1024;
      context.createMediaStreamSource(new MediaStream([track])).connect(analyser);
      m = TesseraMedia.meter = { track: track, context: context, analyser: analyser, data: new Float32Array(1024) };
    }
    if (m.context.state !== 'running') {
      m.context.resume().catch(function() {});
      return -1;
    }
    m.analyser.getFloatTimeDomainData(m.data);
    var sum = 0;
    for (var i = 0; i < m.data.length; ++i) sum += m.data[i] * m.data[i];
    // RMS to a 0-100 scale that moves visibly for speech (about -50..0 dBFS).
    var db = 10 * Math.log10(sum / m.data.length + 1e-12);
    return Math.max(0, Math.min(100, Math.round((db + 50) * 2)));
  },

  tessera_media_level_stop__deps: ['$TesseraMedia'],
  tessera_media_level_stop: function() { TesseraMedia.stopMeter(); },

  tessera_media_set_enabled__deps: ['$TesseraMedia'],
  tessera_media_set_enabled: function(audio, video) {
    TesseraMedia.audioOn = !!audio;
    TesseraMedia.videoOn = !!video;
    TesseraMedia.applyEnabled();
  },

  tessera_media_stop__deps: ['$TesseraMedia', '$TesseraVideo'],
  tessera_media_stop: function() {
    TesseraMedia.generation++;
    TesseraMedia.stop();
    TesseraVideo.show(0, null);
  },

  // JSON [{"kind":"camera"|"microphone","id","label"}]; labels are empty
  // until the page has permission.
  tessera_media_list_devices__deps: ['$TesseraJs', '$TesseraMedia'],
  tessera_media_list_devices: function(user, onList) {
    var generation = TesseraMedia.generation;
    var reply = function(list) {
      if (generation !== TesseraMedia.generation) return;
      TesseraJs.withString(JSON.stringify(list), function(ptr) { {{{ makeDynCall('vii', 'onList') }}}(user, ptr); });
    };
    if (!navigator.mediaDevices || !navigator.mediaDevices.enumerateDevices) {
      setTimeout(function() { reply([]); }, 0);
      return;
    }
    navigator.mediaDevices.enumerateDevices().then(function(devices) {
      reply(devices.filter(function(d) { return d.kind === 'videoinput' || d.kind === 'audioinput'; })
        .map(function(d) {
          return { kind: d.kind === 'videoinput' ? 'camera' : 'microphone', id: d.deviceId, label: d.label };
        }));
    }, function() { reply([]); });
  },

  // ---- <video> elements under rectangles ImGui reserves: 0 self view, 1 remote
  $TesseraVideo: {
    elements: [],
    element: function(slot) {
      var el = TesseraVideo.elements[slot];
      if (el) return el;
      el = document.createElement('video');
      el.autoplay = true;
      el.playsInline = true;
      el.muted = slot === 0;  // never hear yourself
      el.dataset.slot = slot === 0 ? 'self' : 'remote';
      el.hidden = true;
      document.getElementById('video-layer').appendChild(el);
      TesseraVideo.elements[slot] = el;
      return el;
    },
    show: function(slot, stream) {
      var el = TesseraVideo.element(slot);
      if (el.srcObject === stream) return;
      el.srcObject = stream;
      if (stream) el.play().catch(function() {});
    },
  },

  tessera_video_place__deps: ['$TesseraVideo'],
  tessera_video_place: function(slot, x, y, w, h) {
    var el = TesseraVideo.element(slot);
    var scale = window.devicePixelRatio || 1;
    if (w <= 0 || h <= 0) {
      el.hidden = true;
      return;
    }
    el.hidden = false;
    el.style.left = (x / scale) + 'px';
    el.style.top = (y / scale) + 'px';
    el.style.width = (w / scale) + 'px';
    el.style.height = (h / scale) + 'px';
  },

  // ---- RTCPeerConnection. Each operation waits for the previous one (the
  // visit's commands come in order: a candidate after its description).
  $TesseraPeer__deps: ['$TesseraJs'],
  $TesseraPeer: {
    STATES: ['new', 'checking', 'connected', 'completed', 'disconnected', 'failed', 'closed'],
    then: function(id, step, fn) {
      var entry = TesseraJs.get(id);
      if (!entry) return;
      entry.chain = entry.chain.then(function() {
        if (TesseraJs.get(id) === entry) return fn(entry);
      }).catch(function(e) { TesseraJs.warn(step, e); });
    },
    describe: function(entry, makeDescription) {
      return makeDescription().then(function(d) { return entry.pc.setLocalDescription(d); }).then(function() {
        if (!entry.live()) return;
        TesseraJs.withString(entry.pc.localDescription.sdp, function(ptr) { entry.onDescription(ptr); });
      });
    },
  },

  tessera_peer_create__deps: ['$TesseraPeer', '$TesseraMedia', '$TesseraVideo', '$TesseraJs', '$TesseraChannel'],
  tessera_peer_create: function(iceServers, media, user, onDescription, onCandidate, onState, onChannel) {
    // max-bundle: audio, video and the data channels share one transport
    // from the start, so there is one set of candidates to gather and check.
    var pc = new RTCPeerConnection({ iceServers: JSON.parse(UTF8ToString(iceServers)), bundlePolicy: 'max-bundle' });
    var entry = { pc: pc, chain: Promise.resolve(), media: !!media };
    var id = TesseraJs.add(entry);
    entry.live = function() { return TesseraJs.get(id) === entry; };
    entry.onDescription = function(ptr) { {{{ makeDynCall('vii', 'onDescription') }}}(user, ptr); };
    // Without media (a live share's call): no track, no transceiver, no video.
    var stream = TesseraMedia.stream;
    if (entry.media) {
      TesseraMedia.peers.add(entry);
      if (stream) {
        stream.getTracks().forEach(function(t) { pc.addTrack(t, stream); });
      } else {
        pc.addTransceiver('audio');
        pc.addTransceiver('video');
      }
    }
    pc.onicecandidate = function(e) {
      if (!entry.live() || !e.candidate || !e.candidate.candidate) return;
      var c = e.candidate;
      TesseraJs.withString(c.candidate, function(cand) {
        TesseraJs.withString(c.sdpMid || '', function(mid) {
          {{{ makeDynCall('viiii', 'onCandidate') }}}(user, cand, mid, c.sdpMLineIndex || 0);
        });
      });
    };
    pc.oniceconnectionstatechange = function() {
      if (entry.live()) {{{ makeDynCall('vii', 'onState') }}}(user, TesseraPeer.STATES.indexOf(pc.iceConnectionState));
    };
    pc.ondatachannel = function(e) {
      if (!entry.live()) return e.channel.close();
      var channel = TesseraChannel.add(e.channel);
      TesseraJs.withString(e.channel.label, function(label) {
        {{{ makeDynCall('viii', 'onChannel') }}}(user, channel, label);
      });
    };
    pc.ontrack = function(e) {
      if (!entry.live() || !entry.media) return;
      var remote = TesseraVideo.element(1).srcObject;
      if (e.streams[0]) return TesseraVideo.show(1, e.streams[0]);
      if (!remote) remote = new MediaStream();
      remote.addTrack(e.track);
      TesseraVideo.show(1, remote);
    };
    return id;
  },

  tessera_peer_set_ice_servers__deps: ['$TesseraJs'],
  tessera_peer_set_ice_servers: function(id, iceServers) {
    var entry = TesseraJs.get(id);
    if (!entry) return;
    try {
      entry.pc.setConfiguration({ iceServers: JSON.parse(UTF8ToString(iceServers)) });
    } catch (e) {
      TesseraJs.warn('setConfiguration', e);
    }
  },

  tessera_peer_create_offer__deps: ['$TesseraPeer'],
  tessera_peer_create_offer: function(id, iceRestart) {
    TesseraPeer.then(id, 'createOffer', function(entry) {
      if (iceRestart) entry.pc.restartIce();
      return TesseraPeer.describe(entry, function() { return entry.pc.createOffer(); });
    });
  },

  tessera_peer_create_answer__deps: ['$TesseraPeer'],
  tessera_peer_create_answer: function(id) {
    TesseraPeer.then(id, 'createAnswer', function(entry) {
      return TesseraPeer.describe(entry, function() { return entry.pc.createAnswer(); });
    });
  },

  tessera_peer_set_remote__deps: ['$TesseraPeer'],
  tessera_peer_set_remote: function(id, type, sdp) {
    var description = { type: UTF8ToString(type), sdp: UTF8ToString(sdp) };
    TesseraPeer.then(id, 'setRemoteDescription', function(entry) {
      return entry.pc.setRemoteDescription(description);
    });
  },

  tessera_peer_add_candidate__deps: ['$TesseraPeer'],
  tessera_peer_add_candidate: function(id, candidate, mid, mline) {
    var init = { candidate: UTF8ToString(candidate), sdpMid: UTF8ToString(mid), sdpMLineIndex: mline };
    TesseraPeer.then(id, 'addIceCandidate', function(entry) { return entry.pc.addIceCandidate(init); });
  },

  tessera_peer_close__deps: ['$TesseraJs', '$TesseraMedia', '$TesseraVideo'],
  tessera_peer_close: function(id) {
    var entry = TesseraJs.get(id);
    TesseraJs.remove(id);
    if (!entry) return;
    TesseraMedia.peers.delete(entry);
    entry.pc.close();
    if (entry.media) TesseraVideo.show(1, null);
  },

  // The call's transport for the connection indicator: round-trip time of
  // the selected candidate pair, inbound packets received and lost, and
  // whether our side is relayed. C++ judges them (wasm/connection_quality).
  tessera_peer_stats__deps: ['$TesseraJs'],
  tessera_peer_stats: function(id, user, onStats) {
    var entry = TesseraJs.get(id);
    if (!entry) return;
    entry.pc.getStats().then(function(report) {
      if (!entry.live()) return;
      var out = { rtt: -1, received: 0, lost: 0, relayed: false };
      var pairId = null;
      report.forEach(function(s) { if (s.type === 'transport' && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId; });
      report.forEach(function(s) {
        if (s.type === 'candidate-pair' && s.id === pairId) {
          if (typeof s.currentRoundTripTime === 'number') out.rtt = s.currentRoundTripTime;
          var local = report.get(s.localCandidateId);
          out.relayed = !!local && local.candidateType === 'relay';
        }
        if (s.type === 'inbound-rtp') {
          out.received += s.packetsReceived || 0;
          out.lost += Math.max(0, s.packetsLost || 0);
        }
      });
      TesseraJs.withString(JSON.stringify(out), function(ptr) { {{{ makeDynCall('vii', 'onStats') }}}(user, ptr); });
    }, function(e) { TesseraJs.warn('getStats', e); });
  },

  // ---- RTCDataChannel: binary, reliable, ordered; the module hands it only
  // sealed bytes. The channel's callbacks are set by tessera_channel_listen.
  $TesseraChannel__deps: ['$TesseraJs', 'malloc', 'free'],
  $TesseraChannel: {
    add: function(dc) {
      dc.binaryType = 'arraybuffer';
      var entry = { dc: dc };
      var id = TesseraJs.add(entry);
      entry.live = function() { return TesseraJs.get(id) === entry; };
      return id;
    },
    // Bytes from the channel to C++: a copy in the module's heap, wiped after.
    deliver: function(entry, data) {
      var bytes = new Uint8Array(data);
      var ptr = _malloc(Math.max(1, bytes.length));
      HEAPU8.set(bytes, ptr);
      try { entry.onMessage(ptr, bytes.length); } finally { HEAPU8.fill(0, ptr, ptr + bytes.length); _free(ptr); }
    },
    // Sealed bytes from C++ to a channel go through one reused buffer (grown
    // to the largest message): send() from a view of the module's memory
    // cost Chromium about 2.0 ms of CPU a megabyte, from a small buffer 0.9,
    // and the copy into it 0.02.
    outgoing: null,
    send: function(entry, bytes, size) {
      if (!TesseraChannel.outgoing || TesseraChannel.outgoing.length < size) TesseraChannel.outgoing = new Uint8Array(size);
      var out = TesseraChannel.outgoing.subarray(0, size);
      out.set(HEAPU8.subarray(bytes, bytes + size));
      entry.dc.send(out);  // send() copies: the buffer is free again
    },
  },

  tessera_channel_create__deps: ['$TesseraJs', '$TesseraChannel'],
  tessera_channel_create: function(peer, label) {
    var entry = TesseraJs.get(peer);
    if (!entry) return 0;
    try {
      return TesseraChannel.add(entry.pc.createDataChannel(UTF8ToString(label), { ordered: true }));
    } catch (e) {
      TesseraJs.warn('createDataChannel', e);
      return 0;
    }
  },

  tessera_channel_listen__deps: ['$TesseraJs', '$TesseraChannel'],
  tessera_channel_listen: function(id, lowWater, user, onOpen, onMessage, onClosed, onDrained) {
    var entry = TesseraJs.get(id);
    if (!entry) return;
    var dc = entry.dc;
    dc.bufferedAmountLowThreshold = lowWater;
    entry.onMessage = function(ptr, size) { {{{ makeDynCall('viii', 'onMessage') }}}(user, ptr, size); };
    var opened = function() { if (entry.live()) {{{ makeDynCall('vi', 'onOpen') }}}(user); };
    dc.onopen = opened;
    dc.onmessage = function(e) {
      if (entry.live() && e.data instanceof ArrayBuffer) TesseraChannel.deliver(entry, e.data);
    };
    dc.onclose = function() {
      if (!entry.live()) return;
      TesseraJs.remove(id);
      {{{ makeDynCall('vi', 'onClosed') }}}(user);
    };
    dc.onbufferedamountlow = function() { if (entry.live()) {{{ makeDynCall('vi', 'onDrained') }}}(user); };
    // An incoming channel may be open already.
    if (dc.readyState === 'open') setTimeout(opened, 0);
  },

  tessera_channel_send__deps: ['$TesseraJs', '$TesseraChannel'],
  tessera_channel_send: function(id, bytes, size) {
    var entry = TesseraJs.get(id);
    if (!entry || entry.dc.readyState !== 'open') return 0;
    try {
      TesseraChannel.send(entry, bytes, size);
      return 1;
    } catch (e) {
      TesseraJs.warn('send', e);
      return 0;
    }
  },

  tessera_channel_buffered__deps: ['$TesseraJs'],
  tessera_channel_buffered: function(id) {
    var entry = TesseraJs.get(id);
    return entry ? entry.dc.bufferedAmount : 0;
  },

  tessera_channel_close__deps: ['$TesseraJs'],
  tessera_channel_close: function(id) {
    var entry = TesseraJs.get(id);
    TesseraJs.remove(id);
    if (entry) entry.dc.close();
  },

  // ---- the chat panel: what C++ says, rendered as DOM elements (text by
  // textContent only) over the rectangle the layout reserves; a person's
  // actions on an entry and the files they pick or drop go back to C++.
  $TesseraChat__deps: ['$TesseraJs', '$TesseraFiles'],
  $TesseraChat: {
    panel: null,
    log: null,
    picker: null,
    user: 0,
    onAction: 0,
    onFile: 0,
    last: null,  // the last state shown, rendered again when a download is ready
    ACTIONS: { accept: 1, decline: 2, cancel: 3 },
    build: function() {
      var panel = document.getElementById('chat-layer');
      TesseraChat.panel = panel;
      TesseraChat.log = document.createElement('ol');
      TesseraChat.log.setAttribute('role', 'log');
      TesseraChat.log.setAttribute('aria-label', 'Chat messages');
      TesseraChat.log.setAttribute('aria-live', 'polite');
      var label = document.createElement('label');
      label.className = 'chat-file';
      label.textContent = 'Send a file';
      var picker = document.createElement('input');
      picker.type = 'file';
      picker.multiple = true;
      picker.setAttribute('aria-label', 'Send a file');
      picker.addEventListener('change', function() {
        TesseraChat.choose(picker.files);
        picker.value = '';
      });
      label.appendChild(picker);
      TesseraChat.picker = picker;
      panel.replaceChildren(TesseraChat.log, label);
      panel.addEventListener('dragover', function(e) { e.preventDefault(); });
      panel.addEventListener('drop', function(e) {
        e.preventDefault();
        if (e.dataTransfer) TesseraChat.choose(e.dataTransfer.files);
      });
    },
    choose: function(files) {
      if (!TesseraChat.onFile) return;
      Array.prototype.forEach.call(files || [], function(file) {
        var id = TesseraFiles.add(file);
        TesseraJs.withString(file.name, function(name) {
          TesseraJs.withString(file.type || '', function(type) {
            {{{ makeDynCall('viiidi', 'TesseraChat.onFile') }}}(TesseraChat.user, id, name, file.size, type);
          });
        });
      });
    },
    act: function(entry, action) {
      if (TesseraChat.onAction) {{{ makeDynCall('vidi', 'TesseraChat.onAction') }}}(TesseraChat.user, entry, action);
    },
    element: function(tag, className, text) {
      var el = document.createElement(tag);
      if (className) el.className = className;
      if (text !== undefined) el.textContent = text;
      return el;
    },
    // One entry: who and when, the text or the file card, its state.
    entry: function(m) {
      var E = TesseraChat.element;
      var li = E('li', m.mine ? 'chat-mine' : 'chat-theirs');
      li.appendChild(E('p', 'chat-meta', m.who + ', ' + m.time));
      if (m.text !== undefined) li.appendChild(E('p', 'chat-text', m.text));
      var f = m.file;
      if (f) {
        li.appendChild(E('p', 'chat-file-name', f.name));
        li.appendChild(E('p', 'chat-file-about', f.about));
        var url = f.preview ? TesseraFiles.url(f.src) : null;
        if (url) {
          var img = E('img', 'chat-preview');
          img.src = url;
          img.alt = 'Picture: ' + f.name;
          li.appendChild(img);
        }
        if (f.progress !== undefined) {
          var bar = E('progress');
          bar.max = 1;
          bar.value = f.progress;
          bar.setAttribute('aria-label', 'Progress of ' + f.name);
          li.appendChild(bar);
        }
        if (f.status) {
          var status = li.appendChild(E('p', 'chat-file-status', f.status));
          // Progress twice a second is not read out; the entry's next state is.
          if (f.progress !== undefined) status.setAttribute('aria-live', 'off');
        }
        (f.actions || []).forEach(function(a) {
          var b = E('button', 'chat-action', a.label);
          b.type = 'button';
          b.addEventListener('click', function() { TesseraChat.act(m.id, TesseraChat.ACTIONS[a.action]); });
          li.appendChild(b);
        });
        var save = f.save ? TesseraFiles.url(f.src) : null;
        if (save) {
          var link = E('a', 'chat-save', 'Save ' + f.name);
          link.href = save;
          link.download = f.name;
          li.appendChild(link);
        }
      }
      if (m.state) li.appendChild(E('p', 'chat-state', m.state));
      return li;
    },
    // An entry's state apart from what moves while a file goes (its
    // progress and status): entries of the same shape differ only there.
    shape: function(m) {
      var f = m.file;
      if (!f || (f.progress === undefined && !f.status)) return JSON.stringify(m);
      var still = Object.assign({}, f, { progress: f.progress !== undefined, status: !!f.status });
      return JSON.stringify(Object.assign({}, m, { file: still }));
    },
    render: function(state) {
      TesseraChat.last = state;
      var log = TesseraChat.log;
      var stick = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
      // Keyed by entry: an unchanged entry keeps its element (and its focus);
      // a moving file's entry is updated in place, its Cancel button kept.
      var old = new Map();
      Array.prototype.forEach.call(log.children, function(li) { old.set(li.dataset.id, li); });
      var moved = false;
      var items = state.entries.map(function(m) {
        // A file's entry changes too when its preview or download becomes ready.
        var f = m.file;
        var ready = f && (f.preview || f.save) && TesseraFiles.url(f.src) ? '+' : '';
        var shape = TesseraChat.shape(m) + ready;
        var li = old.get(String(m.id));
        old.delete(String(m.id));
        if (li && li.dataset.shape === shape) {
          if (!f) return li;  // same shape, nothing that moves: unchanged
          var bar = li.querySelector('progress');
          if (bar && bar.value !== f.progress) bar.value = f.progress;
          var status = li.querySelector('.chat-file-status');
          if (status && status.textContent !== f.status) status.textContent = f.status;
          return li;
        }
        if (li) li.remove();
        li = TesseraChat.entry(m);
        li.dataset.id = String(m.id);
        li.dataset.shape = shape;
        moved = true;
        return li;
      });
      old.forEach(function(li) { li.remove(); moved = true; });
      items.forEach(function(li, i) { if (log.children[i] !== li) log.insertBefore(li, log.children[i] || null); });
      if (stick && moved) log.scrollTop = log.scrollHeight;
      TesseraChat.picker.disabled = !state.canSend;
    },
  },

  tessera_chat_attach__deps: ['$TesseraChat'],
  tessera_chat_attach: function(user, onAction, onFile) {
    if (!TesseraChat.panel) TesseraChat.build();
    TesseraChat.user = user;
    TesseraChat.onAction = onAction;
    TesseraChat.onFile = onFile;
  },

  tessera_chat_place__deps: ['$TesseraChat'],
  tessera_chat_place: function(x, y, w, h) {
    var panel = TesseraChat.panel;
    if (!panel) return;
    var scale = window.devicePixelRatio || 1;
    panel.hidden = w <= 0 || h <= 0;
    panel.style.left = (x / scale) + 'px';
    panel.style.top = (y / scale) + 'px';
    panel.style.width = (w / scale) + 'px';
    panel.style.height = (h / scale) + 'px';
  },

  tessera_chat_show__deps: ['$TesseraChat'],
  tessera_chat_show: function(json) {
    if (TesseraChat.panel) TesseraChat.render(JSON.parse(UTF8ToString(json)));
  },

  tessera_chat_detach__deps: ['$TesseraChat', '$TesseraFiles'],
  tessera_chat_detach: function() {
    TesseraChat.user = TesseraChat.onAction = TesseraChat.onFile = 0;
    TesseraChat.last = null;
    if (!TesseraChat.panel) return;
    TesseraChat.log.replaceChildren();
    TesseraChat.panel.hidden = true;
    TesseraFiles.forgetAll();
  },

  // ---- files: those the person picked (File objects: immutable snapshots,
  // read a slice at a time), and downloads of received files, written to the
  // origin's private file system as they arrive and offered as a download
  // from there: the tab never holds a whole file. Without that file system
  // (an older browser) a download is kept as Blob parts, which the browser
  // may page to disk; on a kiosk (C++ asks for it, for small files only) it
  // is kept as parts in memory, never in the file system. All go with the call.
  $TesseraFiles__deps: ['$TesseraJs', 'malloc', 'free'],
  $TesseraFiles: {
    DIR: 'tessera-downloads',
    live: null,  // handles of files and downloads this call made (a Set, made on first use)
    track: function(id) {
      if (!TesseraFiles.live) TesseraFiles.live = new Set();
      TesseraFiles.live.add(id);
      return id;
    },
    add: function(file) { return TesseraFiles.track(TesseraJs.add({ file: file, chain: Promise.resolve() })); },
    // Bytes [offset, offset + length) of a picked file, in the module's heap
    // (0 if the file ends early). One stream from the offset serves the reads
    // that follow it, as a sending file asks: a slice per read costs the
    // browser's file process far more. A read elsewhere (a resumption)
    // starts a new stream there. Where file streams are byte streams, the
    // stream fills one reused buffer with just the bytes asked: a fresh chunk
    // per read costs the tab three to four times the CPU per MB, which a
    // large file's throughput feels. Elsewhere the stream's own chunks are
    // cut to size. Bytes outside the heap are wiped.
    READ_BUFFER: 1 << 20,
    readAt: function(entry, offset, length) {
      if (!entry.reader || entry.readerAt !== offset) {
        TesseraFiles.stopReading(entry);
        var stream = entry.file.slice(offset).stream();
        try {
          entry.reader = stream.getReader({ mode: 'byob' });
          entry.buffer = new ArrayBuffer(TesseraFiles.READ_BUFFER);
          entry.byob = true;
        } catch (e) {  // not a byte stream in this browser
          entry.reader = stream.getReader();
          entry.byob = false;
        }
        entry.readerAt = offset;
      }
      var reader = entry.reader, ptr = _malloc(Math.max(1, length)), filled = 0;
      var step = function() {
        if (filled === length) {
          entry.readerAt += length;
          return ptr;
        }
        var next;
        if (entry.buffer) {  // the buffer is the stream's until the read returns it
          var want = Math.min(entry.buffer.byteLength, length - filled);
          next = reader.read(new Uint8Array(entry.buffer, 0, want));
          entry.buffer = null;
        } else if (entry.carry) {
          next = Promise.resolve({ value: entry.carry });
          entry.carry = null;
        } else {
          next = reader.read();
        }
        return next.then(function(r) {
          if (r.done || entry.reader !== reader) {  // the file ended early, or the read was stopped
            if (r.value) r.value.fill(0);
            TesseraFiles.freeRead(ptr, filled);
            if (entry.reader === reader) TesseraFiles.stopReading(entry);
            return 0;
          }
          var take = Math.min(r.value.length, length - filled);
          HEAPU8.set(r.value.subarray(0, take), ptr + filled);
          filled += take;
          if (take < r.value.length) entry.carry = r.value.slice(take);
          r.value.fill(0);
          if (entry.byob) entry.buffer = r.value.buffer;  // back from the stream, for the next read
          return step();
        }, function(e) {
          TesseraFiles.freeRead(ptr, filled);
          throw e;
        });
      };
      return step();
    },
    freeRead: function(ptr, length) {
      HEAPU8.fill(0, ptr, ptr + length);
      _free(ptr);
    },
    stopReading: function(entry) {
      if (entry.reader) entry.reader.cancel().catch(function() {});
      if (entry.carry) entry.carry.fill(0);
      entry.reader = entry.carry = entry.buffer = null;
    },
    // An object URL for a picked file or a finished download (made once, revoked with the call).
    url: function(id) {
      var entry = TesseraJs.get(id);
      if (!entry) return null;
      if (!entry.url && entry.file) entry.url = URL.createObjectURL(entry.file);
      return entry.url || null;
    },
    // This page's own folder of the private file system, held by a Web Lock
    // for as long as the page lives: another tab's folder is never touched,
    // and a folder whose lock is free was left by a page that is gone.
    page: null,
    randomName: function() {
      return Array.prototype.map.call(crypto.getRandomValues(new Uint8Array(16)), function(b) {
        return (b + 256).toString(16).slice(1);
      }).join('');
    },
    directory: function() {
      if (!navigator.storage || !navigator.storage.getDirectory) return Promise.reject(new Error('no OPFS'));
      if (!TesseraFiles.page) {
        var name = TesseraFiles.randomName();
        if (navigator.locks) navigator.locks.request(TesseraFiles.DIR + '/' + name, function() {
          return new Promise(function() {});  // held until the page goes
        });
        TesseraFiles.page = navigator.storage.getDirectory().then(function(root) {
          return root.getDirectoryHandle(TesseraFiles.DIR, { create: true });
        }).then(function(all) { return all.getDirectoryHandle(name, { create: true }); });
      }
      return TesseraFiles.page;
    },
    // Deletes the folders of pages that are gone (a crash, a closed tab).
    sweep: function() {
      if (!navigator.storage || !navigator.storage.getDirectory || !navigator.locks) return;
      Promise.all([navigator.locks.query(), navigator.storage.getDirectory()]).then(function(r) {
        var held = new Set(r[0].held.map(function(l) { return l.name; }));
        return r[1].getDirectoryHandle(TesseraFiles.DIR).then(function(all) {
          var removals = [];
          var next = function(it) {
            return it.next().then(function(step) {
              if (step.done) return Promise.all(removals);
              if (!held.has(TesseraFiles.DIR + '/' + step.value)) removals.push(all.removeEntry(step.value, { recursive: true }));
              return next(it);
            });
          };
          return next(all.keys());
        });
      }).catch(function() {});
    },
    // The download writer (web/download_worker.js), made on first use;
    // ask() posts it a request and resolves when it is done, in order.
    writer: null,
    broken: false,
    asked: 0,
    answers: null,
    // Blocks' buffers the writer gave back, wiped, for the next blocks: a
    // fresh 1 MB buffer per block costs more CPU than the copy into it.
    spare: [],
    SPARE_MAX: 20,  // a little over the blocks a download has in flight (16 MiB)
    blockCopy: function(bytes, size) {
      var i = TesseraFiles.spare.findIndex(function(b) { return b.byteLength === size; });
      var copy = new Uint8Array(i < 0 ? new ArrayBuffer(size) : TesseraFiles.spare.splice(i, 1)[0]);
      copy.set(HEAPU8.subarray(bytes, bytes + size));
      return copy;
    },
    ask: function(request, transfer) {
      if (!TesseraFiles.writer) {
        var tag = document.querySelector('script[data-download-worker]');
        if (!tag || typeof Worker === 'undefined') return Promise.reject(new Error('no download writer'));
        TesseraFiles.writer = new Worker(tag.dataset.downloadWorker);
        TesseraFiles.answers = new Map();
        TesseraFiles.writer.onmessage = function(e) {
          var spare = e.data.spare;
          if (spare && TesseraFiles.spare.length < TesseraFiles.SPARE_MAX) TesseraFiles.spare.push(spare);
          var done = TesseraFiles.answers.get(e.data.n);
          TesseraFiles.answers.delete(e.data.n);
          if (done) done(e.data);
        };
        // A writer that failed to load or broke answers nothing more: what
        // waits fails now (a download not yet open falls back to Blob parts).
        TesseraFiles.writer.onerror = function(e) {
          e.preventDefault();
          TesseraFiles.broken = true;
          var waiting = TesseraFiles.answers;
          TesseraFiles.answers = new Map();
          waiting.forEach(function(done) { done({ ok: false, error: 'WriterFailed' }); });
        };
      }
      if (TesseraFiles.broken) return Promise.reject(new Error('download writer: WriterFailed'));
      request.n = ++TesseraFiles.asked;
      return new Promise(function(resolve, reject) {
        TesseraFiles.answers.set(request.n, function(a) {
          if (a.ok) resolve(); else reject(new Error('download writer: ' + a.error));
        });
        TesseraFiles.writer.postMessage(request, transfer || []);
      });
    },
    // A download's file closed in the writer (once): it can be read or deleted.
    closeWriter: function(entry) {
      if (!entry.open) return Promise.resolve();
      if (!entry.closed) entry.closed = TesseraFiles.ask({ op: 'close', id: entry.id });
      return entry.closed;
    },
    release: function(id) {
      var entry = TesseraJs.get(id);
      TesseraJs.remove(id);
      if (!entry) return;
      if (entry.url) URL.revokeObjectURL(entry.url);
      if (entry.open) TesseraFiles.closeWriter(entry).catch(function() {});
      TesseraFiles.stopReading(entry);
      if (entry.parts) entry.parts.forEach(function(p) { p.fill(0); });
      entry.parts = null;
      entry.dead = true;
    },
    forgetAll: function() {
      if (TesseraFiles.live) TesseraFiles.live.forEach(TesseraFiles.release);
      TesseraFiles.live = null;
      TesseraFiles.spare = [];
      // This page's folder goes; the next call makes a new one.
      var page = TesseraFiles.page;
      TesseraFiles.page = null;
      // The writer closes every file first: an open one cannot be deleted.
      var closed = TesseraFiles.writer ? TesseraFiles.ask({ op: 'closeAll' }) : Promise.resolve();
      if (page) Promise.all([page, closed]).then(function(r) { return r[0]; }).then(function(dir) {
        return navigator.storage.getDirectory().then(function(root) {
          return root.getDirectoryHandle(TesseraFiles.DIR);
        }).then(function(all) { return all.removeEntry(dir.name, { recursive: true }); });
      }).catch(function() {});
    },
  },

  tessera_file_read__deps: ['$TesseraJs', '$TesseraFiles'],
  tessera_file_read: function(id, offset, length, user, token, onRead) {
    var entry = TesseraJs.get(id);
    if (!entry) return;
    var reply = function(ptr) {
      if (TesseraJs.get(id) !== entry) return ptr && TesseraFiles.freeRead(ptr, length);
      if (!ptr) return {{{ makeDynCall('vidii', 'onRead') }}}(user, token, 0, -1);
      try {
        {{{ makeDynCall('vidii', 'onRead') }}}(user, token, ptr, length);
      } finally {
        TesseraFiles.freeRead(ptr, length);
      }
    };
    // Reads come in file order; their bytes go to C++ in the order asked.
    entry.chain = entry.chain.then(function() {
      if (TesseraJs.get(id) !== entry) return;
      return TesseraFiles.readAt(entry, offset, length).then(reply, function(e) {
        TesseraJs.warn('file read', e);
        TesseraFiles.stopReading(entry);
        reply(0);
      });
    });
  },

  tessera_file_release__deps: ['$TesseraFiles'],
  tessera_file_release: function(id) { TesseraFiles.release(id); },

  tessera_download_open__deps: ['$TesseraJs', '$TesseraFiles'],
  tessera_download_open: function(name, mediaType, size, inMemory, user, onWritten) {
    var entry = { name: UTF8ToString(name), type: UTF8ToString(mediaType), parts: null };
    var id = TesseraFiles.track(TesseraJs.add(entry));
    entry.id = id;
    entry.written = function(ok) {
      if (TesseraJs.get(id) === entry) {{{ makeDynCall('vii', 'onWritten') }}}(user, ok);
    };
    if (inMemory) {  // a kiosk: never on the device
      entry.parts = [];
      entry.ready = entry.chain = Promise.resolve();
      return id;
    }
    // A random name in the private directory: never the file's own name.
    var slot = TesseraFiles.randomName();
    entry.ready = TesseraFiles.directory().then(function(dir) {
      entry.dir = dir;
      entry.slot = slot;
      return dir.getFileHandle(slot, { create: true });
    }).then(function(handle) {
      entry.handle = handle;
      return TesseraFiles.ask({ op: 'open', id: id, file: handle, size: size });
    }).then(function() {
      entry.open = true;
      if (entry.dead) TesseraFiles.closeWriter(entry).catch(function() {});
    }, function() {
      entry.parts = [];  // no private file system or writer here: Blob parts
    });
    entry.chain = entry.ready;
    return id;
  },

  // Writes do not wait for each other: the writer takes them in order, and
  // a write is confirmed only once it is on disk.
  tessera_download_write__deps: ['$TesseraJs', '$TesseraFiles'],
  tessera_download_write: function(id, bytes, size) {
    var entry = TesseraJs.get(id);
    if (!entry) return;
    var copy = TesseraFiles.blockCopy(bytes, size);
    entry.chain = entry.ready.then(function() {
      if (entry.dead) return copy.fill(0);
      if (entry.parts) return entry.parts.push(copy);
      return TesseraFiles.ask({ op: 'write', id: id, bytes: copy.buffer }, [copy.buffer]);  // wiped, then given back
    }).then(function() { entry.written(1); }, function(e) {
      TesseraJs.warn('download write', e);
      entry.written(0);
    });
  },

  tessera_download_finish__deps: ['$TesseraJs', '$TesseraChat', '$TesseraFiles'],
  tessera_download_finish: function(id) {
    var entry = TesseraJs.get(id);
    if (!entry) return;
    entry.chain = entry.chain.then(function() {
      if (entry.dead) return null;
      if (entry.parts) return new Blob(entry.parts, { type: entry.type });
      return TesseraFiles.closeWriter(entry).then(function() { return entry.handle.getFile(); });
    }).then(function(blob) {
      if (!blob || entry.dead) return;
      if (entry.parts) entry.parts.forEach(function(p) { p.fill(0); });  // the Blob holds its own copy
      entry.parts = null;
      entry.file = blob;  // on disk (or, in memory, the Blob): the object URL reads it from there
      if (TesseraChat.last) TesseraChat.render(TesseraChat.last);  // its Save link can show now
    }, function(e) { TesseraJs.warn('download finish', e); });
  },

  tessera_download_abort__deps: ['$TesseraJs', '$TesseraFiles'],
  tessera_download_abort: function(id) {
    var entry = TesseraJs.get(id);
    if (!entry) return;
    TesseraFiles.release(id);
    entry.chain.then(function() {
      return TesseraFiles.closeWriter(entry);
    }).then(function() {
      if (entry.dir && entry.slot) return entry.dir.removeEntry(entry.slot);
    }).catch(function() {});
  },

  // ---- the gateway's /api/ (same origin: the session cookie goes along)
  tessera_fetch__deps: ['$TesseraJs'],
  tessera_fetch: function(method, path, body, csrf, user, onDone) {
    var init = { method: UTF8ToString(method), credentials: 'same-origin', cache: 'no-store', headers: {} };
    var text = UTF8ToString(body), token = UTF8ToString(csrf);
    if (text) {
      init.body = text;
      init.headers['Content-Type'] = 'application/json';
    }
    if (token) init.headers['X-CSRF-Token'] = token;
    var done = function(status, reply) {
      TesseraJs.withString(reply, function(ptr) { {{{ makeDynCall('viii', 'onDone') }}}(user, status, ptr); });
    };
    fetch(UTF8ToString(path), init).then(function(response) {
      return response.text().then(function(reply) { done(response.status, reply); });
    }).catch(function() { done(0, ''); });
  },

  // ---- the vault: a provider's per-visit secret, kept across a reload of
  // the tab, or a kiosk's own key, kept on the device. Sealed with AES-GCM
  // under a non-extractable WebCrypto key kept in IndexedDB (a CryptoKey is
  // stored as an object: no script can read its bytes); only the ciphertext
  // goes to sessionStorage (this tab only, gone when it closes) or, when
  // lasting, to localStorage. Nothing is ever stored in clear.
  $TesseraVault__deps: ['$TesseraJs'],
  $TesseraVault: {
    wrappingKey: function() {
      return new Promise(function(resolve, reject) {
        var open = indexedDB.open('tessera', 1);
        open.onupgradeneeded = function() { open.result.createObjectStore('keys'); };
        open.onerror = function() { reject(open.error); };
        open.onsuccess = function() {
          var db = open.result;
          var get = db.transaction('keys').objectStore('keys').get('wrap');
          get.onerror = function() { reject(get.error); };
          get.onsuccess = function() {
            if (get.result) return resolve(get.result);
            crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt'])
              .then(function(key) {
                var put = db.transaction('keys', 'readwrite').objectStore('keys').put(key, 'wrap');
                put.onerror = function() { reject(put.error); };
                put.onsuccess = function() { resolve(key); };
              }, reject);
          };
        };
      });
    },
    slot: function(name) { return 'tessera.vault.' + name; },
    storage: function(lasting) { return lasting ? localStorage : sessionStorage; },
    encode: function(bytes) {
      var s = '';
      for (var i = 0; i < bytes.length; ++i) s += String.fromCharCode(bytes[i]);
      return btoa(s);
    },
    decode: function(text) {
      var s = atob(text), out = new Uint8Array(s.length);
      for (var i = 0; i < s.length; ++i) out[i] = s.charCodeAt(i);
      return out;
    },
    // The name is the associated data: a sealed value cannot be moved to another slot.
    params: function(iv, name) {
      return { name: 'AES-GCM', iv: iv, additionalData: new TextEncoder().encode(name) };
    },
  },

  tessera_vault_store__deps: ['$TesseraVault', '$TesseraJs'],
  tessera_vault_store: function(name, lasting, bytes, size) {
    var slot = TesseraVault.slot(UTF8ToString(name));
    var storage = TesseraVault.storage(lasting);
    var clear = HEAPU8.slice(bytes, bytes + size);
    var iv = crypto.getRandomValues(new Uint8Array(12));
    TesseraVault.wrappingKey().then(function(key) {
      return crypto.subtle.encrypt(TesseraVault.params(iv, slot), key, clear);
    }).then(function(sealed) {
      storage.setItem(slot, TesseraVault.encode(iv) + '.' + TesseraVault.encode(new Uint8Array(sealed)));
    }).catch(function(e) { TesseraJs.warn('vault store', e); }).finally(function() { clear.fill(0); });
  },

  tessera_vault_load__deps: ['$TesseraVault', '$TesseraJs', 'malloc', 'free'],
  tessera_vault_load: function(name, lasting, user, onLoaded) {
    var slot = TesseraVault.slot(UTF8ToString(name));
    var storage = TesseraVault.storage(lasting);
    var reply = function(clear) {
      var ptr = clear ? _malloc(clear.length) : 0;
      if (ptr) HEAPU8.set(clear, ptr);
      {{{ makeDynCall('viii', 'onLoaded') }}}(user, ptr, ptr ? clear.length : 0);
      if (ptr) {
        HEAPU8.fill(0, ptr, ptr + clear.length);
        _free(ptr);
      }
      if (clear) clear.fill(0);
    };
    var stored = storage.getItem(slot);
    var parts = stored ? stored.split('.') : [];
    if (parts.length !== 2) {
      setTimeout(function() { reply(null); }, 0);
      return;
    }
    TesseraVault.wrappingKey().then(function(key) {
      return crypto.subtle.decrypt(TesseraVault.params(TesseraVault.decode(parts[0]), slot), key,
                                   TesseraVault.decode(parts[1]));
    }).then(function(clear) { reply(new Uint8Array(clear)); }, function(e) {
      TesseraJs.warn('vault load', e);
      storage.removeItem(slot);
      reply(null);
    });
  },

  tessera_vault_erase__deps: ['$TesseraVault'],
  tessera_vault_erase: function(name, lasting) {
    TesseraVault.storage(lasting).removeItem(TesseraVault.slot(UTF8ToString(name)));
  },

  // ---- the page
  tessera_page_href__deps: ['$TesseraJs'],
  tessera_page_href: function() { return TesseraJs.newString(String(location.href)); },

  tessera_page_set_title: function(text) { document.title = UTF8ToString(text); },

  // The ARIA live region: cleared first, so the same words are said again.
  tessera_page_announce: function(text) {
    var region = document.getElementById('announcer');
    region.textContent = '';
    var words = UTF8ToString(text);
    setTimeout(function() { region.textContent = words; }, 50);
  },

  // Fullscreen for a kiosk. Browsers allow it only shortly after a tap (the
  // page's transient activation), which the tap that asked for it gives.
  tessera_page_fullscreen__deps: ['$TesseraJs'],
  tessera_page_fullscreen: function() {
    var root = document.documentElement;
    if (document.fullscreenElement || !root.requestFullscreen) return;
    root.requestFullscreen({ navigationUI: 'hide' }).catch(function(e) { TesseraJs.warn('requestFullscreen', e); });
  },

  // After a kiosk visit: this history entry becomes path (Back cannot
  // return to the visit) and this tab's storage is emptied.
  tessera_page_forget: function(path) {
    history.replaceState(null, '', UTF8ToString(path));
    sessionStorage.clear();
  },

  tessera_page_copy_text: function(text) {
    var words = UTF8ToString(text);
    if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(words).catch(function() {});
  },

  tessera_page_warn__deps: ['$TesseraJs'],
  tessera_page_warn: function(step, error) {
    console.warn('tessera: ' + UTF8ToString(step) + ': ' + UTF8ToString(error));
  },

  // ---- arrival alerts: a chime through WebAudio and a system notification
  $TesseraAlert: {
    audio: null,  // the AudioContext, made during a person's gesture
    quiet: 0,     // the timer that suspends it after a chime
    // Two short notes, 880 then 660 Hz.
    play: function(context) {
      [880, 660].forEach(function(frequency, i) {
        var start = context.currentTime + i * 0.18;
        var tone = context.createOscillator();
        var gain = context.createGain();
        tone.frequency.value = frequency;
        gain.gain.setValueAtTime(0.0001, start);
        gain.gain.exponentialRampToValueAtTime(0.2, start + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.16);
        tone.connect(gain).connect(context.destination);
        tone.start(start);
        tone.stop(start + 0.17);
      });
    },
    NOTIFY: { 'default': 0, 'granted': 1, 'denied': 2 },
    permission: function() {
      if (typeof Notification === 'undefined') return -1;
      var p = TesseraAlert.NOTIFY[Notification.permission];
      return p === undefined ? 0 : p;
    },
  },

  tessera_sound_unlock__deps: ['$TesseraAlert'],
  tessera_sound_unlock: function() {
    if (typeof AudioContext === 'undefined') return;
    if (!TesseraAlert.audio) TesseraAlert.audio = new AudioContext();
    // Started during the gesture, which lets later chimes resume it; then
    // suspended: a running context costs the audio service CPU all along.
    var context = TesseraAlert.audio;
    context.resume().then(function() { if (!TesseraAlert.quiet) return context.suspend(); }).catch(function() {});
  },

  tessera_sound_chime__deps: ['$TesseraAlert'],
  tessera_sound_chime: function() {
    var context = TesseraAlert.audio;
    if (!context) return;
    clearTimeout(TesseraAlert.quiet);
    TesseraAlert.quiet = setTimeout(function() {
      TesseraAlert.quiet = 0;
      context.suspend().catch(function() {});
    }, 1000);
    context.resume().then(function() { TesseraAlert.play(context); }).catch(function() {});
  },

  tessera_notify_permission__deps: ['$TesseraAlert'],
  tessera_notify_permission: function() { return TesseraAlert.permission(); },

  tessera_notify_request__deps: ['$TesseraAlert'],
  tessera_notify_request: function(user, onDone) {
    var done = function() { {{{ makeDynCall('vii', 'onDone') }}}(user, TesseraAlert.permission()); };
    if (typeof Notification === 'undefined') return setTimeout(done, 0);
    Notification.requestPermission().then(done, done);
  },

  tessera_notify_show__deps: ['$TesseraAlert', '$TesseraJs'],
  tessera_notify_show: function(title, body, tag) {
    if (TesseraAlert.permission() !== 1) return;
    try {
      var n = new Notification(UTF8ToString(title), { body: UTF8ToString(body), tag: UTF8ToString(tag) });
      n.onclick = function() { window.focus(); n.close(); };
    } catch (e) {
      TesseraJs.warn('notification', e);  // Android Chrome allows them only from a service worker
    }
  },

  tessera_bridge_init__deps: ['$TesseraLayer', '$TesseraJs', '$TesseraMedia', '$TesseraFiles'],
  tessera_bridge_init: function(user, onActivate, onText, onKey) {
    TesseraLayer.user = user;
    TesseraLayer.onActivate = onActivate;
    TesseraLayer.onText = onText;
    TesseraLayer.onKey = onKey;
    TesseraLayer.root = document.getElementById('a11y-layer');
    TesseraLayer.elements = new Map();
    TesseraLayer.order = [];
    TesseraJs.objects = new Map();
    TesseraMedia.peers = new Set();
    TesseraFiles.sweep();  // downloads of pages that are gone (a crash, a closed tab)
    ['keydown', 'keypress', 'keyup'].forEach(function(type) {
      window.addEventListener(type, TesseraLayer.guardKeys, true);
    });
  },

  tessera_bridge_ignore_gamepads__deps: ['$GLFW'],
  tessera_bridge_ignore_gamepads: function() {
    window.removeEventListener('gamepadconnected', GLFW.onGamepadConnected, true);
    window.removeEventListener('gamepaddisconnected', GLFW.onGamepadDisconnected, true);
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

  // ---- Files (ephemeral shares): a file the person picks, and bytes the
  // module hands out to save or preview. The module decides what may be
  // picked (max_bytes) and what is previewed (kind); this only moves bytes.
  tessera_file_pick__deps: ['$TesseraJs', 'malloc', 'free'],
  tessera_file_pick: function(maxBytes, user, onPicked) {
    // Called right after the person pressed "Choose a file" (the browser's
    // transient activation lets click() open the picker).
    var input = document.getElementById('tessera-file-input');
    if (!input) {
      input = document.createElement('input');
      input.type = 'file';
      input.id = 'tessera-file-input';
      input.hidden = true;
      document.body.appendChild(input);
    }
    input.value = '';
    input.onchange = function() {
      var file = input.files && input.files[0];
      input.onchange = null;
      if (!file) return;
      var reply = function(bytes, size) {
        var ptr = bytes ? _malloc(Math.max(1, bytes.length)) : 0;
        if (ptr) HEAPU8.set(bytes, ptr);
        TesseraJs.withString(file.name, function(name) {
          TesseraJs.withString(file.type || '', function(type) {
            {{{ makeDynCall('viiiii', 'onPicked') }}}(user, name, type, ptr, size);
          });
        });
        if (ptr) {
          HEAPU8.fill(0, ptr, ptr + bytes.length);
          _free(ptr);
        }
        if (bytes) bytes.fill(0);
        input.value = '';
      };
      if (file.size > maxBytes) return reply(null, file.size > 0x7fffffff ? 0x7fffffff : file.size);
      file.arrayBuffer().then(function(buffer) { reply(new Uint8Array(buffer), buffer.byteLength); },
                              function(e) { TesseraJs.warn('file read', e); });
    };
    input.click();
  },

  // Bytes as a blob: URL the page can save or show. kind: 0 offer only,
  // 1 an image, 2 a PDF. Returns a handle for tessera_blob_save/_place/_close.
  $TesseraBlob__deps: ['$TesseraJs'],
  $TesseraBlob: {
    layer: function() { return document.getElementById('video-layer'); },
  },
  tessera_blob_open__deps: ['$TesseraBlob'],
  tessera_blob_open: function(name, type, bytes, size, kind) {
    var copy = HEAPU8.slice(bytes, bytes + size);
    var url = URL.createObjectURL(new Blob([copy], { type: UTF8ToString(type) }));
    copy.fill(0);
    var entry = { url: url, name: UTF8ToString(name), kind: kind, el: null };
    return TesseraJs.add(entry);
  },
  tessera_blob_save__deps: ['$TesseraBlob'],
  tessera_blob_save: function(handle) {
    var entry = TesseraJs.get(handle);
    if (!entry) return;
    var a = document.createElement('a');
    a.href = entry.url;
    a.download = entry.name;
    a.rel = 'noopener';
    document.body.appendChild(a);
    a.click();
    a.remove();
  },
  // Shows an image or PDF preview under a rectangle the UI reserved (canvas
  // backbuffer pixels; zero size hides it), as the <video> slots are.
  tessera_blob_place__deps: ['$TesseraBlob'],
  tessera_blob_place: function(handle, x, y, w, h) {
    var entry = TesseraJs.get(handle);
    if (!entry || entry.kind === 0) return;
    if (!entry.el) {
      entry.el = document.createElement(entry.kind === 1 ? 'img' : 'iframe');
      entry.el.className = 'share-preview';
      entry.el.src = entry.url;
      entry.el.alt = '';
      entry.el.title = 'Preview';
      TesseraBlob.layer().appendChild(entry.el);
    }
    var scale = window.devicePixelRatio || 1;
    entry.el.hidden = w <= 0 || h <= 0;
    entry.el.style.left = (x / scale) + 'px';
    entry.el.style.top = (y / scale) + 'px';
    entry.el.style.width = (w / scale) + 'px';
    entry.el.style.height = (h / scale) + 'px';
  },
  tessera_blob_close__deps: ['$TesseraBlob'],
  tessera_blob_close: function(handle) {
    var entry = TesseraJs.get(handle);
    if (!entry) return;
    TesseraJs.remove(handle);
    if (entry.el) entry.el.remove();
    URL.revokeObjectURL(entry.url);
  },

  tessera_bridge_ready: function() {
    if (Module['onTesseraReady']) Module['onTesseraReady']();
  },

  tessera_bridge_fail: function(message) {
    if (Module['onTesseraFail']) Module['onTesseraFail'](UTF8ToString(message));
  },
};

mergeInto(LibraryManager.library, TesseraBridge);
