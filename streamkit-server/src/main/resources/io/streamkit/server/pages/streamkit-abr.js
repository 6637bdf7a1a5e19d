// StreamKit's bitrate rule for hls.js: the rule of io.streamkit.abr.rule.mpc.StreamKitRule, ported line for line, and
// an hls.js 1.x custom abrController (the `abrController` config option) that feeds it.
//
// The rule is RobustMPC (Yin, Jindal, Sekar, Sinopoli, "A Control-Theoretic Approach for Dynamic Adaptive Video
// Streaming over HTTP", SIGCOMM 2015) with three changes, each argued in the Java class comment:
//  1. Latency-aware throughput: a sample is bytes / (download time − time-to-first-byte estimate), and a predicted
//     download is latency + bytes / bandwidth (the transfer model of Jiang, Sekar, Zhang, FESTIVE, CoNEXT 2012). The
//     latency estimate is hls.js's own TTFB average (io.streamkit.abr.estimate.LatencyEstimator).
//  2. Terminal buffer value: a five-chunk plan earns 1 QoE point per second of buffer left at its end, up to four
//     chunks (the terminal cost of MPC practice, Rawlings and Mayne, "Model Predictive Control: Theory and Design"),
//     dropped when the horizon reaches the end of the video. The player must be able to hold that reserve: under a
//     shorter forward buffer (maxBufferLength) the plan picks lower rungs to build a buffer the player never keeps.
//  3. A lighter error bound: RobustMPC's harmonic mean of five samples divided by 1 + 0.7 × the largest of its last
//     five relative prediction errors.
// The plan is the exact optimum over the horizon (QoE_lin of Mao et al., SIGCOMM 2017: bitrate in Mbit/s, 4.3 per
// second of stall, switches in Mbit/s), found by the branch and bound of io.streamkit.abr.rule.mpc.LookaheadSearch
// with the same order of operations and tie-breaking, so both languages pick the same rung to the last bit. The Java
// drift test (PlayerAbrDriftTest) replays simulator sessions through both and requires identical decisions; Math.exp
// beyond the Taylor range is fdlibm here as in Java's StrictMath.
//
// What hls.js supplies: every main-playlist fragment's loader stats (bytes, request-to-last-byte time, time to first
// byte) on FRAG_LOADED and the forward buffer once it is appended (FRAG_BUFFERED), when the next fragment's level is
// decided; hls.js reads it through the nextAutoLevel getter. The look-ahead needs the sizes of the next chunks at
// every rung, as in the simulator: the packager publishes them as segment-sizes.json beside the master playlist
// ({"renditions":[{"uri":"<name>/index.m3u8","segmentBytes":[...]}]}); without it (titles packaged before) a chunk's
// size is its level's bitrate × duration.
//
// The link, not the video fragment: with an audio group hls.js loads the audio fragments beside the video ones over
// the same link, so a video fragment's bytes over its own download time see only its share of the link (at the
// lowest rungs an audio fragment is nearly as large as the video one, and the rule would read half the link). A
// sample therefore counts every byte the link delivered while the video fragment loaded: its own, and the share of
// every other fragment's transfer (audio, init segments) that overlapped it, taken as delivered evenly from its first
// to its last byte (or to now, while it is still loading; hls.js updates a loading fragment's stats as bytes arrive).
// A chunk then costs its video and its audio: the look-ahead adds to each published video size the audio bytes of a
// chunk's duration, at the rate the audio fragments loaded so far had. This is the simulator's VideoModel.withAudio:
// one download per chunk carrying both, the same state for the rule in both languages. Sizes from a level's bitrate
// already include the audio (a variant's BANDWIDTH covers the audio it plays with, RFC 8216 section 4.3.4.2).
//
// Between decisions, emergency abandonment, as hls.js's own controller (_abandonRulesCheck) and dash.js's
// AbandonRequestsRule do, and which the simulator does not model: every 100 ms while a main fragment loads, once half
// its duration has passed with less than two fragments buffered, the rest of it at the rate it is arriving is compared
// with the time left before the buffer runs dry. If it would stall the player, the same chunk at the highest lower
// level whose whole download (a new request, its published size at that rate) fits in the buffer, or else at the
// lowest, replaces it when that arrives sooner than the rest of the one in flight. Without it a rung chosen just
// before an outage has to arrive whole while the viewer waits, however small the rung below.
(function (root) {
  'use strict';

  // io.streamkit.abr.rule.mpc.StreamKitRule's defaults.
  const HORIZON = 5;
  const TERMINAL_WEIGHT = 1.0;
  const TERMINAL_CAP_CHUNKS = 4;
  const ERROR_WEIGHT = 0.7;
  const REBUFFER_PENALTY = 4.3;
  const MIN_TRANSFER_SECONDS = 0.001;
  // io.streamkit.abr.estimate.HarmonicMeanEstimator.DEFAULT_WINDOW.
  const WINDOW = 5;
  // io.streamkit.abr.estimate.LatencyEstimator's constants.
  const LATENCY_HALF_LIFE = 9;
  const DEFAULT_LATENCY_SECONDS = 0.1;
  const MIN_LATENCY_SAMPLE_SECONDS = 0.005;
  const SMALL_ARGUMENT = 0.5;
  const MIN_TOTAL_WEIGHT = 0.001;
  const NEGLIGIBLE_DECAY = 1e-20;
  // io.streamkit.abr.rule.mpc.LookaheadSearch.PRUNE_MARGIN.
  const PRUNE_MARGIN = 1e-9;
  // How often a loading main fragment is checked for emergency abandonment (hls.js checks as often).
  const ABANDON_CHECK_MILLIS = 100;

  // RobustMPC's harmonic mean of the last samples, with the relative error of its own past predictions.
  class HarmonicMeanEstimator {
    constructor(window) {
      this.inverses = new Float64Array(window);
      this.errors = new Float64Array(window);
      this.next = 0;
      this.sampleCount = 0;
      this.prediction = NaN;
    }

    sample(throughput) {
      const error = Number.isNaN(this.prediction) ? 0 : Math.abs(this.prediction - throughput) / throughput;
      this.errors[this.next] = error;
      this.inverses[this.next] = 1 / throughput;
      this.next = this.next + 1 === this.inverses.length ? 0 : this.next + 1;
      if (this.sampleCount < this.inverses.length) {
        this.sampleCount++;
      }
      this.prediction = this.harmonicMean();
    }

    harmonicMean() {
      const n = this.sampleCount;
      if (n === 0) {
        return NaN;
      }
      // Oldest first, the summation order of the Java estimator.
      let i = this.next - n;
      if (i < 0) {
        i += this.inverses.length;
      }
      let inverseSum = 0;
      for (let k = 0; k < n; k++) {
        inverseSum += this.inverses[i];
        i = i + 1 === this.inverses.length ? 0 : i + 1;
      }
      return 1.0 / (inverseSum / n);
    }

    maxRecentError() {
      let max = 0;
      for (let i = 0; i < this.sampleCount; i++) {
        max = Math.max(max, this.errors[i]);
      }
      return max;
    }
  }

  // Time to first byte as hls.js averages it: sample weight √2·e^(−t²/2), half-life 9 units of weight, bias-corrected.
  class LatencyEstimator {
    constructor() {
      this.lnAlpha = Math.log(0.5) / LATENCY_HALF_LIFE;
      this.average = 0;
      this.totalWeight = 0;
      this.decay = 1;
    }

    static exp(y) {
      if (y > -SMALL_ARGUMENT && y < SMALL_ARGUMENT) {
        return 1 + y * (1 + y * (1.0 / 2 + y * (1.0 / 6 + y * (1.0 / 24 + y * (1.0 / 120 + y * (1.0 / 720))))));
      }
      return Math.exp(y);
    }

    sample(seconds) {
      const weight = Math.SQRT2 * LatencyEstimator.exp(-seconds * seconds / 2);
      const keep = LatencyEstimator.exp(this.lnAlpha * weight);
      this.average = Math.max(seconds, MIN_LATENCY_SAMPLE_SECONDS) * (1 - keep) + keep * this.average;
      this.totalWeight += weight;
      this.decay = this.decay < NEGLIGIBLE_DECAY ? 0 : this.decay * keep;
    }

    estimateSeconds() {
      if (this.totalWeight < MIN_TOTAL_WEIGHT) {
        return DEFAULT_LATENCY_SECONDS;
      }
      return this.average / (1 - this.decay);
    }
  }

  // Exact depth-first branch and bound over the horizon; the best plan's first rung wins, ties to the last plan in
  // lexicographic order, scores computed as the Java search computes them.
  class LookaheadSearch {
    constructor(maxHorizon, bitratesKbps, chunkSeconds) {
      this.qualities = bitratesKbps.length;
      this.kbps = Int32Array.from(bitratesKbps);
      this.megabits = new Float64Array(this.qualities);
      for (let q = 0; q < this.qualities; q++) {
        this.megabits[q] = this.kbps[q] / 1000.0;
      }
      this.chunkSeconds = chunkSeconds;
      this.dt = new Float64Array(maxHorizon * this.qualities);
      this.fastest = new Float64Array(maxHorizon);
      this.sequence = new Int32Array(maxHorizon);
      this.bufferAt = new Float64Array(maxHorizon + 1);
      this.rebufferAt = new Float64Array(maxHorizon + 1);
      this.bitrateSumAt = new Int32Array(maxHorizon + 1);
      this.switchSumAt = new Int32Array(maxHorizon + 1);
    }

    static forLadderOf(state, maxHorizon) {
      const kbps = [];
      for (let q = 0; q < state.qualityCount(); q++) {
        kbps.push(state.bitrateKbps(q));
      }
      return new LookaheadSearch(maxHorizon, kbps, state.chunkSeconds());
    }

    downloadSeconds(j, q, seconds) {
      this.dt[j * this.qualities + q] = seconds;
    }

    best(horizon, buffer, lastQuality, rebufferPenalty, terminalWeight, terminalCap) {
      const qualities = this.qualities;
      const dt = this.dt;
      const sequence = this.sequence;
      this.horizon = horizon;
      this.rebufferPenalty = rebufferPenalty;
      this.terminalWeight = terminalWeight;
      this.terminalCap = terminalCap;
      for (let j = 0; j < horizon; j++) {
        let min = Infinity;
        for (let q = 0; q < qualities; q++) {
          min = Math.min(min, dt[j * qualities + q]);
        }
        this.fastest[j] = min;
      }
      this.bestScore = -Infinity;
      this.bestFirst = 0;
      this.bestRank = -1;
      for (let q = 0; q < qualities; q++) {
        this.scoreConstant(q, buffer, lastQuality);
      }
      this.bufferAt[0] = buffer;
      this.rebufferAt[0] = 0;
      this.bitrateSumAt[0] = 0;
      this.switchSumAt[0] = 0;
      sequence[0] = -1;
      let depth = 0;
      while (depth >= 0) {
        const q = ++sequence[depth];
        if (q >= qualities) {
          depth--;
          continue;
        }
        const last = depth === 0 ? lastQuality : sequence[depth - 1];
        const download = dt[depth * qualities + q];
        let b = this.bufferAt[depth];
        let rebuffer = this.rebufferAt[depth];
        if (b < download) {
          rebuffer += download - b;
          b = 0;
        } else {
          b -= download;
        }
        b += this.chunkSeconds;
        const bitrateSum = this.bitrateSumAt[depth] + this.kbps[q];
        const switchSum = this.switchSumAt[depth] + Math.abs(this.kbps[q] - this.kbps[last]);
        if (depth === horizon - 1) {
          const score = bitrateSum / 1000.0 - rebufferPenalty * rebuffer - switchSum / 1000.0 + this.terminal(b);
          this.offer(score, this.rankOfSequence(depth), sequence[0]);
          continue;
        }
        if (this.bound(depth + 1, b, rebuffer, bitrateSum, switchSum) < this.bestScore - PRUNE_MARGIN) {
          continue;
        }
        depth++;
        this.bufferAt[depth] = b;
        this.rebufferAt[depth] = rebuffer;
        this.bitrateSumAt[depth] = bitrateSum;
        this.switchSumAt[depth] = switchSum;
        sequence[depth] = -1;
      }
      return this.bestFirst;
    }

    terminal(buffer) {
      return this.terminalWeight === 0 ? 0 : this.terminalWeight * Math.min(buffer, this.terminalCap);
    }

    bound(depth, buffer, rebuffer, bitrateSum, switchSum) {
      let optimistic = 0;
      let b = buffer;
      for (let j = depth; j < this.horizon; j++) {
        let bestChunk = -Infinity;
        const base = j * this.qualities;
        for (let q = 0; q < this.qualities; q++) {
          const stall = this.dt[base + q] - b;
          const value = stall > 0 ? this.megabits[q] - this.rebufferPenalty * stall : this.megabits[q];
          bestChunk = Math.max(bestChunk, value);
        }
        optimistic += bestChunk;
        b = Math.max(b - this.fastest[j], 0) + this.chunkSeconds;
      }
      return (bitrateSum - switchSum) / 1000.0 + optimistic - this.rebufferPenalty * rebuffer + this.terminal(b);
    }

    scoreConstant(q, buffer, lastQuality) {
      let b = buffer;
      let rebuffer = 0;
      let bitrateSum = 0;
      for (let j = 0; j < this.horizon; j++) {
        const download = this.dt[j * this.qualities + q];
        if (b < download) {
          rebuffer += download - b;
          b = 0;
        } else {
          b -= download;
        }
        b += this.chunkSeconds;
        bitrateSum += this.kbps[q];
      }
      const switchSum = Math.abs(this.kbps[q] - this.kbps[lastQuality]);
      const score = bitrateSum / 1000.0 - this.rebufferPenalty * rebuffer - switchSum / 1000.0 + this.terminal(b);
      let rank = 0;
      for (let j = 0; j < this.horizon; j++) {
        rank = rank * this.qualities + q;
      }
      this.offer(score, rank, q);
    }

    rankOfSequence(depth) {
      let rank = 0;
      for (let j = 0; j <= depth; j++) {
        rank = rank * this.qualities + this.sequence[j];
      }
      return rank;
    }

    offer(score, rank, first) {
      if (score > this.bestScore || (score === this.bestScore && rank > this.bestRank)) {
        this.bestScore = score;
        this.bestRank = rank;
        this.bestFirst = first;
      }
    }
  }

  // The rule: nextQuality(state) after every chunk, state having the accessors of io.streamkit.abr.rule.PlaybackState.
  class StreamKitRule {
    constructor() {
      this.bandwidth = new HarmonicMeanEstimator(WINDOW);
      this.latency = new LatencyEstimator();
      this.search = null;
      this.bytesPerSecond = NaN;
    }

    nextQuality(state) {
      this.latency.sample(state.lastLatencySeconds());
      const rtt = this.latency.estimateSeconds();
      const transfer = Math.max(state.lastDownloadSeconds() - rtt, MIN_TRANSFER_SECONDS);
      this.bandwidth.sample(state.lastChunkBytes() / transfer);
      const bytesPerSecond = this.bandwidth.harmonicMean() / (1 + ERROR_WEIGHT * this.bandwidth.maxRecentError());
      this.bytesPerSecond = bytesPerSecond;
      if (this.search === null) {
        this.search = LookaheadSearch.forLadderOf(state, HORIZON);
      }
      const s = this.search;
      const next = state.nextChunk();
      const h = Math.min(HORIZON, state.chunkCount() - next);
      const qualities = state.qualityCount();
      for (let j = 0; j < h; j++) {
        for (let q = 0; q < qualities; q++) {
          s.downloadSeconds(j, q, rtt + state.chunkBytes(q, next + j) / bytesPerSecond);
        }
      }
      const reachesEnd = next + h >= state.chunkCount();
      const weight = reachesEnd ? 0 : TERMINAL_WEIGHT;
      const cap = TERMINAL_CAP_CHUNKS * state.chunkSeconds();
      return s.best(h, state.bufferSeconds(), state.lastQuality(), REBUFFER_PENALTY, weight, cap);
    }

    // The prediction the last decision used, in bits per second (hls.bandwidthEstimate); NaN before one.
    estimateBitsPerSecond() {
      return this.bytesPerSecond * 8;
    }
  }

  // hls.js 1.x custom abrController: the AbrComponentAPI (nextAutoLevel getter and setter, bwEstimator, clearTimer,
  // destroy) with the StreamKit rule deciding each next main fragment's level.
  class StreamKitAbrController {
    constructor(hls, segmentSizesUrl) {
      this.hls = hls;
      this.rule = new StreamKitRule();
      // The rule's choices, for the page and its tests, per decision: {chunk, level, bufferSeconds,
      // sampleBitsPerSecond (the link sample just taken), videoSampleBitsPerSecond (the video bytes alone over the same
      // time), linkBitsPerSecond (the harmonic mean of the link samples), estimateBitsPerSecond (after the error
      // bound)}.
      this.decisions = [];
      // Main fragments as loaded: {chunk, level, bytes, linkBytes, ms, firstByteMs}; linkBytes adds the other
      // fragments' bytes delivered over the same link during the load.
      this.loaded = [];
      // Fragments of any type (hls.js's Fragment objects) whose transfer may overlap a later main fragment's.
      this.transfers = [];
      // Audio fragments loaded so far: bytes and media seconds.
      this.audioBytes = 0;
      this.audioSeconds = 0;
      // Main fragments given up mid-load: {chunk, level, toLevel, bufferSeconds, loadedBytes, totalBytes, elapsedMs}.
      this.abandoned = [];
      this.choice = -1;
      this.forced = -1;
      this.lastLoad = null;
      this.sizesByUri = null;
      // The main fragment loading, and the interval checking it for abandonment.
      this.loading = null;
      this.timer = -1;
      const self = this;
      // hls.bandwidthEstimate and hls.ttfbEstimate read these.
      this.bwEstimator = {
        getEstimate: () => self.rule.estimateBitsPerSecond(),
        getEstimateTTFB: () => self.rule.latency.estimateSeconds() * 1000,
        canEstimate: () => !Number.isNaN(self.rule.bytesPerSecond),
      };
      const Events = hls.constructor.Events;
      this.listeners = [
        [Events.FRAG_LOADING, (event, data) => this.onFragLoading(data)],
        [Events.FRAG_LOADED, (event, data) => this.onFragLoaded(data)],
        [Events.FRAG_BUFFERED, (event, data) => this.onFragBuffered(data)],
      ];
      this.listeners.forEach(([e, f]) => hls.on(e, f));
      if (segmentSizesUrl) {
        this.fetchSizes(segmentSizesUrl);
      }
    }

    async fetchSizes(url) {
      try {
        const response = await fetch(url);
        if (!response.ok) {
          return;
        }
        const body = await response.json();
        const sizes = new Map();
        (body.renditions || []).forEach((r) => sizes.set(r.uri, r.segmentBytes));
        this.sizesByUri = sizes;
      } catch (e) {
        // No published sizes: chunks are sized from their level's bitrate.
      }
    }

    static isMain(frag) {
      return frag.type === 'main' && frag.sn !== 'initSegment';
    }

    onFragLoading(data) {
      this.transfers.push(data.frag);
      if (StreamKitAbrController.isMain(data.frag)) {
        this.clearTimer();
        this.loading = data.frag;
        this.timer = setInterval(() => this.checkAbandon(), ABANDON_CHECK_MILLIS);
      }
    }

    // Emergency abandonment (see the file comment): gives the loading main fragment up for a lower level's when it
    // would stall the player and the lower one arrives sooner.
    checkAbandon() {
      const frag = this.loading;
      const hls = this.hls;
      const media = hls ? hls.media : null;
      if (!frag || !media) {
        return;
      }
      const stats = frag.stats;
      if (stats.aborted || (stats.loaded > 0 && stats.loaded === stats.total) || frag.level <= hls.minAutoLevel) {
        this.clearTimer();
        return;
      }
      const bufferInfo = hls.mainForwardBufferInfo;
      const playbackRate = media.playbackRate;
      if (!hls.autoLevelEnabled || media.paused || !(playbackRate > 0) || !bufferInfo) {
        return;
      }
      const now = performance.now();
      const elapsed = (now - stats.loading.start) / 1000;
      const rtt = this.rule.latency.estimateSeconds();
      const starvation = bufferInfo.len / playbackRate;
      // The fragment's playing time; judged once half of it has passed loading, with less than two buffered.
      const playing = frag.duration / playbackRate;
      if (elapsed <= Math.max(rtt, playing / 2) || starvation >= 2 * playing) {
        return;
      }
      const levels = hls.levels;
      const chunk = frag.sn - levels[frag.level].details.startSN;
      const size = (q) => {
        const sizes = this.sizesOf(levels[q]);
        return sizes && chunk < sizes.length ? sizes[chunk] : Math.round(levels[q].bitrate / 8 * frag.duration);
      };
      const total = stats.total > 0 ? stats.total : size(frag.level);
      // The rate this fragment arrives at since its first byte; before one, the rule's prediction.
      const streaming = stats.loading.first > 0 ? (now - stats.loading.first) / 1000 : 0;
      const rate = stats.loaded > 0 && streaming > 0 ? stats.loaded / streaming : this.rule.bytesPerSecond;
      if (!(rate > 0)) {
        return;
      }
      const rest = (total - stats.loaded) / rate;
      if (rest <= starvation) {
        return;
      }
      let level = frag.level - 1;
      let seconds = Infinity;
      for (; level >= hls.minAutoLevel; level--) {
        // A level whose playlist hls.js has not loaded yet costs that request first.
        seconds = rtt + size(level) / rate + (levels[level].details ? 0 : rtt);
        if (seconds < starvation || level === hls.minAutoLevel) {
          break;
        }
      }
      if (!(seconds < rest)) {
        return;
      }
      this.clearTimer();
      // As hls.js's own controller: the level switches (its playlist loads if needed) and, through the nextAutoLevel
      // setter, holds for the next fragment.
      hls.nextLoadLevel = level;
      this.abandoned.push({
        chunk: chunk, level: frag.level, toLevel: level, bufferSeconds: bufferInfo.len, loadedBytes: stats.loaded,
        totalBytes: total, elapsedMs: Math.round(elapsed * 1000),
      });
      if (frag.loader) {
        frag.abortRequests();
      }
      hls.trigger(hls.constructor.Events.FRAG_LOAD_EMERGENCY_ABORTED, { frag: frag, part: null, stats: stats });
    }

    onFragLoaded(data) {
      const frag = data.frag;
      if (StreamKitAbrController.isMain(frag)) {
        this.clearTimer();
      }
      if (frag.type === 'audio' && frag.sn !== 'initSegment' && frag.stats.loaded > 0) {
        this.audioBytes += frag.stats.loaded;
        this.audioSeconds += frag.duration;
      }
      if (!StreamKitAbrController.isMain(frag)) {
        return;
      }
      const stats = data.part ? data.part.stats : frag.stats;
      const linkBytes = stats.loaded + this.bytesBeside(frag, stats.loading.start, stats.loading.end);
      const details = this.hls.levels[frag.level].details;
      this.loaded.push({
        chunk: frag.sn - details.startSN, level: frag.level, bytes: stats.loaded, linkBytes: linkBytes,
        ms: stats.loading.end - stats.loading.start, firstByteMs: stats.loading.first - stats.loading.start,
      });
      this.forced = -1;
      this.lastLoad = {
        bytes: linkBytes,
        videoBytes: stats.loaded,
        downloadSeconds: (stats.loading.end - stats.loading.start) / 1000,
        latencySeconds: Math.max(stats.loading.first - stats.loading.start, 0) / 1000,
      };
    }

    // The bytes other fragments' transfers delivered between start and end (ms), each spread evenly over its transfer;
    // transfers that ended before start are forgotten, as every later main fragment starts after this one.
    bytesBeside(main, start, end) {
      const now = performance.now();
      let bytes = 0;
      this.transfers = this.transfers.filter((frag) => {
        const s = frag.stats;
        if (s.aborted || (s.loading.end > 0 && s.loading.end < start)) {
          return false;
        }
        if (frag === main || !(s.loading.start > 0) || !(s.loaded > 0)) {
          return frag !== main;
        }
        const from = s.loading.first > 0 ? s.loading.first : s.loading.start;
        const to = s.loading.end > 0 ? s.loading.end : now;
        const overlap = Math.min(to, end) - Math.max(from, start);
        if (overlap > 0) {
          bytes += s.loaded * (overlap / (to - from));
        }
        return true;
      });
      return Math.round(bytes);
    }

    onFragBuffered(data) {
      const frag = data.frag;
      const load = this.lastLoad;
      if (!StreamKitAbrController.isMain(frag) || data.stats.aborted || !load || !(load.bytes > 0)) {
        return;
      }
      this.lastLoad = null;
      const hls = this.hls;
      const levels = hls.levels;
      const details = levels[frag.level].details;
      const chunkCount = details.fragments.length;
      const next = frag.sn - details.startSN + 1;
      if (next >= chunkCount) {
        return;
      }
      const bufferInfo = hls.mainForwardBufferInfo;
      const buffer = bufferInfo ? bufferInfo.len : 0;
      const chunkSeconds = details.averagetargetduration || frag.duration;
      const sizes = levels.map((level) => this.sizesOf(level));
      const audioBytes = this.audioSeconds > 0 ? Math.round(this.audioBytes / this.audioSeconds * chunkSeconds) : 0;
      const state = {
        bufferSeconds: () => buffer,
        lastQuality: () => frag.level,
        nextChunk: () => next,
        chunkCount: () => chunkCount,
        qualityCount: () => levels.length,
        bitrateKbps: (q) => Math.round(levels[q].bitrate / 1000),
        chunkBytes: (q, chunk) => (sizes[q] && chunk < sizes[q].length ? sizes[q][chunk] + audioBytes
          : Math.round(levels[q].bitrate / 8 * chunkSeconds)),
        chunkSeconds: () => chunkSeconds,
        lastChunkBytes: () => load.bytes,
        lastDownloadSeconds: () => load.downloadSeconds,
        lastLatencySeconds: () => load.latencySeconds,
      };
      this.choice = this.rule.nextQuality(state);
      // The sample the rule just took, and what the video bytes alone over the same time would have made it.
      const transfer = Math.max(load.downloadSeconds - this.rule.latency.estimateSeconds(), MIN_TRANSFER_SECONDS);
      this.decisions.push({
        chunk: next, level: this.choice, bufferSeconds: buffer,
        sampleBitsPerSecond: load.bytes * 8 / transfer, videoSampleBitsPerSecond: load.videoBytes * 8 / transfer,
        linkBitsPerSecond: this.rule.bandwidth.harmonicMean() * 8,
        estimateBitsPerSecond: this.rule.estimateBitsPerSecond(),
      });
    }

    // The published sizes of a level's segments, matched by the rendition playlist the level's URL ends with.
    sizesOf(level) {
      if (!this.sizesByUri) {
        return null;
      }
      const path = new URL(level.uri, location.href).pathname;
      for (const [uri, bytes] of this.sizesByUri) {
        if (path.endsWith('/' + uri)) {
          return bytes;
        }
      }
      return null;
    }

    // The level chosen for the next fragment, within hls.js's auto-level bounds; before the first decision, the start
    // level (the master playlist's first variant unless configured otherwise), as the simulator starts at a set rung.
    get nextAutoLevel() {
      const hls = this.hls;
      if (this.forced !== -1) {
        return this.forced;
      }
      const start = hls.startLevel >= 0 ? hls.startLevel : hls.firstLevel;
      const level = this.choice !== -1 ? this.choice : start;
      return Math.min(Math.max(level, hls.minAutoLevel), hls.maxAutoLevel);
    }

    // hls.js writes back the level it is about to load, and forces one lower after a load error; anything but the
    // rule's own choice holds for the next fragment only, as with hls.js's controller.
    set nextAutoLevel(level) {
      if (level !== this.nextAutoLevel) {
        this.forced = level;
      }
    }

    // Stops checking the loading main fragment for abandonment (hls.js calls this too, e.g. when it aborts a load).
    clearTimer() {
      if (this.timer !== -1) {
        clearInterval(this.timer);
        this.timer = -1;
      }
      this.loading = null;
    }

    destroy() {
      this.clearTimer();
      this.listeners.forEach(([e, f]) => this.hls.off(e, f));
      this.hls = null;
    }
  }

  const api = {
    StreamKitRule: StreamKitRule,
    // A controller class for hls.js's abrController option, reading the chunk sizes from segmentSizesUrl.
    controllerFor: (segmentSizesUrl) => class extends StreamKitAbrController {
      constructor(hls) {
        super(hls, segmentSizesUrl);
      }
    },
  };
  if (typeof module === 'object' && module.exports) {
    module.exports = api;
  } else {
    root.StreamKitAbr = api;
  }
})(this);
