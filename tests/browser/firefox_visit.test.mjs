// The whole visit once more with the patient in Firefox: Debian's Firefox
// ESR driven by puppeteer-core over WebDriver BiDi, fake camera and
// microphone; the provider stays in Chromium (playwright-core). Both drive
// the UI through the accessible DOM layer by role and name, with the same
// steps as visit.test.mjs (harness.mjs).
//   patient (Firefox) opens the link, passes the device check, names itself, waits
//   provider (Chromium) admits; both see moving remote video and hear audio;
//   equal safety codes; the patient mutes and turns the camera off and the provider
//   sees it; the provider switches microphone and the patient still hears;
//   the provider ends the visit and the patient sees the end
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  createVisit, expectMovingMedia, launchBrowser, launchFirefox, makeClinic, openInFirefox,
  otherSideSeesMuteAndCamera, paragraphs, patientJoins, providerSignsIn, requiredEnv, safetyCode,
  startClinicGateway, switchesMicrophone, until,
} from './harness.mjs';

const webRoot = requiredEnv('TESSERA_WEB_ROOT');
const outDir = requiredEnv('TESSERA_TEST_OUT');
const PATIENT_NAME = 'Ines Moreau';

let clinic;
let gateway;
let chromium;
let firefox;

before(async () => {
  clinic = makeClinic();
  gateway = await startClinicGateway(webRoot, clinic);
  chromium = await launchBrowser({ extraArgs: ['--autoplay-policy=no-user-gesture-required'] });
  firefox = await launchFirefox();
});

after(async () => {
  await firefox?.close();
  await chromium?.close();
  await gateway?.stop();
  clinic?.remove();
});

test('a patient in Firefox holds a whole visit with a provider in Chromium: moving video, audio, equal codes', async () => {
  const { provider, problems: providerProblems } = await providerSignsIn(chromium, gateway, clinic, outDir);
  const link = await createVisit(provider);

  const { driver: patient, page, problems: patientProblems } = await openInFirefox(firefox, link, outDir);
  await patientJoins(patient, PATIENT_NAME,
    { shots: { deviceCheck: 'firefox-01-patient-device-check', name: 'firefox-02-patient-name' } });
  await patient.shot('firefox-03-patient-waiting');

  await provider.press(`Admit ${PATIENT_NAME}`);
  await provider.heading(`Visit with ${PATIENT_NAME}`);
  await patient.heading('Your visit');

  const [providerCode, patientCode] = await Promise.all([safetyCode(provider), safetyCode(patient)]);
  assert.equal(providerCode, patientCode, 'both sides show the same safety code');

  const [fromPatient, fromProvider] = await Promise.all([
    expectMovingMedia(provider, 'provider (Chromium)'), expectMovingMedia(patient, 'patient (Firefox)')]);
  assert.ok(fromPatient.width > 0 && fromProvider.width > 0, 'both remote videos have a size');
  await until(async () => (await paragraphs(patient)).includes('Connected.'), 'the patient sees "Connected."');
  await patient.shot('firefox-04-patient-call');
  await provider.shot('firefox-05-provider-call');

  // Firefox's mute and camera off reach Chromium in words; Chromium's
  // microphone switch (replaceTrack) reaches Firefox.
  await otherSideSeesMuteAndCamera(patient, provider, PATIENT_NAME, 'firefox-05a-provider-sees-patient-muted');
  await switchesMicrophone(provider, patient, 'provider (Chromium)');

  await provider.press('End visit');
  await patient.heading('Your visit has ended');
  await provider.heading('The visit has ended');
  await patient.shot('firefox-06-patient-ended');

  assert.deepEqual(patientProblems, [], 'no console errors or CSP violations on the Firefox patient page');
  const unexpected = providerProblems.filter((p) => !/status of 401/.test(p));
  assert.deepEqual(unexpected, [], 'no console errors on the provider page but the 401 of the check on load');
  await page.close();
});
