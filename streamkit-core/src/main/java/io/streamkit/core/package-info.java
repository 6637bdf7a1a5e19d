/**
 * StreamKit's core: the catalog of titles and their workflow ({@link io.streamkit.core.title}), watch progress
 * ({@link io.streamkit.core.progress}), playback events and analytics ({@link io.streamkit.core.event},
 * {@link io.streamkit.core.analytics}), the ingest job queue ({@link io.streamkit.core.job}), playback tokens
 * ({@link io.streamkit.core.token}) and the database that keeps them ({@link io.streamkit.core.store}).
 *
 * <p>This package holds what they share: {@link io.streamkit.core.InvalidValueException}, which every value type
 * throws for a value that breaks a documented limit, the {@link io.streamkit.core.ViewerId} rule, and paging with
 * {@link io.streamkit.core.PageRequest} and {@link io.streamkit.core.Page}.
 */
package io.streamkit.core;
