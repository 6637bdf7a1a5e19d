// StreamKit browse page (/browse) and title page (/browse/title/<id>): one page that shows either, for the viewer
// of a playback token, through the viewer API (docs/openapi.yaml): rows of posters (Continue watching with progress
// bars, Because you watched, Popular, one row per catalog category), search as you type, and a title's details with
// a Play or Resume button that opens the player page.
// Signing in is holding a playback token: the page takes it from ?token= once, keeps it in sessionStorage (this tab
// only; the player page keeps the one it was opened with there too) and drops it from the address bar, so a link
// copied from the address bar carries no token. Play asks the origin for a token for the chosen title
// (POST /api/catalog/<id>/playback, same viewer and limits); on an origin that does not exchange tokens only the
// signed-in token's own title plays.
(function () {
  'use strict';

  const TOKEN_KEY = 'streamkit.viewerToken';
  const SEARCH_DEBOUNCE_MS = 250;
  const ROW_SIZE = 20;
  const RECOMMENDATION_LIMIT = 12;
  // The player resumes a saved position unless it is this close to either end (player.js, RESUME_MARGIN_SECONDS).
  const RESUME_MARGIN_SECONDS = 3;

  const message = document.getElementById('message');
  const path = location.pathname.split('/');
  const titleId = path[2] === 'title' ? decodeURIComponent(path[3] || '') : null;
  const token = signIn();

  function signIn() {
    const query = new URLSearchParams(location.search);
    const given = query.get('token');
    if (given) {
      sessionStorage.setItem(TOKEN_KEY, given);
      query.delete('token');
      const rest = query.toString();
      history.replaceState(null, '', location.pathname + (rest ? '?' + rest : '') + location.hash);
    }
    return sessionStorage.getItem(TOKEN_KEY) || '';
  }

  function show(text, isError) {
    message.textContent = text;
    message.className = isError ? 'message error' : 'message';
  }

  async function errorText(response) {
    try {
      const body = await response.json();
      return body.message || body.error || response.statusText;
    } catch (e) {
      return response.status + ' ' + response.statusText;
    }
  }

  async function api(method, url) {
    const response = await fetch(url, { method: method, headers: { Authorization: 'Bearer ' + token } });
    if (!response.ok) {
      const error = new Error(await errorText(response));
      error.status = response.status;
      error.body = response;
      throw error;
    }
    return response.json();
  }

  // The title the signed-in token names (its payload's title claim): read, not verified; the origin verifies.
  function tokenTitle() {
    try {
      const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      return JSON.parse(atob(payload)).title || null;
    } catch (e) {
      return null;
    }
  }

  function titleHref(id) {
    return '/browse/title/' + encodeURIComponent(id);
  }

  // One poster card: a link to the title page, the poster (or the name on a plain panel for audio-only titles),
  // the name, and for a started title a progress bar labelled with how much was watched.
  function card(item) {
    const li = document.createElement('li');
    const link = document.createElement('a');
    link.className = 'poster-card';
    link.href = titleHref(item.id);
    link.dataset.titleId = item.id;
    const art = document.createElement('span');
    art.className = 'poster-art';
    if (item.poster) {
      const img = document.createElement('img');
      img.src = item.poster;
      img.alt = '';
      img.loading = 'lazy';
      art.appendChild(img);
    }
    link.appendChild(art);
    const name = document.createElement('span');
    name.className = 'card-name';
    name.textContent = item.name;
    link.appendChild(name);
    if (item.fraction !== undefined) {
      const bar = document.createElement('progress');
      bar.max = 1;
      bar.value = item.fraction;
      const percent = Math.round(item.fraction * 100);
      bar.setAttribute('aria-label', percent + ' % watched');
      bar.title = percent + ' % watched';
      link.appendChild(bar);
      link.setAttribute('aria-label', item.name + ', ' + percent + ' % watched');
    }
    li.appendChild(link);
    return li;
  }

  function fillList(list, items) {
    list.replaceChildren(...items.map(card));
  }

  // A row of posters under a heading; rows without titles are left out.
  function addRow(rows, id, heading, items) {
    if (items.length === 0) {
      return;
    }
    const section = document.createElement('section');
    section.className = 'row';
    section.id = 'row-' + id;
    const h2 = document.createElement('h2');
    h2.id = section.id + '-heading';
    h2.textContent = heading;
    const list = document.createElement('ul');
    list.className = 'posters';
    list.setAttribute('aria-labelledby', h2.id);
    fillList(list, items);
    section.append(h2, list);
    rows.appendChild(section);
  }

  const fromCatalog = (t) => ({ id: t.id, name: t.name, poster: t.posterPath });
  const fromCard = (t) => ({ id: t.titleId, name: t.name, poster: t.posterUrl });

  function fromProgress(p) {
    const duration = Number(p.durationSeconds) || 0;
    const fraction = duration > 0 ? Math.min(1, Math.max(0, Number(p.positionSeconds) / duration)) : 0;
    return { id: p.titleId, name: p.name, poster: p.posterUrl, fraction: fraction };
  }

  function catalogUrl(params) {
    return '/api/catalog?' + new URLSearchParams(params).toString();
  }

  async function showBrowse() {
    document.getElementById('browse-view').hidden = false;
    const rows = document.getElementById('rows');
    const [watching, recommended, catalog] = await Promise.all([
      api('GET', '/api/continue-watching?size=' + ROW_SIZE),
      api('GET', '/api/recommendations?limit=' + RECOMMENDATION_LIMIT),
      api('GET', catalogUrl({ size: ROW_SIZE })),
    ]);
    addRow(rows, 'continue', 'Continue watching', watching.items.map(fromProgress));
    recommended.becauseYouWatched.forEach((row, i) =>
      addRow(rows, 'because-' + i, 'Because you watched ' + row.name, row.titles.map(fromCard)));
    addRow(rows, 'popular', 'Popular', recommended.popular.length > 0
      ? recommended.popular.map(fromCard) : catalog.items.map(fromCatalog));
    const categories = catalog.facets.categories.map((f) => f.category);
    const perCategory = await Promise.all(categories.map((c) => api('GET', catalogUrl({ category: c, size: ROW_SIZE }))));
    categories.forEach((c, i) => addRow(rows, 'category-' + c, categoryName(c), perCategory[i].items.map(fromCatalog)));
    if (rows.children.length === 0) {
      show('Nothing to watch yet.', false);
    }
  }

  function categoryName(slug) {
    const words = slug.replace(/-/g, ' ');
    return words.charAt(0).toUpperCase() + words.slice(1);
  }

  // Search as you type: the catalog matches the word being typed as a prefix, so results follow each key press,
  // debounced; an answer that arrives after a newer one was asked for is dropped. On the title page the search box
  // takes the viewer to the browse page's results (/browse?q=).
  function watchSearch() {
    const input = document.getElementById('search');
    if (titleId) {
      document.getElementById('search-form').addEventListener('submit', (e) => {
        e.preventDefault();
        location.assign('/browse?q=' + encodeURIComponent(input.value.trim()));
      });
      return;
    }
    const asked = new URLSearchParams(location.search).get('q');
    if (asked) {
      input.value = asked;
    }
    watchSearchResults(input);
    if (asked) {
      input.dispatchEvent(new Event('input'));
    }
  }

  function watchSearchResults(input) {
    const results = document.getElementById('search-results');
    const status = document.getElementById('search-status');
    const list = results.querySelector('ul');
    let timer = null;
    let asked = 0;
    async function search() {
      const q = input.value.trim();
      const mine = ++asked;
      if (!q) {
        results.hidden = true;
        return;
      }
      try {
        const found = await api('GET', catalogUrl({ q: q, size: ROW_SIZE }));
        if (mine !== asked) {
          return;
        }
        fillList(list, found.items.map(fromCatalog));
        status.textContent = found.total === 0 ? 'No titles match “' + q + '”.'
          : found.total + (found.total === 1 ? ' title matches' : ' titles match') + ' “' + q + '”.';
        results.hidden = false;
      } catch (e) {
        if (mine === asked) {
          status.textContent = 'Search failed: ' + e.message;
          results.hidden = false;
        }
      }
    }
    input.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(search, SEARCH_DEBOUNCE_MS);
    });
    document.getElementById('search-form').addEventListener('submit', (e) => {
      e.preventDefault();
      clearTimeout(timer);
      search();
    });
  }

  // Arrow keys move along a row (Home and End to its ends), and Up and Down to the row above or below; Tab still
  // walks every poster in reading order.
  function watchArrowKeys() {
    document.addEventListener('keydown', (e) => {
      const current = e.target.closest ? e.target.closest('.poster-card') : null;
      if (!current || e.altKey || e.ctrlKey || e.metaKey) {
        return;
      }
      const list = current.closest('.posters');
      const cards = Array.from(list.querySelectorAll('.poster-card'));
      const at = cards.indexOf(current);
      let next = null;
      if (e.key === 'ArrowRight') {
        next = cards[at + 1];
      } else if (e.key === 'ArrowLeft') {
        next = cards[at - 1];
      } else if (e.key === 'Home') {
        next = cards[0];
      } else if (e.key === 'End') {
        next = cards[cards.length - 1];
      } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        const lists = Array.from(document.querySelectorAll('.posters')).filter((l) => l.offsetParent !== null);
        const other = lists[lists.indexOf(list) + (e.key === 'ArrowDown' ? 1 : -1)];
        const others = other ? other.querySelectorAll('.poster-card') : [];
        next = others[Math.min(at, others.length - 1)];
      }
      if (next) {
        e.preventDefault();
        next.focus();
        next.scrollIntoView({ block: 'nearest', inline: 'nearest' });
      }
    });
  }

  function duration(seconds) {
    const total = Math.round(seconds);
    const h = Math.floor(total / 3600);
    const m = Math.floor((total % 3600) / 60);
    const s = total % 60;
    return h > 0 ? h + ' h ' + m + ' min' : (m > 0 ? m + ' min ' + s + ' s' : s + ' s');
  }

  async function showTitle() {
    const [title, watching] = await Promise.all([
      api('GET', '/api/catalog/' + encodeURIComponent(titleId)),
      api('GET', '/api/continue-watching?size=100'),
    ]);
    document.title = title.name + ' · StreamKit';
    document.getElementById('title-name').textContent = title.name;
    const poster = document.getElementById('title-poster');
    if (title.posterPath) {
      poster.src = title.posterPath;
      poster.alt = 'Poster of ' + title.name;
    } else {
      poster.hidden = true;
    }
    const facts = [];
    if (title.releaseYear) facts.push(String(title.releaseYear));
    if (title.durationSeconds) facts.push(duration(title.durationSeconds));
    facts.push(title.maturityRating ? 'Rated ' + title.maturityRating : 'Not rated');
    document.getElementById('title-meta').textContent = facts.join(' · ');
    const categories = document.getElementById('title-categories');
    categories.replaceChildren(...(title.categories || []).map((c) => {
      const li = document.createElement('li');
      li.textContent = categoryName(c);
      return li;
    }));
    document.getElementById('title-description').textContent = title.description || '';
    const started = watching.items.find((p) => p.titleId === title.id);
    const play = document.getElementById('play');
    if (started && Number(started.positionSeconds) >= RESUME_MARGIN_SECONDS) {
      play.textContent = 'Resume from ' + clock(Number(started.positionSeconds));
      play.dataset.resume = String(started.positionSeconds);
      const bar = document.getElementById('title-progress');
      bar.value = fromProgress(started).fraction;
      bar.setAttribute('aria-label', Math.round(bar.value * 100) + ' % watched');
      bar.hidden = false;
    }
    play.addEventListener('click', () => startPlayback(title));
    document.getElementById('title-view').hidden = false;
    play.focus();
  }

  function clock(seconds) {
    const s = Math.floor(seconds);
    return Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0');
  }

  // The player resumes from the stored position itself (GET /api/progress), so Play and Resume open the same page.
  async function startPlayback(title) {
    const play = document.getElementById('play');
    play.disabled = true;
    try {
      const grant = await fetch('/api/catalog/' + encodeURIComponent(title.id) + '/playback',
        { method: 'POST', headers: { Authorization: 'Bearer ' + token } });
      if (grant.ok) {
        location.assign((await grant.json()).playerUrl);
        return;
      }
      if (tokenTitle() === title.id) {
        location.assign('/play/' + encodeURIComponent(title.id) + '?token=' + encodeURIComponent(token));
        return;
      }
      show('Cannot play ' + title.name + ': ' + await errorText(grant), true);
    } catch (e) {
      show('Cannot play ' + title.name + ': ' + e.message, true);
    }
    play.disabled = false;
  }

  async function start() {
    if (!token) {
      show('Sign in first: open this page with your playback token, /browse?token=<token>.', true);
      return;
    }
    watchArrowKeys();
    watchSearch();
    try {
      await (titleId ? showTitle() : showBrowse());
    } catch (e) {
      if (titleId && e.status === 404) {
        // The catalog answers alike for a title that is missing and one this viewer may not see (unpublished, out
        // of its window, above a kids profile's rating), and so does this page: it names nothing.
        document.title = 'Not available · StreamKit';
        show('This title is not available to you.', true);
      } else {
        show('Cannot load the catalog: ' + e.message, true);
      }
    }
  }

  start();
})();
