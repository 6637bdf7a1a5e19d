// StreamKit admin console: upload, live transcode progress, moderation, play links and analytics, all through the
// management API with the admin key as a bearer token (see the platform API contract in docs/openapi.yaml).
(function () {
  'use strict';

  const POLL_MS = 1500;
  // Platform figures are aggregate queries; every few table polls is fresh enough.
  const FIGURES_EVERY_POLLS = 6;
  const KEY_STORAGE = 'streamkit.adminKey';
  const PLAY_TTL_SECONDS = 4 * 3600;

  const keyField = document.getElementById('admin-key');
  const viewerField = document.getElementById('viewer-id');
  const fileField = document.getElementById('file');
  const nameField = document.getElementById('title-name');
  const uploadButton = document.getElementById('upload');
  const uploadProgress = document.getElementById('upload-progress');
  const uploadStatus = document.getElementById('upload-status');
  const message = document.getElementById('message');
  const rowsBody = document.querySelector('#titles tbody');
  const rows = new Map();
  let analyticsTitleId = null;
  let polls = 0;

  function show(text, isError) {
    message.textContent = text;
    message.className = isError ? 'message error' : 'message';
  }

  function adminKey() {
    return keyField.value.trim();
  }

  function headers(extra) {
    const h = Object.assign({}, extra || {});
    if (adminKey()) {
      h.Authorization = 'Bearer ' + adminKey();
    }
    return h;
  }

  async function errorText(response) {
    try {
      const body = await response.json();
      return body.message || body.error || response.statusText;
    } catch (e) {
      return response.status + ' ' + response.statusText;
    }
  }

  // A change the server refused for its rate limit (429) stored nothing, so it is sent again once Retry-After has
  // passed: a limit slows an action or an upload down but never fails it. Reads are not retried: the next poll asks
  // again anyway, and waiting polls would pile up.
  async function fetchWithinLimit(path, init) {
    for (;;) {
      const response = await fetch(path, init);
      if (response.status !== 429 || init.method === 'GET') {
        return response;
      }
      const wait = Math.max(1, Number(response.headers.get('Retry-After')) || 1);
      await new Promise((r) => setTimeout(r, wait * 1000));
    }
  }

  async function api(method, path, body) {
    const init = { method: method, headers: headers(body === undefined ? {} : { 'Content-Type': 'application/json' }) };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
    }
    const response = await fetchWithinLimit(path, init);
    if (!response.ok) {
      const text = await errorText(response);
      throw new Error(response.status === 401 ? 'The admin key was not accepted: ' + text : text);
    }
    return response.status === 204 ? null : response.json();
  }

  // --- access -------------------------------------------------------------------------------------------------
  function restoreKey() {
    const params = new URLSearchParams(location.search);
    const fromUrl = params.get('key');
    if (fromUrl) {
      sessionStorage.setItem(KEY_STORAGE, fromUrl);
      // Keep the key out of history and of anything copied from the address bar.
      params.delete('key');
      history.replaceState(null, '', location.pathname + (params.toString() ? '?' + params : ''));
    }
    keyField.value = sessionStorage.getItem(KEY_STORAGE) || '';
    keyField.addEventListener('change', () => {
      sessionStorage.setItem(KEY_STORAGE, adminKey());
      show('', false);
      refresh();
    });
  }

  // --- upload -------------------------------------------------------------------------------------------------
  // Resumable upload, tus 1.0 core + creation (https://tus.io/protocols/resumable-upload): create the upload, then
  // PATCH it in chunks. A chunk that fails is retried from the offset the server reports (HEAD), so a dropped
  // connection costs at most one chunk. The upload URL is remembered per file (name, size, modification time), so
  // choosing the same file again after a reload resumes instead of starting over.
  const TUS_VERSION = '1.0.0';
  const CHUNK_BYTES = 8 * 1024 * 1024;
  const MAX_RETRIES = 5;
  const RESUME_STORAGE_PREFIX = 'streamkit.upload.';

  function base64Utf8(text) {
    const bytes = new TextEncoder().encode(text);
    let binary = '';
    bytes.forEach((b) => { binary += String.fromCharCode(b); });
    return btoa(binary);
  }

  function fingerprint(file) {
    return RESUME_STORAGE_PREFIX + [file.name, file.size, file.lastModified].join('/');
  }

  // A tus request; over the server's rate limit (429) it waits as long as Retry-After says and sends the same request
  // again (the server stored nothing of a refused request), so a limit slows an upload down but never fails it.
  async function tusRequest(method, url, extraHeaders, body, onProgress) {
    for (;;) {
      const xhr = await tusRequestOnce(method, url, extraHeaders, body, onProgress);
      if (xhr.status !== 429) {
        return xhr;
      }
      const wait = Math.max(1, Number(xhr.getResponseHeader('Retry-After')) || 1);
      uploadStatus.textContent = 'The server asks to slow down; going on in ' + wait + ' s…';
      await new Promise((r) => setTimeout(r, wait * 1000));
      uploadStatus.textContent = '';
    }
  }

  function tusRequestOnce(method, url, extraHeaders, body, onProgress) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open(method, url);
      Object.entries(headers(Object.assign({ 'Tus-Resumable': TUS_VERSION }, extraHeaders)))
        .forEach(([k, v]) => xhr.setRequestHeader(k, v));
      if (onProgress) {
        xhr.upload.addEventListener('progress', (e) => onProgress(e.loaded));
      }
      xhr.addEventListener('load', () => resolve(xhr));
      xhr.addEventListener('error', () => reject(new Error('the connection to the server was lost')));
      xhr.send(body === undefined ? null : body);
    });
  }

  function failure(xhr) {
    let text = xhr.status + ' ' + xhr.statusText;
    try { text = JSON.parse(xhr.responseText).message || text; } catch (e) { /* not JSON */ }
    return new Error(text);
  }

  async function uploadUrl(file, name) {
    const remembered = localStorage.getItem(fingerprint(file));
    if (remembered) {
      const head = await tusRequest('HEAD', remembered, {});
      if (head.status === 200) {
        return remembered;
      }
      localStorage.removeItem(fingerprint(file));
    }
    const created = await tusRequest('POST', '/api/uploads', {
      'Upload-Length': String(file.size),
      'Upload-Metadata': 'name ' + base64Utf8(name) + ',filename ' + base64Utf8(file.name),
    });
    if (created.status !== 201) {
      throw failure(created);
    }
    const url = created.getResponseHeader('Location');
    localStorage.setItem(fingerprint(file), url);
    return url;
  }

  async function serverOffset(url) {
    const head = await tusRequest('HEAD', url, {});
    if (head.status !== 200) {
      throw failure(head);
    }
    return Number(head.getResponseHeader('Upload-Offset'));
  }

  async function sendChunks(file, url, showProgress) {
    let offset = await serverOffset(url);
    let retries = 0;
    for (;;) {
      showProgress(offset);
      const end = Math.min(offset + CHUNK_BYTES, file.size);
      let patch;
      try {
        const start = offset;
        patch = await tusRequest('PATCH', url, {
          'Content-Type': 'application/offset+octet-stream',
          'Upload-Offset': String(offset),
        }, file.slice(offset, end), (loaded) => showProgress(start + loaded));
      } catch (e) {
        patch = null;
      }
      if (patch && patch.status === 204) {
        offset = Number(patch.getResponseHeader('Upload-Offset'));
        retries = 0;
        const titleId = patch.getResponseHeader('X-Title-Id');
        if (titleId || offset >= file.size) {
          return titleId;
        }
        continue;
      }
      if (patch && patch.status >= 400 && patch.status < 500 && patch.status !== 409) {
        throw failure(patch);
      }
      if (++retries > MAX_RETRIES) {
        throw patch ? failure(patch) : new Error('the connection to the server keeps failing');
      }
      uploadStatus.textContent = 'Connection trouble; resuming (attempt ' + retries + ' of ' + MAX_RETRIES + ')…';
      await new Promise((r) => setTimeout(r, 500 * 2 ** retries));
      try {
        offset = await serverOffset(url);
      } catch (e) {
        // Still unreachable: the next round waits longer. The offset stays what it was; a stale offset gets 409,
        // which is retried from the server's offset like any other failure.
      }
    }
  }

  // Direct upload (docs/storage.md): on a server that keeps media in S3, the file goes straight to the bucket through
  // pre-signed part URLs, never through the origin. The server answers 501 when it cannot pre-sign; then the
  // resumable upload above is used. Each part is retried a few times; an upload that fails is aborted.
  const PART_ATTEMPTS = 3;

  function putPart(url, blob, onProgress) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('PUT', url);   // the URL carries its own signature: no admin key goes to the storage
      xhr.upload.addEventListener('progress', (e) => onProgress(e.loaded));
      xhr.addEventListener('load', () => resolve(xhr));
      xhr.addEventListener('error', () => reject(new Error('the connection to the storage was lost')));
      xhr.send(blob);
    });
  }

  async function directUpload(file, name, onProgress) {
    const started = await fetchWithinLimit('/api/uploads/s3', {
      method: 'POST',
      headers: headers({ 'Content-Type': 'application/json' }),
      body: JSON.stringify({ size: file.size }),
    });
    if (started.status === 501 || started.status === 404) {
      return false;
    }
    if (!started.ok) {
      throw new Error(await errorText(started));
    }
    const upload = await started.json();
    const done = { key: upload.key, uploadId: upload.uploadId };
    try {
      const etags = [];
      let before = 0;
      for (const part of upload.parts) {
        let xhr = null;
        for (let attempt = 1; attempt <= PART_ATTEMPTS && !(xhr && xhr.status === 200); attempt++) {
          try {
            xhr = await putPart(part.url, file.slice(part.offset, part.offset + part.length),
              (sent) => onProgress(before + sent));
          } catch (e) {
            if (attempt === PART_ATTEMPTS) {
              throw e;
            }
          }
        }
        const etag = xhr.getResponseHeader('ETag');
        if (xhr.status !== 200 || !etag) {
          throw new Error('the storage refused part ' + part.partNumber + ' (' + xhr.status + ')'
            + (xhr.status === 200 ? '; its CORS rule must expose the ETag header' : ''));
        }
        etags.push(etag);
        before += part.length;
        onProgress(before);
      }
      await api('POST', '/api/uploads/s3/complete', Object.assign({ etags: etags, name: name }, done));
      return true;
    } catch (e) {
      api('POST', '/api/uploads/s3/abort', done).catch(() => { /* the bucket's lifecycle rule clears it */ });
      throw e;
    }
  }

  async function upload() {
    const file = fileField.files[0];
    if (!file) {
      show('Choose a video file first.', true);
      return;
    }
    if (!adminKey()) {
      show('Enter the admin key first.', true);
      return;
    }
    const name = nameField.value.trim() || file.name.replace(/\.[^.]+$/, '') || 'Untitled';
    uploadProgress.value = 0;
    uploadButton.disabled = true;
    uploadStatus.textContent = 'Uploading ' + file.name + '…';
    const progress = (sent) => {
      uploadProgress.value = file.size === 0 ? 100 : Math.floor((sent / file.size) * 100);
    };
    try {
      const direct = await directUpload(file, name, progress);
      if (!direct) {
        const url = await uploadUrl(file, name);
        await sendChunks(file, url, progress);
        localStorage.removeItem(fingerprint(file));
      }
      uploadProgress.value = 100;
      uploadStatus.textContent = 'Uploaded ' + file.name + (direct ? ' straight to storage' : '')
        + '; transcoding is queued.';
      fileField.value = '';
      nameField.value = '';
      show('', false);
      refresh();
    } catch (e) {
      uploadStatus.textContent = '';
      show('Upload of ' + file.name + ' failed: ' + e.message, true);
    } finally {
      uploadButton.disabled = false;
    }
  }

  // --- titles -------------------------------------------------------------------------------------------------
  function cell(row, index) {
    return row.children[index];
  }

  function formatDuration(seconds) {
    if (seconds === null || seconds === undefined) {
      return '';
    }
    const s = Math.round(seconds);
    return Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0');
  }

  function button(label, className, action) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.className = className;
    b.addEventListener('click', action);
    return b;
  }

  // Only the moves the workflow allows from each status (docs/platform.md); the server refuses any other.
  function actionsFor(title) {
    const list = [];
    if (title.status === 'READY') {
      list.push(button('Publish', 'publish', () => moderate(title.id, 'publish')));
    }
    if (title.status === 'PUBLISHED') {
      list.push(button('Unpublish', 'unpublish', () => moderate(title.id, 'unpublish')));
    }
    if (title.status === 'FAILED') {
      list.push(button('Retry', 'retry', () => moderate(title.id, 'retry')));
    }
    if (title.status === 'UPLOADED' || title.status === 'READY' || title.status === 'PUBLISHED') {
      list.push(button('Reject', 'reject', () => reject(title.id)));
    }
    if (title.status === 'READY' || title.status === 'PUBLISHED') {
      list.push(button(title.status === 'READY' ? 'Preview' : 'Play', 'play', () => play(title.id)));
    }
    list.push(button('Analytics', 'analytics', () => showAnalytics(title.id, title.name)));
    list.push(button('Delete', 'delete', () => remove(title.id, title.name)));
    return list;
  }

  function render(title) {
    let row = rows.get(title.id);
    if (!row) {
      row = document.createElement('tr');
      row.dataset.titleId = title.id;
      for (let i = 0; i < 6; i++) {
        row.appendChild(document.createElement('td'));
      }
      const bar = document.createElement('progress');
      bar.max = 100;
      cell(row, 2).appendChild(bar);
      cell(row, 2).appendChild(document.createElement('span'));
      rows.set(title.id, row);
    }
    cell(row, 0).textContent = title.name;
    cell(row, 0).title = title.description || '';
    cell(row, 1).textContent = title.status + (title.statusReason ? ': ' + title.statusReason : '');
    cell(row, 1).className = 'status-' + title.status;
    cell(row, 2).firstChild.value = title.progressPercent || 0;
    cell(row, 2).lastChild.textContent = ' ' + (title.progressPercent || 0) + ' %';
    cell(row, 3).textContent = formatDuration(title.durationSeconds);
    cell(row, 4).textContent = (title.renditions || []).map((r) => r.height + 'p').join(' · ');
    // Buttons are rebuilt only when the status changes, so a click never lands on a replaced element.
    if (row.dataset.status !== title.status) {
      row.dataset.status = title.status;
      cell(row, 5).replaceChildren(...actionsFor(title));
    }
    return row;
  }

  async function refresh() {
    if (!adminKey()) {
      show('Enter the admin key to see and manage titles.', false);
      return;
    }
    try {
      const page = await api('GET', '/api/titles?page=0&size=100');
      const seen = new Set();
      page.items.forEach((title, index) => {
        seen.add(title.id);
        const row = render(title);
        if (rowsBody.children[index] !== row) {
          rowsBody.insertBefore(row, rowsBody.children[index] || null);
        }
      });
      for (const [id, row] of rows) {
        if (!seen.has(id)) {
          row.remove();
          rows.delete(id);
        }
      }
      if (message.className.indexOf('error') < 0) {
        show(page.total + ' title' + (page.total === 1 ? '' : 's'), false);
      }
      if (polls++ % FIGURES_EVERY_POLLS === 0) {
        refreshPlatformFigures();
      }
    } catch (e) {
      show(e.message, true);
    }
  }

  async function moderate(id, action, body) {
    try {
      render(await api('POST', '/api/titles/' + id + '/' + action, body));
      show('', false);
    } catch (e) {
      show(e.message, true);
    }
  }

  function reject(id) {
    const reason = window.prompt('Why is this title rejected? (The reason is kept with the title.)', '');
    if (reason !== null) {
      moderate(id, 'reject', { reason: reason.trim() || 'rejected by a moderator' });
    }
  }

  async function remove(id, name) {
    if (!window.confirm('Delete “' + name + '” and all its media?')) {
      return;
    }
    try {
      await api('DELETE', '/api/titles/' + id);
      refresh();
    } catch (e) {
      show(e.message, true);
    }
  }

  async function play(id) {
    try {
      const grant = await api('POST', '/api/titles/' + id + '/playback', {
        viewerId: viewerField.value.trim() || 'preview',
        ttlSeconds: PLAY_TTL_SECONDS,
      });
      location.href = grant.playerUrl;
    } catch (e) {
      show(e.message, true);
    }
  }

  // --- live streams -------------------------------------------------------------------------------------------
  // Shown only when the server takes RTMP publishers (GET /api/live answers); health comes from the node on air.
  const liveSection = document.getElementById('live');
  const liveBody = document.querySelector('#live-streams tbody');
  const liveKey = document.getElementById('live-key');
  const liveRows = new Map();

  function showKey(stream) {
    liveKey.textContent = stream.rtmpUrl
      ? 'Publish to ' + stream.rtmpUrl + ' (shown once; keep it secret)'
      : 'Stream key ' + stream.streamKey + ' (shown once; keep it secret)';
  }

  function inputText(health) {
    if (!health || !health.width) {
      return '';
    }
    return health.width + '×' + health.height + ' · ' + number(health.inputFrameRate, 1) + ' fps · '
      + Math.round((health.inputBitsPerSecond || 0) / 1000) + ' kbit/s';
  }

  function encoderText(health) {
    if (!health || health.encoderSpeed === undefined) {
      return '';
    }
    const dropped = (health.droppedRenditions || []).length;
    return number(health.encoderSpeed, 2) + '× real time · ' + (health.segments || 0) + ' segments'
      + (health.droppedFrames ? ' · ' + health.droppedFrames + ' frames dropped' : '')
      + (dropped ? ' · ' + dropped + ' rendition' + (dropped === 1 ? '' : 's') + ' dropped' : '');
  }

  function renderLive(stream) {
    let row = liveRows.get(stream.id);
    if (!row) {
      row = document.createElement('tr');
      row.dataset.liveId = stream.id;
      for (let i = 0; i < 7; i++) {
        row.appendChild(document.createElement('td'));
      }
      liveRows.set(stream.id, row);
    }
    const health = stream.health;
    cell(row, 0).textContent = stream.name;
    cell(row, 1).textContent = stream.status + (health && health.runs > 1 ? ' (reconnected)' : '');
    cell(row, 1).className = 'status-' + stream.status;
    cell(row, 2).textContent = inputText(health);
    cell(row, 3).textContent = encoderText(health);
    cell(row, 4).textContent = health ? String(health.viewers) : '';
    cell(row, 5).textContent = stream.recordingTitleId || '';
    if (row.dataset.status !== stream.status) {
      row.dataset.status = stream.status;
      const actions = [];
      if (stream.status === 'LIVE') {
        actions.push(button('Watch', 'play', () => watchLive(stream.id)));
      }
      actions.push(button('New key', 'rotate', () => rotateKey(stream.id)));
      if (stream.status !== 'LIVE') {
        actions.push(button('Delete', 'delete', () => removeLive(stream.id, stream.name)));
      }
      cell(row, 6).replaceChildren(...actions);
    }
    return row;
  }

  async function refreshLive() {
    if (!adminKey()) {
      return;
    }
    const response = await fetch('/api/live?page=0&size=100', { headers: headers() });
    if (response.status === 404) {
      liveSection.hidden = true;
      return;
    }
    if (!response.ok) {
      return;
    }
    liveSection.hidden = false;
    const page = await response.json();
    const seen = new Set();
    page.items.forEach((stream, index) => {
      seen.add(stream.id);
      const row = renderLive(stream);
      if (liveBody.children[index] !== row) {
        liveBody.insertBefore(row, liveBody.children[index] || null);
      }
    });
    for (const [id, row] of liveRows) {
      if (!seen.has(id)) {
        row.remove();
        liveRows.delete(id);
      }
    }
  }

  async function createLive() {
    const name = document.getElementById('live-name').value.trim();
    if (!name) {
      show('Give the live stream a name.', true);
      return;
    }
    try {
      const stream = await api('POST', '/api/live', { name: name });
      showKey(stream);
      refreshLive();
    } catch (e) {
      show(e.message, true);
    }
  }

  async function rotateKey(id) {
    if (!window.confirm('Issue a new stream key? The current key stops working for new connections.')) {
      return;
    }
    try {
      showKey(await api('POST', '/api/live/' + id + '/key'));
    } catch (e) {
      show(e.message, true);
    }
  }

  async function removeLive(id, name) {
    if (!window.confirm('Delete the live stream “' + name + '”? Its recordings stay as titles.')) {
      return;
    }
    try {
      await api('DELETE', '/api/live/' + id);
      refreshLive();
    } catch (e) {
      show(e.message, true);
    }
  }

  async function watchLive(id) {
    try {
      const grant = await api('POST', '/api/live/' + id + '/playback', {
        viewerId: viewerField.value.trim() || 'preview',
        ttlSeconds: PLAY_TTL_SECONDS,
      });
      location.href = grant.playerUrl;
    } catch (e) {
      show(e.message, true);
    }
  }

  // --- analytics ----------------------------------------------------------------------------------------------
  function figures(container, entries) {
    container.replaceChildren(...entries.map(([label, value]) => {
      const div = document.createElement('div');
      const b = document.createElement('b');
      b.textContent = value;
      div.appendChild(b);
      div.appendChild(document.createTextNode(label));
      return div;
    }));
  }

  function number(value, digits) {
    return value === null || value === undefined ? '–' : Number(value).toFixed(digits || 0);
  }

  function percent(ratio) {
    return ratio === null || ratio === undefined ? '–' : (ratio * 100).toFixed(1) + ' %';
  }

  async function refreshPlatformFigures() {
    try {
      const s = await api('GET', '/api/analytics');
      figures(document.getElementById('platform-figures'), [
        ['titles', s.titles], ['published', s.publishedTitles], ['plays', s.plays],
        ['unique viewers', s.uniqueViewers], ['watch time', formatDuration(s.watchTimeSeconds)],
        ['startup p50 (ms)', number(s.startupMsP50)], ['rebuffer ratio', percent(s.rebufferRatio)],
        ['errors', s.errors],
      ]);
    } catch (e) {
      // The summary is optional decoration; the table shows errors that matter.
    }
  }

  // The drop-off curve as uPlot bars, one per tenth of the title; the counts are also the chart's accessible name,
  // since a canvas has no text of its own.
  function drawDropOff(container, buckets) {
    const viewers = buckets.map((b) => b.viewers);
    container.dataset.viewers = viewers.join(',');
    container.setAttribute('role', 'img');
    container.setAttribute('aria-label', 'Where viewers stopped: ' + buckets.map((b) => b.viewers + ' between '
      + formatDuration(b.fromSeconds) + ' and ' + formatDuration(b.toSeconds)).join('; '));
    const previous = plots.get('drop-off');
    if (previous) {
      previous.destroy();
    }
    plots.set('drop-off', new uPlot({
      width: Math.min(720, container.clientWidth || 720),
      height: 220,
      legend: { show: false },
      scales: { x: { time: false, range: [-0.5, buckets.length - 0.5] } },
      axes: [
        { values: (u, ticks) => ticks.map((t) => (Number.isInteger(t) && buckets[t]
          ? formatDuration(buckets[t].fromSeconds) : '')) },
        { label: 'viewers' },
      ],
      series: [{}, { label: 'viewers who stopped', stroke: '#1976d2', fill: '#1976d2', points: { show: false },
        paths: uPlot.paths.bars({ size: [0.8] }) }],
    }, [buckets.map((b, i) => i), viewers], container));
  }

  async function showAnalytics(id, name) {
    analyticsTitleId = id;
    const heading = document.getElementById('analytics-title');
    heading.textContent = 'Loading analytics for ' + name + '…';
    try {
      const a = await api('GET', '/api/titles/' + id + '/analytics');
      if (analyticsTitleId !== id) {
        return;
      }
      heading.textContent = name;
      heading.className = '';
      const q = a.qoe || {};
      figures(document.getElementById('title-figures'), [
        ['plays', a.plays], ['unique viewers', a.uniqueViewers], ['watch time', formatDuration(a.watchTimeSeconds)],
        ['completion', percent(a.completionRate)], ['startup p50 (ms)', number(q.startupMsP50)],
        ['startup p95 (ms)', number(q.startupMsP95)], ['rebuffer ratio', percent(q.rebufferRatio)],
        ['average kbit/s', number(q.averageBitrate === null || q.averageBitrate === undefined
          ? null : q.averageBitrate / 1000)],
        ['errors', q.errors],
      ]);
      const chart = document.getElementById('drop-off');
      chart.replaceChildren();
      if (a.dropOff && a.dropOff.length) {
        const caption = document.createElement('p');
        caption.className = 'muted';
        caption.textContent = 'Drop-off: where viewers stopped (last saved position), by tenth of the title';
        chart.appendChild(caption);
        if (typeof uPlot !== 'undefined') {
          const plot = document.createElement('div');
          plot.id = 'drop-off-plot';
          chart.appendChild(plot);
          drawDropOff(plot, a.dropOff);
        }
      }
    } catch (e) {
      heading.textContent = 'Analytics for ' + name + ' failed: ' + e.message;
    }
  }

  // --- analytics over time: uPlot line charts of GET /api/analytics/series, GET /api/analytics/top and devices ---
  // Each chart plots one or two metrics; scale turns the API's unit into the axis's (seconds to hours, ratio to %).
  const CHARTS = [
    { id: 'chart-plays', title: 'Plays', series: [{ metric: 'plays', label: 'plays', stroke: '#1976d2' }] },
    { id: 'chart-watch-time', title: 'Watch time (hours)',
      series: [{ metric: 'watchTimeSeconds', label: 'hours', stroke: '#2e7d32', scale: 1 / 3600 }] },
    { id: 'chart-startup', title: 'Startup time (ms)',
      series: [{ metric: 'startupMsP50', label: 'p50', stroke: '#ef6c00' },
        { metric: 'startupMsP95', label: 'p95', stroke: '#c62828' }] },
    { id: 'chart-rebuffer', title: 'Rebuffer ratio (%)',
      series: [{ metric: 'rebufferRatio', label: '%', stroke: '#6a1b9a', scale: 100 }] },
    // From the Common Media Client Data players send with their segment requests (CMCD bl and mtp).
    { id: 'chart-cmcd', title: 'Player buffer (s) and measured throughput (Mbit/s), from CMCD',
      series: [{ metric: 'bufferLengthMs', label: 'buffer s', stroke: '#00838f', scale: 1 / 1000 },
        { metric: 'measuredThroughputKbps', label: 'Mbit/s', stroke: '#5d4037', scale: 1 / 1000 }] },
  ];
  const rangeField = document.getElementById('analytics-range');
  const plots = new Map();

  function scaled(value, scale) {
    return value === null || value === undefined ? null : value * (scale || 1);
  }

  async function drawChart(chart, range) {
    const answers = await Promise.all(chart.series.map((s) =>
      api('GET', '/api/analytics/series?metric=' + s.metric + '&range=' + range)));
    const xs = answers[0].points.map((p) => Date.parse(p.start) / 1000);
    const data = [xs].concat(answers.map((a, i) => a.points.map((p) => scaled(p.value, chart.series[i].scale))));
    const container = document.getElementById(chart.id);
    container.dataset.points = String(xs.length);
    container.dataset.totals = answers.map((a, i) => String(scaled(a.total, chart.series[i].scale))).join(',');
    const previous = plots.get(chart.id);
    if (previous) {
      previous.destroy();
    }
    plots.set(chart.id, new uPlot({
      title: chart.title,
      width: Math.min(720, container.clientWidth || 720),
      height: 200,
      scales: { x: { time: true } },
      series: [{}].concat(chart.series.map((s) => ({ label: s.label, stroke: s.stroke, width: 2 }))),
    }, data, container));
    return answers[0].foldedAt;
  }

  async function refreshCharts() {
    if (typeof uPlot === 'undefined') {
      return;
    }
    const range = rangeField.value;
    const folded = document.getElementById('analytics-folded');
    try {
      let foldedAt = null;
      for (const chart of CHARTS) {
        foldedAt = await drawChart(chart, range);
      }
      folded.textContent = foldedAt ? 'events folded up to ' + new Date(foldedAt).toLocaleString()
        : 'no events folded yet';
      const top = await api('GET', '/api/analytics/top?limit=10&range=' + range);
      document.getElementById('top-titles').replaceChildren(...top.map((t) => {
        const li = document.createElement('li');
        li.dataset.titleId = t.titleId;
        li.textContent = t.name + ' — ' + t.plays + ' play' + (t.plays === 1 ? '' : 's') + ', '
          + formatDuration(t.watchTimeSeconds) + ' watched';
        return li;
      }));
      drawClientBreakdown(await api('GET', '/api/analytics/devices?range=' + range));
    } catch (e) {
      folded.textContent = 'Charts failed: ' + e.message;
    }
  }

  // --- GET /api/analytics/devices: one group of rows per dimension, most plays first --------------------------
  const CLIENT_GROUPS = [['devices', 'Device class'], ['browsers', 'Browser'], ['operatingSystems', 'Operating system']];

  function drawClientBreakdown(breakdown) {
    const rows = [];
    for (const [key, heading] of CLIENT_GROUPS) {
      const head = document.createElement('tr');
      const th = document.createElement('th');
      th.scope = 'colgroup';
      th.colSpan = 7;
      th.textContent = heading + (breakdown[key].length ? '' : ': no plays in this range');
      head.appendChild(th);
      rows.push(head);
      for (const segment of breakdown[key]) {
        const tr = document.createElement('tr');
        tr.dataset.group = key;
        tr.dataset.name = segment.name;
        const name = document.createElement('th');
        name.scope = 'row';
        name.textContent = segment.name;
        tr.appendChild(name);
        for (const value of [segment.plays, segment.uniqueViewers, formatDuration(segment.watchTimeSeconds),
          percent(segment.rebufferRatio), number(segment.startupMsP50), segment.errors]) {
          const td = document.createElement('td');
          td.textContent = value;
          tr.appendChild(td);
        }
        rows.push(tr);
      }
    }
    document.querySelector('#client-breakdown tbody').replaceChildren(...rows);
  }

  restoreKey();
  rangeField.addEventListener('change', refreshCharts);
  keyField.addEventListener('change', refreshCharts);
  uploadButton.addEventListener('click', upload);
  document.getElementById('live-create').addEventListener('click', createLive);
  refresh();
  refreshLive().catch(() => {});
  setInterval(refresh, POLL_MS);
  refreshCharts();
  setInterval(refreshCharts, POLL_MS * FIGURES_EVERY_POLLS);
  setInterval(() => refreshLive().catch(() => {}), POLL_MS);
})();
