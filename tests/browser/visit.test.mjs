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
// that draws no frames (title count, live region, notification) and that guest,
// denied, never gets media; a link whose
// secret was changed never gets in; a damaged link says so.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  POLL, WAIT, announces, coloursShown, createVisit, expectMovingMedia, launchBrowser, makeClinic, openInChromium, otherSideSeesMuteAndCamera,
  patientJoins, providerSignsIn, requiredEnv, safetyCode, shownLink, startClinicGateway, switchesMicrophone,
} from './harness.mjs';

const webRoot = requiredEnv('TESSERA_WEB_ROOT');
const outDir = requiredEnv('TESSERA_TEST_OUT');
const PATIENT_NAME = 'Ana Souza';
const NOTE = 'Running 5 minutes late, sorry';

let clinic;
let gateway;
let browser;
let provider;
let providerPage;
let providerProblems;

const button = (page, name) => page.getByRole('button', { name, exact: true });

// A patient opens the link in a fresh context and goes as far as arrival.
async function patientJoinsAt(link, name, arrival) {
  const { driver: patient, page, problems } = await openInChromium(browser, link, outDir);
  const shots = name === PATIENT_NAME ? { deviceCheck: 'visit-03a-patient-device-check', name: 'visit-03b-patient-name' } : {};
  await patientJoins(patient, name, { arrival, shots });
  return { patient, page, problems };
}

