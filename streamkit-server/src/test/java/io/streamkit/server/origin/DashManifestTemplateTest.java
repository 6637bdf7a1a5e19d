package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.streamkit.core.token.PlaybackClaims;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class DashManifestTemplateTest {

  /** The packager's shape: one SegmentTemplate per Representation, URLs relative to the title root. */
  static final String MPD = """
      <?xml version="1.0" encoding="UTF-8"?>
      <MPD xmlns="urn:mpeg:dash:schema:mpd:2011" xmlns:cenc="urn:mpeg:cenc:2013" type="static"
           profiles="urn:mpeg:dash:profile:isoff-live:2011" mediaPresentationDuration="PT8S" minBufferTime="PT2S">
        <!-- written by a test -->
        <Period id="0" start="PT0S">
          <AdaptationSet id="0" contentType="video" mimeType="video/mp4" segmentAlignment="true" maxHeight="720"
              maxWidth="1280" par="16:9">
            <Representation id="720p" bandwidth="2000000" codecs="avc1.64001f" width="1280" height="720">
              <SegmentTemplate timescale="1000" duration="2000" startNumber="1"
                  initialization="720p/init.mp4" media="720p/seg_$Number%05d$.m4s"/>
            </Representation>
            <Representation id="360p" bandwidth="800000" codecs="avc1.64001e" width="640" height="360">
              <SegmentTemplate timescale="1000" duration="2000" startNumber="1"
                  initialization="360p/init.mp4" media="360p/seg_$Number%05d$.m4s?v=2"/>
            </Representation>
          </AdaptationSet>
          <AdaptationSet id="1" contentType="audio" mimeType="audio/mp4" lang="en">
            <Representation id="audio" bandwidth="128000" codecs="mp4a.40.2" audioSamplingRate="48000">
              <BaseURL> audio/ </BaseURL>
              <SegmentTemplate timescale="48000" duration="96000" startNumber="1"
                  initialization="init.mp4" media="seg_$Number%05d$.m4s"/>
            </Representation>
          </AdaptationSet>
        </Period>
      </MPD>
      """;

  private static final String TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";

  private static String render(DashManifestTemplate manifest, Integer maxHeight, String token) {
    PlaybackClaims.Builder claims = PlaybackClaims.builder().viewer("v").title("t")
        .expiresAt(Instant.now().plusSeconds(60));
    if (maxHeight != null) {
      claims.maxHeight(maxHeight);
    }
    ByteBuf out = manifest.render(UnpooledByteBufAllocator.DEFAULT, claims.build(),
        token.getBytes(StandardCharsets.US_ASCII), "/titles/t/".getBytes(StandardCharsets.US_ASCII));
    if (out == null) {
      return null;
    }
    try {
      return out.toString(StandardCharsets.UTF_8);
    } finally {
      out.release();
    }
  }

  private static DashManifestTemplate parse(String xml) {
    return DashManifestTemplate.parse(xml.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void everyUrlCarriesTheTokenAndTheRestMeansWhatItMeant() throws Exception {
    DashManifestTemplate manifest = parse(MPD);
    String out = render(manifest, null, TOKEN);

    assertThat(manifest.urlCount()).isEqualTo(7);
    Document rendered = DashWalk.parse(out.getBytes(StandardCharsets.UTF_8));
    List<Element> templates = DashWalk.elements(rendered.getDocumentElement(), "SegmentTemplate");
    assertThat(templates).extracting(t -> t.getAttribute("initialization"))
        .containsExactly("720p/init.mp4?token=" + TOKEN, "360p/init.mp4?token=" + TOKEN, "init.mp4?token=" + TOKEN);
    assertThat(templates).extracting(t -> t.getAttribute("media")).containsExactly(
        "720p/seg_$Number%05d$.m4s?token=" + TOKEN, "360p/seg_$Number%05d$.m4s?v=2&token=" + TOKEN,
        "seg_$Number%05d$.m4s?token=" + TOKEN);
    assertThat(DashWalk.elements(rendered.getDocumentElement(), "BaseURL").get(0).getTextContent())
        .isEqualTo(" audio/?token=" + TOKEN + " ");
    assertThat(templates.get(0).getAttribute("timescale")).isEqualTo("1000");
    assertThat(rendered.getDocumentElement().getAttribute("mediaPresentationDuration")).isEqualTo("PT8S");
    assertThat(out).contains("<!-- written by a test -->").contains("xmlns:cenc=\"urn:mpeg:cenc:2013\"");
  }

  @Test
  void aClearKeyLicenceUrlTakesTheTokenAndARelativeOneBecomesPathAbsolute() throws Exception {
    String protection = """
          <ContentProtection schemeIdUri="urn:uuid:e2719d58-a985-b3c9-781a-b030af78d30e" value="ClearKey1.0">
            <dashif:Laurl xmlns:dashif="https://dashif.org/CPS" licenseType="EME-1.0">%s</dashif:Laurl>
          </ContentProtection>
          <Representation id="audio\"""";
    String relative = MPD.replace("      <Representation id=\"audio\"", protection.formatted("keys/clearkey"));
    String absolute = MPD.replace("      <Representation id=\"audio\"",
        protection.formatted(" https://licences.example/clearkey?title=t "));

    Document rendered = DashWalk.parse(render(parse(relative), null, TOKEN).getBytes(StandardCharsets.UTF_8));
    assertThat(DashWalk.elements(rendered.getDocumentElement(), "Laurl").get(0).getTextContent())
        .as("players send the licence request to the URL as written, so it must not stay relative to the MPD")
        .isEqualTo("/titles/t/keys/clearkey?token=" + TOKEN);
    assertThat(parse(relative).urlCount()).isEqualTo(8);
    rendered = DashWalk.parse(render(parse(absolute), null, TOKEN).getBytes(StandardCharsets.UTF_8));
    assertThat(DashWalk.elements(rendered.getDocumentElement(), "Laurl").get(0).getTextContent())
        .isEqualTo(" https://licences.example/clearkey?title=t&token=" + TOKEN + " ");
    assertThat(render(parse(relative), null, "")).contains(">/titles/t/keys/clearkey</dashif:Laurl>");
  }

  @Test
  void withoutATokenTheUrlsAreWrittenAsTheyAre() throws Exception {
    String out = render(parse(MPD), null, "");

    assertThat(out).doesNotContain("token");
    Document rendered = DashWalk.parse(out.getBytes(StandardCharsets.UTF_8));
    assertThat(DashWalk.elements(rendered.getDocumentElement(), "Representation")).hasSize(3);
  }

  @Test
  void aHeightCapLeavesOutTallerVideoRepresentationsAndKeepsAudio() throws Exception {
    String out = render(parse(MPD), 480, TOKEN);

    Document rendered = DashWalk.parse(out.getBytes(StandardCharsets.UTF_8));
    assertThat(DashWalk.elements(rendered.getDocumentElement(), "Representation"))
        .extracting(r -> r.getAttribute("id")).containsExactly("360p", "audio");
    assertThat(out).doesNotContain("720p").doesNotContain("\n\n");
    Element video = DashWalk.elements(rendered.getDocumentElement(), "AdaptationSet").get(0);
    assertThat(video.hasAttribute("maxHeight")).as("a bound no longer true is left out").isFalse();
    assertThat(video.hasAttribute("maxWidth")).isFalse();
    assertThat(video.getAttribute("par")).isEqualTo("16:9");
    assertThat(render(parse(MPD), 720, TOKEN)).contains("720p/init.mp4").contains("maxHeight=\"720\"");
  }

  @Test
  void aCapBelowEveryVideoRepresentationGivesNoManifest() {
    assertThat(render(parse(MPD), 240, TOKEN)).isNull();
  }

  @Test
  void anAdaptationSetLeftWithoutRepresentationsIsLeftOut() throws Exception {
    String twoSets = MPD.replace("""
            <Representation id="360p\"""", """
          </AdaptationSet>
          <AdaptationSet id="2" contentType="video" mimeType="video/mp4">
            <Representation id="360p\"""");
    String out = render(parse(twoSets), 480, TOKEN);

    Document rendered = DashWalk.parse(out.getBytes(StandardCharsets.UTF_8));
    assertThat(DashWalk.elements(rendered.getDocumentElement(), "AdaptationSet"))
        .extracting(s -> s.getAttribute("id")).containsExactly("2", "1");
  }

  @Test
  void anAdaptationSetsHeightIsInheritedByItsRepresentations() throws Exception {
    String inherited = MPD.replace("segmentAlignment=\"true\" maxHeight",
            "segmentAlignment=\"true\" height=\"720\" maxHeight")
        .replace(" width=\"640\" height=\"360\"", "");

    assertThat(render(parse(inherited), 480, TOKEN)).isNull();
  }

  @Test
  void externalEntitiesAndDoctypesAreRefusedWithoutReadingAnything(@TempDir Path dir) throws Exception {
    Path secret = Files.writeString(dir.resolve("secret.txt"), "do-not-leak");
    String xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE MPD [<!ENTITY x SYSTEM \"" + secret.toUri() + "\">]>\n"
        + "<MPD xmlns=\"urn:mpeg:dash:schema:mpd:2011\"><BaseURL>&x;</BaseURL></MPD>";

    assertThatThrownBy(() -> parse(xxe)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("do-not-leak");
  }

  @Test
  void brokenXmlAndOtherDocumentsAreRefusedWithAReason() {
    assertThatThrownBy(() -> parse("<MPD xmlns=\"urn:mpeg:dash:schema:mpd:2011\"><Period>"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not well-formed XML");
    assertThatThrownBy(() -> parse("<html/>")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the root element is html, not MPD");
  }

  @Test
  void manifestsAreToldFromPlaylistsByTheirContent() {
    assertThat(DashManifestTemplate.isManifest(MPD)).isTrue();
    assertThat(DashManifestTemplate.isManifest("#EXTM3U\n#EXT-X-VERSION:7\n")).isFalse();
  }
}
