package io.streamkit.hls;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_PROP_TEXT_SUB;
import static org.bytedeco.ffmpeg.global.avcodec.SUBTITLE_ASS;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_decode_subtitle2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_descriptor_get;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_to_context;
import static org.bytedeco.ffmpeg.global.avcodec.avsubtitle_free;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_SUBTITLE;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.AV_TIME_BASE;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_get;
import static org.bytedeco.ffmpeg.global.avutil.av_rescale_q;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecDescriptor;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avcodec.AVSubtitle;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVDictionaryEntry;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * Extracts the source's text subtitle streams (mov_text in MP4/MOV, SubRip, ASS/SSA and WebVTT in Matroska/WebM) as
 * {@link SubtitleTrack}s, to be packaged exactly like sidecar files. Bitmap subtitles (PGS, DVD, DVB) would need OCR
 * and are left out.
 *
 * <p>Every text subtitle decoder of libavcodec produces ASS events ({@code avcodec_decode_subtitle2}, rectangles of
 * type {@code SUBTITLE_ASS}): {@code ReadOrder,Layer,Style,Name,MarginL,MarginR,MarginV,Effect,Text}. The text field
 * becomes a cue: override blocks ({@code {\i1}}, {@code {\pos(…)}}) are dropped, {@code \N} and {@code \n} become line
 * breaks, {@code \h} a space, and {@code &} and {@code <} are escaped for WebVTT cue text (W3C WebVTT §4.2).
 *
 * <p>Timing follows the transcode's timeline ({@link TranscodePipeline}): 0 is the start of the video stream. The
 * event's time is the packet's PTS plus the decoder's display offsets, its end the display end or else the packet
 * duration. The stream's {@code language} tag becomes a BCP 47 tag ({@link LanguageTag}, {@code und} when it says
 * nothing), its {@code title} tag the label, else the language's name.
 *
 * <p>The source is read a second time for this, with every other stream discarded by the demuxer: subtitles are a
 * few kilobytes and the pass costs a read of the file, not a decode, and the encode pipeline stays free of them.
 */
final class EmbeddedSubtitles {

  private EmbeddedSubtitles() {}

  /** The text subtitle tracks of {@code input} (which {@code info} describes), in stream order; often none. */
  static List<SubtitleTrack> extract(Path input, MediaInfo info) {
    try (MediaProbe.Opened opened = MediaProbe.open(input)) {
      Map<Integer, Stream> streams = new LinkedHashMap<>();
      for (int i = 0; i < opened.context.nb_streams(); i++) {
        AVStream stream = opened.context.streams(i);
        AVCodecDescriptor descriptor = avcodec_descriptor_get(stream.codecpar().codec_id());
        boolean text = stream.codecpar().codec_type() == AVMEDIA_TYPE_SUBTITLE && descriptor != null
            && (descriptor.props() & AV_CODEC_PROP_TEXT_SUB) != 0;
        AVCodecContext decoder = text ? openDecoder(stream) : null;
        if (decoder == null) {
          stream.discard(avcodec.AVDISCARD_ALL);
        } else {
          streams.put(i, new Stream(stream, decoder));
        }
      }
      if (streams.isEmpty()) {
        return List.of();
      }
      try {
        AVStream video = opened.context.streams(info.video().streamIndex());
        long videoStartMicros = video.start_time() == AV_NOPTS_VALUE ? 0
            : av_rescale_q(video.start_time(), video.time_base(), avutil.av_make_q(1, AV_TIME_BASE));
        decodeAll(opened, streams, videoStartMicros);
      } finally {
        streams.values().forEach(s -> avcodec_free_context(s.decoder));
      }
      String name = input.getFileName().toString();
      List<SubtitleTrack> tracks = new ArrayList<>();
      for (Map.Entry<Integer, Stream> entry : streams.entrySet()) {
        Stream stream = entry.getValue();
        String language = LanguageTag.fromContainer(tag(stream.stream.metadata(), "language")).orElse("und");
        tracks.add(new SubtitleTrack(name + " subtitle stream #" + entry.getKey(), language,
            label(tag(stream.stream.metadata(), "title"), language), false, List.copyOf(stream.cues), false));
      }
      return tracks;
    }
  }

