// The walking skeleton, as a person with a screen reader or keyboard meets
// it: the real gateway serves the real client, which loads its WebAssembly,
// draws with ImGui, and publishes its widgets to the accessible DOM layer.
// This gateway has no accounts (no --data): the page is the sign-in screen,
// and a visit link's screens are in visit.test.mjs.
// Every interaction below goes through that layer, by role and name.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { collectPageProblems, launchBrowser, requiredEnv, startGateway } from './harness.mjs';

const webRoot = requiredEnv('TESSERA_WEB_ROOT');
const outDir = requiredEnv('TESSERA_TEST_OUT');
let gateway;
let browser;
let context;

before(async () => {
  gateway = await startGateway({ webRoot });
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
});

after(async () => {
  await context?.close();
  await browser?.close();
  await gateway?.stop();
});

test('the first screen is the sign-in, typed into through real inputs, and it says what went wrong', async () => {
  const page = await context.newPage();
  const problems = collectPageProblems(page);
  await page.goto(`${gateway.url}/`);

  const title = page.getByRole('heading', { name: 'Sign in to Tessera', level: 1 });
  await title.waitFor({ timeout: 30000 });
  assert.equal(await page.locator('html').getAttribute('data-state'), 'ready');
  assert.equal(await page.locator('#loading').isHidden(), true, 'the loader goes away');

  // The heading sits where ImGui drew it: a real rectangle inside the canvas.
  const box = await title.boundingBox();
  assert.ok(box && box.width > 20 && box.height > 10, `heading rectangle ${JSON.stringify(box)}`);

  const signIn = page.getByRole('button', { name: 'Sign in' });
  assert.equal(await signIn.isDisabled(), true, 'Sign in waits for login, password and code');

  // Real <input>s: what a phone keyboard, paste or IME would type into.
  const login = page.getByRole('textbox', { name: 'Login' });
  await login.fill('Zoë Ångström');
  const password = page.getByLabel('Password');
  assert.equal(await password.getAttribute('type'), 'password');
  await password.fill('a long enough password');
  await page.getByRole('textbox', { name: 'Code from your authenticator app' }).fill('123456');
  await page.waitForFunction(() => {
    const b = [...document.querySelectorAll('#a11y-layer button')].find((e) => e.textContent === 'Sign in');
    return b && !b.disabled;
  });
  // The password is never echoed back into the page.
  assert.ok(!(await page.content()).includes('a long enough password'), 'no password in the DOM');
  await signIn.press('Enter');

  // This gateway has no accounts: the page says so and what to do.
  await page.locator('#a11y-layer p', { hasText: /does not offer sign-in/ }).waitFor({ timeout: 10000 });
  assert.equal(await login.inputValue(), 'Zoë Ångström', 'the login survives the attempt');
  assert.equal(await password.inputValue(), '', 'the password is cleared after the attempt');
  mkdirSync(outDir, { recursive: true });
  await page.screenshot({ path: path.join(outDir, 'skeleton-sign-in.png') });
  // Chromium logs the API's 404 / 405 (this gateway has no /api/), which the page expects.
  assert.deepEqual(problems.filter((p) => !/status of 40[45]/.test(p)), [], 'no console errors or CSP violations');
  await page.close();
});

test('a visit link loads the client and its fragment never reaches the gateway', async () => {
  const page = await context.newPage();
  const problems = collectPageProblems(page);
  const fragment = 'fragment-stays-in-the-browser';
  const sent = [];
  page.on('request', (request) => sent.push({ url: request.url(), headers: request.headers() }));
  const response = await page.goto(`${gateway.url}/v/AAAAAAAAAAAAAAAAAAAAAA#${fragment}`);
  assert.equal(response.status(), 200);
  await page.getByRole('heading', { name: 'This link does not work', level: 1 }).waitFor({ timeout: 30000 });
  assert.ok(sent.length >= 5, `the page and its assets were requested (${sent.length})`);
  for (const { url, headers } of sent) {
    assert.ok(!new URL(url).hash, `no fragment in a request URL: ${url}`);
    assert.ok(!JSON.stringify(headers).includes(fragment), `no fragment in the headers to ${url}`);
    assert.ok(!headers.referer, 'no Referer: the link must not leak');
  }
  await page.close();
  const log = gateway.output();
  assert.match(log, /"event":"http","method":"GET","status":200,"bytes":\d+/, 'the request log has the JSON status line');
  assert.ok(!log.includes(fragment), 'nothing the gateway printed contains the fragment');
  assert.ok(!log.includes('AAAAAAAAAAAAAAAAAAAAAA'), 'nor the visit id (targets are never logged)');
  assert.deepEqual(problems, [], 'no console errors, CSP or integrity violations');
});

