package dev.paved.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Executors;

/**
 * The floor of the whole-service comparison ({@code benchmarks/scripts/compare-services.sh}): the
 * JDK's HTTP server with the settings the example runs with (TCP_NODELAY on, eight worker threads),
 * answering {@code GET /api/orders} with the bytes the example answers (read from a file the
 * harness captured from it) and doing the same work for them: the page is written by Jackson per
 * request, as the example writes its page (the bytes are checked equal to the captured ones at
 * start); nothing else: no telemetry, no platform. With the OpenTelemetry Java agent attached it is
 * also the agent's side of the comparison.
 *
 * <p>{@code java -cp benchmarks.jar dev.paved.benchmarks.BareService <port> <body file>}; prints
 * {@code listening on port N} once it answers.
 */
public final class BareService {
  private BareService() {}

  public static void main(String[] args) throws IOException {
    // Also on the command line: an agent may load the server's classes, which read it, before main.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    int port = Integer.parseInt(args[0]);
    byte[] captured = Files.readAllBytes(Path.of(args[1]));
    ObjectMapper json = new ObjectMapper();
    JsonNode page = json.readTree(captured);
    if (!Arrays.equals(json.writeValueAsBytes(page), captured)) {
      throw new IllegalStateException("the page written again is not the captured bytes: " + new String(captured, StandardCharsets.UTF_8));
    }
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.createContext(
        "/api/orders",
        exchange -> {
          try (exchange) {
            byte[] body = json.writeValueAsBytes(page);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
          }
        });
    server.start();
    System.out.println("listening on port " + server.getAddress().getPort());
  }
}
