package io.streamkit.hls;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamkit.abr.ladder.Ladder;
import io.streamkit.abr.ladder.Rung;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * I-frame playlists list every IDR (RFC 8216 section 4.3.3.6), not only each segment's first: with 6 s segments and
 * 2 s GOPs, three per segment, each lasting until the next IDR, each byte range decoding alone to exactly one key
 * frame. Checked against ffprobe's own count of key frames in the segments.
 */
class IFramePlaylistTest {

  private static final Ladder ONE_RUNG = new Ladder("one", List.of(Rung.of(180, 250)));

  @TempDir Path dir;

  /** One I-frame playlist entry. */
  private record Entry(double duration, int length, int offset, String uri) {}

  @Test
  void fmp4ListsEveryIdrAsAMoofThatOpensWithASyncSample() throws Exception {
    Path rendition = transcode(SegmentFormat.FMP4).resolve("180p");
    List<Entry> entries = entries(rendition.resolve("iframes.m3u8"));
    byte[] init = Files.readAllBytes(rendition.resolve("init.mp4"));

    assertEveryIdrListed(rendition, entries, init);
    for (Entry entry : entries) {
      byte[] segment = Files.readAllBytes(rendition.resolve(entry.uri()));
      ByteBuffer range = ByteBuffer.wrap(segment, entry.offset(), entry.length()).slice();
      assertThat(type(range, 4)).as(entry + " opens a moof").isEqualTo("moof");
      assertThat(firstSampleIsSync(range)).as(entry + " first sample is a sync sample").isTrue();
    }
  }

  @Test
  void tsListsEveryIdrWithTheProgramTablesBeforeIt() throws Exception {
    Path rendition = transcode(SegmentFormat.TS).resolve("180p");
    List<Entry> entries = entries(rendition.resolve("iframes.m3u8"));

    assertEveryIdrListed(rendition, entries, new byte[0]);
    for (Entry entry : entries) {
      byte[] segment = Files.readAllBytes(rendition.resolve(entry.uri()));
      List<Integer> pids = new ArrayList<>();
      for (int packet = entry.offset(); packet < entry.offset() + entry.length(); packet += 188) {
        pids.add(((segment[packet + 1] & 0x1f) << 8) | (segment[packet + 2] & 0xff));
      }
      // ISO/IEC 13818-1: PID 0 is the PAT, 0x11 the SDT FFmpeg sends with it.
      assertThat(pids.get(0)).as(entry + " opens with the program tables").isIn(0, 0x11);
      assertThat(pids).as(entry + " holds a PAT").contains(0);
    }
  }

  private Path transcode(SegmentFormat format) {
    Path source = TitleFixture.pattern(dir, "clip.mp4", "320x180", "25", 13, false, "-c:v", "libx264", "-preset",
        "ultrafast");
    Path out = dir.resolve("title");
    Transcoder.builder().input(source).output(out).format(format).ladder(ONE_RUNG).preset("ultrafast")
        .segmentSeconds(6).build().run();
    return out;
  }

