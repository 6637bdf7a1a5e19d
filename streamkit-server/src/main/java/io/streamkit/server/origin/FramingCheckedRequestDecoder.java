package io.streamkit.server.origin;

import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;

/**
 * Netty's request decoder, except that two things it would quietly accept are marked as failed:
 *
 * <ul>
 *   <li>a request with both {@code Content-Length} and {@code Transfer-Encoding}, which Netty reads as chunked.
 *       RFC 9112 §6.1: such a message "ought to be handled as an error", and a server that answers it must close the
 *       connection afterwards, because an intermediary in front of this origin may have framed the body by the
 *       other header: that disagreement is how request smuggling works;
 *   <li>a method that is not a token (RFC 9110 §9.1, §5.6.2), such as {@code HEAD} followed by NUL bytes, which Netty
 *       trims to {@code HEAD}: the answer would then have no body while a client or intermediary that read the
 *       method as sent waits for one, and the connection's answers fall out of step.
 * </ul>
 *
 * The {@link RequestDecoder} answers the failed request 400 and closes.
 */
class FramingCheckedRequestDecoder extends HttpRequestDecoder {

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
  protected HttpMessage createMessage(String[] initialLine) throws Exception {
    String method = initialLine[0];
    for (int i = 0; i < method.length(); i++) {
      if (!isTokenCharacter(method.charAt(i))) {
        throw new IllegalArgumentException("the request method is not a token (RFC 9110 section 9.1)");
      }
    }
    return super.createMessage(initialLine);
  }

  /** tchar, RFC 9110 §5.6.2. */
  static boolean isTokenCharacter(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }

  @Override
  protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
    super.handleTransferEncodingChunkedWithContentLength(message);
    message.setDecoderResult(DecoderResult.failure(new AmbiguousFramingException()));
  }
}
