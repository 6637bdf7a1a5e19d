/**
 * The {@code streamkit} command line, {@link io.streamkit.server.cli.StreamkitCli}: {@code serve} (the platform),
 * {@code token} (mint a playback token), {@code transcode} (one file to one HLS title), {@code abr-sim} (bitrate rules
 * over network traces) and {@code demo} (the platform with a published title, on this machine). {@code --help} on the
 * command or a subcommand lists its options; {@code serve}'s can also come from {@code STREAMKIT_*} environment
 * variables. Only the entry point is public, and {@link io.streamkit.server.cli.ExecutableLogging}, which Logback
 * instantiates; the subcommands are package-private.
 */
package io.streamkit.server.cli;