test('a malformed visit link is 404, not the client', async () => {
  const page = await context.newPage();
  const response = await page.goto(`${gateway.url}/v/not-a-visit-id`);
  assert.equal(response.status(), 404);
  await page.close();
});

test('every asset is hashed, integrity-checked, cached immutable and sent gzip', async () => {
  const page = await context.newPage();
  const assets = [];
  page.on('response', async (res) => {
    const url = new URL(res.url());
    if (url.origin === gateway.url && url.pathname !== '/' && !url.pathname.startsWith('/api/')) assets.push({ url: res.url(), headers: await res.allHeaders() });
  });
  const main = await page.goto(`${gateway.url}/`);
  await page.getByRole('heading', { name: 'Sign in to Tessera', level: 1 }).waitFor({ timeout: 30000 });
  assert.equal((await main.allHeaders())['cache-control'], 'no-cache');
  const tags = await page.evaluate(() => [...document.querySelectorAll('script[src], link[href^="/"]')]
    .map((e) => ({ url: e.src || e.href, integrity: e.integrity })));
  for (const tag of tags) assert.match(tag.integrity, /^sha384-[A-Za-z0-9+/]{64}$/, tag.url);
  const paths = assets.map((a) => new URL(a.url).pathname);
  for (const kind of [/^\/tessera\.[0-9a-f]{16}\.wasm$/, /^\/tessera\.[0-9a-f]{16}\.js$/,
    /^\/loader\.[0-9a-f]{16}\.js$/, /^\/style\.[0-9a-f]{16}\.css$/,
    /^\/fonts\/tessera-ui\.[0-9a-f]{16}\.ttf$/]) {
    assert.ok(paths.some((p) => kind.test(p)), `${kind} was loaded (got ${paths.join(' ')})`);
  }
  for (const { url, headers } of assets) {
    assert.equal(headers['cache-control'], 'public, max-age=31536000, immutable', url);
    assert.equal(headers['content-encoding'], 'gzip', url);
    assert.equal(headers.vary, 'Accept-Encoding', url);
  }
  await page.close();
});

test('a tampered module is refused by the browser and the page says so', async () => {
  const page = await context.newPage();
  await page.route(/\/tessera\.[0-9a-f]{16}\.wasm$/, async (route) => {
    const response = await route.fetch();
    const body = Buffer.from(await response.body());
    body[body.length >> 1] ^= 1;
    await route.fulfill({ status: 200, contentType: 'application/wasm', body });
  });
  await page.goto(`${gateway.url}/`);
  const alert = page.getByRole('alert');
  await alert.waitFor({ timeout: 30000 });
  assert.match(await alert.innerText(), /could not finish loading/);
  assert.equal(await page.locator('html').getAttribute('data-state'), 'failed');
  await page.close();
});

test('a browser without WebGL2 gets a clear message instead of a blank page', async () => {
  const page = await context.newPage();
  await page.addInitScript(() => {
    const original = HTMLCanvasElement.prototype.getContext;
    HTMLCanvasElement.prototype.getContext = function (type, ...rest) {
      return type === 'webgl2' ? null : original.call(this, type, ...rest);
    };
  });
  await page.goto(`${gateway.url}/`);
  const alert = page.getByRole('alert');
  await alert.waitFor({ timeout: 10000 });
  assert.match(await alert.innerText(), /WebGL2/);
  await page.close();
});