  private static void decodeAll(MediaProbe.Opened opened, Map<Integer, Stream> streams, long videoStartMicros) {
    AVPacket packet = av_packet_alloc();
    AVSubtitle subtitle = new AVSubtitle();
    int[] got = new int[1];
    try {
      while (av_read_frame(opened.context, packet) >= 0) {
        try {
          Stream stream = streams.get(packet.stream_index());
          if (stream == null || avcodec_decode_subtitle2(stream.decoder, subtitle, got, packet) < 0 || got[0] == 0) {
            continue;
          }
          try {
            stream.add(subtitle, packet, videoStartMicros);
          } finally {
            avsubtitle_free(subtitle);
          }
        } finally {
          av_packet_unref(packet);
        }
      }
    } finally {
      av_packet_free(packet);
      subtitle.close();
    }
  }

  private static AVCodecContext openDecoder(AVStream stream) {
    AVCodec codec = avcodec_find_decoder(stream.codecpar().codec_id());
    if (codec == null) {
      return null;
    }
    AVCodecContext decoder = avcodec_alloc_context3(codec);
    if (avcodec_parameters_to_context(decoder, stream.codecpar()) < 0) {
      avcodec_free_context(decoder);
      return null;
    }
    decoder.pkt_timebase(stream.time_base());
    if (avcodec_open2(decoder, codec, (AVDictionary) null) < 0) {
      avcodec_free_context(decoder);
      return null;
    }
    return decoder;
  }

  /** One subtitle stream being decoded. */
  private static final class Stream {
    final AVStream stream;
    final AVCodecContext decoder;
    final List<SubtitleCue> cues = new ArrayList<>();

    Stream(AVStream stream, AVCodecContext decoder) {
      this.stream = stream;
      this.decoder = decoder;
    }

    void add(AVSubtitle subtitle, AVPacket packet, long videoStartMicros) {
      long ptsMicros = subtitle.pts() != AV_NOPTS_VALUE ? subtitle.pts()
          : packet.pts() == AV_NOPTS_VALUE ? AV_NOPTS_VALUE
          : av_rescale_q(packet.pts(), stream.time_base(), avutil.av_make_q(1, AV_TIME_BASE));
      if (ptsMicros == AV_NOPTS_VALUE) {
        return;
      }
      long base = (ptsMicros - videoStartMicros) / 1000;
      long start = base + Integer.toUnsignedLong(subtitle.start_display_time());
      long end = subtitle.end_display_time() != 0 ? base + Integer.toUnsignedLong(subtitle.end_display_time())
          : packet.duration() > 0 ? start + av_rescale_q(packet.duration(), stream.time_base(),
              avutil.av_make_q(1, 1000)) : start;
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < subtitle.num_rects(); i++) {
        if (subtitle.rects(i).type() == SUBTITLE_ASS && subtitle.rects(i).ass() != null) {
          String line = assText(subtitle.rects(i).ass().getString(StandardCharsets.UTF_8));
          if (!line.isEmpty()) {
            text.append(text.length() == 0 ? "" : "\n").append(line);
          }
        }
      }
      if (text.length() > 0 && end > 0) {
        cues.add(new SubtitleCue(Math.max(0, start), Math.max(0, end), text.toString(), "", 0));
      }
    }
  }

  /** The Text field of an ASS event line (the ninth, which may itself hold commas) as WebVTT cue text. */
  static String assText(String event) {
    String[] fields = event.split(",", 9);
    String text = fields.length == 9 ? fields[8] : event;
    text = text.replaceAll("\\{[^}]*}", "").replace("\\N", "\n").replace("\\n", "\n").replace("\\h", " ")
        .replace("&", "&amp;").replace("<", "&lt;").replace("-->", "--&gt;");
    List<String> lines = new ArrayList<>();
    for (String line : text.split("\r?\n")) {
      if (!line.isBlank()) {
        lines.add(line.strip());
      }
    }
    return String.join("\n", lines);
  }

  private static String tag(AVDictionary metadata, String key) {
    AVDictionaryEntry entry = av_dict_get(metadata, key, null, 0);
    return entry == null || entry.value() == null ? null : entry.value().getString(StandardCharsets.UTF_8).strip();
  }

  /** The stream's title when it is a usable label, else the language's name in that language. */
  private static String label(String title, String language) {
    if (title != null) {
      String clean = title.replaceAll("[\"\\p{Cntrl}]", "").strip();
      if (!clean.isEmpty()) {
        return clean.length() <= Transcoder.MAX_SUBTITLE_LABEL_LENGTH ? clean
            : clean.substring(0, Transcoder.MAX_SUBTITLE_LABEL_LENGTH);
      }
    }
    return LanguageTag.displayName(language).orElse("Subtitles");
  }
}
