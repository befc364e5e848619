// Shared by the browser tests: a real tessera-gateway on a free loopback port
// and a real headless Chromium (Debian's), driven through playwright-core, or
// Firefox ESR (Debian's) through puppeteer-core; and the steps of a visit.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { deflateSync, inflateSync } from 'node:zlib';
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
  const end = async (signal) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  };
  return {
    url,
    output: () => stdout + stderr,
    stop: () => end('SIGTERM'),
    // As a crash or a power cut: no close frames, no goodbye.
    kill: () => end('SIGKILL'),
  };
}

// The gateway of a clinic made by makeClinic, over TLS on a loopback port
// (a free one unless given: a restart reuses the port of the one before).
export async function startClinicGateway(webRoot, clinic, port) {
  const p = port || await freePort();
  return startGateway({ webRoot, listen: `127.0.0.1:${p}`, extraArgs: clinic.gatewayArgs(`https://127.0.0.1:${p}`) });
}

// Flags from ../shared/BRIEF.md: fake media, no sandbox as root, and nothing
// that reaches for the network.
const CHROMIUM_ARGS = [
  '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// Every page's size, in the tests and the benchmarks.
export const VIEWPORT = { width: 1024, height: 900 };

// The middle value (the mean of the two middle ones for an even count): the
// benchmarks' figure over runs or rounds.
export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// Playwright gives each launch a fresh, empty user-data-dir of its own, and
// every context it makes is off-the-record. With profileDir the browser's
// default context is instead a profile on disk there, as a person's own
// browser is (browser.contexts()[0]; its origin storage is files, not the
// browser's memory); newContext() still makes off-the-record ones.
export async function launchBrowser({ extraArgs = [], profileDir = null } = {}) {
  const options = {
    executablePath: process.env.TESSERA_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
  };
  if (!profileDir) return chromium.launch(options);
  const profile = await chromium.launchPersistentContext(profileDir, { ...options, viewport: VIEWPORT, ignoreHTTPSErrors: true });
  return profile.browser();
}

// Debian's Firefox ESR through puppeteer-core over WebDriver BiDi (no
// browser download: the system's executable), with fake camera and
// microphone, and the test gateway's self-signed certificate accepted.
// Headless Firefox on Linux has no WebGL at all (Mozilla bug 1375585:
// "Exhausted GL driver options"), so it runs headed on its own Xvfb display
// (Mesa's llvmpipe), which goes when the browser closes.
export async function launchFirefox() {
  const { default: puppeteer } = await import('puppeteer-core');
  const xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
  const display = await new Promise((resolve, reject) => {
    xvfb.once('error', reject);
    xvfb.once('exit', (code) => reject(new Error(`Xvfb exited with ${code}`)));
    xvfb.stdio[3].once('data', (d) => resolve(String(d).trim()));
  });
  const stopXvfb = () => new Promise((resolve) => {
    if (xvfb.exitCode !== null || xvfb.signalCode !== null) return resolve();
    xvfb.once('exit', resolve);
    xvfb.kill('SIGTERM');
  });
  let browser;
  try {
    browser = await puppeteer.launch({
      browser: 'firefox',
      protocol: 'webDriverBiDi',
      executablePath: process.env.TESSERA_FIREFOX || '/usr/bin/firefox-esr',
      headless: false,
      env: { ...process.env, DISPLAY: `:${display}` },
      acceptInsecureCerts: true,
      extraPrefsFirefox: {
        'media.navigator.streams.fake': true,
        'media.navigator.permission.disabled': true,
        'media.peerconnection.ice.obfuscate_host_addresses': false,
        // No sound device here: without a mock audio backend an AudioContext
        // (the microphone level) never leaves "suspended".
        'media.cubeb.force_mock_context': true,
      },
    });
  } catch (e) {
    await stopXvfb();
    throw e;
  }
  const close = browser.close.bind(browser);
  browser.close = async () => {
    try {
      await close();
    } finally {
      await stopXvfb();
    }
  };
  return browser;
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
  let usedStep = -1;
  return {
    login, password, totpSecret,
    // A code for the next sign-in. The gateway takes each 30 s step's code
    // once (a replayed code is refused), so a second sign-in within the same
    // step waits for the next one, as a person would.
    async nextCode() {
      const step = () => Math.floor(Date.now() / 30000);
      while (step() <= usedStep) await new Promise((resolve) => setTimeout(resolve, 30000 - (Date.now() % 30000) + 50));
      usedStep = step();
      return totpCode(totpSecret);
    },
    gatewayArgs: (origin) => ['--tls-cert', cert, '--tls-key', key, '--allow-origin', origin,
      '--data', data, '--key-file', keyFile],
    tlsArgs: () => ['--tls-cert', cert, '--tls-key', key],
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

// What a Chromium page did lately, for the message of a test that fails:
// its console warnings and errors (the client's own name a step and an
// error, never content) and its signaling sockets' openings and closings
// with how many messages went each way (never a payload). The last 60 lines
// are kept, each stamped with the seconds since the page opened.
export function keepPageLog(page, name) {
  const start = Date.now();
  const lines = [];
  const add = (line) => {
    lines.push(`${((Date.now() - start) / 1000).toFixed(1).padStart(7)} s ${name}: ${line}`);
    if (lines.length > 60) lines.shift();
  };
  page.on('console', (m) => {
    const noise = m.text().startsWith('[.WebGL');  // SwiftShader's performance notes
    if ((m.type() === 'warning' || m.type() === 'error') && !noise) add(`${m.type()} ${m.text().slice(0, 200)}`);
  });
  page.on('crash', () => add('crashed'));
  page.on('framenavigated', (frame) => { if (frame === page.mainFrame()) add('loaded'); });
  const open = new Set();
  page.on('websocket', (ws) => {
    const counts = { sent: 0, received: 0 };
    open.add(counts);
    add('socket opened');
    ws.on('framesent', () => { counts.sent += 1; });
    ws.on('framereceived', () => { counts.received += 1; });
    ws.on('close', () => {
      open.delete(counts);
      add(`socket closed after ${counts.sent} sent, ${counts.received} received`);
    });
  });
  const now = () => [...open].map((c) => `\n${' '.repeat(9)} ${name}: socket open, ${c.sent} sent, ${c.received} received`);
  return { tail: () => lines.join('\n') + now().join('') };
}

// Console errors and CSP violations a page reports: tests assert there are none.
export function collectPageProblems(page) {
  const problems = [];
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(msg.text()); });
  page.on('pageerror', (err) => problems.push(String(err)));
  return problems;
}

// ---- a visit, step by step, through the accessible DOM layer by role and name.
// The same steps drive a Chromium page (playwright-core) and a Firefox page
// (puppeteer-core over WebDriver BiDi) through a driver with one face:
// evaluate, waitFor (a page predicate), heading, press, fill, choose (an
// option of a <select> picker, by index), shot.

export const WAIT = { timeout: 30000 };
// For page.waitForFunction: poll on a timer, not on animation frames, which
// a test may hold back (recordPage's __holdFrames, as a background tab).
export const POLL = { ...WAIT, polling: 100 };

// An init script: every RTCPeerConnection the page makes, so a test can read
// getStats(); every system notification it shows (the real one is still
// shown); every AudioContext and how many tones it made; and a switch that
// holds animation frames back, as a background tab does.
export function recordPage() {
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
  window.__notifications = [];
  if (window.Notification) {
    const RealNotification = window.Notification;
    window.Notification = class extends RealNotification {
      constructor(title, options) {
        super(title, options);
        window.__notifications.push({ title, body: options && options.body });
      }
    };
  }
  window.__audioContexts = [];
  window.__tones = 0;
  if (window.AudioContext) {
    const RealAudioContext = window.AudioContext;
    window.AudioContext = class extends RealAudioContext {
      constructor(...args) {
        super(...args);
        window.__audioContexts.push(this);
      }
      createOscillator() {
        window.__tones += 1;
        return super.createOscillator();
      }
    };
  }
  window.__peers = [];
  const Original = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Original {
    constructor(...args) {
      super(...args);
      window.__peers.push(this);
    }
  };
}

// In the page: the layer's button with exactly this name can be pressed.
function buttonEnabled(label) {
  const b = [...document.querySelectorAll('#a11y-layer button')].find((e) => e.textContent === label);
  return !!b && !b.disabled;
}

// In the page: the text of the first layer heading matching the pattern.
function headingMatching({ source, flags }) {
  const re = new RegExp(source, flags);
  const h = [...document.querySelectorAll('#a11y-layer h1, #a11y-layer h2, #a11y-layer h3')]
    .find((e) => re.test(e.textContent));
  return h ? h.textContent : null;
}

const screenshot = (page, outDir, name) => {
  mkdirSync(outDir, { recursive: true });
  return page.screenshot({ path: path.join(outDir, `${name}.png`) });
};

// Buttons are pressed through the accessible layer (Enter on the mirror
// <button>), the way a keyboard or screen-reader user presses them.
export function chromiumDriver(page, outDir) {
  return {
    page,
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    waitFor: (fn, arg) => page.waitForFunction(fn, arg, POLL),
    async heading(name) {
      if (typeof name === 'string') {
        await page.getByRole('heading', { name }).waitFor(WAIT);
        return name;
      }
      return (await page.waitForFunction(headingMatching, { source: name.source, flags: name.flags }, WAIT)).jsonValue();
    },
    async press(name) {
      await page.waitForFunction(buttonEnabled, name, WAIT);
      await page.getByRole('button', { name, exact: true }).press('Enter');
    },
    fill: (name, text) => page.getByRole('textbox', { name }).fill(text),
    choose: (name, index) => page.getByRole('combobox', { name }).selectOption({ index }),
    shot: (name) => screenshot(page, outDir, name),
  };
}

// puppeteer's ARIA query handler: the browser's accessibility tree, by role and name.
const aria = (role, name) => `::-p-aria([name=${JSON.stringify(name)}][role="${role}"])`;

export function firefoxDriver(page, outDir) {
  return {
    page,
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    waitFor: (fn, arg) => page.waitForFunction(fn, WAIT, arg),
    async heading(name) {
      if (typeof name === 'string') {
        await page.waitForSelector(aria('heading', name), WAIT);
        return name;
      }
      return (await page.waitForFunction(headingMatching, WAIT, { source: name.source, flags: name.flags })).jsonValue();
    },
    async press(name) {
      await page.waitForFunction(buttonEnabled, WAIT, name);
      await (await page.waitForSelector(aria('button', name), WAIT)).press('Enter');
    },
    async fill(name, text) {
      await (await page.waitForSelector(aria('textbox', name), WAIT)).type(text);
    },
    async choose(name, index) {
      const picker = await page.waitForSelector(aria('combobox', name), WAIT);
      const value = await picker.evaluate((el, i) => el.options[i].value, index);
      await picker.select(value);
    },
    shot: (name) => screenshot(page, outDir, name),
  };
}

// Waits until check() (run here, in Node) is true, polling; fails with what.
export async function until(check, what, { timeout = WAIT.timeout, every = 100 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, every));
  }
}

