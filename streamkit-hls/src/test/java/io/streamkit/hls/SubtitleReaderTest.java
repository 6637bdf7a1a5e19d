package io.streamkit.hls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SubRip and WebVTT files as users hand them over, and the one-line errors for the broken ones. */
class SubtitleReaderTest {

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void subRipWithByteOrderMarkAndCrlfBecomesWebVttCueText() {
    String srt = "\uFEFF1\r\n00:00:01,500 --> 00:00:04,000\r\nHello <i>world</i> & <font color=\"red\">friends</font>"
        + "\r\n{\\an8}second line <3\r\n\r\n2\r\n00:01:02.250 --> 00:01:03,000 X1:10 X2:20\r\nÇa va?\r\n";
    List<SubtitleCue> cues = SubtitleReader.parse("subs.srt", utf8(srt));
    assertThat(cues).hasSize(2);
    assertThat(cues.get(0).startMillis()).isEqualTo(1500);
    assertThat(cues.get(0).endMillis()).isEqualTo(4000);
    assertThat(cues.get(0).text()).isEqualTo("Hello <i>world</i> &amp; friends\nsecond line &lt;3");
    assertThat(cues.get(0).line()).isEqualTo(2);
    assertThat(cues.get(1).startMillis()).isEqualTo(62_250);
    assertThat(cues.get(1).text()).isEqualTo("Ça va?");
    assertThat(cues.get(1).webVttBlock()).isEqualTo("00:01:02.250 --> 00:01:03.000\nÇa va?\n\n");
  }

  @Test
  void webVttKeepsCueSettingsAndSkipsNotesStylesAndIdentifiers() {
    String vtt = "WEBVTT - with a title\nKind: captions\n\nNOTE written by hand\nover two lines\n\n"
        + "STYLE\n::cue { color: yellow }\n\nintro\n00:01.000 --> 00:02.500 line:0 align:start\n<v Anna>Hi</v>\n\n"
        + "01:00:00.000 --> 01:00:01.000\nlate\n";
    List<SubtitleCue> cues = SubtitleReader.parse("subs.vtt", utf8(vtt));
    assertThat(cues).extracting(SubtitleCue::startMillis).containsExactly(1000L, 3_600_000L);
    assertThat(cues.get(0).settings()).isEqualTo("line:0 align:start");
    assertThat(cues.get(0).text()).isEqualTo("<v Anna>Hi</v>");
    assertThat(cues.get(0).line()).isEqualTo(11);
    assertThat(cues.get(0).webVttBlock()).startsWith("00:00:01.000 --> 00:00:02.500 line:0 align:start\n");
  }

  @Test
  void endBeforeStartNamesTheFileLineAndBothTimes() {
    String srt = "1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\n00:00:07,000 --> 00:00:05,000\nbackwards\n";
    assertThatThrownBy(() -> SubtitleReader.parse("subs.srt", utf8(srt)))
        .isInstanceOf(TranscodeException.class)
        .hasMessage("subs.srt line 6: cue end 00:00:05,000 is before its start 00:00:07,000; fix the timing");
  }

  @Test
  void brokenTimingLinesAreRefusedWithTheirLine() {
    assertThatThrownBy(() -> SubtitleReader.parse("subs.srt", utf8("1\n00:00:01 --> 00:00:02,000\ntext\n")))
        .hasMessageStartingWith("subs.srt line 2: broken timing line '00:00:01 --> 00:00:02,000'")
        .hasMessageEndingWith("fix the timing");
    assertThatThrownBy(() -> SubtitleReader.parse("subs.srt", utf8("1\n00:00:01,000 --> 00:00:02,000\na\n\nstray\n")))
        .hasMessageStartingWith("subs.srt line 5: broken timing line 'stray'");
    assertThatThrownBy(() -> SubtitleReader.parse("subs.vtt", utf8("WEBVTT\n\n00:00:61.000 --> 00:01:02.000\nx\n")))
        .hasMessageStartingWith("subs.vtt line 3: broken timing line");
    assertThatThrownBy(() -> SubtitleReader.parse("subs.vtt", utf8("WEBVTT\n\n00:01.000 --> 00:02.000\na\n"
        + "00:03.000 --> 00:04.000\nb\n")))
        .hasMessageStartingWith("subs.vtt line 5: cue text contains '-->'");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"UTF-16LE", "UTF-16BE"})
  void utf16WithItsByteOrderMarkIsReadAsWritten(String encoding) {
    // What Windows Notepad saves as "Unicode": UTF-16LE after the mark FF FE.
    String srt = "\uFEFF1\r\n00:00:01,000 --> 00:00:02,000\r\nCafé 東京\r\n";
    byte[] bytes = srt.getBytes(java.nio.charset.Charset.forName(encoding));
    List<SubtitleCue> cues = SubtitleReader.parse("subs.srt", bytes);
    assertThat(cues).singleElement().satisfies(cue -> assertThat(cue.text()).isEqualTo("Café 東京"));
  }

  @Test
  void invalidUtf8IsRefusedWithTheLineOfTheBadByte() {
    ByteArrayOutputStream latin1 = new ByteArrayOutputStream();
    latin1.writeBytes(utf8("1\n00:00:01,000 --> 00:00:02,000\nCa va\n\n2\n00:00:03,000 --> 00:00:04,000\nGar"));
    latin1.write(0xe7);
    latin1.writeBytes(utf8("on\n"));
    assertThatThrownBy(() -> SubtitleReader.parse("subs.srt", latin1.toByteArray()))
        .isInstanceOf(TranscodeException.class)
        .hasMessage("subs.srt line 7: byte 0xE7 is not UTF-8; save the file as UTF-8");
  }

  @Test
  void emptyFilesAndVttWithoutSignatureAreRefused() {
    assertThatThrownBy(() -> SubtitleReader.parse("subs.srt", new byte[0]))
        .hasMessageStartingWith("subs.srt line 1: the file is empty");
    assertThatThrownBy(() -> SubtitleReader.parse("subs.srt", utf8("\uFEFF\r\n\r\n")))
        .hasMessageStartingWith("subs.srt line 1: the file is empty");
    assertThatThrownBy(() -> SubtitleReader.parse("subs.vtt", utf8("WEBVTT\n\nNOTE nothing else\n")))
        .hasMessageContaining("the file has no cue");
    assertThatThrownBy(() -> SubtitleReader.parse("subs.vtt", utf8("1\n00:00:01,000 --> 00:00:02,000\nx\n")))
        .hasMessageStartingWith("subs.vtt line 1: a WebVTT file must start with WEBVTT");
  }

  @Test
  void assEventsLoseOverrideTagsAndKeepLineBreaks() {
    assertThat(EmbeddedSubtitles.assText("0,0,Default,,0,0,0,,{\\i1}Hello{\\i0}, world\\Nsecond & <line>"))
        .isEqualTo("Hello, world\nsecond &amp; &lt;line>");
  }
}
