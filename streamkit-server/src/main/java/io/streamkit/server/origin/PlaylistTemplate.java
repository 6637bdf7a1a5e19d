package io.streamkit.server.origin;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Playlist text pre-split at every URI, so that serving it with a viewer's token is a splice: literal bytes, then
 * {@code ?token=...} (or {@code &token=...} when the URI has a query already), then the next literal. Parsed once per
 * file version; rendering touches no strings.
 *
 * <p>URIs are the lines that are neither blank nor start with {@code #}, and the quoted values of the attributes named
 * exactly {@code URI} in the attribute-lists of tags (RFC 8216 §4.1 and §4.2: EXT-X-MAP, EXT-X-KEY, EXT-X-MEDIA,
 * EXT-X-I-FRAME-STREAM-INF, EXT-X-SESSION-KEY ...). Lines are normalised to LF.
 */
final class PlaylistTemplate {

  private static final byte[] TOKEN_AFTER_PATH = "?token=".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TOKEN_AFTER_QUERY = "&token=".getBytes(StandardCharsets.US_ASCII);

  /**
   * {@code literals.length == joins.length + 1}; after literal {@code i} ({@code i < joins.length}) comes
   * {@code joins[i]} + token.
   */
  private final byte[][] literals;
  private final byte[][] joins;
  private final int literalBytes;

  private PlaylistTemplate(List<byte[]> literals, List<byte[]> joins) {
    this.literals = literals.toArray(new byte[0][]);
    this.joins = joins.toArray(new byte[0][]);
    int total = 0;
    for (byte[] l : this.literals) {
      total += l.length;
    }
    this.literalBytes = total;
  }

  static PlaylistTemplate parse(String text) {
    Splitter s = new Splitter();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      s.line(lines[i]);
      if (i < lines.length - 1) {
        s.text.append('\n');
      }
    }
    return s.build();
  }

  /**
   * A storyboard index (W3C WebVTT section 4.1): the payload lines of each cue, those after its timing line (the line
   * with {@code -->}) up to the blank line that ends it, are image URLs. The token goes before a URL's fragment
   * ({@code sheet_000.jpg?token=...#xywh=0,0,256,144}; RFC 3986 section 3: the query precedes the fragment), which
   * the template keeps as literal text.
   */
  static PlaylistTemplate parseStoryboard(String text) {
    Splitter s = new Splitter();
    String[] lines = text.split("\r?\n", -1);
    boolean inCue = false;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.isBlank()) {
        inCue = false;
        s.text.append(line);
      } else if (inCue) {
        int hash = line.indexOf('#');
        String uri = hash < 0 ? line : line.substring(0, hash);
        s.text.append(uri);
        s.cut(uri);
        s.text.append(line, uri.length(), line.length());
      } else {
        s.text.append(line);
        inCue = line.contains("-->");
      }
      if (i < lines.length - 1) {
        s.text.append('\n');
      }
    }
    return s.build();
  }

  static PlaylistTemplate ofLines(List<String> lines) {
    Splitter s = new Splitter();
    for (String line : lines) {
      s.line(line);
      s.text.append('\n');
    }
    return s.build();
  }

  /** How many URIs take a token. */
  int uriCount() {
    return joins.length;
  }

  /** The rendered size with a token of {@code tokenBytes} bytes (0: no token is spliced). */
  int renderedLength(int tokenBytes) {
    return tokenBytes == 0 ? literalBytes : literalBytes + joins.length * (TOKEN_AFTER_PATH.length + tokenBytes);
  }

  /** Writes the playlist with {@code token} after every URI; an empty token writes the file as it was. */
  void renderTo(ByteBuf out, byte[] token) {
    for (int i = 0; i < joins.length; i++) {
      out.writeBytes(literals[i]);
      if (token.length > 0) {
        out.writeBytes(joins[i]).writeBytes(token);
      }
    }
    out.writeBytes(literals[joins.length]);
  }

  private static final class Splitter {
    final StringBuilder text = new StringBuilder();
    final List<byte[]> literals = new ArrayList<>();
    final List<byte[]> joins = new ArrayList<>();

    void line(String line) {
      if (line.startsWith("#")) {
        tag(line);
      } else if (!line.isBlank()) {
        text.append(line);
        cut(line);
      } else {
        text.append(line);
      }
    }

    /**
     * Walks a tag's attribute-list (RFC 8216 §4.2) attribute by attribute and cuts after the value of each one named
     * exactly {@code URI}, so that {@code URI="} inside a quoted value, in another attribute's name (an interstitial's
     * {@code X-ASSET-URI}, which points elsewhere) or in a comment never takes a token. The walk stops where the list
     * is malformed.
     */
    private void tag(String line) {
      int from = 0;
      int colon = line.startsWith("#EXT") ? line.indexOf(':') : -1;
      int i = colon < 0 ? line.length() : colon + 1;
      while (i < line.length()) {
        int eq = line.indexOf('=', i);
        if (eq < 0) {
          break;
        }
        int end;
        if (eq + 1 < line.length() && line.charAt(eq + 1) == '"') {
          int close = line.indexOf('"', eq + 2);
          if (close < 0) {
            break;
          }
          if (eq - i == 3 && line.startsWith("URI", i)) {
            text.append(line, from, close);
            cut(line.substring(eq + 2, close));
            from = close;
          }
          end = close + 1;
        } else {
          int comma = line.indexOf(',', eq);
          end = comma < 0 ? line.length() : comma;
        }
        if (end >= line.length() || line.charAt(end) != ',') {
          break;
        }
        i = end + 1;
      }
      text.append(line, from, line.length());
    }

    private void cut(String uri) {
      literals.add(text.toString().getBytes(StandardCharsets.UTF_8));
      text.setLength(0);
      joins.add(uri.indexOf('?') >= 0 ? TOKEN_AFTER_QUERY : TOKEN_AFTER_PATH);
    }

    PlaylistTemplate build() {
      literals.add(text.toString().getBytes(StandardCharsets.UTF_8));
      return new PlaylistTemplate(literals, joins);
    }
  }
}
