// Glass-to-player latency probe, injected into a page that plays the clock stream (see ClockPublisher): for every
// frame the video presents (requestVideoFrameCallback), the band of blocks at the top is drawn into a small canvas,
// read back as the epoch milliseconds the publisher burned into it, and compared with the wall clock at which the
// frame is shown. hls.js's own estimate of the distance to the live edge (hls.latency) is sampled every 500 ms.
(function () {
  'use strict';
  if (window.latencyProbe) {
    return;
  }
  // The same geometry as ClockPublisher, in a 1920x1080 reference picture.
  const COLUMNS = 24, ROWS = 2, BLOCK = 72, LEFT = 96, TOP = 36, REF_W = 1920, REF_H = 1080, TIME_BITS = 40;
  const CELL = 4;
  const MODULUS = Math.pow(2, TIME_BITS);
  const canvas = document.createElement('canvas');
  canvas.width = COLUMNS * CELL;
  canvas.height = ROWS * CELL;
  const context = canvas.getContext('2d', { willReadFrequently: true });
  const state = {
    recording: false, latencies: [], hlsLatencies: [], unreadable: 0, presented: 0, heights: {},
    waiting: 0, lastDecoded: null, errors: [], events: {},
  };
  let video = null;
  let hlsOf = () => null;

  function crc8(value) {
    let crc = 0;
    for (let b = 4; b >= 0; b--) {
      crc ^= Math.floor(value / Math.pow(2, 8 * b)) % 256;
      for (let k = 0; k < 8; k++) {
        crc = (crc & 0x80) ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
      }
    }
    return crc;
  }

  // The burned time, or null when the blocks do not read back (checksum mismatch).
  function decode() {
    const sx = video.videoWidth / REF_W;
    const sy = video.videoHeight / REF_H;
    context.drawImage(video, LEFT * sx, TOP * sy, COLUMNS * BLOCK * sx, ROWS * BLOCK * sy,
      0, 0, canvas.width, canvas.height);
    const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
    const bits = [];
    for (let r = 0; r < ROWS; r++) {
      for (let c = 0; c < COLUMNS; c++) {
        let sum = 0;
        for (let dy = 1; dy <= 2; dy++) {
          for (let dx = 1; dx <= 2; dx++) {
            const p = ((r * CELL + dy) * canvas.width + c * CELL + dx) * 4;
            sum += 0.299 * data[p] + 0.587 * data[p + 1] + 0.114 * data[p + 2];
          }
        }
        bits.push(sum / 4 > 128 ? 1 : 0);
      }
    }
    let value = 0;
    for (let i = 0; i < TIME_BITS; i++) {
      value = value * 2 + bits[i];
    }
    let check = 0;
    for (let i = TIME_BITS; i < TIME_BITS + 8; i++) {
      check = check * 2 + bits[i];
    }
    return crc8(value) === check ? value : null;
  }

  function onFrame(now, metadata) {
    if (state.recording) {
      // When the compositor will show this frame, on the wall clock.
      const shown = Date.now() + (metadata.expectedDisplayTime - now);
      const burned = decode();
      state.presented++;
      state.heights[video.videoHeight] = (state.heights[video.videoHeight] || 0) + 1;
      if (burned === null) {
        state.unreadable++;
      } else {
        let latency = (shown % MODULUS) - burned;
        if (latency < -MODULUS / 2) {
          latency += MODULUS;
        }
        state.latencies.push(latency);
        state.lastDecoded = burned;
      }
    }
    video.requestVideoFrameCallback(onFrame);
  }

  window.latencyProbe = {
    // Starts watching `videoElement`; `hlsGetter` returns the hls.js instance (or null).
    start(videoElement, hlsGetter) {
      video = videoElement;
      hlsOf = hlsGetter;
      video.requestVideoFrameCallback(onFrame);
      video.addEventListener('waiting', () => { if (state.recording) state.waiting++; });
      let watched = null;
      setInterval(() => {
        const hls = hlsOf();
        if (hls && hls !== watched && window.Hls) {
          watched = hls;
          ['MEDIA_ATTACHED', 'MANIFEST_PARSED', 'LEVEL_LOADED', 'FRAG_LOADED', 'BUFFER_CREATED', 'FRAG_BUFFERED']
            .forEach(name => hls.on(window.Hls.Events[name], () => { state.events[name] = (state.events[name] || 0) + 1; }));
          hls.on(window.Hls.Events.ERROR, (event, data) => {
            state.errors.push((data.fatal ? 'fatal ' : '') + data.type + ': ' + data.details
              + (data.response ? ' (HTTP ' + data.response.code + ' ' + (data.response.text || '') + ')' : '')
              + (data.frag ? ' ' + String(data.frag.relurl).split('?')[0] : '') + (data.reason ? ' ' + data.reason : '')
              + (data.error ? ' ' + data.error : ''));
            state.errors.splice(0, state.errors.length - 10);
          });
        }
        if (state.recording && hls && isFinite(hls.latency)) {
          state.hlsLatencies.push(hls.latency);
        }
      }, 500);
    },
    // Pins playback to the rendition with the most lines from the next fragment on (nextLevel: no buffer flush, and
    // hls.js's ABR stops choosing). Called once playback runs: pinning while hls.js starts up stalled its start.
    pinTop() {
      const hls = hlsOf();
      if (!hls || !hls.levels || hls.levels.length < 2) {
        return null;
      }
      let top = 0;
      hls.levels.forEach((level, i) => { if (level.height > hls.levels[top].height) top = i; });
      hls.nextLevel = top;
      return hls.levels[top].height;
    },
    record(on) {
      if (on) {
        state.latencies = []; state.hlsLatencies = []; state.unreadable = 0; state.presented = 0;
        state.heights = {}; state.waiting = 0;
        const quality = video.getVideoPlaybackQuality();
        state.droppedAtStart = quality.droppedVideoFrames;
      }
      state.recording = on;
    },
    // What the page is doing, for an error message when playback does not start.
    diagnose() {
      const hls = hlsOf();
      return JSON.stringify({
        hlsJs: !!window.Hls, hls: !!hls, levels: hls && hls.levels ? hls.levels.map(l => l.height) : null,
        readyState: video.readyState, networkState: video.networkState, paused: video.paused,
        currentTime: video.currentTime, error: video.error && video.error.message,
        buffered: Array.from({ length: video.buffered.length }, (x, i) => [video.buffered.start(i), video.buffered.end(i)]),
        errors: state.errors, events: state.events, requests: window.requests,
      });
    },
    results() {
      const quality = video.getVideoPlaybackQuality();
      return JSON.stringify({
        latencies: state.latencies, hlsLatencies: state.hlsLatencies, unreadable: state.unreadable,
        presented: state.presented, heights: state.heights, waiting: state.waiting,
        dropped: quality.droppedVideoFrames - (state.droppedAtStart || 0),
        currentTime: video.currentTime, paused: video.paused,
      });
    },
  };
})();
