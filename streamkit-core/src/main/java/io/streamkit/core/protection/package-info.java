/**
 * Content protection: {@link io.streamkit.core.protection.ContentKey}, the keys that encrypt a title's segments, and
 * where they are kept.
 */
package io.streamkit.core.protection;
