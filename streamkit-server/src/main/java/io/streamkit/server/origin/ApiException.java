package io.streamkit.server.origin;

import io.netty.handler.codec.http.HttpResponseStatus;

/** A request the API refuses: the status, a short machine-readable code and one line a person can act on. */
final class ApiException extends RuntimeException {

  final HttpResponseStatus status;
  final String code;
  /** The methods to list in {@code Allow} with a 405, else {@code null}. */
  final String allow;

  ApiException(HttpResponseStatus status, String code, String message) {
    this(status, code, message, null);
  }

  private ApiException(HttpResponseStatus status, String code, String message, String allow) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.allow = allow;
  }

  static ApiException methodNotAllowed(String message, String allow) {
    return new ApiException(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed", message, allow);
  }

  static ApiException notFound(String what) {
    return new ApiException(HttpResponseStatus.NOT_FOUND, "not_found", what);
  }

  static ApiException badRequest(String message) {
    return new ApiException(HttpResponseStatus.BAD_REQUEST, "bad_request", message);
  }

  static ApiException conflict(String code, String message) {
    return new ApiException(HttpResponseStatus.CONFLICT, code, message);
  }

  static ApiException tooLarge(String message) {
    return new ApiException(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "too_large", message);
  }
}
