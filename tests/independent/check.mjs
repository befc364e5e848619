// Independent implementation check (issue 8): written from docs/PROTOCOL.md
// alone, with the npm package libsodium-wrappers and none of Tessera's code.
// It reads tests/vectors/*.json and reproduces or opens every message:
// parses the link, redoes the handshake (hello, accept, session keys), opens
// envelopes, recomputes the safety code (word list read from PROTOCOL.md),
// decrypts chat frames and a whole file stream, and opens share links and
// sealed share content (§13).
//   node check.mjs VECTORS_DIR PROTOCOL_MD
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const sodium = require('libsodium-wrappers');

const [vectorsDir, protocolPath] = process.argv.slice(2);
if (!vectorsDir || !protocolPath) {
  console.error('usage: node check.mjs VECTORS_DIR PROTOCOL_MD');
  process.exit(2);
}
const load = (name) => JSON.parse(readFileSync(join(vectorsDir, `${name}.json`), 'utf8'));

let passed = 0;
let failed = 0;
function check(name, ok) {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'ok' : 'not ok'} - ${name}`);
}
function attempt(name, fn) {
  try {
    check(name, fn());
  } catch (e) {
    check(`${name} (${e.message})`, false);
  }
}

// ---- §2 primitives
const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: true });
const hex = (s) => sodium.from_hex(s);
const eq = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
const cat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
};
const u64 = (n) => { const b = new Uint8Array(8); new DataView(b.buffer).setBigUint64(0, BigInt(n)); return b; };
const u32 = (n) => { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, n); return b; };
const readU64 = (b, o) => new DataView(b.buffer, b.byteOffset).getBigUint64(o);
const readU32 = (b, o) => new DataView(b.buffer, b.byteOffset).getUint32(o);
const labelled = (label, data) => cat(enc.encode(label), new Uint8Array([0]), data);
const H = (label, data) => sodium.crypto_generichash(32, labelled(label, data), null);
const KDF = (key, label, data) => sodium.crypto_generichash(32, labelled(label, data), key);
const counterNonce = (c) => cat(new Uint8Array(16), u64(c));
const V = 0x01;

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
function b64uDecode(text) {  // strict: no padding, canonical trailing bits
  if (text.length % 4 === 1) return null;
  const out = [];
  let acc = 0, bits = 0;
  for (const c of text) {
    const v = B64.indexOf(c);
    if (v < 0) return null;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) { bits -= 8; out.push((acc >> bits) & 0xff); }
  }
  if (bits > 0 && (acc & ((1 << bits) - 1)) !== 0) return null;
  return new Uint8Array(out);
}

function unpad(buf, max) {  // §2 Pad
  let ok = false;
  for (let b = 64; b <= max; b *= 2) if (b === buf.length) ok = true;
  if (!ok) throw new Error('not a bucket size');
  let i = buf.length;
  while (i > 0 && buf[i - 1] === 0) i--;
  if (i === 0 || buf[i - 1] !== 0x80) throw new Error('bad padding');
  return buf.subarray(0, i - 1);
}

// ---- §5 visit link (§13: a share link is the same with /s/)
function parseLink(text, prefix = '/v/') {
  if (text.length > 512) return { error: 'too_long' };
  if (!text.startsWith('https://')) return { error: 'bad_scheme' };
  const rest = text.slice(8);
  const m = /^([^/?#]*)(.*)$/s.exec(rest);
  const host = m[1];
  const hostOk = /^(([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(:[1-9][0-9]{0,4})?$/.test(host);
  const port = /:([0-9]+)$/.exec(host);
  if (!hostOk || host.length > 259 || (port && Number(port[1]) > 65535)) return { error: 'bad_host' };
  const hashAt = m[2].indexOf('#');
  const path = hashAt < 0 ? m[2] : m[2].slice(0, hashAt);
  if (!path.startsWith(prefix) || /[/?]/.test(path.slice(3))) return { error: 'bad_path' };
  const visitId = path.slice(3).length === 22 ? b64uDecode(path.slice(3)) : null;
  if (!visitId || visitId.length !== 16) return { error: 'bad_visit_id' };
  if (hashAt < 0) return { error: 'missing_fragment' };
  const frag = m[2].slice(hashAt + 1);
  const raw = frag.length === 87 ? b64uDecode(frag) : null;
  if (!raw || raw.length !== 65) return { error: 'bad_fragment' };
  if (raw[0] !== 0x01) return { error: 'unsupported_version' };
  const providerKey = raw.slice(33, 65);
  // Canonical: y (little-endian, sign bit cleared) < p = 2^255 - 19.
  let canonical = false;
  for (let i = 31; i >= 0; i--) {
    const b = i === 31 ? providerKey[i] & 0x7f : providerKey[i];
    const pb = i === 31 ? 0x7f : i === 0 ? 0xed : 0xff;
    if (b !== pb) { canonical = b < pb; break; }
  }
  if (!canonical) return { error: 'bad_provider_key' };
  try { sodium.crypto_sign_ed25519_pk_to_curve25519(providerKey); } catch { return { error: 'bad_provider_key' }; }
  return { host, visitId, linkSecret: raw.slice(1, 33), providerKey };
}

// ---- §8.4 word list, read from the spec itself
function wordList() {
  const md = readFileSync(protocolPath, 'utf8');
  const section = md.slice(md.indexOf('### 8.4'));
  const block = section.slice(section.indexOf('```') + 3, section.indexOf('```', section.indexOf('```') + 3));
  const words = [];
  for (const [, index, word] of block.matchAll(/(\d+) ([a-z]+)/g)) words[Number(index)] = word;
  return words;
}

