// Ephemeral shares in headless Chromium, end to end (issue 13): a provider
// writes a note or picks a file, gets a link with its QR code, and a patient
// in another browser context presses Open. Parked shares wait sealed on the
// gateway; live ones stay in the provider's tab and travel over a data
// channel to each opener. Checked like a user and like an auditor: a link
// previewer's fetch uses nothing up, a one-time share opens once, a wrong
// fragment opens nothing, a destroyed share is gone (and a live one whose
// tab closed), a parked share opens while its provider is signed out, a
// file arrives byte-identical, a live share's call asks for no camera, and
// nothing the gateway stored or printed, and nothing either page sent
// (harness recordSends and LeakWatch), holds the note's text or any 32-byte
// run of the file.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';

import {
  LeakWatch, launchBrowser, makeClinic, openInChromium, paragraphs, providerSignsIn, randomPng, recordSends,
  requiredEnv, shownLink, startClinicGateway, until,
} from './harness.mjs';

const webRoot = requiredEnv('TESSERA_WEB_ROOT');
const outDir = requiredEnv('TESSERA_TEST_OUT');
const NOTE = 'After the procedure: no driving for 24 hours. Take 400 mg ibuprofen every 6 hours if needed.';

let clinic;
let gateway;
let browser;

// ---- helpers of this file

// An init script: how often the page asked for a camera or microphone.
function countMediaRequests() {
  window.__mediaRequests = 0;
  const devices = navigator.mediaDevices;
  if (!devices || !devices.getUserMedia) return;
  const ask = devices.getUserMedia.bind(devices);
  devices.getUserMedia = (constraints) => {
    window.__mediaRequests += 1;
    return ask(constraints);
  };
}

// openInChromium's set-up for a page whose every send (fetch, WebSocket,
// data channel) goes to watch, and whose media requests are counted.
const watched = (watch) => ({ initScripts: [recordSends, countMediaRequests], beforeGoto: watch.expose() });

// The gateway's SQLite file (and its WAL), as bytes.
function storedBytes() {
  const args = clinic.gatewayArgs('https://x');
  const data = args[args.indexOf('--data') + 1];
  return Buffer.concat(['', '-wal'].map((suffix) => {
    try { return readFileSync(data + suffix); } catch { return Buffer.alloc(0); }
  }));
}

// Whether any 32-byte run of needle occurs in haystack.
function containsAnyRun(haystack, needle) {
  for (let at = 0; at + 32 <= needle.length; at += 32) {
    if (haystack.includes(needle.subarray(at, at + 32))) return true;
  }
  return false;
}

const says = async (driver, start) => (await paragraphs(driver)).some((p) => p.startsWith(start));

