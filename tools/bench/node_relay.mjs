// The Node reference relay of the relay benchmark (issue 9, item 8): a
// minimal single-threaded relay on npm `ws`, doing the same routing as the
// gateway on the same frames, so relay_load drives both servers identically.
//
// What it does, exactly:
//   * WebSocket on 127.0.0.1:0 path /signal; refuses another Origin (like the
//     gateway); no permessage-deflate; messages up to 65536 bytes.
//   * Every text message is JSON.parse'd. `hello` binds the connection to
//     {visit, session, role}: a provider hello opens the room, a guest hello
//     needs an open room. `join` (guest) is forwarded to the provider as
//     `waiting{hello, session, visit}`; `admit` (provider) is forwarded to the
//     guest it names and admits it.
//   * `relay`: the envelope's header (its first 58 bytes, base64url) is
//     decoded; the visit must be the connection's, the sender its session, and
//     the recipient an admitted member of the room; the message
//     {envelope, type: "relay", visit} is sent to the recipient — the same
//     text the gateway sends.
//   * Anything else, or a check that fails: an `error` message and close 4001.
// What it skips (the gateway does it): full validation of every member and
// size, sealed-payload sizes, rate and room limits, waiting-room bookkeeping,
// resume, end, timeouts, metrics.
//
// Prints "node_relay listening on 127.0.0.1:PORT" and serves until SIGTERM.
import { createRequire } from 'node:module';

// ws is installed with the tests' npm packages (tests/package.json, tools/setup.sh).
const require = createRequire(new URL('../../tests/package.json', import.meta.url));
const { WebSocketServer } = require('ws');

const origin = process.argv[2] ?? 'http://bench.invalid';
const rooms = new Map();  // visit -> Map(session -> {ws, admitted})

const HEADER_CHARS = 80;  // base64url of the header's 58 bytes and 2 more: whole groups
function header(envelope) {
  const h = Buffer.from(envelope.slice(0, HEADER_CHARS), 'base64url');
  if (h.length < 58 || h[0] !== 1) return null;
  return {
    visit: h.subarray(1, 17).toString('base64url'),
    sender: h.subarray(17, 33).toString('base64url'),
    recipient: h.subarray(33, 49).toString('base64url'),
  };
}

function refuse(ws, detail) {
  ws.send(JSON.stringify({ code: 'not_allowed', detail, type: 'error' }));
  ws.close(4001, detail);
}

function onMessage(ws, data, isBinary) {
  if (isBinary) return refuse(ws, 'text frames only');
  let m;
  try { m = JSON.parse(data.toString('utf8')); } catch { return refuse(ws, 'not json'); }
  const me = ws.member;
  if (m.type === 'hello') {
    if (me) return refuse(ws, 'hello again');
    let room = rooms.get(m.visit);
    if (m.role === 'provider') {
      if (!room) rooms.set(m.visit, room = new Map());
    } else if (!room) return refuse(ws, 'no open visit');
    ws.member = { visit: m.visit, session: m.session, provider: m.role === 'provider', admitted: m.role === 'provider' };
    room.set(m.session, ws);
    return;
  }
  if (!me || m.visit !== me.visit) return refuse(ws, 'say hello first');
  const room = rooms.get(me.visit);
  if (m.type === 'relay') {
    const h = typeof m.envelope === 'string' ? header(m.envelope) : null;
    if (!h || h.visit !== me.visit || h.sender !== me.session || !me.admitted) return refuse(ws, 'bad envelope header');
    const to = room.get(h.recipient);
    if (!to || to === ws || !to.member.admitted) return refuse(ws, 'recipient not admitted');
    return to.send(JSON.stringify({ envelope: m.envelope, type: 'relay', visit: me.visit }));
  }
  if (m.type === 'join' && !me.provider) {
    const provider = [...room.values()].find((w) => w.member.provider);
    if (!provider) return refuse(ws, 'no provider');
    return provider.send(JSON.stringify({ hello: m.hello, session: me.session, type: 'waiting', visit: me.visit }));
  }
  if (m.type === 'admit' && me.provider) {
    const guest = room.get(m.session);
    if (!guest) return refuse(ws, 'no such guest');
    guest.member.admitted = true;
    return guest.send(JSON.stringify({ accept: m.accept, session: m.session, type: 'admit', visit: me.visit }));
  }
  return refuse(ws, 'not supported by the reference relay');
}

function onClose(ws) {
  const me = ws.member;
  if (!me) return;
  const room = rooms.get(me.visit);
  if (!room) return;
  room.delete(me.session);
  if (room.size === 0) rooms.delete(me.visit);
}

const wss = new WebSocketServer({
  host: '127.0.0.1', port: 0, path: '/signal', perMessageDeflate: false, maxPayload: 65536, clientTracking: false,
  verifyClient: (info) => info.origin === origin,
});
wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => onMessage(ws, data, isBinary));
  ws.on('close', () => onClose(ws));
  ws.on('error', () => {});
});
wss.on('listening', () => console.log(`node_relay listening on 127.0.0.1:${wss.address().port}`));
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
