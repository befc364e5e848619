// Chat and files in a call, end to end encrypted, in headless Chromium: the
// real gateway (TLS on loopback), a provider and a patient in two browser
// contexts, every step through the accessible DOM (the chat panel's log,
// buttons, links, progress bars, the real <input>s).
//   messages both ways in any script and emoji; sent, delivered, the time; the unread badge
//   a message while the tab is hidden: unread, its count in the tab title until the tab is back
//   Enter in the message field sends (not while an IME composes)
//   the chat channel closed: what the patient writes waits, then arrives once;
//     a message lost as the channel breaks is sent again after it reopens, once
//   a file offer declined: no chunk moves; a picture accepted: previewed on both sides
//   a 50 MB random file arrives byte-identical (SHA-256 of the saved download),
//     with progress, speed and time left on both sides (moving in place: the
//     Cancel button keeps the keyboard's focus), written to the private file
//     system as it came (not held in the page)
//   cancel mid-way on the sender's side and on the receiver's (the part
//     received is deleted from the private file system)
//   the files channel closed mid-transfer and made again: the file completes
//     and no chunk held before the break is sent again (counted)
//   a chunk tampered with, duplicated or dropped on the way: refused, both sides told
// WebSocket.send, RTCDataChannel.send and fetch are wrapped on both pages for
// the whole test (recordSends): nothing that passed through them holds a chat
// text, the patient's name, or any 32-byte run of a file (LeakWatch).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test as nodeTest } from 'node:test';

import {
  LeakWatch, POLL, WAIT, createVisit, downloadsOnDisk, launchBrowser, makeClinic, openInChromium, patientJoins, providerSignsIn,
  randomPng, recordSends, requiredEnv, startClinicGateway, until,
} from './harness.mjs';

const webRoot = requiredEnv('TESSERA_WEB_ROOT');
const outDir = requiredEnv('TESSERA_TEST_OUT');
const PATIENT_NAME = 'Zoë Nakamura-Ødegård';
const MB = 1000 * 1000;

const watch = new LeakWatch();

// Every test here shares one call: one that fails says what both pages did
// lately (their console warnings, their signaling sockets), since the next
// ones fail after it.
const test = (name, fn) => nodeTest(name, async (t) => {
  try {
    await fn(t);
  } catch (e) {
    const lately = [provider, patient].map((d) => d?.log?.tail()).filter(Boolean).join('\n');
    throw new Error(`${e.message}\nWhat the pages did lately:\n${lately}`, { cause: e });
  }
});
let clinic;
let gateway;
let browser;
let files;
let provider;
let patient;

// A file of random bytes in the test's folder, watched for leaks.
function randomFile(name, size) {
  const bytes = randomBytes(size);
  const at = path.join(files, name);
  writeFileSync(at, bytes);
  watch.file(bytes);
  return { name, at, size, sha256: createHash('sha256').update(bytes).digest('hex') };
}

// A real PNG of random pixels, watched for leaks.
function randomPicture(name) {
  const png = randomPng(48);
  const at = path.join(files, name);
  writeFileSync(at, png);
  watch.file(png);
  return { name, at, size: png.length };
}

const sha256Of = (at) => new Promise((resolve, reject) => {
  const hash = createHash('sha256');
  createReadStream(at).on('data', (d) => hash.update(d)).on('end', () => resolve(hash.digest('hex'))).on('error', reject);
});

// ---- the chat panel, as a person uses it
const entry = (page, text) => page.locator('#chat-layer li', { hasText: text });

async function say(page, text) {
  watch.secretText(text);
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByRole('button', { name: 'Send', exact: true }).press('Enter');
}

async function pick(page, file) {
  await page.getByLabel('Send a file').setInputFiles(file.at);
  await entry(page, file.name).waitFor(WAIT);
}

const statusOf = (page, file) => entry(page, file.name).locator('.chat-file-status').textContent();

async function waitStatus(page, file, pattern) {
  let last = '';
  await until(async () => {
    last = await statusOf(page, file).catch((e) => String(e).slice(0, 300));
    if (process.env.TESSERA_DEBUG) console.error(file.name, last);
    return pattern.test(last);
  }, `"${file.name}" to say ${pattern}`, { timeout: 240000 }).catch((e) => {
    throw new Error(`${e.message} (it says "${last}")`);
  });
}

