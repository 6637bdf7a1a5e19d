/**
 * Titles and their workflow: {@link io.streamkit.core.title.Title}, {@link io.streamkit.core.title.TitleStatus}
 * (UPLOADED → PROCESSING → READY → PUBLISHED, with FAILED and REJECTED), {@link io.streamkit.core.title.Rendition},
 * and the {@link io.streamkit.core.title.Catalog} port.
 */
package io.streamkit.core.title;
