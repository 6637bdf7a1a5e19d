package io.streamkit.server.origin;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.streamkit.core.storage.StorageException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.IntSupplier;

/**
 * Serves segments, init segments, keys, subtitles and images under {@code /titles} (the {@link Route#MEDIA} route;
 * other requests go on down the pipeline).
 *
 * <p>Zero-copy: without TLS the body is a {@link DefaultFileRegion}, which the epoll transport sends with
 * {@code sendfile(2)} straight from the page cache; with TLS the bytes must pass through the cipher, so the body goes
 * as {@link HttpChunkedInput} chunks (as in Netty's {@code HttpStaticFileServerHandler}). On epoll the socket is
 * corked ({@code TCP_CORK}, what nginx's {@code tcp_nopush} does) from the response head until the last byte is
 * handed to the kernel, so the head travels with the first file bytes and the file goes in full-sized packets;
 * uncorking then pushes the tail at once. Bodies shorter than {@link #CORK_FROM_BYTES} go uncorked, and so do longer
 * ones while few connections are open ({@link #corks}); a small local file is sent from memory, its head and bytes
 * in one write ({@link MemoryBodies}); with TLS that also spares reading it in chunks.
 *
 * <p>HTTP semantics (RFC 9110): strong {@code ETag} from modification time and size (as nginx forms it) with
 * {@code If-None-Match} → 304 (§13.1.2), {@code If-Modified-Since} only without it (§13.1.3), single {@code Range}
 * → 206 with {@code Content-Range} (§14.4), past the end → 416 with {@code Content-Range: bytes *}{@code /size},
 * {@code If-Range} (§13.1.5) falling back to the whole file when the validator does not match. Segments never change
 * once written, so they are cacheable for a year and {@code immutable} (RFC 8246).
 *
 * <p>Titles in a media storage ({@link StoredTitles}) are served the same way from the disk cache, once the file is
 * there; their {@code ETag} and {@code Last-Modified} come from the stored object, so every origin gives the same
 * validators and a {@code 304} works behind a load balancer.
 *
 * <p>Per request cost: the response headers that depend only on the file ({@code ETag}, {@code Last-Modified},
 * {@code Content-Type}, {@code Content-Length}) are encoded once per version of a file, a {@link FileHead} kept per
 * path and used while the size and modification time read on this request still match it (a local file's are kept
 * with its {@link OpenFile}); fixed values are constants, and a corked response whose bytes all left in its flush is
 * uncorked right after it, with no promise or listener of its own. A local file is sent from the descriptor
 * {@link MediaRoot#open} keeps open, and the response head is the connection's own, reused
 * ({@link ConnectionState#fileResponse()}), with {@link ResponseHeaders}.
 */
@Sharable
final class FileHandler extends SimpleChannelInboundHandler<OriginRequest> {

  static final String IMMUTABLE = "public, max-age=31536000, immutable";
  static final int CHUNK_BYTES = 16 * 1024;
  static final long MAX_HEADS = 50_000;
  /**
   * Bodies at least this long are sent with the socket corked; shorter ones go uncorked, which measured faster on
   * loopback at 64 and at 1,000 connections for 128 KiB (benchmarks/README.md, "Small objects: from memory, and
   * uncorked"), while from 256 KiB up corking was as fast or faster.
   */
  static final long CORK_FROM_BYTES = 256 * 1024;
  /**
   * A body of at least {@link #CORK_FROM_BYTES} goes uncorked too while open connections × its length is less than
   * this: at 64 connections 256 KiB went faster uncorked (about 1.35×), at 1,000 slower (0.85×), from 2 MiB at 64
   * slower, and 1 MiB at 64 (64 MiB) alike, so it stays corked (benchmarks/README.md, "Corked only under many
   * connections").
   */
  static final long UNCORKED_BUDGET_BYTES = 64L * 1024 * 1024;

