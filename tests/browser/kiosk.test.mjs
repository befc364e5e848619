// A clinic tablet in headless Chromium, end to end: the operator enrols it
// (`tessera-gateway kiosk enrol`), the tablet at /kiosk types the one-time
// code and keeps its key sealed across a reload, a provider sends it a visit
// (the link sealed to the tablet's key in the provider's module), the patient
// taps start, checks the devices, types a name and waits; the provider admits,
// both get moving media, the provider ends; the tablet wipes the visit and
// shows its start screen again. Then nothing of the visit is left: not in
// localStorage, sessionStorage or IndexedDB, not in the history, and not in
// the WebAssembly module's memory (the patient's name, the link secret).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
  WAIT, button, collectPageProblems, enabled, expectMovingMedia, freePort, heading, launchBrowser, makeClinic,
  recordPeers, requiredEnv, shownLink, signInProvider, startGateway,
} from './harness.mjs';

const webRoot = requiredEnv('TESSERA_WEB_ROOT');
const outDir = requiredEnv('TESSERA_TEST_OUT');
const KIOSK_LABEL = 'Room 3 tablet';
const PATIENT_NAME = 'Beatriz Kiosk-Patient';

let clinic;
let gateway;
let browser;

async function shot(page, name) {
  mkdirSync(outDir, { recursive: true });
  await page.screenshot({ path: path.join(outDir, `kiosk-${name}.png`) });
}

// An init script: keeps the module's WebAssembly.Memory where the test can
// read it (the loader instantiates the verified bytes with WebAssembly.instantiate).
function keepWasmMemory() {
  const instantiate = WebAssembly.instantiate;
  WebAssembly.instantiate = async function (...args) {
    const result = await instantiate.apply(this, args);
    const instance = result instanceof WebAssembly.Instance ? result : result.instance;
    window.__wasmMemory = Object.values(instance.exports).find((e) => e instanceof WebAssembly.Memory);
    return result;
  };
}

async function newPage({ viewport = { width: 1024, height: 900 }, kiosk = false } = {}) {
  const context = await browser.newContext({ viewport, ignoreHTTPSErrors: true, hasTouch: kiosk });
  const page = await context.newPage();
  await page.addInitScript(recordPeers);
  if (kiosk) await page.addInitScript(keepWasmMemory);
  return page;
}

// Which of these byte strings occur in the module's memory.
const inModuleMemory = (page, needles) => page.evaluate((lists) => {
  const heap = new Uint8Array(window.__wasmMemory.buffer);
  return lists.map((needle) => {
    const first = needle[0];
    for (let i = heap.indexOf(first); i >= 0 && i <= heap.length - needle.length; i = heap.indexOf(first, i + 1)) {
      let k = 1;
      while (k < needle.length && heap[i + k] === needle[k]) ++k;
      if (k === needle.length) return true;
    }
    return false;
  });
}, needles.map((n) => [...n]));