await sodium.ready;

// ---------------------------------------------------------------- link
const vl = load('visit_link');
const link = parseLink(vl.link);
check('link parses', !link.error);
check('link host', link.host === vl.host);
check('link visit id', eq(link.visitId, hex(vl.visit_id)));
check('link secret', eq(link.linkSecret, hex(vl.link_secret)));
check('link provider key', eq(link.providerKey, hex(vl.provider_public_key)));
for (const bad of vl.invalid) check(`invalid link rejected as ${bad.error}`, parseLink(bad.link).error === bad.error);

// ---------------------------------------------------------------- handshake
const hs = load('handshake');
const visitSk = hex(vl.provider_secret_key);
const guestKx = sodium.crypto_kx_seed_keypair(hex(hs.guest_session.seed).slice(16));
const guestSession = hex(hs.guest_session.seed).slice(0, 16);
check('guest kx key pair from seed', eq(guestKx.publicKey, hex(hs.guest_session.kx_public)));
const providerKx = sodium.crypto_kx_seed_keypair(hex(hs.provider_session.seed).slice(16));
const providerSession = hex(hs.provider_session.seed).slice(0, 16);

// Rebuild the GuestHello byte for byte (§6.2), with the seeded sealed box.
function sealSeeded(pk, message, seed) {
  const eph = sodium.crypto_box_seed_keypair(seed);
  const nonce = sodium.crypto_generichash(24, cat(eph.publicKey, pk), null);
  return cat(eph.publicKey, sodium.crypto_box_easy(message, nonce, pk, eph.privateKey));
}
const providerX = sodium.crypto_sign_ed25519_pk_to_curve25519(link.providerKey);
const nameBytes = enc.encode(hs.display_name);
const nameBlock = new Uint8Array(65);
nameBlock[0] = nameBytes.length;
nameBlock.set(nameBytes, 1);
const helloBody = cat(new Uint8Array([V, 0x01]), link.visitId, guestSession, guestKx.publicKey,
  sealSeeded(providerX, nameBlock, hex(hs.name_seal_seed)));
const khello = KDF(link.linkSecret, 'tessera/v1/hello-mac-key', link.visitId);
const hello = cat(helloBody, KDF(khello, 'tessera/v1/hello-mac', helloBody));
check('guest hello rebuilt byte for byte', eq(hello, hex(hs.hello)));

