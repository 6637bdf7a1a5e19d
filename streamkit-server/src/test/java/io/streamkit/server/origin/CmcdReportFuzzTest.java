package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * {@link CmcdReport}, the parser of the Common Media Client Data a player puts in its request headers or query
 * (CTA-5004 §3.2). Whatever the bytes (read one character per byte, as a request head is), it never throws and stays
 * within its bounds. For text without quoted strings it is checked against the rules written out plainly here:
 * comma-separated {@code key} or {@code key=value} entries, optionally padded with spaces or tabs; the numeric keys
 * {@code bl}, {@code mtp}, {@code br}, {@code d} take 1 to {@link CmcdReport#MAX_DIGITS} decimal digits, {@code bs}
 * stands alone or takes {@code true}/{@code false}, {@code ot} takes one or two lower-case letters, {@code sid} must
 * be a quoted string, and the last of a repeated key counts. With quoted strings, what it accepts it reads again the
 * same when written back.
 */
class CmcdReportFuzzTest {

  private static final Pattern ENTRY = Pattern.compile("[A-Za-z0-9._-]{1,64}(=[\\x21-\\x7e&&[^\",]]+)?");
  private static final Pattern DIGITS = Pattern.compile("[0-9]{1," + CmcdReport.MAX_DIGITS + "}");
  private static final Pattern OBJECT_TYPE = Pattern.compile("[a-z]{1,2}");

  @FuzzTest
  void parse(byte[] input) {
    String text = new String(input, StandardCharsets.ISO_8859_1);
    CmcdReport report = new CmcdReport();
    boolean accepted = report.add(text);

    if (accepted) {
      assertThat(text.length()).isLessThanOrEqualTo(CmcdReport.MAX_LENGTH);
      for (long number : new long[] {report.bufferMs, report.throughputKbps, report.bitrateKbps, report.durationMs}) {
        assertThat(number).isBetween(CmcdReport.ABSENT, 999_999_999_999L);
      }
      if (report.sessionId != null) {
        assertThat(report.sessionId).hasSizeBetween(1, CmcdReport.MAX_SESSION_ID_LENGTH)
            .matches("[\\x21-\\x7e]+");
      }
      if (report.objectType != null) {
        assertThat(report.objectType).matches(OBJECT_TYPE);
      }
      CmcdReport again = new CmcdReport();
      assertThat(again.add(written(report))).as("accepts %s", written(report)).isTrue();
      assertThat(written(again)).isEqualTo(written(report));
    }
    if (text.indexOf('"') < 0) {
      CmcdReport expected = reference(text);
      assertThat(accepted).as("accepted %s", text).isEqualTo(expected != null);
      if (expected != null) {
        assertThat(written(report)).isEqualTo(written(expected));
      }
    }
  }

  /** The report of quote-free text by the rules above, or {@code null} when they refuse it. */
  private static CmcdReport reference(String text) {
    CmcdReport report = new CmcdReport();
    if (text.isEmpty()) {
      return report;
    }
    if (text.length() > CmcdReport.MAX_LENGTH) {
      return null;
    }
    String[] entries = text.split(",", -1);
    if (entries.length > CmcdReport.MAX_KEYS) {
      return null;
    }
    for (String padded : entries) {
      String entry = padded.replaceAll("^[ \\t]+|[ \\t]+$", "");
      if (!ENTRY.matcher(entry).matches()) {
        return null;
      }
      int eq = entry.indexOf('=');
      String key = eq < 0 ? entry : entry.substring(0, eq);
      String value = eq < 0 ? null : entry.substring(eq + 1);
      switch (key) {
        case "bl", "mtp", "br", "d" -> {
          if (value == null || !DIGITS.matcher(value).matches()) {
            return null;
          }
          long number = Long.parseLong(value);
          switch (key) {
            case "bl" -> report.bufferMs = number;
            case "mtp" -> report.throughputKbps = number;
            case "br" -> report.bitrateKbps = number;
            default -> report.durationMs = number;
          }
        }
        case "bs" -> {
          if (value == null || value.equals("true")) {
            report.starved = true;
          } else if (value.equals("false")) {
            report.starved = false;
          } else {
            return null;
          }
        }
        case "ot" -> {
          if (value == null || !OBJECT_TYPE.matcher(value).matches()) {
            return null;
          }
          report.objectType = value;
        }
        case "sid" -> {
          return null;
        }
        default -> {
          // Keys the origin does not read are stepped over.
        }
      }
    }
    return report;
  }

  /** The fields read, written back as CMCD text. */
  private static String written(CmcdReport report) {
    StringBuilder text = new StringBuilder();
    append(text, "bl", report.bufferMs);
    append(text, "br", report.bitrateKbps);
    if (report.starved) {
      text.append("bs,");
    }
    append(text, "d", report.durationMs);
    append(text, "mtp", report.throughputKbps);
    if (report.objectType != null) {
      text.append("ot=").append(report.objectType).append(',');
    }
    if (report.sessionId != null) {
      text.append("sid=\"").append(report.sessionId.replace("\\", "\\\\").replace("\"", "\\\"")).append("\",");
    }
    return text.isEmpty() ? "" : text.substring(0, text.length() - 1);
  }

  private static void append(StringBuilder text, String key, long value) {
    if (value != CmcdReport.ABSENT) {
      text.append(key).append('=').append(value).append(',');
    }
  }
}
