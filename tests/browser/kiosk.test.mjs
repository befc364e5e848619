// A clinic tablet in headless Chromium, end to end: the operator enrols it
// (`tessera-gateway kiosk enrol`), the tablet at /kiosk types the one-time
// code and keeps its key sealed across a reload, a provider sends it a visit
// (the link sealed to the tablet's key in the provider's module), the patient
// taps start, checks the devices, types a name and waits; the provider admits,
// both get moving media; the provider sends a picture, which the tablet shows
// from memory (no Save, nothing in the origin's private file system), and a
// file too large for a kiosk, which the tablet refuses with a reason both
// sides see; the provider ends; the tablet wipes the visit and
// shows its start screen again. Then nothing of the visit is left: not in
// localStorage, sessionStorage or IndexedDB, not in the history, and not in
// the WebAssembly module's memory (the patient's name, the link secret).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
  WAIT, createVisit, expectMovingMedia, launchBrowser, makeClinic, openInChromium, operatorCommand, paragraphs,
  providerSignsIn, randomPng, requiredEnv, startClinicGateway, until,
} from './harness.mjs';

const webRoot = requiredEnv('TESSERA_WEB_ROOT');
const outDir = requiredEnv('TESSERA_TEST_OUT');
const KIOSK_LABEL = 'Room 3 tablet';
const PATIENT_NAME = 'Beatriz Kiosk-Patient';

let clinic;
let gateway;
let browser;
let files;

// What the origin's private file system (OPFS) holds at its top.
const privateFiles = (driver) => driver.evaluate(async () => {
  const names = [];
  for await (const name of (await navigator.storage.getDirectory()).keys()) names.push(name);
  return names;
});

// A file card's status line in the chat panel.
const fileStatus = (page, name) => page.locator('#chat-layer li', { hasText: name }).locator('.chat-file-status')
  .textContent().catch(() => '');
const untilStatus = (page, name, pattern) =>
  until(async () => pattern.test(await fileStatus(page, name)), `"${name}" to say ${pattern}`);

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

