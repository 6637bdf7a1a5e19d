package io.streamkit.hls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts the fragments of an fMP4 video rendition so that every key frame (IDR) opens its own {@code moof}: with 2 s
 * GOPs a 6 s segment holds three {@code moof}/{@code mdat} pairs. An I-frame playlist can then list every IDR, not
 * just each segment's first, as a byte range that starts at a {@code moof} (RFC 8216 section 4.3.3.6), and a player
 * seeking or trick-playing inside a segment finds each IDR with its own fragment header.
 *
 * <p>Why not the muxer's own {@code movflags=+frag_keyframe}: libavformat's {@code hls} muxer (FFmpeg 7.1) writes
 * everything the inner {@code mp4} muxer flushed before its first segment cut into the init segment, so with
 * {@code frag_keyframe} the first segment's fragments land in {@code init.mp4} and {@code seg_00000.m4s} is empty.
 *
 * <p>Each original fragment (one {@code traf}, ISO/IEC 14496-12 section 8.8) becomes one fragment per run of samples
 * that starts with a sync sample: the {@code tfhd} is kept, the {@code tfdt} carries the run's first decode time,
 * and the {@code trun} states every sample's duration, size, flags and composition offset with a data offset into
 * the run's own {@code mdat}. Fragment sequence numbers ({@code mfhd}) count up across the rendition. Boxes before the
 * first {@code moof} ({@code styp}, {@code sidx}) are kept; the single {@code sidx} reference the segmenter writes
 * grows by the bytes the new fragment headers add (section 8.16.3). Sample data is not touched: each segment is
 * written anew from the bytes read and the new headers, straight into large writes ({@link LargeFolioWrite.Gathered}),
 * never assembled in memory (which, twice copied, was 0.55 % of a default-ladder transcode's CPU).
 */
final class KeyframeFragmenter {

  private static final int TRUN_DATA_OFFSET = 0x1;
  private static final int TRUN_PER_SAMPLE = 0x100 | 0x200 | 0x400 | 0x800;
  private static final int TFHD_BASE_DATA_OFFSET = 0x1;

  private KeyframeFragmenter() {}

  /** Splits every segment of the rendition in {@code directory} in place; an audio rendition is left alone. */
  static void split(Path directory) {
    Fmp4Fragments.Track track = Fmp4Fragments.track(directory.resolve(HlsSegmenter.INIT_SEGMENT));
    if (!track.handler().equals("vide")) {
      return;
    }
    LargeFolioWrite.Gathered out = new LargeFolioWrite.Gathered();
    long sequence = 1;
    for (MediaPlaylist.Segment segment : MediaPlaylist.read(directory.resolve(HlsSegmenter.PLAYLIST)).segments()) {
      Path file = directory.resolve(segment.uri());
      byte[] bytes = read(file);
      List<Fmp4Fragments.Fragment> fragments = Fmp4Fragments.fragments(bytes, track, file);
      if (fragments.isEmpty()) {
        continue;
      }
      ByteBuffer in = ByteBuffer.wrap(bytes);
      int firstMoof = (int) fragments.get(0).moofOffset();
      List<Run> runs = new ArrayList<>();
      long previousEnd = firstMoof;
      for (Fmp4Fragments.Fragment fragment : fragments) {
        if (fragment.moofOffset() != previousEnd) {
          throw unexpected(file, "bytes between fragments at byte " + previousEnd);
        }
        byte[] tfhd = tfhd(in, (int) fragment.moofOffset(), file);
        long decodeTime = fragment.baseMediaDecodeTime();
        List<Fmp4Fragments.Sample> samples = new ArrayList<>();
        for (Fmp4Fragments.Sample sample : fragment.samples()) {
          if (sample.sync() && !samples.isEmpty()) {
            Run run = Run.of(sequence++, tfhd, decodeTime, samples);
            runs.add(run);
            decodeTime = run.nextDecodeTime();
            samples = new ArrayList<>();
          }
          samples.add(sample);
        }
        runs.add(Run.of(sequence++, tfhd, decodeTime, samples));
        previousEnd = fragment.mdatEnd();
      }
      if (previousEnd != bytes.length) {
        throw unexpected(file, "bytes after the last fragment");
      }
      long size = firstMoof + runs.stream().mapToLong(Run::bytes).sum();
      // The boxes before the first moof are written as they are, but for the sidx's grown reference.
      growSidx(file, in, firstMoof, (int) (size - bytes.length));
      replace(file, out, bytes, firstMoof, runs);
    }
  }

  /**
   * One {@code moof}/{@code mdat} pair to write: a run of samples that starts with a sync sample, and the {@code moof}
   * ({@code header}) that describes it.
   */
  private record Run(byte[] header, List<Fmp4Fragments.Sample> samples, long payload, long nextDecodeTime) {

    static Run of(long sequence, byte[] tfhd, long decodeTime, List<Fmp4Fragments.Sample> samples) {
      byte[] moof = moof(sequence, tfhd, decodeTime, samples, 0);
      moof = moof(sequence, tfhd, decodeTime, samples, moof.length + 8);
      long payload = 0;
      long next = decodeTime;
      for (Fmp4Fragments.Sample sample : samples) {
        payload += sample.size();
        next += sample.duration();
      }
      return new Run(moof, samples, payload, next);
    }

    long bytes() {
      return header.length + 8 + payload;
    }

    void writeTo(LargeFolioWrite.Gathered out, byte[] segment) throws IOException {
      out.put(header);
      out.put(ByteBuffer.allocate(8).putInt((int) (8 + payload)).put(new byte[] {'m', 'd', 'a', 't'}).array());
      for (Fmp4Fragments.Sample sample : samples) {
        out.put(segment, (int) sample.offset(), (int) sample.size());
      }
    }
  }

  private static byte[] moof(long sequence, byte[] tfhd, long decodeTime, List<Fmp4Fragments.Sample> run,
      int dataOffset) {
    boolean negativeOffsets = run.stream().anyMatch(s -> s.compositionOffset() < 0);
    ByteBuffer trun = ByteBuffer.allocate(8 + 16 * run.size()).putInt(run.size()).putInt(dataOffset);
    for (Fmp4Fragments.Sample sample : run) {
      trun.putInt((int) sample.duration()).putInt((int) sample.size()).putInt(sample.flags())
          .putInt(sample.compositionOffset());
    }
    byte[] traf = Fmp4Fragments.box("traf", concat(tfhd,
        Fmp4Fragments.fullBox("tfdt", 1, 0, ByteBuffer.allocate(8).putLong(decodeTime).array()),
        Fmp4Fragments.fullBox("trun", negativeOffsets ? 1 : 0, TRUN_DATA_OFFSET | TRUN_PER_SAMPLE, trun.array())));
    byte[] mfhd = Fmp4Fragments.fullBox("mfhd", 0, 0, ByteBuffer.allocate(4).putInt((int) sequence).array());
    return Fmp4Fragments.box("moof", concat(mfhd, traf));
  }

  /** The {@code tfhd} of a fragment of one track, checked to hold nothing this class would drop. */
  private static byte[] tfhd(ByteBuffer in, int moof, Path file) {
    byte[] tfhd = null;
    int trafs = 0;
    for (int child = moof + 8; child < Fmp4Fragments.end(in, moof, file); child = Fmp4Fragments.end(in, child, file)) {
      String type = Fmp4Fragments.type(in, child + 4);
      if (type.equals("traf")) {
        trafs++;
        for (int box = child + 8; box < Fmp4Fragments.end(in, child, file); box = Fmp4Fragments.end(in, box, file)) {
          String inner = Fmp4Fragments.type(in, box + 4);
          if (inner.equals("tfhd")) {
            if ((in.getInt(box + 8) & TFHD_BASE_DATA_OFFSET) != 0) {
              throw unexpected(file, "an explicit base data offset");
            }
            tfhd = new byte[Fmp4Fragments.end(in, box, file) - box];
            in.get(box, tfhd);
          } else if (!inner.equals("tfdt") && !inner.equals("trun")) {
            throw unexpected(file, "a " + inner + " box in a track fragment");
          }
        }
      } else if (!type.equals("mfhd")) {
        throw unexpected(file, "a " + type + " box in a movie fragment");
      }
    }
    if (trafs != 1 || tfhd == null) {
      throw unexpected(file, trafs + " track fragments in a movie fragment");
    }
    return tfhd;
  }

  /** Grows the {@code sidx} reference that spans the fragments by {@code growth} bytes, if there is a sidx. */
  private static void growSidx(Path file, ByteBuffer out, int firstMoof, int growth) {
    for (int box = 0; box < firstMoof; box = Fmp4Fragments.end(out, box, file)) {
      if (!Fmp4Fragments.type(out, box + 4).equals("sidx")) {
        continue;
      }
      int field = box + 20 + (out.get(box + 8) == 0 ? 8 : 16);
      int count = out.getShort(field + 2) & 0xffff;
      if (count != 1) {
        throw unexpected(file, "a sidx with " + count + " references");
      }
      out.putInt(field + 4, out.getInt(field + 4) + growth);
    }
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new TranscodeException("cannot read segment " + file + " to cut it at key frames: " + e.getMessage(), e);
    }
  }

  /** Writes the segment anew beside {@code file}, from {@code segment}'s first {@code prefix} bytes and the runs. */
  private static void replace(Path file, LargeFolioWrite.Gathered out, byte[] segment, int prefix, List<Run> runs) {
    Path partial = file.resolveSibling(file.getFileName() + ".fragmenting");
    try {
      out.start(partial);
      out.put(segment, 0, prefix);
      for (Run run : runs) {
        run.writeTo(out, segment);
      }
      out.finish();
      Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      try {
        out.abandon();
      } catch (IOException closing) {
        e.addSuppressed(closing);
      }
      throw new TranscodeException("cannot rewrite segment " + file + " with a fragment per key frame: "
          + e.getMessage(), e);
    }
  }

  private static TranscodeException unexpected(Path file, String what) {
    return new TranscodeException("cannot cut " + file + " at key frames: it has " + what
        + "; the segmenter wrote an fMP4 layout this packager does not handle");
  }
}
