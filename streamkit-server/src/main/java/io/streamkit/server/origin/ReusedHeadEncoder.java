package io.streamkit.server.origin;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.FileRegion;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpConstants;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * Netty's response encoder, except for the connection's reused file response head
 * ({@link ConnectionState#fileResponse()}): that one is encoded into one buffer the connection keeps, where Netty's
 * encoder takes a pooled buffer for every head. Taking one is cheap but not free, and at Netty's default leak
 * detection one buffer in 128 is tracked with a stack trace (about 2.9 KB, 22 B per response on average), the last
 * allocation on the cached-token path of a segment (benchmarks/README.md, "Origin per-request cost").
 *
 * <p>The bytes are Netty's: the status line and headers go through the encoder's own {@code encodeInitialLine} and
 * {@code encodeHeaders}, and a file response is framed by its {@code Content-Length}, never chunked, so its content
 * (a buffer, a file region, or HTTP contents of either) passes as it is until the last content ends the response,
 * as Netty's encoder passes it in that state. Other responses, and file responses whose status makes Netty's
 * encoder change their headers (1xx, 204, 205), are Netty's.
 *
 * <p>The buffer is written into again only when no earlier response still holds it: the transport releases its
 * reference once the bytes are written, so a reference count of one (the connection's own) means the last head has
 * left. A connection writes one response at a time ({@link RequestCycleHandler}), so on a socket it always has; where
 * it has not (a test channel that keeps what was written), the head gets a buffer of its own and the connection keeps
 * that one instead.
 */
final class ReusedHeadEncoder extends HttpResponseEncoder {

  private static final int CRLF = (HttpConstants.CR << 8) | HttpConstants.LF;
  /** Room for a file response's head (about 300 bytes with the CORS headers); the buffer grows if one needs more. */
  private static final int HEAD_BYTES = 512;

  private ConnectionState state;
  /** The buffer reused heads are encoded into, holding one reference of the connection's; {@code null} until needed. */
  private ByteBuf head;
  /** Whether a reused head went out and its response's last content has not. */
  private boolean inResponse;

  /** One per connection. */
  ReusedHeadEncoder() {}

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
    if (inResponse) {
      writeContent(ctx, msg, promise);
      return;
    }
    if (state == null) {
      state = ConnectionState.of(ctx.channel());
    }
    DefaultHttpResponse reused = state.reusedFileResponse(msg);
    if (reused != null && writtenAsIs(reused)) {
      writeHead(ctx, reused, promise);
    } else {
      super.write(ctx, msg, promise);
    }
  }

  /** Whether Netty's encoder would write this response's headers unchanged (it rewrites those of 1xx, 204, 205). */
  private static boolean writtenAsIs(HttpResponse response) {
    int code = response.status().code();
    return code >= 200 && code != 204 && code != 205;
  }

  private void writeHead(ChannelHandlerContext ctx, HttpResponse response, ChannelPromise promise) throws Exception {
    if (head == null || head.refCnt() != 1) {
      if (head != null) {
        head.release();
      }
      head = ctx.alloc().buffer(HEAD_BYTES);
    }
    head.clear();
    encodeInitialLine(head, response);
    encodeHeaders(response.headers(), head);
    ByteBufUtil.writeShortBE(head, CRLF);
    inResponse = true;
    ctx.write(head.retain(), promise);
  }

  /** Content of a response framed by its length: the bytes as they are; the last content ends the response. */
  private void writeContent(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg == LastHttpContent.EMPTY_LAST_CONTENT) {
      inResponse = false;
      ctx.write(Unpooled.EMPTY_BUFFER, promise);
    } else if (msg instanceof ByteBuf || msg instanceof FileRegion) {
      ctx.write(msg, promise);
    } else if (msg instanceof HttpContent content) {
      if (content instanceof LastHttpContent) {
        inResponse = false;
      }
      ByteBuf bytes = content.content();
      ctx.write(bytes.isReadable() ? bytes.retain() : Unpooled.EMPTY_BUFFER, promise);
      content.release();
    } else {
      ReferenceCountUtil.release(msg);
      throw new IllegalStateException("unexpected message in a response's content: " + msg.getClass().getName());
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) throws Exception {
    if (head != null) {
      head.release();
      head = null;
    }
    super.handlerRemoved(ctx);
  }
}
