package dev.paved.core;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A request to an admin endpoint.
 *
 * @param method the HTTP method, upper case
 * @param path the path, without the query
 * @param query the raw query string, or empty
 */
public record AdminRequest(String method, String path, String query) {

  /** The first value of a query parameter, decoded. */
  public Optional<String> queryParameter(String name) {
    if (query.isEmpty()) {
      return Optional.empty();
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      if (k.equals(name)) {
        return Optional.of(eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return Optional.empty();
  }
}
