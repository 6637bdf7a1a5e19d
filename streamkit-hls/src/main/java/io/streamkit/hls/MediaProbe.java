package io.streamkit.hls;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_DATA_DISPLAYMATRIX;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_DATA_DOVI_CONF;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_side_data_get;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_get_name;
import static org.bytedeco.ffmpeg.global.avformat.AVIO_FLAG_READ;
import static org.bytedeco.ffmpeg.global.avformat.AV_DISPOSITION_ATTACHED_PIC;
import static org.bytedeco.ffmpeg.global.avformat.AV_DISPOSITION_COMMENT;
import static org.bytedeco.ffmpeg.global.avformat.AV_DISPOSITION_DEFAULT;
import static org.bytedeco.ffmpeg.global.avformat.AV_DISPOSITION_DESCRIPTIONS;
import static org.bytedeco.ffmpeg.global.avformat.AV_DISPOSITION_HEARING_IMPAIRED;
import static org.bytedeco.ffmpeg.global.avformat.AV_DISPOSITION_VISUAL_IMPAIRED;
import static org.bytedeco.ffmpeg.global.avformat.av_guess_sample_aspect_ratio;
import static org.bytedeco.ffmpeg.global.avformat.av_probe_input_buffer2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avformat.avio_closep;
import static org.bytedeco.ffmpeg.global.avformat.avio_open;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.AV_TIME_BASE;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_get;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_display_rotation_get;
import static org.bytedeco.ffmpeg.global.avutil.av_get_media_type_string;
import static org.bytedeco.ffmpeg.global.avutil.av_get_pix_fmt_name;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacketSideData;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVInputFormat;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVDictionaryEntry;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacpp.IntPointer;

/**
 * Reads a source's container and stream parameters with libavformat, without decoding it.
 *
 * <p>A source with audio but no video (cover art does not count as video) is audio-only, a podcast-style title of
 * audio renditions ({@link MediaInfo#audioOnly()}). Every input that cannot become a title is rejected here with one
 * line naming the file and the reason: missing, empty, not media, neither a video stream nor a decodable audio
 * stream, or a video codec the bundled FFmpeg cannot decode. A source is one self-contained local file: playlists
 * and lists that name other files or network streams (HLS, DASH, ffconcat, SDP) are refused before FFmpeg opens
 * anything they name, and FFmpeg reads the source through its file protocol only.
 */
public final class MediaProbe {

  /** Above this the average frame rate is treated as a timestamp artefact rather than a real rate. */
  static final double MAX_BELIEVABLE_FPS = 240;

  /**
   * Demuxers of playlists and session descriptions: they open the files or network streams they name with the
   * source's rights, so an uploaded ffconcat list naming a sibling upload would make a title of someone else's video.
   */
  private static final Map<String, String> REFERENCING_FORMATS = Map.of(
      "concat", "an ffconcat list of other files",
      "hls", "an HLS playlist, which names other files",
      "dash", "a DASH manifest, which names other files",
      "imf", "an IMF composition playlist, which names other files",
      "sdp", "a session description (SDP), which names network streams");
  /** Demuxers that take text files (.txt, .nfo, .ans and the like) and draw them as pictures of text-mode art. */
  private static final Set<String> TEXT_ART_FORMATS = Set.of("tty", "bin", "xbin", "adf", "idf");

  /** Widest or tallest picture x264 encodes (it refuses 16386x180); renditions are never larger than the source. */
  static final int MAX_PICTURE_SIDE = 16384;

  /**
   * Largest picture area taken from a source: 8K by 8K, room for every standard video (H.264 and HEVC level 6.2
   * stop at 35.7 megapixels) and for 8K 360° video. A few hundred kilobytes can declare a larger picture, each of
   * whose frames takes hundreds of megabytes to decode.
   */
  static final long MAX_PICTURE_PIXELS = 8192L * 8192;

  private MediaProbe() {}

  /**
   * Opens {@code file}, reads its container and stream parameters (no decoding) and closes it again. Safe to call
   * from any thread.
   *
   * @param file the source to inspect
   * @return the video stream (none for an audio-only source) and the audio streams a transcode of {@code file} would
   *     use
   * @throws TranscodeException with a one-line message when the file is missing, empty, unreadable, not media or
   *     a playlist of other files, has neither a video stream nor a decodable audio stream, has a video codec the
   *     bundled FFmpeg cannot decode, or a picture larger than a transcode takes
   */
  public static MediaInfo probe(Path file) {
    try (Opened opened = open(file)) {
      return opened.info;
    }
  }

