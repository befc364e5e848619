// Two fake streams, two peer connections on loopback: a sends its stream to
// b, b sends its own to a. window.plainCall says when the first remote frame
// showed on each side (ms from creating the connections, the cameras
// already running), for the benchmark.
'use strict';

async function main() {
  const [streamA, streamB] = await Promise.all([
    navigator.mediaDevices.getUserMedia({ audio: true, video: true }),
    navigator.mediaDevices.getUserMedia({ audio: true, video: true }),
  ]);
  const started = performance.now();  // as the call's figure: the cameras already run
  const a = new RTCPeerConnection();
  const b = new RTCPeerConnection();
  a.onicecandidate = (e) => { if (e.candidate) b.addIceCandidate(e.candidate); };
  b.onicecandidate = (e) => { if (e.candidate) a.addIceCandidate(e.candidate); };
  const firstFrame = {};
  const show = (id, stream) => {
    const video = document.getElementById(id);
    video.style.width = '480px';  // about the call page's remote video (the CSP allows no inline style)
    video.srcObject = stream;
    video.requestVideoFrameCallback(() => { firstFrame[id] = performance.now() - started; });
  };
  show('local-a', streamA);
  show('local-b', streamB);
  a.ontrack = (e) => { if (e.track.kind === 'video') show('remote-a', e.streams[0]); };
  b.ontrack = (e) => { if (e.track.kind === 'video') show('remote-b', e.streams[0]); };
  streamA.getTracks().forEach((t) => a.addTrack(t, streamA));
  streamB.getTracks().forEach((t) => b.addTrack(t, streamB));
  await a.setLocalDescription(await a.createOffer());
  await b.setRemoteDescription(a.localDescription);
  await b.setLocalDescription(await b.createAnswer());
  await a.setRemoteDescription(b.localDescription);
  window.plainCall = { firstFrame, peers: [a, b] };
}

main().catch((e) => { window.plainCallError = String(e); });
