// Replays recorded playback states through the player page's StreamKit rule and prints its decisions as JSON, one
// array per session: node replay-abr-decisions.js <streamkit-abr.js> <sessions.json>.
// Doubles arrive as the 16 hex digits of their IEEE 754 bits so that no decimal round trip can change one.
'use strict';
const fs = require('fs');
const { StreamKitRule } = require(process.argv[2]);

const bits = new DataView(new ArrayBuffer(8));
function real(hex) {
  bits.setBigUint64(0, BigInt('0x' + hex));
  return bits.getFloat64(0);
}

const sessions = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
const decisions = sessions.map((session) => {
  const rule = new StreamKitRule();
  const chunkSeconds = real(session.chunkSeconds);
  return session.steps.map((step) => rule.nextQuality({
    bufferSeconds: () => real(step.buffer),
    lastQuality: () => step.lastQuality,
    nextChunk: () => step.nextChunk,
    chunkCount: () => session.chunkCount,
    qualityCount: () => session.ladder.length,
    bitrateKbps: (q) => session.ladder[q],
    chunkBytes: (q, chunk) => session.sizes[q][chunk],
    chunkSeconds: () => chunkSeconds,
    lastChunkBytes: () => step.lastBytes,
    lastDownloadSeconds: () => real(step.download),
    lastLatencySeconds: () => real(step.latency),
  }));
});
process.stdout.write(JSON.stringify(decisions));
