package io.streamkit.server.origin;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * One API request being served. The {@link ApiHandler} calls these methods on the API executor, never on the event
 * loop, one at a time and in order: {@link #begin()}, {@link #body} for each chunk of the request body, then
 * {@link #complete()}, which answers the {@link ApiCall}; or {@link #abandon()} when the connection closed first or an
 * earlier step threw. Anything thrown is turned into the JSON error a client can act on (see {@link ApiHandler}).
 */
interface ApiExchange {

  /** Bodies larger than this are refused with 413, from {@code Content-Length} at once or as the bytes arrive. */
  long maxBodyBytes();

  /** The refusal of a body declared larger than {@link #maxBodyBytes()}: says what the limit is and what to do. */
  default ApiException tooLarge(String request, long declared) {
    return ApiException.tooLarge("the request body of " + request + " is " + declared + " bytes, more than the "
        + maxBodyBytes() + " bytes it takes; send less per request");
  }

  /** Checks and prepares, before any body byte is taken (an {@code Expect: 100-continue} waits for this). */
  default void begin() throws Exception {}

  /** Takes one chunk of the body; the chunk is released afterwards. */
  default void body(ByteBuf chunk) throws Exception {}

  /** The whole body has arrived: answer the call. */
  void complete() throws Exception;

  /** The exchange ends without {@link #complete()}: undo what {@link #begin()} prepared. */
  default void abandon() {}

  /** An exchange that holds a small body in memory and hands it to {@code completion}. */
  static ApiExchange withBody(int maxBytes, BodyCompletion completion) {
    return new ApiExchange() {
      private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

      @Override
      public long maxBodyBytes() {
        return maxBytes;
      }

      @Override
      public void body(ByteBuf chunk) throws IOException {
        if (bytes.size() + chunk.readableBytes() > maxBytes) {
          throw ApiException.tooLarge("the request body is larger than " + maxBytes + " bytes; send less per request");
        }
        chunk.readBytes(bytes, chunk.readableBytes());
      }

      @Override
      public void complete() throws Exception {
        completion.complete(bytes.toByteArray());
      }
    };
  }

  /** An exchange without a body (one sent anyway is refused past {@code maxBytes}, else ignored). */
  static ApiExchange withoutBody(Completion completion) {
    return withBody(ApiHandler.IGNORED_BODY_BYTES, body -> completion.complete());
  }

  /** The answer to a request whose body is in memory. */
  @FunctionalInterface
  interface BodyCompletion {
    void complete(byte[] body) throws Exception;
  }

  /** The answer to a request without a body. */
  @FunctionalInterface
  interface Completion {
    void complete() throws Exception;
  }
}