  private static final AsciiString IMMUTABLE_VALUE = AsciiString.cached(IMMUTABLE);
  /**
   * A poster is storefront art, not media: served without a token while its title is in the public catalog, and
   * made again when the title is, so a cache keeps it no longer than a playlist ({@link
   * PlaylistHandler#MAX_AGE_SECONDS}), and a title that leaves the catalog leaves the caches' shelves with it.
   */
  static final AsciiString POSTER_CACHE_CONTROL = AsciiString.cached("public, max-age="
      + PlaylistHandler.MAX_AGE_SECONDS);
  private static final Set<OpenOption> READ = Set.of(StandardOpenOption.READ);
  private static final FileAttribute<?>[] NO_ATTRIBUTES = new FileAttribute<?>[0];
  /** Ends a response's corking ({@code TCP_CORK}): the tail goes out at once. */
  private static final ChannelFutureListener UNCORK = f -> {
    if (f.channel() instanceof EpollSocketChannel epoll && epoll.isOpen()) {
      epoll.config().setTcpCork(false);
    }
  };

  /**
   * The headers one version of a file is answered with, encoded once: the version is its size and modification
   * time, and for a stored title the stored object's {@code ETag}.
   */
  record FileHead(long size, long modifiedMillis, AsciiString etag, AsciiString lastModified,
      AsciiString contentLength, AsciiString contentType, AsciiString cacheControl) {}

  private final MediaRoot root;
  private final StoredTitles stored;
  private final boolean tls;
  private final OriginMetrics metrics;
  private final MemoryBodies bodies = new MemoryBodies();
  private final IntSupplier openConnections;
  /** Keyed by the file's path; bounded, and checked against the file on every request. */
  private final Cache<Path, FileHead> heads = Caffeine.newBuilder().maximumSize(MAX_HEADS).build();

  FileHandler(MediaRoot root, boolean tls, OriginMetrics metrics) {
    this(root, null, tls, metrics, () -> 1);
  }

  /**
   * Serves from {@code stored} when it is not null, otherwise from {@code root}; {@code openConnections} tells how many
   * client connections are open now ({@link #corks}).
   */
  FileHandler(MediaRoot root, StoredTitles stored, boolean tls, OriginMetrics metrics, IntSupplier openConnections) {
    super(false);
    this.root = root;
    this.stored = stored;
    this.tls = tls;
    this.metrics = metrics;
    this.openConnections = openConnections;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, OriginRequest request) {
    if (request.route != Route.MEDIA) {
      ctx.fireChannelRead(request);
      return;
    }
    if (stored != null) {
      serveStored(ctx, request, false);
      return;
    }
    OpenFile file = root.open(request.path);
    if (file == null) {
      notFound(ctx, request);
      return;
    }
    FileHead head = file.head();
    if (head == null) {
      head = newHead(file.size(), file.modifiedMillis(), null, null, request.path);
      file.head(head);
    }
    send(ctx, request, file, head, file.body(bodies, ctx.alloc()));
  }

  /**
   * A stored title's file: from the disk cache, fetched into it first if need be (off this loop; the response then
   * continues on it), with the stored object's validators. A cached file deleted behind the cache's back is fetched
   * again once.
   */
  private void serveStored(ChannelHandlerContext ctx, OriginRequest request, boolean again) {
    CompletableFuture<StoredObjectCache.CachedObject> lookup = stored.resolve(request.path);
    if (lookup.isDone()) {
      sendStored(ctx, request, lookup, again);
    } else {
      lookup.whenCompleteAsync((object, failure) -> sendStored(ctx, request, lookup, again), ctx.executor());
    }
  }

