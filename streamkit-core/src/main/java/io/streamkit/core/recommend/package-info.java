/**
 * Recommendations from watch progress: {@link io.streamkit.core.recommend.Recommender} precomputes item-to-item
 * co-watching similarities and time-decayed popularity into the store, and answers each viewer's
 * {@link io.streamkit.core.recommend.Recommendations} ("for you", "because you watched", "popular now") from them,
 * leaving out as they are read what the viewer may not watch now (availability window, a maximum rating, categories).
 */
package io.streamkit.core.recommend;
