// A whole visit in headless Chromium, as a provider and a patient meet it:
// the real gateway (TLS on loopback, a provider account made with the
// gateway's own `account add`), two browser contexts with fake camera and
// microphone, every step through the accessible DOM layer by role and name.
//   provider signs in, creates a visit, copies the link
//   patient opens it, passes the device check, types a name, waits, gets a note
//   provider admits; both see moving remote video and hear audio; equal safety codes
//   patient mutes and turns the camera off; the provider's screen says so, then clears
//   patient switches microphone mid-call (no renegotiation) and moves the self view
//   provider ends the visit; the patient sees the end screen
// Also: a provider reloading mid-wait still admits; an arrival reaches a tab
// that draws no frames (title count, live region, notification); a link whose
// secret was changed never gets in; a damaged link says so.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
  collectPageProblems, freePort, launchBrowser, makeClinic, requiredEnv, startGateway, totpCode,
} from './harness.mjs';

const webRoot = requiredEnv('TESSERA_WEB_ROOT');
const outDir = requiredEnv('TESSERA_TEST_OUT');
const PATIENT_NAME = 'Ana Souza';
const NOTE = 'Running 5 minutes late, sorry';
const WAIT = { timeout: 30000 };

let clinic;
let gateway;
let browser;
let providerPage;
let providerProblems;

// Every RTCPeerConnection the page makes, so the test can read getStats();
// and a switch that holds animation frames back, as a background tab does.
function recordPeers() {
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
  // Every system notification the page shows (the real one is still shown).
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
  window.__peers = [];
  const Original = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Original {
    constructor(...args) {
      super(...args);
      window.__peers.push(this);
    }
  };
}

async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1024, height: 900 }, ignoreHTTPSErrors: true });
  const page = await context.newPage();
  await page.addInitScript(recordPeers);
  return page;
}

async function shot(page, name) {
  mkdirSync(outDir, { recursive: true });
  await page.screenshot({ path: path.join(outDir, `visit-${name}.png`) });
}

const heading = (page, name) => page.getByRole('heading', { name });
// Buttons are pressed through the accessible layer (Enter on the mirror
// <button>), the way a keyboard or screen-reader user presses them.
const button = (page, name) => page.getByRole('button', { name, exact: true });

async function enabled(page, name) {
  await page.waitForFunction((label) => {
    const b = [...document.querySelectorAll('#a11y-layer button')].find((e) => e.textContent === label);
    return b && !b.disabled;
  }, name, WAIT);
  return button(page, name);
}