  private void sendStored(ChannelHandlerContext ctx, OriginRequest request,
      CompletableFuture<StoredObjectCache.CachedObject> lookup, boolean again) {
    try {
      StoredObjectCache.CachedObject object;
      try {
        object = lookup.join();
      } catch (CompletionException | CancellationException e) {
        stored.answerFailure(ctx, metrics, request, e);
        return;
      }
      if (object == null) {
        notFound(ctx, request);
        return;
      }
      OpenFile file;
      try {
        FileChannel channel = FileChannel.open(object.file(), READ, NO_ATTRIBUTES);
        try {
          file = OpenFile.single(channel, object.modifiedMillis());
        } catch (IOException e) {
          channel.close();
          throw e;
        }
      } catch (IOException e) {
        stored.forget(object);
        if (again) {
          stored.answerFailure(ctx, metrics, request, new StorageException("the disk cache lost "
              + object.file() + " twice while serving it: " + e, e));
        } else {
          serveStored(ctx, request, true);
        }
        return;
      }
      FileHead head;
      try {
        head = head(object.file(), request.path, file.size(), object.modifiedMillis(), object.etag(),
            object.lastModified());
      } catch (RuntimeException e) {
        file.release();
        throw e;
      }
      send(ctx, request, file, head, null);
    } catch (RuntimeException e) {
      ctx.fireExceptionCaught(e);
    }
  }

  private void notFound(ChannelHandlerContext ctx, OriginRequest request) {
    Responses.error(ctx, metrics, request.route, request.keepAlive, HttpResponseStatus.NOT_FOUND,
        "not_found", "no such file");
  }

