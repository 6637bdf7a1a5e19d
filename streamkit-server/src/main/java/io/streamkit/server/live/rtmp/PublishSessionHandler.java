package io.streamkit.server.live.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

/**
 * A publisher's NetConnection and NetStream commands (RTMP spec §7.2) and its media, one handler per connection.
 *
 * <p>The exchange FFmpeg and OBS perform, and the answers they wait for:
 *
 * <pre>
 *  connect(app)         → Window Acknowledgement Size, Set Peer Bandwidth, Set Chunk Size,
 *                         _result NetConnection.Connect.Success                                   §7.2.1.1
 *  releaseStream(key)   → (no answer needed)
 *  FCPublish(key)       → onFCPublish
 *  createStream         → _result with message stream id 1                                        §7.2.1.3
 *  publish(key)         → onStatus NetStream.Publish.Start, or .BadName / .Failed and a close     §7.2.2.6
 *  audio, video, data   → FLV tags on the publication's media stream                              §7.1.2, §7.1.5
 *  FCUnpublish, deleteStream → end of the media stream                                            §7.2.2.3
 *  play                 → onStatus NetStream.Play.Failed and a close (this server only ingests)
 * </pre>
 *
 * <p>Live means real time: a publisher whose media timestamps run ahead of the wall clock since {@code publish} by
 * more than the configured lead (a file pushed without {@code -re}) is closed, as no live output could keep up with it.
 * The lead is measured from the first audio or video timestamp, so a publisher may start at any timestamp.
 */
final class PublishSessionHandler extends ChannelInboundHandlerAdapter {

  /** The message stream id given to the one stream a publisher creates. */
  static final int STREAM_ID = 1;
  /** The acknowledgement window announced to the publisher (as nginx-rtmp's default). */
  static final int WINDOW = 5_000_000;
  /** The chunk size this side writes with. */
  static final int OUT_CHUNK_SIZE = 4096;

  /** The AMF0 string "@setDataFrame" as it starts a data message. */
  private static final ByteBuf SET_DATA_FRAME = Unpooled.unreleasableBuffer(amf0("@setDataFrame"));

  private final RtmpConnection connection;
  private final RtmpPublishers publishers;
  private final ConcurrentMap<String, RtmpConnection> live;
  private final long maxLeadMillis;
  private final LongSupplier nanoTime;
  private String app;
  private String liveKey;
  private RtmpPublication publication;
  private FlvMediaStream media;
  private long publishedAtNanos;
  private long firstMediaTimestamp = -1;
  private boolean ended;

