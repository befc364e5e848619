// The download writer: a dedicated worker of the page that writes received
// files to the origin's private file system through synchronous access
// handles. Those exist only in workers, and they write from this process:
// no round trip to the browser's file process for every block, which is
// what held a download in the page's own FileSystemWritableFileStream to
// one block at a time (docs/ARCHITECTURE.md, "Downloads").
//
// web/bridge.js asks, in order; each request is answered in order with
// { n, ok } (and an error's name, never content; a write's buffer, wiped,
// comes back as spare, for the page to fill again):
//   { op: 'open', id, file, size }
//                              file: a FileSystemFileHandle (created empty by the page);
//                              size: the bytes expected, whose room is set aside now
//                              where the origin's quota allows (cut to what was
//                              written at close): a file grown a block at a time
//                              costs the browser about twice the CPU a megabyte
//   { op: 'write', id, bytes } bytes: an ArrayBuffer, transferred; appended, wiped, given back
//   { op: 'close', id }        flushed and closed: the page may read or delete the file
//   { op: 'closeAll' }         every file closed (the call ended)
'use strict';

var files = new Map();  // id -> { handle: FileSystemSyncAccessHandle, at: bytes written, size: its length now }
var queue = Promise.resolve();

function failure(name) {
  var error = new Error(name);
  error.name = name;
  return error;
}

var ops = {
  open: function(m) {
    return m.file.createSyncAccessHandle().then(function(handle) {
      var size = m.size > 0 ? m.size : 0;
      try {
        if (size) handle.truncate(size);
      } catch (error) {  // over the origin's quota: written as it comes, as far as room allows
        size = 0;
      }
      files.set(m.id, { handle: handle, at: 0, size: size });
    });
  },
  write: function(m) {
    var bytes = new Uint8Array(m.bytes);
    try {
      var f = files.get(m.id);
      if (!f) throw failure('NotOpen');
      var wrote = f.handle.write(bytes, { at: f.at });
      if (wrote !== bytes.length) throw failure('ShortWrite');
      f.at += wrote;
      return m.bytes;
    } finally {
      bytes.fill(0);
    }
  },
  close: function(m) {
    var f = files.get(m.id);
    files.delete(m.id);
    if (!f) return;
    try {
      if (f.size > f.at) f.handle.truncate(f.at);  // the room set aside and not used
      f.handle.flush();
    } finally {
      f.handle.close();
    }
  },
  closeAll: function() {  // each one, even if another fails
    var failed = null;
    files.forEach(function(f, id) {
      try {
        ops.close({ id: id });
      } catch (error) {
        failed = failed || error;
      }
    });
    if (failed) throw failed;
  },
};

onmessage = function(e) {
  var m = e.data;
  queue = queue.then(function() { return ops[m.op](m); }).then(function(spare) {
    if (spare) postMessage({ n: m.n, ok: true, spare: spare }, [spare]);
    else postMessage({ n: m.n, ok: true });
  }, function(error) {
    postMessage({ n: m.n, ok: false, error: String((error && error.name) || 'Error') });
  });
};
