package io.streamkit.server.origin;

/** What a request asks for; decided once by {@link RequestDecoder}, used for dispatch and as a metric tag. */
enum Route {
  HEALTH("health"),
  METRICS("metrics"),
  PLAYLIST("playlist"),
  /** {@code /titles/<id>/....mpd}: a DASH manifest (ISO/IEC 23009-1), personalised like a master playlist. */
  MANIFEST("manifest"),
  MEDIA("media"),
  /** {@code /titles/<id>/storyboard/storyboard.vtt}: a title's thumbnail index, its image URLs given the token. */
  STORYBOARD("storyboard"),
  /** {@code /titles/<id>/keys/<key id>}: a content key of an encrypted title, answered from the key store. */
  KEY("key"),
  /** {@code POST /titles/<id>/keys/clearkey}: a W3C Clear Key licence request for keys of a {@code 'cbcs'} title. */
  LICENSE("license"),
  /** {@code /live/<id>/...}: a live stream's playlists, parts and segments, answered by the live handler. */
  LIVE("live"),
  /** {@code /edge/authorise}: a CDN edge asking whether a viewer's token opens a title URI. */
  EDGE_AUTH("edge_auth"),
  /** The platform API under {@code /api/}: JSON requests and responses, answered by API handlers. */
  API("api"),
  /** The player and admin pages with their scripts ({@code /play}, {@code /admin}, {@code /pages}, {@code /webjars}). */
  PAGE("page"),
  /** Anything the origin does not serve, and requests refused before a route was known. */
  OTHER("other");

  private final String tag;

  Route(String tag) {
    this.tag = tag;
  }

  String tag() {
    return tag;
  }
}
