package io.streamkit.hls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds how many leading bytes of a segment hold its first (IDR) frame, for the {@code EXT-X-BYTERANGE} entries of
 * an I-frame playlist (RFC 8216 section 4.3.3.6: each entry is one I-frame; for fMP4 the range covers the fragment
 * header and the frame's sample, for TS the transport packets up to the next video PES).
 */
final class KeyframeLocator {

  private static final int TS_PACKET = 188;
  private static final int H264_STREAM_TYPE = 0x1b;

  private KeyframeLocator() {}

  static long firstFrameLength(Path segment, SegmentFormat format) {
    try {
      byte[] bytes = Files.readAllBytes(segment);
      long length = format == SegmentFormat.FMP4 ? fmp4(bytes) : ts(bytes);
      return length > 0 && length <= bytes.length ? length : bytes.length;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read segment " + segment, e);
    }
  }

  /**
   * ISO/IEC 14496-12: the first {@code moof}'s first {@code trun} gives the data offset of the first sample (relative
   * to the {@code moof} with default-base-is-moof, as FFmpeg writes CMAF) and its size (per sample, or the
   * {@code tfhd} default).
   */
  static long fmp4(byte[] bytes) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    int position = 0;
    while (position + 8 <= bytes.length) {
      long size = Integer.toUnsignedLong(buffer.getInt(position));
      String type = type(bytes, position + 4);
      if (size < 8) {
        return -1;
      }
      if (type.equals("moof")) {
        return position + firstSampleEnd(buffer, position, (int) size);
      }
      position += (int) size;
    }
    return -1;
  }

  private static long firstSampleEnd(ByteBuffer buffer, int moof, int moofSize) {
    int position = moof + 8;
    while (position < moof + moofSize) {
      int size = buffer.getInt(position);
      if (type(buffer.array(), position + 4).equals("traf")) {
        long defaultSize = -1;
        int child = position + 8;
        while (child < position + size) {
          int childSize = buffer.getInt(child);
          String childType = type(buffer.array(), child + 4);
          int flags = buffer.getInt(child + 8) & 0xffffff;
          if (childType.equals("tfhd")) {
            int field = child + 16;
            field += (flags & 0x1) != 0 ? 8 : 0;
            field += (flags & 0x2) != 0 ? 4 : 0;
            field += (flags & 0x8) != 0 ? 4 : 0;
            if ((flags & 0x10) != 0) {
              defaultSize = Integer.toUnsignedLong(buffer.getInt(field));
            }
          } else if (childType.equals("trun")) {
            int field = child + 16;
            long dataOffset = 0;
            if ((flags & 0x1) != 0) {
              dataOffset = buffer.getInt(field);
              field += 4;
            }
            field += (flags & 0x4) != 0 ? 4 : 0;
            field += (flags & 0x100) != 0 ? 4 : 0;
            long sampleSize = (flags & 0x200) != 0 ? Integer.toUnsignedLong(buffer.getInt(field)) : defaultSize;
            return sampleSize < 0 ? -1 : dataOffset + sampleSize;
          }
          child += childSize;
        }
      }
      position += size;
    }
    return -1;
  }

  /** ISO/IEC 13818-1: PAT gives the PMT, PMT the H.264 PID; the frame ends where that PID's next PES starts. */
  static long ts(byte[] bytes) {
    int pmtPid = -1;
    int videoPid = -1;
    boolean seenFirstPes = false;
    for (int offset = 0; offset + TS_PACKET <= bytes.length; offset += TS_PACKET) {
      if (bytes[offset] != 0x47) {
        return -1;
      }
      boolean start = (bytes[offset + 1] & 0x40) != 0;
      int pid = ((bytes[offset + 1] & 0x1f) << 8) | (bytes[offset + 2] & 0xff);
      int payload = offset + 4;
      int adaptation = (bytes[offset + 3] >> 4) & 0x3;
      if (adaptation == 2 || adaptation == 3) {
        payload += 1 + (bytes[offset + 4] & 0xff);
      }
      if (pid == 0 && start && pmtPid < 0) {
        int section = payload + 1 + (bytes[payload] & 0xff);
        pmtPid = ((bytes[section + 10] & 0x1f) << 8) | (bytes[section + 11] & 0xff);
      } else if (pid == pmtPid && start && videoPid < 0) {
        int section = payload + 1 + (bytes[payload] & 0xff);
        int sectionLength = ((bytes[section + 1] & 0x0f) << 8) | (bytes[section + 2] & 0xff);
        int programInfoLength = ((bytes[section + 10] & 0x0f) << 8) | (bytes[section + 11] & 0xff);
        int entry = section + 12 + programInfoLength;
        int end = section + 3 + sectionLength - 4;
        while (entry + 5 <= end) {
          int streamType = bytes[entry] & 0xff;
          int elementaryPid = ((bytes[entry + 1] & 0x1f) << 8) | (bytes[entry + 2] & 0xff);
          int infoLength = ((bytes[entry + 3] & 0x0f) << 8) | (bytes[entry + 4] & 0xff);
          if (streamType == H264_STREAM_TYPE) {
            videoPid = elementaryPid;
            break;
          }
          entry += 5 + infoLength;
        }
      } else if (pid == videoPid && start) {
        if (seenFirstPes) {
          return offset;
        }
        seenFirstPes = true;
      }
    }
    return bytes.length;
  }

  private static String type(byte[] bytes, int offset) {
    return new String(bytes, offset, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
  }
}
