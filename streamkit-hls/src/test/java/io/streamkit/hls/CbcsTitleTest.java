package io.streamkit.hls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamkit.abr.ladder.Ladder;
import io.streamkit.core.protection.ContentKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Titles encrypted with Common Encryption {@code 'cbcs'} ({@code METHOD=SAMPLE-AES}): the same source transcoded clear
 * and encrypted decodes to different frames without the key and, through FFmpeg's own CENC decryptor (the mov
 * demuxer's {@code -decryption_key}), to exactly the clear title's frames with it, run by run of the rotating keys.
 */
class CbcsTitleTest {

  private static final HexFormat HEX = HexFormat.of();

  @TempDir Path dir;

  @Test
  void fmp4TitleDecryptsWithEachRunsKeyToTheClearTitlesFrames() throws Exception {
    Path source = TitleFixture.pattern(dir, "clip.mp4", "320x180", "30", 5, true, "-c:v", "libx264", "-preset",
        "ultrafast", "-c:a", "aac");
    Path encrypted = dir.resolve("encrypted");

    TranscodeResult result = transcode(source, encrypted, SegmentEncryption.cbcs(2));

    // 5 s in 2 s segments: 3 segments, keys for segments 0-1 and 2.
    List<ContentKey> keys = result.contentKeys();
    assertThat(keys).hasSize(2);

    // DASH over the same segments (ISO/IEC 23009-1 section 5.8.4.1): the video and the audio AdaptationSet each
    // name 'cbcs' with the first key as default_KID, and a Clear Key licence URL whose pssh lists both keys.
    assertThat(result.dashManifest()).isEqualTo(encrypted.resolve("manifest.mpd").toString());
    assertThat(DashConformance.check(encrypted)).as("DASH violations").isEmpty();
    Path manifest = encrypted.resolve("manifest.mpd");
    String mpd = Files.readString(manifest);
    String firstKid = uuid(keys.get(0).id());
    assertThat(mpd.split("schemeIdUri=\"urn:mpeg:dash:mp4protection:2011\" value=\"cbcs\" cenc:default_KID=\""
        + firstKid + "\"", -1)).as(mpd).hasSize(3);
    assertThat(mpd.split("<dashif:Laurl licenseType=\"EME-1.0\">keys/clearkey</dashif:Laurl>", -1)).hasSize(3);
    Files.writeString(manifest, mpd.replace(firstKid, uuid(keys.get(1).id())));
    assertThat(DashConformance.check(encrypted)).as("a default_KID that is not the tenc's is caught")
        .anyMatch(v -> v.contains("default_KID"));
    Files.writeString(manifest, mpd);
    for (String rendition : List.of("180p", "audio")) {
      Path playlist = encrypted.resolve(rendition).resolve("index.m3u8");
      List<String> lines = Files.readAllLines(playlist);
      List<Map<String, String>> tags = lines.stream().filter(l -> l.startsWith("#EXT-X-KEY:"))
          .map(HlsConformance::attributes).toList();
      assertThat(tags).as(rendition + " key tags").hasSize(2);
      for (int k = 0; k < tags.size(); k++) {
        assertThat(tags.get(k)).containsEntry("METHOD", "SAMPLE-AES").containsEntry("KEYFORMAT", "identity")
            .containsEntry("URI", "../keys/" + keys.get(k).id());
        assertThat(tags.get(k).get("IV")).matches("0x[0-9a-f]{32}");
      }
      assertThat(indexOfFirst(lines, "#EXT-X-MAP:")).as("init segment before the first key").isNotNegative()
          .isLessThan(indexOfFirst(lines, "#EXT-X-KEY:"));
      assertThat(lines).as("the second key opens segment 2").containsSubsequence("seg_00001.m4s",
          lines.stream().filter(l -> l.contains(keys.get(1).id())).findFirst().orElseThrow(), "seg_00002.m4s");

      byte[] init = Files.readAllBytes(encrypted.resolve(rendition).resolve("init.mp4"));
      String sampleEntry = rendition.equals("audio") ? "enca" : "encv";
      assertThat(contains(init, ascii(sampleEntry))).as(rendition + " protected sample entry").isTrue();
      assertThat(contains(init, ascii(rendition.equals("audio") ? "frmamp4a" : "frmaavc1"))).isTrue();
      assertThat(contains(init, concat(ascii("schm"), new byte[4], ascii("cbcs"), new byte[] {0, 1, 0, 0}))).isTrue();
      assertThat(contains(init, HEX.parseHex(keys.get(0).id()))).as("default KID: the first key").isTrue();
      assertThat(contains(init, HEX.parseHex(tags.get(0).get("IV").substring(2)))).as("constant IV in tenc").isTrue();
      byte[] lastSegment = Files.readAllBytes(encrypted.resolve(rendition).resolve("seg_00002.m4s"));
      byte[] seigGroup = concat(ascii("sgpd"), new byte[] {1, 0, 0, 0}, ascii("seig"));
      assertThat(contains(Files.readAllBytes(encrypted.resolve(rendition).resolve("seg_00001.m4s")), seigGroup))
          .as("no sample group while the default key applies").isFalse();
      assertThat(contains(lastSegment, seigGroup)).as("a seig sample group after the key changes").isTrue();
      assertThat(contains(lastSegment, HEX.parseHex(keys.get(1).id()))).as("the group names the second key")
          .isTrue();
      assertThat(contains(lastSegment, HEX.parseHex(tags.get(1).get("IV").substring(2)))).isTrue();

      // FFmpeg decrypts with one key per input: each run of segments with its own key, every frame without error.
      String stream = rendition.equals("audio") ? "0:a:0" : "0:v:0";
      for (int[] run : new int[][] {{0, 2, 0}, {2, 3, 1}}) {
        Path media = join(encrypted, rendition, run[0], run[1]);
        List<String> decrypted = frameMd5(media, stream, keys.get(run[2]));
        assertThat(decrypted).as(rendition + " segments " + run[0] + "-" + (run[1] - 1) + " decrypted")
            .hasSizeGreaterThan(run[1] - run[0] == 2 ? 60 : 10);
        assertThat(frameMd5(media, stream, null)).as(rendition + " without the key").isNotEqualTo(decrypted);
        assertThat(frameMd5(media, stream, keys.get(1 - run[2]))).as(rendition + " with the other run's key")
            .isNotEqualTo(decrypted);
      }
    }

    // The I-frame playlist keeps its byte ranges and repeats the keys: each range decrypts to the segment's IDR.
    List<String> iframes = Files.readAllLines(encrypted.resolve("180p/iframes.m3u8"));
    assertThat(iframes.stream().filter(l -> l.startsWith("#EXT-X-KEY:")))
        .isEqualTo(Files.readAllLines(encrypted.resolve("180p/index.m3u8")).stream()
            .filter(l -> l.startsWith("#EXT-X-KEY:")).toList());
    assertThat(Files.readString(encrypted.resolve("master.m3u8"))).contains("#EXT-X-I-FRAME-STREAM-INF:");
    for (int i = 0; i < 3; i++) {
      String range = iframes.get(indexOfFirst(iframes, "seg_0000" + i + ".m4s") - 1);
      int length = Integer.parseInt(range.substring("#EXT-X-BYTERANGE:".length(), range.indexOf('@')));
      int offset = Integer.parseInt(range.substring(range.indexOf('@') + 1));
      byte[] segment = Files.readAllBytes(encrypted.resolve("180p/seg_0000" + i + ".m4s"));
      assertThat(new String(segment, offset + 4, 4, StandardCharsets.US_ASCII)).as("range " + i + " opens a moof")
          .isEqualTo("moof");
      Path iframe = Files.write(dir.resolve("iframe" + i + ".mp4"), concat(
          Files.readAllBytes(encrypted.resolve("180p/init.mp4")),
          java.util.Arrays.copyOfRange(segment, offset, offset + length)));
      assertThat(frameMd5(iframe, "0:v:0", keys.get(i / 2))).as("I-frame " + i)
          .containsExactly(frameMd5(join(encrypted, "180p", i, i + 1), "0:v:0", keys.get(i / 2)).get(0));
    }
  }