// Provider side: MAC, sealed name.
const storedHello = hex(hs.hello);
check('hello MAC verifies', sodium.memcmp(KDF(khello, 'tessera/v1/hello-mac', storedHello.slice(0, 179)), storedHello.slice(179)));
attempt('sealed display name opens', () => {
  const block = sodium.crypto_box_seal_open(storedHello.slice(66, 179), providerX,
    sodium.crypto_sign_ed25519_sk_to_curve25519(visitSk));
  return dec.decode(block.slice(1, 1 + block[0])) === hs.display_name && block.slice(1 + block[0]).every((b) => b === 0);
});
const th1 = H('tessera/v1/transcript', cat(new Uint8Array(32), hello));
check('TH1', eq(th1, hex(hs.th1)));

// ProviderAccept rebuilt and signed (Ed25519 is deterministic).
const acceptBody = cat(new Uint8Array([V, 0x02]), link.visitId, providerSession, guestSession, providerKx.publicKey, th1);
const accept = cat(acceptBody, sodium.crypto_sign_detached(labelled('tessera/v1/accept', acceptBody), visitSk));
check('provider accept rebuilt byte for byte', eq(accept, hex(hs.accept)));
check('accept signature verifies under the link key',
  sodium.crypto_sign_verify_detached(accept.slice(114), labelled('tessera/v1/accept', accept.slice(0, 114)), link.providerKey));
check('accept answers our hello', eq(accept.slice(82, 114), th1) && eq(accept.slice(34, 50), guestSession));

const th2 = H('tessera/v1/transcript', cat(th1, accept));
check('TH2', eq(th2, hex(hs.th2)));
const client = sodium.crypto_kx_client_session_keys(guestKx.publicKey, guestKx.privateKey, accept.slice(50, 82));
const server = sodium.crypto_kx_server_session_keys(providerKx.publicKey, providerKx.privateKey, guestKx.publicKey);
check('crypto_kx sides agree', eq(client.sharedTx, server.sharedRx) && eq(client.sharedRx, server.sharedTx));
const keys = {
  signal_g2p: KDF(link.linkSecret, 'tessera/v1/signal-g2p', cat(client.sharedTx, th2)),
  signal_p2g: KDF(link.linkSecret, 'tessera/v1/signal-p2g', cat(client.sharedRx, th2)),
  chat_g2p: KDF(link.linkSecret, 'tessera/v1/chat-g2p', cat(client.sharedTx, th2)),
  chat_p2g: KDF(link.linkSecret, 'tessera/v1/chat-p2g', cat(client.sharedRx, th2)),
};
for (const k of Object.keys(keys)) check(`session key ${k}`, eq(keys[k], hex(hs[k])));

const deny = hex(hs.deny);
check('deny verifies', deny.length === 130 && deny[1] === 0x03 && eq(deny.slice(34, 66), th1) &&
  sodium.crypto_sign_verify_detached(deny.slice(66), labelled('tessera/v1/deny', deny.slice(0, 66)), link.providerKey));
attempt('note verifies and opens', () => {
  const n = hex(hs.note.message);
  const sigOk = sodium.crypto_sign_verify_detached(n.slice(400), labelled('tessera/v1/note', n.slice(0, 400)), link.providerKey);
  const block = sodium.crypto_box_seal_open(n.slice(70, 400), guestKx.publicKey, guestKx.privateKey);
  const len = (block[0] << 8) | block[1];
  return sigOk && n.length === 464 && readU32(n, 66) === hs.note.seq && dec.decode(block.slice(2, 2 + len)) === hs.note.text;
});

