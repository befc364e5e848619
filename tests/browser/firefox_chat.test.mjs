// Chat and a small file between Chromium and Firefox: the provider in
// headless Chromium (playwright-core), the patient in Debian's Firefox ESR
// (puppeteer-core over WebDriver BiDi), both through the accessible DOM and
// the chat panel.
//   messages both ways, with emoji and other scripts, delivered
//   the patient (Firefox) sends a small file; the provider accepts and saves it: the same bytes
//   the provider sends a picture; the patient (Firefox) accepts it and sees it previewed,
//     written to Firefox's private file system by the client's download writer
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
  WAIT, createVisit, downloadsOnDisk, launchBrowser, launchFirefox, makeClinic, openInFirefox, patientJoins, providerSignsIn,
  randomPng, requiredEnv, startClinicGateway,
} from './harness.mjs';

const webRoot = requiredEnv('TESSERA_WEB_ROOT');
const outDir = requiredEnv('TESSERA_TEST_OUT');
const PATIENT_NAME = 'Łucja Ngô';

let clinic;
let gateway;
let chromium;
let firefox;
let files;

before(async () => {
  files = mkdtempSync(path.join(tmpdir(), 'tessera-firefox-chat-'));
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
  if (files) rmSync(files, { recursive: true, force: true });
});

// In a page: the text of the chat entry holding text, or null.
function entryText(text) {
  const li = [...document.querySelectorAll('#chat-layer li')].find((e) => e.textContent.includes(text));
  return li ? li.textContent : null;
}

test('chat and a small file between a provider in Chromium and a patient in Firefox', async () => {
  const { provider } = await providerSignsIn(chromium, gateway, clinic, outDir);
  const link = await createVisit(provider);
  const { driver: patient, page } = await openInFirefox(firefox, link, outDir);
  await patientJoins(patient, PATIENT_NAME);
  await provider.press(`Admit ${PATIENT_NAME}`);
  await patient.heading('Chat');
  await provider.heading('Chat');

  const hello = 'Bonjour Łucja 👋 — 你好 — مرحبا';
  await provider.fill('Message', hello);
  await provider.press('Send');
  await patient.waitFor(entryText, hello);
  await provider.page.locator('#chat-layer li', { hasText: hello }).locator('.chat-state', { hasText: 'Delivered' }).waitFor(WAIT);

  const reply = 'Merci, ça va mieux 🙂';
  await patient.fill('Message', reply);
  await patient.press('Send');
  await provider.page.locator('#chat-layer li', { hasText: reply }).waitFor(WAIT);
  await patient.waitFor((t) => {
    const li = [...document.querySelectorAll('#chat-layer li')].find((e) => e.textContent.includes(t));
    return !!li && li.querySelector('.chat-state').textContent === 'Delivered';
  }, reply);

  // Firefox sends a small file; Chromium accepts and saves it.
  const bytes = randomBytes(200 * 1000);
  const list = path.join(files, 'medication list.txt');
  writeFileSync(list, bytes);
  const picker = await page.waitForSelector('#chat-layer input[type=file]', WAIT);
  await picker.uploadFile(list);
  await provider.page.getByRole('button', { name: 'Accept medication list.txt' }).click();
  const received = provider.page.locator('#chat-layer li', { hasText: 'medication list.txt' }).locator('.chat-file-status');
  await received.filter({ hasText: /^Received\.$/ }).waitFor({ timeout: 60000 });
  const [download] = await Promise.all([
    provider.page.waitForEvent('download', WAIT),
    provider.page.getByRole('link', { name: 'Save medication list.txt' }).click(),
  ]);
  const sha = (b) => createHash('sha256').update(b).digest('hex');
  assert.equal(sha(readFileSync(await download.path())), sha(bytes), 'the same bytes arrived');
  await patient.waitFor(entryText, 'Sent.');

  // Chromium sends a picture; Firefox accepts it and shows it.
  const png = randomPng(16);
  const picture = path.join(files, 'swelling.png');
  writeFileSync(picture, png);
  await provider.page.getByLabel('Send a file').setInputFiles(picture);
  const accept = await page.waitForSelector('::-p-aria([name="Accept swelling.png"][role="button"])', WAIT);
  await accept.click();
  await patient.waitFor(() => {
    const img = document.querySelector('#chat-layer img[alt="Picture: swelling.png"]');
    return !!img && img.complete && img.naturalWidth === 16;
  });
  assert.ok((await downloadsOnDisk(page)).includes(png.length), 'Firefox wrote it to its private file system');
  await patient.shot('firefox-chat-01-patient');
  await page.close();
});
