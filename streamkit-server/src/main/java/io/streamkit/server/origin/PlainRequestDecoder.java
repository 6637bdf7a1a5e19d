package io.streamkit.server.origin;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The origin's request decoder: a plain {@code GET} or {@code HEAD} head, the request of a player, is read straight
 * from the connection's bytes into one request object the connection reuses ({@link PlainRequest}: its target and
 * header values are {@link HeadText} views of one reused copy of the head), so decoding it allocates nothing; every
 * other head goes, unchanged, to Netty's decoder with its framing checks ({@link FramingCheckedRequestDecoder}).
 *
 * <p>A head is plain, and read here, only when all of it is in the bytes received and it is, to the byte: {@code GET}
 * or {@code HEAD}, one space, an origin-form target of visible ASCII (RFC 9112 §3.2.1), one space, {@code HTTP/1.1},
 * and header lines {@code name:value} whose name is a token (RFC 9110 §5.6.2) and whose value is visible ASCII, spaces
 * and tabs, every line ending in CRLF, within the request line and header size limits — and none of its headers is
 * {@code Content-Length}, {@code Transfer-Encoding}, {@code Expect} or {@code Upgrade}, so it has no body and nothing
 * about its framing to decide (RFC 9112 §6.3: a request without either has a body of length zero). Such a head is
 * decoded by Netty into the same method, target, version and header values (trimmed of spaces and tabs as Netty trims
 * them), followed by an empty last content; what this decoder adds is that no object is made for it, and that the
 * request is whole in itself: no last content follows it, which would only cross the handlers before
 * {@link RequestDecoder} to be dropped there. Anything else — other methods, bodies, HTTP/1.0, obsolete line folding,
 * bare LF, control or non-ASCII bytes, a head split across reads, anything over a limit — is Netty's to accept or
 * refuse, exactly as before, and so is everything while Netty is part-way through a message: it holds state this
 * decoder does not.
 *
 * <p>The connection's one request may be read again only when nothing refers to the last one: the head is read
 * here only when the connection has no response outstanding and no pipelined request held
 * ({@link ConnectionState}, {@link RequestCycleHandler}); a request that arrives behind another is Netty's, and so
 * keeps its own objects while it waits. The {@link RequestDecoder} copies what a handler could keep past the
 * response (see {@link RequestDecoder#answeredOnLoop}).
 */
final class PlainRequestDecoder extends FramingCheckedRequestDecoder {

  private static final byte CR = '\r';
  private static final byte LF = '\n';
  private static final byte[] GET = {'G', 'E', 'T', ' '};
  private static final byte[] HEAD = {'H', 'E', 'A', 'D', ' '};
  private static final byte[] VERSION = {' ', 'H', 'T', 'T', 'P', '/', '1', '.', '1', CR, LF};
  /** Names whose presence means framing to decide or an exchange beyond one head: Netty's concern. */
  private static final String[] NOT_PLAIN = {"content-length", "transfer-encoding", "expect", "upgrade"};
  private static final boolean[] TOKEN = new boolean[128];

  static {
    for (char c = 0; c < TOKEN.length; c++) {
      TOKEN[c] = FramingCheckedRequestDecoder.isTokenCharacter(c);
    }
  }

  private final int maxLineLength;
  private final int maxHeaderBytes;
  private final PlainRequest request = new PlainRequest();
  /** The head of the connection's last plain request; grown to the largest head read here, within the limits. */
  private byte[] head = new byte[1024];
  /** Whether Netty's decoder is between messages, so that the next head may be read here instead. */
  private boolean nettyBetweenMessages = true;
  private ConnectionState state;

  /** Limits as for Netty's decoder: the request line's and the header block's. */
  PlainRequestDecoder(HttpDecoderConfig config) {
    super(config);
    this.maxLineLength = config.getMaxInitialLineLength();
    this.maxHeaderBytes = config.getMaxHeaderSize();
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
    if (state == null) {
      state = ConnectionState.of(ctx.channel());
    }
    if (nettyBetweenMessages && state.outstanding == 0 && state.held == null && readPlain(buffer)) {
      out.add(request);
      return;
    }
    super.decode(ctx, buffer, out);
    nettyBetweenMessages = endsMessage(out);
  }

  /**
   * Whether Netty's decoder is back where it starts after the messages it just gave: its last is a message's last
   * content and none failed (after a failure Netty discards the rest of the connection's bytes).
   */
  private static boolean endsMessage(List<Object> out) {
    if (out.isEmpty() || !(out.get(out.size() - 1) instanceof LastHttpContent)) {
      return false;
    }
    for (int i = 0; i < out.size(); i++) {
      if (out.get(i) instanceof HttpObject message && !message.decoderResult().isSuccess()) {
        return false;
      }
    }
    return true;
  }

  /** Reads a plain head from {@code buffer} into {@link #request}, consuming it; else consumes nothing. */
  private boolean readPlain(ByteBuf buffer) {
    int available = Math.min(buffer.readableBytes(), maxLineLength + maxHeaderBytes);
    if (available < 16) {
      return false;
    }
    byte first = buffer.getByte(buffer.readerIndex());
    if (first != 'G' && first != 'H') {
      return false;
    }
    int length = copyHead(buffer, available);
    if (length < 0) {
      return false;
    }
    byte[] bytes = head;
    HttpMethod method;
    int target;
    if (startsWith(bytes, 0, GET)) {
      method = HttpMethod.GET;
      target = GET.length;
    } else if (startsWith(bytes, 0, HEAD)) {
      method = HttpMethod.HEAD;
      target = HEAD.length;
    } else {
      return false;
    }
    int lineEnd = indexOf(bytes, target, length, LF) + 1;
    if (lineEnd >= maxLineLength || bytes[target] != '/') {
      return false;
    }
    int targetEnd = lineEnd - VERSION.length;
    if (targetEnd <= target || !startsWith(bytes, targetEnd, VERSION)) {
      return false;
    }
    for (int i = target; i < targetEnd; i++) {
      if (bytes[i] <= ' ' || bytes[i] >= 0x7f) {
        return false;
      }
    }
    if (length - lineEnd >= maxHeaderBytes) {
      return false;
    }
    request.start(method, bytes, target, targetEnd - target);
    for (int line = lineEnd; line < length - 2; ) {
      int end = indexOf(bytes, line, length, LF);
      if (end <= line || bytes[end - 1] != CR || !readHeader(bytes, line, end - 1)) {
        return false;
      }
      line = end + 1;
    }
    buffer.skipBytes(length);
    return true;
  }

  /**
   * Copies the head at the start of {@code buffer} (up to and including its empty line) into {@link #head}, at most
   * {@code available} bytes of it.
   *
   * @return the head's length, or -1 when its end is not within {@code available}
   */
  private int copyHead(ByteBuf buffer, int available) {
    int from = buffer.readerIndex();
    int copied = 0;
    while (copied < available) {
      int chunk = Math.min(available - copied, 512);
      if (copied + chunk > head.length) {
        head = Arrays.copyOf(head, Math.max(head.length * 2, copied + chunk));
      }
      buffer.getBytes(from + copied, head, copied, chunk);
      int scanFrom = Math.max(copied - 3, 0);
      copied += chunk;
      for (int i = scanFrom; i + 3 < copied; i++) {
        if (head[i] == CR && head[i + 1] == LF && head[i + 2] == CR && head[i + 3] == LF) {
          return i + 4;
        }
      }
    }
    return -1;
  }

  /** Adds the header line {@code bytes[from, to)} (without its CRLF) to {@link #request}, if it is plain. */
  private boolean readHeader(byte[] bytes, int from, int to) {
    int colon = from;
    while (colon < to && bytes[colon] != ':') {
      byte c = bytes[colon];
      if (c < 0 || !TOKEN[c]) {
        return false;
      }
      colon++;
    }
    if (colon == from || colon == to) {
      return false;
    }
    for (String name : NOT_PLAIN) {
      if (equalsIgnoreCase(bytes, from, colon, name)) {
        return false;
      }
    }
    int valueFrom = colon + 1;
    int valueTo = to;
    for (int i = valueFrom; i < valueTo; i++) {
      byte c = bytes[i];
      if ((c < ' ' && c != '\t') || c >= 0x7f) {
        return false;
      }
    }
    while (valueFrom < valueTo && (bytes[valueFrom] == ' ' || bytes[valueFrom] == '\t')) {
      valueFrom++;
    }
    while (valueTo > valueFrom && (bytes[valueTo - 1] == ' ' || bytes[valueTo - 1] == '\t')) {
      valueTo--;
    }
    request.header(bytes, from, colon - from, valueFrom, valueTo - valueFrom);
    return true;
  }

  /** By hand: for a prefix of a few bytes a loop costs less than {@link Arrays#equals}'s range checks and stub call. */
  private static boolean startsWith(byte[] bytes, int at, byte[] prefix) {
    if (at < 0 || at + prefix.length > bytes.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (bytes[at + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] bytes, int from, int to, byte b) {
    for (int i = from; i < to; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }

  private static boolean equalsIgnoreCase(byte[] bytes, int from, int to, String lowerCase) {
    if (to - from != lowerCase.length()) {
      return false;
    }
    for (int i = from; i < to; i++) {
      if ((bytes[i] | 0x20) != lowerCase.charAt(i - from)) {
        return false;
      }
    }
    return true;
  }

  /**
   * A connection's plain request, reset for each: Netty's request type, so that every handler that reads decoded
   * requests reads it as it reads Netty's, with headers ({@link ResponseHeaders}, two arrays) whose names and values
   * are {@link HeadText} views of the head. Its target is read as {@link #target()}; {@link #uri()} copies it.
   */
  static final class PlainRequest extends DefaultHttpRequest {

    private final HeadText target = new HeadText();
    private HeadText[] texts = new HeadText[0];
    private int used;

    PlainRequest() {
      super(HttpVersion.HTTP_1_1, HttpMethod.GET, "/", new ResponseHeaders());
    }

    void start(HttpMethod method, byte[] bytes, int from, int length) {
      setMethod(method);
      target.set(bytes, from, length);
      headers().clear();
      used = 0;
    }

    void header(byte[] bytes, int name, int nameLength, int value, int valueLength) {
      if (used + 2 > texts.length) {
        texts = Arrays.copyOf(texts, Math.max(16, texts.length * 2));
        for (int i = used; i < texts.length; i++) {
          texts[i] = new HeadText();
        }
      }
      HeadText nameText = texts[used++].set(bytes, name, nameLength);
      headers().add(nameText, texts[used++].set(bytes, value, valueLength));
    }

    /** The request target, read in place: valid until the connection's next request. */
    CharSequence target() {
      return target;
    }

    @Override
    public String uri() {
      return target.toString();
    }

    @Override
    public PlainRequest setUri(String uri) {
      throw new UnsupportedOperationException("a plain request's target is read in place, not set");
    }

    /** The headers copied, for a request a handler may hold past the connection's next request. */
    HttpHeaders copiedHeaders() {
      HttpHeaders copy = new DefaultHttpHeaders();
      for (Iterator<Map.Entry<CharSequence, CharSequence>> i = headers().iteratorCharSequence(); i.hasNext(); ) {
        Map.Entry<CharSequence, CharSequence> header = i.next();
        copy.add(header.getKey().toString(), header.getValue().toString());
      }
      return copy;
    }
  }
}