// What the layer says: its paragraphs.
export const paragraphs = (driver) =>
  driver.evaluate(() => [...document.querySelectorAll('#a11y-layer p')].map((p) => p.textContent));

// A page at url in a fresh Chromium context (the test certificate accepted),
// or in the given one, its peers recorded, its problems collected.
// beforeGoto(page): more set-up before the first load (exposed functions).
export async function openInChromium(browser, url, outDir, initScripts = [], beforeGoto = null, inContext = null) {
  const context = inContext || await browser.newContext({ viewport: VIEWPORT, ignoreHTTPSErrors: true });
  const page = await context.newPage();
  for (const script of [recordPage, ...initScripts]) await page.addInitScript(script);
  if (beforeGoto) await beforeGoto(page);
  const problems = collectPageProblems(page);
  const where = new URL(url);  // a link's holder is a guest; the sign-in page is the provider's
  const log = keepPageLog(page, where.hash ? 'guest' : where.pathname === '/' ? 'provider' : where.pathname);
  await page.goto(url);
  const driver = chromiumDriver(page, outDir);
  driver.log = log;
  return { driver, page, context, problems };
}

// The same in a new page of a Firefox from launchFirefox (its one context).
export async function openInFirefox(firefox, url, outDir) {
  const page = await firefox.newPage();
  await page.setViewport(VIEWPORT);
  await page.evaluateOnNewDocument(recordPage);
  const problems = collectPageProblems(page);
  await page.goto(url);
  return { driver: firefoxDriver(page, outDir), page, problems };
}

