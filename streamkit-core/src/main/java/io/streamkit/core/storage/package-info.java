/**
 * Where media lives: the {@link io.streamkit.core.storage.MediaStorage} port, with the local file system
 * ({@link io.streamkit.core.storage.LocalStorage}, the embedded default) and S3-compatible object storage (module
 * {@code streamkit-storage-s3}) behind it; and {@link io.streamkit.core.storage.TitleVersions}, which publishes a
 * title atomically on any of them.
 */
package io.streamkit.core.storage;
