package dev.paved.spring;

import dev.paved.observability.Routes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Paved's {@link Routes} from Spring MVC's request mappings: every controller's (and Actuator's)
 * path pattern becomes a route template, so {@code http.route} and the SERVER span's name are the
 * controller's mapping. {@code {id:\d+}} is written {@code {id}}; a pattern with a wildcard
 * ({@code *}, {@code **}, {@code {*rest}}) has no template and its requests count as
 * {@code unmatched}. Templates with fewer parameters are tried first, so {@code /orders/search}
 * wins over {@code /orders/{id}} as in Spring.
 */
final class SpringRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(SpringRoutes.class);
  private static final Pattern CONSTRAINED = Pattern.compile("\\{([^}:]+):[^}]*}");

  private SpringRoutes() {}

  static List<String> templates(Collection<String> patterns) {
    Set<String> out = new LinkedHashSet<>();
    for (String raw : patterns) {
      String p = CONSTRAINED.matcher(raw).replaceAll("{$1}");
      if (p.isEmpty()) {
        p = "/";
      }
      if (!p.startsWith("/") || p.contains("*") || p.contains("{*")) {
        LOG.debug("Paved: the mapping '{}' has no route template (wildcard); its requests are 'unmatched'", raw);
        continue;
      }
      try {
        Routes.of(p);
        out.add(p);
      } catch (IllegalArgumentException e) {
        LOG.debug("Paved: the mapping '{}' has no route template: {}", raw, e.getMessage());
      }
    }
    List<String> sorted = new ArrayList<>(out);
    sorted.sort(Comparator.comparingLong(SpringRoutes::parameters).thenComparing(Comparator.naturalOrder()));
    return sorted;
  }

  private static long parameters(String template) {
    return template.chars().filter(c -> c == '{').count();
  }
}
