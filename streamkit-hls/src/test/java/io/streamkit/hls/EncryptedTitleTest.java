package io.streamkit.hls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamkit.abr.ladder.Ladder;
import io.streamkit.core.protection.ContentKey;
import io.streamkit.core.protection.ContentKeyFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Titles encrypted with {@code METHOD=AES-128} (RFC 8216 section 5.2): no segment decodes without its key, each
 * decrypts with the returned key and the media sequence number as IV, and FFmpeg's own HLS demuxer plays the title
 * once the keys are where the playlists say.
 */
class EncryptedTitleTest {

  private static final double FPS = 30;

  @TempDir Path dir;

  @Test
  void fmp4TitleIsEncryptedSegmentBySegmentWithAKeyEveryTwoSegmentsSharedByEveryRendition() throws Exception {
    Path source = TitleFixture.pattern(dir, "clip.mp4", "640x360", "30", 9, true, "-c:v", "libx264", "-preset",
        "ultrafast", "-c:a", "aac");
    Path out = dir.resolve("title");

    TranscodeResult result = transcode(source, out, SegmentFormat.FMP4, SegmentEncryption.aes128(2));

    // 9 s in 2 s segments: 5 segments, so keys for segments 0-1, 2-3 and 4.
    List<ContentKey> keys = result.contentKeys();
    assertThat(keys).hasSize(3);
    assertThat(keys.stream().map(ContentKey::id).distinct()).hasSize(3);
    assertThat(result.dashManifest()).as("AES-128 is not Common Encryption: HLS only").isNull();
    assertThat(out.resolve("manifest.mpd")).doesNotExist();
    assertThat(result.renditions()).extracting(PackagedRendition::name).containsExactly("360p", "180p");
    for (String rendition : List.of("360p", "180p")) {
      Playlist playlist = Playlist.read(out.resolve(rendition).resolve("index.m3u8"));
      assertThat(playlist.segments).hasSize(5);
      assertThat(playlist.keyIds()).as(rendition + " key runs").isEqualTo(keys.stream().map(ContentKey::id).toList());
      assertThat(playlist.firstLineStarting("#EXT-X-MAP:")).as("the clear init segment precedes every key")
          .isNotNegative().isLessThan(playlist.firstLineStarting("#EXT-X-KEY:"));
      assertEncryptedSegmentsDecryptTo(playlist, keys, 2, "v:0", "h264", 9 * FPS);
    }
    Playlist audio = Playlist.read(out.resolve("audio/index.m3u8"));
    assertThat(audio.keyIds()).isEqualTo(keys.stream().map(ContentKey::id).limit(audio.keyIds().size()).toList());
    assertThat(audio.firstLineStarting("#EXT-X-MAP:")).isNotNegative()
        .isLessThan(audio.firstLineStarting("#EXT-X-KEY:"));
    assertEncryptedSegmentsDecryptTo(audio, keys, 2, "a:0", "aac", -1);

    assertThat(Files.readString(out.resolve("master.m3u8"))).contains("#EXT-X-STREAM-INF:")
        .doesNotContain("#EXT-X-I-FRAME-STREAM-INF");
    try (Stream<Path> files = Files.walk(out)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("no I-frame playlist, no key in the published title").doesNotContain("iframes.m3u8", "keys")
          .noneMatch(name -> keys.stream().anyMatch(k -> name.contains(k.id())));
    }
    assertFfmpegPlaysOnlyWithTheKeys(out, "360p/index.m3u8", 9 * FPS, keys);
  }

