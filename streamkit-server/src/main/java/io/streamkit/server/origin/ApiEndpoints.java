package io.streamkit.server.origin;

/**
 * A family of API endpoints under {@code /api} (the management API, the viewer API). The {@link ApiHandler} asks each
 * family in turn to {@link #open} a request; the first that claims it answers it.
 */
interface ApiEndpoints {

  /**
   * Claims a request, or returns {@code null} when its path is not this family's. Runs on the event loop: it may look
   * at the method, path and headers and refuse at once by throwing {@link ApiException}, but must not block; all I/O
   * belongs in the exchange, which runs on the API executor.
   */
  ApiExchange open(ApiCall call);
}
