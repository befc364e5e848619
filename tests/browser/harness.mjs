// Shared by the browser tests: a real tessera-gateway on a free loopback port
// and a real headless Chromium (Debian's), driven through playwright-core.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

export function requiredEnv(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the browser tests through ctest`);
  return value;
}

// Starts the gateway on 127.0.0.1 port 0 and resolves with its address once it
// prints the line that says where it listens.
export async function startGateway({ webRoot, extraArgs = [] }) {
  const binary = requiredEnv('TESSERA_GATEWAY');
  const child = spawn(binary, ['--listen', '127.0.0.1:0', '--web-root', webRoot, ...extraArgs], {
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
      const match = /listening on (http:\/\/\S+)/.exec(line);
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
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.TESSERA_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

// Console errors and CSP violations a page reports: tests assert there are none.
export function collectPageProblems(page) {
  const problems = [];
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(msg.text()); });
  page.on('pageerror', (err) => problems.push(String(err)));
  return problems;
}
