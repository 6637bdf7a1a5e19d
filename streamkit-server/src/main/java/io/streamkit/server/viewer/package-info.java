/**
 * The viewer side of the platform API, served by the origin: watch progress, "continue watching" and player events,
 * authorised by the playback token; and the admin analytics reports built on them. {@link
 * io.streamkit.server.viewer.ViewerApi} holds what the endpoints share (the write-behind progress writer, the
 * analytics, a small pool for blocking database calls); each connection gets a handler from
 * {@link io.streamkit.server.viewer.ViewerApi#newHandler()}.
 */
package io.streamkit.server.viewer;
