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
 * an empty protobuf body. Prints {@code sink on port N}, and on SIGTERM the requests and bytes it took.
 */
public final class OtlpSink {
  private OtlpSink() {}

  public static void main(String[] args) throws IOException {
    AtomicLong requests = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args.length > 0 ? args[0] : "0")), 0);
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.createContext(
        "/",
        exchange -> {
          try (exchange; InputStream in = exchange.getRequestBody()) {
            bytes.addAndGet(in.transferTo(java.io.OutputStream.nullOutputStream()));
            requests.incrementAndGet();
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1);
          }
        });
    server.start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("sink took " + requests.get() + " exports, " + bytes.get() + " bytes")));
    System.out.println("sink on port " + server.getAddress().getPort());
  }
}
