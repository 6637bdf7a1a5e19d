package io.streamkit.server.origin;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The admin key as a bearer credential ({@code Authorization: Bearer <key>}), compared in constant time so response
 * timing reveals nothing about how much of a guess was right. Without a configured key nothing is authorised.
 */
final class AdminKey {

  private final byte[] expectedAuthorization;

  AdminKey(String key) {
    this.expectedAuthorization = key == null ? null : ("Bearer " + key).getBytes(StandardCharsets.UTF_8);
  }

  boolean configured() {
    return expectedAuthorization != null;
  }

  boolean authorises(HttpHeaders headers) {
    String header = headers.get(HttpHeaderNames.AUTHORIZATION);
    return expectedAuthorization != null && header != null
        && MessageDigest.isEqual(expectedAuthorization, header.getBytes(StandardCharsets.UTF_8));
  }
}