// The provider signs in, in a Chromium context of the given browser
// (opened: initScripts, beforeGoto and context for openInChromium).
export async function providerSignsIn(browser, gateway, clinic, outDir, shots = {}, opened = {}) {
  const { driver: provider, problems } = await openInChromium(browser, `${gateway.url}/`, outDir,
    opened.initScripts, opened.beforeGoto, opened.context);
  await provider.heading('Sign in to Tessera');
  if (shots.signIn) await provider.shot(shots.signIn);
  await provider.fill('Login', clinic.login);
  await provider.fill('Password', clinic.password);
  await provider.fill('Code from your authenticator app', await clinic.nextCode());
  await provider.press('Sign in');
  await provider.heading('Start a visit');
  if (shots.start) await provider.shot(shots.start);
  return { provider, problems };
}

// The visit link the provider's page shows (the one paragraph that is a link).
export async function shownLink(provider) {
  const handle = await provider.waitFor(() =>
    [...document.querySelectorAll('#a11y-layer p')].map((p) => p.textContent).find((t) => /^https:\/\//.test(t)));
  return handle.jsonValue();
}

export async function createVisit(provider) {
  await provider.press('Create a visit');
  await provider.heading('Waiting room');
  return shownLink(provider);
}

// The patient, already on the link: device check, name, waiting room (or
// the screen named by arrival). shots: file names for the device check and
// name screens.
export async function patientJoins(patient, name, { arrival = 'You are in the waiting room', shots = {} } = {}) {
  await patient.heading('Check your camera and microphone');
  await patient.waitFor(() => {
    const v = document.querySelector('video[data-slot=self]');
    return !!v && !v.hidden;
  });
  // The live microphone level moves with the fake microphone's beeps.
  await patient.waitFor(() => [...document.querySelectorAll('#a11y-layer p')]
    .some((p) => /^Microphone level: [1-9]\d* percent/.test(p.textContent)));
  if (shots.deviceCheck) await patient.shot(shots.deviceCheck);
  await patient.press('Continue');
  await patient.fill('Your name', name);
  if (shots.name) await patient.shot(shots.name);
  await patient.press('Join the waiting room');
  await patient.heading(arrival);
}

// The remote <video> and what arrives over the connection (getStats()):
// frames shown, frames decoded, audio energy.
export const remoteMedia = (driver) => driver.evaluate(async () => {
  const v = document.querySelector('video[data-slot=remote]');
  // Frames presented, from requestVideoFrameCallback: Firefox leaves
  // getVideoPlaybackQuality() at 0 for a MediaStream. Counting starts at the first call.
  if (v && !v.tesseraCounting) {
    v.tesseraCounting = true;
    v.tesseraPresented = 0;
    const count = (now, meta) => {
      v.tesseraPresented = meta.presentedFrames;
      v.requestVideoFrameCallback(count);
    };
    v.requestVideoFrameCallback(count);
  }
  const out = {
    width: v ? v.videoWidth : 0, height: v ? v.videoHeight : 0, hidden: !v || v.hidden,
    frames: v ? v.tesseraPresented : 0, audioEnergy: 0, framesDecoded: 0,
  };
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

// Remote video shows and keeps moving, and remote audio is above silence.
export async function expectMovingMedia(driver, who) {
  await driver.waitFor(() => {
    const v = document.querySelector('video[data-slot=remote]');
    return !!v && !v.hidden && v.videoWidth > 0 && v.readyState >= 2;  // HAVE_CURRENT_DATA
  });
  const first = await remoteMedia(driver);
  let now = first;
  await until(async () => {
    now = await remoteMedia(driver);
    return now.frames > first.frames + 10 && now.framesDecoded > first.framesDecoded &&
      now.audioEnergy > first.audioEnergy;
  }, `${who}: moving remote video and audio (${JSON.stringify(first)} -> ${JSON.stringify(now)})`);
  return now;
}

export const safetyCode = (driver) => driver.heading(/^Safety code: \d{3} \d{4}$/);

// In the page: whether a layer paragraph holds text (or, present false, none
// does), and what the live region last announced.
function layerSays({ text, present = true }) {
  return [...document.querySelectorAll('#a11y-layer p')].some((p) => p.textContent.includes(text)) === present;
}
function announced(text) {
  return document.getElementById('announcer').textContent === text;
}
function announcedLike([source, flags]) {
  return new RegExp(source, flags).test(document.getElementById('announcer').textContent);
}

// Waits until a driver's live region says `pattern`. The bridge clears it and
// fills it 50 ms later (so the same words are said again): reading it at once
// can find it empty.
export const announces = (driver, pattern) => driver.waitFor(announcedLike, [pattern.source, pattern.flags]);

// One side mutes and turns the camera off, then both back on: the other
// side's screen and live region say each in words, then the words go.
export async function otherSideSeesMuteAndCamera(muting, watching, name, shot) {
  const muted = `${name} has muted their microphone.`;
  const cameraOff = `${name}'s camera is off.`;
  await muting.press('Mute');
  await watching.waitFor(layerSays, { text: muted });
  await watching.waitFor(announced, muted);
  await muting.press('Turn camera off');
  await watching.waitFor(layerSays, { text: cameraOff });
  await watching.waitFor(announced, cameraOff);
  await watching.waitFor(layerSays, { text: muted });
  if (shot) await watching.shot(shot);
  await muting.press('Unmute');
  await muting.press('Turn camera on');
  await muting.waitFor(buttonEnabled, 'Turn camera off');
  await muting.waitFor(buttonEnabled, 'Mute');
  await watching.waitFor(layerSays, { text: cameraOff, present: false });
  await watching.waitFor(layerSays, { text: muted, present: false });
  await watching.waitFor(announced, `${name} turned their camera back on.`);
}

// The options of the layer's <select> picker with this name.
export const options = (driver, name) => driver.evaluate((label) => {
  const picker = [...document.querySelectorAll('#a11y-layer select')].find((s) => s.getAttribute('aria-label') === label);
  return picker ? { texts: [...picker.options].map((o) => o.text), selected: picker.selectedIndex } : null;
}, name);

// One side picks another microphone mid-call: the call sends the new
// track on the same peer connection with no new offer (replaceTrack), and
// the other side still hears it.
export async function switchesMicrophone(switching, hearing, who) {
  await switching.waitFor(() => {
    const picker = [...document.querySelectorAll('#a11y-layer select')].find((s) => s.getAttribute('aria-label') === 'Microphone');
    return !!picker && picker.options.length >= 2;
  });
  const { texts, selected } = await options(switching, 'Microphone');
  const sent = () => switching.evaluate(() => {
    const pc = window.__peers.find((p) => p.connectionState !== 'closed');
    const audio = pc.getSenders().find((s) => s.track && s.track.kind === 'audio');
    return { label: audio.track.label, sdp: pc.localDescription.sdp, peers: window.__peers.length };
  });
  const before = await sent();
  const next = (Math.max(selected, 0) + 1) % texts.length;
  await switching.choose('Microphone', next);
  await switching.waitFor((label) => window.__peers.some((pc) => pc.getSenders()
    .some((s) => s.track && s.track.kind === 'audio' && s.track.label === label)), texts[next]);
  const after = await sent();
  assert.notEqual(after.label, before.label, `${who}: another microphone is sent`);
  assert.equal(after.sdp, before.sdp, `${who}: no renegotiation, the same local description`);
  assert.equal(after.peers, before.peers, `${who}: the same peer connection`);
  assert.equal((await options(switching, 'Microphone')).selected, next, `${who}: the picker shows the choice`);
  await expectMovingMedia(hearing, `${who}: the other side after the switch`);
}

// ---- chat and files (chat_files.test.mjs): what leaves a page, and the chat panel.

// An init script: WebSocket.send, RTCDataChannel.send and fetch wrapped for
// the page's whole life; each payload goes to window.__tesseraSent(kind,
// base64) (exposed by watchSends) to be checked in Node. It also keeps the
// chunk frames sent (window.__fileSends: [file id prefix, index]), the data
// channels that sent (window.__channels), can refuse new data channels while
// window.__holdChannels is true, harms one chunk frame when asked
// (window.__harm = { kind: 'tamper' | 'duplicate' | 'drop', after: n }), and
// drops the chat frame after the next n (window.__dropChat = { after: n }),
// holds back chat frames after the next n (window.__holdChat = { after: n })
// until window.__releaseChat(): on a receiver that holds its acks back, a
// transfer stops at the window, whatever the speed of the machine.
export function recordSends() {
  window.__channels = new Set();
  const heldChat = [];
  window.__fileSends = [];
  window.__harm = null;
  window.__holdChannels = false;
  const toBase64 = (bytes) => {
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return btoa(s);
  };
  const asBytes = (data) => {
    if (data instanceof ArrayBuffer) return new Uint8Array(data);
    if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return null;
  };
  const report = (kind, data) => {
    const bytes = asBytes(data);
    if (bytes) return window.__tesseraSent(kind, toBase64(bytes), 'base64');
    if (typeof data === 'string') return window.__tesseraSent(kind, data, 'text');
    if (data === undefined || data === null) return undefined;
    return window.__tesseraSent(kind, String(data), 'text');
  };
  const wsSend = WebSocket.prototype.send;
  WebSocket.prototype.send = function(data) {
    report('WebSocket.send', data);
    return wsSend.call(this, data);
  };
  const dcSend = RTCDataChannel.prototype.send;
  window.__releaseChat = () => {
    window.__holdChat = null;
    for (const [channel, data] of heldChat.splice(0)) {
      if (channel.readyState !== 'open') continue;
      report('RTCDataChannel.send', data);
      dcSend.call(channel, data);
    }
  };
  RTCDataChannel.prototype.send = function(data) {
    window.__channels.add(this);
    if (this.label === 'tessera-chat' && window.__dropChat && window.__dropChat.after-- <= 0) {
      window.__dropChat = null;
      return undefined;
    }
    if (this.label === 'tessera-chat' && window.__holdChat && window.__holdChat.after-- <= 0) {
      heldChat.push([this, asBytes(data) ? asBytes(data).slice() : data]);
      return undefined;
    }
    let bytes = asBytes(data);
    if (this.label === 'tessera-files' && bytes && bytes.length >= 22) {
      const harm = window.__harm;
      if (harm && harm.after-- === 0) {
        window.__harm = null;
        window.__harmed = { kind: harm.kind, index: ((bytes[17] << 24) | (bytes[18] << 16) | (bytes[19] << 8) | bytes[20]) >>> 0 };
        if (harm.kind === 'drop') return undefined;
        if (harm.kind === 'tamper') {
          bytes = bytes.slice();
          bytes[bytes.length - 1] ^= 0x01;
          data = bytes;
        }
        if (harm.kind === 'duplicate') {
          report('RTCDataChannel.send', bytes);
          dcSend.call(this, data);
        }
      }
      const id = Array.from(bytes.subarray(1, 5), (b) => b.toString(16).padStart(2, '0')).join('');
      window.__fileSends.push([id, ((bytes[17] << 24) | (bytes[18] << 16) | (bytes[19] << 8) | bytes[20]) >>> 0]);
    }
    report('RTCDataChannel.send', bytes || data);
    return dcSend.call(this, data);
  };
  const createDataChannel = RTCPeerConnection.prototype.createDataChannel;
  RTCPeerConnection.prototype.createDataChannel = function(...args) {
    if (window.__holdChannels) throw new DOMException('held by the test', 'OperationError');
    const channel = createDataChannel.apply(this, args);
    window.__channels.add(channel);
    return channel;
  };
  const fetchOriginal = window.fetch.bind(window);
  window.fetch = (input, init) => {
    report('fetch', String(input && input.url ? input.url : input));
    if (init && init.body !== undefined) report('fetch', init.body);
    return fetchOriginal(input, init);
  };
}

// What left the pages, kept as it arrives and checked by scan(): no text given to
// secretText (chat messages, display names) and no 32-byte run of a file
// given to file() may appear in any payload. A 32-byte run of a file always
// holds one whole 16-byte block at an offset that is a multiple of 16, so the
// blocks of each file are indexed (a hash table on their first 4 bytes) and
// every payload is scanned at every offset: stricter than 32 bytes, and
// linear in what was sent.
export class LeakWatch {
  constructor() {
    this.texts = [];
    this.files = [];
    this.leaks = [];
    this.counts = {};
    this.bytes = {};
    this.payloads = [];
  }

  secretText(text) { this.texts.push(Buffer.from(text, 'utf8')); }

  file(bytes) {
    const blocks = Math.floor(bytes.length / 16);
    let size = 1;
    while (size < blocks * 2) size *= 2;
    const keys = new Uint32Array(size);
    const slots = new Int32Array(size);  // block index + 1, or 0
    for (let b = 0; b < blocks; ++b) {
      const key = bytes.readUInt32LE(b * 16);
      let h = Math.imul(key, 0x9e3779b1) >>> 0;
      for (;; h = (h + 1) >>> 0) {
        const at = h & (size - 1);
        if (!slots[at]) {
          keys[at] = key;
          slots[at] = b + 1;
          break;
        }
      }
    }
    this.files.push({ bytes, keys, slots, mask: size - 1 });
  }

  // Kept for scan(): checking as it arrives would starve the test's own
  // Node thread (the browser driver) while files move.
  add(kind, payload) {
    this.counts[kind] = (this.counts[kind] || 0) + 1;
    this.bytes[kind] = (this.bytes[kind] || 0) + payload.length;
    this.payloads.push([kind, payload]);
  }

  // Every payload seen so far against every text and file given; the leaks found.
  scan() {
    for (const [kind, payload] of this.payloads.splice(0)) this.check(kind, payload);
    return this.leaks;
  }

  check(kind, payload) {
    for (const text of this.texts) if (payload.indexOf(text) >= 0) this.leaks.push(`${kind}: a chat text or name`);
    if (payload.length < 16) return;
    for (const f of this.files) {
      for (let i = 0; i + 16 <= payload.length; ++i) {
        const key = payload.readUInt32LE(i);
        for (let h = Math.imul(key, 0x9e3779b1) >>> 0; ; h = (h + 1) >>> 0) {
          const at = h & f.mask;
          if (!f.slots[at]) break;
          if (f.keys[at] !== key) continue;
          const offset = (f.slots[at] - 1) * 16;
          if (payload.compare(f.bytes, offset, offset + 16, i, i + 16) === 0) {
            this.leaks.push(`${kind}: 16 bytes of a file at offset ${offset}`);
            return;
          }
        }
      }
    }
  }

  // For openInChromium's beforeGoto: the page reports what it sends here.
  expose() {
    return (page) => page.exposeFunction('__tesseraSent', (kind, data, encoding) => {
      this.add(kind, Buffer.from(data, encoding === 'base64' ? 'base64' : 'utf8'));
    });
  }
}

// A real PNG of side x side random pixels (stored, not compressed): a
// picture that previews and whose bytes are all random.
// The sizes of the received files a page holds in its origin's private file
// system (each page's folder of tessera-downloads/, where the client's
// download writer puts them). A Playwright or a Puppeteer page.
export function downloadsOnDisk(page) {
  return page.evaluate(async () => {
    const sizes = [];
    const root = await navigator.storage.getDirectory();
    const all = await root.getDirectoryHandle('tessera-downloads').catch(() => null);
    if (!all) return sizes;
    for await (const folder of all.values()) {
      for await (const file of folder.values()) sizes.push((await file.getFile()).size);
    }
    return sizes;
  });
}

export function randomPng(side) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; ++k) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'latin1');
    data.copy(out, 8);
    out.writeUInt32BE(crc(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header[8] = 8;  // bits per sample
  header[9] = 2;  // RGB
  const rows = Buffer.concat(Array.from({ length: side }, () => Buffer.concat([Buffer.from([0]), randomBytes(side * 3)])));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 0 })), chunk('IEND', Buffer.alloc(0))]);
}