  /**
   * The encoder is not bit-exact from run to run, so the clear reference is the very title that gets encrypted: a
   * clear title, copied and encrypted in place as the transcoder does (the first key for segments 0-1, a rotated key
   * with its 'seig' group for segment 2), decrypted by FFmpeg to exactly the clear title's frames and audio.
   */
  @Test
  void ffmpegDecryptsEncryptedSamplesToExactlyTheClearFrames() throws Exception {
    Path source = TitleFixture.pattern(dir, "clip.mp4", "320x180", "30", 5, true, "-c:v", "libx264", "-preset",
        "ultrafast", "-c:a", "aac");
    Path clear = dir.resolve("clear");
    transcode(source, clear, SegmentEncryption.none());
    Path encrypted = dir.resolve("encrypted");
    List<ContentKey> keys = List.of(ContentKey.generate(), ContentKey.generate());
    byte[] iv = HEX.parseHex("000102030405060708090a0b0c0d0e0f");
    for (String rendition : List.of("180p", "audio")) {
      Path copy = Files.createDirectories(encrypted.resolve(rendition));
      try (var files = Files.list(clear.resolve(rendition))) {
        for (Path file : files.toList()) {
          Files.copy(file, copy.resolve(file.getFileName()));
        }
      }
      CbcsEncryptor encryptor = CbcsEncryptor.protectInit(copy.resolve("init.mp4"), keys.get(0), iv);
      for (int i = 0; i < 3; i++) {
        encryptor.encryptSegment(copy.resolve(String.format("seg_%05d.m4s", i)), keys.get(i / 2));
      }
      for (int i = 0; i < 3; i++) {
        Path segment = copy.resolve(String.format("seg_%05d.m4s", i));
        long clearSize = Files.size(clear.resolve(rendition).resolve(segment.getFileName()));
        // Samples keep their sizes; video fragments gain senc/saiz/saio, rotated ones the seig group, audio
        // fragments of the default key nothing (constant IV, whole-block: no sample auxiliary information).
        long added = (rendition.equals("audio") ? 0 : 1) + (i < 2 ? 0 : 1);
        assertThat(Files.size(segment) > clearSize).as(rendition + " segment " + i + " grew")
            .isEqualTo(added > 0);
        assertThat(Files.size(segment)).isGreaterThanOrEqualTo(clearSize);
      }

      String stream = rendition.equals("audio") ? "0:a:0" : "0:v:0";
      for (int[] run : new int[][] {{0, 2, 0}, {2, 3, 1}}) {
        List<String> clearFrames = frameMd5(join(clear, rendition, run[0], run[1]), stream, null);
        assertThat(clearFrames).as("clear " + rendition + " frames").hasSizeGreaterThan(10);
        Path media = join(encrypted, rendition, run[0], run[1]);
        assertThat(frameMd5(media, stream, keys.get(run[2]))).as(rendition + " segments " + run[0] + "-"
            + (run[1] - 1) + " decrypted").isEqualTo(clearFrames);
        assertThat(frameMd5(media, stream, null)).as(rendition + " without the key").isNotEqualTo(clearFrames);
      }
    }
  }

