package io.streamkit.server.origin;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.helpers.DefaultHandler;

/**
 * What a DASH client requests after the MPD, worked out as a client does (ISO/IEC 23009-1 §5.3.9.4: SegmentTemplate
 * with {@code $Number$} or a SegmentTimeline, §5.6 BaseURL resolution): every initialization and media segment URL of
 * every Representation, resolved against the MPD's URL.
 */
final class DashWalk {

  private static final Pattern IDENTIFIER = Pattern.compile("\\$(Number|Time|RepresentationID|Bandwidth)(%0(\\d+)d)?\\$");

  /** A Representation as listed, with the absolute URLs of its segments (init first). */
  record Representation(String id, int height, List<URI> urls) {}

  private DashWalk() {}

  static Document parse(byte[] xml) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    DocumentBuilder builder = factory.newDocumentBuilder();
    // Refusals are thrown, not also printed: the fuzz test reads many malformed documents.
    builder.setErrorHandler(new DefaultHandler());
    return builder.parse(new ByteArrayInputStream(xml));
  }

  static List<Representation> representations(URI mpdUrl, byte[] xml) throws Exception {
    Document mpd = parse(xml);
    Element root = mpd.getDocumentElement();
    Duration total = isoDuration(root.getAttribute("mediaPresentationDuration"));
    List<Representation> out = new ArrayList<>();
    for (Element rep : elements(root, "Representation")) {
      Element set = (Element) rep.getParentNode();
      Element period = (Element) set.getParentNode();
      URI base = mpdUrl;
      for (Element level : List.of(root, period, set, rep)) {
        Element baseUrl = child(level, "BaseURL");
        if (baseUrl != null) {
          base = base.resolve(baseUrl.getTextContent().strip());
        }
      }
      Element template = firstOf(child(rep, "SegmentTemplate"), child(set, "SegmentTemplate"),
          child(period, "SegmentTemplate"));
      String id = rep.getAttribute("id");
      String bandwidth = rep.getAttribute("bandwidth");
      List<URI> urls = new ArrayList<>();
      urls.add(base.resolve(expand(template.getAttribute("initialization"), id, bandwidth, 0, 0)));
      String media = template.getAttribute("media");
      long number = template.hasAttribute("startNumber") ? Long.parseLong(template.getAttribute("startNumber")) : 1;
      Element timeline = child(template, "SegmentTimeline");
      if (timeline != null) {
        long time = 0;
        for (Element s : elements(timeline, "S")) {
          time = s.hasAttribute("t") ? Long.parseLong(s.getAttribute("t")) : time;
          long d = Long.parseLong(s.getAttribute("d"));
          int repeats = s.hasAttribute("r") ? Integer.parseInt(s.getAttribute("r")) : 0;
          for (int i = 0; i <= repeats; i++) {
            urls.add(base.resolve(expand(media, id, bandwidth, number++, time)));
            time += d;
          }
        }
      } else {
        long timescale = template.hasAttribute("timescale") ? Long.parseLong(template.getAttribute("timescale")) : 1;
        long duration = Long.parseLong(template.getAttribute("duration"));
        long count = (long) Math.ceil(total.toNanos() / 1e9 * timescale / duration - 1e-6);
        for (long i = 0; i < count; i++) {
          urls.add(base.resolve(expand(media, id, bandwidth, number++, i * duration)));
        }
      }
      String height = rep.hasAttribute("height") ? rep.getAttribute("height") : set.getAttribute("height");
      out.add(new Representation(id, height.isEmpty() ? 0 : Integer.parseInt(height), urls));
    }
    return out;
  }

  private static String expand(String template, String id, String bandwidth, long number, long time) {
    Matcher m = IDENTIFIER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = switch (m.group(1)) {
        case "Number" -> m.group(3) == null ? Long.toString(number) : String.format("%0" + m.group(3) + "d", number);
        case "Time" -> Long.toString(time);
        case "RepresentationID" -> id;
        default -> bandwidth;
      };
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString().replace("$$", "$");
  }

  static Duration isoDuration(String value) {
    return Duration.parse(value.replaceFirst("^P(\\d+Y)?(\\d+M)?(\\d+D)?T", "PT").replace("PTT", "PT"));
  }

  static List<Element> elements(Element scope, String localName) {
    List<Element> out = new ArrayList<>();
    var nodes = scope.getElementsByTagNameNS("*", localName);
    for (int i = 0; i < nodes.getLength(); i++) {
      out.add((Element) nodes.item(i));
    }
    return out;
  }

  private static Element child(Element parent, String localName) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && localName.equals(e.getLocalName())) {
        return e;
      }
    }
    return null;
  }

  private static Element firstOf(Element... candidates) {
    for (Element e : candidates) {
      if (e != null) {
        return e;
      }
    }
    throw new AssertionError("a Representation without a SegmentTemplate");
  }
}
