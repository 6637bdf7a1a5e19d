package io.streamkit.hls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds every key frame (IDR) of a media segment as a byte range that decodes on its own, for the
 * {@code EXT-X-BYTERANGE} entries of an I-frame playlist (RFC 8216 section 4.3.3.6: each entry is one I-frame, its
 * byte range the I-frame and what a player needs to decode it). For fMP4 that is a fragment that opens with a sync
 * sample ({@link KeyframeFragmenter} gives every IDR one): its {@code moof}, the {@code mdat} header and the first
 * sample. For TS it is the IDR's PES packet, from the PAT and PMT the muxer repeats right before every video key frame
 * (so the range names its own program) to the start of the next video PES.
 */
final class KeyframeLocator {

  /**
   * One IDR: its byte range in the segment and its time in seconds (decode time for fMP4, presentation time for TS:
   * only differences between key frames of one rendition are used, and both advance by the same amounts).
   */
  record Keyframe(long offset, long length, double seconds) {}

  private static final int TS_PACKET = 188;
  private static final int H264_STREAM_TYPE = 0x1b;
  private static final int SDT_PID = 0x11;
  private static final double PTS_HZ = 90_000;

  private KeyframeLocator() {}

  /** ISO/IEC 14496-12: the fragments whose first sample is a sync sample. */
  static List<Keyframe> fmp4(Path segment, Fmp4Fragments.Track track) {
    List<Keyframe> keyframes = new ArrayList<>();
    for (Fmp4Fragments.Fragment fragment : Fmp4Fragments.fragments(segment, track)) {
      if (fragment.samples().get(0).sync()) {
        keyframes.add(new Keyframe(fragment.moofOffset(), fragment.firstSampleRange(),
            (double) fragment.baseMediaDecodeTime() / track.timescale()));
      }
    }
    return keyframes;
  }

  /**
   * ISO/IEC 13818-1: the PAT gives the PMT, the PMT the H.264 PID; a video PES that starts in a packet with the
   * adaptation field's {@code random_access_indicator} (section 2.4.3.5, which FFmpeg's muxer sets on key frames) is
   * a key frame, timed by its PES header's PTS (section 2.4.3.7).
   */
  static List<Keyframe> ts(Path segment) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(segment);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read segment " + segment, e);
    }
    List<Keyframe> keyframes = new ArrayList<>();
    int pmtPid = -1;
    int videoPid = -1;
    int tablesStart = -1;
    long keyframeStart = -1;
    double keyframeSeconds = 0;
    for (int offset = 0; offset + TS_PACKET <= bytes.length; offset += TS_PACKET) {
      if (bytes[offset] != 0x47) {
        throw new TranscodeException("cannot index " + segment + ": no TS sync byte at " + offset
            + "; the segmenter's output is damaged, transcode the title again");
      }
      boolean start = (bytes[offset + 1] & 0x40) != 0;
      int pid = ((bytes[offset + 1] & 0x1f) << 8) | (bytes[offset + 2] & 0xff);
      int payload = offset + 4;
      int adaptation = (bytes[offset + 3] >> 4) & 0x3;
      boolean randomAccess = false;
      if (adaptation == 2 || adaptation == 3) {
        int length = bytes[offset + 4] & 0xff;
        randomAccess = length > 0 && (bytes[offset + 5] & 0x40) != 0;
        payload += 1 + length;
      }
      boolean table = pid == 0 || pid == pmtPid || pid == SDT_PID;
      if (table) {
        tablesStart = tablesStart < 0 ? offset : tablesStart;
      }
      if (pid == 0 && start && pmtPid < 0) {
        int section = payload + 1 + (bytes[payload] & 0xff);
        pmtPid = ((bytes[section + 10] & 0x1f) << 8) | (bytes[section + 11] & 0xff);
      } else if (pid == pmtPid && start && videoPid < 0) {
        videoPid = videoPid(bytes, payload);
      } else if (pid == videoPid && start) {
        if (keyframeStart >= 0) {
          keyframes.add(new Keyframe(keyframeStart, offset - keyframeStart, keyframeSeconds));
          keyframeStart = -1;
        }
        if (randomAccess) {
          keyframeStart = tablesStart >= 0 ? tablesStart : offset;
          keyframeSeconds = pts(bytes, payload) / PTS_HZ;
        }
      }
      if (!table) {
        tablesStart = -1;
      }
    }
    if (keyframeStart >= 0) {
      keyframes.add(new Keyframe(keyframeStart, bytes.length - keyframeStart, keyframeSeconds));
    }
    return keyframes;
  }

  private static int videoPid(byte[] bytes, int payload) {
    int section = payload + 1 + (bytes[payload] & 0xff);
    int sectionLength = ((bytes[section + 1] & 0x0f) << 8) | (bytes[section + 2] & 0xff);
    int programInfoLength = ((bytes[section + 10] & 0x0f) << 8) | (bytes[section + 11] & 0xff);
    int entry = section + 12 + programInfoLength;
    int end = section + 3 + sectionLength - 4;
    while (entry + 5 <= end) {
      int elementaryPid = ((bytes[entry + 1] & 0x1f) << 8) | (bytes[entry + 2] & 0xff);
      if ((bytes[entry] & 0xff) == H264_STREAM_TYPE) {
        return elementaryPid;
      }
      entry += 5 + (((bytes[entry + 3] & 0x0f) << 8) | (bytes[entry + 4] & 0xff));
    }
    return -1;
  }

  /** The 33-bit PTS of the PES header at {@code pes}, 0 when it has none. */
  private static long pts(byte[] bytes, int pes) {
    if ((bytes[pes + 7] & 0x80) == 0) {
      return 0;
    }
    int p = pes + 9;
    return ((long) (bytes[p] & 0x0e) << 29) | ((bytes[p + 1] & 0xffL) << 22) | ((bytes[p + 2] & 0xfeL) << 14)
        | ((bytes[p + 3] & 0xffL) << 7) | ((bytes[p + 4] & 0xffL) >> 1);
  }
}
