package dev.paved.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The admin console: one page at {@code GET /} on the admin port, its script and its style sheet,
 * served from this jar (no CDN, no fonts, no third-party code). The page is a shell that holds no
 * data and is open like health; each view fetches the JSON endpoints with the caller's token, and
 * is shown only when the caller may read it ({@code /console/session}).
 */
final class AdminConsole {
  private static final String BASE = "/dev/paved/core/console/";
  static final Map<String, String> FILES =
      Map.of("/", "index.html", "/console/app.js", "app.js", "/console/app.css", "app.css");

  private AdminConsole() {}

  static void register(AdminServer admin) {
    for (Map.Entry<String, String> f : FILES.entrySet()) {
      byte[] body = read(f.getValue());
      String type = f.getValue().endsWith(".html") ? "text/html; charset=utf-8" : f.getValue().endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
      admin.addEndpoint(f.getKey(), request -> AdminResponse.bytes(200, type, body));
    }
  }

  /** The size of the console's files together, in bytes. */
  static int size() {
    return FILES.values().stream().mapToInt(f -> read(f).length).sum();
  }

  private static byte[] read(String file) {
    try (InputStream in = AdminConsole.class.getResourceAsStream(BASE + file)) {
      if (in == null) {
        throw new IllegalStateException("the admin console's " + file + " is missing from platform-core's jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
