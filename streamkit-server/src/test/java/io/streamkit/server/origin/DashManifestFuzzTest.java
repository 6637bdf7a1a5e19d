package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.streamkit.core.token.PlaybackClaims;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * A {@code manifest.mpd} served as {@link PlaylistCache} and {@link PlaylistHandler} serve it
 * ({@link DashManifestTemplate}). The input's first line is {@code <max height> <token>} (the token keeps only the
 * characters a verified token has), the rest is the file.
 *
 * <p>What must hold for any file: it is refused with an {@link IllegalArgumentException} (never another exception),
 * or it renders as well-formed XML. Rendered without a token and cap, it holds the same elements, attributes and
 * text as the file read by the JDK's DOM parser. Rendered with a token and cap, every URL (SegmentTemplate,
 * SegmentURL and URLType attributes, BaseURL text) ends with the token, and no Representation taller than the cap
 * is left; when nothing is rendered, the file lists video and the cap allows none of it.
 */
class DashManifestFuzzTest {

  private static final UnpooledByteBufAllocator ALLOC = new UnpooledByteBufAllocator(false);

  @FuzzTest
  void serve(byte[] input) throws Exception {
    int newline = indexOf(input, (byte) '\n');
    String first = new String(input, 0, Math.max(newline, 0), StandardCharsets.ISO_8859_1);
    byte[] file = Arrays.copyOfRange(input, newline + 1, input.length);
    int space = first.indexOf(' ');
    int cap = capOf(space < 0 ? first : first.substring(0, space));
    String token = (space < 0 ? "" : first.substring(space + 1)).replaceAll("[^A-Za-z0-9._-]", "");
    if (token.isEmpty()) {
      token = "t0k.en";
    }

    DashManifestTemplate template;
    try {
      template = DashManifestTemplate.parse(file);
    } catch (IllegalArgumentException refused) {
      return;
    }
    String plain = render(template, 0, "");
    Document rendered = DashWalk.parse(plain.getBytes(StandardCharsets.UTF_8));
    Document original = readable(file);
    if (original != null) {
      assertThat(describe(rendered.getDocumentElement())).isEqualTo(describe(original.getDocumentElement()));
    }

    String spliced = render(template, cap, token);
    if (spliced == null) {
      List<Integer> heights = heights(rendered.getDocumentElement(), 0, new ArrayList<>());
      assertThat(heights).as("no manifest although a video Representation fits").isNotEmpty()
          .allMatch(h -> h > cap);
      return;
    }
    Element root = DashWalk.parse(spliced.getBytes(StandardCharsets.UTF_8)).getDocumentElement();
    assertThat(heights(root, 0, new ArrayList<>())).allMatch(h -> cap == 0 || h <= cap);
    for (String url : urls(root, new ArrayList<>())) {
      assertThat(url).endsWith("token=" + token);
    }
  }

  private static final byte[] DIRECTORY = "/titles/t/".getBytes(StandardCharsets.US_ASCII);

  private static String render(DashManifestTemplate template, int cap, String token) {
    PlaybackClaims.Builder claims = PlaybackClaims.builder().viewer("v").title("t")
        .expiresAt(Instant.now().plusSeconds(60));
    if (cap > 0) {
      claims.maxHeight(cap);
    }
    ByteBuf out = template.render(ALLOC, claims.build(), token.getBytes(StandardCharsets.US_ASCII),
        DIRECTORY);
    if (out == null) {
      return null;
    }
    try {
      return out.toString(StandardCharsets.UTF_8);
    } finally {
      out.release();
    }
  }

  /** The file as the JDK's DOM parser reads it, or null where it refuses it. */
  private static Document readable(byte[] file) {
    try {
      return DashWalk.parse(file);
    } catch (Exception e) {
      return null;
    }
  }

  /** Elements with their attributes and text, comments and processing instructions left out. */
  private static String describe(Node node) {
    StringBuilder out = new StringBuilder();
    if (node instanceof Element e) {
      out.append('<').append(e.getNamespaceURI()).append(' ').append(e.getLocalName());
      List<String> attributes = new ArrayList<>();
      for (int i = 0; i < e.getAttributes().getLength(); i++) {
        Node a = e.getAttributes().item(i);
        attributes.add(a.getNamespaceURI() + " " + a.getLocalName() + "=" + a.getNodeValue());
      }
      attributes.sort(null);
      out.append(attributes).append('>');
      for (Node child = e.getFirstChild(); child != null; child = child.getNextSibling()) {
        out.append(describe(child));
      }
      out.append("</>");
    } else if (node.getNodeType() == Node.TEXT_NODE || node.getNodeType() == Node.CDATA_SECTION_NODE) {
      out.append(node.getNodeValue());
    }
    return out.toString();
  }

  private static List<Integer> heights(Element e, int inherited, List<Integer> out) {
    boolean dash = DashManifestTemplate.NAMESPACE.equals(e.getNamespaceURI());
    int height = inherited;
    String name = e.getLocalName();
    if (dash && (name.equals("Representation") || name.equals("AdaptationSet")) && e.hasAttribute("height")) {
      height = parse(e.getAttribute("height"));
    }
    if (dash && name.equals("Representation") && height > 0) {
      out.add(height);
    }
    for (Node child = e.getFirstChild(); child != null; child = child.getNextSibling()) {
      if (child instanceof Element c) {
        heights(c, height, out);
      }
    }
    return out;
  }

  private static List<String> urls(Element e, List<String> out) {
    if (DashManifestTemplate.NAMESPACE.equals(e.getNamespaceURI())) {
      List<String> names = switch (e.getLocalName()) {
        case "SegmentTemplate" -> List.of("initialization", "media", "index", "bitstreamSwitching");
        case "SegmentURL" -> List.of("media", "index");
        case "Initialization", "RepresentationIndex", "BitstreamSwitching" -> List.of("sourceURL");
        default -> List.of();
      };
      for (String name : names) {
        if (e.hasAttributeNS(null, name) && !e.getAttributeNS(null, name).isBlank()) {
          out.add(e.getAttributeNS(null, name));
        }
      }
      if (e.getLocalName().equals("BaseURL") && !e.getTextContent().isBlank() && hasOnlyText(e)) {
        out.add(e.getTextContent().strip());
      }
    }
    for (Node child = e.getFirstChild(); child != null; child = child.getNextSibling()) {
      if (child instanceof Element c) {
        urls(c, out);
      }
    }
    return out;
  }

  private static boolean hasOnlyText(Element e) {
    for (Node child = e.getFirstChild(); child != null; child = child.getNextSibling()) {
      if (child.getNodeType() != Node.TEXT_NODE) {
        return false;
      }
    }
    return true;
  }

  private static int parse(String value) {
    try {
      return Math.max(0, Integer.parseInt(value.strip()));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static int capOf(String text) {
    try {
      int cap = Integer.parseInt(text.strip());
      return cap >= 1 && cap <= 8640 ? cap : 0;
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static int indexOf(byte[] bytes, byte b) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }
}