  /** An opened input and what was found in it; the pipeline demuxes from the same context. */
  static final class Opened implements AutoCloseable {
    final AVFormatContext context;
    final MediaInfo info;
    /** The source as the caller named it, for messages. */
    final String name;

    Opened(AVFormatContext context, MediaInfo info, String name) {
      this.context = context;
      this.info = info;
      this.name = name;
    }

    @Override
    public void close() {
      avformat_close_input(context);
    }
  }

  static Opened open(Path file) {
    Ffmpeg.load();
    String name = file.toString();
    if (!Files.exists(file)) {
      throw new TranscodeException(name + " does not exist; check the path");
    }
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new TranscodeException(name + " is not a readable regular file");
    }
    try {
      if (Files.size(file) == 0) {
        throw new TranscodeException(name + " is empty (0 bytes); give a video or audio file");
      }
    } catch (IOException e) {
      throw new TranscodeException("cannot read " + name + ": " + e.getMessage(), e);
    }
    // "file:" keeps a name such as "take2:final.mp4" or "http:x" a local file rather than a protocol's URL.
    String url = "file:" + name;
    AVInputFormat format = selfContainedFormat(name, url);
    AVFormatContext context = new AVFormatContext(null);
    AVDictionary options = new AVDictionary(null);
    av_dict_set(options, "protocol_whitelist", "file", 0);
    int ret = avformat_open_input(context, url, format, options);
    av_dict_free(options);
    if (ret < 0) {
      throw notMedia(name, ret);
    }
    try {
      ret = avformat_find_stream_info(context, (org.bytedeco.javacpp.PointerPointer<?>) null);
      if (ret < 0) {
        throw new TranscodeException(name + " has no readable streams (FFmpeg: " + Ffmpeg.errorText(ret)
            + "); the file may be truncated or corrupt");
      }
      return new Opened(context, describe(name, context), name);
    } catch (RuntimeException e) {
      avformat_close_input(context);
      throw e;
    }
  }

  /**
   * The demuxer FFmpeg's probe picks for {@code url}, the same probe {@code avformat_open_input} runs, refused where it
   * would not make a title from the file alone.
   */
  private static AVInputFormat selfContainedFormat(String name, String url) {
    AVIOContext io = new AVIOContext(null);
    int ret = avio_open(io, url, AVIO_FLAG_READ);
    if (ret < 0) {
      throw new TranscodeException("cannot read " + name + " (FFmpeg: " + Ffmpeg.errorText(ret) + ")");
    }
    AVInputFormat format = new AVInputFormat(null);
    try {
      ret = av_probe_input_buffer2(io, format, url, null, 0, 0);
    } finally {
      avio_closep(io);
    }
    if (ret < 0) {
      throw notMedia(name, ret);
    }
    String formatName = format.name().getString();
    String referencing = REFERENCING_FORMATS.get(formatName);
    if (referencing != null) {
      throw new TranscodeException(name + " is " + referencing + ", not a video or audio file; give the media itself"
          + " in one file such as MP4, MOV, MKV or WebM (remuxing with ffmpeg -c copy makes one)");
    }
    if (TEXT_ART_FORMATS.contains(formatName)) {
      throw new TranscodeException(name + " is text, not a video or audio file; give a video file such as MP4, MOV,"
          + " MKV or WebM, or an audio file such as M4A, MP3, Ogg or WAV");
    }
    return format;
  }

  private static TranscodeException notMedia(String name, int ret) {
    return new TranscodeException(name + " is not a readable media file (FFmpeg: " + Ffmpeg.errorText(ret)
        + "); give a video file such as MP4, MOV, MKV or WebM, or an audio file such as M4A, MP3, Ogg or WAV");
  }

  private static MediaInfo describe(String name, AVFormatContext context) {
    AVStream videoStream = null;
    List<AVStream> audioStreams = new ArrayList<>();
    List<String> found = new ArrayList<>();
    for (int i = 0; i < context.nb_streams(); i++) {
      AVStream stream = context.streams(i);
      AVCodecParameters par = stream.codecpar();
      String codec = avcodec_get_name(par.codec_id()).getString();
      if (par.codec_type() == AVMEDIA_TYPE_VIDEO && (stream.disposition() & AV_DISPOSITION_ATTACHED_PIC) == 0) {
        found.add("video " + codec);
        if (videoStream == null || pixels(par) > pixels(videoStream.codecpar())) {
          videoStream = stream;
        }
      } else if (par.codec_type() == AVMEDIA_TYPE_AUDIO) {
        found.add("audio " + codec + " " + par.sample_rate() + " Hz " + par.ch_layout().nb_channels() + " ch");
        audioStreams.add(stream);
      } else if (par.codec_type() != AVMEDIA_TYPE_VIDEO) {
        org.bytedeco.javacpp.BytePointer type = av_get_media_type_string(par.codec_type());
        found.add((type == null ? "data" : type.getString()) + " " + codec);
      }
    }
    List<MediaInfo.Audio> audio = decodableAudio(audioStreams);
    double duration = context.duration() == AV_NOPTS_VALUE ? 0 : (double) context.duration() / AV_TIME_BASE;
    String container = context.iformat().name().getString();
    if (videoStream == null) {
      if (audio.isEmpty()) {
        throw new TranscodeException(name + " has no video stream and no decodable audio stream (found: "
            + (found.isEmpty() ? "no streams" : String.join(", ", found))
            + "); give a video file, or an audio file in a codec such as AAC, MP3, Opus, Vorbis, FLAC or PCM");
      }
      return new MediaInfo(container, duration, null, audio);
    }
    AVCodecParameters par = videoStream.codecpar();
    String codec = avcodec_get_name(par.codec_id()).getString();
    if (avcodec_find_decoder(par.codec_id()) == null) {
      throw new TranscodeException(name + ": video codec " + codec + " cannot be decoded by the bundled FFmpeg;"
          + " convert it to H.264 or VP9 first");
    }
    if (par.width() <= 0 || par.height() <= 0) {
      throw new TranscodeException(name + ": video stream " + codec + " has no picture size; the file may be"
          + " truncated or corrupt");
    }
    if ((long) par.width() * par.height() > MAX_PICTURE_PIXELS) {
      throw new TranscodeException(String.format(Locale.ROOT, "%s: its %dx%d picture (%.1f megapixels) is larger"
          + " than the %.1f megapixels (8192x8192) taken from a source; scale it down first", name, par.width(),
          par.height(), par.width() * (double) par.height() / 1e6, MAX_PICTURE_PIXELS / 1e6));
    }
    refuseReshapedDolbyVision(name, par);
    AVRational avg = videoStream.avg_frame_rate();
    AVRational real = videoStream.r_frame_rate();
    AVRational rate = believable(avg) ? avg : believable(real) ? real : Ffmpeg.rational(30, 1);
    int rateNum = rate.num();
    int rateDen = rate.den();
    boolean variable = real.num() > 0 && avg.num() > 0
        && Math.abs((double) real.num() / real.den() - (double) avg.num() / avg.den()) > 0.01;
    AVRational sar = av_guess_sample_aspect_ratio(context, videoStream, null);
    int sarNum = sar.num() > 0 && sar.den() > 0 ? sar.num() : 1;
    int sarDen = sar.num() > 0 && sar.den() > 0 ? sar.den() : 1;
    int field = par.field_order();
    boolean interlaced = field == avcodec.AV_FIELD_TT || field == avcodec.AV_FIELD_BB
        || field == avcodec.AV_FIELD_TB || field == avcodec.AV_FIELD_BT;
    String pixelFormat = par.format() < 0 ? "unknown" : av_get_pix_fmt_name(par.format()).getString();
    long bitrate = Math.max(0, par.bit_rate());
    MediaInfo.Colour colour = RenditionColour.stated(par.color_trc(), par.color_primaries(), par.color_space());
    MediaInfo.Video video = new MediaInfo.Video(videoStream.index(), codec, par.width(), par.height(), rateNum,
        rateDen, variable, rotation(par), pixelFormat, sarNum, sarDen, interlaced, bitrate, colour);
    if (Math.max(video.displayWidth(), video.displayHeight()) > MAX_PICTURE_SIDE) {
      throw new TranscodeException(name + " shows a " + video.displayWidth() + "x" + video.displayHeight()
          + " picture (" + par.width() + "x" + par.height() + " samples at aspect ratio " + sarNum + ":" + sarDen
          + "), more than the " + MAX_PICTURE_SIDE + " pixels a side H.264 encodes; " + (sarNum == sarDen
          ? "scale it down first" : "if its sample aspect ratio is wrong, re-mux it with the right picture aspect"
          + " (ffmpeg -c copy -aspect 16:9 sets one)"));
    }
    return new MediaInfo(container, duration, video, audio);
  }

  /** The audio streams the bundled FFmpeg can decode, with their labels, in container order. */
  private static List<MediaInfo.Audio> decodableAudio(List<AVStream> audioStreams) {
    List<MediaInfo.Audio> audio = new ArrayList<>();
    for (AVStream stream : audioStreams) {
      AVCodecParameters a = stream.codecpar();
      if (avcodec_find_decoder(a.codec_id()) != null && a.sample_rate() > 0 && a.ch_layout().nb_channels() > 0) {
        int disposition = stream.disposition();
        audio.add(new MediaInfo.Audio(stream.index(), avcodec_get_name(a.codec_id()).getString(),
            a.ch_layout().nb_channels(), a.sample_rate(), LanguageTag.fromContainer(tag(stream, "language")),
            Optional.ofNullable(tag(stream, "title")).map(String::strip).filter(t -> !t.isEmpty()),
            (disposition & AV_DISPOSITION_DEFAULT) != 0, (disposition & AV_DISPOSITION_COMMENT) != 0,
            (disposition & (AV_DISPOSITION_VISUAL_IMPAIRED | AV_DISPOSITION_DESCRIPTIONS)) != 0,
            (disposition & AV_DISPOSITION_HEARING_IMPAIRED) != 0));
      }
    }
    return audio;
  }

  /** A stream metadata value, e.g. {@code language}, or null when the stream has none. */
  private static String tag(AVStream stream, String key) {
    AVDictionaryEntry entry = av_dict_get(stream.metadata(), key, null, 0);
    return entry == null || entry.value() == null ? null : entry.value().getString(UTF_8);
  }

  private static boolean believable(AVRational rate) {
    return rate.num() > 0 && rate.den() > 0 && (double) rate.num() / rate.den() <= MAX_BELIEVABLE_FPS;
  }

  private static long pixels(AVCodecParameters par) {
    return (long) par.width() * par.height();
  }

  /**
   * Refuses Dolby Vision whose base layer is compatible with no other format (signal compatibility id 0, as in
   * profile 5): its pictures are in IPTPQc2, which only the RPU's reshaping metadata turns into colours, and decoded
   * without it (the bundled FFmpeg has no reshaping) they show in purple and green. Other profiles carry a base layer
   * that plays as HDR10, SDR or HLG (ids 1, 2, 4, 6), and are transcoded from it. The configuration record is the
   * container's ({@code dvcC} in MP4, from Dolby's "Dolby Vision Streams Within the ISO Base Media File Format"; a
   * block addition mapping in Matroska), which FFmpeg exposes as an {@code AVDOVIDecoderConfigurationRecord}: profile
   * at byte 2, base layer present at 6, compatibility id at 7.
   */
  private static void refuseReshapedDolbyVision(String name, AVCodecParameters par) {
    AVPacketSideData side = av_packet_side_data_get(par.coded_side_data(), par.nb_coded_side_data(),
        AV_PKT_DATA_DOVI_CONF);
    if (side == null || side.isNull() || side.size() < 8) {
      return;
    }
    byte[] record = new byte[8];
    side.data().get(record);
    if (record[6] != 0 && record[7] == 0) {
      throw new TranscodeException(name + " is Dolby Vision profile " + record[2] + ", whose pictures show their"
          + " colours only through Dolby's reshaping, which the bundled FFmpeg does not do; export it as HDR10, HLG or"
          + " SDR, or as Dolby Vision profile 8, whose base layer plays as one of them");
    }
  }

  /**
   * The clockwise rotation a player applies, from the display matrix (ISO/IEC 14496-12 {@code tkhd} matrix):
   * {@code av_display_rotation_get} returns the counter-clockwise angle, so it is negated, as the ffmpeg command
   * line does when it auto-rotates.
   */
  private static int rotation(AVCodecParameters par) {
    AVPacketSideData side = av_packet_side_data_get(par.coded_side_data(), par.nb_coded_side_data(),
        AV_PKT_DATA_DISPLAYMATRIX);
    if (side == null || side.isNull() || side.size() < 36) {
      return 0;
    }
    double degrees = -av_display_rotation_get(new IntPointer(side.data()));
    if (Double.isNaN(degrees)) {
      return 0;
    }
    int rounded = (int) Math.round(degrees / 90.0) * 90;
    return ((rounded % 360) + 360) % 360;
  }
}