// The progress bar of a file, 0..1.
const progressOf = (page, file) => entry(page, file.name).getByRole('progressbar').evaluate((bar) => bar.value)
  .catch(() => 0);

// The chunk frames a page sent for a file, in order (window.__fileSends).
const chunkSends = (page) => page.evaluate(() => window.__fileSends.slice());

async function save(page, file) {
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 120000 }),
    page.getByRole('link', { name: `Save ${file.name}` }).click(),
  ]);
  return download.path();
}

before(async () => {
  files = mkdtempSync(path.join(tmpdir(), 'tessera-chat-files-'));
  watch.secretText(PATIENT_NAME);
  clinic = makeClinic();
  gateway = await startClinicGateway(webRoot, clinic);
  browser = await launchBrowser({ extraArgs: ['--autoplay-policy=no-user-gesture-required'] });
  const opened = { initScripts: [recordSends], beforeGoto: watch.expose() };
  ({ provider } = await providerSignsIn(browser, gateway, clinic, outDir, {}, opened));
  const link = await createVisit(provider);
  ({ driver: patient } = await openInChromium(browser, link, outDir, [recordSends], watch.expose()));
  await patientJoins(patient, PATIENT_NAME);
  await provider.press(`Admit ${PATIENT_NAME}`);
  await provider.heading(`Visit with ${PATIENT_NAME}`);
  await patient.heading('Your visit');
  await Promise.all([provider.heading('Chat'), patient.heading('Chat')]);
});

after(async () => {
  await browser?.close();
  await gateway?.stop();
  clinic?.remove();
  if (files) rmSync(files, { recursive: true, force: true });
});

test('messages go both ways in any script and emoji, sent then delivered, with the time and an unread badge', async () => {
  const hello = 'Olá Zoë! Der Ausschlag — 发痒吗? حكة 🙂👍🏽 Ça va?';
  await say(provider.page, hello);
  await entry(patient.page, hello).waitFor(WAIT);
  await entry(provider.page, hello).locator('.chat-state', { hasText: 'Delivered' }).waitFor(WAIT);
  const meta = await entry(patient.page, hello).locator('.chat-meta').textContent();
  assert.match(meta, /^Your care team, \d\d:\d\d$/);
  assert.match(await entry(provider.page, hello).locator('.chat-meta').textContent(), /^You, \d\d:\d\d$/);
  // Shown as DOM text, every character as typed.
  assert.equal(await entry(patient.page, hello).locator('.chat-text').textContent(), hello);

  await patient.press('Hide chat');
  const second = 'Haben Sie Fieber? 🌡️';
  await say(provider.page, second);
  await patient.heading('Chat, 1 unread');
  await patient.press('Show chat');
  await patient.heading('Chat');
  await entry(patient.page, second).waitFor(WAIT);

  const reply = 'Não, obrigada 🙏 — 谢谢';
  await say(patient.page, reply);
  await entry(provider.page, reply).waitFor(WAIT);
  assert.match(await entry(provider.page, reply).locator('.chat-meta').textContent(), new RegExp(`^${PATIENT_NAME}, \\d\\d:\\d\\d$`));
  await entry(patient.page, reply).locator('.chat-state', { hasText: 'Delivered' }).waitFor(WAIT);
  await patient.shot('chat-01-patient-messages');
});

// As a browser hides a tab behind another: document.hidden, its event, and
// no animation frames (recordPage's __holdFrames); and back.
const setTabHidden = (page, hidden) => page.evaluate((h) => {
  if (h) {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    window.__holdFrames = true;
  } else {
    delete document.hidden;  // the document's own getters again
    delete document.visibilityState;
    window.__releaseFrames();
  }
  document.dispatchEvent(new Event('visibilitychange'));
}, hidden);

test('a message that arrives while the tab is hidden is unread, counted in the tab title until the tab is back', async () => {
  assert.equal(await provider.page.title(), 'Tessera');
  await setTabHidden(provider.page, true);
  const asked = 'Posso mandar uma foto? 📷';
  await say(patient.page, asked);
  await entry(patient.page, asked).locator('.chat-state', { hasText: 'Delivered' }).waitFor(WAIT);
  // No frame is drawn while hidden: the title comes from the channel's callback.
  await provider.page.waitForFunction(() => document.title === '(1) Tessera', null, POLL);
  await setTabHidden(provider.page, false);
  await provider.page.waitForFunction(() => document.title === 'Tessera', null, POLL);
  await provider.heading('Chat');
  await entry(provider.page, asked).waitFor(WAIT);
});

