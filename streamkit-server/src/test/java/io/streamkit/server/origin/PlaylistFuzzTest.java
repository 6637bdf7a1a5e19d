package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.streamkit.core.token.PlaybackClaims;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@code .m3u8} file served as {@link PlaylistCache} and {@link PlaylistHandler} serve it: a master playlist becomes
 * a session manifest ({@link MasterPlaylist}), anything else is a media playlist ({@link PlaylistTemplate}), each with
 * the viewer's token spliced in. The input's first line is {@code <max height> <token>} (the token keeps only the
 * characters a verified token has), the rest is the file; bytes that are not UTF-8 are skipped, as the cache refuses
 * them.
 *
 * <p>What must hold for any file. The splice never breaks: the rendered size is the one announced, rendering without
 * a token gives back the file (line ends as LF), and with a token every line is the file's line with
 * {@code ?token=} ({@code &token=} after a query) spliced in after each URI and nowhere else. URIs are the lines that
 * are not tags, comments or blank, and the values of the attributes named exactly {@code URI} in a tag's
 * attribute-list (RFC 8216 §4.1, §4.2; read here by a strict parser of its own). A session manifest lists only
 * variants and I-frame streams whose {@code RESOLUTION} fits the viewer's cap, lists every one that does (variants
 * in the file's order when the order is left alone, then the I-frame streams), invents no line, and
 * {@link MasterPlaylist#deniedDirectories} refuses exactly the directories that hold only taller streams.
 */
class PlaylistFuzzTest {

  private static final UnpooledByteBufAllocator ALLOC = new UnpooledByteBufAllocator(false);
  private static final VariantOrder FILE_ORDER = (allowed, claims) -> allowed;
  private static final VariantOrder POLICY_ORDER = new PolicyVariantOrder();
  private static final byte[] NO_TOKEN = new byte[0];

  @FuzzTest
  void serve(byte[] input) {
    int newline = indexOf(input, (byte) '\n');
    String first = new String(input, 0, Math.max(newline, 0), StandardCharsets.ISO_8859_1);
    String text = utf8(input, newline + 1);
    if (text == null) {
      return;
    }
    int space = first.indexOf(' ');
    int cap = capOf(space < 0 ? first : first.substring(0, space));
    String token = (space < 0 ? "" : first.substring(space + 1)).replaceAll("[^A-Za-z0-9._-]", "");

    if (MasterPlaylist.isMaster(text)) {
      master(text, cap, token);
    } else {
      media(text, token);
    }
  }

  private static void media(String text, String token) {
    PlaylistTemplate template = PlaylistTemplate.parse(text);
    String plain = render(template, NO_TOKEN);
    assertThat(plain).as("rendered without a token").isEqualTo(text.replace("\r\n", "\n"));
    byte[] tokenBytes = token.getBytes(StandardCharsets.US_ASCII);
    String spliced = render(template, tokenBytes);
    if (token.isEmpty()) {
      return;
    }
    String[] lines = plain.split("\n", -1);
    String[] out = spliced.split("\n", -1);
    assertThat(out).hasSameSizeAs(lines);
    int uris = 0;
    for (int i = 0; i < lines.length; i++) {
      List<Integer> at = uriEnds(lines[i]);
      if (at == null) {
        int inserted = insertedTokens(out[i], lines[i], token);
        assertThat(inserted).as("line %d: only tokens added to %s, got %s", i + 1, lines[i], out[i])
            .isGreaterThanOrEqualTo(0);
        uris += inserted;
      } else {
        assertThat(out[i]).as("line %d: %s", i + 1, lines[i]).isEqualTo(splice(lines[i], at, token));
        uris += at.size();
      }
    }
    assertThat(template.uriCount()).isEqualTo(uris);
  }

  private static void master(String text, int cap, String token) {
    MasterPlaylist master = MasterPlaylist.parse(text);
    PlaybackClaims claims = PlaybackClaims.builder().title("t").expiresAt(Instant.EPOCH).maxHeight(cap).build();
    String mine = renderMaster(master, claims, FILE_ORDER, NO_TOKEN);
    String policy = renderMaster(master, claims, POLICY_ORDER, NO_TOKEN);

    List<Stream> file = fileStreams(text);
    List<Stream> expected = file.stream().filter(s -> s.known() && fits(s, cap))
        .sorted(Comparator.comparing(Stream::iframe)).toList();
    if (mine == null) {
      assertThat(expected).as("a variant fits a cap of %d, yet no manifest", cap).allMatch(Stream::iframe);
      assertThat(policy).isNull();
      return;
    }
    Set<String> fileLines = new HashSet<>();
    for (String line : text.split("\r?\n")) {
      fileLines.add(line.strip());
    }
    for (String line : mine.split("\n")) {
      assertThat(fileLines).as("a line the file does not have").contains(line);
    }
    List<Stream> listed = fileStreams(mine);
    assertThat(listed).as("streams for a cap of %d", cap).allMatch(s -> !s.known() || fits(s, cap));
    assertThat(listed.stream().filter(Stream::known).toList()).as("streams for a cap of %d", cap)
        .isEqualTo(expected);
    assertThat(policy).as("the policy's order").isNotNull();
    assertThat(fileStreams(policy).stream().filter(Stream::known).map(Stream::tag))
        .as("the policy's order lists only allowed streams")
        .allMatch(tag -> expected.stream().anyMatch(s -> s.tag().equals(tag)));

    Set<String> denied = master.deniedDirectories(cap);
    // A stream that is not known (an attribute named twice) has no one URI to check: the server reads the last.
    for (Stream s : listed.stream().filter(Stream::known).toList()) {
      assertThat(denied).as("directory of a listed stream, cap %d", cap)
          .doesNotContain(MasterPlaylist.directoryOf(s.uri()));
    }
    Set<String> mayBeAllowed = new HashSet<>();
    for (Stream s : file) {
      if (fits(s, cap)) {
        mayBeAllowed.add(MasterPlaylist.directoryOf(s.uri()));
      }
      for (int at = s.tag().indexOf("URI=\""); !s.known() && at >= 0; at = s.tag().indexOf("URI=\"", at + 1)) {
        int close = s.tag().indexOf('"', at + 5);
        mayBeAllowed.add(MasterPlaylist.directoryOf(s.tag().substring(at + 5, close < 0 ? s.tag().length() : close)));
      }
      // An unknown stream's unquoted URI= value (up to the next comma) may be read as its URI too.
      for (int at = s.tag().indexOf("URI="); !s.known() && at >= 0; at = s.tag().indexOf("URI=", at + 1)) {
        int comma = s.tag().indexOf(',', at + 4);
        mayBeAllowed.add(MasterPlaylist.directoryOf(s.tag().substring(at + 4, comma < 0 ? s.tag().length() : comma)));
      }
    }
    for (Stream s : file) {
      String directory = MasterPlaylist.directoryOf(s.uri());
      if (s.known() && fits(s, cap)) {
        assertThat(denied).as("directories refused for a cap of %d", cap).doesNotContain(directory);
      } else if (s.known() && !mayBeAllowed.contains(directory) && !directory.isEmpty()) {
        assertThat(denied).as("directories refused for a cap of %d", cap).contains(directory);
      }
    }

    if (!token.isEmpty()) {
      String spliced = renderMaster(master, claims, FILE_ORDER, token.getBytes(StandardCharsets.US_ASCII));
      String[] lines = mine.split("\n", -1);
      String[] out = spliced.split("\n", -1);
      assertThat(out).hasSameSizeAs(lines);
      for (int i = 0; i < lines.length; i++) {
        List<Integer> at = uriEnds(lines[i]);
        if (at != null) {
          assertThat(out[i]).as("line %d: %s", i + 1, lines[i]).isEqualTo(splice(lines[i], at, token));
        }
      }
    }
  }

  /**
   * One EXT-X-STREAM-INF with its URI line (the next line that is not blank or a tag, RFC 8216 §4.3.4.2) or one
   * EXT-X-I-FRAME-STREAM-INF, lines stripped; {@code known} when its attribute-list is well-formed (no name twice) and
   * its {@code RESOLUTION}, if any, a decimal-resolution, so that its height is beyond doubt.
   */
  private record Stream(boolean iframe, String tag, String uri, Long height, boolean known) {}

  private static List<Stream> fileStreams(String text) {
    List<Stream> out = new ArrayList<>();
    String[] lines = text.split("\r?\n");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      boolean variant = line.startsWith("#EXT-X-STREAM-INF:");
      if (!variant && !line.startsWith("#EXT-X-I-FRAME-STREAM-INF:")) {
        continue;
      }
      List<Attribute> attributes = attributeList(line.substring(line.indexOf(':') + 1));
      String uri = uriAttribute(attributes);
      if (variant) {
        int next = i + 1;
        while (next < lines.length && (lines[next].isBlank() || lines[next].strip().startsWith("#"))) {
          next++;
        }
        if (next == lines.length) {
          continue;
        }
        uri = lines[next].strip();
        i = next;
      }
      boolean resolution = attributes != null && attributes.stream().anyMatch(a -> a.name().equals("RESOLUTION"));
      // RFC 8216 §4.2: an attribute-list MUST NOT name an attribute twice; which URI or RESOLUTION such a line means
      // is anyone's guess, so its stream is not known.
      boolean unique = attributes != null
          && attributes.stream().map(Attribute::name).distinct().count() == attributes.size();
      Long height = height(attributes);
      out.add(new Stream(!variant, line, uri, height, unique && (!resolution || height != null)));
    }
    return out;
  }

  private static boolean fits(Stream s, int cap) {
    return cap == 0 || s.height() == null || s.height() <= cap;
  }

  /** The height of a well-formed {@code RESOLUTION} (RFC 8216 §4.2 decimal-resolution), else {@code null}. */
  private static Long height(List<Attribute> attributes) {
    if (attributes == null) {
      return null;
    }
    Long height = null;
    for (Attribute a : attributes) {
      if (a.name().equals("RESOLUTION")) {
        int x = a.value().indexOf('x');
        String w = x < 0 ? "" : a.value().substring(0, x);
        String h = x < 0 ? "" : a.value().substring(x + 1);
        height = !a.quoted() && decimal(w) && decimal(h) ? parseDecimal(h) : null;
      }
    }
    return height;
  }

  private static String uriAttribute(List<Attribute> attributes) {
    if (attributes != null) {
      for (Attribute a : attributes) {
        if (a.name().equals("URI")) {
          return a.value();
        }
      }
    }
    return "";
  }

  private static boolean decimal(String text) {
    return !text.isEmpty() && text.length() <= 20 && text.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  private static long parseDecimal(String digits) {
    return digits.length() > 18 ? Long.MAX_VALUE : Long.parseLong(digits);
  }

  /** An attribute of an attribute-list, with where its value ends (the closing quote of a quoted-string). */
  private record Attribute(String name, String value, boolean quoted, int end) {}

  /**
   * RFC 8216 §4.2: {@code AttributeName=AttributeValue} pairs separated by commas, names of {@code [A-Z0-9-]}, values
   * quoted-strings (no quote, CR or LF inside) or runs without commas, quotes or whitespace; {@code null} when the text
   * is not one.
   */
  private static List<Attribute> attributeList(String text) {
    List<Attribute> out = new ArrayList<>();
    int i = 0;
    while (true) {
      int nameStart = i;
      while (i < text.length() && (Character.isDigit(text.charAt(i)) && text.charAt(i) < 128
          || (text.charAt(i) >= 'A' && text.charAt(i) <= 'Z') || text.charAt(i) == '-')) {
        i++;
      }
      if (i == nameStart || i == text.length() || text.charAt(i) != '=') {
        return null;
      }
      String name = text.substring(nameStart, i++);
      if (i < text.length() && text.charAt(i) == '"') {
        int close = text.indexOf('"', i + 1);
        if (close < 0) {
          return null;
        }
        out.add(new Attribute(name, text.substring(i + 1, close), true, close));
        i = close + 1;
      } else {
        int valueStart = i;
        while (i < text.length() && text.charAt(i) != ',' && text.charAt(i) != '"' && text.charAt(i) > ' ') {
          i++;
        }
        if (i == valueStart) {
          return null;
        }
        out.add(new Attribute(name, text.substring(valueStart, i), false, i));
      }
      if (i == text.length()) {
        return out;
      }
      if (text.charAt(i++) != ',') {
        return null;
      }
    }
  }

  /**
   * Where a token goes in a line: the end of a URI line, before the closing quote of each {@code URI} attribute of a
   * tag, nowhere in a tag without attributes, a comment or a blank line; {@code null} when the tag's attributes are
   * not a well-formed attribute-list, or the line holds a control character (RFC 8216 section 4.1 forbids them, a
   * lone CR included, so no reading of such a line is the right one): then no position is required, only that
   * nothing else changes.
   */
  private static List<Integer> uriEnds(String line) {
    if (line.isBlank()) {
      return List.of();
    }
    if (line.chars().anyMatch(c -> c < 0x20 && c != '\t' || c >= 0x7f && c <= 0x9f)) {
      return null;
    }
    if (!line.startsWith("#")) {
      return List.of(line.length());
    }
    int colon = line.indexOf(':');
    if (!line.startsWith("#EXT") || colon < 0) {
      return List.of();
    }
    List<Attribute> attributes = attributeList(line.substring(colon + 1));
    if (attributes == null) {
      return null;
    }
    List<Integer> at = new ArrayList<>();
    for (Attribute a : attributes) {
      if (a.name().equals("URI") && a.quoted()) {
        at.add(colon + 1 + a.end());
      }
    }
    return at;
  }

  private static String splice(String line, List<Integer> at, String token) {
    StringBuilder out = new StringBuilder();
    int from = 0;
    for (int end : at) {
      String uri = line.substring(line.startsWith("#") ? line.lastIndexOf('"', end - 1) + 1 : 0, end);
      out.append(line, from, end).append(uri.indexOf('?') >= 0 ? "&token=" : "?token=").append(token);
      from = end;
    }
    return out.append(line.substring(from)).toString();
  }

  /**
   * How many {@code ?token=} / {@code &token=} splices turn {@code line} into {@code out}, or -1 when {@code out}
   * differs otherwise. Matched character by character rather than by deleting every {@code ?token=...} from
   * {@code out}, which would also delete one the file itself holds.
   */
  private static int insertedTokens(String out, String line, String token) {
    return insertedTokens(out, 0, line, 0, "?token=" + token, "&token=" + token, new HashMap<>());
  }

  /** Either the next characters agree, or a splice starts here in {@code out}; both are tried (memoised). */
  private static int insertedTokens(String out, int j, String line, int i, String afterPath, String afterQuery,
      Map<Long, Integer> memo) {
    if (j == out.length()) {
      return i == line.length() ? 0 : -1;
    }
    long key = (long) i * (out.length() + 1) + j;
    Integer known = memo.get(key);
    if (known != null) {
      return known;
    }
    int result = -1;
    if (i < line.length() && out.charAt(j) == line.charAt(i)) {
      result = insertedTokens(out, j + 1, line, i + 1, afterPath, afterQuery, memo);
    }
    if (result < 0 && (out.startsWith(afterPath, j) || out.startsWith(afterQuery, j))) {
      int rest = insertedTokens(out, j + afterPath.length(), line, i, afterPath, afterQuery, memo);
      result = rest < 0 ? -1 : rest + 1;
    }
    memo.put(key, result);
    return result;
  }


  private static String render(PlaylistTemplate template, byte[] token) {
    ByteBuf out = ALLOC.buffer();
    try {
      template.renderTo(out, token);
      assertThat(out.readableBytes()).as("announced length").isEqualTo(template.renderedLength(token.length));
      return out.toString(StandardCharsets.UTF_8);
    } finally {
      out.release();
    }
  }

  private static String renderMaster(MasterPlaylist master, PlaybackClaims claims, VariantOrder order, byte[] token) {
    ByteBuf out = master.render(ALLOC, claims, order, token);
    if (out == null) {
      return null;
    }
    try {
      return out.toString(StandardCharsets.UTF_8);
    } finally {
      out.release();
    }
  }

  private static int capOf(String text) {
    return text.matches("[0-9]{1,4}") ? Math.min(Integer.parseInt(text), PlaybackClaims.MAX_HEIGHT_LIMIT) : 0;
  }

  private static int indexOf(byte[] bytes, byte b) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }

  private static String utf8(byte[] bytes, int from) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, Math.min(from, bytes.length), bytes.length - Math.min(from, bytes.length)))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
