package io.streamkit.hls;

/**
 * A progress report handed to a {@link TranscodeListener}; rates are averages since the run started.
 *
 * @param percent 0 to 100, from the decoded media time over the source duration; at most 99.9 until the title is
 *     published, then exactly 100; 0 throughout when the source does not state its duration
 * @param framesPerSecond source frames decoded (and handed to every rendition) per wall-clock second; for an
 *     audio-only source, decoded audio frames of its main track
 * @param speed media seconds per wall-clock second ({@code 2.0} means twice real time)
 * @param mediaSeconds media time reached, in seconds
 */
public record TranscodeProgress(double percent, double framesPerSecond, double speed, double mediaSeconds) {}
