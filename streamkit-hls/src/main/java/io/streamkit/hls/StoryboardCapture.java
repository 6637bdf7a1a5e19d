package io.streamkit.hls;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.swscale.SWS_AREA;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale_frame;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.DoublePointer;

/**
 * Writes the storyboard: a thumbnail of the smallest rendition every interval, laid out row by row in JPEG sprite
 * sheets of up to {@value #COLUMNS}&times;{@value #ROWS} tiles ({@code storyboard/sheet_000.jpg}, ...), and a WebVTT
 * index ({@code storyboard/storyboard.vtt}) whose cues name the tile shown during their time span as a spatial media
 * fragment, {@code sheet_000.jpg#xywh=x,y,w,h} (W3C Media Fragments URI 1.0 section 4.2.1, pixel units). This is the
 * shape thumbnail plugins and Mux's storyboard API use.
 *
 * <p>Times (W3C WebVTT section 4.1, cue timings): the tile of each interval is the first encoded frame at or after
 * its start, and its cue starts at that frame's own timestamp and ends where the next tile's starts, so the cues are
 * contiguous; the first starts at 0 and the last ends at the title's duration, known only once it is packaged
 * ({@link #finish}).
 *
 * <p>Threads: {@link #offer} runs on the smallest rendition's worker thread and writes each sheet as soon as it is
 * full, so at most one sheet of tiles is held in memory; {@link #finish} runs on the transcoding thread after that
 * worker has ended. Each tile is scaled with its own libswscale context (area averaging, as for any large
 * down-scale), freed before {@code offer} returns, so a failed transcode leaves no native state behind.
 */
final class StoryboardCapture {

  static final String DIRECTORY = "storyboard";
  static final String INDEX = "storyboard.vtt";
  /** Tile width in pixels (narrower for a smaller rendition); the height keeps the aspect ratio, rounded to even. */
  static final int TILE_WIDTH = 256;
  static final int COLUMNS = 10;
  static final int ROWS = 10;
  /** The automatic interval: every this many seconds ... */
  static final int AUTOMATIC_SECONDS = 2;
  /** ... but no more tiles than this, so a long title gets a longer interval. */
  static final int AUTOMATIC_MAX_TILES = 500;

  private static final int BLACK_LUMA = 16;
  private static final int NEUTRAL_CHROMA = 128;

  private record Tile(double seconds, byte[][] planes) {}

  /** One cue: the tile's start time, its sheet and its rectangle in that sheet. */
  private record Cue(double seconds, String sheet, int x, int y) {}

  private final Path directory;
  private final double intervalSeconds;
  private final List<Tile> pending = new ArrayList<>();
  private final List<Cue> cues = new ArrayList<>();
  private int tileWidth;
  private int tileHeight;
  private double nextSeconds;
  private int sheets;

  /**
   * @param directory the title's storyboard directory, created on the first tile
   * @param intervalSeconds seconds between tiles
   */
  StoryboardCapture(Path directory, double intervalSeconds) {
    this.directory = directory;
    this.intervalSeconds = intervalSeconds;
  }

  /** The automatic interval for a title of {@code durationSeconds}: whole seconds, at least 2. */
  static int automaticSeconds(double durationSeconds) {
    return Math.max(AUTOMATIC_SECONDS, (int) Math.ceil(Math.max(0, durationSeconds) / AUTOMATIC_MAX_TILES));
  }

  /** Called with every encoded frame of the smallest rendition (YUV 4:2:0), in order, on its worker thread. */
  void offer(AVFrame frame, double seconds) {
    if (seconds < nextSeconds) {
      return;
    }
    nextSeconds = (Math.floor(seconds / intervalSeconds) + 1) * intervalSeconds;
    if (tileWidth == 0) {
      tileWidth = Math.min(TILE_WIDTH, frame.width()) & ~1;
      tileHeight = Math.max(2, (int) Math.round((double) tileWidth * frame.height() / frame.width() / 2) * 2);
    }
    pending.add(new Tile(seconds, scale(frame)));
    if (pending.size() == COLUMNS * ROWS) {
      writeSheet();
    }
  }