  /**
   * A 6 s segment with 2 s GOPs holds three fragments, one per IDR: each is encrypted with its own sample encryption
   * boxes, the whole segment decrypts, and each I-frame range, from its moof, decrypts alone to its IDR's frame.
   */
  @Test
  void segmentsWithAFragmentPerIdrDecryptWholeAndIdrByIdr() throws Exception {
    Path source = TitleFixture.pattern(dir, "clip.mp4", "320x180", "30", 5, false, "-c:v", "libx264", "-preset",
        "ultrafast");
    Path encrypted = dir.resolve("encrypted");
    TranscodeResult result = Transcoder.builder().input(source).output(encrypted)
        .ladder(new Ladder("one", List.of(io.streamkit.abr.ladder.Rung.of(180, 250)))).preset("ultrafast")
        .segmentSeconds(6).encryption(SegmentEncryption.cbcs(1)).build().run();
    ContentKey key = result.contentKeys().get(0);
    Path rendition = encrypted.resolve("180p");
    byte[] segment = Files.readAllBytes(rendition.resolve("seg_00000.m4s"));
    assertThat(Fmp4Fragments.fragments(segment, Fmp4Fragments.track(rendition.resolve("init.mp4")),
        rendition.resolve("seg_00000.m4s"))).as("a fragment per IDR").hasSize(3);

    List<String> frames = frameMd5(join(encrypted, "180p", 0, 1), "0:v:0", key);
    assertThat(frames).as("every frame decrypted").hasSize(150);
    assertThat(frameMd5(join(encrypted, "180p", 0, 1), "0:v:0", null)).as("without the key").isNotEqualTo(frames);
    List<String> ranges = Files.readAllLines(rendition.resolve("iframes.m3u8")).stream()
        .filter(l -> l.startsWith("#EXT-X-BYTERANGE:")).toList();
    assertThat(ranges).hasSize(3);
    for (int i = 0; i < ranges.size(); i++) {
      String range = ranges.get(i);
      int length = Integer.parseInt(range.substring("#EXT-X-BYTERANGE:".length(), range.indexOf('@')));
      int offset = Integer.parseInt(range.substring(range.indexOf('@') + 1));
      Path iframe = Files.write(dir.resolve("idr" + i + ".mp4"), concat(
          Files.readAllBytes(rendition.resolve("init.mp4")), java.util.Arrays.copyOfRange(segment, offset, offset + length)));
      List<String> decrypted = frameMd5(iframe, "0:v:0", key);
      assertThat(decrypted).as("I-frame " + i).hasSize(1);
      assertThat(md5(decrypted.get(0))).as("I-frame " + i + " is the frame at " + 2 * i + " s")
          .isEqualTo(md5(frames.get(60 * i)));
    }
  }

