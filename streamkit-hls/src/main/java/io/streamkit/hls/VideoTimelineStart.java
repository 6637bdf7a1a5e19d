package io.streamkit.hls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The presentation timestamp of a title's first video frame as the segments carry it, on the 90 kHz MPEG-2 clock:
 * what {@code X-TIMESTAMP-MAP=MPEGTS:<n>} must name so that a WebVTT cue at {@code LOCAL} time 0 shows with that
 * frame (RFC 8216 section 3.5).
 *
 * <p>It is not 0. The segmenter shifts the whole timeline so that no decode timestamp is negative: with B-frames the
 * first frame is presented a reorder delay after it is decoded (x264 {@code veryfast}: two frames, 0.08 s at 25 fps),
 * and in a TS segment the AAC priming samples shift it further. A player maps the WebVTT {@code MPEGTS} value against
 * the media's own timestamps (hls.js subtracts the first segment's base time: the first TS PTS, or the fMP4
 * {@code tfdt}), so naming the first frame's actual PTS makes a cue's {@code LOCAL} time equal its time on the
 * title's timeline (the first video frame at 0), whatever the encoder's delay.
 *
 * <p>TS (ISO/IEC 13818-1 section 2.4.3.7): the PTS of the first PES packet of a video stream (stream id
 * {@code 0xE0}-{@code 0xEF}). fMP4 (ISO/IEC 14496-12 sections 8.8.12 and 8.8.8): the first fragment's
 * {@code tfdt} decode time plus its first sample's composition offset from {@code trun}, in the timescale of the
 * init segment's {@code mdhd} (section 8.4.2); edit lists are not applied, as hls.js does not apply them.
 */
final class VideoTimelineStart {

  /** Timestamps of the MPEG-2 system clock, in Hz (ISO/IEC 13818-1 section 2.4.3.7). */
  static final long MPEG_CLOCK_HZ = 90_000;
  /** PTS values are 33 bits wide and wrap. */
  static final long PTS_MODULUS = 1L << 33;
  private static final int TS_PACKET = 188;

  private VideoTimelineStart() {}

  /**
   * Reads the first segment of a video rendition's playlist.
   *
   * @return the first frame's PTS on the 90 kHz clock, modulo 2^33
   */
  static long of(MediaPlaylist playlist, SegmentFormat format) {
    Path directory = playlist.file().getParent();
    Path segment = directory.resolve(playlist.segments().get(0).uri());
    long pts = format == SegmentFormat.TS ? ts(read(segment))
        : fmp4(read(directory.resolve(playlist.mapUri())), read(segment));
    if (pts < 0) {
      throw new TranscodeException("cannot find the first video timestamp in " + segment + "; the segment is"
          + " damaged");
    }
    return Math.floorMod(pts, PTS_MODULUS);
  }

  static long ts(byte[] bytes) {
    for (int offset = 0; offset + TS_PACKET <= bytes.length; offset += TS_PACKET) {
      if (bytes[offset] != 0x47 || (bytes[offset + 1] & 0x40) == 0) {
        continue;
      }
      int payload = offset + 4;
      int adaptation = (bytes[offset + 3] >> 4) & 0x3;
      if (adaptation == 2) {
        continue;
      }
      if (adaptation == 3) {
        payload += 1 + (bytes[offset + 4] & 0xff);
      }
      if (payload + 14 > offset + TS_PACKET || bytes[payload] != 0 || bytes[payload + 1] != 0
          || bytes[payload + 2] != 1) {
        continue;
      }
      int streamId = bytes[payload + 3] & 0xff;
      boolean hasPts = (bytes[payload + 7] & 0x80) != 0;
      if (streamId >= 0xe0 && streamId <= 0xef && hasPts) {
        int p = payload + 9;
        return ((long) (bytes[p] & 0x0e) << 29) | ((bytes[p + 1] & 0xffL) << 22) | ((bytes[p + 2] & 0xfeL) << 14)
            | ((bytes[p + 3] & 0xffL) << 7) | ((bytes[p + 4] & 0xfeL) >> 1);
      }
    }
    return -1;
  }

  static long fmp4(byte[] init, byte[] segment) {
    ByteBuffer mdhd = box(ByteBuffer.wrap(init), "moov", "trak", "mdia", "mdhd");
    ByteBuffer traf = box(ByteBuffer.wrap(segment), "moof", "traf");
    if (mdhd == null || traf == null) {
      return -1;
    }
    long timescale = Integer.toUnsignedLong(mdhd.getInt(mdhd.get(0) == 1 ? 20 : 12));
    ByteBuffer tfdt = box(traf.duplicate(), "tfdt");
    ByteBuffer trun = box(traf.duplicate(), "trun");
    if (timescale == 0 || tfdt == null || trun == null) {
      return -1;
    }
    long decodeTime = tfdt.get(0) == 1 ? tfdt.getLong(4) : Integer.toUnsignedLong(tfdt.getInt(4));
    int flags = trun.getInt(0) & 0xffffff;
    long compositionOffset = 0;
    if ((flags & 0x800) != 0 && trun.getInt(4) > 0) {
      int field = 8 + ((flags & 0x1) != 0 ? 4 : 0) + ((flags & 0x4) != 0 ? 4 : 0)
          + ((flags & 0x100) != 0 ? 4 : 0) + ((flags & 0x200) != 0 ? 4 : 0) + ((flags & 0x400) != 0 ? 4 : 0);
      int raw = trun.getInt(field);
      compositionOffset = trun.get(0) == 0 ? Integer.toUnsignedLong(raw) : raw;
    }
    return Math.floorDiv((decodeTime + compositionOffset) * MPEG_CLOCK_HZ, timescale);
  }

  /** The body (after the size and type) of the first box on the {@code path}, or null. */
  private static ByteBuffer box(ByteBuffer buffer, String... path) {
    ByteBuffer level = buffer;
    for (String type : path) {
      ByteBuffer found = null;
      int position = 0;
      while (position + 8 <= level.limit()) {
        long size = Integer.toUnsignedLong(level.getInt(position));
        if (size < 8 || position + size > level.limit()) {
          return null;
        }
        String name = new String(new byte[] {level.get(position + 4), level.get(position + 5),
            level.get(position + 6), level.get(position + 7)}, StandardCharsets.ISO_8859_1);
        if (name.equals(type)) {
          found = level.slice(position + 8, (int) size - 8);
          break;
        }
        position += (int) size;
      }
      if (found == null) {
        return null;
      }
      level = found;
    }
    return level;
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read segment " + file, e);
    }
  }
}
