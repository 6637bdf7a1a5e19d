/**
 * The reference server: {@link io.streamkit.server.StreamkitPlatform} starts store, ingest workers and the origin
 * together in one process, as {@code streamkit serve} does; the origin itself is in
 * {@link io.streamkit.server.origin}, the command line in {@link io.streamkit.server.cli}.
 */
package io.streamkit.server;
