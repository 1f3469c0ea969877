package dev.paved.benchmarks;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OTLP/HTTP sink on loopback for the whole-service comparison: accepts every export
 * ({@code /v1/traces}, {@code /v1/metrics}, {@code /v1/logs}), reads and drops it, answers 200 with
 * an empty protobuf body. Counts the spans it received (the trace exports' protobuf read down to
 * {@code ResourceSpans.scope_spans.spans}): {@code GET /spans} answers that count, so the harness
 * can tell spans exported from spans dropped on the way. Prints {@code sink on port N}, and on
 * SIGTERM the requests, bytes and spans it took.
 */
public final class OtlpSink {
  private OtlpSink() {}

  public static void main(String[] args) throws IOException {
    AtomicLong requests = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    AtomicLong spans = new AtomicLong();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args.length > 0 ? args[0] : "0")), 0);
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.createContext(
        "/",
        exchange -> {
          try (exchange; InputStream in = exchange.getRequestBody()) {
            if (exchange.getRequestMethod().equals("GET") && exchange.getRequestURI().getPath().equals("/spans")) {
              byte[] count = String.valueOf(spans.get()).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
              exchange.sendResponseHeaders(200, count.length);
              exchange.getResponseBody().write(count);
              return;
            }
            byte[] body = in.readAllBytes();
            bytes.addAndGet(body.length);
            requests.incrementAndGet();
            if (exchange.getRequestURI().getPath().equals("/v1/traces")) {
              if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                body = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(body)).readAllBytes();
              }
              // ExportTraceServiceRequest.resource_spans (1) -> ResourceSpans.scope_spans (2) -> ScopeSpans.spans (2)
              try {
                spans.addAndGet(count(body, 0, body.length, new int[] {1, 2, 2}, 0));
              } catch (RuntimeException notProtobuf) {
                // Still answered 200 (the exporter is not the one to blame); said once per export.
                System.out.println("sink could not count the spans of an export (" + body.length + " bytes): " + notProtobuf);
              }
            }
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1);
          }
        });
    server.start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("sink took " + requests.get() + " exports, " + bytes.get() + " bytes, " + spans.get() + " spans")));
    System.out.println("sink on port " + server.getAddress().getPort());
  }

  /**
   * The number of length-delimited fields reached by following {@code path} (one field number per
   * level) in the protobuf message {@code buf[from, to)}.
   */
  static long count(byte[] buf, int from, int to, int[] path, int depth) {
    long n = 0;
    int[] pos = {from};
    while (pos[0] < to) {
      long key = varint(buf, pos);
      int field = (int) (key >>> 3);
      int type = (int) (key & 7);
      switch (type) {
        case 0 -> varint(buf, pos);
        case 1 -> pos[0] += 8;
        case 5 -> pos[0] += 4;
        case 2 -> {
          long length = varint(buf, pos);
          if (length < 0 || pos[0] + length > to) {
            throw new IllegalArgumentException("a length of " + length + " at " + pos[0] + " runs past the message's end " + to);
          }
          if (field == path[depth]) {
            n += depth == path.length - 1 ? 1 : count(buf, pos[0], pos[0] + (int) length, path, depth + 1);
          }
          pos[0] += (int) length;
        }
        default -> throw new IllegalArgumentException("protobuf wire type " + type + " at " + pos[0] + " (groups are not used by OTLP)");
      }
    }
    return n;
  }

  private static long varint(byte[] buf, int[] pos) {
    long value = 0;
    for (int shift = 0; ; shift += 7) {
      if (pos[0] >= buf.length || shift > 63) {
        throw new IllegalArgumentException("a varint runs past the message's end at " + pos[0]);
      }
      byte b = buf[pos[0]++];
      value |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        return value;
      }
    }
  }
}
