package io.streamkit.server.origin;

import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;

/**
 * Netty's request decoder, except that a request with both {@code Content-Length} and {@code Transfer-Encoding} is
 * marked as failed instead of quietly read as chunked. RFC 9112 §6.1: such a message "ought to be handled as an
 * error", and a server that answers it must close the connection afterwards, because an intermediary in front of
 * this origin may have framed the body by the other header: that disagreement is how request smuggling works. The
 * {@link RequestDecoder} answers the failed request 400 and closes.
 */
final class FramingCheckedRequestDecoder extends HttpRequestDecoder {

  /** The decoder result of a request whose body length is ambiguous. */
  static final class AmbiguousFramingException extends DecoderException {
    AmbiguousFramingException() {
      super("the request has both Content-Length and Transfer-Encoding", null);
    }
  }

  FramingCheckedRequestDecoder(HttpDecoderConfig config) {
    super(config);
  }

  @Override
  protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
    super.handleTransferEncodingChunkedWithContentLength(message);
    message.setDecoderResult(DecoderResult.failure(new AmbiguousFramingException()));
  }
}
