// StreamKit player page: playback of one title with a playback token, resume from the saved position, progress
// heartbeats and batched QoE events to the viewer API (see the platform API contract in docs/openapi.yaml).
// The engine is chosen with ?engine= (or the Engine select, which reloads with it): hls (default, hls.js on
// master.m3u8), dashjs (dash.js on manifest.mpd) or shaka (Shaka Player on manifest.mpd). The DASH players are
// served by this origin from their npm packages, loaded only when chosen, and offered only for a title with a DASH
// manifest: for an HLS-only title (AES-128, MPEG-TS) ?engine=dashjs|shaka plays in hls.js with a notice saying so.
// Every engine offers the title's audio tracks and subtitle tracks in the Audio and Subtitles menus, named as the
// manifest names them (HLS NAME, DASH Label) with the language.
// A 'cbcs' title plays in the DASH engines through EME with the W3C Clear Key system: both players read the licence
// URL (dashif:Laurl, the origin's /titles/<id>/keys/clearkey with the token) from the manifest's ContentProtection.
// An audio-only title (a podcast episode: no variant has a picture) shows a panel saying so above a video element
// shrunk to its controls, instead of a black picture.
// With ?live=1 it plays a live stream (/live/<id>/master.m3u8) in hls.js's low-latency mode, with a LIVE badge and
// the distance to the live edge, and neither resumes nor saves a position.
// hls.js picks bitrates with StreamKit's own rule (streamkit-abr.js) on titles; ?abr=hlsjs keeps hls.js's built-in ABR.
// The heading and the poster shown before playback come from the viewer's catalog (GET /api/catalog/<id>); the
// link back to the browse page works because the token is kept in sessionStorage as the browse page keeps it.
(function () {
  'use strict';

  const HEARTBEAT_MS = 5000;
  // Where the browse page (browse.js) keeps the signed-in viewer's token.
  const VIEWER_TOKEN_KEY = 'streamkit.viewerToken';
  const EVENT_FLUSH_MS = 10000;
  const EVENT_BATCH_MAX = 500;
  const EVENT_FLUSH_AT = 50;
  // A saved position this close to either end starts from the beginning instead.
  const RESUME_MARGIN_SECONDS = 3;
  // Forward buffer cap. hls.js otherwise buffers up to 8 × maxBufferSize / bitrate (minutes of video on a fast
  // link). Bytes loaded past the point where a viewer stops are wasted (drop-off is the norm), and loads that keep
  // pace with playback let the ABR react to the network as it is now rather than once per several minutes. 30 s, as
  // hls.js's own maxBufferLength: StreamKit's rule plans to keep up to four chunks in reserve (24 s of the default
  // 6 s segments) against outages, and a cap below that reserve makes it pick lower rungs to build a buffer the
  // player will not hold (benchmarks/README.md, "The player's forward buffer").
  const FORWARD_BUFFER_SECONDS = 30;
  // The page recovers from a fatal media error by giving the player new media (hls.js re-attaches the video element,
  // dash.js and Shaka Player load the title again where it was); a second one this soon after means the media itself
  // does not play here (a segment the browser cannot decode, say), and playback fails with a message instead of
  // recovering in a loop.
  const MEDIA_RECOVERY_WINDOW_MS = 10000;

  // Versioned like the webjars: the build unpacks these npm packages (streamkit-server/pom.xml).
  const DASH_ENGINES = {
    dashjs: { name: 'dash.js', script: '/webjars/dashjs/5.2.1/dist/modern/umd/dash.all.min.js', start: startDashJs },
    shaka: {
      name: 'Shaka Player', script: '/webjars/shaka-player/5.2.12/dist/shaka-player.compiled.js', start: startShaka,
    },
  };

  const video = document.getElementById('video');
  const engineSelect = document.getElementById('engine');
  const quality = document.getElementById('quality');
  const speed = document.getElementById('speed');
  const levelNow = document.getElementById('level-now');
  const message = document.getElementById('message');

  const titleId = decodeURIComponent(location.pathname.split('/')[2] || '');
  const query = new URLSearchParams(location.search);
  const token = query.get('token') || '';
  const live = query.get('live') === '1';
  // A DASH engine gives way to hls.js when the title has no DASH manifest (see withdrawDashEngines).
  let engineName = !live && DASH_ENGINES[query.get('engine')] ? query.get('engine') : 'hls';
  let abrName = abrFor(engineName);
  // What the page asks of whichever player runs: its video qualities, the one playing, and how to pick one; the same
  // for audio tracks and subtitle tracks ({label, lang}; the current text track is -1 when subtitles are off).
  const engine = {
    levels: () => [],
    currentHeight: () => null,
    setLevel: () => {},
    audioTracks: () => [],
    currentAudio: () => -1,
    setAudio: () => {},
    textTracks: () => [],
    currentText: () => -1,
    setText: () => {},
  };
  const liveBadge = document.getElementById('live-badge');
  const LIVE_EDGE_REFRESH_MS = 500;
  // How far past hls.js's target latency a live viewer may fall (after a stall) before the page skips ahead to the
  // live sync position: a skip this long is worth making rather than watching the event this much later from then on.
  const LIVE_CATCH_UP_SECONDS = 3;
  const sessionId = randomId();
  const queue = [];
  let hls = null;
  let startedAt = performance.now();
  let startupSent = false;
  let rebufferingSince = null;
  let lastSaved = null;
  // Whether the viewer wants playback to go on: the page starts it, the viewer's pause stops wanting it. A browser
  // that refuses a segment pauses the element itself (with the element's error set, before the player hears of it);
  // that pause is not the viewer's, and once a player has attached new media the page starts playback again.
  let playbackWanted = true;
  let pausedByMediaError = false;
  let lastMediaRecovery = -Infinity;

  // Which rule picks the bitrates: StreamKit's in hls.js, hls.js's own, or the DASH player's (named as the engine).
  function abrFor(name) {
    return name !== 'hls' ? name
      : (live || query.get('abr') === 'hlsjs' || !window.StreamKitAbr ? 'hlsjs' : 'streamkit');
  }

  function randomId() {
    // crypto.randomUUID needs a secure context; getRandomValues does not.
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  function show(text, isError) {
    message.textContent = text;
    message.className = isError ? 'message error' : 'message';
  }

  function api(method, path, body, keepalive) {
    const init = { method: method, headers: {}, keepalive: !!keepalive };
    let url = path;
    if (keepalive) {
      // A request that outlives the page cannot rely on anything but its URL.
      url += (path.indexOf('?') < 0 ? '?' : '&') + 'token=' + encodeURIComponent(token);
    } else {
      init.headers.Authorization = 'Bearer ' + token;
    }
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch(url, init);
  }

  async function errorText(response) {
    try {
      const body = await response.json();
      return body.message || body.error || response.statusText;
    } catch (e) {
      return response.status + ' ' + response.statusText;
    }
  }

  function record(type, attributes) {
    const event = { type: type, positionSeconds: round(video.currentTime), time: new Date().toISOString() };
    if (attributes) {
      const strings = {};
      Object.keys(attributes).forEach((k) => { strings[k] = String(attributes[k]); });
      event.attributes = strings;
    }
    queue.push(event);
    if (queue.length >= EVENT_FLUSH_AT) {
      flushEvents(false);
    }
  }

  function flushEvents(leaving) {
    while (queue.length > 0) {
      const events = queue.splice(0, EVENT_BATCH_MAX);
      api('POST', '/api/events', { sessionId: sessionId, events: events }, leaving).catch(() => {});
    }
  }

  function round(seconds) {
    return Math.round(seconds * 10) / 10;
  }

  function saveProgress(leaving) {
    if (live || !isFinite(video.duration) || video.duration <= 0) {
      return;
    }
    const body = {
      positionSeconds: round(video.currentTime),
      durationSeconds: round(video.duration),
      clientTime: new Date().toISOString(),
    };
    if (lastSaved && lastSaved.positionSeconds === body.positionSeconds && !leaving) {
      return;
    }
    lastSaved = body;
    api('PUT', '/api/progress/' + encodeURIComponent(titleId), body, leaving)
      .then(async (r) => { if (!r.ok && r.status !== 202) show('Progress not saved: ' + await errorText(r), true); })
      .catch(() => {});
  }

  async function savedPosition() {
    if (live) {
      return 0;
    }
    try {
      const r = await api('GET', '/api/progress/' + encodeURIComponent(titleId));
      if (!r.ok) {
        return 0;
      }
      const p = await r.json();
      const position = Number(p.positionSeconds) || 0;
      const duration = Number(p.durationSeconds) || 0;
      if (p.completed || position < RESUME_MARGIN_SECONDS
          || (duration > 0 && position > duration - RESUME_MARGIN_SECONDS)) {
        return 0;
      }
      return position;
    } catch (e) {
      return 0;
    }
  }

  function currentLevelHeight() {
    return engine.currentHeight() || video.videoHeight || null;
  }

  function levelLabel(level) {
    const kbps = Math.round((level.bitrate || 0) / 1000);
    return (level.height ? level.height + 'p' : 'audio') + ' · ' + kbps + ' kbit/s';
  }

  // Levels are {height, bitrate}; the option values are their indexes in engine.levels().
  function fillQualities() {
    while (quality.options.length > 1) {
      quality.remove(1);
    }
    engine.levels()
      .map((level, index) => ({ level: level, index: index }))
      .sort((a, b) => b.level.bitrate - a.level.bitrate)
      .forEach((entry) => quality.add(new Option(levelLabel(entry.level), String(entry.index))));
  }

  function trackLabel(track) {
    return track.label && track.lang ? track.label + ' (' + track.lang + ')' : (track.label || track.lang || '?');
  }

  function fillMenu(select, tracks, current, keep) {
    while (select.options.length > keep) {
      select.remove(keep);
    }
    tracks.forEach((track, index) => select.add(new Option(trackLabel(track), String(index))));
    select.value = String(current);
  }

  // Audio and subtitle menus, from whichever engine runs: each engine calls this when its tracks or its choice change.
  // The audio menu shows when there is a choice; the subtitle menu ("Off" first) when the title has subtitles.
  function fillTrackMenus() {
    const audio = engine.audioTracks();
    const text = engine.textTracks();
    fillMenu(document.getElementById('audio'), audio, engine.currentAudio(), 0);
    fillMenu(document.getElementById('subtitles'), text, engine.currentText(), 1);
    document.getElementById('audio-choice').hidden = audio.length < 2;
    document.getElementById('subtitles-choice').hidden = text.length === 0;
    const playing = audio[engine.currentAudio()];
    window.streamkitPlayer.audioLanguage = playing ? playing.lang : null;
  }

  // Once the engine knows the title's qualities: when none has a picture the title is audio only, and the page shows
  // the audio panel (with what plays) instead of an empty black video area.
  function showPictureOrAudio() {
    const levels = engine.levels();
    const audioOnly = levels.every((level) => !level.height);
    window.streamkitPlayer.audioOnly = audioOnly;
    document.body.classList.toggle('audio-only', audioOnly);
    document.getElementById('audio-only').hidden = !audioOnly;
  }

  // Every engine reports its switches here: the page shows the level, tests read it, QoE gets variant_switch.
  function levelSwitched(level) {
    const previous = window.streamkitPlayer.levelHeight;
    window.streamkitPlayer.levelHeight = level ? level.height : null;
    window.streamkitPlayer.switches.push({ height: level ? level.height : null });
    levelNow.textContent = level ? 'Playing ' + levelLabel(level) : '';
    if (level && previous !== undefined && previous !== level.height) {
      record('variant_switch', { fromHeight: previous, toHeight: level.height, bitrate: level.bitrate });
    }
  }

  // Whether a media error may be recovered from now (none within MEDIA_RECOVERY_WINDOW_MS); if so, this is the one.
  function mediaRecoveryAllowed() {
    if (performance.now() - lastMediaRecovery <= MEDIA_RECOVERY_WINDOW_MS) {
      return false;
    }
    lastMediaRecovery = performance.now();
    return true;
  }

  // A DASH player's fatal error: shown, counted as a QoE error, and kept for tests.
  function failed(text) {
    window.streamkitPlayer.errors.push(text);
    record('error', { message: text });
    show('Playback failed: ' + text, true);
  }

  function play() {
    const attempt = video.play();
    if (attempt && attempt.catch) {
      attempt.catch((e) => {
        if (e.name === 'NotAllowedError') {
          // Browsers allow autoplay only without sound.
          video.muted = true;
          video.play().catch(() => show('Press play to start.', false));
        }
      });
    }
  }

  function watchMediaElement() {
    video.addEventListener('playing', () => {
      if (!startupSent) {
        startupSent = true;
        const level = engine.levels().find((l) => l.height && l.height === engine.currentHeight());
        const startup = { startupMs: Math.round(performance.now() - startedAt), engine: engineName };
        if (level) {
          startup.bitrate = level.bitrate;
        }
        record('startup', startup);
      }
      if (rebufferingSince !== null) {
        record('rebuffer_end', { durationMs: Math.round(performance.now() - rebufferingSince) });
        rebufferingSince = null;
      }
      show('', false);
    });
    video.addEventListener('waiting', () => {
      // Waiting before the first frame is startup, and waiting for a seek is the viewer's doing.
      if (startupSent && !video.seeking && rebufferingSince === null) {
        rebufferingSince = performance.now();
        record('rebuffer_start');
      }
    });
    video.addEventListener('play', () => {
      playbackWanted = true;
      record('play');
    });
    video.addEventListener('pause', () => {
      if (video.error) {
        pausedByMediaError = true;
      } else if (!video.ended) {
        playbackWanted = false;
        record('pause');
        saveProgress(false);
      }
    });
    // Chromium pauses the element on a media error, with or without a pause event.
    video.addEventListener('error', () => { pausedByMediaError = true; });
    // Each player recovers from a media error by attaching the element to a new MediaSource; playing from its
    // metadata on lets the player skip a gap the refused segment left at the playhead.
    video.addEventListener('loadedmetadata', () => {
      if (pausedByMediaError && !video.error) {
        pausedByMediaError = false;
        if (playbackWanted && video.paused) {
          play();
        }
      }
    });
    video.addEventListener('seeked', () => record('seek'));
    video.addEventListener('ended', () => {
      record('ended');
      saveProgress(false);
      flushEvents(false);
    });
    video.addEventListener('ratechange', () => { speed.value = String(video.playbackRate); });
    speed.addEventListener('change', () => { video.playbackRate = Number(speed.value); });
    window.addEventListener('pagehide', () => {
      saveProgress(true);
      flushEvents(true);
      // Frees this device's stream slot at once rather than after the origin's idle timeout.
      navigator.sendBeacon('/api/sessions/stop?token=' + encodeURIComponent(token));
    });
    setInterval(() => { if (!video.paused && !video.ended) saveProgress(false); }, HEARTBEAT_MS);
    setInterval(() => flushEvents(false), EVENT_FLUSH_MS);
  }

  function masterUrl() {
    return '/' + (live ? 'live' : 'titles') + '/' + encodeURIComponent(titleId) + '/master.m3u8?token='
      + encodeURIComponent(token);
  }

  // The LIVE badge and how far behind the live edge the picture is (hls.js's latency estimate, from the program
  // date-times and the playlist's end). When the stream ends the badge says so.
  //
  // Latency a stall cost is regained: hls.js holds the latency it resumes at (it seeks back to the edge only once the
  // position falls out of the playlist's window, or past liveMaxLatencyDuration, which hls.js 1.4 accepts only beside
  // a liveSyncDuration that would replace the playlist's PART-HOLD-BACK as its target). So once playback runs again
  // more than LIVE_CATCH_UP_SECONDS behind hls.js's target latency, the page jumps to hls.js's live sync position if
  // that skips more than LIVE_CATCH_UP_SECONDS of the stream. A viewer who paused or sought back chose to be behind
  // and stays there (within the window) until they come back near the edge or press the badge, which jumps to it.
  function watchLiveEdge() {
    liveBadge.hidden = false;
    liveBadge.title = 'Go to the live edge';
    let behindByChoice = false;
    let lastPosition = 0;
    let catchingUp = false;
    const jumpToLiveEdge = () => {
      const edge = hls && hls.liveSyncPosition;
      if (Number.isFinite(edge) && edge > video.currentTime) {
        catchingUp = true;
        video.currentTime = edge;
      }
    };
    video.addEventListener('pause', () => {
      if (!video.ended) {
        behindByChoice = true;
      }
    });
    video.addEventListener('seeking', () => {
      // hls.js only ever moves the position forward (to the start, over gaps, to the edge); a step back is the viewer's.
      if (!catchingUp && video.currentTime < lastPosition - 1) {
        behindByChoice = true;
      }
    });
    video.addEventListener('seeked', () => { catchingUp = false; });
    video.addEventListener('timeupdate', () => {
      if (!video.seeking) {
        lastPosition = video.currentTime;
      }
    });
    liveBadge.addEventListener('click', () => {
      if (hls && liveBadge.textContent !== 'ENDED') {
        behindByChoice = false;
        jumpToLiveEdge();
        play();
      }
    });
    setInterval(() => {
      if (!hls || video.ended || liveBadge.textContent === 'ENDED') {
        return;
      }
      const behind = hls.latency;
      window.streamkitPlayer.liveLatency = isFinite(behind) ? behind : null;
      window.streamkitPlayer.liveBehindByChoice = behindByChoice;
      liveBadge.textContent = isFinite(behind) && behind > 0 ? 'LIVE · ' + behind.toFixed(1) + ' s behind' : 'LIVE';
      const target = hls.targetLatency;
      const playing = !video.paused && !video.seeking && video.readyState >= HTMLMediaElement.HAVE_FUTURE_DATA;
      if (!playing || !Number.isFinite(behind) || !Number.isFinite(target) || catchingUp) {
        return;
      }
      // hls.js's latency counts the time since the playlist last grew: while a publisher is away the edge stands
      // still and the latency climbs, but the sync position does not move past the media, so nothing is skipped.
      const skip = hls.liveSyncPosition - video.currentTime;
      if (behind <= target + LIVE_CATCH_UP_SECONDS) {
        behindByChoice = false;
      } else if (!behindByChoice && skip > LIVE_CATCH_UP_SECONDS) {
        jumpToLiveEdge();
      }
    }, LIVE_EDGE_REFRESH_MS);
    video.addEventListener('ended', showLiveEnded);
  }

  // The playlist ended (EXT-X-ENDLIST): the broadcast is over, though the last seconds may still be playing.
  function showLiveEnded() {
    if (liveBadge.textContent !== 'ENDED') {
      liveBadge.textContent = 'ENDED';
      liveBadge.className = 'live-badge ended';
      show('The live stream has ended.', false);
    }
  }

  function startHls(startPosition) {
    const source = masterUrl();
    const config = live ? {
      lowLatencyMode: true,
      backBufferLength: FORWARD_BUFFER_SECONDS,
    } : {
      startPosition: startPosition > 0 ? startPosition : -1,
      maxBufferLength: FORWARD_BUFFER_SECONDS,
      maxMaxBufferLength: FORWARD_BUFFER_SECONDS,
    };
    if (!live) {
      // Common Media Client Data (CTA-5004) with every playlist and segment request: buffer length, measured
      // throughput, encoded bitrate and starvations reach the origin's QoE rollups under this session's id. As
      // headers (CMCD-Request, -Object, -Session, -Status), not a CMCD= query parameter: the page is on the origin,
      // and the segment URLs, and so a CDN's cache keys, stay the same for every viewer.
      config.cmcd = { sessionId: sessionId, contentId: titleId, useHeaders: true };
    }
    if (abrName === 'streamkit') {
      // The look-ahead reads the next segments' sizes from the packager's segment-sizes.json, through the token gate.
      config.abrController = StreamKitAbr.controllerFor('/titles/' + encodeURIComponent(titleId)
        + '/segment-sizes.json?token=' + encodeURIComponent(token));
    }
    hls = new Hls(config);
    window.streamkitPlayer.hls = hls;
    engine.levels = () => hls.levels.map((level) => ({ height: level.height, bitrate: level.bitrate }));
    engine.currentHeight = () => (hls.currentLevel >= 0 && hls.levels[hls.currentLevel]
      ? hls.levels[hls.currentLevel].height : null);
    // currentLevel switches at once (flushing the buffer); -1 hands the choice back to hls.js's ABR.
    engine.setLevel = (index) => { hls.currentLevel = index; };
    hls.on(Hls.Events.MANIFEST_PARSED, () => {
      fillQualities();
      showPictureOrAudio();
      play();
    });
    if (live) {
      hls.on(Hls.Events.LEVEL_UPDATED, (event, data) => {
        if (data.details && data.details.live === false) {
          showLiveEnded();
        }
      });
    }
    hls.on(Hls.Events.LEVEL_SWITCHED, (event, data) => levelSwitched(engine.levels()[data.level]));
    hls.on(Hls.Events.ERROR, (event, data) => {
      const code = data.response && data.response.code;
      if (data.fatal || code === 403) {
        record('error', { message: data.type + ': ' + data.details + (code ? ' (HTTP ' + code + ')' : '') });
      }
      if (code === 403 || code === 401) {
        hls.destroy();
        show(refusalReason(data) || 'This playback link is not valid for this title any more; ask for a new one.',
          true);
        return;
      }
      if (!data.fatal) {
        return;
      }
      if (data.type === Hls.ErrorTypes.NETWORK_ERROR) {
        show('Network trouble; retrying…', true);
        hls.startLoad();
      } else if (data.type === Hls.ErrorTypes.MEDIA_ERROR
          && mediaRecoveryAllowed()) {
        // hls.js recovers by detaching the video element and attaching it to a new MediaSource, and a new source
        // pauses the element (HTML, "media element load algorithm"); hls.js seeks back to where it was once the
        // first fragment is buffered, and the page starts it again then, unless the viewer had paused. Started
        // before that seek, the element plays the first fragment from zero for a moment.
        const resume = (event, buffered) => {
          if (buffered.frag.type === 'main') {
            hls.off(Hls.Events.FRAG_BUFFERED, resume);
            if (playbackWanted) {
              play();
            }
          }
        };
        hls.on(Hls.Events.FRAG_BUFFERED, resume);
        hls.recoverMediaError();
      } else {
        show('Playback failed: ' + data.details, true);
        hls.destroy();
      }
    });
    watchTracks();
    hls.loadSource(source);
    hls.attachMedia(video);
  }

  // The title's EXT-X-MEDIA renditions (RFC 8216 section 4.3.4.1): hls.js lists the audio tracks of the playing
  // variant's group and the subtitle tracks, fetches the chosen subtitle track's WebVTT segments and renders the cues
  // natively on the video element.
  function watchTracks() {
    engine.audioTracks = () => hls.audioTracks.map((t) => ({ label: t.name, lang: t.lang }));
    engine.currentAudio = () => hls.audioTrack;
    engine.setAudio = (index) => { hls.audioTrack = index; };
    engine.textTracks = () => hls.subtitleTracks.map((t) => ({ label: t.name, lang: t.lang }));
    engine.currentText = () => (hls.subtitleDisplay ? hls.subtitleTrack : -1);
    engine.setText = (index) => {
      hls.subtitleDisplay = index >= 0;
      hls.subtitleTrack = index;
    };
    [Hls.Events.AUDIO_TRACKS_UPDATED, Hls.Events.AUDIO_TRACK_SWITCHED, Hls.Events.SUBTITLE_TRACKS_UPDATED,
      Hls.Events.SUBTITLE_TRACK_SWITCH].forEach((e) => hls.on(e, fillTrackMenus));
  }

  function dashUrl() {
    return '/titles/' + encodeURIComponent(titleId) + '/manifest.mpd?token=' + encodeURIComponent(token);
  }

  // dash.js 5 passes Clear Key init data to generateRequest() as 'keyids' even when it is the manifest's cenc:pssh,
  // a pssh box (ISO/IEC 23001-7 section 8.1), which the CDM then refuses with a TypeError. A pssh box is 'cenc' init
  // data (W3C EME Initialization Data Format Registry), so it is named so here; the CDM then reads from it every key
  // id of the title, rotated keys included, and asks for them all in one licence request.
  function passPsshAsCenc() {
    if (MediaKeySession.prototype.generateRequest.passesPsshAsCenc) {
      return;
    }
    const generateRequest = MediaKeySession.prototype.generateRequest;
    MediaKeySession.prototype.generateRequest = function (type, initData) {
      const bytes = ArrayBuffer.isView(initData)
        ? new Uint8Array(initData.buffer, initData.byteOffset, initData.byteLength) : new Uint8Array(initData);
      const pssh = bytes.length > 8 && String.fromCharCode(bytes[4], bytes[5], bytes[6], bytes[7]) === 'pssh';
      return generateRequest.call(this, type === 'keyids' && pssh ? 'cenc' : type, initData);
    };
    MediaKeySession.prototype.generateRequest.passesPsshAsCenc = true;
  }

  function startDashJs(startPosition) {
    if (window.MediaKeySession) {
      passPsshAsCenc();
    }
    const player = dashjs.MediaPlayer().create();
    window.streamkitPlayer.dashjs = player;
    player.updateSettings({
      streaming: { buffer: {
        bufferTimeDefault: FORWARD_BUFFER_SECONDS,
        bufferTimeAtTopQuality: FORWARD_BUFFER_SECONDS,
        bufferTimeAtTopQualityLongForm: FORWARD_BUFFER_SECONDS,
      } },
      // dash.js's own recovery from a decode error makes a new MediaSource but does not load again the segment the
      // browser refused, and waits on the hole it leaves for good; the page loads the title again instead (below).
      errors: { recoverAttempts: { mediaErrorDecode: 0 } },
    });
    const level = (r) => (r ? { height: r.height, bitrate: r.bandwidth } : null);
    engine.levels = () => player.getRepresentationsByType('video').map(level);
    engine.currentHeight = () => {
      const r = player.getCurrentRepresentationForType('video');
      return r ? r.height : null;
    };
    engine.setLevel = (index) => {
      player.updateSettings({ streaming: { abr: { autoSwitchBitrate: { video: index < 0 } } } });
      if (index >= 0) {
        player.setRepresentationForTypeByIndex('video', index, true);
      }
    };
    // Tracks are the manifest's AdaptationSets (their lang and Label); the text ones are WebVTT files that dash.js
    // renders as native text tracks of the video element.
    const label = (t) => (t.labels && t.labels.length > 0 ? t.labels[0].text : null);
    const indexOf = (tracks, t) => (t ? tracks.findIndex((c) => c.id === t.id) : -1);
    engine.audioTracks = () => player.getTracksFor('audio').map((t) => ({ label: label(t), lang: t.lang }));
    engine.currentAudio = () => indexOf(player.getTracksFor('audio'), player.getCurrentTrackFor('audio'));
    engine.setAudio = (index) => player.setCurrentTrack(player.getTracksFor('audio')[index]);
    engine.textTracks = () => player.getTracksFor('text').map((t) => ({ label: label(t), lang: t.lang }));
    engine.currentText = () => (player.isTextEnabled()
      ? indexOf(player.getTracksFor('text'), player.getCurrentTrackFor('text')) : -1);
    engine.setText = (index) => {
      player.enableText(index >= 0);
      player.setTextTrack(index);
    };
    const events = dashjs.MediaPlayer.events;
    [events.TEXT_TRACKS_ADDED, events.TRACK_CHANGE_RENDERED].forEach((e) => player.on(e, fillTrackMenus));
    player.on(events.STREAM_INITIALIZED, () => {
      fillQualities();
      showPictureOrAudio();
      fillTrackMenus();
      levelSwitched(level(player.getCurrentRepresentationForType('video')));
    });
    player.on(events.QUALITY_CHANGE_RENDERED, (e) => {
      if (e.mediaType === 'video') {
        levelSwitched(level(player.getCurrentRepresentationForType('video')));
      }
    });
    player.on(events.ERROR, (e) => {
      const error = e.error || {};
      const position = video.currentTime;
      player.reset();
      if (error.code === MediaError.MEDIA_ERR_DECODE
          && mediaRecoveryAllowed()) {
        record('error', { message: 'dash.js ' + error.code + ' ' + error.message + '; loading again at ' + position });
        startDashJs(position);
        return;
      }
      failed('dash.js ' + (error.code || '') + ' ' + (error.message || e.type));
    });
    // A title starts where every audio and video track has a segment: at 0 for a title whose Period starts with its
    // first frame (presentationTimeOffset). In a title packaged before that, an audio track starts after 0 (by the
    // video's reorder delay less the audio encoder's priming), and dash.js 5.2, finding no audio segment at 0, seeks
    // to the first one once the element has its metadata; when the video's own first seek (to its first frame) comes
    // before that seek is seen, the audio track waits for a seek event that never comes and is never requested:
    // playback stays at the start with a full video buffer.
    player.initialize(video, null, true);
    player.retrieveManifest(dashUrl(), (manifest) => {
      const everyTrack = manifest ? startWithEveryTrack(manifest) : NaN;
      const start = Math.max(startPosition > 0 ? startPosition : 0, everyTrack > 0 ? everyTrack : 0);
      window.streamkitPlayer.dashStart = start;
      player.attachSource(manifest || dashUrl(), start > 0 ? start : undefined);
    });
  }

  // The earliest time of a title's manifest (static, one Period) at which every audio and video Representation has
  // a segment (ISO/IEC 23009-1 section 5.3.9.6: S@t less presentationTimeOffset, in the timescale, after
  // Period@start).
  function startWithEveryTrack(manifest) {
    const list = (x) => (x == null ? [] : [].concat(x));
    const period = list(manifest.Period)[0];
    if (!period) {
      return NaN;
    }
    let latest = 0;
    list(period.AdaptationSet).forEach((set) => {
      const kind = set.contentType || String(set.mimeType || '').split('/')[0];
      list(kind === 'audio' || kind === 'video' ? set.Representation : []).forEach((representation) => {
        const template = representation.SegmentTemplate || set.SegmentTemplate;
        const first = template && template.SegmentTimeline ? list(template.SegmentTimeline.S)[0] : null;
        if (first) {
          const ticks = Number(first.t || 0) - Number(template.presentationTimeOffset || 0);
          latest = Math.max(latest, ticks / Number(template.timescale || 1));
        }
      });
    });
    return latest + Number(period.start || 0);
  }

  async function startShaka(startPosition) {
    shaka.polyfill.installAll();
    if (!shaka.Player.isBrowserSupported()) {
      show('This browser cannot play DASH (no Media Source Extensions).', true);
      return;
    }
    const player = new shaka.Player();
    window.streamkitPlayer.shaka = player;
    player.configure({ streaming: { bufferingGoal: FORWARD_BUFFER_SECONDS } });
    // One quality per picture height: Shaka's variants pair each video track with each audio track.
    const videoTracks = () => {
      const byHeight = new Map();
      player.getVariantTracks().forEach((t) => {
        if (t.height && (!byHeight.has(t.height) || t.active)) {
          byHeight.set(t.height, t);
        }
      });
      return Array.from(byHeight.values());
    };
    const active = () => player.getVariantTracks().find((t) => t.active);
    engine.levels = () => videoTracks().map((t) => ({ height: t.height, bitrate: t.bandwidth }));
    engine.currentHeight = () => (active() ? active().height : null);
    engine.setLevel = (index) => {
      player.configure({ abr: { enabled: index < 0 } });
      const track = videoTracks()[index];
      if (track) {
        player.selectVariantTrack(track, true);
      }
    };
    const switched = () => {
      const t = active();
      levelSwitched(t ? { height: t.height, bitrate: t.bandwidth } : null);
    };
    // Shaka Player 5 lists the audio tracks playable with the current video track (its variants pair each audio
    // track with each video track) and the text tracks, the manifest's WebVTT files rendered as native text tracks of
    // the video element; selecting a text track shows it, selecting none hides subtitles.
    const audioLabel = (t) => (t.label || '') + (t.channelsCount > 2 ? ' ' + (t.channelsCount - 1) + '.1' : '');
    engine.audioTracks = () => player.getAudioTracks().map((t) => ({ label: audioLabel(t), lang: t.language }));
    engine.currentAudio = () => player.getAudioTracks().findIndex((t) => t.active);
    engine.setAudio = (index) => player.selectAudioTrack(player.getAudioTracks()[index]);
    engine.textTracks = () => player.getTextTracks().map((t) => ({ label: t.label, lang: t.language }));
    engine.currentText = () => player.getTextTracks().findIndex((t) => t.active);
    engine.setText = (index) => player.selectTextTrack(index >= 0 ? player.getTextTracks()[index] : null);
    ['trackschanged', 'variantchanged', 'audiotrackschanged', 'audiotrackchanged', 'textchanged'].forEach((e) =>
      player.addEventListener(e, fillTrackMenus));
    player.addEventListener('adaptation', switched);
    player.addEventListener('variantchanged', switched);
    // A segment the browser refused (3014, or 3016 from the element): the page loads the title again where it was,
    // in a new player; what the replaced one reports after that is no longer news.
    const onError = (code) => {
      if (window.streamkitPlayer.shaka !== player) {
        return;
      }
      if ((code === shaka.util.Error.Code.MEDIA_SOURCE_OPERATION_FAILED || code === shaka.util.Error.Code.VIDEO_ERROR)
          && mediaRecoveryAllowed()) {
        const position = video.currentTime;
        record('error', { message: 'Shaka Player ' + code + '; loading again at ' + position });
        window.streamkitPlayer.shaka = null;
        player.destroy().then(() => startShaka(position));
        return;
      }
      failed('Shaka Player ' + code);
    };
    player.addEventListener('error', (e) => onError(e.detail.code));
    try {
      await player.attach(video);
      await player.load(dashUrl(), startPosition > 0 ? startPosition : null);
    } catch (e) {
      onError(e && e.code ? e.code : e);
      return;
    }
    fillQualities();
    showPictureOrAudio();
    fillTrackMenus();
    switched();
    play();
  }

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = src;
      script.onload = resolve;
      script.onerror = () => reject(new Error('cannot load ' + src));
      document.body.appendChild(script);
    });
  }

  // The select reloads the page with ?engine=, so each player starts clean (and resumes where this one was).
  function offerEngines() {
    engineSelect.value = engineName;
    engineSelect.disabled = live;
    engineSelect.addEventListener('change', () => {
      const next = new URLSearchParams(location.search);
      next.set('engine', engineSelect.value);
      saveProgress(false);
      location.search = next.toString();
    });
  }

  // Only titles packaged with a DASH manifest have one (AES-128 and MPEG-TS titles are HLS only), and a player page
  // knows just its token: a HEAD of the manifest (the same session as the playback that follows) tells.
  async function hasDashManifest() {
    try {
      return (await fetch(dashUrl(), { method: 'HEAD' })).ok;
    } catch (e) {
      return false;
    }
  }

  // The DASH engines leave the select; one asked for by ?engine= gives way to hls.js, saying so in a line of its own
  // (the status line is cleared once playback starts).
  function withdrawDashEngines() {
    Object.keys(DASH_ENGINES).forEach((name) => {
      const option = engineSelect.querySelector('option[value="' + name + '"]');
      if (option) {
        option.remove();
      }
    });
    if (DASH_ENGINES[engineName]) {
      const notice = document.getElementById('engine-notice');
      notice.textContent = 'This title has no DASH manifest (it is HLS only), so it plays with hls.js instead of '
        + DASH_ENGINES[engineName].name + '.';
      notice.hidden = false;
      engineName = 'hls';
      abrName = abrFor(engineName);
      window.streamkitPlayer.engine = engineName;
      window.streamkitPlayer.abr = abrName;
      engineSelect.value = engineName;
    }
  }

  // The origin's reason for refusing the master playlist when the viewer can act on it: too many streams at once.
  function refusalReason(data) {
    try {
      const details = data.networkDetails;
      const body = JSON.parse(details && typeof details.responseText === 'string' ? details.responseText : '');
      if (body.error === 'too_many_streams' && typeof body.message === 'string') {
        return body.message.charAt(0).toUpperCase() + body.message.slice(1) + '.';
      }
    } catch (e) {
      // Not the origin's JSON error: the generic message stands.
    }
    return null;
  }

  // The title's name and poster, as the viewer's catalog lists them to this token; the video element shows the poster
  // until the first frame. A title the catalog does not list to the token (a moderator's preview) keeps the generic
  // heading.
  async function showTitleCard() {
    try {
      const r = await api('GET', '/api/catalog/' + encodeURIComponent(titleId));
      if (!r.ok) {
        return;
      }
      const title = await r.json();
      document.getElementById('title-text').textContent = title.name;
      document.title = title.name + ' · StreamKit';
      window.streamkitPlayer.titleName = title.name;
      if (title.posterPath && !video.currentTime) {
        video.poster = title.posterPath + '?token=' + encodeURIComponent(token);
      }
    } catch (e) {
      // No heading is worth an error line: playback goes on.
    }
  }

  function startNative(startPosition) {
    video.src = masterUrl();
    video.addEventListener('loadedmetadata', () => {
      if (startPosition > 0) {
        video.currentTime = startPosition;
      }
      play();
    }, { once: true });
    quality.disabled = true;
  }

  window.streamkitPlayer = {
    hls: null,
    engine: engineName,
    abr: abrName,
    errors: [],
    sessionId: sessionId,
    currentLevelHeight: currentLevelHeight,
    switches: [],
    levelHeight: undefined,
    resumedFrom: null,
    dashStart: null,
    live: live,
    liveLatency: null,
    liveBehindByChoice: false,
    audioLanguage: null,
    titleName: null,
    flush: () => { saveProgress(false); flushEvents(false); },
  };

  async function start() {
    if (!titleId || !token) {
      show('This page needs a title and a playback token: /play/<title id>?token=<token>.', true);
      return;
    }
    if (!sessionStorage.getItem(VIEWER_TOKEN_KEY)) {
      sessionStorage.setItem(VIEWER_TOKEN_KEY, token);
    }
    if (!live) {
      showTitleCard();
    }
    watchMediaElement();
    offerEngines();
    quality.addEventListener('change', () => engine.setLevel(Number(quality.value)));
    document.getElementById('audio').addEventListener('change', (e) => engine.setAudio(Number(e.target.value)));
    document.getElementById('subtitles').addEventListener('change', (e) => engine.setText(Number(e.target.value)));
    if (live) {
      watchLiveEdge();
    }
    const [startPosition, dashOffered] = await Promise.all([savedPosition(), live || hasDashManifest()]);
    if (!dashOffered) {
      withdrawDashEngines();
    }
    window.streamkitPlayer.resumedFrom = startPosition;
    startedAt = performance.now();
    if (DASH_ENGINES[engineName]) {
      try {
        await loadScript(DASH_ENGINES[engineName].script);
      } catch (e) {
        failed(e.message);
        return;
      }
      DASH_ENGINES[engineName].start(startPosition);
    } else if (window.Hls && Hls.isSupported()) {
      startHls(startPosition);
    } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
      startNative(startPosition);
    } else {
      show('This browser cannot play HLS (no Media Source Extensions).', true);
    }
  }

  start();
})();
