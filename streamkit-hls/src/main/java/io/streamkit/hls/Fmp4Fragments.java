package io.streamkit.hls;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the timing and layout of the fragments of an fMP4 rendition as the segmenter wrote it (ISO/IEC 14496-12): the
 * one track of its init segment, and for each media segment the {@code moof}/{@code mdat} pairs it holds, each with
 * its samples. The DASH manifest takes its segment timeline from here and the I-frame playlists their byte ranges, so
 * both describe the bytes on disk rather than the rounded {@code EXTINF} values.
 *
 * <p>Sample values follow the defaulting chain of section 8.8: a {@code trun} field when present, else the
 * {@code tfhd} default, else the {@code trex} default of the init segment ({@code first_sample_flags} overriding the
 * flags of a run's first sample). Sample data offsets are relative to the {@code tfhd} base data offset when it is
 * given, otherwise to the {@code moof} (default-base-is-moof, as FFmpeg writes CMAF and DASH fragments); a run
 * without a data offset continues where the previous one ended (section 8.8.8.3).
 */
final class Fmp4Fragments {

  /** {@code sample_is_non_sync_sample} of the sample flags (section 8.8.3.1). */
  static final int NON_SYNC_SAMPLE = 0x10000;

  private Fmp4Fragments() {}

  /**
   * The track of an init segment.
   *
   * @param timescale ticks per second of the track's media time ({@code mdhd}), the unit of every duration here
   * @param handler {@code vide} or {@code soun} ({@code hdlr})
   * @param channels audio channel count of the sample entry, 0 for video
   * @param sampleRate audio sampling rate of the sample entry in Hz, 0 for video
   */
  record Track(int id, long timescale, String handler, long defaultDuration, long defaultSize, int defaultFlags,
      int channels, int sampleRate) {}

  /**
   * One sample: its absolute byte offset in the segment file, size, duration in track ticks, flags and composition
   * time offset (0 when the run has none).
   */
  record Sample(long offset, long size, long duration, int flags, int compositionOffset) {
    boolean sync() {
      return (flags & NON_SYNC_SAMPLE) == 0;
    }
  }

  /**
   * One {@code moof} and the {@code mdat} after it.
   *
   * @param moofOffset byte offset of the {@code moof} in the segment file
   * @param mdatEnd byte offset just past the {@code mdat}
   * @param baseMediaDecodeTime decode time of the first sample ({@code tfdt}), in track ticks
   */
  record Fragment(long moofOffset, long moofSize, long mdatOffset, long mdatEnd, long baseMediaDecodeTime,
      List<Sample> samples) {

    long duration() {
      return samples.stream().mapToLong(Sample::duration).sum();
    }

    /**
     * The smallest composition time of its samples (decode time plus composition offset), in track ticks: the
     * {@code tfdt} for audio; for video with B-frames the encoder's reorder delay after it.
     */
    long earliestPresentationTime() {
      long earliest = Long.MAX_VALUE;
      long decodeTime = baseMediaDecodeTime;
      for (Sample sample : samples) {
        earliest = Math.min(earliest, decodeTime + sample.compositionOffset());
        decodeTime += sample.duration();
      }
      return earliest;
    }

    /** Bytes from the start of the {@code moof} to the end of the first sample: the fragment's I-frame range. */
    long firstSampleRange() {
      Sample first = samples.get(0);
      return first.offset() + first.size() - moofOffset;
    }
  }

  static Track track(Path init) {
    return track(read(init), init);
  }

  static Track track(byte[] bytes, Path init) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    int moov = find(in, 0, bytes.length, "moov", init);
    int trak = find(in, moov + 8, end(in, moov, init), "trak", init);
    int tkhd = find(in, trak + 8, end(in, trak, init), "tkhd", init);
    int id = in.getInt(tkhd + (in.get(tkhd + 8) == 1 ? 28 : 20));
    int mdia = find(in, trak + 8, end(in, trak, init), "mdia", init);
    int mdhd = find(in, mdia + 8, end(in, mdia, init), "mdhd", init);
    long timescale = Integer.toUnsignedLong(in.getInt(mdhd + (in.get(mdhd + 8) == 1 ? 28 : 20)));
    int hdlr = find(in, mdia + 8, end(in, mdia, init), "hdlr", init);
    String handler = type(in, hdlr + 16);
    int channels = 0;
    int sampleRate = 0;
    if (handler.equals("soun")) {
      int minf = find(in, mdia + 8, end(in, mdia, init), "minf", init);
      int stbl = find(in, minf + 8, end(in, minf, init), "stbl", init);
      int stsd = find(in, stbl + 8, end(in, stbl, init), "stsd", init);
      int entry = stsd + 16;
      // AudioSampleEntry (section 12.2.3): channelcount at 24, samplerate as 16.16 fixed point at 32.
      channels = in.getShort(entry + 24) & 0xffff;
      sampleRate = in.getShort(entry + 32) & 0xffff;
    }
    long defaultDuration = 0;
    long defaultSize = -1;
    int defaultFlags = 0;
    for (int child = moov + 8; child < end(in, moov, init); child = end(in, child, init)) {
      if (type(in, child + 4).equals("mvex")) {
        for (int trex = child + 8; trex < end(in, child, init); trex = end(in, trex, init)) {
          if (type(in, trex + 4).equals("trex") && in.getInt(trex + 12) == id) {
            defaultDuration = Integer.toUnsignedLong(in.getInt(trex + 20));
            defaultSize = Integer.toUnsignedLong(in.getInt(trex + 24));
            defaultFlags = in.getInt(trex + 28);
          }
        }
      }
    }
    return new Track(id, timescale, handler, defaultDuration, defaultSize, defaultFlags, channels, sampleRate);
  }

  /**
   * The fragments of a media segment file, in file order. Only box headers and the {@code moof} boxes are read:
   * every segment of a title is read this way up to three times after it is encoded (durations, DASH timeline,
   * I-frame ranges), and reading its media data as well cost a copy and fresh memory for every byte of it.
   */
  static List<Fragment> fragments(Path segment, Track track) {
    // RandomAccessFile, not FileChannel: an interrupt (a cancelled transcode) must reach the pipeline's own checks,
    // not close the file under the read.
    try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "r")) {
      long size = file.length();
      List<Fragment> fragments = new ArrayList<>();
      byte[] header = new byte[16];
      ByteBuffer moof = null;
      long moofOffset = -1;
      for (long box = 0; box < size; ) {
        int headerLength = (int) Math.min(header.length, size - box);
        file.seek(box);
        file.readFully(header, 0, headerLength);
        ByteBuffer headerBuffer = ByteBuffer.wrap(header, 0, headerLength);
        long end = box + boxSize(headerBuffer, 0, box, size, segment);
        String type = type(headerBuffer, 4);
        if (type.equals("moof")) {
          byte[] bytes = new byte[Math.toIntExact(end - box)];
          file.seek(box);
          file.readFully(bytes);
          moof = ByteBuffer.wrap(bytes);
          moofOffset = box;
        } else if (type.equals("mdat")) {
          if (moof == null) {
            throw damaged(segment, "mdat at byte " + box + " follows no moof");
          }
          fragments.add(fragment(moof, moofOffset, box, end, size, track, segment));
          moof = null;
        }
        box = end;
      }
      return List.copyOf(fragments);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + segment, e);
    }
  }

  /** The fragments of a media segment held in memory, in file order; {@code file} only names it in errors. */
  static List<Fragment> fragments(byte[] bytes, Track track, Path file) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    List<Fragment> fragments = new ArrayList<>();
    int moof = -1;
    for (int box = 0; box < bytes.length; box = end(in, box, file)) {
      String type = type(in, box + 4);
      if (type.equals("moof")) {
        moof = box;
      } else if (type.equals("mdat")) {
        if (moof < 0) {
          throw damaged(file, "mdat at byte " + box + " follows no moof");
        }
        ByteBuffer moofBox = ByteBuffer.wrap(bytes, moof, end(in, moof, file) - moof).slice();
        fragments.add(fragment(moofBox, moof, box, end(in, box, file), bytes.length, track, file));
        moof = -1;
      }
    }
    return List.copyOf(fragments);
  }

  /**
   * One fragment: {@code moof} holds its {@code moof} box alone, which starts at byte {@code moofOffset} of a file of
   * {@code fileSize} bytes; its {@code mdat} spans {@code mdatOffset} to {@code mdatEnd}.
   */
  private static Fragment fragment(ByteBuffer in, long moofOffset, long mdatOffset, long mdatEnd, long fileSize,
      Track track, Path file) {
    int traf = find(in, 8, in.limit(), "traf", file);
    long base = moofOffset;
    long defaultDuration = track.defaultDuration();
    long defaultSize = track.defaultSize();
    int defaultFlags = track.defaultFlags();
    long decodeTime = 0;
    long next = -1;
    List<Sample> samples = new ArrayList<>();
    for (int box = traf + 8; box < end(in, traf, file); box = end(in, box, file)) {
      String type = type(in, box + 4);
      int flags = in.getInt(box + 8) & 0xffffff;
      if (type.equals("tfhd")) {
        int field = box + 16;
        if ((flags & 0x1) != 0) {
          base = in.getLong(field);
          field += 8;
        }
        field += (flags & 0x2) != 0 ? 4 : 0;
        if ((flags & 0x8) != 0) {
          defaultDuration = Integer.toUnsignedLong(in.getInt(field));
          field += 4;
        }
        if ((flags & 0x10) != 0) {
          defaultSize = Integer.toUnsignedLong(in.getInt(field));
          field += 4;
        }
        if ((flags & 0x20) != 0) {
          defaultFlags = in.getInt(field);
        }
      } else if (type.equals("tfdt")) {
        decodeTime = in.get(box + 8) == 1 ? in.getLong(box + 12) : Integer.toUnsignedLong(in.getInt(box + 12));
      } else if (type.equals("trun")) {
        int count = in.getInt(box + 12);
        int field = box + 16;
        long position = next < 0 ? base : next;
        if ((flags & 0x1) != 0) {
          position = base + in.getInt(field);
          field += 4;
        }
        int firstFlags = defaultFlags;
        if ((flags & 0x4) != 0) {
          firstFlags = in.getInt(field);
          field += 4;
        }
        for (int s = 0; s < count; s++) {
          long duration = defaultDuration;
          long size = defaultSize;
          int sampleFlags = s == 0 ? firstFlags : defaultFlags;
          if ((flags & 0x100) != 0) {
            duration = Integer.toUnsignedLong(in.getInt(field));
            field += 4;
          }
          if ((flags & 0x200) != 0) {
            size = Integer.toUnsignedLong(in.getInt(field));
            field += 4;
          }
          if ((flags & 0x400) != 0) {
            sampleFlags = in.getInt(field);
            field += 4;
          }
          int compositionOffset = 0;
          if ((flags & 0x800) != 0) {
            compositionOffset = in.getInt(field);
            field += 4;
          }
          if (size < 0 || position + size > fileSize) {
            throw damaged(file, "sample " + s + " of the fragment at byte " + moofOffset
                + " lies outside the file");
          }
          samples.add(new Sample(position, size, duration, sampleFlags, compositionOffset));
          position += size;
        }
        next = position;
      }
    }
    if (samples.isEmpty()) {
      throw damaged(file, "the fragment at byte " + moofOffset + " has no samples");
    }
    return new Fragment(moofOffset, in.limit(), mdatOffset, mdatEnd, decodeTime,
        List.copyOf(samples));
  }

  /** A box of {@code type} around {@code payload} (section 4.2), 32-bit size. */
  static byte[] box(String type, byte[] payload) {
    return ByteBuffer.allocate(8 + payload.length).putInt(8 + payload.length)
        .put(type.getBytes(StandardCharsets.ISO_8859_1)).put(payload).array();
  }

  /** A full box (section 4.2): version and flags, then {@code payload}. */
  static byte[] fullBox(String type, int version, int flags, byte[] payload) {
    return box(type, ByteBuffer.allocate(4 + payload.length).putInt(version << 24 | flags).put(payload).array());
  }

  static int find(ByteBuffer in, int from, int to, String type, Path file) {
    for (int box = from; box < to; box = end(in, box, file)) {
      if (type(in, box + 4).equals(type)) {
        return box;
      }
    }
    throw damaged(file, "no " + type + " box");
  }

  /** The end of the box at {@code box}: 32-bit sizes, a 64-bit {@code largesize} (1) or to the end of file (0). */
  static int end(ByteBuffer in, int box, Path file) {
    return (int) (box + boxSize(in, box, box, in.limit(), file));
  }

  static String type(ByteBuffer in, int offset) {
    byte[] type = new byte[4];
    in.get(offset, type);
    return new String(type, StandardCharsets.ISO_8859_1);
  }

  /**
   * The size of the box whose header starts at {@code at} in {@code in} (which holds the file's bytes up to its limit
   * from there on) and at byte {@code box} of a file of {@code fileSize} bytes: 32-bit sizes, a 64-bit
   * {@code largesize} (1) or to the end of file (0).
   */
  private static long boxSize(ByteBuffer in, int at, long box, long fileSize, Path file) {
    if (at + 8 > in.limit()) {
      throw damaged(file, "a box header at byte " + box + " is cut off");
    }
    long size = Integer.toUnsignedLong(in.getInt(at));
    if (size == 1) {
      size = at + 16 <= in.limit() ? in.getLong(at + 8) : -1;
    } else if (size == 0) {
      size = fileSize - box;
    }
    if (size < 8 || size > fileSize - box) {
      throw damaged(file, "box " + type(in, at + 4) + " at byte " + box + " has size " + size);
    }
    return size;
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static TranscodeException damaged(Path file, String what) {
    return new TranscodeException("cannot read fMP4 " + file + ": " + what
        + "; the segmenter's output is damaged, transcode the title again");
  }
}
