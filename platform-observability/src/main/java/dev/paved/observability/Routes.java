package dev.paved.observability;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Route templates such as {@code /api/orders/{id}}: the only values {@code http.route} may take,
 * so metric cardinality stays bounded. A path that matches none has no route (its metrics use the
 * single value {@value #UNMATCHED}).
 */
public final class Routes {
  /** The {@code http.route} label of requests that match no template. */
  public static final String UNMATCHED = "unmatched";

  private record Route(String template, Pattern pattern) {}

  private final List<Route> routes;

  private Routes(List<Route> routes) {
    this.routes = routes;
  }

  /**
   * Templates with {@code {name}} segments, matched in order.
   *
   * @throws IllegalArgumentException if a template does not start with '/' or has an unclosed brace
   */
  public static Routes of(String... templates) {
    List<Route> list = new ArrayList<>();
    for (String t : templates) {
      Objects.requireNonNull(t, "template");
      if (!t.startsWith("/")) {
        throw new IllegalArgumentException("template: '" + t + "' (expected: starts with '/')");
      }
      StringBuilder regex = new StringBuilder();
      int i = 0;
      while (i < t.length()) {
        int open = t.indexOf('{', i);
        if (open < 0) {
          regex.append(Pattern.quote(t.substring(i)));
          break;
        }
        int close = t.indexOf('}', open);
        if (close < 0) {
          throw new IllegalArgumentException("template: '" + t + "' (expected: every '{' closed by '}')");
        }
        if (open > i) {
          regex.append(Pattern.quote(t.substring(i, open)));
        }
        regex.append("[^/]+");
        i = close + 1;
      }
      list.add(new Route(t, Pattern.compile(regex.toString())));
    }
    return new Routes(List.copyOf(list));
  }

  /** The template matching {@code path}, if any. */
  public Optional<String> match(String path) {
    for (Route r : routes) {
      if (r.pattern.matcher(path).matches()) {
        return Optional.of(r.template);
      }
    }
    return Optional.empty();
  }
}