test('Enter in the message field sends, as Send does, but not while an IME composes', async () => {
  const field = patient.page.getByRole('textbox', { name: 'Message' });
  const first = 'Enviado com Enter ⏎ 你好';
  watch.secretText(first);
  await field.fill(first);
  await field.press('Enter');
  await entry(provider.page, first).waitFor(WAIT);
  await entry(patient.page, first).locator('.chat-state', { hasText: 'Delivered' }).waitFor(WAIT);
  await until(() => field.inputValue().then((v) => v === ''), 'the field to empty once sent');

  // An Enter that ends an IME composition commits the text; it does not send it.
  const composed = '日本語';
  const whole = `${composed} e mais`;
  watch.secretText(whole);
  await field.fill(composed);
  await field.evaluate((el) => {
    for (const init of [{ isComposing: true, keyCode: 13 }, { isComposing: false, keyCode: 229 }]) {
      el.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true, ...init }));
    }
  });
  await field.pressSequentially(' e mais');
  await field.press('Enter');
  await entry(provider.page, whole).waitFor(WAIT);
  // Frames arrive in order: had the composing Enter sent, its message would be here first.
  const texts = await provider.page.locator('#chat-layer .chat-text').allTextContents();
  assert.deepEqual(texts.filter((t) => t.startsWith(composed)), [whole], 'one message, the whole text');
  assert.equal(texts.filter((t) => t === first).length, 1, 'the first one once');
});

test('messages typed and sent faster than the page draws each arrive once, in order, with their own text', async () => {
  // As a script or assistive tech may: three messages typed and sent within
  // one task, so before the client draws a frame.
  const burst = ['Primeira rápida', 'Segunda rápida 🚀', 'Terceira rápida'];
  burst.forEach((text) => watch.secretText(text));
  await patient.page.evaluate((texts) => {
    const field = document.querySelector('#a11y-layer [aria-label="Message"]');
    const send = [...document.querySelectorAll('#a11y-layer button')].find((b) => b.textContent === 'Send');
    for (const text of texts) {
      field.value = text;
      field.dispatchEvent(new Event('input', { bubbles: true }));
      send.click();
    }
  }, burst);
  await entry(provider.page, burst[2]).waitFor(WAIT);
  const texts = await provider.page.locator('#chat-layer .chat-text').allTextContents();
  assert.deepEqual(texts.filter((t) => burst.includes(t)), burst, 'each once, in order');
  await until(() => patient.page.getByRole('textbox', { name: 'Message' }).inputValue().then((v) => v === ''),
              'the field to empty once all are sent');
});

test('the chat channel closed: what the patient writes waits, then arrives once', async () => {
  // The provider's page makes the chat channel; hold it from making it again, then close it.
  await provider.page.evaluate(() => {
    window.__holdChannels = true;
    [...window.__channels].find((c) => c.label === 'tessera-chat').close();
  });
  await patient.page.getByText('The chat is reconnecting').first().waitFor(WAIT);
  const queued = 'Escrevi isto sem ligação ✍️';
  await say(patient.page, queued);
  await entry(patient.page, queued).locator('.chat-state', { hasText: 'Waiting for the connection' }).waitFor(WAIT);
  assert.equal(await entry(provider.page, queued).count(), 0);
  await provider.page.evaluate(() => { window.__holdChannels = false; });
  await entry(provider.page, queued).waitFor(WAIT);
  await entry(patient.page, queued).locator('.chat-state', { hasText: 'Delivered' }).waitFor(WAIT);
  assert.equal(await entry(provider.page, queued).count(), 1, 'shown once');
  const after = 'E agora?';
  await say(patient.page, after);
  await entry(provider.page, after).waitFor(WAIT);
  assert.equal(await entry(provider.page, queued).count(), 1, 'still once');
});

