package io.streamkit.server.origin;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.streamkit.core.token.PlaybackClaims;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * A DASH Media Presentation Description (ISO/IEC 23009-1) taken apart for session manifests, as {@link MasterPlaylist}
 * takes apart a master playlist: read once per file version, rendered per request by splicing the viewer's token after
 * every URL and leaving out the Representations their claims do not allow.
 *
 * <p>Reading: the JDK's StAX parser, namespace-aware, with DTDs refused and external entities off (an MPD never has a
 * DOCTYPE, and a manifest that declared entities could make the origin read files or URLs: XXE). The document is
 * written back as UTF-8 XML, attribute by attribute; the output means the same as the input (comments and
 * ignorable whitespace kept, entity and character references written as escapes).
 *
 * <p>URLs that take the token: the {@code initialization}, {@code media}, {@code index} and
 * {@code bitstreamSwitching} attributes of {@code SegmentTemplate} (§5.3.9.4), the {@code sourceURL} of
 * {@code Initialization}, {@code RepresentationIndex} and {@code BitstreamSwitching} and the {@code media} and
 * {@code index} of {@code SegmentURL} (§5.3.9.2 and §5.3.9.3, URLType), and the text of {@code BaseURL} (§5.6). The
 * token goes after the URL as {@code ?token=...}, or {@code &token=...} (escaped as {@code &amp;}) when the URL has
 * a query; relative URLs resolve against the MPD's URL without its query (RFC 3986 §5.2), so without the splice a
 * player's segment requests would carry no token. A verified token is a JWS in compact form (Base64url and dots),
 * so it needs no XML escaping and holds no {@code $}, which a SegmentTemplate would read as an identifier (§5.3.9.4.4).
 *
 * <p>Licence URLs: the text of a {@code Laurl} in a {@code ContentProtection} (DASH-IF IOP, namespace
 * {@value #DASHIF_NAMESPACE}, and the older Clear Key namespace {@value #CLEAR_KEY_NAMESPACE}) takes the token too,
 * since a licence request passes the same gate as a key request. Players send the licence request to that URL as
 * it is, without resolving it against the MPD's URL (dash.js and Shaka Player both), so a relative one is made
 * path-absolute with the manifest's directory ({@code keys/clearkey} in {@code /titles/t/manifest.mpd} becomes
 * {@code /titles/t/keys/clearkey}).
 *
 * <p>Height caps: a Representation's {@code @height} (or its Adaptation Set's, §5.3.7 common attributes) is compared
 * with the token's {@code max_height} exactly as the master playlist's variants are; Representations above it are left
 * out, and an Adaptation Set left with none is left out too (§5.3.3.1: an Adaptation Set holds one or more
 * Representations). Audio and text Representations have no height and always stay. When the manifest lists video
 * Representations and the cap allows none of them, there is no manifest to give ({@link #render} returns null), as
 * for a master playlist. Order is not a choice here: Representations of an Adaptation Set are alternatives the client
 * picks among (§5.3.5.1), so the {@link VariantOrder} of HLS session manifests has no DASH counterpart.
 */
final class DashManifestTemplate {

  static final String NAMESPACE = "urn:mpeg:dash:schema:mpd:2011";
  static final String DASHIF_NAMESPACE = "https://dashif.org/CPS";
  static final String CLEAR_KEY_NAMESPACE = "http://dashif.org/guidelines/clearKey";
  private static final Set<String> TEMPLATE_URLS = Set.of("initialization", "media", "index", "bitstreamSwitching");
  private static final Set<String> URL_TYPE_ELEMENTS = Set.of("Initialization", "RepresentationIndex",
      "BitstreamSwitching");
  private static final Set<String> SEGMENT_URL_ATTRIBUTES = Set.of("media", "index");
  private static final Set<String> BOUNDS = Set.of("maxWidth", "maxHeight", "maxBandwidth", "maxFrameRate");
  private static final byte[] TOKEN_AFTER_PATH = "?token=".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TOKEN_AFTER_QUERY = "&amp;token=".getBytes(StandardCharsets.US_ASCII);

  private sealed interface Part permits Literal, Token, Bound, Group, Directory {}

  /** Where a relative licence URL starts: the manifest's directory goes here. */
  private record Directory() implements Part {}

  private record Literal(byte[] bytes) implements Part {}

  /**
   * An Adaptation Set's {@code @maxWidth}, {@code @maxHeight}, {@code @maxBandwidth} or {@code @maxFrameRate}
   * (§5.3.3.2): true of every Representation listed, so left out when the cap leaves out one of them.
   */
  private record Bound(byte[] bytes) implements Part {}

  /** The place after a URL where the token goes, with what joins it to the URL. */
  private record Token(byte[] join) implements Part {}

  /**
   * An element written or left out as a whole: a Representation (with its height, 0 when it has none) or an
   * Adaptation Set (left out when every Representation in it is).
   */
  private record Group(boolean adaptationSet, int height, List<Part> parts) implements Part {}

  private final List<Part> parts;
  /** The shortest video Representation, or 0 when the manifest lists none. */
  private final int shortestVideo;
  private final int urlCount;

  private DashManifestTemplate(List<Part> parts, int shortestVideo, int urlCount) {
    this.parts = parts;
    this.shortestVideo = shortestVideo;
    this.urlCount = urlCount;
  }

  /** Whether {@code text} is an XML document rather than a playlist (which starts with {@code #EXTM3U}). */
  static boolean isManifest(String text) {
    return text.stripLeading().startsWith("<");
  }

  /**
   * Reads an MPD.
   *
   * @throws IllegalArgumentException if it is not well-formed XML, has a DOCTYPE, or its root is not an {@code MPD}
   */
  static DashManifestTemplate parse(byte[] xml) {
    // The JDK's own parser, whatever StAX implementation a dependency puts on the class path.
    XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
    factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    factory.setProperty(XMLInputFactory.IS_COALESCING, true);
    factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
    factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    XMLStreamReader reader = null;
    try {
      reader = factory.createXMLStreamReader(new ByteArrayInputStream(xml));
      return new Writer().read(reader);
    } catch (XMLStreamException e) {
      throw new IllegalArgumentException("not well-formed XML ("
          + String.valueOf(e.getMessage()).replaceAll("\\s+", " ") + ")", e);
    } finally {
      if (reader != null) {
        try {
          reader.close();
        } catch (XMLStreamException ignored) {
          // nothing was opened that the reader owns
        }
      }
    }
  }

  /** How many URLs take a token. */
  int urlCount() {
    return urlCount;
  }

  /**
   * Renders the session manifest.
   *
   * @param claims the viewer's claims, or {@code null} when the origin serves without tokens
   * @param token the token to splice after every URL; empty to write the URLs as they are
   * @param directory the manifest's directory as a path-absolute URL ending in {@code /}, which relative licence URLs
   *     are resolved against
   * @return the manifest, or {@code null} when it lists video and the claims allow none of it
   */
  ByteBuf render(ByteBufAllocator alloc, PlaybackClaims claims, byte[] token, byte[] directory) {
    int cap = claims == null ? 0 : claims.maxHeight().orElse(0);
    if (shortestVideo > 0 && !allows(cap, shortestVideo)) {
      return null;
    }
    ByteBuf out = alloc.buffer();
    write(out, parts, cap, token, directory, true);
    return out;
  }

  private static void write(ByteBuf out, List<Part> parts, int cap, byte[] token, byte[] directory,
      boolean bounds) {
    for (Part part : parts) {
      if (part instanceof Literal literal) {
        out.writeBytes(literal.bytes());
      } else if (part instanceof Directory) {
        out.writeBytes(directory);
      } else if (part instanceof Token t) {
        if (token.length > 0) {
          out.writeBytes(t.join()).writeBytes(token);
        }
      } else if (part instanceof Bound bound) {
        if (bounds) {
          out.writeBytes(bound.bytes());
        }
      } else if (part instanceof Group group) {
        int listed = 0;
        int kept = 0;
        for (Part child : group.parts()) {
          if (child instanceof Group representation && !representation.adaptationSet()) {
            listed++;
            kept += allows(cap, representation.height()) ? 1 : 0;
          }
        }
        boolean shown = group.adaptationSet() ? listed == 0 || kept > 0 : allows(cap, group.height());
        if (shown) {
          write(out, group.parts(), cap, token, directory, kept == listed);
        }
      }
    }
  }

  private static boolean allows(int cap, int height) {
    return cap == 0 || height == 0 || height <= cap;
  }

  private enum GroupKind { NONE, REPRESENTATION, ADAPTATION_SET }

  private record OpenElement(GroupKind group, int height) {}

  /** Writes the document back while reading it, cutting after each URL and grouping the elements a cap may drop. */
  private static final class Writer {
    private final StringBuilder text = new StringBuilder();
    private final Deque<List<Part>> open = new ArrayDeque<>();
    /** For each open element: the group it starts, if any, and the height its Representations inherit. */
    private final Deque<OpenElement> elements = new ArrayDeque<>();
    private int shortestVideo;
    private int urlCount;
    private boolean startTagOpen;
    private boolean inBaseUrl;
    private boolean inLicenseUrl;

    Writer() {
      open.push(new ArrayList<>());
    }

    DashManifestTemplate read(XMLStreamReader r) throws XMLStreamException {
      text.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
      boolean root = true;
      while (r.hasNext()) {
        int event = next(r);
        if (event != XMLStreamConstants.END_ELEMENT) {
          closeStartTag();
        }
        switch (event) {
          case XMLStreamConstants.START_ELEMENT -> {
            if (root && !(r.getLocalName().equals("MPD"))) {
              throw new IllegalArgumentException("the root element is " + r.getLocalName() + ", not MPD");
            }
            root = false;
            startElement(r);
          }
          case XMLStreamConstants.END_ELEMENT -> endElement(r);
          case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> characters(r);
          case XMLStreamConstants.COMMENT -> text.append("<!--").append(r.getText()).append("-->");
          case XMLStreamConstants.PROCESSING_INSTRUCTION -> text.append("<?").append(r.getPITarget())
              .append(r.getPIData() == null || r.getPIData().isEmpty() ? "" : " " + r.getPIData()).append("?>");
          case XMLStreamConstants.DTD -> throw new IllegalArgumentException("an MPD has no DOCTYPE; remove it");
          case XMLStreamConstants.ENTITY_REFERENCE -> throw new IllegalArgumentException(
              "an MPD declares no entities; remove &" + r.getLocalName() + ";");
          default -> {
            // START_DOCUMENT and END_DOCUMENT: the declaration is written above, in UTF-8.
          }
        }
      }
      if (root) {
        throw new IllegalArgumentException("the document has no MPD element");
      }
      cutLiteral();
      return new DashManifestTemplate(List.copyOf(open.pop()), shortestVideo, urlCount);
    }

    /**
     * The next event. The JDK's parser reports some malformed input as an unchecked exception (a control character in
     * a DOCTYPE makes it look up a message it does not have: {@code MissingResourceException}); that is bad input too.
     */
    private static int next(XMLStreamReader r) throws XMLStreamException {
      try {
        return r.next();
      } catch (XMLStreamException | IllegalArgumentException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new XMLStreamException(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
      }
    }

    private void startElement(XMLStreamReader r) {
      String name = r.getLocalName();
      boolean dash = NAMESPACE.equals(r.getNamespaceURI());
      int inherited = elements.isEmpty() ? 0 : elements.peek().height();
      boolean representation = dash && name.equals("Representation");
      boolean adaptationSet = dash && name.equals("AdaptationSet");
      int height = inherited;
      if (representation || adaptationSet) {
        String declared = r.getAttributeValue(null, "height");
        if (declared != null) {
          height = parseHeight(declared);
        }
        openGroup();
        if (representation && height > 0) {
          shortestVideo = shortestVideo == 0 ? height : Math.min(shortestVideo, height);
        }
      }
      elements.push(new OpenElement(representation ? GroupKind.REPRESENTATION
          : adaptationSet ? GroupKind.ADAPTATION_SET : GroupKind.NONE, height));
      text.append('<').append(qualified(r.getPrefix(), name));
      for (int i = 0; i < r.getNamespaceCount(); i++) {
        String prefix = r.getNamespacePrefix(i);
        text.append(' ').append(prefix == null || prefix.isEmpty() ? "xmlns" : "xmlns:" + prefix).append("=\"");
        // xmlns="" (undeclaring the default namespace) reads as a null URI.
        String uri = r.getNamespaceURI(i);
        escape(uri == null ? "" : uri, true);
        text.append('"');
      }
      for (int i = 0; i < r.getAttributeCount(); i++) {
        String attribute = r.getAttributeLocalName(i);
        boolean unqualified = r.getAttributePrefix(i) == null || r.getAttributePrefix(i).isEmpty();
        if (unqualified && attribute.equals("xmlns") || "xmlns".equals(r.getAttributePrefix(i))) {
          // A namespace declaration the parser also reports as an attribute (it does so for XML 1.1 documents) is
          // written once, with the namespaces above.
          continue;
        }
        String value = r.getAttributeValue(i);
        if (adaptationSet && unqualified && BOUNDS.contains(attribute)) {
          cutLiteral();
          text.append(' ').append(attribute).append("=\"");
          escape(value, true);
          text.append('"');
          open.peek().add(new Bound(text.toString().getBytes(StandardCharsets.UTF_8)));
          text.setLength(0);
          continue;
        }
        text.append(' ').append(qualified(r.getAttributePrefix(i), attribute)).append("=\"");
        escape(value, true);
        if (dash && unqualified && isUrl(name, attribute) && !value.isBlank()) {
          cut(value);
        }
        text.append('"');
      }
      startTagOpen = true;
      inBaseUrl = dash && name.equals("BaseURL");
      inLicenseUrl = name.equals("Laurl") && (DASHIF_NAMESPACE.equals(r.getNamespaceURI())
          || CLEAR_KEY_NAMESPACE.equals(r.getNamespaceURI()));
    }

    private static boolean isUrl(String element, String attribute) {
      return element.equals("SegmentTemplate") && TEMPLATE_URLS.contains(attribute)
          || URL_TYPE_ELEMENTS.contains(element) && attribute.equals("sourceURL")
          || element.equals("SegmentURL") && SEGMENT_URL_ATTRIBUTES.contains(attribute);
    }

    private void endElement(XMLStreamReader r) {
      if (startTagOpen) {
        text.append("/>");
        startTagOpen = false;
      } else {
        text.append("</").append(qualified(r.getPrefix(), r.getLocalName())).append('>');
      }
      inBaseUrl = false;
      inLicenseUrl = false;
      OpenElement element = elements.pop();
      if (element.group() != GroupKind.NONE) {
        cutLiteral();
        List<Part> groupParts = open.pop();
        open.peek().add(new Group(element.group() == GroupKind.ADAPTATION_SET, element.height(),
            List.copyOf(groupParts)));
      }
    }

    private void characters(XMLStreamReader r) {
      String value = r.getText();
      if ((inBaseUrl || inLicenseUrl) && !value.isBlank()) {
        int end = value.length();
        while (Character.isWhitespace(value.charAt(end - 1))) {
          end--;
        }
        int start = 0;
        while (inLicenseUrl && Character.isWhitespace(value.charAt(start))) {
          start++;
        }
        escape(value.substring(0, start), false);
        if (inLicenseUrl && isRelative(value.substring(start, end))) {
          cutLiteral();
          open.peek().add(new Directory());
        }
        escape(value.substring(start, end), false);
        cut(value.substring(0, end).strip());
        escape(value.substring(end), false);
      } else {
        escape(value, false);
      }
    }

    /** RFC 3986 §4.2: a relative-path reference, neither with a scheme nor starting with {@code /}. */
    private static boolean isRelative(String url) {
      return !url.startsWith("/") && !url.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*");
    }

    private void closeStartTag() {
      if (startTagOpen) {
        text.append('>');
        startTagOpen = false;
      }
    }

    /** Starts a group, taking along the indentation before its start tag so that a dropped element leaves no gap. */
    private void openGroup() {
      int indent = text.length();
      while (indent > 0 && (text.charAt(indent - 1) == ' ' || text.charAt(indent - 1) == '\t')) {
        indent--;
      }
      if (indent > 0 && text.charAt(indent - 1) == '\n') {
        indent--;
      }
      String moved = text.substring(indent);
      text.setLength(indent);
      cutLiteral();
      open.push(new ArrayList<>());
      text.append(moved);
    }

    private void cut(String url) {
      cutLiteral();
      open.peek().add(new Token(url.indexOf('?') >= 0 ? TOKEN_AFTER_QUERY : TOKEN_AFTER_PATH));
      urlCount++;
    }

    private void cutLiteral() {
      if (text.length() > 0) {
        open.peek().add(new Literal(text.toString().getBytes(StandardCharsets.UTF_8)));
        text.setLength(0);
      }
    }

    private void escape(String value, boolean attribute) {
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        switch (c) {
          case '&' -> text.append("&amp;");
          case '<' -> text.append("&lt;");
          case '>' -> text.append("&gt;");
          case '"' -> text.append(attribute ? "&quot;" : "\"");
          case '\n' -> text.append(attribute ? "&#10;" : "\n");
          case '\r' -> text.append("&#13;");
          case '\t' -> text.append(attribute ? "&#9;" : "\t");
          default -> text.append(c);
        }
      }
    }

    private static String qualified(String prefix, String local) {
      return prefix == null || prefix.isEmpty() ? local : prefix + ":" + local;
    }

    private static int parseHeight(String value) {
      try {
        return Math.max(0, Integer.parseInt(value.strip()));
      } catch (NumberFormatException e) {
        return 0;
      }
    }
  }
}
