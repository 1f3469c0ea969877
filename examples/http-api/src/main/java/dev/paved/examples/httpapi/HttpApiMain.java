package dev.paved.examples.httpapi;

import dev.paved.config.ConfigModule;
import dev.paved.core.Platform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the example: the platform (admin port {@code PLATFORM_ADMIN_PORT}, default 8081) and the
 * orders API (port {@code HTTP_PORT}, default 8080). {@link Platform#run} reports ready only once
 * the API listens; when anything fails to start (the configuration, a required secret, the port)
 * it logs one fatal JSON event, shuts down and exits with 2. Stop it with SIGTERM or Ctrl+C: the
 * platform's shutdown hook drains and stops it gracefully. Everything on stdout is a JSON line.
 */
public final class HttpApiMain {
  private static final Logger LOG = LoggerFactory.getLogger(HttpApiMain.class);

  private HttpApiMain() {}

  /**
   * The service's platform, as {@code main} builds it; its tests start the same one ({@code
   * PavedExtension.of(HttpApiMain::platform)}). The config module validates the orders section
   * before the platform starts the service.
   */
  static Platform.Builder platform() {
    return Platform.builder().module(ConfigModule.builder().bind("orders", OrdersSettings.class).build());
  }

  public static void main(String[] args) {
    Platform.run(
        platform(),
        platform -> {
          OrdersApi api = OrdersApi.start(platform, parsePort(System.getenv().getOrDefault("HTTP_PORT", "8080")));
          LOG.atInfo()
              .addKeyValue("server.port", api.port())
              .addKeyValue("admin.port", platform.admin().port())
              .log("http-api listening on port {}, admin on port {}", api.port(), platform.admin().port());
        });
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
    throw new IllegalArgumentException("HTTP_PORT: '" + value + "' is not a port (expected: 0 to 65535)");
  }
}
