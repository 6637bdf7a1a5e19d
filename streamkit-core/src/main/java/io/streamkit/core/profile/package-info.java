/**
 * Viewer profiles with parental controls: one viewer (a playback token's subject) keeps up to
 * {@link io.streamkit.core.profile.Profile#MAX_PROFILES_PER_VIEWER} {@link io.streamkit.core.profile.Profile}s, each
 * with a name and an optional most mature {@link io.streamkit.core.title.MaturityRating} it may watch. A profile has
 * its own watch progress: the progress store's viewer id for a profile is the profile's id
 * ({@link io.streamkit.core.profile.Profile#progressViewerId()}), so "continue watching" and recommendations are the
 * profile's own. The {@link io.streamkit.core.profile.Profiles} port is reached from
 * {@link io.streamkit.core.store.StreamkitStore#profiles()}.
 */
package io.streamkit.core.profile;
