package io.streamkit.server.origin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.streamkit.core.protection.ContentKey;
import io.streamkit.core.protection.ContentKeyStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers {@code POST /titles/<id>/keys/clearkey}, the W3C Clear Key licence URL of a {@code 'cbcs'} title's DASH
 * manifest, with the keys the request names (W3C Encrypted Media Extensions §9.1.3 and §9.1.4): the request is the
 * JSON a Clear Key CDM writes, {@code {"kids":["<base64url key id>",...],"type":"temporary"}}, the answer a JSON Web
 * Key Set (RFC 7517) of symmetric keys, {@code {"keys":[{"kty":"oct","kid":"...","k":"..."}],"type":"temporary"}},
 * key ids and keys in base64url without padding (RFC 7515 Appendix C).
 *
 * <p>The {@link TokenGate} has already checked the request like a key request of the same title, and
 * {@link LicenseRequestReader} has read its body. Every key id must be one of this title's: a key id of another title,
 * a malformed one or a malformed request is refused as a whole (404 or 400, saying which), so a token for one title
 * never yields another title's key. The keys are looked up off the event loop, since the store may be a database,
 * and answered {@code Cache-Control: no-store}, as {@link KeyHandler} answers a single key.
 */
@Sharable
final class ClearKeyLicenseHandler extends SimpleChannelInboundHandler<OriginRequest> {

  /** EME §9.1.3: the session type a Clear Key licence request names; a temporary session is all a player needs. */
  static final String TEMPORARY = "temporary";
  private static final Logger LOG = LoggerFactory.getLogger(ClearKeyLicenseHandler.class);
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private final ContentKeyStore keys;
  private final Executor executor;
  private final OriginMetrics metrics;

  /**
   * @param keys {@code null} for an origin that serves no encrypted titles
   * @param executor where look-ups run; {@code null} only without {@code keys}
   */
  ClearKeyLicenseHandler(ContentKeyStore keys, Executor executor, OriginMetrics metrics) {
    super(false);
    this.keys = keys;
    this.executor = executor;
    this.metrics = metrics;
  }

  /** A licence request that cannot be answered: the status, a code and one sentence saying what to send instead. */
  private static final class Refusal extends Exception {
    final HttpResponseStatus status;
    final String code;

    Refusal(HttpResponseStatus status, String code, String message) {
      super(message, null, false, false);
      this.status = status;
      this.code = code;
    }
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, OriginRequest request) {
    if (request.route != Route.LICENSE) {
      ctx.fireChannelRead(request);
      return;
    }
    String title = request.path.segment(1);
    List<String> keyIds;
    try {
      keyIds = keyIds(request.body);
    } catch (Refusal refusal) {
      refuse(ctx, request, refusal);
      return;
    }
    if (keys == null) {
      refuse(ctx, request, unknown(keyIds.get(0)));
      return;
    }
    try {
      executor.execute(() -> {
        List<ContentKey> found = new ArrayList<>();
        try {
          for (String keyId : keyIds) {
            Optional<ContentKey> key = keys.find(title, keyId);
            if (key.isEmpty()) {
              Refusal refusal = unknown(keyId);
              ctx.executor().execute(() -> refuse(ctx, request, refusal));
              return;
            }
            found.add(key.get());
          }
        } catch (RuntimeException e) {
          LOG.warn("cannot read content keys of title {} from {}: {}", title, keys.describe(), e.getMessage());
          ctx.executor().execute(() -> refuse(ctx, request, new Refusal(HttpResponseStatus.SERVICE_UNAVAILABLE,
              "key_unavailable", "the key store did not answer; retry in a few seconds")));
          return;
        }
        ctx.executor().execute(() -> answer(ctx, request, found));
      });
    } catch (RejectedExecutionException e) {
      refuse(ctx, request, new Refusal(HttpResponseStatus.SERVICE_UNAVAILABLE, "overloaded",
          "the origin is shutting down or overloaded; retry in a few seconds"));
    }
  }

  /**
   * The key ids a licence request names, as hex, in order and without repeats.
   *
   * @throws Refusal if the body is not a Clear Key licence request
   */
  static List<String> keyIds(byte[] body) throws Refusal {
    JsonNode request;
    try {
      request = Responses.MAPPER.readTree(body);
    } catch (IOException e) {
      request = null;
    }
    if (request == null || !request.isObject() || !request.path("kids").isArray()
        || request.path("kids").isEmpty()) {
      throw badRequest("the body must be a Clear Key licence request, {\"kids\":[\"<base64url key id>\"],"
          + "\"type\":\"temporary\"}");
    }
    JsonNode type = request.get("type");
    if (type != null && !TEMPORARY.equals(type.asText(null))) {
      throw badRequest("only \"type\":\"temporary\" licences are issued; ask for a temporary session");
    }
    Set<String> ids = new LinkedHashSet<>();
    int number = 0;
    for (JsonNode kid : request.get("kids")) {
      number++;
      byte[] id = kid.isTextual() ? base64url(kid.asText()) : null;
      if (id == null || id.length != ContentKey.KEY_BYTES) {
        throw badRequest("kids[" + (number - 1) + "] is not a 16-byte key id in base64url without padding");
      }
      ids.add(HexFormat.of().formatHex(id));
    }
    return List.copyOf(ids);
  }

  private static byte[] base64url(String text) {
    if (text.length() != 22 || text.contains("=")) {
      return null;
    }
    try {
      return Base64.getUrlDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static Refusal badRequest(String message) {
    return new Refusal(HttpResponseStatus.BAD_REQUEST, "bad_license_request", message);
  }

  private static Refusal unknown(String hexKeyId) {
    return new Refusal(HttpResponseStatus.NOT_FOUND, "unknown_key", "this title has no key with kid "
        + BASE64URL.encodeToString(HexFormat.of().parseHex(hexKeyId)) + "; ask for the key ids of this title's"
        + " manifest");
  }

  private void answer(ChannelHandlerContext ctx, OriginRequest request, List<ContentKey> found) {
    ObjectNode licence = Responses.MAPPER.createObjectNode();
    ArrayNode jwks = licence.putArray("keys");
    for (ContentKey key : found) {
      jwks.addObject().put("kty", "oct").put("kid", BASE64URL.encodeToString(HexFormat.of().parseHex(key.id())))
          .put("k", BASE64URL.encodeToString(key.key()));
    }
    licence.put("type", TEMPORARY);
    FullHttpResponse response = Responses.json(HttpResponseStatus.OK, licence);
    Responses.send(ctx, metrics, Route.LICENSE, response, request.keepAlive, false);
  }

  private void refuse(ChannelHandlerContext ctx, OriginRequest request, Refusal refusal) {
    Responses.error(ctx, metrics, Route.LICENSE, request.keepAlive, refusal.status, refusal.code,
        refusal.getMessage());
  }
}
