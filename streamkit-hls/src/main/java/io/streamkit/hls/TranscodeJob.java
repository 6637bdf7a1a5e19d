package io.streamkit.hls;

import static org.bytedeco.ffmpeg.global.avformat.avio_size;
import static org.bytedeco.ffmpeg.global.avformat.avio_tell;

import io.streamkit.abr.ladder.FrameRate;
import io.streamkit.abr.ladder.Ladder;
import io.streamkit.abr.ladder.LadderPlanner;
import io.streamkit.abr.ladder.PlannedRendition;
import io.streamkit.abr.ladder.SourceVideo;
import io.streamkit.core.protection.ContentKey;
import io.streamkit.core.protection.ContentKeyStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import org.bytedeco.ffmpeg.avformat.AVIOContext;

/**
 * One configured transcode. {@link #run()} works on the calling thread (plus one encoder thread per rendition, for
 * the duration of the call) and publishes atomically: everything is written to a local staging directory first.
 * For a directory output it is a hidden sibling ({@code .NAME.staging-*}) renamed to the output only after the master
 * playlist is written; for a storage output the staged title is published as a new version
 * ({@link io.streamkit.core.storage.TitleVersions}) that becomes visible only once every object is written.
 * A failure or {@link #cancel()} deletes the staging directory, so the output either appears complete or not at all.
 * An encrypted title ({@link Transcoder.Builder#encryption}) is encrypted there too, before its master playlist is
 * written, so no clear segment is ever published.
 *
 * <p>Stopping: {@link #cancel()}, or interrupting the thread in {@link #run()}, ends the run with a
 * {@link CancellationException}; {@code run()} returns only once every encoder thread it started has ended and the
 * staging directory is gone, and an interrupt is left set on the calling thread.
 */
public final class TranscodeJob {

  static final long PROGRESS_INTERVAL_NANOS = 500_000_000L;

  private final Path input;
  private final TitleDestination destination;
  private final SegmentFormat format;
  private final int segmentSeconds;
  private final Ladder ladder;
  private final String preset;
  private final SegmentEncryption encryption;
  private final KeyDestination keys;
  private final boolean storyboard;
  private final int storyboardSeconds;
  private final TranscodeListener listener;
  private final List<SidecarSubtitles> subtitles;
  private final Duration maxSourceDuration;
  private volatile boolean cancelled;

  TranscodeJob(Path input, TitleDestination destination, SegmentFormat format, int segmentSeconds, Ladder ladder,
      String preset, SegmentEncryption encryption, KeyDestination keys, boolean storyboard, int storyboardSeconds,
      TranscodeListener listener, List<SidecarSubtitles> subtitles, Duration maxSourceDuration) {
    this.input = input;
    this.destination = destination;
    this.format = format;
    this.segmentSeconds = segmentSeconds;
    this.ladder = ladder;
    this.preset = preset;
    this.encryption = encryption;
    this.keys = keys;
    this.storyboard = storyboard;
    this.storyboardSeconds = storyboardSeconds;
    this.listener = listener;
    this.subtitles = subtitles;
    this.maxSourceDuration = maxSourceDuration;
  }

  /**
   * Asks a running {@link #run()} to stop; it then throws {@link CancellationException} unless the title was already
   * being published. Any thread may call.
   */
  public void cancel() {
    cancelled = true;
  }

