package io.streamkit.hls;

import io.streamkit.core.protection.ContentKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

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
 * <p>Audio (fMP4; a TS title muxes its main track into every variant): every source track is one {@code EXT-X-MEDIA}
 * rendition of the stereo group {@value #AUDIO_GROUP} (section 4.3.4.1). When a track has 5.1, a second group
 * {@value #SURROUND_GROUP} holds the 5.1 rendition of each such track and the stereo rendition of the others, so every
 * language is in both groups, and each video variant is listed a second time with {@code AUDIO="audio-surround"}
 * after the stereo ones: a player that cannot play six channels keeps to the stereo variants (Apple HLS authoring
 * spec, multichannel audio comes with a stereo alternative). Section 4.3.4.2: a variant's {@code BANDWIDTH} covers
 * every rendition of its group, so each group adds its largest rendition's peak and average.
 *
 * <p>Audio-only titles (a source without video): the variants are the audio renditions themselves, so a player
 * needs no video to start. In fMP4 the {@code EXT-X-MEDIA} groups are written as above, and each group gets one
 * {@code EXT-X-STREAM-INF} whose URI is the group's main rendition, with {@code AUDIO} naming the group so a player
 * can offer the other languages (the variant's own audio is that of the {@code DEFAULT=YES} member); its
 * {@code BANDWIDTH} and {@code AVERAGE-BANDWIDTH} are the group's largest, as for a video variant. A TS audio-only
 * title has one variant, the main track's MPEG-TS rendition, and no {@code EXT-X-MEDIA}. Every such variant has
 * {@code CODECS="mp4a.40.2"} and neither {@code RESOLUTION} nor {@code FRAME-RATE} (section 4.3.4.2: both apply to
 * video), and there are no I-frame playlists: there are no frames to show.
 *
 * <p>A clear or {@code 'cbcs'} fMP4 title also gets a DASH manifest over the same segments ({@link DashManifest}).
 * An AES-128 title does not: a segment encrypted whole is not Common Encryption, which DASH players decrypt.
 *
 * <p>Every title gets {@value #SEGMENT_SIZES}, the size in bytes of every video segment of every rendition as
 * packaged ({@code {"renditions":[{"uri":"720p/index.m3u8","segmentBytes":[...]}]}}): a look-ahead bitrate rule in the
 * player (the player page's StreamKit rule) predicts the download time of the next few segments at every rung from
 * them, which the playlists do not tell (a {@code BANDWIDTH} is a peak, an {@code EXTINF} a duration).
 */
final class TitlePackager {

  static final String MASTER = "master.m3u8";
  static final String I_FRAME_PLAYLIST = "iframes.m3u8";
  static final String SEGMENT_SIZES = "segment-sizes.json";
  static final String AUDIO_GROUP = "audio";
  static final String SUBTITLE_GROUP = "subs";
  static final String SURROUND_GROUP = "audio-surround";
  /** AAC-LC (ISO/IEC 14496-3 object type 2), RFC 6381. */
  static final String AAC_LC = "mp4a.40.2";

  private TitlePackager() {}

  /**
   * Writes the master playlist, the I-frame playlists unless {@code encryption} is AES-128, and for a clear or
   * {@code 'cbcs'} fMP4 title the DASH manifest ({@link DashManifest}).
   *
   * @param keys the keys {@link SegmentEncryptor} encrypted the title with, empty for a clear title
   */
  static List<PackagedRendition> write(Path title, TranscodePipeline.Encoded encoded, SegmentFormat format,
      SegmentEncryption.Method encryption, List<ContentKey> keys, List<SubtitlePackager.Rendition> subtitles) {
    boolean iFramePlaylists = encryption != SegmentEncryption.Method.AES_128;
    int version = format == SegmentFormat.FMP4 ? 7 : 4;
    StringBuilder master = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:" + version + "\n#EXT-X-INDEPENDENT-SEGMENTS\n");
    if (encoded.video().isEmpty()) {
      List<PackagedRendition> variants = writeAudioOnlyVariants(master, encoded.audio(), format);
      write(title.resolve(MASTER), master.toString());
      if (writesDashManifest(format, encryption)) {
        DashManifest.write(title, encoded, subtitles, keys);
      }
      return variants;
    }
    Map<String, long[]> audioGroups = writeAudioGroups(master, encoded.audio());
    appendSubtitleMedia(master, subtitles);
    List<PackagedRendition> renditions = new ArrayList<>();
    StringBuilder iframeEntries = new StringBuilder();
    StringBuilder surroundVariants = new StringBuilder();
    StringBuilder segmentSizes = new StringBuilder();
    for (TranscodePipeline.EncodedVideo video : encoded.video()) {
      MediaPlaylist playlist = MediaPlaylist.read(video.directory().resolve(HlsSegmenter.PLAYLIST));
      String avc = AvcCodecString.of(video.codecConfiguration());
      String codecs = encoded.hasAudio() ? avc + "," + AAC_LC : avc;
      long[] stereo = audioGroups.getOrDefault(AUDIO_GROUP, new long[2]);
      long peak = playlist.peakBitsPerSecond() + stereo[0];
      long average = playlist.averageBitsPerSecond() + stereo[1];
      String name = video.plan().name();
      String uri = name + "/" + HlsSegmenter.PLAYLIST;
      appendSegmentSizes(segmentSizes, uri, playlist);
      String resolution = video.plan().width() + "x" + video.plan().height();
      String rest = ",CODECS=\"" + codecs + "\",RESOLUTION=" + resolution + ",FRAME-RATE="
          + video.plan().frameRate().toPlaylistValue();
      master.append("#EXT-X-STREAM-INF:BANDWIDTH=").append(peak).append(",AVERAGE-BANDWIDTH=").append(average)
          .append(rest);
      if (audioGroups.containsKey(AUDIO_GROUP)) {
        master.append(",AUDIO=\"" + AUDIO_GROUP + "\"");
      }
      if (!subtitles.isEmpty()) {
        master.append(",SUBTITLES=\"" + SUBTITLE_GROUP + "\"");
      }
      master.append('\n').append(uri).append('\n');
      long[] surround = audioGroups.get(SURROUND_GROUP);
      if (surround != null) {
        surroundVariants.append("#EXT-X-STREAM-INF:BANDWIDTH=").append(playlist.peakBitsPerSecond() + surround[0])
            .append(",AVERAGE-BANDWIDTH=").append(playlist.averageBitsPerSecond() + surround[1]).append(rest)
            .append(",AUDIO=\"" + SURROUND_GROUP + "\"")
            .append(subtitles.isEmpty() ? "" : ",SUBTITLES=\"" + SUBTITLE_GROUP + "\"").append('\n').append(uri)
            .append('\n');
      }
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
    master.append(surroundVariants).append(iframeEntries);
    write(title.resolve(MASTER), master.toString());
    write(title.resolve(SEGMENT_SIZES), "{\"renditions\":[" + segmentSizes + "]}\n");
    if (writesDashManifest(format, encryption)) {
      DashManifest.write(title, encoded, subtitles, keys);
    }
    return List.copyOf(renditions);
  }

  /**
   * The variants of an audio-only title (see the class comment): in fMP4 the audio groups and one variant per group,
   * playing the group's main rendition; in TS the one rendition as the one variant.
   */
  private static List<PackagedRendition> writeAudioOnlyVariants(StringBuilder master,
      List<TranscodePipeline.EncodedAudio> audio, SegmentFormat format) {
    Map<String, long[]> bitrates = format == SegmentFormat.FMP4 ? writeAudioGroups(master, audio) : Map.of();
    Map<String, List<TranscodePipeline.EncodedAudio>> groups = format == SegmentFormat.FMP4 ? audioGroups(audio)
        : Map.of(AUDIO_GROUP, List.of(audio.get(0)));
    List<PackagedRendition> variants = new ArrayList<>();
    for (Map.Entry<String, List<TranscodePipeline.EncodedAudio>> group : groups.entrySet()) {
      TranscodePipeline.EncodedAudio main = group.getValue().get(0);
      String name = main.directory().getFileName().toString();
      String uri = name + "/" + HlsSegmenter.PLAYLIST;
      MediaPlaylist playlist = MediaPlaylist.read(main.directory().resolve(HlsSegmenter.PLAYLIST));
      long[] bitrate = bitrates.getOrDefault(group.getKey(),
          new long[] {playlist.peakBitsPerSecond(), playlist.averageBitsPerSecond()});
      master.append("#EXT-X-STREAM-INF:BANDWIDTH=").append(bitrate[0]).append(",AVERAGE-BANDWIDTH=")
          .append(bitrate[1]).append(",CODECS=\"").append(AAC_LC).append('"');
      if (bitrates.containsKey(group.getKey())) {
        master.append(",AUDIO=\"").append(group.getKey()).append('"');
      }
      master.append('\n').append(uri).append('\n');
      long target = main.channels() > TranscodePipeline.STEREO_CHANNELS ? TranscodePipeline.SURROUND_AUDIO_BITRATE
          : TranscodePipeline.AUDIO_BITRATE;
      variants.add(new PackagedRendition(name, uri, 0, 0, null, AAC_LC, target, bitrate[0], bitrate[1],
          playlist.segments().size()));
    }
    return List.copyOf(variants);
  }

  /**
   * RFC 8216 section 4.3.4.1: one {@code EXT-X-MEDIA} of {@code TYPE=SUBTITLES} per track, all in one group that
   * every variant names ({@code SUBTITLES}, section 4.3.4.2); {@code AUTOSELECT=YES} lets a player pick the track
   * matching the viewer's language, and is required beside {@code DEFAULT=YES}.
   */
  private static void appendSubtitleMedia(StringBuilder master, List<SubtitlePackager.Rendition> subtitles) {
    for (SubtitlePackager.Rendition subtitle : subtitles) {
      master.append(subtitleMedia(subtitle)).append('\n');
    }
  }

  /** The {@code EXT-X-MEDIA} line of one subtitle rendition, without its line end. */
  static String subtitleMedia(SubtitlePackager.Rendition subtitle) {
    return "#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID=\"" + SUBTITLE_GROUP + "\",LANGUAGE=\"" + subtitle.language()
        + "\",NAME=\"" + subtitle.name() + "\",DEFAULT=" + (subtitle.isDefault() ? "YES" : "NO")
        + ",AUTOSELECT=YES,URI=\"" + subtitle.uri() + "\"";
  }

  /**
   * Appends the {@code EXT-X-MEDIA} lines of the audio renditions and returns, per group, the peak and average
   * bitrate of its largest rendition, which every variant playing with that group adds to its own.
   *
   * <p>Attributes (RFC 8216 section 4.3.4.1): {@code LANGUAGE} is the track's BCP 47 tag, left out when the source
   * does not say; {@code NAME} is the track's title, else its language's name, else "Track n", and unique within a
   * group (section 4.3.4.1.1); {@code DEFAULT=YES} marks the main track only. A commentary track has
   * {@code AUTOSELECT=NO}: it talks over the programme, so a player choosing a track from the viewer's language alone
   * must never pick it; it stays in the menu. So does a track with the same language and characteristics as an
   * earlier selectable one (the main track comes first): the automatic choice then has a single answer. An audio
   * description carries {@code CHARACTERISTICS}
   * {@code public.accessibility.describes-video} and a track for the hearing impaired
   * {@code public.accessibility.enhances-speech-intelligibility} (Apple's media characteristics), so a player picks
   * them when the viewer's accessibility settings ask for them.
   */
  private static Map<String, long[]> writeAudioGroups(StringBuilder master,
      List<TranscodePipeline.EncodedAudio> audio) {
    Map<String, long[]> groups = new LinkedHashMap<>();
    if (audio.isEmpty()) {
      return groups;
    }
    Map<Integer, String> names = renditionNames(audio);
    audioGroups(audio).forEach((group, members) -> writeAudioGroup(master, group, members, names, groups));
    return groups;
  }

  /**
   * The members of each audio group, the main track's rendition first: {@value #AUDIO_GROUP} holds every stereo
   * rendition and, when a track has 5.1, {@value #SURROUND_GROUP} the 5.1 rendition of each such track and the stereo
   * rendition of the others.
   */
  private static Map<String, List<TranscodePipeline.EncodedAudio>> audioGroups(
      List<TranscodePipeline.EncodedAudio> audio) {
    Map<String, List<TranscodePipeline.EncodedAudio>> groups = new LinkedHashMap<>();
    List<TranscodePipeline.EncodedAudio> stereo = audio.stream().filter(a -> a.channels() == 2).toList();
    groups.put(AUDIO_GROUP, stereo);
    if (audio.stream().anyMatch(a -> a.channels() > 2)) {
      groups.put(SURROUND_GROUP, stereo.stream()
          .map(s -> audio.stream().filter(a -> a.trackNumber() == s.trackNumber() && a.channels() > 2).findFirst()
              .orElse(s))
          .toList());
    }
    return groups;
  }

  private static void writeAudioGroup(StringBuilder master, String group, List<TranscodePipeline.EncodedAudio> members,
      Map<Integer, String> names, Map<String, long[]> groups) {
    long[] largest = new long[2];
    Set<String> selectable = new HashSet<>();
    for (TranscodePipeline.EncodedAudio rendition : members) {
      MediaInfo.Audio track = rendition.track();
      List<String> characteristics = new ArrayList<>();
      if (track.describesVideo()) {
        characteristics.add("public.accessibility.describes-video");
      }
      if (track.hearingImpaired()) {
        characteristics.add("public.accessibility.enhances-speech-intelligibility");
      }
      boolean autoselect = rendition.main()
          || !track.commentary() && selectable.add(track.language().orElse("") + characteristics);
      if (rendition.main()) {
        selectable.add(track.language().orElse("") + characteristics);
      }
      master.append("#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"").append(group).append('"');
      track.language().ifPresent(l -> master.append(",LANGUAGE=\"").append(l).append('"'));
      master.append(",NAME=\"").append(names.get(rendition.trackNumber())).append('"')
          .append(",DEFAULT=").append(rendition.main() ? "YES" : "NO")
          .append(",AUTOSELECT=").append(autoselect ? "YES" : "NO");
      if (!characteristics.isEmpty()) {
        master.append(",CHARACTERISTICS=\"").append(String.join(",", characteristics)).append('"');
      }
      master.append(",CHANNELS=\"").append(rendition.channels()).append("\",URI=\"")
          .append(rendition.directory().getFileName()).append('/').append(HlsSegmenter.PLAYLIST).append("\"\n");
      MediaPlaylist playlist = MediaPlaylist.read(rendition.directory().resolve(HlsSegmenter.PLAYLIST));
      largest[0] = Math.max(largest[0], playlist.peakBitsPerSecond());
      largest[1] = Math.max(largest[1], playlist.averageBitsPerSecond());
    }
    groups.put(group, largest);
  }

  /** Each track's {@code NAME}, by track number; a name already taken gets the track number appended. */
  static Map<Integer, String> renditionNames(List<TranscodePipeline.EncodedAudio> audio) {
    Map<Integer, String> names = new LinkedHashMap<>();
    Set<String> taken = new HashSet<>();
    for (TranscodePipeline.EncodedAudio rendition : audio) {
      MediaInfo.Audio track = rendition.track();
      if (names.containsKey(rendition.trackNumber())) {
        continue;
      }
      String name = track.title()
          .or(() -> track.language().flatMap(LanguageTag::displayName))
          .orElse("Track " + rendition.trackNumber())
          .replace('"', '\'');
      if (!taken.add(name)) {
        name = name + " (" + rendition.trackNumber() + ")";
        taken.add(name);
      }
      names.put(rendition.trackNumber(), name);
    }
    return names;
  }

  /** {@return whether a title of this format and encryption gets a DASH manifest: clear and 'cbcs' fMP4 titles} */
  static boolean writesDashManifest(SegmentFormat format, SegmentEncryption.Method encryption) {
    return format == SegmentFormat.FMP4 && encryption != SegmentEncryption.Method.AES_128;
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

  /** One rendition's entry of {@value #SEGMENT_SIZES}; rendition names match [a-z0-9_-]+ ({@code Rung}). */
  private static void appendSegmentSizes(StringBuilder json, String uri, MediaPlaylist playlist) {
    json.append(json.length() == 0 ? "" : ",").append("{\"uri\":\"").append(uri).append("\",\"segmentBytes\":[");
    List<MediaPlaylist.Segment> segments = playlist.segments();
    for (int i = 0; i < segments.size(); i++) {
      json.append(i == 0 ? "" : ",").append(segments.get(i).bytes());
    }
    json.append("]}");
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