  private static String md5(String frameMd5Line) {
    return frameMd5Line.substring(frameMd5Line.lastIndexOf(',') + 1).strip();
  }

  @Test
  void transportStreamTitlesAreRefusedAndRotationIsCheckedAgainstItsLimits() {
    assertThatThrownBy(() -> Transcoder.builder().input(dir.resolve("in.mp4")).output(dir.resolve("out"))
        .format(SegmentFormat.TS).encryption(SegmentEncryption.cbcs(1)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cbcs encryption needs fMP4 segments, not TS; use SegmentEncryption.aes128 for a TS title, "
            + "or format(SegmentFormat.FMP4)");
    assertThatThrownBy(() -> SegmentEncryption.cbcs(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cbcs rotationSegments must be between 1 and 10000, got 0");
    assertThatThrownBy(() -> SegmentEncryption.cbcs(SegmentEncryption.MAX_ROTATION_SEGMENTS + 1))
        .hasMessage("cbcs rotationSegments must be between 1 and 10000, got 10001");
  }

  private static TranscodeResult transcode(Path source, Path out, SegmentEncryption encryption) {
    return Transcoder.builder().input(source).output(out).ladder(Ladder.small()).preset("ultrafast")
        .segmentSeconds(2).encryption(encryption).build().run();
  }

  /** A key id in the UUID form of {@code cenc:default_KID}. */
  private static String uuid(String hex) {
    return hex.replaceFirst("(.{8})(.{4})(.{4})(.{4})(.{12})", "$1-$2-$3-$4-$5");
  }

  /** The rendition's init segment followed by its segments {@code from} to {@code to - 1}, as one file. */
  private Path join(Path title, String rendition, int from, int to) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(Files.readAllBytes(title.resolve(rendition).resolve("init.mp4")));
    for (int i = from; i < to; i++) {
      out.writeBytes(Files.readAllBytes(title.resolve(rendition).resolve(String.format("seg_%05d.m4s", i))));
    }
    return Files.write(Files.createTempFile(dir, title.getFileName() + "-" + rendition, ".mp4"), out.toByteArray());
  }

  /**
   * {@code ffmpeg [-decryption_key <hex>] -i media -map stream -f framemd5 -}: one line per decoded frame (timestamps,
   * size and MD5 of the decoded picture or audio); the lines a failed decode printed before it stopped.
   */
  private static List<String> frameMd5(Path media, String stream, ContentKey key) {
    List<String> command = new ArrayList<>(List.of(FfmpegTool.FFMPEG, "-hide_banner", "-v", "error"));
    if (key != null) {
      command.addAll(List.of("-decryption_key", HEX.formatHex(key.key())));
    }
    command.addAll(List.of("-i", media.toString(), "-map", stream, "-f", "framemd5", "-"));
    return FfmpegTool.run(command).stdout().lines().filter(l -> !l.startsWith("#")).toList();
  }

  private static int indexOfFirst(List<String> lines, String prefix) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(prefix)) {
        return i;
      }
    }
    return -1;
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] concat(byte[]... parts) {
    ByteBuffer out = ByteBuffer.allocate(java.util.Arrays.stream(parts).mapToInt(p -> p.length).sum());
    for (byte[] part : parts) {
      out.put(part);
    }
    return out.array();
  }
}