// The provider's form: what to share, how long, how often, where it is kept
// (keep: 'live', the form's default, or 'parked'; always chosen here); then the link.
async function createShare(provider, { note, file, opens = 'Once', keep }) {
  assert.ok(keep === 'live' || keep === 'parked', 'each test says where its share is kept');
  const page = provider.page;
  await provider.heading('Share a note or file');
  await page.getByRole('combobox', { name: 'What to share' }).selectOption({ label: note ? 'A note' : 'A file' });
  if (note) {
    await page.getByRole('textbox', { name: 'Note' }).fill(note);
  } else {
    const chooser = page.waitForEvent('filechooser');
    await provider.press('Choose a file');
    await (await chooser).setFiles(file);
    await until(() => says(provider, `${file.name} (`), 'the picked file is shown');
  }
  await page.getByRole('combobox', { name: 'It may be opened' }).selectOption({ label: opens });
  await provider.choose('Keep the content', keep === 'live' ? 0 : 1);
  await provider.press('Create link');
  await provider.heading('Your link');
  const link = await shownLink(provider);
  assert.match(link, /^https:\/\/127\.0\.0\.1:\d+\/s\/[A-Za-z0-9_-]{22}#[A-Za-z0-9_-]{87}$/);
  assert.equal(await page.getByRole('img', { name: 'QR code of the share link' }).count(), 1);
  return link;
}

// What the page says of a file's size (wasm/widgets.cpp size_words).
const sizeWords = (n) => (n < 1024 * 1024 ? `${Math.floor((n + 512) / 1024)} KB`
  : `${(Math.floor((n * 10 + 512 * 1024) / (1024 * 1024)) / 10).toFixed(1)} MB`);

// The opener sees the shared PNG described and previewed, and saves it: byte-identical.
async function savesFile(patient, name, bytes, shot) {
  await patient.driver.heading('From dr-lee');
  await until(() => says(patient.driver, `${name} (${sizeWords(bytes.length)}, image/png)`), 'the file is described');
  await patient.page.getByRole('img', { name: `Preview of ${name}` }).waitFor();
  await patient.page.locator('#video-layer img.share-preview:not([hidden])').waitFor();
  if (shot) await patient.driver.shot(shot);
  const download = patient.page.waitForEvent('download');
  await patient.driver.press(`Save ${name}`);
  const saved = await download;
  assert.equal(saved.suggestedFilename(), name);
  assert.ok(readFileSync(await saved.path()).equals(bytes), 'the saved file is byte-identical');
}

// A patient on the link in a fresh context (its sends going to watch), pressing Open.
async function patientOpens(link, watch, { press = true } = {}) {
  const { initScripts, beforeGoto } = watched(watch);
  const opened = await openInChromium(browser, link, outDir, initScripts, beforeGoto);
  await opened.driver.heading('Something was shared with you');
  if (press) await opened.driver.press('Open');
  return opened;
}

before(async () => {
  clinic = makeClinic();
  gateway = await startClinicGateway(webRoot, clinic);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await gateway?.stop();
  clinic?.remove();
});

test('a parked one-time note: a previewer uses nothing up, the patient reads it once, a wrong fragment opens nothing',
  async () => {
    const watch = new LeakWatch();
    watch.secretText('no driving for 24 hours');
    const { provider } = await providerSignsIn(browser, gateway, clinic, outDir, {}, watched(watch));
    await provider.press('Share a note or file');
    await provider.shot('shares-01-form');
    const link = await createShare(provider, { note: NOTE, keep: 'parked' });
    await provider.shot('shares-02-link');

    // A chat app's link previewer fetches the page (and a browser even loads it) without a person.
    const preview = await provider.page.context().request.get(link.split('#')[0]);
    assert.equal(preview.status(), 200);
    const idle = await patientOpens(link, watch, { press: false });
    await idle.context.close();
    await until(() => says(provider, 'Note: After the procedure'), 'the share is listed');
    assert.ok((await paragraphs(provider)).some((p) => p.startsWith('Note: After the procedure')
      && p.includes('Parked. Waiting: not opened yet.')), 'still unopened after the previewer');

    // A wrong fragment (the secret changed, the form intact) opens nothing, and uses nothing up.
    const [base, fragment] = link.split('#');
    const bent = fragment.slice(0, 10) + (fragment[10] === 'A' ? 'B' : 'A') + fragment.slice(11);
    const wrong = await patientOpens(`${base}#${bent}`, watch);
    await wrong.driver.heading('This share cannot be opened');
    assert.ok(await says(wrong.driver, 'This link is incomplete or was changed'));
    await wrong.context.close();
    const cut = await openInChromium(browser, `${base}#${fragment.slice(0, 40)}`, outDir);
    await cut.driver.heading('This link does not work');
    await cut.context.close();

    // The patient opens it: the provider's name and the note, from the sealed content.
    const patient = await patientOpens(link, watch);
    await patient.driver.heading('From dr-lee');
    await until(() => says(patient.driver, NOTE), 'the note is shown');
    await patient.driver.shot('shares-03-note-opened');
    // A second open is refused by the gateway: used up.
    const again = await patientOpens(link, watch);
    await again.driver.heading('This share cannot be opened');
    assert.ok(await says(again.driver, 'This share was already opened as many times as allowed'));
    await again.driver.shot('shares-04-used-up');
    await again.context.close();

    // The provider's list says so.
    await provider.press('Back to visits');
    await provider.press('Share a note or file');
    await until(async () => (await paragraphs(provider)).some((p) => p.startsWith('Note: After the procedure')
      && p.includes('Used up: opened 1 time')), 'the list says the note was used up');

    // The note's text never left either page in the clear, nor reached the gateway's file or output.
    assert.deepEqual(watch.scan(), [], 'no page sent the note in the clear');
    assert.ok(watch.counts.fetch > 0, 'the pages\' requests were seen');
    assert.ok(!storedBytes().includes(Buffer.from('no driving for 24 hours')), 'the database never held the note');
    assert.ok(!gateway.output().includes('no driving'), 'the gateway printed nothing of it');
    assert.ok(!gateway.output().includes(fragment), 'nor the fragment');
    await patient.context.close();
    await provider.page.context().close();
  });

test('a parked file opens while its provider is signed out, byte-identical and previewed; destroyed, it is gone from '
  + 'the database file', async () => {
  const { provider } = await providerSignsIn(browser, gateway, clinic, outDir);
  await provider.press('Share a note or file');
  // A real PNG (the test's own screenshot) and random bytes: no 32-byte run of either may be stored.
  const png = await provider.page.screenshot();
  const link = await createShare(provider, { file: { name: 'wound.png', mimeType: 'image/png', buffer: png },
    opens: '3 times', keep: 'parked' });
  assert.ok(!containsAnyRun(storedBytes(), png), 'the gateway holds only the sealed file');

  await provider.press('Back to visits');
  await provider.press('Sign out');
  await provider.heading('Sign in to Tessera');

  const watch = new LeakWatch();
  watch.file(png);
  const patient = await patientOpens(link, watch, { press: false });
  // What the gateway handed over: the sealed bytes, to look for in its file later.
  const answered = patient.page.waitForResponse((r) => r.url().endsWith('/open'));
  await patient.driver.press('Open');
  const sealed = Buffer.from((await (await answered).json()).sealed, 'base64url');
  assert.ok(png.length > 4096, 'a picture of some size');
  await savesFile(patient, 'wound.png', png, 'shares-05-file-opened');
  assert.deepEqual(watch.scan(), [], 'the opener sent nothing of the file');
  await patient.context.close();

  // Signed in again, the provider destroys it: the link says it is gone, and the file no longer holds it.
  const again = await providerSignsIn(browser, gateway, clinic, outDir);
  await again.provider.press('Share a note or file');
  await until(() => says(again.provider, 'Share '), 'the share is listed (its label stayed in the other tab)');
  assert.ok(containsAnyRun(storedBytes(), sealed), 'before: the sealed file is in the database');
  const destroy = await again.provider.page.evaluate(() =>
    [...document.querySelectorAll('#a11y-layer button')].map((b) => b.textContent).find((t) => t.startsWith('Destroy ')));
  await again.provider.press(destroy);
  await until(async () => (await paragraphs(again.provider)).some((p) => p.includes('Destroyed')), 'destroyed');
  const gone = await patientOpens(link, watch);
  await gone.driver.heading('This share cannot be opened');
  assert.ok(await says(gone.driver, 'This share is gone'));
  await gone.context.close();
  assert.ok(!containsAnyRun(storedBytes(), sealed), 'after: no 32-byte run of its ciphertext in the file or WAL');
  assert.ok(!containsAnyRun(storedBytes(), png), 'and never anything of the file itself');
  await again.provider.page.context().close();
});

// ---- live shares: the content stays in the provider's tab and travels to each opener over a data channel.

// A live share's call: data channels only, on both pages; no camera or microphone asked for.
async function callHadNoMedia(driver) {
  const seen = await driver.evaluate(() => ({
    asked: window.__mediaRequests,
    peers: window.__peers.length,
    transceivers: window.__peers.reduce((n, pc) => n + pc.getTransceivers().length, 0),
    labels: [...window.__channels].map((c) => c.label),
  }));
  assert.equal(seen.asked, 0, 'no camera or microphone was asked for');
  assert.ok(seen.peers > 0, 'a call was made');
  assert.equal(seen.transceivers, 0, 'no audio or video on the call');
  return seen.labels;
}

test('a live one-time note goes from the provider\'s tab to the opener\'s page, then is used up', async () => {
  const note = 'Live: bring your glucose log on Monday, and fast from midnight.';
  const watch = new LeakWatch();
  watch.secretText('glucose log on Monday');
  const { provider } = await providerSignsIn(browser, gateway, clinic, outDir, {}, watched(watch));
  await provider.press('Share a note or file');
  await until(() => says(provider, 'Live: the content stays in this tab'), 'live as the form\'s default');
  const link = await createShare(provider, { note, keep: 'live' });

  const patient = await patientOpens(link, watch);
  await patient.driver.heading('From dr-lee');
  await until(() => says(patient.driver, note), 'the note is shown');
  await patient.driver.shot('shares-06-live-note-opened');
  // The provider's tab sent it on its own channel; the opener sent nothing back on it.
  assert.deepEqual(await callHadNoMedia(provider), ['tessera-share']);
  assert.deepEqual(await callHadNoMedia(patient.driver), []);

  // Opened once: the gateway refuses the next open, and the provider's list says so.
  const again = await patientOpens(link, watch);
  await again.driver.heading('This share cannot be opened');
  assert.ok(await says(again.driver, 'This share was already opened as many times as allowed'));
  await again.context.close();
  await provider.press('Share something else');
  await until(async () => (await paragraphs(provider)).some((p) => p.startsWith('Note: Live: bring your glucose log')
    && p.includes('Live. Used up: opened 1 time')), 'the list says the live note was used up');

  assert.deepEqual(watch.scan(), [], 'no page sent the note in the clear');
  assert.ok(watch.counts['RTCDataChannel.send'] > 0, 'the sealed note went over the data channel');
  assert.ok(!storedBytes().includes(Buffer.from('glucose log')), 'the database never held the note');
  assert.ok(!gateway.output().includes('glucose'), 'the gateway printed nothing of it');
  await patient.context.close();
  await provider.page.context().close();
});

test('a live file arrives byte-identical at each opener; destroyed, or its tab closed, the link says it is gone',
  async () => {
    const watch = new LeakWatch();
    // Random pixels over 1 MiB: its sealed bytes (a 2 MiB bucket) pass the channel's high water.
    const png = randomPng(600);
    watch.file(png);
    const { provider } = await providerSignsIn(browser, gateway, clinic, outDir, {}, watched(watch));
    await provider.press('Share a note or file');
    const link = await createShare(provider, { file: { name: 'scan.png', mimeType: 'image/png', buffer: png },
      opens: '3 times', keep: 'live' });

    // Two openers one after the other: the provider's tab lets in the next once the first has it.
    for (const shot of ['shares-07-live-file-opened', null]) {
      const patient = await patientOpens(link, watch);
      await savesFile(patient, 'scan.png', png, shot);
      await patient.context.close();
    }
    await provider.press('Share something else');
    await until(async () => (await paragraphs(provider)).some((p) => p.startsWith('File: scan.png. Live.')
      && p.includes('Opened 2 times of 3')), 'the list says the live file was opened twice');
    assert.deepEqual(watch.scan(), [], 'nothing of the file left either page unsealed');
    assert.ok(watch.bytes['RTCDataChannel.send'] > 2 * png.length, 'the file went twice, over the data channel');
    assert.ok(!containsAnyRun(storedBytes(), png), 'the gateway\'s file holds nothing of it');

    // Destroyed: its room closes at once and the link says the share is gone.
    await provider.press('Destroy File: scan.png');
    await until(async () => (await paragraphs(provider)).some((p) => p.startsWith('File: scan.png. Live. Destroyed')),
      'the list says it was destroyed');
    const destroyed = await patientOpens(link, watch);
    await destroyed.driver.heading('This share cannot be opened');
    assert.ok(await says(destroyed.driver, 'This share is gone'));
    await destroyed.context.close();

    // Another live share, and the provider closes the tab: its content went with it, and the gateway says so.
    const second = await createShare(provider, { note: 'Live: the second one.', opens: 'Until it expires',
      keep: 'live' });
    await provider.page.context().close();
    await until(async () => {
      const opened = await patientOpens(second, watch);
      await opened.driver.heading('This share cannot be opened');
      const gone = await says(opened.driver, 'This share is gone');
      await opened.context.close();
      return gone;
    }, 'the closed tab\'s share is gone');
    assert.deepEqual(watch.scan(), [], 'nothing of the file left any page unsealed');
  });