  /**
   * Answers with {@code file} as {@code head} describes it, its bytes from {@code body} when that is not null (the
   * file in memory), else from the descriptor; the reference to {@code file} goes to the body or here.
   */
  private void send(ChannelHandlerContext ctx, OriginRequest request, OpenFile file, FileHead head, ByteBuf body) {
    boolean handedOver = false;
    try {
      long size = head.size();
      HttpResponse response = ConnectionState.of(ctx.channel()).fileResponse();
      HttpHeaders headers = response.headers();
      headers.set(HttpHeaderNames.ETAG, head.etag())
          .set(HttpHeaderNames.LAST_MODIFIED, head.lastModified())
          .set(HttpHeaderNames.CACHE_CONTROL, head.cacheControl())
          .set(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES);

      if (HttpConditionals.notModified(request.headers, head.etag(), head.modifiedMillis())) {
        // RFC 9110 §8.6: a 304 may carry the length the 200 would have had; it also keeps the connection reusable.
        response.setStatus(HttpResponseStatus.NOT_MODIFIED);
        headers.set(HttpHeaderNames.CONTENT_LENGTH, head.contentLength());
        finish(ctx, request, response);
        return;
      }
      headers.set(HttpHeaderNames.CONTENT_TYPE, head.contentType());
      ByteRange range = HttpConditionals.rangeAllowed(request.headers, head.etag(), head.lastModified())
          ? ByteRange.parse(request.headers.get(HttpHeaderNames.RANGE), size) : null;
      if (range == ByteRange.UNSATISFIABLE) {
        response.setStatus(HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE);
        headers.set(HttpHeaderNames.CONTENT_RANGE, "bytes */" + size).remove(HttpHeaderNames.CONTENT_TYPE);
        finish(ctx, request, response);
        return;
      }
      long start = 0;
      long length = size;
      if (range != null) {
        start = range.start();
        length = range.length();
        response.setStatus(HttpResponseStatus.PARTIAL_CONTENT);
        headers.set(HttpHeaderNames.CONTENT_RANGE, "bytes " + start + '-' + range.end() + '/' + size)
            .set(HttpHeaderNames.CONTENT_LENGTH, Long.toString(length));
      } else {
        headers.set(HttpHeaderNames.CONTENT_LENGTH, head.contentLength());
      }
      if (request.isHead() || length == 0) {
        finish(ctx, request, response);
        return;
      }
      Responses.prepare(response, request.keepAlive);
      int status = response.status().code();
      if (body != null) {
        // Head and bytes leave in one writev: no cork, no sendfile (MemoryBodies).
        ctx.write(response, ctx.voidPromise());
        ctx.write(body.retainedSlice((int) start, (int) length), ctx.voidPromise());
        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT,
            Responses.lastWrite(ctx, metrics, request.route, status, length));
      } else if (tls) {
        HttpChunkedInput chunks = new HttpChunkedInput(file.chunks(start, length, CHUNK_BYTES));
        handedOver = true;
        ctx.write(response);
        ctx.writeAndFlush(chunks, Responses.lastWrite(ctx, metrics, request.route, status, length).unvoid());
      } else {
        DefaultFileRegion region = file.region(start, length);
        handedOver = true;
        boolean corked = corks(length, openConnections.getAsInt()) && ctx.channel() instanceof EpollSocketChannel;
        if (corked) {
          ((EpollSocketChannel) ctx.channel()).config().setTcpCork(true);
        }
        // No promise per write: a failed write fails the last one too, and the connection closes on it.
        ctx.write(response, ctx.voidPromise());
        ctx.write(region, ctx.voidPromise());
        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT,
            Responses.lastWrite(ctx, metrics, request.route, status, length));
        if (corked) {
          uncorkOnceWritten(ctx);
        }
      }
    } catch (IOException e) {
      ctx.fireExceptionCaught(e);
    } finally {
      if (!handedOver) {
        file.release();
      }
    }
  }

  /**
   * Ends a response's corking once its last byte is with the kernel: at once when the flush wrote everything (a link
   * that keeps up, nearly always), else when what is still queued has been written, by an empty write queued behind
   * it. So the usual response needs no promise of its own and no listener to uncork it.
   */
  private static void uncorkOnceWritten(ChannelHandlerContext ctx) {
    ChannelOutboundBuffer unwritten = ctx.channel().unsafe().outboundBuffer();
    if (unwritten == null) {
      return; // closed: nothing left to push
    }
    if (unwritten.isEmpty()) {
      ((EpollSocketChannel) ctx.channel()).config().setTcpCork(false);
    } else {
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(UNCORK);
    }
  }

  /** Whether a body of {@code length} bytes is sent corked while {@code openConnections} are open. */
  static boolean corks(long length, int openConnections) {
    return length >= CORK_FROM_BYTES && length * Math.max(1, openConnections) >= UNCORKED_BUDGET_BYTES;
  }

  /**
   * The headers of {@code file} at this size and modification time: the cached ones while they still describe it,
   * else new ones (kept for the next request). {@code size} is the open file's, so a file replaced since it was
   * checked is still answered with its own length.
   */
  private FileHead head(Path file, RequestPath path, long size, long modified, String etag, String lastModified) {
    FileHead head = heads.getIfPresent(file);
    if (head != null && head.size() == size && head.modifiedMillis() == modified
        && (etag == null || head.etag().contentEquals(etag))) {
      return head;
    }
    head = newHead(size, modified, etag, lastModified, path);
    heads.put(file, head);
    return head;
  }

  private static FileHead newHead(long size, long modified, String etag, String lastModified, RequestPath path) {
    return new FileHead(size, modified,
        new AsciiString(etag != null ? etag : '"' + Long.toHexString(modified / 1000) + '-' + Long.toHexString(size)
            + '"'),
        new AsciiString(lastModified != null ? lastModified : HttpDates.format(modified)),
        new AsciiString(Long.toString(size)), new AsciiString(MediaTypes.of(path.last())),
        PlaybackAccess.isPoster(path) ? POSTER_CACHE_CONTROL : IMMUTABLE_VALUE);
  }

  /** Sends a response without a body (304, 416, HEAD, empty file). */
  private void finish(ChannelHandlerContext ctx, OriginRequest request, HttpResponse response) {
    if (!response.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
      response.headers().set(HttpHeaderNames.CONTENT_LENGTH, HttpHeaderValues.ZERO);
    }
    Responses.prepare(response, request.keepAlive);
    ctx.write(response);
    ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT,
        Responses.lastWrite(ctx, metrics, request.route, response.status().code(), 0));
  }
}