  /**
   * 13 s with an IDR every 2 s: seven entries, three in each 6 s segment, each 2 s long but the last (1 s); each
   * range decodes to one key frame; ffprobe finds as many key frames in each segment as the playlist lists.
   */
  private void assertEveryIdrListed(Path rendition, List<Entry> entries, byte[] init) throws Exception {
    String extension = init.length > 0 ? ".m4s" : ".ts";
    List<String> names = List.of("seg_00000" + extension, "seg_00001" + extension, "seg_00002" + extension);
    assertThat(entries).extracting(Entry::uri).containsExactly(
        names.get(0), names.get(0), names.get(0), names.get(1), names.get(1), names.get(1), names.get(2));
    assertThat(entries.subList(0, 6)).allSatisfy(e -> assertThat(e.duration()).isCloseTo(2, Offset.offset(0.001)));
    assertThat(entries.get(6).duration()).isCloseTo(1, Offset.offset(0.05));
    assertThat(entries.stream().mapToDouble(Entry::duration).sum()).isCloseTo(
        MediaPlaylist.read(rendition.resolve("index.m3u8")).totalSeconds(), Offset.offset(0.001));
    for (int s = 0; s < 3; s++) {
      String uri = names.get(s);
      byte[] segment = Files.readAllBytes(rendition.resolve(uri));
      Path whole = Files.write(dir.resolve("whole-" + uri + (init.length > 0 ? ".mp4" : "")), concat(init, segment));
      long keyframes = FfmpegTool.ffprobe("-select_streams", "v:0", "-show_entries", "packet=flags", "-of",
          "csv=p=0", whole.toString()).lines().filter(l -> l.startsWith("K")).count();
      assertThat(entries.stream().filter(e -> e.uri().equals(uri)).count()).as(uri + " key frames")
          .isEqualTo(keyframes);
    }
    for (int i = 0; i < entries.size(); i++) {
      Entry entry = entries.get(i);
      byte[] segment = Files.readAllBytes(rendition.resolve(entry.uri()));
      Path frame = Files.write(dir.resolve("iframe" + i + (init.length > 0 ? ".mp4" : ".ts")),
          concat(init, Arrays.copyOfRange(segment, entry.offset(), entry.offset() + entry.length())));
      assertThat(FfmpegTool.ffprobe("-select_streams", "v:0", "-show_entries", "frame=key_frame", "-of",
          "default=nw=1", frame.toString()).lines().map(String::strip).filter(l -> !l.isEmpty()).toList())
          .as("entry " + i + " decodes to one key frame").containsExactly("key_frame=1");
    }
  }


  private static List<Entry> entries(Path playlist) throws Exception {
    List<Entry> entries = new ArrayList<>();
    double duration = -1;
    int length = -1;
    int offset = -1;
    for (String line : Files.readAllLines(playlist)) {
      if (line.startsWith("#EXTINF:")) {
        duration = Double.parseDouble(line.substring(8, line.indexOf(',')));
      } else if (line.startsWith("#EXT-X-BYTERANGE:")) {
        String[] range = line.substring(17).split("@");
        length = Integer.parseInt(range[0]);
        offset = Integer.parseInt(range[1]);
      } else if (!line.startsWith("#") && !line.isBlank()) {
        entries.add(new Entry(duration, length, offset, line));
      }
    }
    return entries;
  }

  /** ISO/IEC 14496-12 section 8.8.8: the first sample's flags, from the trun or else the tfhd default. */
  private static boolean firstSampleIsSync(ByteBuffer moof) {
    int traf = child(moof, 8, moof.getInt(0), "traf");
    int tfhd = child(moof, traf + 8, traf + moof.getInt(traf), "tfhd");
    int trun = child(moof, traf + 8, traf + moof.getInt(traf), "trun");
    int tfhdFlags = moof.getInt(tfhd + 8) & 0xffffff;
    int field = tfhd + 16 + ((tfhdFlags & 0x1) != 0 ? 8 : 0) + ((tfhdFlags & 0x2) != 0 ? 4 : 0)
        + ((tfhdFlags & 0x8) != 0 ? 4 : 0) + ((tfhdFlags & 0x10) != 0 ? 4 : 0);
    Integer flags = (tfhdFlags & 0x20) != 0 ? moof.getInt(field) : null;
    int trunFlags = moof.getInt(trun + 8) & 0xffffff;
    int sample = trun + 16 + ((trunFlags & 0x1) != 0 ? 4 : 0);
    if ((trunFlags & 0x4) != 0) {
      flags = moof.getInt(sample);
    } else if ((trunFlags & 0x400) != 0) {
      flags = moof.getInt(sample + ((trunFlags & 0x100) != 0 ? 4 : 0) + ((trunFlags & 0x200) != 0 ? 4 : 0));
    }
    assertThat(flags).as("the first sample's flags are in the fragment").isNotNull();
    return (flags & 0x10000) == 0;
  }

  private static int child(ByteBuffer buffer, int from, int to, String type) {
    for (int box = from; box < to; box += buffer.getInt(box)) {
      if (type(buffer, box + 4).equals(type)) {
        return box;
      }
    }
    throw new AssertionError("no " + type + " box");
  }

  private static String type(ByteBuffer buffer, int offset) {
    byte[] fourCc = new byte[4];
    buffer.get(offset, fourCc);
    return new String(fourCc, StandardCharsets.US_ASCII);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
