package io.streamkit.hls;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a sidecar subtitle file, SubRip ({@code .srt}) or WebVTT ({@code .vtt}), into {@link SubtitleCue}s.
 *
 * <p>Both are read as UTF-8, strictly: a byte sequence that is not UTF-8 is an error naming its line (a Latin-1 file
 * must be converted first, since guessing a legacy encoding silently garbles the text). A file that starts with a
 * UTF-16 byte order mark (what Windows Notepad saves as "Unicode") is read as UTF-16, which that mark leaves in no
 * doubt. A leading byte order mark is skipped and lines may end in CRLF, LF or CR (W3C WebVTT §4.1; SubRip files
 * come from both worlds).
 *
 * <p>WebVTT (W3C WebVTT §4.1 file structure, §6.1 file parsing): the {@code WEBVTT} signature line, header lines up to
 * the first blank line, then blocks separated by blank lines; {@code NOTE}, {@code STYLE} and {@code REGION} blocks
 * are skipped, a cue block is an optional identifier line, the timing line ({@code start --> end} followed by the
 * cue settings, §6.3) and the payload, kept as written. SubRip: blocks of an optional counter line, the timing line
 * ({@code 00:00:01,000 --> 00:00:04,000}) and the text, whose {@code <i>}, {@code <b>} and {@code <u>} tags are WebVTT
 * cue spans too; {@code <font>} tags and {@code {\an8}}-style overrides are dropped and {@code &}, any other
 * {@code <} and {@code -->} escaped so the text stays literal in WebVTT; a line left empty is dropped. Unlike a
 * browser's lenient parser, a broken timing line or a cue ending before it starts is an error here: the file is
 * checked once, when the title is made, so it is the place to say which line to fix.
 */
final class SubtitleReader {

  /** A WebVTT timestamp (§4.1): optional hours of two or more digits, minutes and seconds 00-59, milliseconds. */
  private static final String VTT_TIME = "(?:(\\d{2,5}):)?([0-5]\\d):([0-5]\\d)\\.(\\d{3})";
  /** A SubRip timestamp; some writers use a full stop instead of the comma, which is accepted. */
  private static final String SRT_TIME = "(\\d{1,5}):([0-5]\\d):([0-5]\\d)[,.](\\d{3})";
  private static final Pattern VTT_TIMING = Pattern.compile(
      "(" + VTT_TIME + ")[ \\t]+-->[ \\t]+(" + VTT_TIME + ")(?:[ \\t]+(.*))?");
  private static final Pattern SRT_TIMING = Pattern.compile(
      "(" + SRT_TIME + ")[ \\t]*-->[ \\t]*(" + SRT_TIME + ")(?:[ \\t]+.*)?");
  private static final Pattern SRT_KEPT_TAG = Pattern.compile("</?[ibu]>", Pattern.CASE_INSENSITIVE);
  private static final Pattern SRT_DROPPED_MARKUP = Pattern.compile("</?font\\b[^>]*>|\\{\\\\[^}]*}",
      Pattern.CASE_INSENSITIVE);

  private SubtitleReader() {}