test('a message lost as the chat channel breaks is sent again after it reopens, once', async () => {
  // The patient's next chat frame is handed to the channel but held back, and
  // the channel breaks with it: it never arrives on the old channel.
  await patient.page.evaluate(() => { window.__holdChat = { after: 0 }; });
  const lost = 'Perdida na quebra 📡';
  await say(patient.page, lost);
  await entry(patient.page, lost).locator('.chat-state', { hasText: 'Sent' }).waitFor(WAIT);
  await provider.page.evaluate(() => {
    window.__holdChannels = true;
    [...window.__channels].find((c) => c.label === 'tessera-chat' && c.readyState === 'open').close();
  });
  await patient.page.getByText('The chat is reconnecting').first().waitFor(WAIT);
  await patient.page.evaluate(() => window.__releaseChat());  // on a closed channel: dropped
  assert.equal(await entry(provider.page, lost).count(), 0);
  await provider.page.evaluate(() => { window.__holdChannels = false; });
  await entry(provider.page, lost).waitFor(WAIT);
  await entry(patient.page, lost).locator('.chat-state', { hasText: 'Delivered' }).waitFor(WAIT);
  const next = 'E a seguinte também';
  await say(patient.page, next);
  await entry(provider.page, next).waitFor(WAIT);
  assert.equal(await entry(provider.page, lost).count(), 1, 'shown once');
  assert.equal(await provider.page.getByText('Something arrived that failed its checks').count(), 0, 'nothing refused');
  assert.equal(await provider.page.getByText('Some messages may be missing').count(), 0, 'nothing lost');
});

test('a message lost for good is reported to both people, and the chat goes on', async () => {
  // The patient's next chat frame never reaches the channel: to the provider's
  // page it is a frame lost in a break that the patient no longer holds.
  await patient.page.evaluate(() => { window.__dropChat = { after: 0 }; });
  const lost = 'Esta nunca chega';
  await say(patient.page, lost);
  const after = 'Esta sim';
  await say(patient.page, after);
  await entry(provider.page, after).waitFor(WAIT);
  assert.equal(await entry(provider.page, lost).count(), 0);
  await provider.page.getByText('Some messages may be missing').first().waitFor(WAIT);
  await entry(patient.page, lost).locator('.chat-state', { hasText: /^Not delivered: the connection lost it/ }).waitFor(WAIT);
  await entry(patient.page, after).locator('.chat-state', { hasText: 'Delivered' }).waitFor(WAIT);
  const reply = 'Chegou a segunda';
  await say(provider.page, reply);
  await entry(patient.page, reply).waitFor(WAIT);
  await entry(patient.page, reply).scrollIntoViewIfNeeded();
  await patient.shot('chat-05-patient-message-lost');
  await provider.shot('chat-06-provider-message-missing');
});

test('a declined file moves nothing; an accepted picture is previewed on both sides', async () => {
  const declined = randomFile('lab results.pdf', 300000);
  const before = (await chunkSends(provider.page)).length;
  await pick(provider.page, declined);
  await waitStatus(patient.page, declined, /wants to send you this file/);
  assert.match(await entry(patient.page, declined.name).locator('.chat-file-about').textContent(), /^application\/pdf, 300 KB$/);
  await patient.page.getByRole('button', { name: `Decline ${declined.name}` }).click();
  await waitStatus(provider.page, declined, /declined this file/);
  await waitStatus(patient.page, declined, /You declined this file/);
  assert.equal((await chunkSends(provider.page)).length, before, 'no chunk was sent');

  const picture = randomPicture('rash.png');
  await pick(provider.page, picture);
  await provider.page.getByRole('img', { name: `Picture: ${picture.name}` }).waitFor(WAIT);
  await patient.page.getByRole('button', { name: `Accept ${picture.name}` }).click();
  await waitStatus(patient.page, picture, /^Received\.$/);
  await waitStatus(provider.page, picture, /^Sent\.$/);
  const img = patient.page.getByRole('img', { name: `Picture: ${picture.name}` });
  await img.waitFor(WAIT);
  await until(() => img.evaluate((e) => e.complete && e.naturalWidth === 48), 'the preview to decode');
  await patient.shot('chat-02-patient-picture');
});

// The receiver holds its chat frames (its acks) back after the next n: the
// sender stops at the window, and the transfer waits, part of the way. The
// first is the acceptance; then one ack per block of 16 chunks written
// (kFileBlockChunks): n = 3 lets 2 blocks be acknowledged, then 128 chunks
// more (kFileWindowChunks) go out, of a 20 MB file's 310.
const holdAcks = (receiver, n) => receiver.page.evaluate((after) => { window.__holdChat = { after }; }, n);
const releaseAcks = (receiver) => receiver.page.evaluate(() => window.__releaseChat());

