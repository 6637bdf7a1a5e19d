package io.streamkit.server.origin;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/**
 * {@code /healthz} (always open, for load balancers) and {@code /metrics} (Prometheus text exposition format 0.0.4,
 * when the origin's registry is a Prometheus one; an application that gives its own registry scrapes that instead).
 * With an admin key or a metrics key configured, {@code /metrics} requires {@code Authorization: Bearer <key>} with
 * either, compared in constant time.
 */
@Sharable
final class AdminHandler extends SimpleChannelInboundHandler<OriginRequest> {

  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final byte[] HEALTHY = "{\"status\":\"ok\"}\n".getBytes(StandardCharsets.UTF_8);

  private final MeterRegistry registry;
  private final AdminKey adminKey;
  private final AdminKey metricsKey;
  private final OriginMetrics metrics;

  AdminHandler(MeterRegistry registry, AdminKey adminKey, AdminKey metricsKey, OriginMetrics metrics) {
    super(false);
    this.registry = registry;
    this.adminKey = adminKey;
    this.metricsKey = metricsKey;
    this.metrics = metrics;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, OriginRequest request) {
    if (request.route == Route.HEALTH) {
      Responses.send(ctx, metrics, Route.HEALTH,
          Responses.full(HttpResponseStatus.OK, HEALTHY, Responses.JSON, Responses.NO_STORE),
          request.keepAlive, request.isHead());
    } else if (request.route == Route.METRICS) {
      if ((adminKey.configured() || metricsKey.configured()) && !adminKey.authorises(request.headers)
          && !metricsKey.authorises(request.headers)) {
        metrics.rejected(OriginMetrics.ADMIN_KEY);
        Responses.error(ctx, metrics, Route.METRICS, request.keepAlive, HttpResponseStatus.UNAUTHORIZED,
            "unauthorized", "this endpoint needs the " + (metricsKey.configured() ? "metrics key or the " : "")
            + "admin key as a bearer token: send Authorization: Bearer <key>");
        return;
      }
      if (!(registry instanceof PrometheusMeterRegistry prometheus)) {
        Responses.error(ctx, metrics, Route.METRICS, request.keepAlive, HttpResponseStatus.NOT_FOUND, "not_found",
            "this origin publishes its metrics to the application's own meter registry, not at /metrics");
        return;
      }
      byte[] body = prometheus.scrape().getBytes(StandardCharsets.UTF_8);
      Responses.send(ctx, metrics, Route.METRICS,
          Responses.full(HttpResponseStatus.OK, body, PROMETHEUS_TEXT, Responses.NO_STORE),
          request.keepAlive, request.isHead());
    } else {
      ctx.fireChannelRead(request);
    }
  }
}
