package io.streamkit.benchmarks.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Attackers and careless clients for the origin's soak: connections that loop over malformed and hostile requests
 * (bad percent-escapes, request smuggling, slow request heads, resets in the middle of a segment, garbage, oversized
 * headers, forged tokens) while valid players load the same origin. Counts what each kind of request got back; a 5xx
 * answer to any of them is a defect, as is any answer that is not an HTTP response where one was due.
 *
 * <pre>
 * java benchmarks/src/main/java/io/streamkit/benchmarks/server/HostileClients.java HOST PORT SEGMENT_PATH TOKEN \
 *     CONNECTIONS SECONDS
 * </pre>
 *
 * Prints one line per kind ({@code kind status=count ...}) and a final {@code 5xx total} line.
 */
public final class HostileClients {

  private static final Map<String, Map<String, LongAdder>> OUTCOMES = new ConcurrentHashMap<>();

  private HostileClients() {}

  public static void main(String[] args) throws Exception {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    String segment = args[2];
    String token = args[3];
    int connections = Integer.parseInt(args[4]);
    long until = System.nanoTime() + Long.parseLong(args[5]) * 1_000_000_000L;
    Thread[] threads = new Thread[connections];
    for (int i = 0; i < connections; i++) {
      Random random = new Random(i);
      threads[i] = new Thread(() -> {
        while (System.nanoTime() < until) {
          attack(host, port, segment, token, random);
        }
      }, "hostile-" + i);
      threads[i].start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    long fiveHundreds = 0;
    for (Map.Entry<String, Map<String, LongAdder>> kind : new TreeMap<>(OUTCOMES).entrySet()) {
      StringBuilder line = new StringBuilder(kind.getKey());
      for (Map.Entry<String, LongAdder> outcome : new TreeMap<>(kind.getValue()).entrySet()) {
        line.append(' ').append(outcome.getKey()).append('=').append(outcome.getValue().sum());
        if (outcome.getKey().startsWith("5")) {
          fiveHundreds += outcome.getValue().sum();
        }
      }
      System.out.println(line);
    }
    System.out.println("5xx " + fiveHundreds);
  }

  private static void attack(String host, int port, String segment, String token, Random random) {
    int kind = random.nextInt(8);
    String name = switch (kind) {
      case 0 -> "bad-escape";
      case 1 -> "smuggling";
      case 2 -> "slow-head";
      case 3 -> "reset-mid-segment";
      case 4 -> "garbage";
      case 5 -> "oversized-header";
      case 6 -> "bad-api-query";
      default -> "forged-token";
    };
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 10_000);
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      switch (kind) {
        case 0 -> send(out, "GET /%zz/" + segment + "?token=" + token + " HTTP/1.1\r\nHost: x\r\n\r\n");
        case 1 -> send(out, "POST /api/titles HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\nTransfer-Encoding: chunked"
            + "\r\n\r\n0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        case 2 -> {
          byte[] head = ("GET " + segment + "?token=" + token + " HTTP/1.1\r\nHost: x\r\nX-Slow: ")
              .getBytes(StandardCharsets.ISO_8859_1);
          for (int i = 0; i < head.length && !socket.isClosed(); i++) {
            out.write(head[i]);
            out.flush();
            Thread.sleep(500);
          }
        }
        case 3 -> {
          send(out, "GET " + segment + "?token=" + token + " HTTP/1.1\r\nHost: x\r\n\r\n");
          in.readNBytes(16 * 1024);
          socket.setSoLinger(true, 0);
          record(name, "reset");
          return;
        }
        case 4 -> {
          byte[] garbage = new byte[512];
          random.nextBytes(garbage);
          out.write(garbage);
          out.write("\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
        }
        case 5 -> send(out, "GET " + segment + "?token=" + token + " HTTP/1.1\r\nHost: x\r\nX-Big: "
            + "a".repeat(64 * 1024) + "\r\n\r\n");
        case 6 -> send(out, "GET /api/titles?status=%zz HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer nope\r\n\r\n");
        default -> send(out, "GET " + segment + "?token=" + token.substring(0, token.length() - 4) + "AAAA"
            + " HTTP/1.1\r\nHost: x\r\n\r\n");
      }
      record(name, status(in));
    } catch (SocketTimeoutException e) {
      record(name, "no-answer");
    } catch (IOException e) {
      record(name, "closed");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void send(OutputStream out, String request) throws IOException {
    out.write(request.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** The status code of the first response on the connection, or "closed" when the server closed without one. */
  private static String status(InputStream in) throws IOException {
    byte[] line = new byte[12];
    int read = in.readNBytes(line, 0, line.length);
    String text = new String(line, 0, read, StandardCharsets.ISO_8859_1);
    return text.startsWith("HTTP/1.1 ") && read == 12 ? text.substring(9, 12) : "closed";
  }

  private static void record(String kind, String outcome) {
    OUTCOMES.computeIfAbsent(kind, k -> new ConcurrentHashMap<>()).computeIfAbsent(outcome, o -> new LongAdder())
        .increment();
  }
}
