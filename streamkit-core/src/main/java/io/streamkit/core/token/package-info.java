/**
 * Playback tokens: one signed JWT per playback session that opens one title (master playlist, media playlists, init
 * segments, segments, keys) until it expires.
 *
 * <p>Mint with {@link io.streamkit.core.token.PlaybackTokenSigner}, verify with
 * {@link io.streamkit.core.token.PlaybackTokenVerifier}; the grant is {@link io.streamkit.core.token.PlaybackClaims}.
 * HS256 (shared secret, at least 32 bytes) is the default; ES256 lets an application keep the private key while
 * origins hold only the public key ({@link io.streamkit.core.token.PemKeys} reads both from PEM files). Key ids are
 * the keys' RFC 7638 JWK thumbprints, so rotation needs no registry and other JOSE libraries compute the same ids.
 */
package io.streamkit.core.token;
