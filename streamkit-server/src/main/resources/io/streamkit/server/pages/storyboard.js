// Seek previews on the player page from the title's storyboard, storyboard/storyboard.vtt: W3C WebVTT cues whose
// text is a sprite-sheet URL with a W3C Media Fragments spatial rectangle (#xywh=x,y,w,h, section 4.2.1), the token
// already spliced in by the origin. The native <video controls> seek bar reports no hover position, so a slim scrub
// bar under the video maps the pointer's x to a time, shows that time's tile (the sheet as a CSS background, shifted
// by -x -y) with the time under it, and seeks on click. A title without a storyboard, or a live stream, has no bar.
(function () {
  'use strict';

  const video = document.getElementById('video');
  const bar = document.getElementById('scrubber');
  const played = document.getElementById('scrubber-played');
  const preview = document.getElementById('storyboard-preview');
  const label = document.getElementById('storyboard-time');

  const titleId = decodeURIComponent(location.pathname.split('/')[2] || '');
  const query = new URLSearchParams(location.search);
  const token = query.get('token') || '';
  const state = { cues: [], shown: null };
  window.streamkitStoryboard = state;

  // WebVTT timestamp (section 4.1): [hh:]mm:ss.ttt.
  function seconds(text) {
    return text.trim().split(':').reduce((total, part) => total * 60 + Number(part), 0);
  }

  function parseCues(text, base) {
    const cues = [];
    text.replace(/\r\n?/g, '\n').split(/\n{2,}/).forEach((block) => {
      const lines = block.split('\n');
      const timing = lines.findIndex((line) => line.indexOf('-->') >= 0);
      if (timing < 0 || timing + 1 >= lines.length) {
        return;
      }
      const times = lines[timing].split('-->');
      const url = new URL(lines[timing + 1].trim(), base);
      const rectangle = /^#xywh=(?:pixel:)?(\d+),(\d+),(\d+),(\d+)$/.exec(url.hash);
      if (!rectangle) {
        return;
      }
      url.hash = '';
      cues.push({
        start: seconds(times[0]),
        end: seconds(times[1].trim().split(/\s+/)[0]),
        sheet: url.href,
        x: Number(rectangle[1]),
        y: Number(rectangle[2]),
        w: Number(rectangle[3]),
        h: Number(rectangle[4]),
      });
    });
    return cues;
  }

  // The cue shown at `time`: the last one starting at or before it (cues are in time order).
  function cueAt(time) {
    let low = 0;
    let high = state.cues.length - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (state.cues[middle].start <= time) {
        low = middle;
      } else {
        high = middle - 1;
      }
    }
    return state.cues[low];
  }

  function duration() {
    return isFinite(video.duration) && video.duration > 0 ? video.duration : state.cues[state.cues.length - 1].end;
  }

  function clock(time) {
    const whole = Math.floor(time);
    const h = Math.floor(whole / 3600);
    const m = Math.floor(whole / 60) % 60;
    const s = String(whole % 60).padStart(2, '0');
    return h > 0 ? h + ':' + String(m).padStart(2, '0') + ':' + s : m + ':' + s;
  }

  function timeAt(event) {
    const box = bar.getBoundingClientRect();
    const fraction = Math.min(1, Math.max(0, (event.clientX - box.left) / box.width));
    const total = duration();
    return { time: fraction * total, duration: total, offset: fraction * box.width, width: box.width };
  }

  function showPreview(event) {
    const at = timeAt(event);
    const cue = cueAt(at.time);
    preview.style.width = cue.w + 'px';
    preview.style.height = cue.h + 'px';
    preview.style.backgroundImage = 'url("' + cue.sheet + '")';
    preview.style.backgroundPosition = '-' + cue.x + 'px -' + cue.y + 'px';
    preview.style.left = Math.min(Math.max(0, at.offset - cue.w / 2), Math.max(0, at.width - cue.w)) + 'px';
    label.textContent = clock(at.time);
    preview.hidden = false;
    state.shown = { time: at.time, duration: at.duration, sheet: cue.sheet, x: cue.x, y: cue.y, w: cue.w, h: cue.h };
  }

  function hidePreview() {
    preview.hidden = true;
    state.shown = null;
  }

  async function load() {
    if (!titleId || !token || query.get('live') === '1') {
      return;
    }
    const index = new URL('/titles/' + encodeURIComponent(titleId) + '/storyboard/storyboard.vtt?token='
      + encodeURIComponent(token), location.href);
    let response;
    try {
      response = await fetch(index);
    } catch (e) {
      return;
    }
    if (!response.ok) {
      return;
    }
    state.cues = parseCues(await response.text(), index);
    if (state.cues.length === 0) {
      return;
    }
    bar.addEventListener('pointermove', showPreview);
    bar.addEventListener('pointerleave', hidePreview);
    bar.addEventListener('click', (event) => { video.currentTime = timeAt(event).time; });
    video.addEventListener('timeupdate', () => {
      played.style.width = (100 * Math.min(1, video.currentTime / duration())) + '%';
    });
    bar.hidden = false;
  }

  load();
})();