test('a browser without WebAssembly gets a clear message instead of a blank page', async () => {
  const page = await context.newPage();
  await page.addInitScript(() => { delete globalThis.WebAssembly; });
  await page.goto(`${gateway.url}/`);
  const alert = page.getByRole('alert');
  await alert.waitFor({ timeout: 10000 });
  assert.match(await alert.innerText(), /WebAssembly/);
  await page.close();
});

test('on a high-density phone screen the canvas is drawn at device resolution', async () => {
  const phone = await browser.newContext({
    viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true,
  });
  const page = await phone.newPage();
  await page.goto(`${gateway.url}/`);
  const title = page.getByRole('heading', { name: 'Sign in to Tessera', level: 1 });
  await title.waitFor({ timeout: 30000 });
  const canvas = await page.evaluate(() => {
    const c = document.getElementById('canvas');
    return { width: c.width, height: c.height, cssWidth: c.clientWidth, cssHeight: c.clientHeight };
  });
  assert.equal(canvas.width, canvas.cssWidth * 3);
  assert.equal(canvas.height, canvas.cssHeight * 3);
  // The layer maps device pixels back to CSS pixels: the heading fits the screen.
  const box = await title.boundingBox();
  assert.ok(box.x >= 0 && box.x + box.width <= 390, `heading at ${JSON.stringify(box)}`);
  assert.ok(box.height >= 24 && box.height <= 60, `heading ${box.height}px tall: readable, not huge`);
  mkdirSync(outDir, { recursive: true });
  await page.screenshot({ path: path.join(outDir, 'skeleton-phone.png') });
  await phone.close();
});

test('typing, Backspace and Tab reach the DOM layer, not the canvas', async () => {
  const page = await context.newPage();
  await page.goto(`${gateway.url}/`);
  const login = page.getByRole('textbox', { name: 'Login' });
  await login.waitFor({ timeout: 30000 });
  await login.click();
  await page.keyboard.type('Anab');
  await page.keyboard.press('Backspace');  // GLFW would cancel this if it saw it
  assert.equal(await login.inputValue(), 'Ana');
  await page.keyboard.press('Tab');       // and this
  const focused = await page.evaluate(() => document.activeElement?.getAttribute('aria-label'));
  assert.equal(focused, 'Password', 'Tab moves from the field to the next widget');
  await page.close();
});

test('an idle screen draws no frames and polls nothing', async () => {
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.__framesRequested = 0;
    const request = window.requestAnimationFrame.bind(window);
    window.requestAnimationFrame = (callback) => {
      window.__framesRequested += 1;
      return request(callback);
    };
  });
  await page.goto(`${gateway.url}/`);
  await page.getByRole('heading', { name: 'Sign in to Tessera', level: 1 }).waitFor({ timeout: 30000 });
  const frames = () => page.evaluate(() => window.__framesRequested);
  // Wait for the start-up frames to settle; a loop that never sleeps never settles.
  let before = await frames();
  for (let i = 0; i < 20; ++i) {
    await page.waitForTimeout(250);
    const now = await frames();
    if (now === before) break;
    before = now;
  }
  assert.ok(before > 0, 'the client did draw');
  await page.waitForTimeout(1000);
  assert.equal(await frames(), before, 'no frames while nothing changes');
  // Nor does the page listen for gamepads: while one does, Chromium polls
  // them 60 times a second in the browser's process (GLFW adds listeners).
  const cdp = await page.context().newCDPSession(page);
  const { result: window } = await cdp.send('Runtime.evaluate', { expression: 'window' });
  const { listeners } = await cdp.send('DOMDebugger.getEventListeners', { objectId: window.objectId });
  assert.deepEqual(listeners.map((l) => l.type).filter((t) => t.startsWith('gamepad')), [], 'no gamepad listeners');
  // Input wakes it up again.
  await page.getByRole('textbox', { name: 'Login' }).fill('Ana');
  await page.waitForFunction((n) => window.__framesRequested > n, before);
  await page.close();
});
