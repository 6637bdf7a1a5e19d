package io.streamkit.server.origin;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Iterator;
import java.util.Map;

/**
 * Reads the Common Media Client Data (CTA-5004) of title requests the token gate passed — playlists, manifests and
 * segments — and hands each well-formed report with a measure to the {@link CmcdRecorder}, which stores it as a
 * {@code cmcd} playback event of the token's viewer and title (the session is the CMCD {@code sid}, else the
 * token's). So a player that sends CMCD needs no separate analytics beacon for buffer, throughput, bitrate and
 * starvations.
 *
 * <p>Both transmission modes are read (CTA-5004 §2): the {@code CMCD-*} request headers (§2.1), which a same-origin
 * player should use because they leave the URL, and so a CDN's cache key, as it is; and the {@code CMCD} query
 * parameter (§2.2), for players that cannot set headers. When a request has both, the headers are read and the
 * parameter is not, as CDNs do.
 *
 * <p><b>Never a refusal.</b> CMCD is information a player conveys alongside its request for log analysis and QoS
 * monitoring (CTA-5004 §1); the object asked for does not depend on it, and players may add keys of their own
 * (custom keys with a hyphenated prefix). Answering malformed CMCD with 400 would turn a telemetry defect into a
 * playback failure for the viewer, so the request goes on exactly as without CMCD and the report is counted as
 * malformed in {@code streamkit.origin.cmcd} instead.
 *
 * <p><b>Cost.</b> A request without CMCD pays one pass over its header names comparing a first character, and one
 * scan of its query for the parameter name: no allocation (the connection's reused headers hand out one reused
 * entry). Parsing is bounded ({@link CmcdReport}) and runs only when CMCD is present.
 */
@Sharable
final class CmcdHandler extends SimpleChannelInboundHandler<OriginRequest> {

  private final CmcdRecorder recorder;
  private final OriginMetrics metrics;

  CmcdHandler(CmcdRecorder recorder, OriginMetrics metrics) {
    super(false);
    this.recorder = recorder;
    this.metrics = metrics;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, OriginRequest request) {
    if (request.claims != null && (request.route == Route.MEDIA || request.route == Route.PLAYLIST
        || request.route == Route.MANIFEST)) {
      read(request);
    }
    ctx.fireChannelRead(request);
  }

  private void read(OriginRequest request) {
    CmcdReport report = null;
    boolean wellFormed = true;
    HttpHeaders headers = request.headers;
    // Every entry is read, none skipped: the reused headers' one iterator is free again only at the end.
    for (Iterator<Map.Entry<CharSequence, CharSequence>> i = headers.iteratorCharSequence(); i.hasNext(); ) {
      Map.Entry<CharSequence, CharSequence> header = i.next();
      if (wellFormed && isCmcdHeader(header.getKey())) {
        if (report == null) {
          report = new CmcdReport();
        }
        wellFormed = report.add(header.getValue());
      }
    }
    if (report == null) {
      String parameter = request.query.get(CmcdReport.QUERY_PARAMETER);
      if (parameter == null) {
        return;
      }
      report = new CmcdReport();
      wellFormed = report.add(parameter);
    }
    if (!wellFormed) {
      metrics.cmcd(OriginMetrics.CMCD_MALFORMED);
      return;
    }
    if (report.hasMeasures()) {
      recorder.record(request.claims, report, headers.get(HttpHeaderNames.USER_AGENT), System.currentTimeMillis());
    }
  }

  /** {@code CMCD-Object}, {@code CMCD-Request}, {@code CMCD-Session}, {@code CMCD-Status}: any {@code CMCD-} name. */
  private static boolean isCmcdHeader(CharSequence name) {
    if (name.length() <= CmcdReport.HEADER_PREFIX.length() || (name.charAt(0) | 0x20) != 'c') {
      return false;
    }
    for (int i = 1; i < CmcdReport.HEADER_PREFIX.length(); i++) {
      if ((name.charAt(i) | 0x20) != CmcdReport.HEADER_PREFIX.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