test('a 50 MB random file arrives byte-identical, with progress, speed and time left', async () => {
  const big = randomFile('scan.bin', 50 * MB);
  await pick(patient.page, big);
  await holdAcks(provider, 7);
  await provider.page.getByRole('button', { name: `Accept ${big.name}` }).click();
  await waitStatus(provider.page, big, /^Receiving: [\d.]+ MB of 50\.0 MB, [\d.]+ [KM]B\/s, \d+ (s|min) left$/);
  await waitStatus(patient.page, big, /^Sending: [\d.]+ MB of 50\.0 MB/);
  assert.ok((await progressOf(provider.page, big)) > 0);
  await provider.shot('chat-03-provider-receiving');
  // Progress moves in place: the sender's Cancel button keeps the keyboard's
  // focus (the acks held so far go, and all but one of those that follow wait).
  const cancel = patient.page.getByRole('button', { name: `Cancel ${big.name}` });
  await cancel.focus();
  const still = await statusOf(patient.page, big);
  await provider.page.evaluate(() => {
    window.__releaseChat();
    window.__holdChat = { after: 1 };
  });
  await until(async () => (await statusOf(patient.page, big)) !== still, 'the sender\'s progress to move');
  assert.match(await statusOf(patient.page, big), /^Sending: /);
  assert.ok(await cancel.evaluate((button) => button === document.activeElement), 'Cancel kept the focus as the progress moved');
  await releaseAcks(provider);
  await waitStatus(provider.page, big, /^Received\.$/);
  await waitStatus(patient.page, big, /^Sent\.$/);
  const saved = await save(provider.page, big);
  assert.equal(await sha256Of(saved), big.sha256, 'the saved download is the file');
  // Written to disk as it came (the download writer), not kept in the page.
  assert.ok((await downloadsOnDisk(provider.page)).includes(big.size), 'the download is in the private file system');
  const sent = (await chunkSends(patient.page)).length;
  assert.ok(sent >= Math.ceil(big.size / 64512), `every chunk sent (${sent})`);
});

test('where a file\'s stream is not a byte stream (other browsers), its own chunks are cut to size: the file arrives byte-identical', async () => {
  // Chromium's file streams are byte streams, read into one reused buffer;
  // here the patient's page refuses that, as a browser without them does.
  await patient.page.evaluate(() => {
    const getReader = ReadableStream.prototype.getReader;
    window.__byobRefused = 0;
    window.__restoreReader = () => { ReadableStream.prototype.getReader = getReader; };
    ReadableStream.prototype.getReader = function(options) {
      if (options && options.mode === 'byob') {
        window.__byobRefused++;
        throw new TypeError('not a byte stream');
      }
      return getReader.call(this, options);
    };
  });
  try {
    const odd = randomFile('odd-sizes.bin', 3 * MB + 12345);  // blocks and the stream's chunks never line up
    await pick(patient.page, odd);
    await provider.page.getByRole('button', { name: `Accept ${odd.name}` }).click();
    await waitStatus(provider.page, odd, /^Received\.$/);
    await waitStatus(patient.page, odd, /^Sent\.$/);
    assert.ok((await patient.page.evaluate(() => window.__byobRefused)) > 0, 'the file was read without a byte stream');
    assert.equal(await sha256Of(await save(provider.page, odd)), odd.sha256, 'the saved download is the file');
  } finally {
    await patient.page.evaluate(() => window.__restoreReader());
  }
});

test('cancel mid-way, on the sender side and on the receiver side', async () => {
  for (const [who, sender, receiver] of [['sender', provider, patient], ['receiver', patient, provider]]) {
    const file = randomFile(`cancelled by the ${who}.bin`, 20 * MB);
    const canceller = who === 'sender' ? sender : receiver;
    const other = who === 'sender' ? receiver : sender;
    const onDisk = (await downloadsOnDisk(receiver.page)).length;
    await pick(sender.page, file);
    await holdAcks(receiver, 2);
    await receiver.page.getByRole('button', { name: `Accept ${file.name}` }).click();
    await until(async () => (await progressOf(receiver.page, file)) > 0, `${file.name}: under way`);
    await canceller.page.getByRole('button', { name: `Cancel ${file.name}` }).click();
    await waitStatus(canceller.page, file, /^You cancelled this file\.$/);
    await releaseAcks(receiver);
    await waitStatus(other.page, file, /stopped this file\.$/);
    assert.equal(await receiver.page.getByRole('link', { name: `Save ${file.name}` }).count(), 0);
    await until(async () => (await downloadsOnDisk(receiver.page)).length === onDisk, `${file.name}: the part received deleted`);
    assert.ok((await chunkSends(sender.page)).length < Math.ceil(file.size / 64512) * 4, 'the sender stopped');
  }
});

