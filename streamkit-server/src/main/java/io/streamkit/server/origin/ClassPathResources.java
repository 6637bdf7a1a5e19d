package io.streamkit.server.origin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Class-path files read once and kept in memory with their content type and a strong ETag (a SHA-256 prefix of the
 * bytes). Only files that exist are remembered, so requests for missing names cannot grow the map; the names that
 * can exist are the few files this server ships with.
 */
final class ClassPathResources {

  /** Larger than hls.js's unminified build; anything bigger does not belong in a page. */
  static final int MAX_RESOURCE_BYTES = 4 * 1024 * 1024;

  record Resource(byte[] bytes, String contentType, String etag) {}

  private final ClassLoader loader;
  private final Map<String, Resource> loaded = new ConcurrentHashMap<>();

  ClassPathResources(ClassLoader loader) {
    this.loader = loader;
  }

  /** The resource at this class-path name, or {@code null} when there is none. */
  Resource get(String name) {
    Resource resource = loaded.get(name);
    if (resource == null) {
      resource = read(name);
      if (resource != null) {
        loaded.putIfAbsent(name, resource);
      }
    }
    return resource;
  }

  private Resource read(String name) {
    try (InputStream in = loader.getResourceAsStream(name)) {
      if (in == null) {
        return null;
      }
      byte[] bytes = in.readNBytes(MAX_RESOURCE_BYTES + 1);
      if (bytes.length > MAX_RESOURCE_BYTES) {
        throw new IllegalStateException("class-path resource " + name + " is larger than "
            + MAX_RESOURCE_BYTES + " bytes; pages serve only small files");
      }
      return new Resource(bytes, contentType(name), etag(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read class-path resource " + name, e);
    }
  }

  static String contentType(String name) {
    if (name.endsWith(".html")) {
      return "text/html; charset=utf-8";
    }
    if (name.endsWith(".js")) {
      return "text/javascript; charset=utf-8";
    }
    if (name.endsWith(".css")) {
      return "text/css; charset=utf-8";
    }
    if (name.endsWith(".map")) {
      return "application/json; charset=utf-8";
    }
    return "application/octet-stream";
  }

  private static String etag(byte[] bytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
    }
  }
}
