package dev.paved.observability;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Route templates such as {@code /api/orders/{id}}: the only values {@code http.route} may take,
 * so metric cardinality stays bounded. A path that matches none has no route (its metrics use the
 * single value {@value #UNMATCHED}). Matching is segment by segment and allocates nothing.
 */
public final class Routes {
  /** The {@code http.route} label of requests that match no template. */
  public static final String UNMATCHED = "unmatched";

  private final String[] templates;
  /** Per template, its segments: a literal, or null for a {@code {param}} segment. */
  private final @Nullable String[][] segments;
  /** Per template, the span name for each method index of {@link HttpInstrumentation#methodIndex}. */
  private final String[][] spanNames;

  private Routes(String[] templates, @Nullable String[][] segments) {
    this.templates = templates;
    this.segments = segments;
    this.spanNames = new String[templates.length][];
    for (int i = 0; i < templates.length; i++) {
      spanNames[i] = new String[HttpInstrumentation.METHODS.size()];
      for (int m = 0; m < HttpInstrumentation.METHODS.size(); m++) {
        spanNames[i][m] = HttpInstrumentation.METHODS.get(m) + " " + templates[i];
      }
    }
  }

  /**
   * Templates whose {@code {name}} segments match any one path segment, tried in order.
   *
   * @throws IllegalArgumentException if a template does not start with '/', has an unclosed
   *     brace, or a parameter that is not a whole segment
   */
  public static Routes of(String... templates) {
    List<@Nullable String[]> all = new ArrayList<>();
    for (String t : templates) {
      Objects.requireNonNull(t, "template");
      if (!t.startsWith("/")) {
        throw new IllegalArgumentException("template: '" + t + "' (expected: starts with '/')");
      }
      String[] parts = t.substring(1).split("/", -1);
      @Nullable String[] segs = new String[parts.length];
      for (int i = 0; i < parts.length; i++) {
        String p = parts[i];
        int open = p.indexOf('{');
        if (open < 0) {
          if (p.indexOf('}') >= 0) {
            throw new IllegalArgumentException("template: '" + t + "' (expected: every '}' opened by '{')");
          }
          segs[i] = p;
        } else if (p.indexOf('}') < 0) {
          throw new IllegalArgumentException("template: '" + t + "' (expected: every '{' closed by '}')");
        } else if (open != 0 || p.indexOf('}') != p.length() - 1) {
          throw new IllegalArgumentException("template: '" + t + "' (expected: a parameter is a whole segment, as in /a/{id})");
        } else {
          segs[i] = null;
        }
      }
      all.add(segs);
    }
    return new Routes(templates.clone(), all.toArray(new String[0][]));
  }

  /** The template matching {@code path}, if any. */
  public Optional<String> match(String path) {
    int i = index(path);
    return i < 0 ? Optional.empty() : Optional.of(templates[i]);
  }

  /**
   * Route templates from a web framework's path patterns (Spring MVC's {@code @RequestMapping}s):
   * {@code {id:\d+}} is written {@code {id}}; a pattern with a wildcard ({@code *}, {@code **},
   * {@code {*rest}}) or anything else {@link #of} refuses has no template (its requests count as
   * {@value #UNMATCHED}, which keeps {@code http.route} bounded); duplicates go; templates with
   * fewer parameters come first, so {@code /orders/search} is tried before {@code /orders/{id}}.
   * The order to give {@link #of}.
   */
  public static List<String> fromPatterns(java.util.Collection<String> patterns) {
    java.util.Set<String> out = new java.util.LinkedHashSet<>();
    for (String raw : patterns) {
      String p = CONSTRAINED.matcher(raw).replaceAll("{$1}");
      if (p.isEmpty()) {
        p = "/";
      }
      if (!p.startsWith("/") || p.contains("*")) {
        continue;
      }
      try {
        of(p);
        out.add(p);
      } catch (IllegalArgumentException notATemplate) {
        // e.g. a parameter inside a segment (/files/{name}.json): no template
      }
    }
    List<String> sorted = new ArrayList<>(out);
    sorted.sort(java.util.Comparator.comparingLong((String t) -> t.chars().filter(c -> c == '{').count()).thenComparing(java.util.Comparator.naturalOrder()));
    return sorted;
  }

  private static final java.util.regex.Pattern CONSTRAINED = java.util.regex.Pattern.compile("\\{([^}:]+):[^}]*}");

  /** The index of the first template matching {@code path}, or -1. */
  int index(String path) {
    for (int t = 0; t < segments.length; t++) {
      if (matches(segments[t], path)) {
        return t;
      }
    }
    return -1;
  }

  String template(int index) {
    return templates[index];
  }

  String spanName(int index, int methodIndex) {
    return spanNames[index][methodIndex];
  }

  private static boolean matches(@Nullable String[] segs, String path) {
    if (path.isEmpty() || path.charAt(0) != '/') {
      return false;
    }
    int pos = 1;
    for (int i = 0; i < segs.length; i++) {
      if (pos > path.length()) {
        return false;
      }
      int end = path.indexOf('/', pos);
      if (end < 0) {
        end = path.length();
      }
      int len = end - pos;
      String literal = segs[i];
      if (literal == null) {
        if (len == 0) {
          return false;
        }
      } else if (len != literal.length() || !path.regionMatches(pos, literal, 0, len)) {
        return false;
      }
      if (i == segs.length - 1) {
        return end == path.length();
      }
      pos = end + 1;
    }
    return false;
  }
}
