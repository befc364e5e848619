// Ephemeral shares in headless Chromium, end to end (issue 13): a provider
// writes a note or picks a file, gets a link with its QR code, and a patient
// in another browser context presses Open. Parked shares here: the sealed
// content waits on the gateway. Checked like a user and like an auditor:
// a link previewer's fetch uses nothing up, a one-time share opens once, a
// wrong fragment opens nothing, a destroyed share is gone, a parked share
// opens while its provider is signed out, the file arrives byte-identical,
// and nothing the gateway stored, printed or was sent holds the note's text
// or any 32-byte run of the file.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';

import {
  launchBrowser, makeClinic, openInChromium, paragraphs, providerSignsIn, requiredEnv, shownLink,
  startClinicGateway, until,
} from './harness.mjs';

const webRoot = requiredEnv('TESSERA_WEB_ROOT');
const outDir = requiredEnv('TESSERA_TEST_OUT');
const NOTE = 'After the procedure: no driving for 24 hours. Take 400 mg ibuprofen every 6 hours if needed.';

let clinic;
let gateway;
let browser;

// ---- helpers of this file

// An init script: every byte the page sends out (fetch bodies, WebSocket and
// data channel messages) kept as text, so the test can say what never left.
function recordSent() {
  window.__sent = [];
  const keep = (data) => {
    if (typeof data === 'string') window.__sent.push(data);
    else if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
      window.__sent.push(String.fromCharCode(...new Uint8Array(data.buffer || data, data.byteOffset || 0,
        data.byteLength)));
    }
  };
  const originalFetch = window.fetch;
  window.fetch = (input, init) => {
    if (init && init.body) keep(init.body);
    return originalFetch(input, init);
  };
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) { keep(data); return send.call(this, data); };
  if (window.RTCDataChannel) {
    const dcSend = RTCDataChannel.prototype.send;
    RTCDataChannel.prototype.send = function (data) { keep(data); return dcSend.call(this, data); };
  }
}

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

// The provider's form: what to share, how long, how often; then the link.
// Every share is parked: the page does not offer live shares yet.
async function createShare(provider, { note, file, opens = 'Once' }) {
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
  assert.equal(await page.getByRole('combobox', { name: 'Keep the content' }).count(), 0, 'no live shares offered');
  await provider.press('Create link');
  await provider.heading('Your link');
  const link = await shownLink(provider);
  assert.match(link, /^https:\/\/127\.0\.0\.1:\d+\/s\/[A-Za-z0-9_-]{22}#[A-Za-z0-9_-]{87}$/);
  assert.equal(await page.getByRole('img', { name: 'QR code of the share link' }).count(), 1);
  return link;
}

// A patient on the link in a fresh context, pressing Open.
async function patientOpens(link, { press = true } = {}) {
  const opened = await openInChromium(browser, link, outDir, [recordSent]);
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
    const { provider } = await providerSignsIn(browser, gateway, clinic, outDir);
    await provider.page.evaluate(recordSent);  // on the page already loaded
    await provider.press('Share a note or file');
    await provider.shot('shares-01-form');
    const link = await createShare(provider, { note: NOTE });
    await provider.shot('shares-02-link');

    // A chat app's link previewer fetches the page (and a browser even loads it) without a person.
    const preview = await provider.page.context().request.get(link.split('#')[0]);
    assert.equal(preview.status(), 200);
    const idle = await patientOpens(link, { press: false });
    await idle.context.close();
    await until(() => says(provider, 'Note: After the procedure'), 'the share is listed');
    assert.ok((await paragraphs(provider)).some((p) => p.startsWith('Note: After the procedure')
      && p.includes('Parked. Waiting: not opened yet.')), 'still unopened after the previewer');

    // A wrong fragment (the secret changed, the form intact) opens nothing, and uses nothing up.
    const [base, fragment] = link.split('#');
    const bent = fragment.slice(0, 10) + (fragment[10] === 'A' ? 'B' : 'A') + fragment.slice(11);
    const wrong = await patientOpens(`${base}#${bent}`);
    await wrong.driver.heading('This share cannot be opened');
    assert.ok(await says(wrong.driver, 'This link is incomplete or was changed'));
    await wrong.context.close();
    const cut = await openInChromium(browser, `${base}#${fragment.slice(0, 40)}`, outDir);
    await cut.driver.heading('This link does not work');
    await cut.context.close();

    // The patient opens it: the provider's name and the note, from the sealed content.
    const patient = await patientOpens(link);
    await patient.driver.heading('From dr-lee');
    await until(() => says(patient.driver, NOTE), 'the note is shown');
    await patient.driver.shot('shares-03-note-opened');
    // A second open is refused by the gateway: used up.
    const again = await patientOpens(link);
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
    for (const page of [provider.page, patient.page]) {
      const sent = await page.evaluate(() => window.__sent.join('\n'));
      assert.ok(!sent.includes('no driving for 24 hours'), 'no page sent the note in the clear');
    }
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
    opens: '3 times' });
  assert.ok(!containsAnyRun(storedBytes(), png), 'the gateway holds only the sealed file');

  await provider.press('Back to visits');
  await provider.press('Sign out');
  await provider.heading('Sign in to Tessera');

  const patient = await openInChromium(browser, link, outDir, [recordSent]);
  // What the gateway handed over: the sealed bytes, to look for in its file later.
  const answered = patient.page.waitForResponse((r) => r.url().endsWith('/open'));
  await patient.driver.heading('Something was shared with you');
  await patient.driver.press('Open');
  const sealed = Buffer.from((await (await answered).json()).sealed, 'base64url');
  await patient.driver.heading('From dr-lee');
  assert.ok(png.length > 4096, 'a picture of some size');
  await until(() => says(patient.driver, `wound.png (${Math.floor((png.length + 512) / 1024)} KB, image/png)`),
    'the file is described');
  await patient.page.getByRole('img', { name: 'Preview of wound.png' }).waitFor();
  await patient.page.locator('#video-layer img.share-preview:not([hidden])').waitFor();
  await patient.driver.shot('shares-05-file-opened');
  const download = patient.page.waitForEvent('download');
  await patient.driver.press('Save wound.png');
  const saved = await download;
  assert.equal(saved.suggestedFilename(), 'wound.png');
  assert.ok(readFileSync(await saved.path()).equals(png), 'the saved file is byte-identical');
  const sent = Buffer.from(await patient.page.evaluate(() => window.__sent.join('\n')), 'latin1');
  assert.ok(!containsAnyRun(sent, png), 'the opener sent nothing of the file');
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
  const gone = await patientOpens(link);
  await gone.driver.heading('This share cannot be opened');
  assert.ok(await says(gone.driver, 'This share is gone'));
  await gone.context.close();
  assert.ok(!containsAnyRun(storedBytes(), sealed), 'after: no 32-byte run of its ciphertext in the file or WAL');
  assert.ok(!containsAnyRun(storedBytes(), png), 'and never anything of the file itself');
  await again.provider.page.context().close();
});
