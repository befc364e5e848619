// One side of a plain call (see index.html). The benchmark calls, in order:
//   await plainSide.start()          camera and microphone on, shown
//   sdp = await plainSide.offer()    on one page (ICE candidates gathered into it)
//   sdp = await plainSide.answer(sdp) on the other
//   await plainSide.accept(sdp)      on the first
// and reads plainSide.called (epoch ms of offer() or answer()) and
// plainSide.firstRemoteFrame (epoch ms, once the other side's video shows).
'use strict';

const now = () => performance.timeOrigin + performance.now();

// About the call page's sizes at the benchmark's 1024x900 window (the CSP
// allows no inline style, so they are set here).
function show(id, stream, width) {
  const video = document.getElementById(id);
  video.style.width = `${width}px`;
  video.srcObject = stream;
  return video;
}

// No trickle: the description carries every candidate once gathering ends.
function gathered(pc) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState === 'complete') resolve();
    });
  });
}

let pc = null;

window.plainSide = {
  called: null,
  firstRemoteFrame: null,

  async start() {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
    show('local', stream, 160);
    pc = new RTCPeerConnection();
    pc.ontrack = (e) => {
      if (e.track.kind !== 'video') return;
      const video = show('remote', e.streams[0], 560);
      video.requestVideoFrameCallback(() => { window.plainSide.firstRemoteFrame = now(); });
    };
    stream.getTracks().forEach((t) => pc.addTrack(t, stream));
  },

  async offer() {
    window.plainSide.called = now();
    await pc.setLocalDescription(await pc.createOffer());
    await gathered(pc);
    return pc.localDescription.sdp;
  },

  async answer(sdp) {
    window.plainSide.called = now();
    await pc.setRemoteDescription({ type: 'offer', sdp });
    await pc.setLocalDescription(await pc.createAnswer());
    await gathered(pc);
    return pc.localDescription.sdp;
  },

  async accept(sdp) {
    await pc.setRemoteDescription({ type: 'answer', sdp });
  },
};
