package io.streamkit.hls;

/**
 * A progress report.
 *
 * @param percent 0 to 100, from the decoded media time over the source duration
 * @param framesPerSecond source frames decoded (and handed to every rendition) per wall-clock second
 * @param speed media seconds per wall-clock second ({@code 2.0} means twice real time)
 * @param mediaSeconds media time reached
 */
public record TranscodeProgress(double percent, double framesPerSecond, double speed, double mediaSeconds) {}
