package io.streamkit.server.origin;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The least a Netty HTTP/1.1 server does to answer a file request, as a floor under the origin's per-request cost in
 * {@code benchmarks/origin-vs-nginx.sh} ({@code NETTY_FLOOR=1}): the origin's transport (epoll, one event loop per core,
 * {@code TCP_NODELAY}) and its delivery choices (a file of at most {@link MemoryBodies#MAX_FILE_BYTES} from memory with
 * its head in one write, a larger one by {@code sendfile} corked as {@link FileHandler#corks} decides), behind Netty's
 * own {@link HttpServerCodec} and {@link HttpServerKeepAliveHandler}, and nothing else: no token, no path containment,
 * no conditional requests or ranges, no metrics, limits, timeouts or cross-origin headers. The files are opened once
 * and kept open. What the origin spends per request above this server is what StreamKit's handlers cost; what this
 * server spends above nginx is Netty's and the JVM's.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.streamkit.server.origin.NettyFloorServer PORT DIRECTORY
 * </pre>
 */
public final class NettyFloorServer {

  private static final AsciiString CACHE_CONTROL = AsciiString.cached(FileHandler.IMMUTABLE);

  private NettyFloorServer() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 2) {
      System.err.println("usage: NettyFloorServer PORT DIRECTORY (serves DIRECTORY's files on 127.0.0.1:PORT)");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    Path root = Path.of(args[1]).toAbsolutePath().normalize();
    AtomicInteger open = new AtomicInteger();
    StaticFiles files = new StaticFiles(root, open);
    EpollEventLoopGroup boss = new EpollEventLoopGroup(1);
    EpollEventLoopGroup workers = new EpollEventLoopGroup(Runtime.getRuntime().availableProcessors());
    Channel server = new ServerBootstrap().group(boss, workers).channel(EpollServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 4096)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<EpollSocketChannel>() {
          @Override
          protected void initChannel(EpollSocketChannel ch) {
            open.incrementAndGet();
            ch.closeFuture().addListener(f -> open.decrementAndGet());
            ch.pipeline().addLast(new HttpServerCodec(), new HttpServerKeepAliveHandler(), files);
          }
        })
        .bind("127.0.0.1", port).sync().channel();
    System.out.println("serving " + root + " on 127.0.0.1:" + port);
    server.closeFuture().sync();
  }

  /** A file opened once: its descriptor, and its bytes when it is small enough to go from memory. */
  private record Served(FileChannel channel, long size, ByteBuf bytes, AsciiString length, AsciiString etag) {}

  @Sharable
  private static final class StaticFiles extends SimpleChannelInboundHandler<HttpRequest> {
    private static final ChannelFutureListener UNCORK = f -> ((EpollSocketChannel) f.channel()).config()
        .setTcpCork(false);

    private final Path root;
    private final AtomicInteger open;
    private final Map<String, Served> served = new ConcurrentHashMap<>();

    StaticFiles(Path root, AtomicInteger open) {
      this.root = root;
      this.open = open;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpRequest request) {
      String uri = request.uri();
      int query = uri.indexOf('?');
      String path = query < 0 ? uri : uri.substring(0, query);
      Served file = served.computeIfAbsent(path, this::open);
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      if (file == null) {
        HttpResponse notFound = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_FOUND);
        notFound.headers().set(HttpHeaderNames.CONTENT_LENGTH, HttpHeaderValues.ZERO);
        HttpUtil.setKeepAlive(notFound, keepAlive);
        ctx.writeAndFlush(notFound);
        return;
      }
      HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      response.headers().set(HttpHeaderNames.CONTENT_LENGTH, file.length())
          .set(HttpHeaderNames.CONTENT_TYPE, MediaTypes.of(path))
          .set(HttpHeaderNames.ETAG, file.etag())
          .set(HttpHeaderNames.CACHE_CONTROL, CACHE_CONTROL);
      HttpUtil.setKeepAlive(response, keepAlive);
      if (file.bytes() != null) {
        ctx.write(response, ctx.voidPromise());
        ctx.write(file.bytes().retainedDuplicate(), ctx.voidPromise());
        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT, ctx.voidPromise());
        return;
      }
      EpollSocketChannel channel = (EpollSocketChannel) ctx.channel();
      boolean corked = FileHandler.corks(file.size(), open.get());
      if (corked) {
        channel.config().setTcpCork(true);
      }
      ctx.write(response, ctx.voidPromise());
      ctx.write(new SharedRegion(file.channel(), file.size()), ctx.voidPromise());
      if (corked) {
        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(UNCORK);
      } else {
        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT, ctx.voidPromise());
      }
    }

    /** The file {@code path} names under the root, opened; {@code null} when there is none (not kept). */
    private Served open(String path) {
      Path file = root.resolve(path.substring(1)).normalize();
      if (!file.startsWith(root) || !Files.isRegularFile(file)) {
        return null;
      }
      try {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        long size = channel.size();
        ByteBuf bytes = null;
        if (MemoryBodies.fits(size)) {
          bytes = Unpooled.unreleasableBuffer(Unpooled.directBuffer((int) size));
          while (bytes.isWritable() && bytes.writeBytes(channel, bytes.writerIndex(), bytes.writableBytes()) > 0) {
            // a local file's read is normally whole; loop in case it is not
          }
        }
        return new Served(channel, size, bytes, AsciiString.of(Long.toString(size)),
            AsciiString.of('"' + Long.toHexString(size) + '"'));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** A region of a descriptor kept open for every response: written, it leaves the descriptor open. */
  private static final class SharedRegion extends DefaultFileRegion {
    SharedRegion(FileChannel channel, long size) {
      super(channel, 0, size);
    }

    @Override
    protected void deallocate() {}
  }
}