  PublishSessionHandler(RtmpConnection connection, RtmpPublishers publishers, ConcurrentMap<String, RtmpConnection> live,
      long maxLeadMillis, LongSupplier nanoTime) {
    this.connection = connection;
    this.publishers = publishers;
    this.live = live;
    this.maxLeadMillis = maxLeadMillis;
    this.nanoTime = nanoTime;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (!(msg instanceof RtmpMessage message)) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      switch (message.typeId) {
        case RtmpMessage.COMMAND_AMF0 -> command(ctx, message.payload);
        case RtmpMessage.COMMAND_AMF3 -> {
          // An AMF3 command message starts with a format byte, 0 for the AMF0 encoding every publisher uses.
          message.payload.skipBytes(Math.min(1, message.payload.readableBytes()));
          command(ctx, message.payload);
        }
        case RtmpMessage.AUDIO, RtmpMessage.VIDEO -> media(message);
        case RtmpMessage.DATA_AMF0 -> data(message);
        default -> { } // shared objects, aggregates, AMF3 data: nothing a publisher of audio and video needs
      }
    } finally {
      message.release();
    }
  }

  private void command(ChannelHandlerContext ctx, ByteBuf body) throws Amf0.MalformedException {
    List<Object> values = Amf0.readAll(body);
    if (values.size() < 2 || !(values.get(0) instanceof String name) || !(values.get(1) instanceof Double txn)) {
      throw new Amf0.MalformedException("a command must start with a name and a transaction id, got " + values);
    }
    if (app == null && !name.equals("connect")) {
      throw new Amf0.MalformedException("command " + name + " before connect");
    }
    switch (name) {
      case "connect" -> connect(ctx, txn, values.size() > 2 ? values.get(2) : null);
      case "FCPublish" -> send(ctx, 0, RtmpMessage.COMMAND_AMF0, "onFCPublish", 0, Amf0.NULL,
          status("status", "NetStream.Publish.Start", "FCPublish " + argument(values, 3)));
      case "createStream" -> send(ctx, 0, RtmpMessage.COMMAND_AMF0, "_result", txn, Amf0.NULL, STREAM_ID);
      case "publish" -> publish(ctx, argument(values, 3));
      case "FCUnpublish", "deleteStream", "closeStream" -> end();
      case "play", "play2" -> refuse(ctx, "NetStream.Play.Failed",
          "this server only accepts publishers, not players");
      default -> { } // releaseStream, getStreamLength, _checkbw...: nothing to answer that a publisher waits for
    }
  }

  private static String argument(List<Object> values, int index) {
    return values.size() > index && values.get(index) instanceof String s ? s : "";
  }

  private void connect(ChannelHandlerContext ctx, double txn, Object commandObject) throws Amf0.MalformedException {
    if (app != null) {
      throw new Amf0.MalformedException("a second connect on one connection");
    }
    app = commandObject instanceof Map<?, ?> map && map.get("app") instanceof String a ? a : "";
    send(ctx, 0, RtmpMessage.WINDOW_ACK_SIZE, WINDOW);
    send(ctx, 0, RtmpMessage.SET_PEER_BANDWIDTH, WINDOW, 2); // limit type 2: dynamic (§5.4.5)
    send(ctx, 0, RtmpMessage.SET_CHUNK_SIZE, OUT_CHUNK_SIZE);
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("fmsVer", "FMS/3,0,1,123");
    properties.put("capabilities", 31);
    Map<String, Object> information = status("status", "NetConnection.Connect.Success", "Connection succeeded.");
    information.put("objectEncoding", 0);
    send(ctx, 0, RtmpMessage.COMMAND_AMF0, "_result", txn, properties, information);
  }

  private void publish(ChannelHandlerContext ctx, String streamKey) {
    if (publication != null || ended) {
      refuse(ctx, "NetStream.Publish.BadName", "this connection has already published");
      return;
    }
    if (streamKey.isEmpty()) {
      refuse(ctx, "NetStream.Publish.BadName", "publish without a stream key");
      return;
    }
    String key = app + "/" + streamKey;
    if (alreadyPublishing(ctx, key, live.get(key))) {
      return;
    }
    CompletionStage<Optional<String>> decision;
    try {
      decision = publishers.authorize(app, streamKey, connection.client);
    } catch (RuntimeException e) {
      decision = CompletableFuture.completedFuture(Optional.of("authorisation failed: " + e));
    }
    CompletableFuture<Optional<String>> answer = decision.toCompletableFuture();
    if (answer.isDone()) {
      authorised(ctx, streamKey, key, refusal(answer));
      return;
    }
    // Nothing more is read until the application has decided; its answer continues on this connection's loop.
    ctx.channel().config().setAutoRead(false);
    answer.whenComplete((refusal, failure) -> ctx.executor().execute(() -> {
      ctx.channel().config().setAutoRead(true);
      if (ctx.channel().isActive() && !ended) {
        authorised(ctx, streamKey, key, refusal(answer));
      }
    }));
  }

  /** The application's answer; a failed or empty-handed one refuses. */
  private static Optional<String> refusal(CompletableFuture<Optional<String>> answer) {
    try {
      Optional<String> refusal = answer.join();
      return refusal == null ? Optional.empty() : refusal;
    } catch (RuntimeException e) {
      return Optional.of("authorisation failed: " + (e.getCause() != null ? e.getCause() : e));
    }
  }

  private void authorised(ChannelHandlerContext ctx, String streamKey, String key, Optional<String> refusal) {
    if (refusal.isPresent()) {
      refuse(ctx, "NetStream.Publish.Failed", "publish refused: " + refusal.get(),
          "publish of " + RtmpConnection.printable(key) + " refused: " + RtmpConnection.printable(refusal.get()));
      return;
    }
    // Checked again: another connection may have taken the key while this one was being authorised.
    if (alreadyPublishing(ctx, key, live.putIfAbsent(key, connection))) {
      return;
    }
    liveKey = key;
    media = new FlvMediaStream(connection);
    connection.publishing(media);
    publication = new RtmpPublication(app, streamKey, connection, media);
    publishedAtNanos = nanoTime.getAsLong();
    send(ctx, STREAM_ID, RtmpMessage.COMMAND_AMF0, "onStatus", 0, Amf0.NULL,
        status("status", "NetStream.Publish.Start", streamKey + " is now published."));
    publishers.publishing(publication);
  }

  private boolean alreadyPublishing(ChannelHandlerContext ctx, String key, RtmpConnection holder) {
    if (holder == null) {
      return false;
    }
    refuse(ctx, "NetStream.Publish.BadName", "this stream key is already publishing",
        "stream key " + RtmpConnection.printable(key) + " is already publishing from " + holder.describe());
    return true;
  }

  private void refuse(ChannelHandlerContext ctx, String code, String reason) {
    refuse(ctx, code, reason, reason);
  }

  /** Answers {@code code} with {@code description}, then closes with {@code reason} (which may say more) logged. */
  private void refuse(ChannelHandlerContext ctx, String code, String description, String reason) {
    releaseKey();
    ended = true;
    connection.closeAfter(() -> ctx.writeAndFlush(message(STREAM_ID, RtmpMessage.COMMAND_AMF0, "onStatus", 0,
        Amf0.NULL, status("error", code, description))), reason);
  }

  private void media(RtmpMessage message) {
    if (publication == null || ended) {
      return;
    }
    if (firstMediaTimestamp < 0) {
      firstMediaTimestamp = message.timestamp;
    }
    long mediaMillis = message.timestamp - firstMediaTimestamp;
    long wallMillis = (nanoTime.getAsLong() - publishedAtNanos) / 1_000_000;
    if (mediaMillis - wallMillis > maxLeadMillis) {
      String reason = "media timestamps lead real time by " + (mediaMillis - wallMillis) + " ms, more than the "
          + maxLeadMillis + " ms allowed: publish in real time (ffmpeg -re)";
      connection.close(reason);
      return;
    }
    media.tag(message.typeId, message.timestamp, message.payload);
  }

  private void data(RtmpMessage message) {
    if (publication == null || ended) {
      return;
    }
    ByteBuf body = message.payload;
    // "@setDataFrame" asks the server to keep what follows (onMetaData and its object) as the stream's data: in FLV
    // that is the script tag itself. Other data messages (onCuePoint...) pass through as they are.
    if (ByteBufUtil.equals(body, body.readerIndex(), SET_DATA_FRAME, 0, SET_DATA_FRAME.readableBytes())) {
      body.skipBytes(SET_DATA_FRAME.readableBytes());
    }
    media.tag(RtmpMessage.DATA_AMF0, message.timestamp, body);
  }

  /** The publisher ended its publication: the reader sees the end of the stream. */
  private void end() {
    if (publication != null && !ended) {
      media.finish();
    }
    ended = true;
    releaseKey();
  }

  private void releaseKey() {
    if (liveKey != null) {
      live.remove(liveKey, connection);
      liveKey = null;
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent) {
      // A socket paused by backpressure is silent by this server's choice, not the publisher's.
      if (ctx.channel().config().isAutoRead()) {
        connection.close("nothing received within the idle timeout");
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (media != null) {
      media.fail("the publisher's connection was lost before the publication ended");
    }
    releaseKey();
    ctx.fireChannelInactive();
  }

  private static Map<String, Object> status(String level, String code, String description) {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("level", level);
    info.put("code", code);
    info.put("description", description);
    return info;
  }

  private static void send(ChannelHandlerContext ctx, int streamId, int typeId, Object... values) {
    ctx.writeAndFlush(message(streamId, typeId, values));
  }

  private static ByteBuf amf0(Object... values) {
    ByteBuf buf = Unpooled.buffer();
    Amf0.write(buf, values);
    return buf;
  }

  private static RtmpMessage message(int streamId, int typeId, Object... values) {
    ByteBuf payload;
    if (typeId == RtmpMessage.COMMAND_AMF0) {
      payload = amf0(values);
    } else {
      payload = Unpooled.buffer(5);
      // Protocol control messages: 32-bit values, then (Set Peer Bandwidth) the one-byte limit type (§5.4).
      payload.writeInt(((Number) values[0]).intValue());
      if (values.length > 1) {
        payload.writeByte(((Number) values[1]).intValue());
      }
    }
    return new RtmpMessage(typeId, streamId, 0, payload);
  }
}
