package dev.paved.core.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JDK HTTP server's settings that Paved sets, process-wide, before the first server of the
 * JVM is created (the JDK reads them once): each only when the service has not set it itself
 * ({@code -D} wins). Internal: not for public use; documented in {@code docs/core.md}.
 *
 * <ul>
 *   <li>{@code sun.net.httpserver.nodelay=true}: responses are not held back for a delayed ACK
 *       (without it, keep-alive load had a latency floor of about 40 ms and 363 requests/s);
 *   <li>{@code sun.net.httpserver.maxReqTime=5} (seconds) and {@code
 *       sun.net.httpserver.clockTick=1000} (ms): a request still being read after 5 s (headers and
 *       body) is closed, so a client that sends a request line and nothing more (slowloris) cannot
 *       hold a server thread — two such connections used to block both admin threads and the
 *       liveness probe for as long as they stayed.
 * </ul>
 */
public final class JdkHttpServerDefaults {
  /** The settings and the values Paved gives them when they are not set. */
  public static final Map<String, String> DEFAULTS;

  static {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("sun.net.httpserver.nodelay", "true");
    d.put("sun.net.httpserver.maxReqTime", "5");
    d.put("sun.net.httpserver.clockTick", "1000");
    DEFAULTS = java.util.Collections.unmodifiableMap(d);
  }

  private JdkHttpServerDefaults() {}

  /**
   * The size of a request's header section as sent — names, values and separators: what the
   * header budgets of the admin server and of the server filters count.
   */
  public static long headerBytes(com.sun.net.httpserver.HttpExchange exchange) {
    long bytes = 0;
    for (Map.Entry<String, java.util.List<String>> e : exchange.getRequestHeaders().entrySet()) {
      for (String value : e.getValue()) {
        bytes += e.getKey().length() + value.length() + 4;
      }
    }
    return bytes;
  }

  /** Sets each default that is not set yet. */
  public static void apply() {
    DEFAULTS.forEach(
        (k, v) -> {
          if (System.getProperty(k) == null) {
            System.setProperty(k, v);
          }
        });
  }
}
