package io.streamkit.hls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes what the segmenter does not: the multivariant (master) playlist and, unless the title is encrypted with
 * AES-128, one I-frame playlist per video rendition, from the segments actually on disk.
 *
 * <p>RFC 8216 section 4.3.4.2: {@code BANDWIDTH} is the peak segment bitrate and {@code AVERAGE-BANDWIDTH} the
 * average, both including the audio rendition the variant plays with; {@code CODECS} comes from the encoder's SPS
 * (section 4.3.4.2, RFC 6381); {@code RESOLUTION} and {@code FRAME-RATE} as encoded. Section 4.3.4.3: each
 * {@code EXT-X-I-FRAME-STREAM-INF} points to a playlist of every IDR ({@code EXT-X-I-FRAMES-ONLY}, section 4.3.3.6;
 * with 2 s GOPs three per 6 s segment), located by {@link KeyframeLocator}.
 *
 * <p>A title encrypted with AES-128 ({@link SegmentEncryptor}, run before this) gets no I-frame playlists: their
 * byte ranges start and end inside segments encrypted whole with AES-128-CBC, and section 5.2 defines decryption of a
 * whole segment only (PKCS#7 padding ends it, the IV opens it), so a player cannot decrypt such a range. A title
 * encrypted with {@code 'cbcs'} keeps them: each range still holds the whole {@code moof}, with the subsample map of
 * its samples, and the whole first sample, which decrypts alone (the CBC chain restarts at every subsample, ISO/IEC
 * 23001-7 section 10.4.2); the I-frame playlist repeats the media playlist's {@code EXT-X-KEY} tags. Bitrates are
 * measured on the encrypted segments, which is what a player downloads: AES-128 padding adds 1 to 16 bytes per
 * segment, {@code 'cbcs'} its sample encryption boxes.
 *
 * <p>A clear fMP4 title also gets a DASH manifest over the same segments ({@link DashManifest}).
 */
final class TitlePackager {

  static final String MASTER = "master.m3u8";
  static final String I_FRAME_PLAYLIST = "iframes.m3u8";
  static final String AUDIO_GROUP = "audio";
  /** AAC-LC (ISO/IEC 14496-3 object type 2), RFC 6381. */
  static final String AAC_LC = "mp4a.40.2";

  private TitlePackager() {}

  /**
   * Writes the master playlist, the I-frame playlists unless {@code encryption} is AES-128, and for a clear fMP4
   * title the DASH manifest ({@link DashManifest}).
   */
  static List<PackagedRendition> write(Path title, TranscodePipeline.Encoded encoded, SegmentFormat format,
      SegmentEncryption.Method encryption) {
    boolean iFramePlaylists = encryption != SegmentEncryption.Method.AES_128;
    int version = format == SegmentFormat.FMP4 ? 7 : 4;
    MediaPlaylist audio = encoded.audioDirectory() == null ? null
        : MediaPlaylist.read(encoded.audioDirectory().resolve(HlsSegmenter.PLAYLIST));
    StringBuilder master = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:" + version + "\n#EXT-X-INDEPENDENT-SEGMENTS\n");
    if (audio != null) {
      master.append("#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"" + AUDIO_GROUP + "\",NAME=\"Main\",DEFAULT=YES,"
          + "AUTOSELECT=YES,CHANNELS=\"2\",URI=\"" + TranscodePipeline.AUDIO_DIRECTORY + "/"
          + HlsSegmenter.PLAYLIST + "\"\n");
    }
    List<PackagedRendition> renditions = new ArrayList<>();
    StringBuilder iframeEntries = new StringBuilder();
    for (TranscodePipeline.EncodedVideo video : encoded.video()) {
      MediaPlaylist playlist = MediaPlaylist.read(video.directory().resolve(HlsSegmenter.PLAYLIST));
      String avc = AvcCodecString.of(video.codecConfiguration());
      String codecs = encoded.hasAudio() ? avc + "," + AAC_LC : avc;
      long peak = playlist.peakBitsPerSecond() + (audio == null ? 0 : audio.peakBitsPerSecond());
      long average = playlist.averageBitsPerSecond() + (audio == null ? 0 : audio.averageBitsPerSecond());
      String name = video.plan().name();
      String uri = name + "/" + HlsSegmenter.PLAYLIST;
      String resolution = video.plan().width() + "x" + video.plan().height();
      master.append("#EXT-X-STREAM-INF:BANDWIDTH=").append(peak).append(",AVERAGE-BANDWIDTH=").append(average)
          .append(",CODECS=\"").append(codecs).append("\",RESOLUTION=").append(resolution)
          .append(",FRAME-RATE=").append(video.plan().frameRate().toPlaylistValue());
      if (audio != null) {
        master.append(",AUDIO=\"" + AUDIO_GROUP + "\"");
      }
      master.append('\n').append(uri).append('\n');
      if (iFramePlaylists) {
        long[] iframeBandwidth = writeIFramePlaylist(video.directory(), playlist, format, version);
        iframeEntries.append("#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=").append(iframeBandwidth[0])
            .append(",AVERAGE-BANDWIDTH=").append(iframeBandwidth[1]).append(",CODECS=\"").append(avc)
            .append("\",RESOLUTION=").append(resolution).append(",URI=\"").append(name).append('/')
            .append(I_FRAME_PLAYLIST).append("\"\n");
      }
      renditions.add(new PackagedRendition(name, uri, video.plan().width(), video.plan().height(), video.plan().frameRate(),
          codecs, video.plan().videoBitrate(), peak, average, playlist.segments().size()));
    }
    master.append(iframeEntries);
    write(title.resolve(MASTER), master.toString());
    if (writesDashManifest(format, encryption)) {
      DashManifest.write(title, encoded);
    }
    return List.copyOf(renditions);
  }

  /** {@return whether a title of this format and encryption gets a DASH manifest: clear fMP4 titles only} */
  static boolean writesDashManifest(SegmentFormat format, SegmentEncryption.Method encryption) {
    return format == SegmentFormat.FMP4 && encryption == SegmentEncryption.Method.NONE;
  }

  /**
   * Writes the I-frame playlist of every IDR of the rendition, each {@code EXTINF} the time to the next IDR (the
   * last one's to the end of the media); returns the I-frame stream's peak and average bitrate.
   */
  private static long[] writeIFramePlaylist(Path directory, MediaPlaylist playlist, SegmentFormat format,
      int version) {
    StringBuilder out = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:" + version + "\n#EXT-X-TARGETDURATION:"
        + playlist.targetDuration() + "\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-I-FRAMES-ONLY\n");
    Fmp4Fragments.Track track = null;
    if (playlist.mapUri() != null) {
      out.append("#EXT-X-MAP:URI=\"").append(playlist.mapUri()).append("\"\n");
      track = Fmp4Fragments.track(directory.resolve(playlist.mapUri()));
    }
    List<MediaPlaylist.Segment> segments = new ArrayList<>();
    List<KeyframeLocator.Keyframe> keyframes = new ArrayList<>();
    for (MediaPlaylist.Segment segment : playlist.segments()) {
      Path file = directory.resolve(segment.uri());
      for (KeyframeLocator.Keyframe keyframe : format == SegmentFormat.FMP4 ? KeyframeLocator.fmp4(file, track)
          : KeyframeLocator.ts(file)) {
        segments.add(segment);
        keyframes.add(keyframe);
      }
    }
    double end = keyframes.isEmpty() ? 0 : keyframes.get(0).seconds() + playlist.totalSeconds();
    double peak = 0;
    long bytes = 0;
    String keyTag = null;
    for (int i = 0; i < keyframes.size(); i++) {
      MediaPlaylist.Segment segment = segments.get(i);
      KeyframeLocator.Keyframe keyframe = keyframes.get(i);
      if (segment.keyTag() != null && !segment.keyTag().equals(keyTag)) {
        out.append(segment.keyTag()).append('\n');
      }
      keyTag = segment.keyTag();
      double duration = (i + 1 < keyframes.size() ? keyframes.get(i + 1).seconds() : end) - keyframe.seconds();
      out.append(String.format(Locale.ROOT, "#EXTINF:%.6f,\n", duration))
          .append("#EXT-X-BYTERANGE:").append(keyframe.length()).append('@').append(keyframe.offset()).append('\n')
          .append(segment.uri()).append('\n');
      bytes += keyframe.length();
      if (duration > 0) {
        peak = Math.max(peak, keyframe.length() * 8 / duration);
      }
    }
    out.append("#EXT-X-ENDLIST\n");
    write(directory.resolve(I_FRAME_PLAYLIST), out.toString());
    double total = playlist.totalSeconds();
    return new long[] {(long) Math.ceil(peak), total > 0 ? (long) Math.ceil(bytes * 8 / total) : 0};
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