  @Test
  void transportStreamTitleGetsANewKeyForEverySegment() throws Exception {
    Path source = TitleFixture.pattern(dir, "clip.mp4", "320x180", "30", 5, true, "-c:v", "libx264", "-preset",
        "ultrafast", "-c:a", "aac");
    Path out = dir.resolve("title");

    TranscodeResult result = transcode(source, out, SegmentFormat.TS, SegmentEncryption.aes128(1));

    List<ContentKey> keys = result.contentKeys();
    Playlist playlist = Playlist.read(out.resolve("180p/index.m3u8"));
    assertThat(playlist.segments).hasSize(3);
    assertThat(keys).hasSize(3);
    assertThat(playlist.keyIds()).isEqualTo(keys.stream().map(ContentKey::id).toList()).doesNotHaveDuplicates();
    assertThat(playlist.lines).noneMatch(line -> line.startsWith("#EXT-X-KEY:") && line.contains("IV="));
    assertEncryptedSegmentsDecryptTo(playlist, keys, 1, "v:0", "h264", 5 * FPS);
    assertEncryptedSegmentsDecryptTo(playlist, keys, 1, "a:0", "aac", -1);
    assertThat(Files.readString(out.resolve("master.m3u8"))).doesNotContain("#EXT-X-I-FRAME-STREAM-INF");
    assertFfmpegPlaysOnlyWithTheKeys(out, "180p/index.m3u8", 5 * FPS, keys);
  }

  @Test
  void keysThatCannotBeKeptPublishNothingAndKeysThatCanAreKeptBeforePublishing() throws Exception {
    Path source = TitleFixture.pattern(dir, "clip.mp4", "320x180", "30", 3, false, "-c:v", "libx264", "-preset",
        "ultrafast");
    Path notADirectory = Files.writeString(dir.resolve("not-a-directory"), "");
    Path out = dir.resolve("title");
    TranscodeJob broken = Transcoder.builder().input(source).output(out).ladder(Ladder.small()).preset("ultrafast")
        .encryption(SegmentEncryption.aes128(1)).keys(ContentKeyFile.at(notADirectory.resolve("k.keys")), "title")
        .build();

    assertThatThrownBy(broken::run).isInstanceOf(TranscodeException.class)
        .hasMessageContaining("cannot keep the content keys of title title").hasMessageEndingWith("nothing was published");
    assertThat(out).doesNotExist();

    ContentKeyFile file = ContentKeyFile.at(dir.resolve("title.keys"));
    TranscodeResult result = Transcoder.builder().input(source).output(out).ladder(Ladder.small()).preset("ultrafast")
        .encryption(SegmentEncryption.aes128(1)).keys(file, "title").build().run();
    assertThat(result.contentKeys()).isNotEmpty()
        .allSatisfy(key -> assertThat(file.find("title", key.id())).contains(key));
    assertThatThrownBy(() -> Transcoder.builder().input(source).output(dir.resolve("clear")).keys(file, "clear")
        .build()).isInstanceOf(IllegalStateException.class).hasMessageContaining("not encrypted");
  }