test('the files channel closed mid-transfer: the file completes, and no chunk held before the break is sent again', async () => {
  const file = randomFile('video of the gait.bin', 20 * MB);
  await pick(provider.page, file);
  await holdAcks(patient, 3);
  await patient.page.getByRole('button', { name: `Accept ${file.name}` }).click();
  // The sender's own progress bar is what it holds as acknowledged.
  await until(async () => (await progressOf(provider.page, file)) > 0, 'acknowledged chunks on the sender');
  // In one step on the sender's page: what its bar says was acknowledged, then the close.
  const { heldBefore, sentBefore } = await provider.page.evaluate((name) => {
    const li = [...document.querySelectorAll('#chat-layer li')].find((e) => e.textContent.includes(name));
    const acked = li.querySelector('progress').value;
    [...window.__channels].find((c) => c.label === 'tessera-files' && c.readyState === 'open').close();
    return { heldBefore: acked, sentBefore: window.__fileSends.length };
  }, file.name).then((r) => ({ ...r, heldBefore: Math.floor(r.heldBefore * file.size / 64512) }));
  assert.ok(heldBefore > 0);
  await releaseAcks(patient);
  await waitStatus(patient.page, file, /^Received\.$/);
  const saved = await save(patient.page, file);
  assert.equal(await sha256Of(saved), file.sha256);

  const sends = await chunkSends(provider.page);
  const id = sends[sentBefore - 1][0];
  const ofFile = sends.map(([fid, index], at) => ({ fid, index, at })).filter((s) => s.fid === id);
  const times = new Map();
  for (const s of ofFile) times.set(s.index, (times.get(s.index) || 0) + 1);
  assert.equal(times.size, Math.ceil(file.size / 64512), 'every chunk sent');
  const resumedAt = ofFile.find((s) => s.at >= sentBefore).index;
  assert.ok(resumedAt > 0 && resumedAt >= heldBefore, `resumed at chunk ${resumedAt}, after the ${heldBefore} acknowledged`);
  for (const [index, n] of times) {
    if (index < resumedAt) assert.equal(n, 1, `chunk ${index} was acknowledged before the break: sent once`);
    assert.ok(n <= 2, `chunk ${index} sent ${n} times`);
  }
  const again = [...times.values()].filter((n) => n === 2).length;
  assert.ok(again <= 128, `${again} chunks sent again: at most the window (kFileWindowChunks)`);
});

test('a chunk tampered with, duplicated or dropped on the way is refused, and both people are told', async () => {
  const words = {
    tamper: /failed its check: it was changed on the way\. The transfer stopped\.$/,
    duplicate: /arrived twice\. The transfer stopped\.$/,
    drop: /went missing\. The transfer stopped\.$/,
  };
  for (const kind of ['tamper', 'duplicate', 'drop']) {
    const file = randomFile(`harmed by ${kind}.bin`, 3 * MB);
    await pick(provider.page, file);
    await provider.page.evaluate((k) => { window.__harm = { kind: k, after: 5 }; }, kind);
    await patient.page.getByRole('button', { name: `Accept ${file.name}` }).click();
    await waitStatus(patient.page, file, words[kind]);
    await waitStatus(provider.page, file, /stopped this file\.$/);
    assert.equal(await patient.page.getByRole('link', { name: `Save ${file.name}` }).count(), 0);
    assert.equal((await provider.page.evaluate(() => window.__harmed)).kind, kind);
  }
  await patient.page.getByText('Something arrived that failed its checks').first().waitFor(WAIT);
  await patient.shot('chat-04-patient-refused-chunk');
});

test('nothing that left either page holds a chat text, the patient\'s name or 32 bytes of a file', async () => {
  // Everything wrapped was seen: the signaling, the API, the data channels.
  assert.ok(watch.counts['WebSocket.send'] > 0 && watch.counts.fetch > 0, JSON.stringify(watch.counts));
  assert.ok(watch.bytes['RTCDataChannel.send'] > 70 * MB, JSON.stringify(watch.bytes));
  assert.deepEqual(watch.scan(), []);
});
