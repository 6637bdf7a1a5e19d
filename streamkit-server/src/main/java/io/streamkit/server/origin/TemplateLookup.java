package io.streamkit.server.origin;

import io.netty.channel.ChannelHandlerContext;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Finds the parsed template a request names — a playlist, a DASH manifest or a storyboard index — in the media root,
 * or in a stored title's disk cache ({@link StoredTitles}, parsed when it arrived there), and hands it to the
 * handler's responder on the connection's event loop; {@code null} when there is no such file. A failed storage
 * look-up is answered here.
 */
final class TemplateLookup {

  /** Answers a request with the template found, or with a 404 when it is {@code null}. */
  interface Responder {
    void respond(ChannelHandlerContext ctx, OriginRequest request, PlaylistCache.Parsed parsed);
  }

  private final MediaRoot root;
  private final StoredTitles stored;
  private final PlaylistCache templates;
  private final OriginMetrics metrics;

  /** Looks in {@code stored} when it is not null, otherwise in {@code root}. */
  TemplateLookup(MediaRoot root, StoredTitles stored, PlaylistCache templates, OriginMetrics metrics) {
    this.root = root;
    this.stored = stored;
    this.templates = templates;
    this.metrics = metrics;
  }

  void find(ChannelHandlerContext ctx, OriginRequest request, Responder responder) {
    if (stored == null) {
      MediaRoot.File file = root.resolveTrusted(request.path);
      responder.respond(ctx, request, file == null ? null : templates.get(file.path(), file.attributes()));
      return;
    }
    CompletableFuture<StoredObjectCache.CachedObject> lookup = stored.resolve(request.path);
    if (lookup.isDone()) {
      respondStored(ctx, request, lookup, responder);
    } else {
      lookup.whenCompleteAsync((object, failure) -> respondStored(ctx, request, lookup, responder), ctx.executor());
    }
  }

  private void respondStored(ChannelHandlerContext ctx, OriginRequest request,
      CompletableFuture<StoredObjectCache.CachedObject> lookup, Responder responder) {
    try {
      StoredObjectCache.CachedObject object;
      try {
        object = lookup.join();
      } catch (CompletionException | CancellationException e) {
        stored.answerFailure(ctx, metrics, request, e);
        return;
      }
      responder.respond(ctx, request, object == null ? null : templates.get(object.file(), object.attributes()));
    } catch (RuntimeException e) {
      ctx.fireExceptionCaught(e);
    }
  }
}