// ---------------------------------------------------------------- envelopes
const env = load('envelope');
const highest = { g2p: -1n, p2g: -1n };
for (const e of env.envelopes) {
  attempt(`envelope ${e.direction} seq ${e.seq} opens`, () => {
    const m = hex(e.envelope);
    const header = m.slice(0, 58);
    const fromGuest = e.direction === 'g2p';
    const sender = fromGuest ? guestSession : providerSession;
    const recipient = fromGuest ? providerSession : guestSession;
    const seq = readU64(m, 50);
    if (m[0] !== V || !eq(m.slice(1, 17), link.visitId) || !eq(m.slice(17, 33), sender) ||
        !eq(m.slice(33, 49), recipient) || m[49] !== e.type || seq !== BigInt(e.seq) || seq <= highest[e.direction]) return false;
    highest[e.direction] = seq;
    const padded = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, m.slice(58), header, counterNonce(seq),
      fromGuest ? keys.signal_g2p : keys.signal_p2g);
    return eq(unpad(padded, 32768), hex(e.body));
  });
}
attempt('a tampered envelope is rejected', () => {
  const m = hex(env.envelopes[0].envelope);
  m[49] ^= 1;  // the type is in the AD
  try {
    sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, m.slice(58), m.slice(0, 58), counterNonce(readU64(m, 50)), keys.signal_g2p);
    return false;
  } catch { return true; }
});

// ---------------------------------------------------------------- safety code
const sc = load('safety_code');
function fingerprintBytes(text) {
  const [alg, digest] = text.split(' ');
  if (alg.toLowerCase() !== 'sha-256') throw new Error('vector uses sha-256');
  return cat(new Uint8Array([0x01]), hex(digest.replaceAll(':', '')));
}
const revealP = cat(new Uint8Array([0x01]), fingerprintBytes(sc.provider.fingerprint), providerKx.publicKey, hex(sc.provider.nonce));
const revealG = cat(new Uint8Array([0x02]), fingerprintBytes(sc.guest.fingerprint), guestKx.publicKey, hex(sc.guest.nonce));
check('provider reveal', eq(revealP, hex(sc.provider.reveal)));
check('guest reveal', eq(revealG, hex(sc.guest.reveal)));
const commitP = H('tessera/v1/safety-commit', cat(th2, revealP));
const commitG = H('tessera/v1/safety-commit', cat(th2, revealG));
check('provider commit', eq(commitP, hex(sc.provider.commit)));
check('guest commit', eq(commitG, hex(sc.guest.commit)));
const S = H('tessera/v1/safety-code', cat(th2, commitP, commitG, revealP, revealG));
check('safety code hash', eq(S, hex(sc.code_hash)));
const digits = (readU64(S, 8) % 10000000n).toString().padStart(7, '0');
check('safety code digits', `${digits.slice(0, 3)} ${digits.slice(3)}` === sc.digits);
const words = wordList();
check('word list from PROTOCOL.md has 256 words', words.length === 256 && words.every(Boolean));
check('safety code words', [0, 1, 2, 3, 4].map((i) => words[S[i]]).join(' ') === sc.words);

// ---------------------------------------------------------------- chat
const chat = load('chat');
const next = { g2p: 0n, p2g: 0n };
const opened = [];
for (const f of chat.frames) {
  attempt(`chat ${f.direction} seq ${f.seq} opens`, () => {
    const m = hex(f.frame);
    const seq = readU64(m, 1);
    if (m[0] !== V || seq !== next[f.direction]) return false;  // exactly the next seq
    next[f.direction]++;
    const padded = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, m.slice(9), m.slice(0, 9), counterNonce(seq),
      f.direction === 'g2p' ? keys.chat_g2p : keys.chat_p2g);
    const text = unpad(padded, 16384);
    opened.push(text);
    if (text[0] === 0x01) dec.decode(text.slice(1));  // text must be UTF-8
    return text[0] === f.kind && eq(text.slice(1), hex(f.body));
  });
}

