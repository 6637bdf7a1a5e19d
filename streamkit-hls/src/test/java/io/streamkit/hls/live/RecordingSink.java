package io.streamkit.hls.live;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A {@link LiveSink} that keeps everything it is given, and the order of the calls. */
final class RecordingSink implements LiveSink {

  record Part(byte[] bytes, double seconds, boolean independent) {}

  /** One rendition's output: its init segment and its closed segments of parts, plus the parts of an open one. */
  static final class Track {
    byte[] init;
    final List<List<Part>> segments = new ArrayList<>();
    List<Part> open = new ArrayList<>();

    List<Part> allParts() {
      List<Part> all = new ArrayList<>();
      segments.forEach(all::addAll);
      all.addAll(open);
      return all;
    }

    double seconds() {
      return allParts().stream().mapToDouble(Part::seconds).sum();
    }

    /** The init segment followed by segment {@code index}'s parts: a playable fMP4 file. */
    byte[] playable(int index) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(init);
      segments.get(index).forEach(p -> out.writeBytes(p.bytes()));
      return out.toByteArray();
    }
  }

  final List<String> calls = new ArrayList<>();
  final Map<String, Track> tracks = new LinkedHashMap<>();
  List<LiveRendition> renditions;

  @Override
  public synchronized void start(List<LiveRendition> renditions) {
    calls.add("start");
    this.renditions = renditions;
    renditions.forEach(r -> tracks.put(r.name(), new Track()));
  }

  @Override
  public synchronized void init(String rendition, byte[] initSegment) {
    calls.add("init " + rendition);
    tracks.get(rendition).init = initSegment;
  }

  @Override
  public synchronized void part(String rendition, byte[] chunk, double durationSeconds, boolean independent) {
    calls.add("part " + rendition);
    tracks.get(rendition).open.add(new Part(chunk, durationSeconds, independent));
  }

  @Override
  public synchronized void segmentEnd(String rendition) {
    calls.add("segmentEnd " + rendition);
    Track track = tracks.get(rendition);
    track.segments.add(track.open);
    track.open = new ArrayList<>();
  }

  @Override
  public synchronized void dropped(String rendition) {
    calls.add("dropped " + rendition);
  }

  @Override
  public synchronized void end() {
    calls.add("end");
  }
}
