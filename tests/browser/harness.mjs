// Shared by the browser tests: a real tessera-gateway on a free loopback port
// and a real headless Chromium (Debian's), driven through playwright-core.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

export function requiredEnv(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the browser tests through ctest`);
  return value;
}

// Starts the gateway on 127.0.0.1 port 0 and resolves with its address once it
// prints the line that says where it listens.
export async function startGateway({ webRoot, listen = '127.0.0.1:0', extraArgs = [] }) {
  const binary = requiredEnv('TESSERA_GATEWAY');
  const child = spawn(binary, ['--listen', listen, '--web-root', webRoot, ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Everything the gateway printed: stdout (where it listens) and stderr (the
  // request log). Tests assert what it must never contain.
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (d) => { stderr += d; });
  child.stdout.on('data', (d) => { stdout += d; });
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`gateway exited with ${code}: ${stderr}`)));
    lines.on('line', (line) => {
      const match = /listening on (https?:\/\/\S+)/.exec(line);
      if (match) resolve(match[1].replace(/\/$/, ''));
    });
  });
  return {
    url,
    output: () => stdout + stderr,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

// Flags from ../shared/BRIEF.md: fake media, no sandbox as root, and nothing
// that reaches for the network.
const CHROMIUM_ARGS = [
  '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// Playwright gives each launch a fresh, empty user-data-dir of its own.
export async function launchBrowser({ extraArgs = [] } = {}) {
  return chromium.launch({
    executablePath: process.env.TESSERA_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
}

// A free loopback port, for a gateway whose --allow-origin must name it
// before it starts.
export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// A clinic as an operator sets one up: a data directory and key file, a
// provider account made with `tessera-gateway account add` (its TOTP secret
// read from what the command prints once), and a certificate for
// 127.0.0.1, since visit links are https:// and signaling is wss://.
// operator(args) runs another operator command on the same data
// (`kiosk enrol --label ...`) and returns what it printed.
export function makeClinic({ login = 'dr-lee', password = 'correct horse battery staple' } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'tessera-clinic-'));
  const data = path.join(dir, 'data', 'tessera.db');
  const keyFile = path.join(dir, 'keys', 'tessera.key');
  execFileSync('mkdir', ['-p', path.dirname(data), path.dirname(keyFile)]);
  const printed = execFileSync(requiredEnv('TESSERA_GATEWAY'),
    ['account', 'add', '--data', data, '--key-file', keyFile, '--login', login, '--role', 'provider'],
    { input: password + '\n' }).toString();
  const totpSecret = /totp-secret: ([A-Z2-7]+)/.exec(printed)[1];
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-days', '2', '-subj', '/CN=Tessera test', '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return {
    login, password, totpSecret,
    operator: (args) => execFileSync(requiredEnv('TESSERA_GATEWAY'),
      [...args, '--data', data, '--key-file', keyFile]).toString(),
    gatewayArgs: (origin) => ['--tls-cert', cert, '--tls-key', key, '--allow-origin', origin,
      '--data', data, '--key-file', keyFile],
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

// The RFC 6238 code an authenticator app shows now (SHA-1, 6 digits, 30 s).
export function totpCode(base32Secret, nowMs = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of base32Secret) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(nowMs / 30000)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1000000).padStart(6, '0');
}

// Console errors and CSP violations a page reports: tests assert there are none.
export function collectPageProblems(page) {
  const problems = [];
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(msg.text()); });
  page.on('pageerror', (err) => problems.push(String(err)));
  return problems;
}

// ---- Driving the client through its accessible DOM layer, by role and name.
export const WAIT = { timeout: 30000 };

export const heading = (page, name) => page.getByRole('heading', { name });
// Buttons are pressed through the accessible layer (Enter on the mirror
// <button>), the way a keyboard or screen-reader user presses them.
export const button = (page, name) => page.getByRole('button', { name, exact: true });

// The button, once it is enabled.
export async function enabled(page, name) {
  await page.waitForFunction((label) => {
    const b = [...document.querySelectorAll('#a11y-layer button')].find((e) => e.textContent === label);
    return b && !b.disabled;
  }, name, WAIT);
  return button(page, name);
}

// The visit link the provider's page shows (the one paragraph that is a link).
export async function shownLink(page) {
  const link = page.locator('#a11y-layer p', { hasText: /^https:\/\// });
  await link.waitFor(WAIT);
  return link.textContent();
}

// A provider signs in on page (at the gateway's address) and sees "Start a visit".
export async function signInProvider(page, clinic) {
  await heading(page, 'Sign in to Tessera').waitFor(WAIT);
  await page.getByRole('textbox', { name: 'Login' }).fill(clinic.login);
  await page.getByRole('textbox', { name: 'Password' }).fill(clinic.password);
  await page.getByRole('textbox', { name: 'Code from your authenticator app' }).fill(totpCode(clinic.totpSecret));
  await (await enabled(page, 'Sign in')).press('Enter');
  await heading(page, 'Start a visit').waitFor(WAIT);
}

// An init script: every RTCPeerConnection the page makes, so the test can
// read getStats(); and a switch that holds animation frames back, as a
// background tab does.
export function recordPeers() {
  window.__holdFrames = false;
  const held = [];
  const request = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (callback) => request(function run(t) {
    if (window.__holdFrames) return held.push(() => callback(t));
    callback(t);
  });
  window.__releaseFrames = () => {
    window.__holdFrames = false;
    held.splice(0).forEach((f) => f());
  };
  window.__peers = [];
  const Original = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Original {
    constructor(...args) {
      super(...args);
      window.__peers.push(this);
    }
  };
}

// The remote <video>: its size and how many frames it has shown.
const remoteVideo = (page) => page.evaluate(() => {
  const v = document.querySelector('video[data-slot=remote]');
  return v && { width: v.videoWidth, height: v.videoHeight, frames: v.getVideoPlaybackQuality().totalVideoFrames,
    hidden: v.hidden };
});

// What arrives over the connection, from getStats(): audio energy and video frames.
const inbound = (page) => page.evaluate(async () => {
  const out = { audioEnergy: 0, framesDecoded: 0 };
  for (const pc of window.__peers) {
    if (pc.connectionState === 'closed') continue;
    (await pc.getStats()).forEach((s) => {
      if (s.type !== 'inbound-rtp') return;
      if (s.kind === 'audio') out.audioEnergy += s.totalAudioEnergy || 0;
      if (s.kind === 'video') out.framesDecoded += s.framesDecoded || 0;
    });
  }
  return out;
});

// Remote video that moves and remote audio above silence (page must run recordPeers).
export async function expectMovingMedia(page, who) {
  await page.waitForFunction(() => {
    const v = document.querySelector('video[data-slot=remote]');
    return v && !v.hidden && v.videoWidth > 0 && v.getVideoPlaybackQuality().totalVideoFrames > 0;
  }, null, WAIT);
  const first = await remoteVideo(page);
  const firstStats = await inbound(page);
  await page.waitForTimeout(1500);
  const second = await remoteVideo(page);
  const secondStats = await inbound(page);
  assert.ok(second.width > 0 && second.height > 0, `${who}: remote video ${second.width}x${second.height}`);
  assert.ok(second.frames > first.frames, `${who}: remote frames advance (${first.frames} -> ${second.frames})`);
  assert.ok(secondStats.framesDecoded > firstStats.framesDecoded, `${who}: frames decoded advance`);
  assert.ok(secondStats.audioEnergy > firstStats.audioEnergy && secondStats.audioEnergy > 0,
    `${who}: audio energy above silence (${firstStats.audioEnergy} -> ${secondStats.audioEnergy})`);
}