// ---- what the screen shows, not what the DOM layer says: a screenshot's pixels.

// A PNG as the browsers write screenshots (8 bits per sample, RGB or RGBA,
// not interlaced) as { width, height, channels, pixels }.
export function decodePng(png) {
  let at = 8;
  let header;
  const data = [];
  while (at < png.length) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const body = png.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') header = body;
    if (type === 'IDAT') data.push(body);
    at += 12 + length;
  }
  const width = header.readUInt32BE(0);
  const height = header.readUInt32BE(4);
  const channels = { 2: 3, 6: 4 }[header[9]];
  assert.ok(header[8] === 8 && channels && header[12] === 0, 'an 8-bit RGB(A) PNG, not interlaced');
  const raw = inflateSync(Buffer.concat(data));
  const stride = width * channels;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; ++y) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; ++i) {
      const a = i >= channels ? pixels[y * stride + i - channels] : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + i] : 0;
      const c = i >= channels && y > 0 ? pixels[(y - 1) * stride + i - channels] : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a
        : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predicted = [0, a, b, (a + b) >> 1, paeth][filter];
      pixels[y * stride + i] = (line[i] + predicted) & 0xff;
    }
  }
  return { width, height, channels, pixels };
}

// How many colours the screen shows in a locator's box (a playwright page):
// one means the canvas drew nothing there that anyone can see. Cut from a
// screenshot of the whole viewport: Chromium composites a clipped screenshot
// afresh, and that one did not show issue 11's blank band.
export async function coloursShown(page, locator) {
  const box = await locator.boundingBox();
  const { width, channels, pixels } = decodePng(await page.screenshot());
  const seen = new Set();
  for (let y = Math.ceil(box.y); y < Math.floor(box.y + box.height); ++y) {
    for (let x = Math.ceil(box.x); x < Math.floor(box.x + box.width); ++x) {
      seen.add(pixels.readUIntBE((y * width + x) * channels, 3));
    }
  }
  return seen.size;
}

// ---- an operator's command line (`tessera-gateway kiosk enrol --label ...`)
// on a clinic made by makeClinic: its data directory and key file; returns
// what the command printed.
export function operatorCommand(clinic, args) {
  const given = clinic.gatewayArgs('');
  const value = (flag) => given[given.indexOf(flag) + 1];
  return execFileSync(requiredEnv('TESSERA_GATEWAY'),
    [...args, '--data', value('--data'), '--key-file', value('--key-file')]).toString();
}