// Which of these byte strings occur in the module's memory.
const inModuleMemory = (driver, needles) => driver.evaluate((lists) => {
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
const pageStorage = (driver) => driver.evaluate(async () => {
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
  files = mkdtempSync(path.join(tmpdir(), 'tessera-kiosk-files-'));
  clinic = makeClinic();
  gateway = await startClinicGateway(webRoot, clinic);
  browser = await launchBrowser({ extraArgs: ['--autoplay-policy=no-user-gesture-required'] });
});

after(async () => {
  await browser?.close();
  await gateway?.stop();
  clinic?.remove();
  if (files) rmSync(files, { recursive: true, force: true });
});

test('a kiosk is enrolled, receives a sealed visit, holds it, and forgets it afterwards', async () => {
  // The operator enrols the tablet: a one-time code, printed once.
  const printed = operatorCommand(clinic, ['kiosk', 'enrol', '--label', KIOSK_LABEL]);
  const code = /kiosk-code: ([A-Z2-7-]+)/.exec(printed)[1];

  const { driver: kiosk, page: kioskPage, problems: kioskProblems } =
    await openInChromium(browser, `${gateway.url}/kiosk`, outDir, [keepWasmMemory]);
  await kiosk.heading('Set up this tablet');
  await kiosk.shot('kiosk-01-enrol');
  await kiosk.fill('Enrolment code', code.toLowerCase());
  await kiosk.press('Enrol this tablet');
  await kiosk.heading('Waiting for your visit');
  await kiosk.shot('kiosk-02-waiting');

  // The tablet's key survives a reload, sealed: nothing readable is stored.
  await kiosk.waitFor(() => localStorage.getItem('tessera.vault.kiosk'));
  const enrolled = await pageStorage(kiosk);
  assert.deepEqual(Object.keys(enrolled.local), ['tessera.vault.kiosk'], 'only the sealed key is kept on the device');
  assert.match(enrolled.local['tessera.vault.kiosk'], /^[A-Za-z0-9+/=]+\.[A-Za-z0-9+/=]+$/, 'iv.ciphertext');
  assert.deepEqual(enrolled.indexedDB.tessera.keys, [{ key: 'wrap', kind: '[object CryptoKey]',
    text: 'CryptoKey extractable=false' }], 'the wrapping key cannot be read out');
  await kioskPage.reload();
  await kiosk.heading('Waiting for your visit');
  const historyBefore = await kiosk.evaluate(() => history.length);

  // The provider sends a visit to the kiosk.
  const { provider, problems: providerProblems } = await providerSignsIn(browser, gateway, clinic, outDir);
  const link = await createVisit(provider);
  const says = async (driver, start) => (await paragraphs(driver)).some((p) => p.startsWith(start));
  await until(() => says(provider, `${KIOSK_LABEL}: ready`), 'the provider sees the kiosk ready');
  await provider.shot('kiosk-03-provider-send-to-kiosk');
  await provider.press(`Send to ${KIOSK_LABEL}`);
  await until(() => says(provider, `Sent to ${KIOSK_LABEL}.`), 'the provider sees the visit sent');

  // The tablet opens it: ready, then the patient's journey.
  await kiosk.heading('Your visit is ready');
  await kiosk.shot('kiosk-04-ready');
  await kiosk.press('Tap to start');
  await kiosk.heading('Check your camera and microphone');
  await kiosk.waitFor(() => document.fullscreenElement === document.documentElement);
  await kioskPage.locator('video[data-slot=self]:not([hidden])').waitFor(WAIT);
  await kiosk.shot('kiosk-05-device-check');
  await kiosk.press('Continue');
  // Typed letter by letter, as on a tablet: every keystroke makes copies of the name in the module.
  await kioskPage.getByRole('textbox', { name: 'Your name' }).pressSequentially(PATIENT_NAME);
  await kiosk.shot('kiosk-06-name');
  await kiosk.press('Join the waiting room');
  await kiosk.heading('You are in the waiting room');
  await kiosk.shot('kiosk-07-waiting-room');

  const fragment = link.split('#')[1];
  const secret = Buffer.from(fragment, 'base64url').subarray(1, 33);
  const needles = [Buffer.from(PATIENT_NAME, 'utf8'), Buffer.from(PATIENT_NAME, 'utf16le'), secret,
    Buffer.from(fragment, 'ascii')];
  // While the visit runs, the module holds the name and the secret: the search finds them.
  const during = await inModuleMemory(kiosk, needles);
  assert.ok(during[0] && during[2], `the search sees the name and the secret during the visit (${during})`);

  await provider.press(`Admit ${PATIENT_NAME}`);
  await provider.heading(`Visit with ${PATIENT_NAME}`);
  await kiosk.heading('Your visit');
  await Promise.all([expectMovingMedia(provider, 'provider'), expectMovingMedia(kiosk, 'kiosk')]);
  await kiosk.shot('kiosk-08-call');

  // A picture for the patient: shown on the tablet from memory, never written to it, never offered to save.
  const picture = path.join(files, 'rash.png');
  writeFileSync(picture, randomPng(48));
  await provider.page.getByLabel('Send a file').setInputFiles(picture);
  // By keyboard: at this window size the call fills the screen and the chat panel lies below it.
  await kioskPage.getByRole('button', { name: 'Accept rash.png' }).press('Enter');
  const preview = kioskPage.getByRole('img', { name: 'Picture: rash.png' });
  await preview.waitFor(WAIT);
  await until(() => preview.evaluate((e) => e.complete && e.naturalWidth === 48), 'the picture to show');
  await untilStatus(provider.page, 'rash.png', /^Sent\.$/);
  assert.equal(await kioskPage.getByRole('link', { name: 'Save rash.png' }).count(), 0, 'no Save on a kiosk');
  assert.deepEqual(await privateFiles(kiosk), [], 'nothing written to the private file system');
  // Larger than a kiosk holds: refused on arrival, and both sides are told why.
  const big = path.join(files, 'full body scan.bin');
  writeFileSync(big, '');
  truncateSync(big, 32 * 1000 * 1000 + 1);
  await provider.page.getByLabel('Send a file').setInputFiles(big);
  await untilStatus(kioskPage, 'full body scan.bin',
    /^Too large to show here: this tablet shows files of up to 32\.0 MB\. Nothing was received\.$/);
  await untilStatus(provider.page, 'full body scan.bin',
    new RegExp(`^Not sent: ${PATIENT_NAME} is on a clinic tablet, which shows files of up to 32\\.0 MB\\.$`));
  assert.equal(await kioskPage.getByRole('button', { name: 'Accept full body scan.bin' }).count(), 0);
  assert.equal(await kioskPage.title(), 'Tessera kiosk', 'a kiosk keeps its title: no unread count on it');
  await kiosk.shot('kiosk-08b-files');

  await provider.press('End visit');
  await kiosk.heading('Your visit has ended');
  await kiosk.shot('kiosk-09-ended');

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
  assert.equal(await kioskPage.locator('#a11y-layer').getByText(PATIENT_NAME).count(), 0);
  assert.equal(await kioskPage.locator('#a11y-layer input').count(), 0, 'no field is left holding typed text');
  assert.equal(await kioskPage.locator('#chat-layer li').count(), 0, 'no message or picture is left on the screen');
  assert.deepEqual(await privateFiles(kiosk), [], 'still nothing in the private file system');

  await kiosk.press('Done');
  await kiosk.heading('Waiting for your visit');
  await kiosk.shot('kiosk-10-waiting-again');

  // The gateway saw no secret, name or code.
  const log = gateway.output();
  for (const secretText of [fragment, PATIENT_NAME, code]) {
    assert.ok(!log.includes(secretText), 'nothing the gateway printed contains a secret, name or code');
  }
  assert.deepEqual(kioskProblems.filter((p) => !/status of 401/.test(p)), [], 'no console errors on the kiosk');
  const unexpected = providerProblems.filter((p) => !/status of 401/.test(p));
  assert.deepEqual(unexpected, [], 'no console errors or CSP violations on the provider page');
  await kioskPage.context().close();
  await provider.page.context().close();
});