// The visit link the provider's page shows (the one paragraph that is a link).
async function shownLink(page) {
  const link = page.locator('#a11y-layer p', { hasText: /^https:\/\// });
  await link.waitFor(WAIT);
  return link.textContent();
}

async function createVisit() {
  await (await enabled(providerPage, 'Create a visit')).press('Enter');
  await heading(providerPage, 'Waiting room').waitFor(WAIT);
  return shownLink(providerPage);
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

async function expectMovingMedia(page, who) {
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

async function safetyCode(page) {
  const code = page.getByRole('heading', { name: /^Safety code: \d{3} \d{4}$/ });
  await code.waitFor(WAIT);
  return code.textContent();
}

async function patientJoins(link, name, arrival = 'You are in the waiting room') {
  const page = await newPage();
  const problems = collectPageProblems(page);
  await page.goto(link);
  await heading(page, 'Check your camera and microphone').waitFor(WAIT);
  await page.locator('video[data-slot=self]:not([hidden])').waitFor(WAIT);
  // The live microphone level moves with the fake microphone's beeps.
  await page.waitForFunction(() => [...document.querySelectorAll('#a11y-layer p')]
    .some((p) => /^Microphone level: [1-9]\d* percent/.test(p.textContent)), null, WAIT);
  if (name === PATIENT_NAME) await shot(page, '03a-patient-device-check');
  await (await enabled(page, 'Continue')).press('Enter');
  await page.getByRole('textbox', { name: 'Your name' }).fill(name);
  if (name === PATIENT_NAME) await shot(page, '03b-patient-name');
  await (await enabled(page, 'Join the waiting room')).press('Enter');
  await heading(page, arrival).waitFor(WAIT);
  return { page, problems };
}

before(async () => {
  clinic = makeClinic();
  const port = await freePort();
  gateway = await startGateway({
    webRoot,
    listen: `127.0.0.1:${port}`,
    extraArgs: clinic.gatewayArgs(`https://127.0.0.1:${port}`),
  });
  assert.match(gateway.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  browser = await launchBrowser({ extraArgs: ['--autoplay-policy=no-user-gesture-required'] });

  providerPage = await newPage();
  providerProblems = collectPageProblems(providerPage);
  await providerPage.goto(`${gateway.url}/`);
  await heading(providerPage, 'Sign in to Tessera').waitFor(WAIT);
  await shot(providerPage, '01-provider-sign-in');
  await providerPage.getByRole('textbox', { name: 'Login' }).fill(clinic.login);
  await providerPage.getByRole('textbox', { name: 'Password' }).fill(clinic.password);
  await providerPage.getByRole('textbox', { name: 'Code from your authenticator app' }).fill(totpCode(clinic.totpSecret));
  await (await enabled(providerPage, 'Sign in')).press('Enter');
  await heading(providerPage, 'Start a visit').waitFor(WAIT);
  await shot(providerPage, '02-provider-start');
});

after(async () => {
  await browser?.close();
  await gateway?.stop();
  clinic?.remove();
});

test('a provider and a patient hold a whole visit with moving video, audio and equal safety codes', async () => {
  const link = await createVisit();
  assert.match(link, /^https:\/\/127\.0\.0\.1:\d+\/v\/[A-Za-z0-9_-]{22}#[A-Za-z0-9_-]{87}$/);
  // The link's QR code, drawn by the page beside the copy button: a square with a name.
  const qr = providerPage.getByRole('img', { name: 'QR code of the patient link' });
  await qr.waitFor(WAIT);
  const qrBox = await qr.boundingBox();
  assert.ok(qrBox.width >= 100 && Math.abs(qrBox.width - qrBox.height) < 1, `a square QR code (${qrBox.width}x${qrBox.height})`);
  await shot(providerPage, '03-provider-waiting-room-empty');

  const { page: patient, problems: patientProblems } = await patientJoins(link, PATIENT_NAME);
  await shot(patient, '04-patient-waiting');

  // The provider's tab learns of the arrival: a button to admit, a count in the title.
  await button(providerPage, `Admit ${PATIENT_NAME}`).waitFor(WAIT);
  assert.match(await providerPage.title(), /^\(1\) /);
  await providerPage.getByRole('textbox', { name: `Note for ${PATIENT_NAME}` }).fill(NOTE);
  await (await enabled(providerPage, `Send note to ${PATIENT_NAME}`)).press('Enter');
  await patient.locator('#a11y-layer p', { hasText: NOTE }).waitFor(WAIT);
  assert.match(await patient.locator('#announcer').textContent(), /message from your care team/i);
  await shot(patient, '05-patient-note');
  await shot(providerPage, '06-provider-waiting-room');

  await button(providerPage, `Admit ${PATIENT_NAME}`).press('Enter');
  await heading(providerPage, `Visit with ${PATIENT_NAME}`).waitFor(WAIT);
  await heading(patient, 'Your visit').waitFor(WAIT);

  const [providerCode, patientCode] = await Promise.all([safetyCode(providerPage), safetyCode(patient)]);
  assert.equal(providerCode, patientCode, 'both sides show the same safety code');
  await patient.getByText(/Read this code aloud/).first().waitFor(WAIT);

  await Promise.all([expectMovingMedia(providerPage, 'provider'), expectMovingMedia(patient, 'patient')]);
  await patient.locator('#a11y-layer p', { hasText: 'Connected.' }).waitFor(WAIT);
  // The connection indicator, from getStats(), in plain words: on loopback, direct and not poor.
  for (const page of [patient, providerPage]) {
    await page.locator('#a11y-layer p', { hasText: /^Connection: (good \(direct\)|fair)\./ }).waitFor(WAIT);
  }
  await shot(patient, '07-patient-call');
  await shot(providerPage, '08-provider-call');

  // Mute and camera off work through the layer, the buttons say what they will
  // do next, and the provider's screen and live region say so in words.
  const providerSays = (text) => providerPage.locator('#a11y-layer p', { hasText: text });
  await button(patient, 'Mute').press('Enter');
  await button(patient, 'Unmute').waitFor(WAIT);
  await providerSays(`${PATIENT_NAME} has muted their microphone.`).waitFor(WAIT);
  await providerPage.waitForFunction((name) => document.getElementById('announcer').textContent ===
    `${name} has muted their microphone.`, PATIENT_NAME, WAIT);
  await button(patient, 'Turn camera off').press('Enter');
  await button(patient, 'Turn camera on').waitFor(WAIT);
  await providerSays(`${PATIENT_NAME}'s camera is off.`).waitFor(WAIT);
  await providerPage.waitForFunction((name) => document.getElementById('announcer').textContent ===
    `${name}'s camera is off.`, PATIENT_NAME, WAIT);
  await providerSays(`${PATIENT_NAME} has muted their microphone.`).waitFor(WAIT);
  await shot(providerPage, '08a-provider-sees-patient-muted');
  await button(patient, 'Unmute').press('Enter');
  await button(patient, 'Turn camera on').press('Enter');
  await button(patient, 'Turn camera off').waitFor(WAIT);
  await providerSays(`${PATIENT_NAME}'s camera is off.`).waitFor({ state: 'detached', ...WAIT });
  await providerSays(`${PATIENT_NAME} has muted their microphone.`).waitFor({ state: 'detached', ...WAIT });
  await providerPage.waitForFunction((name) => document.getElementById('announcer').textContent ===
    `${name} turned their camera back on.`, PATIENT_NAME, WAIT);

  // A microphone switch mid-call replaces the track the call sends, with no
  // new offer; the provider still hears the patient.
  const microphones = patient.getByRole('combobox', { name: 'Microphone' });
  const options = await microphones.locator('option').allTextContents();
  assert.ok(options.length >= 2, `the fake devices offer microphones to choose from (${options})`);
  await patient.getByRole('combobox', { name: 'Camera' }).waitFor(WAIT);
  const sent = () => patient.evaluate(() => {
    const pc = window.__peers.find((p) => p.connectionState !== 'closed');
    const audio = pc.getSenders().find((s) => s.track && s.track.kind === 'audio');
    return { label: audio.track.label, sdp: pc.localDescription.sdp, peers: window.__peers.length };
  });
  const before = await sent();
  await microphones.selectOption({ index: 1 });
  await patient.waitForFunction((label) => window.__peers.some((pc) => pc.getSenders()
    .some((s) => s.track && s.track.kind === 'audio' && s.track.label === label)), options[1], WAIT);
  const after = await sent();
  assert.notEqual(after.label, before.label);
  assert.equal(after.sdp, before.sdp, 'no renegotiation: the same local description');
  assert.equal(after.peers, before.peers, 'the same peer connection');
  assert.equal(await microphones.evaluate((el) => el.value), options[1]);
  await expectMovingMedia(providerPage, 'provider after the patient switched microphones');

  // The self view moves: a button steps it to the next corner, a drag takes it anywhere in the window.
  const selfView = () => patient.locator('video[data-slot=self]').boundingBox();
  const home = await selfView();
  await button(patient, 'Move your picture').press('Enter');
  await patient.waitForFunction(({ x, y }) => {
    const r = document.querySelector('video[data-slot=self]').getBoundingClientRect();
    return r.x !== x || r.y !== y;
  }, home, WAIT);
  const cornered = await selfView();
  // Towards the middle of the window, so nothing clamps the move.
  const viewport = patient.viewportSize();
  const dx = cornered.x < viewport.width / 2 ? 120 : -120;
  const dy = cornered.y < viewport.height / 2 ? 90 : -90;
  await patient.mouse.move(cornered.x + cornered.width / 2, cornered.y + cornered.height / 2);
  await patient.mouse.down();
  await patient.mouse.move(cornered.x + cornered.width / 2 + dx, cornered.y + cornered.height / 2 + dy, { steps: 6 });
  await patient.mouse.up();
  await patient.waitForFunction(({ x, y }) => {
    const r = document.querySelector('video[data-slot=self]').getBoundingClientRect();
    return Math.abs(r.x - x) < 2 && Math.abs(r.y - y) < 2;
  }, { x: cornered.x + dx, y: cornered.y + dy }, WAIT);
  await shot(patient, '07a-patient-call-moved-self-view');

  await button(providerPage, 'End visit').press('Enter');
  await heading(patient, 'Your visit has ended').waitFor(WAIT);
  await heading(providerPage, 'The visit has ended').waitFor(WAIT);
  assert.match(await patient.locator('#announcer').textContent(), /ended/);
  await shot(patient, '09-patient-ended');
  await shot(providerPage, '10-provider-ended');

  // The gateway saw none of the secrets, names or words.
  const fragment = link.split('#')[1];
  const log = gateway.output();
  for (const secret of [fragment, PATIENT_NAME, NOTE, clinic.password]) {
    assert.ok(!log.includes(secret), 'nothing the gateway printed contains a secret, name or note');
  }
  assert.deepEqual(patientProblems, [], 'no console errors or CSP violations on the patient page');
  // The one expected: Chromium logs the 401 of the page's "am I signed in?"
  // check on load, before the provider signed in.
  const unexpected = providerProblems.filter((p) => !/status of 401/.test(p));
  assert.ok(providerProblems.length - unexpected.length <= 1, 'one 401, from the check on load');
  assert.deepEqual(unexpected, [], 'no console errors or CSP violations on the provider page');
  await patient.context().close();
  await (await enabled(providerPage, 'Start another visit')).press('Enter');
  await heading(providerPage, 'Start a visit').waitFor(WAIT);
});

test('a provider who reloads the tab mid-wait keeps the visit and can still admit', async () => {
  const link = await createVisit();
  const { page: patient, problems } = await patientJoins(link, 'Rui Costa');
  await button(providerPage, 'Admit Rui Costa').waitFor(WAIT);

  // What survives the reload is sealed: no part of the link in clear in storage.
  const stored = await providerPage.evaluate(() => JSON.stringify({ ...sessionStorage, ...localStorage }));
  const [, fragment] = link.split('#');
  assert.ok(stored.length > 2, 'something is kept for the reload');
  assert.ok(!stored.includes(fragment) && !stored.includes(link.split('/v/')[1].split('#')[0]),
    'neither the fragment nor the visit id is stored in clear');

  await providerPage.reload();
  await heading(providerPage, 'Waiting room').waitFor(WAIT);
  assert.equal(await shownLink(providerPage), link, 'the same visit, the same link');
  await button(providerPage, 'Admit Rui Costa').waitFor(WAIT);
  await shot(providerPage, '13-provider-after-reload');
  await button(providerPage, 'Admit Rui Costa').press('Enter');
  const [providerCode, patientCode] = await Promise.all([safetyCode(providerPage), safetyCode(patient)]);
  assert.equal(providerCode, patientCode);

  await button(providerPage, 'End visit').press('Enter');
  await heading(patient, 'Your visit has ended').waitFor(WAIT);
  await heading(providerPage, 'The visit has ended').waitFor(WAIT);
  assert.equal(await providerPage.evaluate(() => sessionStorage.length), 0, 'the sealed visit is erased at the end');
  assert.deepEqual(problems, [], 'no console errors on the patient page');
  await patient.context().close();
  await (await enabled(providerPage, 'Start another visit')).press('Enter');
  await heading(providerPage, 'Start a visit').waitFor(WAIT);
});

test('an arrival is announced while the provider tab draws no frames, as in the background', async () => {
  await createVisit();
  const link = await shownLink(providerPage);
  // The provider asks for notifications with a button; the browser grants them.
  await providerPage.context().grantPermissions(['notifications'], { origin: gateway.url });
  await (await enabled(providerPage, 'Alert me when a patient arrives')).press('Enter');
  await providerPage.locator('#a11y-layer p', { hasText: /you will hear a chime and get a notification/ }).waitFor(WAIT);
  await button(providerPage, 'Alert me when a patient arrives').waitFor({ state: 'detached', ...WAIT });
  await shot(providerPage, '14-provider-alerts-on');
  await providerPage.evaluate(() => { window.__holdFrames = true; });
  const { page: patient } = await patientJoins(link, 'Lea Weber');
  // The visit runs on socket callbacks: the title, the live region and a
  // system notification (without the patient's name) come without a frame.
  await providerPage.waitForFunction(() => document.title === '(1) Tessera', null, WAIT);
  assert.match(await providerPage.locator('#announcer').textContent(), /patient is waiting/);
  await providerPage.waitForFunction(() => window.__notifications.length === 1, null, WAIT);
  const [notification] = await providerPage.evaluate(() => window.__notifications);
  assert.deepEqual(notification, { title: 'Tessera', body: 'A patient is waiting' });
  assert.equal(await button(providerPage, 'Admit Lea Weber').count(), 0, 'no frame was drawn meanwhile');
  await providerPage.evaluate(() => window.__releaseFrames());
  await button(providerPage, 'Admit Lea Weber').waitFor(WAIT);
  await button(providerPage, 'Deny Lea Weber').press('Enter');
  await heading(patient, 'You were not let in').waitFor(WAIT);
  await providerPage.waitForFunction(() => document.title === 'Tessera', null, WAIT);
  await button(providerPage, 'End visit').press('Enter');
  await heading(providerPage, 'The visit has ended').waitFor(WAIT);
  await patient.context().close();
  await (await enabled(providerPage, 'Start another visit')).press('Enter');
  await heading(providerPage, 'Start a visit').waitFor(WAIT);
});

test('a link whose secret was changed cannot join', async () => {
  const link = await createVisit();
  // Flip one character inside the link secret (fragment bytes 1..32).
  const [base, fragment] = link.split('#');
  const i = 10;
  const changed = fragment.slice(0, i) + (fragment[i] === 'A' ? 'B' : 'A') + fragment.slice(i + 1);
  const { page: patient, problems } = await patientJoins(`${base}#${changed}`, 'Mallory', 'You were not let in');
  assert.match(await patient.locator('#a11y-layer').innerText(), /link/i);
  await shot(patient, '11-patient-wrong-secret');
  assert.equal(await button(providerPage, 'Admit Mallory').count(), 0, 'the provider never sees the guest');
  assert.equal(await providerPage.locator('#a11y-layer').getByText('Mallory').count(), 0);
  assert.equal(await patient.locator('video[data-slot=remote]:not([hidden])').count(), 0, 'no media');
  assert.deepEqual(problems, [], 'no console errors on the refused page');
  await button(providerPage, 'End visit').press('Enter');
  await heading(providerPage, 'The visit has ended').waitFor(WAIT);
  await patient.context().close();
});

test('a patient link that is damaged says so before anything else', async () => {
  const page = await newPage();
  await page.goto(`${gateway.url}/v/AAAAAAAAAAAAAAAAAAAAAA#not-a-fragment`);
  await heading(page, 'This link does not work').waitFor(WAIT);
  assert.match(await page.locator('#a11y-layer').innerText(), /incomplete/);
  await shot(page, '12-patient-bad-link');
  await page.context().close();
});
