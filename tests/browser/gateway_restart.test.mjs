// The gateway dies mid-call (SIGKILL: no close frames) and comes back on the
// same port with the same data directory, both sides in headless Chromium.
//   while it is down: both pages say they are reconnecting, in the layer and
//   the live region, and remote video and audio keep moving (peer to peer)
//   once it is back: it has forgotten the room and the resume secrets (they
//   live in its memory), so each side's resume is refused; the call goes on
//   without it and both pages say so plainly, back to "Connected."
//   the provider still ends the visit (over HTTP: the visit is in the store)
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  announces, createVisit, expectMovingMedia, launchBrowser, makeClinic, openInChromium, paragraphs, patientJoins,
  providerSignsIn, requiredEnv, safetyCode, startClinicGateway, until,
} from './harness.mjs';

const webRoot = requiredEnv('TESSERA_WEB_ROOT');
const outDir = requiredEnv('TESSERA_TEST_OUT');
const PATIENT_NAME = 'Olu Adeyemi';

let clinic;
let gateway;
let browser;

before(async () => {
  clinic = makeClinic();
  gateway = await startClinicGateway(webRoot, clinic);
  browser = await launchBrowser({ extraArgs: ['--autoplay-policy=no-user-gesture-required'] });
});

after(async () => {
  await browser?.close();
  await gateway?.stop();
  clinic?.remove();
});

const says = async (driver, pattern) => (await paragraphs(driver)).some((p) => pattern.test(p));

test('a call goes on while the gateway is killed and restarted, and both pages say what is happening', async () => {
  const { provider, problems: providerProblems } = await providerSignsIn(browser, gateway, clinic, outDir);
  const link = await createVisit(provider);
  const { driver: patient, context, problems: patientProblems } = await openInChromium(browser, link, outDir);
  await patientJoins(patient, PATIENT_NAME);
  await provider.press(`Admit ${PATIENT_NAME}`);
  const [providerCode, patientCode] = await Promise.all([safetyCode(provider), safetyCode(patient)]);
  assert.equal(providerCode, patientCode);
  await Promise.all([expectMovingMedia(provider, 'provider'), expectMovingMedia(patient, 'patient')]);
  await until(async () => await says(patient, /^Connected\.$/) && await says(provider, /^Connected\.$/),
    'both sides "Connected."');

  await gateway.kill();
  for (const [who, side] of [['patient', patient], ['provider', provider]]) {
    await until(() => says(side, /Reconnecting/), `${who}: "Reconnecting" in the layer`);
  }
  await announces(patient, /Reconnecting/);
  await announces(provider, /Reconnecting/);
  await patient.shot('restart-01-patient-reconnecting');
  await provider.shot('restart-02-provider-reconnecting');
  // The gateway is down all this while: media is peer to peer.
  await Promise.all([expectMovingMedia(provider, 'provider, gateway down'),
    expectMovingMedia(patient, 'patient, gateway down')]);
  assert.ok(await says(patient, /Reconnecting/) && await says(provider, /Reconnecting/), 'still reconnecting');

  gateway = await startClinicGateway(webRoot, clinic, new URL(gateway.url).port);
  const restarted = /^Connected\. The clinic's server restarted: the call goes on/;
  for (const [who, side] of [['patient', patient], ['provider', provider]]) {
    // Reconnects back off up to 15 s between tries.
    await until(() => says(side, restarted), `${who}: back in the call, told the server restarted`, { timeout: 45000 });
    assert.ok(!await says(side, /Reconnecting/), `${who}: no longer reconnecting`);
  }
  await announces(patient, /server restarted\. (Your|The) call goes on/);
  await announces(provider, /server restarted\. The call goes on/);
  assert.equal(await safetyCode(patient), patientCode, 'the same call: the same safety code');
  await Promise.all([expectMovingMedia(provider, 'provider, after restart'),
    expectMovingMedia(patient, 'patient, after restart')]);
  await patient.shot('restart-03-patient-call-goes-on');
  await provider.shot('restart-04-provider-call-goes-on');

  // The provider ends the visit: the restarted gateway records it (the store
  // kept the visit and the provider's sign-in).
  const visitId = new URL(link).pathname.split('/')[2];
  await provider.press('End visit');
  await provider.heading('The visit has ended');
  const stateOf = () => provider.evaluate(async (id) => {
    const visits = await (await fetch('/api/visits', { credentials: 'same-origin' })).json();
    return (visits.find((v) => v.visit === id) || {}).state;
  }, visitId);
  await until(async () => (await stateOf()) === 'ended', 'the visit is recorded as ended');

  assert.deepEqual(patientProblems.filter((p) => !/WebSocket/.test(p)), [], 'no console errors but the failed reconnects');
  assert.deepEqual(providerProblems.filter((p) => !/status of 401|WebSocket/.test(p)), [],
    'no console errors but the failed reconnects and the 401 of the check on load');
  await context.close();
});
