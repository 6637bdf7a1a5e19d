package io.streamkit.server.origin;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The management API end to end on a real origin ({@link FuzzedOrigin}): any request, however its method, path,
 * query, headers (tus's {@code Upload-Length}, {@code Upload-Offset}, {@code Upload-Metadata} among them) and JSON
 * body are mangled, is answered within seconds with a status below 500, an error as one-line JSON.
 *
 * <p>And the answers keep their promises: nothing under {@code /api/titles} or {@code /api/uploads} succeeds without
 * the admin key (tus discovery by {@code OPTIONS} aside); an upload is created only for an {@code Upload-Length} that
 * is a byte count from 1 to the limit; a {@code PATCH} that is taken moves the offset from the client's
 * {@code Upload-Offset} by exactly the bytes it sent (tus 1.0.0 core protocol).
 */
class ManagementApiFuzzTest {

  private static FuzzedOrigin origin;

  @BeforeAll
  static void start() throws Exception {
    origin = new FuzzedOrigin();
  }

  @AfterAll
  static void stop() throws Exception {
    origin.close();
  }

  @FuzzTest
  void request(byte[] input) throws Exception {
    FuzzedOrigin.Exchange e = origin.exchange(input);
    if (e == null) {
      return;
    }
    origin.assertWellFormed(e);
    String what = e.method() + " " + e.target() + " -> " + e.status() + " " + e.text();
    String path = e.target().split("\\?", 2)[0];
    boolean management = path.startsWith("/api/titles") && !path.endsWith("/analytics")
        || path.startsWith("/api/uploads");
    if (management && e.status() < 300 && !e.method().equals("OPTIONS")) {
      assertThat(e.requestHeaders().get("authorization")).as(what).isEqualTo("Bearer " + FuzzedOrigin.ADMIN_KEY);
    }
    if (path.equals("/api/uploads") && e.method().equals("POST") && e.status() == 201) {
      String length = e.requestHeaders().getOrDefault("upload-length", "");
      assertThat(length).as(what).matches("[0-9]{1,18}");
      assertThat(Long.parseLong(length)).as(what).isBetween(1L, FuzzedOrigin.MAX_UPLOAD_BYTES);
      assertThat(e.headers().get("location")).as(what).matches("/api/uploads/[A-Za-z0-9_-]+");
      assertThat(e.headers().get("upload-offset")).as(what).isEqualTo("0");
    }
    if (path.startsWith("/api/uploads/") && e.method().equals("PATCH") && e.status() == 204) {
      String claimed = e.requestHeaders().getOrDefault("upload-offset", "");
      assertThat(claimed).as(what).matches("[0-9]{1,18}");
      assertThat(e.headers().get("upload-offset")).as(what)
          .isEqualTo(Long.toString(Long.parseLong(claimed) + e.requestBody().length));
    }
  }
}