  /**
   * Reads every cue of {@code file}, in file order.
   *
   * @throws TranscodeException with one line naming the file, the line and what to fix, when the file is unreadable,
   *     not UTF-8, has no cue, or has a broken timing line
   */
  static List<SubtitleCue> read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new TranscodeException("cannot read subtitles " + file + ": " + e.getMessage(), e);
    }
    return parse(file.getFileName().toString(), bytes);
  }

  static List<SubtitleCue> parse(String name, byte[] bytes) {
    List<String> lines = lines(decode(name, bytes));
    int first = 0;
    while (first < lines.size() && lines.get(first).isBlank()) {
      first++;
    }
    if (first == lines.size()) {
      throw new TranscodeException(name + " line 1: the file is empty; give a SubRip (.srt) or WebVTT (.vtt) file"
          + " with at least one cue");
    }
    boolean webVtt = lines.get(0).startsWith("WEBVTT");
    if (!webVtt && name.toLowerCase(java.util.Locale.ROOT).endsWith(".vtt")) {
      throw new TranscodeException(name + " line 1: a WebVTT file must start with WEBVTT (W3C WebVTT §4.1), found '"
          + shorten(lines.get(0)) + "'; add the WEBVTT line or give a SubRip file a .srt name");
    }
    List<SubtitleCue> cues = webVtt ? webVtt(name, lines) : subRip(name, lines);
    if (cues.isEmpty()) {
      throw new TranscodeException(name + " line " + (lines.size()) + ": the file has no cue; give a file with at"
          + " least one timed cue");
    }
    return cues;
  }

  /**
   * Strict UTF-8, or UTF-16 after its byte order mark: the first malformed or unmappable byte is reported with its
   * 1-based line.
   */
  private static String decode(String name, byte[] bytes) {
    boolean utf16 = bytes.length >= 2 && ((bytes[0] == (byte) 0xFE && bytes[1] == (byte) 0xFF)
        || (bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xFE));
    // Java's UTF-16 decoder reads the mark, takes the byte order from it and drops it.
    CharsetDecoder decoder = (utf16 ? StandardCharsets.UTF_16 : StandardCharsets.UTF_8).newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length + 1);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      int line = 1;
      for (int i = 0; i < in.position(); i++) {
        if (bytes[i] == '\n') {
          line++;
        }
      }
      throw new TranscodeException(String.format(java.util.Locale.ROOT, "%s line %d: byte 0x%02X is not %s;"
          + " save the file as UTF-8", name, line, bytes[in.position()] & 0xff, utf16 ? "UTF-16" : "UTF-8"));
    }
    decoder.flush(out);
    String text = out.flip().toString();
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  /** Splits on CRLF, LF or CR (W3C WebVTT §6.1 step 1 normalises all three). */
  private static List<String> lines(String text) {
    return List.of(text.split("\r\n|\r|\n", -1));
  }

  private static List<SubtitleCue> webVtt(String name, List<String> lines) {
    String signature = lines.get(0);
    if (signature.length() > 6 && signature.charAt(6) != ' ' && signature.charAt(6) != '\t') {
      throw new TranscodeException(name + " line 1: the WEBVTT signature must stand alone or be followed by a space"
          + " or tab (W3C WebVTT §4.1), found '" + shorten(signature) + "'; fix the first line");
    }
    List<SubtitleCue> cues = new ArrayList<>();
    int i = 1;
    while (i < lines.size() && !lines.get(i).isBlank() && !lines.get(i).contains("-->")) {
      i++;
    }
    while (i < lines.size()) {
      if (lines.get(i).isBlank()) {
        i++;
        continue;
      }
      int blockStart = i;
      int end = i;
      while (end < lines.size() && !lines.get(end).isBlank()) {
        end++;
      }
      String head = lines.get(i);
      if (!head.contains("-->") && isSkippedBlock(head)) {
        i = end;
        continue;
      }
      int timingLine = head.contains("-->") ? i : i + 1;
      if (timingLine >= end) {
        throw new TranscodeException(name + " line " + (blockStart + 1) + ": '" + shorten(head) + "' is followed"
            + " by no timing line (start --> end); add one or remove the line");
      }
      Matcher timing = VTT_TIMING.matcher(lines.get(timingLine).strip());
      if (!timing.matches()) {
        throw brokenTiming(name, timingLine, lines.get(timingLine), "00:00:01.000 --> 00:00:04.000");
      }
      long start = millis(timing, 2);
      long finish = millis(timing, 7);
      String settings = timing.group(11) == null ? "" : timing.group(11).strip().replaceAll("[ \\t]+", " ");
      checkOrder(name, timingLine, start, finish, timing.group(1), timing.group(6));
      List<String> payload = lines.subList(timingLine + 1, end);
      for (int p = 0; p < payload.size(); p++) {
        if (payload.get(p).contains("-->")) {
          throw new TranscodeException(name + " line " + (timingLine + 2 + p) + ": cue text contains '-->', which"
              + " starts a new cue only after a blank line (W3C WebVTT §4.1); add a blank line before it or reword"
              + " the text");
        }
      }
      addCue(cues, start, finish, String.join("\n", payload), settings, timingLine + 1);
      i = end;
    }
    return cues;
  }

  /** NOTE, STYLE and REGION blocks (W3C WebVTT §4.1) carry no cue. */
  private static boolean isSkippedBlock(String head) {
    for (String keyword : new String[] {"NOTE", "STYLE", "REGION"}) {
      if (head.equals(keyword) || head.startsWith(keyword + " ") || head.startsWith(keyword + "\t")) {
        return true;
      }
    }
    return false;
  }

  private static List<SubtitleCue> subRip(String name, List<String> lines) {
    List<SubtitleCue> cues = new ArrayList<>();
    int i = 0;
    while (i < lines.size()) {
      if (lines.get(i).isBlank()) {
        i++;
        continue;
      }
      int end = i;
      while (end < lines.size() && !lines.get(end).isBlank()) {
        end++;
      }
      int timingLine = lines.get(i).strip().matches("\\d+") ? i + 1 : i;
      if (timingLine >= end) {
        throw brokenTiming(name, timingLine, timingLine < lines.size() ? lines.get(timingLine) : "",
            "00:00:01,000 --> 00:00:04,000");
      }
      Matcher timing = SRT_TIMING.matcher(lines.get(timingLine).strip());
      if (!timing.matches()) {
        throw brokenTiming(name, timingLine, lines.get(timingLine), "00:00:01,000 --> 00:00:04,000");
      }
      long start = millis(timing, 2);
      long finish = millis(timing, 7);
      checkOrder(name, timingLine, start, finish, timing.group(1), timing.group(6));
      List<String> text = new ArrayList<>();
      for (String line : lines.subList(timingLine + 1, end)) {
        String converted = subRipText(line);
        // A line of markup only would leave an empty line, which ends a WebVTT cue (W3C WebVTT §4.1).
        if (!converted.isEmpty()) {
          text.add(converted);
        }
      }
      addCue(cues, start, finish, String.join("\n", text), "", timingLine + 1);
      i = end;
    }
    return cues;
  }

  /** SubRip markup to WebVTT cue text (W3C WebVTT §4.2): see the class comment. */
  private static String subRipText(String line) {
    String text = SRT_DROPPED_MARKUP.matcher(line).replaceAll("").replace("&", "&amp;");
    StringBuilder out = new StringBuilder(text.length());
    int position = 0;
    Matcher tag = SRT_KEPT_TAG.matcher(text);
    while (tag.find()) {
      out.append(text, position, tag.start()).append(text.substring(tag.start(), tag.end()).toLowerCase(
          java.util.Locale.ROOT));
      position = tag.end();
    }
    out.append(text.substring(position));
    return out.toString().replaceAll("<(?!/?[ibu]>)", "&lt;").replace("-->", "--&gt;").strip();
  }

  /** Keeps cues with text; an empty payload shows nothing, and dropping it keeps the segments small. */
  private static void addCue(List<SubtitleCue> cues, long start, long end, String text, String settings, int line) {
    if (!text.isBlank()) {
      cues.add(new SubtitleCue(start, end, text.strip(), settings, line));
    }
  }

  private static void checkOrder(String name, int index, long start, long end, String startText, String endText) {
    if (end < start) {
      throw new TranscodeException(name + " line " + (index + 1) + ": cue end " + endText + " is before its start "
          + startText + "; fix the timing");
    }
  }

  private static TranscodeException brokenTiming(String name, int index, String line, String example) {
    return new TranscodeException(name + " line " + (index + 1) + ": broken timing line '" + shorten(line)
        + "', expected start --> end such as " + example + "; fix the timing");
  }

  /** Hours (optional in WebVTT), minutes, seconds and milliseconds from four groups starting at {@code group}. */
  private static long millis(Matcher m, int group) {
    long hours = m.group(group) == null ? 0 : Long.parseLong(m.group(group));
    return ((hours * 60 + Long.parseLong(m.group(group + 1))) * 60 + Long.parseLong(m.group(group + 2))) * 1000
        + Long.parseLong(m.group(group + 3));
  }

  private static String shorten(String line) {
    String stripped = line.strip();
    return stripped.length() <= 60 ? stripped : stripped.substring(0, 57) + "...";
  }
}
