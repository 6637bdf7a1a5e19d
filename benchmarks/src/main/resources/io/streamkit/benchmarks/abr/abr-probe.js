// Read-only recorder of what the player page's hls.js does, installed before the page's own scripts run
// (Page.addScriptToEvaluateOnNewDocument). The page sets window.streamkitPlayer and then its .hls; the recorder
// catches that assignment, so it listens from the first fragment on, and leaves both values as the page set them.
// window.abrProbe.results() returns, as JSON: every main fragment loaded (level, bytes, download and first-byte times),
// every audio fragment loaded (chunk, bytes), the level of every fragment the playhead entered (FRAG_CHANGED), the
// start-up time, the stalls (the video element's 'waiting' to 'playing' after the first frame, with the position they
// happened at and the media buffered ahead of it then) and whether playback ended.
(function () {
  'use strict';
  const probe = {
    levels: [],
    maxBufferLength: null,
    loaded: [],
    audioLoaded: [],
    played: [],
    startupMs: null,
    stalls: [],
    stalledSince: null,
    stalledAt: null,
    stalledAhead: null,
    ended: false,
    errors: [],
  };
  const started = performance.now();

  function watch(hls) {
    const Events = hls.constructor.Events;
    const video = document.getElementById('video');
    const chunkOf = (frag) => frag.sn - hls.levels[frag.level].details.startSN;
    hls.on(Events.MANIFEST_PARSED, () => {
      probe.levels = hls.levels.map((l) => ({ bitrate: l.bitrate, height: l.height, uri: l.uri }));
      probe.maxBufferLength = hls.config.maxBufferLength;
    });
    hls.on(Events.FRAG_LOADED, (event, data) => {
      const frag = data.frag;
      if (frag.type === 'audio' && frag.sn !== 'initSegment') {
        probe.audioLoaded.push({ chunk: frag.sn - hls.audioTracks[hls.audioTrack].details.startSN,
          bytes: frag.stats.loaded });
      }
      if (frag.type !== 'main' || frag.sn === 'initSegment') {
        return;
      }
      const s = frag.stats;
      probe.loaded.push({
        chunk: chunkOf(frag), level: frag.level, bytes: s.loaded, ms: s.loading.end - s.loading.start,
        firstByteMs: s.loading.first - s.loading.start, at: s.loading.start - started,
      });
    });
    hls.on(Events.FRAG_CHANGED, (event, data) => {
      if (data.frag.type === 'main') {
        probe.played.push({ chunk: chunkOf(data.frag), level: data.frag.level });
      }
    });
    hls.on(Events.ERROR, (event, data) => {
      if (data.fatal) {
        probe.errors.push(data.type + ': ' + data.details);
      }
    });
    video.addEventListener('playing', () => {
      const now = performance.now();
      if (probe.startupMs === null) {
        probe.startupMs = now - started;
      }
      if (probe.stalledSince !== null) {
        probe.stalls.push({ position: probe.stalledAt, ahead: probe.stalledAhead, ms: now - probe.stalledSince });
        probe.stalledSince = null;
      }
    });
    // Media buffered ahead of the playhead in every track (the element's buffered ranges are their intersection):
    // a stall with none is the network's; one with media buffered is the browser's (decoding fell behind).
    const bufferedAhead = () => {
      const ranges = video.buffered;
      for (let i = 0; i < ranges.length; i++) {
        if (ranges.start(i) <= video.currentTime + 0.1 && ranges.end(i) > video.currentTime) {
          return ranges.end(i) - video.currentTime;
        }
      }
      return 0;
    };
    video.addEventListener('waiting', () => {
      if (probe.startupMs !== null && probe.stalledSince === null && !video.seeking) {
        probe.stalledSince = performance.now();
        probe.stalledAt = video.currentTime;
        probe.stalledAhead = bufferedAhead();
      }
    });
    video.addEventListener('ended', () => { probe.ended = true; });
  }

  function hookHls(player) {
    let hls = player.hls;
    Object.defineProperty(player, 'hls', {
      configurable: true,
      enumerable: true,
      get: () => hls,
      set: (value) => {
        hls = value;
        if (value) {
          watch(value);
        }
      },
    });
  }

  let player;
  Object.defineProperty(window, 'streamkitPlayer', {
    configurable: true,
    get: () => player,
    set: (value) => {
      player = value;
      if (value && typeof value === 'object') {
        hookHls(value);
      }
    },
  });

  window.abrProbe = {
    ended: () => probe.ended,
    // A stall still in progress counts up to now, so a session cut off by the harness's timeout shows it.
    results: () => {
      const stalls = probe.stalls.slice();
      if (probe.stalledSince !== null) {
        stalls.push({
          position: probe.stalledAt, ahead: probe.stalledAhead, ms: performance.now() - probe.stalledSince, open: true,
        });
      }
      return JSON.stringify({
        levels: probe.levels, maxBufferLength: probe.maxBufferLength, loaded: probe.loaded,
        audioLoaded: probe.audioLoaded, played: probe.played,
        startupMs: probe.startupMs, stalls: stalls, ended: probe.ended, errors: probe.errors,
        abr: player ? player.abr : null, position: (document.getElementById('video') || {}).currentTime,
      });
    },
  };
})();
