// Shared by the browser tests: a real tessera-gateway on a free loopback port
// and a real headless Chromium (Debian's), driven through playwright-core.
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