// Everything the page keeps: both storages and every IndexedDB record.
const pageStorage = (page) => page.evaluate(async () => {
  const out = { local: { ...localStorage }, session: { ...sessionStorage }, indexedDB: {} };
  for (const { name } of await indexedDB.databases()) {
    const db = await new Promise((resolve, reject) => {
      const open = indexedDB.open(name);
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    out.indexedDB[name] = {};
    for (const store of db.objectStoreNames) {
      const tx = db.transaction(store);
      const [keys, values] = await Promise.all(['getAllKeys', 'getAll'].map((m) => new Promise((resolve) => {
        const r = tx.objectStore(store)[m]();
        r.onsuccess = () => resolve(r.result);
      })));
      out.indexedDB[name][store] = keys.map((k, i) => ({
        key: String(k), kind: Object.prototype.toString.call(values[i]),
        text: values[i] instanceof CryptoKey ? `CryptoKey extractable=${values[i].extractable}`
          : JSON.stringify(values[i]),
      }));
    }
    db.close();
  }
  return out;
});

before(async () => {
  clinic = makeClinic();
  const port = await freePort();
  gateway = await startGateway({
    webRoot,
    listen: `127.0.0.1:${port}`,
    extraArgs: clinic.gatewayArgs(`https://127.0.0.1:${port}`),
  });
  browser = await launchBrowser({ extraArgs: ['--autoplay-policy=no-user-gesture-required'] });
});

after(async () => {
  await browser?.close();
  await gateway?.stop();
  clinic?.remove();
});

test('a kiosk is enrolled, receives a sealed visit, holds it, and forgets it afterwards', async () => {
  // The operator enrols the tablet: a one-time code, printed once.
  const printed = clinic.operator(['kiosk', 'enrol', '--label', KIOSK_LABEL]);
  const code = /kiosk-code: ([A-Z2-7-]+)/.exec(printed)[1];

  const kiosk = await newPage({ viewport: { width: 1024, height: 768 }, kiosk: true });
  const kioskProblems = collectPageProblems(kiosk);
  await kiosk.goto(`${gateway.url}/kiosk`);
  await heading(kiosk, 'Set up this tablet').waitFor(WAIT);
  await shot(kiosk, '01-enrol');
  await kiosk.getByRole('textbox', { name: 'Enrolment code' }).fill(code.toLowerCase());
  await (await enabled(kiosk, 'Enrol this tablet')).press('Enter');
  await heading(kiosk, 'Waiting for your visit').waitFor(WAIT);
  await shot(kiosk, '02-waiting');

  // The tablet's key survives a reload, sealed: nothing readable is stored.
  await kiosk.waitForFunction(() => localStorage.getItem('tessera.vault.kiosk'), null, WAIT);
  const enrolled = await pageStorage(kiosk);
  assert.deepEqual(Object.keys(enrolled.local), ['tessera.vault.kiosk'], 'only the sealed key is kept on the device');
  assert.match(enrolled.local['tessera.vault.kiosk'], /^[A-Za-z0-9+/=]+\.[A-Za-z0-9+/=]+$/, 'iv.ciphertext');
  assert.deepEqual(enrolled.indexedDB.tessera.keys, [{ key: 'wrap', kind: '[object CryptoKey]',
    text: 'CryptoKey extractable=false' }], 'the wrapping key cannot be read out');
  await kiosk.reload();
  await heading(kiosk, 'Waiting for your visit').waitFor(WAIT);
  const historyBefore = await kiosk.evaluate(() => history.length);

  // The provider sends a visit to the kiosk.
  const provider = await newPage();
  const providerProblems = collectPageProblems(provider);
  await provider.goto(`${gateway.url}/`);
  await signInProvider(provider, clinic);
  await (await enabled(provider, 'Create a visit')).press('Enter');
  const link = await shownLink(provider);
  await provider.locator('#a11y-layer p', { hasText: `${KIOSK_LABEL}: ready` }).waitFor(WAIT);
  await shot(provider, '03-provider-send-to-kiosk');
  await (await enabled(provider, `Send to ${KIOSK_LABEL}`)).press('Enter');
  await provider.locator('#a11y-layer p', { hasText: `Sent to ${KIOSK_LABEL}.` }).waitFor(WAIT);

  // The tablet opens it: ready, then the patient's journey.
  await heading(kiosk, 'Your visit is ready').waitFor(WAIT);
  await shot(kiosk, '04-ready');
  await (await enabled(kiosk, 'Tap to start')).press('Enter');
  await heading(kiosk, 'Check your camera and microphone').waitFor(WAIT);
  await kiosk.waitForFunction(() => document.fullscreenElement === document.documentElement, null, WAIT);
  await kiosk.locator('video[data-slot=self]:not([hidden])').waitFor(WAIT);
  await shot(kiosk, '05-device-check');
  await (await enabled(kiosk, 'Continue')).press('Enter');
  // Typed letter by letter, as on a tablet: every keystroke makes copies of the name in the module.
  await kiosk.getByRole('textbox', { name: 'Your name' }).pressSequentially(PATIENT_NAME);
  await shot(kiosk, '06-name');
  await (await enabled(kiosk, 'Join the waiting room')).press('Enter');
  await heading(kiosk, 'You are in the waiting room').waitFor(WAIT);
  await shot(kiosk, '07-waiting-room');

  const fragment = link.split('#')[1];
  const secret = Buffer.from(fragment, 'base64url').subarray(1, 33);
  const needles = [Buffer.from(PATIENT_NAME, 'utf8'), Buffer.from(PATIENT_NAME, 'utf16le'), secret,
    Buffer.from(fragment, 'ascii')];
  // While the visit runs, the module holds the name and the secret: the search finds them.
  const during = await inModuleMemory(kiosk, needles);
  assert.ok(during[0] && during[2], `the search sees the name and the secret during the visit (${during})`);

  await button(provider, `Admit ${PATIENT_NAME}`).press('Enter');
  await heading(provider, `Visit with ${PATIENT_NAME}`).waitFor(WAIT);
  await heading(kiosk, 'Your visit').waitFor(WAIT);
  await Promise.all([expectMovingMedia(provider, 'provider'), expectMovingMedia(kiosk, 'kiosk')]);
  await shot(kiosk, '08-call');

  await button(provider, 'End visit').press('Enter');
  await heading(kiosk, 'Your visit has ended').waitFor(WAIT);
  await shot(kiosk, '09-ended');

  // Wiped: the module's memory, the media, the storage, the history.
  assert.deepEqual(await inModuleMemory(kiosk, needles), [false, false, false, false],
    'no name (UTF-8, UTF-16), link secret or fragment left in the module\'s memory');
  assert.deepEqual(await kiosk.evaluate(() => [...document.querySelectorAll('video')]
    .filter((v) => v.srcObject).length), 0, 'no camera, microphone or remote stream is attached');
  const after = await pageStorage(kiosk);
  assert.deepEqual(after.session, {}, 'sessionStorage is empty');
  assert.deepEqual(after.local, enrolled.local, 'localStorage holds the same sealed tablet key, nothing else');
  assert.deepEqual(after.indexedDB, enrolled.indexedDB, 'IndexedDB holds the same wrapping key, nothing else');
  const kept = JSON.stringify(after);
  for (const secretText of [PATIENT_NAME, fragment, link.split('/v/')[1].split('#')[0]]) {
    assert.ok(!kept.includes(secretText), 'no name, fragment or visit id in any storage');
  }
  assert.equal(await kiosk.evaluate(() => location.pathname + location.search + location.hash), '/kiosk');
  assert.equal(await kiosk.evaluate(() => history.length), historyBefore, 'the visit added no history entry');
  assert.equal(await kiosk.locator('#a11y-layer').getByText(PATIENT_NAME).count(), 0);
  assert.equal(await kiosk.locator('#a11y-layer input').count(), 0, 'no field is left holding typed text');

  await (await enabled(kiosk, 'Done')).press('Enter');
  await heading(kiosk, 'Waiting for your visit').waitFor(WAIT);
  await shot(kiosk, '10-waiting-again');

  // The gateway saw no secret, name or code.
  const log = gateway.output();
  for (const secretText of [fragment, PATIENT_NAME, code]) {
    assert.ok(!log.includes(secretText), 'nothing the gateway printed contains a secret, name or code');
  }
  assert.deepEqual(kioskProblems.filter((p) => !/status of 401/.test(p)), [], 'no console errors on the kiosk');
  const unexpected = providerProblems.filter((p) => !/status of 401/.test(p));
  assert.deepEqual(unexpected, [], 'no console errors or CSP violations on the provider page');
  await kiosk.context().close();
  await provider.context().close();
});
