package dev.paved.examples.httpapi;

import dev.paved.config.ConfigModule;
import dev.paved.config.secrets.SecretException;
import dev.paved.core.ConfigException;
import dev.paved.core.Platform;
import dev.paved.core.PlatformStartException;
import java.io.IOException;

/**
 * Starts the example: the platform (admin port {@code PLATFORM_ADMIN_PORT}, default 8081) and the
 * orders API (port {@code HTTP_PORT}, default 8080). Stop it with SIGTERM or Ctrl+C: the platform's
 * shutdown hook drains and stops it gracefully.
 */
public final class HttpApiMain {
  private HttpApiMain() {}

  public static void main(String[] args) throws IOException {
    Platform platform;
    try {
      // The config module validates the orders section before the platform reports ready.
      platform =
          Platform.builder().module(ConfigModule.builder().bind("orders", OrdersSettings.class).build()).start();
    } catch (ConfigException | PlatformStartException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    int port = parsePort(System.getenv().getOrDefault("HTTP_PORT", "8080"));
    OrdersApi api;
    try {
      api = OrdersApi.start(platform, port);
    } catch (SecretException e) {
      System.err.println("Required secret unavailable: " + e.getMessage());
      platform.close();
      System.exit(2);
      return;
    }
    System.out.println("http-api listening on port " + api.port() + ", admin on port " + platform.admin().port());
  }

  private static int parsePort(String value) {
    try {
      int port = Integer.parseInt(value.strip());
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    System.err.println("HTTP_PORT: '" + value + "' is not a port (expected: 0 to 65535)");
    System.exit(2);
    return -1;
  }
}