  @Test
  void rotationIsCheckedAgainstItsLimits() {
    assertThatThrownBy(() -> SegmentEncryption.aes128(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("aes128 rotationSegments must be between 1 and 10000, got 0");
    assertThatThrownBy(() -> SegmentEncryption.aes128(SegmentEncryption.MAX_ROTATION_SEGMENTS + 1))
        .hasMessage("aes128 rotationSegments must be between 1 and 10000, got 10001");
    assertThat(SegmentEncryption.aes128(SegmentEncryption.MAX_ROTATION_SEGMENTS)).isNotNull();
    assertThatThrownBy(() -> Transcoder.builder().encryption(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void audioOnlyTransportStreamTitleIsEncryptedLikeAnyOther() throws Exception {
    Path source = TitleFixture.generate(dir, "episode.mp3", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
        "-t", "5", "-c:a", "libmp3lame");
    Path out = dir.resolve("title");

    TranscodeResult result = transcode(source, out, SegmentFormat.TS, SegmentEncryption.aes128(1));

    assertThat(result.audioOnly()).isTrue();
    Playlist audio = Playlist.read(out.resolve("audio/index.m3u8"));
    assertThat(audio.keyIds()).isEqualTo(result.contentKeys().stream().map(ContentKey::id).toList());
    assertEncryptedSegmentsDecryptTo(audio, result.contentKeys(), 1, "a:0", "aac", -1);
    Path keyDirectory = Files.createDirectory(out.resolve(SegmentEncryption.KEY_DIRECTORY));
    for (ContentKey key : result.contentKeys()) {
      Files.write(keyDirectory.resolve(key.id()), key.key());
    }
    FfmpegTool.Output decode = FfmpegTool.run(List.of(FfmpegTool.FFMPEG, "-v", "error", "-xerror",
        "-allowed_extensions", "ALL", "-i", out.resolve("master.m3u8").toString(), "-map", "0", "-f", "null", "-"));
    assertThat(decode.exitCode()).as("ffmpeg -xerror decode with the keys: " + decode.stderr()).isZero();
  }

  private static TranscodeResult transcode(Path source, Path out, SegmentFormat format, SegmentEncryption encryption) {
    return Transcoder.builder().input(source).output(out).format(format).ladder(Ladder.small()).preset("ultrafast")
        .segmentSeconds(2).encryption(encryption).build().run();
  }

  /**
   * Every segment, alone (after the init segment for fMP4), decodes to nothing; decrypted with key {@code i / rotation}
   * and its media sequence number as IV it decodes to {@code codec}, and all of them together to
   * {@code expectedFrames} frames when that is not negative.
   */
  private void assertEncryptedSegmentsDecryptTo(Playlist playlist, List<ContentKey> keys, int rotation, String stream,
      String codec, double expectedFrames) throws IOException {
    long frames = 0;
    byte[] firstOpening = null;
    for (int i = 0; i < playlist.segments.size(); i++) {
      Path segment = playlist.file.resolveSibling(playlist.segments.get(i));
      byte[] encrypted = Files.readAllBytes(segment);
      assertThat(encrypted.length % 16).as("whole AES blocks").isZero();
      String name = playlist.file.getParent().getFileName() + " segment " + i;
      assertThat(decodedFrames(standalone(playlist, i, encrypted), stream)).as(name + " without its key").isZero();

      byte[] clear = decrypt(encrypted, keys.get(i / rotation), playlist.mediaSequence() + i);
      // A wrong IV spoils only the first block, by XOR, and leaves the rest of the segment decodable. Every segment
      // of a rendition opens with the same 16 bytes (fMP4: its styp box; TS: the SDT packet, but for its continuity
      // counter), which an IV off by anything that varies with the segment would change.
      byte[] opening = Arrays.copyOf(clear, 16);
      if (playlist.map == null) {
        assertThat(opening[0]).as(name + " opens with a TS sync byte").isEqualTo((byte) 0x47);
        opening[3] &= (byte) 0xf0;
      } else {
        assertThat(new String(opening, 4, 4, StandardCharsets.US_ASCII)).as(name + " opens with a box")
            .isEqualTo("styp");
      }
      if (firstOpening == null) {
        firstOpening = opening;
      }
      assertThat(opening).as(name + " opening block").isEqualTo(firstOpening);
      Path decrypted = standalone(playlist, i, clear);
      long decoded = decodedFrames(decrypted, stream);
      assertThat(decoded).as(name + " decrypted").isPositive();
      assertThat(HlsConformance.keyValues(FfmpegTool.ffprobe("-select_streams", stream, "-show_entries",
          "stream=codec_name", "-of", "default=nw=1", decrypted.toString()))).containsEntry("codec_name", codec);
      frames += decoded;
    }
    if (expectedFrames >= 0) {
      assertThat(frames).as(playlist.file + " frames").isEqualTo(Math.round(expectedFrames));
    }
  }

  /**
   * FFmpeg's HLS demuxer (an independent AES-128 decryptor) decodes nothing of the title without its keys, and the
   * whole title, every frame, once each key is at {@code <title>/keys/<id>}, where the playlists' relative URIs point.
   */
  private static void assertFfmpegPlaysOnlyWithTheKeys(Path title, String playlist, double expectedFrames,
      List<ContentKey> keys) throws IOException {
    assertThat(decodedFrames(title.resolve(playlist), "v:0")).as("frames played without the keys").isZero();
    Path keyDirectory = Files.createDirectory(title.resolve(SegmentEncryption.KEY_DIRECTORY));
    for (ContentKey key : keys) {
      Files.write(keyDirectory.resolve(key.id()), key.key());
    }
    assertThat(decodedFrames(title.resolve(playlist), "v:0")).as("frames played with the keys")
        .isEqualTo(Math.round(expectedFrames));
    FfmpegTool.Output decode = FfmpegTool.run(List.of(FfmpegTool.FFMPEG, "-v", "error", "-xerror",
        "-allowed_extensions", "ALL", "-i", title.resolve("master.m3u8").toString(), "-map", "0", "-f", "null", "-"));
    assertThat(decode.exitCode()).as("ffmpeg -xerror decode of the whole title: " + decode.stderr()).isZero();
  }

  /** Frames ffprobe decodes from {@code stream} of {@code media}; 0 when it cannot open or read it. */
  private static long decodedFrames(Path media, String stream) {
    List<String> command = new ArrayList<>(List.of(FfmpegTool.FFPROBE, "-v", "error", "-allowed_extensions", "ALL",
        "-select_streams", stream, "-count_frames", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0"));
    // A segment is read as the container it is: left to guess, ffprobe took about one in 200 files of random bytes
    // (what an encrypted segment looks like) for H.263 and decoded a frame from it.
    String file = media.getFileName().toString();
    if (file.endsWith(".ts") || file.endsWith(".mp4")) {
      command.addAll(List.of("-f", file.endsWith(".ts") ? "mpegts" : "mp4"));
    }
    command.add(media.toString());
    FfmpegTool.Output probe = FfmpegTool.run(command);
    // A transport stream or a playlist lists the stream once more under its program: take the first count.
    return probe.exitCode() != 0 ? 0 : probe.stdout().lines().map(String::strip).filter(l -> l.matches("\\d+"))
        .mapToLong(Long::parseLong).findFirst().orElse(0);
  }

  /** RFC 8216 section 5.2, written here independently of the packager: AES-128-CBC, PKCS#7, IV = sequence number. */
  private static byte[] decrypt(byte[] encrypted, ContentKey key, long mediaSequence) {
    try {
      Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
      cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key.key(), "AES"),
          new IvParameterSpec(ByteBuffer.allocate(16).putLong(8, mediaSequence).array()));
      return cipher.doFinal(encrypted);
    } catch (GeneralSecurityException e) {
      throw new AssertionError("segment does not decrypt with " + key, e);
    }
  }

  /** Segment {@code i}'s bytes as a file a decoder can open alone: after the init segment for fMP4. */
  private Path standalone(Playlist playlist, int i, byte[] segment) throws IOException {
    byte[] init = playlist.map == null ? new byte[0] : Files.readAllBytes(playlist.file.resolveSibling(playlist.map));
    byte[] joined = new byte[init.length + segment.length];
    System.arraycopy(init, 0, joined, 0, init.length);
    System.arraycopy(segment, 0, joined, init.length, segment.length);
    String extension = playlist.map == null ? ".ts" : ".mp4";
    return Files.write(Files.createTempFile(dir, "segment", extension), joined);
  }

  /** A media playlist as text: its lines, init segment, media sequence number, segments and key ids. */
  private record Playlist(Path file, List<String> lines, String map, List<String> segments) {

    static Playlist read(Path file) {
      List<String> lines;
      try {
        lines = Files.readAllLines(file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      String map = null;
      List<String> segments = new ArrayList<>();
      for (String line : lines) {
        if (line.startsWith("#EXT-X-MAP:")) {
          map = HlsConformance.attributes(line).get("URI");
        } else if (!line.isBlank() && !line.startsWith("#")) {
          segments.add(line);
        }
      }
      return new Playlist(file, lines, map, segments);
    }

    long mediaSequence() {
      return lines.stream().filter(l -> l.startsWith("#EXT-X-MEDIA-SEQUENCE:"))
          .mapToLong(l -> Long.parseLong(l.substring(l.indexOf(':') + 1))).findFirst().orElse(0);
    }

    /** Key ids in the order of the {@code EXT-X-KEY} tags, from URIs {@code ../keys/<id>}. */
    List<String> keyIds() {
      return lines.stream().filter(l -> l.startsWith("#EXT-X-KEY:")).map(HlsConformance::attributes)
          .peek(a -> assertThat(a.get("METHOD")).isEqualTo("AES-128"))
          .map(a -> a.get("URI"))
          .peek(uri -> assertThat(uri).startsWith("../" + SegmentEncryption.KEY_DIRECTORY + "/"))
          .map(uri -> uri.substring(uri.lastIndexOf('/') + 1)).toList();
    }

    int firstLineStarting(String prefix) {
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).startsWith(prefix)) {
          return i;
        }
      }
      return -1;
    }
  }
}