  /**
   * Writes the last sheet and the index, once the title's duration is known; tiles at or past it (a container that
   * overstates its video) are left out.
   */
  void finish(double durationSeconds) {
    pending.removeIf(tile -> tile.seconds() >= durationSeconds);
    if (!pending.isEmpty()) {
      writeSheet();
    }
    cues.removeIf(cue -> cue.seconds() >= durationSeconds);
    if (cues.isEmpty()) {
      return;
    }
    StringBuilder vtt = new StringBuilder("WEBVTT\n");
    for (int i = 0; i < cues.size(); i++) {
      Cue cue = cues.get(i);
      double start = i == 0 ? 0 : cue.seconds();
      double end = i + 1 < cues.size() ? cues.get(i + 1).seconds() : durationSeconds;
      vtt.append('\n').append(timestamp(start)).append(" --> ").append(timestamp(end)).append('\n')
          .append(cue.sheet()).append("#xywh=").append(cue.x()).append(',').append(cue.y()).append(',')
          .append(tileWidth).append(',').append(tileHeight).append('\n');
    }
    try {
      Files.writeString(directory.resolve(INDEX), vtt, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the storyboard index in " + directory, e);
    }
  }

  /** WebVTT timestamp {@code hh:mm:ss.ttt} (section 4.1: hours are optional, but always written here). */
  static String timestamp(double seconds) {
    long millis = Math.round(seconds * 1000);
    return String.format(Locale.ROOT, "%02d:%02d:%02d.%03d", millis / 3_600_000, millis / 60_000 % 60,
        millis / 1000 % 60, millis % 1000);
  }

  /** Scales {@code frame} to the tile size; returns its Y, U and V planes, rows packed without padding. */
  private byte[][] scale(AVFrame frame) {
    SwsContext scaler = sws_getContext(frame.width(), frame.height(), frame.format(), tileWidth, tileHeight,
        AV_PIX_FMT_YUV420P, SWS_AREA, null, null, (DoublePointer) null);
    AVFrame tile = av_frame_alloc();
    try {
      if (scaler == null) {
        throw new TranscodeException("cannot scale " + frame.width() + "x" + frame.height() + " pictures to "
            + tileWidth + "x" + tileHeight + " storyboard tiles");
      }
      tile.width(tileWidth).height(tileHeight).format(AV_PIX_FMT_YUV420P);
      Ffmpeg.check(av_frame_get_buffer(tile, 0), "cannot allocate a storyboard tile");
      Ffmpeg.check(sws_scale_frame(scaler, tile, frame), "cannot scale a storyboard tile");
      byte[][] planes = new byte[3][];
      for (int plane = 0; plane < 3; plane++) {
        int width = plane == 0 ? tileWidth : tileWidth / 2;
        int height = plane == 0 ? tileHeight : tileHeight / 2;
        ByteBuffer source = planeBuffer(tile, plane, height);
        planes[plane] = new byte[width * height];
        for (int row = 0; row < height; row++) {
          source.get(row * tile.linesize(plane), planes[plane], row * width, width);
        }
      }
      return planes;
    } finally {
      av_frame_free(tile);
      sws_freeContext(scaler);
    }
  }

  /**
   * Lays the pending tiles out row by row in one sheet, as wide as a full row (or the tiles, when fewer) and as tall
   * as the rows used, and writes it as {@code sheet_NNN.jpg}.
   */
  private void writeSheet() {
    String name = String.format(Locale.ROOT, "sheet_%03d.jpg", sheets++);
    int columns = Math.min(COLUMNS, pending.size());
    int rows = (pending.size() + columns - 1) / columns;
    AVFrame sheet = av_frame_alloc();
    try {
      Files.createDirectories(directory);
      sheet.width(columns * tileWidth).height(rows * tileHeight).format(AV_PIX_FMT_YUV420P);
      Ffmpeg.check(av_frame_get_buffer(sheet, 0), "cannot allocate a storyboard sheet");
      for (int plane = 0; plane < 3; plane++) {
        int height = plane == 0 ? sheet.height() : sheet.height() / 2;
        ByteBuffer target = planeBuffer(sheet, plane, height);
        byte fill = (byte) (plane == 0 ? BLACK_LUMA : NEUTRAL_CHROMA);
        for (int i = 0; i < sheet.linesize(plane) * height; i++) {
          target.put(i, fill);
        }
      }
      for (int i = 0; i < pending.size(); i++) {
        Tile tile = pending.get(i);
        int x = i % columns * tileWidth;
        int y = i / columns * tileHeight;
        for (int plane = 0; plane < 3; plane++) {
          int shift = plane == 0 ? 0 : 1;
          int width = tileWidth >> shift;
          int height = tileHeight >> shift;
          ByteBuffer target = planeBuffer(sheet, plane, sheet.height() >> shift);
          for (int row = 0; row < height; row++) {
            target.put(((y >> shift) + row) * sheet.linesize(plane) + (x >> shift), tile.planes()[plane],
                row * width, width);
          }
        }
        cues.add(new Cue(tile.seconds(), name, x, y));
      }
      JpegPicture.write(sheet, directory.resolve(name), "storyboard sheet " + name);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the storyboard directory " + directory, e);
    } finally {
      av_frame_free(sheet);
    }
    pending.clear();
  }

  private static ByteBuffer planeBuffer(AVFrame frame, int plane, int height) {
    return frame.data(plane).capacity((long) frame.linesize(plane) * height).asByteBuffer();
  }
}
