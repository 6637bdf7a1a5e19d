package io.streamkit.server.origin;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Which client address a request is checked against when it came through a proxy the operator trusts (a CDN edge, a
 * load balancer): the viewer's address from {@code X-Forwarded-For}, not the proxy's own. An IP-bound playback token
 * names the viewer's address, so behind an edge the origin would otherwise compare it with the edge's.
 *
 * <p>Design. {@code X-Forwarded-For} is a list every hop appends to, and anyone can send one, so it is believed only
 * as far as trusted hops vouch for it (what nginx's {@code real_ip_recursive on} does): the connection's peer must be
 * trusted, then the list is read from the right, skipping trusted addresses; the first address that is not trusted
 * is the client. A list that ends in anything but IP literals is not believed at all: the client stays the peer, so
 * an IP-bound token fails rather than passes. Without trusted proxies (the default) the header is ignored and the
 * cost is one null check. Addresses are literals only; nothing here resolves a name.
 */
final class TrustedProxies {

  static final String FORWARDED_FOR = "X-Forwarded-For";
  static final TrustedProxies NONE = new TrustedProxies(List.of());

  /** One trusted address or CIDR range (RFC 4632), matched on its first {@code prefix} bits. */
  private record Range(byte[] network, int prefix) {

    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int whole = prefix / 8;
      for (int i = 0; i < whole; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[whole] & mask) == (network[whole] & mask);
    }
  }

  private final List<Range> ranges;

  private TrustedProxies(List<Range> ranges) {
    this.ranges = ranges;
  }

  /**
   * Parses addresses and ranges such as {@code 10.0.0.5}, {@code 10.0.0.0/8}, {@code ::1} or {@code fd00::/8}.
   *
   * @throws IllegalArgumentException naming the first entry that is not an IP literal or CIDR range
   */
  static TrustedProxies of(List<String> entries) {
    List<Range> ranges = new ArrayList<>();
    for (String entry : entries) {
      ranges.add(parseRange(entry));
    }
    return ranges.isEmpty() ? NONE : new TrustedProxies(List.copyOf(ranges));
  }

  boolean isEmpty() {
    return ranges.isEmpty();
  }

  /** {@return the address a request from {@code peer} with these headers is checked against} */
  InetAddress client(InetAddress peer, HttpHeaders headers) {
    if (ranges.isEmpty() || peer == null || !trusts(peer.getAddress())) {
      return peer;
    }
    List<String> lines = headers.getAll(FORWARDED_FOR);
    if (lines.isEmpty()) {
      return peer;
    }
    InetAddress client = peer;
    for (int line = lines.size() - 1; line >= 0; line--) {
      String[] hops = lines.get(line).split(",");
      for (int i = hops.length - 1; i >= 0; i--) {
        byte[] hop = NetUtil.createByteArrayFromIpAddressString(hops[i].strip());
        if (hop == null) {
          return peer;
        }
        client = address(hop);
        if (!trusts(hop)) {
          return client;
        }
      }
    }
    return client;
  }

  private boolean trusts(byte[] address) {
    byte[] plain = unmapped(address);
    for (Range range : ranges) {
      if (range.contains(plain)) {
        return true;
      }
    }
    return false;
  }

  private static Range parseRange(String entry) {
    String text = entry == null ? "" : entry.strip();
    int slash = text.indexOf('/');
    byte[] network = NetUtil.createByteArrayFromIpAddressString(slash < 0 ? text : text.substring(0, slash));
    if (network == null) {
      throw new IllegalArgumentException("trusted proxy '" + entry + "' is not an IP address or CIDR range; give "
          + "a literal such as 10.0.0.5, 10.0.0.0/8 or fd00::/8");
    }
    network = unmapped(network);
    int bits = network.length * 8;
    int prefix = bits;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(text.substring(slash + 1));
      } catch (NumberFormatException e) {
        prefix = -1;
      }
      if (prefix < 0 || prefix > bits) {
        throw new IllegalArgumentException("trusted proxy '" + entry + "' has a prefix length outside 0 to " + bits);
      }
    }
    return new Range(network, prefix);
  }

  /** An IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}, RFC 4291 §2.5.5.2) as its IPv4 form. */
  private static byte[] unmapped(byte[] address) {
    if (address.length != 16) {
      return address;
    }
    for (int i = 0; i < 10; i++) {
      if (address[i] != 0) {
        return address;
      }
    }
    if (address[10] != (byte) 0xff || address[11] != (byte) 0xff) {
      return address;
    }
    return new byte[] {address[12], address[13], address[14], address[15]};
  }

  private static InetAddress address(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("an address of " + bytes.length + " bytes", e);
    }
  }
}
