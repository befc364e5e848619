// A whole visit in headless Chromium, as a provider and a patient meet it:
// the real gateway (TLS on loopback, a provider account made with the
// gateway's own `account add`), two browser contexts with fake camera and
// microphone, every step through the accessible DOM layer by role and name.
//   provider signs in, creates a visit, copies the link
//   patient opens it, passes the device check, types a name, waits, gets a note
//   provider admits; both see moving remote video and hear audio; equal safety codes
//   provider ends the visit; the patient sees the end screen
// Also: a provider reloading mid-wait still admits; a link whose secret was
// changed never gets in; a damaged link says so.
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
const PATIENT_NAME = 'Ana Souza';
const NOTE = 'Running 5 minutes late, sorry';

let clinic;
let gateway;
let browser;
let providerPage;
let providerProblems;

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

async function createVisit() {
  await (await enabled(providerPage, 'Create a visit')).press('Enter');
  await heading(providerPage, 'Waiting room').waitFor(WAIT);
  return shownLink(providerPage);
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
  await signInProvider(providerPage, clinic);
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

  // Mute works through the layer and the button says what it will do next.
  await button(patient, 'Mute').press('Enter');
  await button(patient, 'Unmute').waitFor(WAIT);

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
  await providerPage.evaluate(() => { window.__holdFrames = true; });
  const { page: patient } = await patientJoins(link, 'Lea Weber');
  // The visit runs on socket callbacks: the title and the live region change without a frame.
  await providerPage.waitForFunction(() => document.title.startsWith('(1) '), null, WAIT);
  assert.match(await providerPage.locator('#announcer').textContent(), /patient is waiting/);
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