  /**
   * Transcodes and publishes the title. Run a job once: after a successful run its output exists, so a second call
   * fails.
   *
   * @return the published title, with the measured bitrates of its renditions
   * @throws TranscodeException with a one-line message when the input cannot become a title, the output already
   *     holds a title, or writing fails
   * @throws CancellationException when {@link #cancel()} was called or the calling thread was interrupted
   */
  public TranscodeResult run() {
    long started = System.nanoTime();
    destination.refuseExisting();
    JobControl control = () -> cancelled || Thread.currentThread().isInterrupted();
    List<SubtitleTrack> subtitleTracks = new ArrayList<>();
    for (SidecarSubtitles sidecar : subtitles) {
      subtitleTracks.add(sidecar.read());
    }
    try (MediaProbe.Opened opened = MediaProbe.open(input)) {
      double maxSeconds = maxSourceDuration.toMillis() / 1000.0;
      if (opened.info.durationSeconds() > maxSeconds) {
        throw new TranscodeException(input + " lasts " + clock(opened.info.durationSeconds()) + ", longer than the "
            + clock(maxSeconds) + " this transcode takes; cut it into parts, or raise maxSourceDuration"
            + " (--max-source-hours)");
      }
      boolean audioOnly = opened.info.audioOnly();
      if (audioOnly && !subtitleTracks.isEmpty()) {
        throw new TranscodeException(input + " is audio-only (no video stream) and audio-only titles carry no"
            + " subtitles; leave out the subtitle files " + subtitles.stream().map(s -> s.file().getFileName()
            .toString()).toList());
      }
      List<PlannedRendition> plan = List.of();
      if (!audioOnly) {
        subtitleTracks.addAll(EmbeddedSubtitles.extract(input, opened.info));
        MediaInfo.Video video = opened.info.video();
        SourceVideo source = new SourceVideo(video.displayWidth(), video.displayHeight(),
            new FrameRate(video.frameRateNum(), video.frameRateDen()), video.bitrate());
        plan = LadderPlanner.plan(PerTitleLadder.forTitle(input, opened.info, ladder, source, preset, control), source);
      }
      Path staging = destination.createStaging();
      try {
        ProgressMeter meter = new ProgressMeter(opened.info.durationSeconds(), opened.context.pb(), started);
        StoryboardCapture storyboardCapture = storyboard && !audioOnly ? new StoryboardCapture(
            staging.resolve(StoryboardCapture.DIRECTORY), storyboardSeconds != Transcoder.AUTOMATIC_STORYBOARD_SECONDS
                ? storyboardSeconds : StoryboardCapture.automaticSeconds(opened.info.durationSeconds())) : null;
        TranscodePipeline.Encoded encoded = new TranscodePipeline(opened, plan, staging, format, segmentSeconds,
            preset, control, seconds -> {
              if (seconds > maxSeconds) {
                throw new TranscodeException(input + " runs past " + clock(maxSeconds) + " (it states "
                    + (opened.info.durationSeconds() > 0 ? "a duration of " + clock(opened.info.durationSeconds())
                    : "no duration") + "), longer than this transcode takes; cut it into parts, or raise"
                    + " maxSourceDuration (--max-source-hours)");
              }
              meter.decoded(seconds);
            }, storyboardCapture).run();
        if (control.cancelled()) {
          throw new CancellationException("transcode of " + input + " cancelled");
        }
        // The top video rendition, or an audio-only title's main audio rendition: its segments are the title's.
        MediaPlaylist topVideo = MediaPlaylist.read((audioOnly ? encoded.audio().get(0).directory()
            : encoded.video().get(0).directory()).resolve(HlsSegmenter.PLAYLIST));
        // Before encryption: the first video timestamp is read from the clear segments.
        // The same renditions feed the master playlist and, for a clear or 'cbcs' fMP4 title, the DASH manifest.
        List<SubtitlePackager.Rendition> subtitleRenditions = SubtitlePackager.write(staging, subtitleTracks,
            topVideo, format, TitlePackager.writesDashManifest(format, encryption.method()));
        List<ContentKey> contentKeys = switch (encryption.method()) {
          case NONE -> List.of();
          case AES_128, SAMPLE_AES -> SegmentEncryptor.encrypt(encoded, encryption, control);
        };
        if (keys != null) {
          keys.keep(contentKeys);
        }
        List<PackagedRendition> renditions = TitlePackager.write(staging, encoded, format, encryption.method(),
            contentKeys, subtitleRenditions);
        double duration = topVideo.totalSeconds();
        if (storyboardCapture != null) {
          storyboardCapture.finish(duration);
        }
        String location = destination.publish(staging);
        meter.finished();
        String dashManifest = TitlePackager.writesDashManifest(format, encryption.method())
            ? destination.titleFile(location, DashManifest.MANIFEST) : null;
        return new TranscodeResult(location, destination.titleFile(location, TitlePackager.MASTER), dashManifest,
            renditions, encoded.hasAudio(), duration, (System.nanoTime() - started) / 1e9, contentKeys);
      } finally {
        TitleDestination.deleteRecursively(staging);
      }
    }
  }

  /** {@return a duration as hours, minutes and seconds, e.g. 12:00:00} */
  private static String clock(double seconds) {
    long whole = Math.round(seconds);
    return String.format(Locale.ROOT, "%d:%02d:%02d", whole / 3600, whole / 60 % 60, whole % 60);
  }

  /** A subtitle file given to {@link Transcoder.Builder#subtitles}, checked there. */
  record SidecarSubtitles(Path file, String language, String label, boolean isDefault) {

    SubtitleTrack read() {
      return new SubtitleTrack(file.getFileName().toString(), language, label, isDefault,
          SubtitleReader.read(file), true);
    }
  }

  /** Where an encrypted title's keys are kept before it is published ({@link Transcoder.Builder#keys}). */
  record KeyDestination(ContentKeyStore store, String titleId) {

    void keep(List<ContentKey> contentKeys) {
      try {
        store.save(titleId, contentKeys);
      } catch (RuntimeException e) {
        throw new TranscodeException("cannot keep the content keys of title " + titleId + " in " + store.describe()
            + ": " + e.getMessage() + "; nothing was published", e);
      }
    }
  }

  /**
   * Turns decoded media time into throttled progress reports: the share of the source's duration decoded, or for a
   * source that states no duration (a WebM recorded by a browser's MediaRecorder, a live-written Matroska file) the
   * share of its bytes read.
   */
  private final class ProgressMeter {
    private final double durationSeconds;
    /** The source being read, on the thread that reports. */
    private final AVIOContext source;
    private final long started;
    private long frames;
    private long lastReport;
    private double mediaSeconds;

    ProgressMeter(double durationSeconds, AVIOContext source, long started) {
      this.durationSeconds = durationSeconds;
      this.source = source;
      this.started = started;
      // The first decoded frame is reported whatever System.nanoTime()'s origin (it may be any value, even negative).
      this.lastReport = started - PROGRESS_INTERVAL_NANOS;
    }

    void decoded(double seconds) {
      frames++;
      mediaSeconds = Math.max(mediaSeconds, seconds);
      long now = System.nanoTime();
      if (now - lastReport >= PROGRESS_INTERVAL_NANOS) {
        lastReport = now;
        report(Math.min(99.9, durationSeconds > 0 ? 100 * mediaSeconds / durationSeconds : 100 * shareRead()), now);
      }
    }

    private double shareRead() {
      long size = source == null || source.isNull() ? -1 : avio_size(source);
      return size > 0 ? (double) Math.max(0, avio_tell(source)) / size : 0;
    }

    void finished() {
      report(100, System.nanoTime());
    }

    private void report(double percent, long now) {
      double wall = Math.max(1e-9, (now - started) / 1e9);
      listener.onProgress(new TranscodeProgress(percent, frames / wall, mediaSeconds / wall, mediaSeconds));
    }
  }
}
