package dev.paved.core;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A request to an admin endpoint.
 *
 * @param method the HTTP method, upper case
 * @param path the path, without the query
 * @param query the raw query string, or empty
 * @param headers request headers, names in lower case
 */
public record AdminRequest(String method, String path, String query, Map<String, List<String>> headers) {
  public AdminRequest {
    headers = Map.copyOf(headers);
  }

  /** A request without headers. */
  public AdminRequest(String method, String path, String query) {
    this(method, path, query, Map.of());
  }

  /** The first value of a header, by case-insensitive name. */
  public Optional<String> header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

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
