package com.example.greetings;

import com.sun.net.httpserver.HttpServer;
import dev.paved.config.flags.Flags;
import dev.paved.core.Platform;
import dev.paved.observability.Observability;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A new user's service: one route, one flag, one log line per request. */
public final class GreetingsMain {
  private static final Logger LOG = LoggerFactory.getLogger(GreetingsMain.class);

  private GreetingsMain() {}

  public static Platform.Builder platform() {
    return Platform.builder();
  }

  public static HttpServer serve(Platform platform, int port) throws IOException {
    Flags flags = Flags.of(platform);
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
    server.createContext("/greetings/", exchange -> {
      try (exchange) {
        String name = exchange.getRequestURI().getPath().substring("/greetings/".length());
        boolean loud = flags.isEnabled("loud-greetings");
        LOG.atInfo().addKeyValue("greetings.loud", loud).log("greeted {}", name);
        byte[] body = ((loud ? "HELLO, " : "Hello, ") + name).getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
      }
    }).getFilters().add(Observability.of(platform).httpServerFilter());
    server.start();
    return server;
  }

  public static void main(String[] args) {
    Platform.run(platform(), platform -> {
      HttpServer server = serve(platform, Integer.parseInt(System.getenv().getOrDefault("HTTP_PORT", "8080")));
      LOG.atInfo().addKeyValue("server.port", server.getAddress().getPort()).log("greetings listening");
    });
  }
}