before(async () => {
  clinic = makeClinic();
  gateway = await startClinicGateway(webRoot, clinic);
  assert.match(gateway.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  browser = await launchBrowser({ extraArgs: ['--autoplay-policy=no-user-gesture-required'] });
  ({ provider, problems: providerProblems } = await providerSignsIn(browser, gateway, clinic, outDir,
    { signIn: 'visit-01-provider-sign-in', start: 'visit-02-provider-start' }));
  providerPage = provider.page;
});

after(async () => {
  await browser?.close();
  await gateway?.stop();
  clinic?.remove();
});

test('a provider and a patient hold a whole visit with moving video, audio and equal safety codes', async () => {
  const link = await createVisit(provider);
  assert.match(link, /^https:\/\/127\.0\.0\.1:\d+\/v\/[A-Za-z0-9_-]{22}#[A-Za-z0-9_-]{87}$/);
  // The link's QR code, drawn by the page beside the copy button: a square with a name.
  const qr = providerPage.getByRole('img', { name: 'QR code of the patient link' });
  await qr.waitFor(WAIT);
  const qrBox = await qr.boundingBox();
  assert.ok(qrBox.width >= 100 && Math.abs(qrBox.width - qrBox.height) < 1, `a square QR code (${qrBox.width}x${qrBox.height})`);
  await provider.shot('visit-03-provider-waiting-room-empty');
  // Before the browser was asked, the waiting room offers the alerts.
  await button(providerPage, 'Alert me when a patient arrives').waitFor(WAIT);

  const { patient: patientDriver, page: patient, problems: patientProblems } = await patientJoinsAt(link, PATIENT_NAME);
  await patientDriver.shot('visit-04-patient-waiting');

  // The provider's tab learns of the arrival: a button to admit, a count in the title.
  await button(providerPage, `Admit ${PATIENT_NAME}`).waitFor(WAIT);
  assert.match(await providerPage.title(), /^\(1\) /);
  await providerPage.getByRole('textbox', { name: `Note for ${PATIENT_NAME}` }).fill(NOTE);
  await provider.press(`Send note to ${PATIENT_NAME}`);
  await patient.locator('#a11y-layer p', { hasText: NOTE }).waitFor(WAIT);
  await announces(patientDriver, /message from your care team/i);
  await patientDriver.shot('visit-05-patient-note');
  await provider.shot('visit-06-provider-waiting-room');

  await button(providerPage, `Admit ${PATIENT_NAME}`).press('Enter');
  await provider.heading(`Visit with ${PATIENT_NAME}`);
  await patient.getByRole('heading', { name: 'Your visit' }).waitFor(WAIT);

  const [providerCode, patientCode] = await Promise.all([safetyCode(provider), safetyCode(patientDriver)]);
  assert.equal(providerCode, patientCode, 'both sides show the same safety code');
  await patient.getByText(/Read this code aloud/).first().waitFor(WAIT);

  await Promise.all([expectMovingMedia(provider, 'provider'), expectMovingMedia(patientDriver, 'patient')]);
  await patient.locator('#a11y-layer p', { hasText: 'Connected.' }).waitFor(WAIT);
  // The connection indicator, from getStats(), in plain words: on loopback, direct and not poor.
  for (const page of [patient, providerPage]) {
    await page.locator('#a11y-layer p', { hasText: /^Connection: (good \(direct\)|fair)\./ }).waitFor(WAIT);
  }
  await patientDriver.shot('visit-07-patient-call');
  await provider.shot('visit-08-provider-call');
  // The screen, not only the layer, shows the call's buttons under the remote
  // video: Chromium culled a band of the canvas there, below an opaque <video>
  // laid over it (issue 11), until the canvas was drawn upside down and
  // flipped back by the page.
  for (const page of [patient, providerPage]) {
    for (const name of ['Mute', 'Turn camera off', 'Move your picture']) {
      assert.ok(await coloursShown(page, button(page, name)) > 1, `the "${name}" button is drawn on the screen`);
    }
  }
  // In the call no page keeps an audio context running (the microphone
  // meter's closes after the device check, the chime's is suspended between
  // chimes): a running one costs the browser's audio service CPU all along.
  for (const page of [patient, providerPage]) {
    await page.waitForFunction(() => window.__audioContexts.length > 0 &&
      window.__audioContexts.every((c) => c.state !== 'running'), null, WAIT);
  }

  // Mute and camera off work through the layer, the buttons say what they
  // will do next, and the provider's screen and live region say so in words.
  await otherSideSeesMuteAndCamera(patientDriver, provider, PATIENT_NAME, 'visit-08a-provider-sees-patient-muted');
  await switchesMicrophone(patientDriver, provider, 'patient');

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
  await patientDriver.shot('visit-07a-patient-call-moved-self-view');

  await button(providerPage, 'End visit').press('Enter');
  await patient.getByRole('heading', { name: 'Your visit has ended' }).waitFor(WAIT);
  await provider.heading('The visit has ended');
  await announces(patientDriver, /ended/);
  await patientDriver.shot('visit-09-patient-ended');
  await provider.shot('visit-10-provider-ended');

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
  await provider.press('Start another visit');
  await provider.heading('Start a visit');
});

test('a provider who reloads the tab mid-wait keeps the visit and can still admit', async () => {
  const link = await createVisit(provider);
  const { patient: patientDriver, page: patient, problems } = await patientJoinsAt(link, 'Rui Costa');
  await button(providerPage, 'Admit Rui Costa').waitFor(WAIT);

  // What survives the reload is sealed: no part of the link in clear in storage.
  const stored = await providerPage.evaluate(() => JSON.stringify({ ...sessionStorage, ...localStorage }));
  const [, fragment] = link.split('#');
  assert.ok(stored.length > 2, 'something is kept for the reload');
  assert.ok(!stored.includes(fragment) && !stored.includes(link.split('/v/')[1].split('#')[0]),
    'neither the fragment nor the visit id is stored in clear');

  await providerPage.reload();
  await provider.heading('Waiting room');
  assert.equal(await shownLink(provider), link, 'the same visit, the same link');
  await button(providerPage, 'Admit Rui Costa').waitFor(WAIT);
  await provider.shot('visit-13-provider-after-reload');
  await button(providerPage, 'Admit Rui Costa').press('Enter');
  const [providerCode, patientCode] = await Promise.all([safetyCode(provider), safetyCode(patientDriver)]);
  assert.equal(providerCode, patientCode);

  await button(providerPage, 'End visit').press('Enter');
  await patient.getByRole('heading', { name: 'Your visit has ended' }).waitFor(WAIT);
  await provider.heading('The visit has ended');
  assert.equal(await providerPage.evaluate(() => sessionStorage.length), 0, 'the sealed visit is erased at the end');
  assert.deepEqual(problems, [], 'no console errors on the patient page');
  await patient.context().close();
  await provider.press('Start another visit');
  await provider.heading('Start a visit');
});

test('an arrival is announced while the provider tab draws no frames, as in the background', async (t) => {
  // The provider has allowed notifications (the browser's permission): the
  // waiting room says what will alert them and offers no "Alert me" button.
  await providerPage.context().grantPermissions(['notifications'], { origin: gateway.url });
  await createVisit(provider);
  const link = await shownLink(provider);
  await providerPage.locator('#a11y-layer p', { hasText: /you will hear a chime and get a notification/ }).waitFor(WAIT);
  assert.equal(await button(providerPage, 'Alert me when a patient arrives').count(), 0);
  await provider.shot('visit-14-provider-alerts-on');
  const tonesBefore = await providerPage.evaluate(() => window.__tones);
  await providerPage.evaluate(() => { window.__holdFrames = true; });
  // Should a step fail, the next tests still get a provider tab that draws.
  t.after(() => providerPage.evaluate(() => window.__releaseFrames()));
  const { page: patient } = await patientJoinsAt(link, 'Lea Weber');
  // The visit runs on socket callbacks: the title, the live region and a
  // system notification (without the patient's name) come without a frame.
  await providerPage.waitForFunction(() => document.title === '(1) Tessera', null, POLL);
  await announces(provider, /patient is waiting/);
  await providerPage.waitForFunction(() => window.__notifications.length === 1, null, POLL);
  const [notification] = await providerPage.evaluate(() => window.__notifications);
  assert.deepEqual(notification, { title: 'Tessera', body: 'A patient is waiting' });
  // And the chime: two tones from the audio context the Create a visit press unlocked.
  await providerPage.waitForFunction((before) => window.__tones === before + 2, tonesBefore, POLL);
  assert.equal(await button(providerPage, 'Admit Lea Weber').count(), 0, 'no frame was drawn meanwhile');
  await providerPage.evaluate(() => window.__releaseFrames());
  await button(providerPage, 'Admit Lea Weber').waitFor(WAIT);
  // A guest never admitted never gets media: no connected peer, no remote video, on either side.
  const noMedia = () => ({
    connected: window.__peers.filter((pc) => pc.connectionState === 'connected').length,
    remoteShown: document.querySelectorAll('video[data-slot=remote]:not([hidden])').length,
  });
  assert.deepEqual(await patient.evaluate(noMedia), { connected: 0, remoteShown: 0 }, 'the waiting guest has no media');
  await button(providerPage, 'Deny Lea Weber').press('Enter');
  await patient.getByRole('heading', { name: 'You were not let in' }).waitFor(WAIT);
  assert.deepEqual(await patient.evaluate(noMedia), { connected: 0, remoteShown: 0 }, 'the denied guest has no media');
  assert.deepEqual(await providerPage.evaluate(noMedia), { connected: 0, remoteShown: 0 }, 'the provider got none from them');
  await providerPage.waitForFunction(() => document.title === 'Tessera', null, WAIT);
  await button(providerPage, 'End visit').press('Enter');
  await provider.heading('The visit has ended');
  await patient.context().close();
  await provider.press('Start another visit');
  await provider.heading('Start a visit');
});

test('a link whose secret was changed cannot join', async () => {
  const link = await createVisit(provider);
  // Flip one character inside the link secret (fragment bytes 1..32).
  const [base, fragment] = link.split('#');
  const i = 10;
  const changed = fragment.slice(0, i) + (fragment[i] === 'A' ? 'B' : 'A') + fragment.slice(i + 1);
  const { patient: patientDriver, page: patient, problems } = await patientJoinsAt(`${base}#${changed}`, 'Mallory', 'You were not let in');
  assert.match(await patient.locator('#a11y-layer').innerText(), /link/i);
  await patientDriver.shot('visit-11-patient-wrong-secret');
  assert.equal(await button(providerPage, 'Admit Mallory').count(), 0, 'the provider never sees the guest');
  assert.equal(await providerPage.locator('#a11y-layer').getByText('Mallory').count(), 0);
  assert.equal(await patient.locator('video[data-slot=remote]:not([hidden])').count(), 0, 'no media');
  assert.deepEqual(problems, [], 'no console errors on the refused page');
  await button(providerPage, 'End visit').press('Enter');
  await provider.heading('The visit has ended');
  await patient.context().close();
});

test('a patient link that is damaged says so before anything else', async () => {
  const { driver: patient, context } = await openInChromium(browser, `${gateway.url}/v/AAAAAAAAAAAAAAAAAAAAAA#not-a-fragment`, outDir);
  await patient.heading('This link does not work');
  assert.match(await patient.page.locator('#a11y-layer').innerText(), /incomplete/);
  await patient.shot('visit-12-patient-bad-link');
  await context.close();
});
