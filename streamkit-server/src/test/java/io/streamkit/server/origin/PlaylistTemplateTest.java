package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.streamkit.core.token.PlaybackClaims;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlaylistTemplateTest {

  private static final String MEDIA = """
      #EXTM3U
      #EXT-X-TARGETDURATION:4
      #EXT-X-KEY:METHOD=AES-128,URI="key.bin",IV=0x1
      #EXT-X-MAP:URI="init.mp4"
      #EXTINF:4.0,
      seg_00000.m4s
      #EXTINF:4.0,
      seg_00001.m4s?v=2
      #EXT-X-ENDLIST
      """;

  private static final String MASTER = """
      #EXTM3U
      #EXT-X-INDEPENDENT-SEGMENTS
      #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="en",URI="a0/index.m3u8"
      #EXT-X-STREAM-INF:BANDWIDTH=5000000,RESOLUTION=1920x1080,CODECS="avc1.640028,mp4a.40.2",AUDIO="aud"
      v1080/index.m3u8
      #EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360,CODECS="avc1.42c01e,mp4a.40.2",AUDIO="aud"
      v360/index.m3u8

      #EXT-X-STREAM-INF:BANDWIDTH=1800000,RESOLUTION=1280x720,CODECS="avc1.4d401f,mp4a.40.2",AUDIO="aud"
      v720/index.m3u8
      #EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=200000,RESOLUTION=1920x1080,URI="v1080/iframes.m3u8"
      """;

  private static String render(PlaylistTemplate t, String token) {
    byte[] bytes = token.getBytes(StandardCharsets.US_ASCII);
    ByteBuf out = Unpooled.buffer();
    t.renderTo(out, bytes);
    assertThat(out.readableBytes()).isEqualTo(t.renderedLength(bytes.length));
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void everyUriInAMediaPlaylistGetsTheToken() {
    PlaylistTemplate t = PlaylistTemplate.parse(MEDIA);

    String out = render(t, "TKN");

    assertThat(t.uriCount()).isEqualTo(4);
    assertThat(out).contains("URI=\"key.bin?token=TKN\",IV=0x1")
        .contains("#EXT-X-MAP:URI=\"init.mp4?token=TKN\"")
        .contains("\nseg_00000.m4s?token=TKN\n")
        .contains("\nseg_00001.m4s?v=2&token=TKN\n")
        .contains("#EXTINF:4.0,\n").endsWith("#EXT-X-ENDLIST\n");
  }

  @Test
  void aStoryboardIndexTakesTheTokenBeforeEachImageFragmentAndNowhereElse() {
    String vtt = """
        WEBVTT

        NOTE sheets of 256x144 tiles

        00:00:00.000 --> 00:00:02.000
        sheet_000.jpg#xywh=0,0,256,144

        intro
        00:00:02.000 --> 00:00:04.500
        sheet_000.jpg?v=2#xywh=256,0,256,144
        """;
    PlaylistTemplate t = PlaylistTemplate.parseStoryboard(vtt);

    assertThat(t.uriCount()).isEqualTo(2);
    assertThat(render(t, "TKN")).isEqualTo(vtt
        .replace("sheet_000.jpg#", "sheet_000.jpg?token=TKN#")
        .replace("sheet_000.jpg?v=2#", "sheet_000.jpg?v=2&token=TKN#"));
    assertThat(render(PlaylistTemplate.parseStoryboard(vtt.replace("\n", "\r\n")), "")).isEqualTo(vtt);
  }

  @Test
  void withoutATokenThePlaylistIsUnchanged() {
    assertThat(render(PlaylistTemplate.parse(MEDIA), "")).isEqualTo(MEDIA);
    assertThat(render(PlaylistTemplate.parse(MEDIA.replace("\n", "\r\n")), "")).isEqualTo(MEDIA);
  }

  @Test
  void theSessionManifestKeepsAllowedVariantsInPolicyOrderWithTheToken() {
    MasterPlaylist master = MasterPlaylist.parse(MASTER);
    PlaybackClaims capped = PlaybackClaims.builder().title("t").maxHeight(720)
        .expiresAt(Instant.now().plusSeconds(60)).build();

    String out = master.render(UnpooledByteBufAllocator.DEFAULT, capped, new PolicyVariantOrder(),
        "TKN".getBytes(StandardCharsets.US_ASCII)).toString(StandardCharsets.UTF_8);

    assertThat(out).startsWith("#EXTM3U\n#EXT-X-INDEPENDENT-SEGMENTS\n")
        .contains("URI=\"a0/index.m3u8?token=TKN\"")
        .doesNotContain("1920x1080").doesNotContain("v1080");
    // start budget 0.7 × 3 Mbit/s: 720p (1.8 Mbit/s) first, then the rest from the lowest
    assertThat(out.indexOf("v720/index.m3u8?token=TKN")).isLessThan(out.indexOf("v360/index.m3u8?token=TKN"));
    assertThat(out).contains("CODECS=\"avc1.4d401f,mp4a.40.2\",AUDIO=\"aud\"\nv720/index.m3u8?token=TKN\n");
    assertThat(master.deniedDirectories(720)).containsExactly("v1080");
    assertThat(master.deniedDirectories(2160)).isEmpty();
  }

  @Test
  void theSessionManifestKeepsSubtitleRenditionsWithTheTokenForEveryAllowedVariant() {
    MasterPlaylist master = MasterPlaylist.parse("""
        #EXTM3U
        #EXT-X-VERSION:7
        #EXT-X-INDEPENDENT-SEGMENTS
        #EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",LANGUAGE="en",NAME="English",DEFAULT=YES,AUTOSELECT=YES,\
        URI="subtitles/en/index.m3u8"
        #EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",LANGUAGE="pt-BR",NAME="Português",DEFAULT=NO,AUTOSELECT=YES,\
        URI="subtitles/pt-BR/index.m3u8"
        #EXT-X-STREAM-INF:BANDWIDTH=5000000,CODECS="avc1.640028",RESOLUTION=1920x1080,SUBTITLES="subs"
        v1080/index.m3u8
        #EXT-X-STREAM-INF:BANDWIDTH=800000,CODECS="avc1.42c01e",RESOLUTION=640x360,SUBTITLES="subs"
        v360/index.m3u8
        """);
    PlaybackClaims capped = PlaybackClaims.builder().title("t").maxHeight(720)
        .expiresAt(Instant.now().plusSeconds(60)).build();

    String out = master.render(UnpooledByteBufAllocator.DEFAULT, capped, new PolicyVariantOrder(),
        "TKN".getBytes(StandardCharsets.US_ASCII)).toString(StandardCharsets.UTF_8);

    assertThat(out).contains("#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID=\"subs\",LANGUAGE=\"en\",NAME=\"English\","
        + "DEFAULT=YES,AUTOSELECT=YES,URI=\"subtitles/en/index.m3u8?token=TKN\"\n")
        .contains("NAME=\"Português\",DEFAULT=NO,AUTOSELECT=YES,URI=\"subtitles/pt-BR/index.m3u8?token=TKN\"\n")
        .contains("RESOLUTION=640x360,SUBTITLES=\"subs\"\nv360/index.m3u8?token=TKN\n")
        .doesNotContain("v1080");
    assertThat(master.deniedDirectories(720)).containsExactly("v1080");
  }

  @Test
  void noAllowedVariantRendersNothing() {
    PlaybackClaims tiny = PlaybackClaims.builder().title("t").maxHeight(144)
        .expiresAt(Instant.now().plusSeconds(60)).build();
    assertThat(MasterPlaylist.parse(MASTER).render(UnpooledByteBufAllocator.DEFAULT, tiny, new PolicyVariantOrder(),
        new byte[0])).isNull();
  }

  @Test
  void attributesWithQuotedCommasParse() {
    assertThat(MasterPlaylist.attributes("#EXT-X-STREAM-INF:BANDWIDTH=1,CODECS=\"a,b\",RESOLUTION=2x3"))
        .containsEntry("BANDWIDTH", "1").containsEntry("CODECS", "a,b").containsEntry("RESOLUTION", "2x3");
  }

  @Test
  void policyOrderFallsBackToTheLowestVariant() {
    ManifestVariant low = new ManifestVariant("a", 3_000_000, 0, 854, 480, "");
    ManifestVariant high = new ManifestVariant("b", 6_000_000, 0, 1920, 1080, "");
    assertThat(new PolicyVariantOrder().order(List.of(high, low), null)).containsExactly(low, high);
  }

  @Test
  void policyOrderListsVariantsWithoutResolutionAfterTheVideoVariants() {
    ManifestVariant audio = new ManifestVariant("aud", 128_000, 0, 0, 0, "mp4a.40.2");
    ManifestVariant sd = new ManifestVariant("sd", 800_000, 700_000, 640, 360, "avc1.4d401e");
    ManifestVariant hd = new ManifestVariant("hd", 1_900_000, 1_500_000, 1280, 720, "avc1.4d401f");
    ManifestVariant fhd = new ManifestVariant("fhd", 6_000_000, 5_000_000, 1920, 1080, "avc1.640028");
    assertThat(new PolicyVariantOrder().order(List.of(audio, fhd, sd, hd), null)).containsExactly(hd, sd, fhd, audio);
    assertThat(new PolicyVariantOrder(10_000_000).order(List.of(audio, fhd, sd, hd), null))
        .containsExactly(fhd, sd, hd, audio);
  }
}
