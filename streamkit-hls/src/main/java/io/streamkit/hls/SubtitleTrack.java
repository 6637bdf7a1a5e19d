package io.streamkit.hls;

import java.util.List;

/**
 * A subtitle track to package: from a sidecar file ({@link Transcoder.Builder#subtitles}) or a text subtitle
 * stream of the source ({@link EmbeddedSubtitles}).
 *
 * @param origin names the track in error messages: the sidecar's file name, or the source and stream
 * @param language BCP 47 language tag (RFC 5646), {@code und} when unknown
 * @param name the label players show (the {@code NAME} of RFC 8216 section 4.3.4.1)
 * @param isDefault whether players should show it without being asked ({@code DEFAULT=YES})
 * @param cues the cues in source order
 * @param sidecar whether the cues came from a file the user gave: a cue starting after the video's end is then an
 *     error worth stopping for (the file likely belongs to another cut), while a source's own stream is trimmed
 */
record SubtitleTrack(String origin, String language, String name, boolean isDefault, List<SubtitleCue> cues,
    boolean sidecar) {}