// ---------------------------------------------------------------- file
const fs = load('file_stream');
attempt('file stream decrypts whole and in order', () => {
  const offer = opened[fs.offer_frame_index];
  if (!offer || offer[0] !== 0x02) return false;
  const d = offer.slice(1);
  const fileId = d.slice(0, 16), fileKey = d.slice(16, 48);
  const size = Number(readU64(d, 48)), chunkSize = readU32(d, 56);
  const nameLen = d[60];
  const name = dec.decode(d.slice(61, 61 + nameLen));
  const typeLen = d[61 + nameLen];
  const type = dec.decode(d.slice(62 + nameLen, 62 + nameLen + typeLen));
  if (d.length !== 62 + nameLen + typeLen || name !== fs.name || type !== fs.media_type || size !== fs.size ||
      chunkSize !== fs.chunk_size) return false;
  const count = Math.max(1, Math.ceil(size / chunkSize));
  if (fs.chunks.length !== count) return false;
  const parts = [];
  fs.chunks.forEach((c, i) => {
    const m = hex(c);
    const final = i === count - 1;
    const expectLen = final ? size - chunkSize * (count - 1) : chunkSize;
    if (m[0] !== V || !eq(m.slice(1, 17), fileId) || readU32(m, 17) !== i || m[21] !== (final ? 1 : 0) ||
        m.length !== 22 + expectLen + 16) throw new Error(`chunk ${i} framing`);
    parts.push(sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, m.slice(22), m.slice(0, 22),
      cat(new Uint8Array(20), u32(i)), fileKey));
  });
  return eq(cat(...parts), hex(fs.content));
});
attempt('a reordered file chunk is rejected', () => {
  const m = hex(fs.chunks[1]);
  m.set(u32(0), 17);  // claim index 0: the nonce and AD no longer match
  const key = opened[fs.offer_frame_index].slice(17, 49);
  try {
    sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, m.slice(22), m.slice(0, 22), cat(new Uint8Array(20), u32(0)), key);
    return false;
  } catch { return true; }
});
check('file ack names the file', eq(opened[4].slice(1, 17), opened[fs.offer_frame_index].slice(1, 17)) &&
  readU32(opened[4], 17) === 0);

// ---------------------------------------------------------------- §13 shares
const sh = load('share');
const shareLink = parseLink(sh.link, '/s/');
check('share link parses', !shareLink.error && eq(shareLink.visitId, hex(sh.share_id)) &&
  eq(shareLink.linkSecret, hex(sh.link_secret)));
check('share link is not a visit link', parseLink(sh.link).error === 'bad_path');
const shareKey = KDF(shareLink.linkSecret, 'tessera/v1/share-content', shareLink.visitId);
check('share content key', eq(shareKey, hex(sh.content_key)));
const proof = KDF(shareLink.linkSecret, 'tessera/v1/share-open', shareLink.visitId);
check('share open proof', eq(proof, hex(sh.open_proof)));
check('share open verifier', eq(H('tessera/v1/share-open-verifier', proof), hex(sh.open_verifier)));
const shareAd = cat(new Uint8Array([V]), shareLink.visitId);
for (const item of sh.sealed) {
  attempt(`sealed share (kind ${item.kind}) opens to its fields`, () => {
    const m = hex(item.sealed);
    if (m[0] !== V) return false;
    const plain = unpad(sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, m.slice(25), shareAd, m.slice(1, 25),
      shareKey), 4 << 20);
    let at = 1;
    const text = (lengthBytes) => {
      const n = lengthBytes === 2 ? (plain[at] << 8) | plain[at + 1] : plain[at];
      at += lengthBytes;
      if (at + n > plain.length) throw new Error('text runs past the end');
      const t = dec.decode(plain.slice(at, at + n));
      at += n;
      return t;
    };
    const name = text(1), fileName = text(2), mediaType = text(1);
    return plain[0] === item.kind && name === item.provider_name && fileName === item.file_name &&
      mediaType === item.media_type && eq(plain.slice(at), hex(item.body));
  });
  attempt(`sealed share (kind ${item.kind}) refuses another share's id`, () => {
    const m = hex(item.sealed);
    const other = shareLink.visitId.slice();
    other[0] ^= 1;
    try {
      sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, m.slice(25), cat(new Uint8Array([V]), other),
        m.slice(1, 25), KDF(shareLink.linkSecret, 'tessera/v1/share-content', other));
      return false;
    } catch { return true; }
  });
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
