package dev.paved.slo;

import dev.paved.core.ConfigException;
import dev.paved.core.ConfigProblem;
import dev.paved.core.ConfigValue;
import dev.paved.core.PlatformConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One service level objective: what is good, the target share of good events, and the rolling
 * window.
 *
 * <ul>
 *   <li>availability: an HTTP server request that is not 5xx ({@code http.server.request.duration});
 *   <li>latency: an HTTP server request at or under {@code threshold};
 *   <li>messaging: a message processed without error ({@code messaging.process.duration});
 *   <li>freshness: a minute in which scheduled job {@code job} last succeeded at most {@code
 *       threshold} ago ({@code paved.job.last_success.timestamp}).
 * </ul>
 *
 * @param objective the target as a fraction, such as 0.999
 * @param route for availability and latency, the {@code http.route} it covers, or null for every route
 * @param threshold for latency, the bucket boundary a good request is at or under; for freshness,
 *     the most time allowed since the job's last success
 * @param destination for messaging, the {@code messaging.destination.name} it covers, or null for all
 * @param job for freshness, the {@code job.name}
 */
public record Slo(
    String name,
    Kind kind,
    double objective,
    Window window,
    @Nullable String route,
    @Nullable Duration threshold,
    @Nullable String destination,
    @Nullable String job) {

  /** An HTTP SLO (availability or latency). */
  public Slo(String name, Kind kind, double objective, Window window, @Nullable String route, @Nullable Duration threshold) {
    this(name, kind, objective, window, route, threshold, null, null);
  }

  /** What a good event is. */
  public enum Kind {
    AVAILABILITY,
    LATENCY,
    MESSAGING,
    FRESHNESS;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The rolling windows allowed. */
  public enum Window {
    D30(30),
    D28(28),
    D7(7);

    private final int days;

    Window(int days) {
      this.days = days;
    }

    public int days() {
      return days;
    }

    public String label() {
      return days + "d";
    }
  }

  /**
   * What is declared, for {@code /info} and {@code /slo}: kind, objective in percent, window, and
   * the route, destination or job it covers; a new map the caller may add to.
   */
  java.util.Map<String, Object> declaration() {
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("kind", kind.id());
    m.put("objective", objective * 100);
    m.put("window", window.label());
    if (route != null) {
      m.put("route", route);
    }
    if (destination != null) {
      m.put("destination", destination);
    }
    if (job != null) {
      m.put("job", job);
    }
    return m;
  }

  /** The error budget: the share of events allowed to be bad. */
  public double errorBudget() {
    return 1 - objective;
  }

  /** The key under which the routes are declared. */
  private static final dev.paved.core.ConfigKey<List<String>> ROUTES = dev.paved.observability.ObservabilitySettings.HTTP_ROUTES;

  /**
   * The SLOs declared under {@code platform.slo.objectives.<name>}.
   *
   * @throws ConfigException naming each SLO, what is wrong and the fix
   */
  public static List<Slo> fromConfig(PlatformConfig config) {
    List<Slo> out = new ArrayList<>();
    List<ConfigProblem> problems = new ArrayList<>();
    for (String name : config.childNames("platform.slo.objectives")) {
      String p = "platform.slo.objectives." + name + ".";
      Kind kind = null;
      Optional<ConfigValue> k = config.value(p + "kind");
      if (k.isEmpty()) {
        problems.add(new ConfigProblem(p + "kind", "not set", "SLO '" + name + "' has no kind", "set it to availability, latency, messaging or freshness"));
      } else {
        try {
          kind = Kind.valueOf(k.get().value().strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          problems.add(
              new ConfigProblem(p + "kind", k.get().source(), "SLO '" + name + "': unknown kind '" + k.get().value() + "'", "use availability, latency, messaging or freshness"));
        }
      }
      double objective = Double.NaN;
      Optional<ConfigValue> o = config.value(p + "objective");
      if (o.isEmpty()) {
        problems.add(new ConfigProblem(p + "objective", "not set", "SLO '" + name + "' has no objective", "set a percentage such as 99.9"));
      } else {
        try {
          objective = Double.parseDouble(o.get().value().strip().replace("%", ""));
        } catch (NumberFormatException e) {
          objective = Double.NaN;
        }
        if (!(objective > 0 && objective < 100)) {
          problems.add(
              new ConfigProblem(p + "objective", o.get().source(), "SLO '" + name + "': objective '" + o.get().value() + "' is not strictly between 0 and 100", "use a percentage such as 99.9"));
        }
      }
      Window window = Window.D30;
      Optional<ConfigValue> w = config.value(p + "window");
      if (w.isPresent()) {
        String text = w.get().value().strip().toLowerCase(Locale.ROOT);
        Window found = null;
        for (Window candidate : Window.values()) {
          if (candidate.label().equals(text)) {
            found = candidate;
          }
        }
        if (found == null) {
          problems.add(new ConfigProblem(p + "window", w.get().source(), "SLO '" + name + "': unknown window '" + w.get().value() + "'", "use 30d, 28d or 7d"));
        } else {
          window = found;
        }
      }
      // Which keys each kind takes; any other is a mistake worth naming.
      List<String> allowed =
          kind == null
              ? List.of("route", "threshold", "destination", "job", "max-age")
              : switch (kind) {
                case AVAILABILITY -> List.of("route");
                case LATENCY -> List.of("route", "threshold");
                case MESSAGING -> List.of("destination");
                case FRESHNESS -> List.of("job", "max-age");
              };
      for (String key : List.of("route", "threshold", "destination", "job", "max-age")) {
        Optional<ConfigValue> v = config.value(p + key);
        if (v.isPresent() && !allowed.contains(key) && kind != null) {
          problems.add(
              new ConfigProblem(p + key, v.get().source(), kind.id() + " SLO '" + name + "' takes no " + key, "remove it; a " + kind.id() + " SLO takes " + (allowed.isEmpty() ? "none" : String.join(", ", allowed))));
        }
      }
      String route = kind == Kind.AVAILABILITY || kind == Kind.LATENCY ? checkRoute(config, name, p, problems) : null;
      Duration threshold = null;
      if (kind == Kind.LATENCY) {
        threshold = duration(config, p + "threshold", "latency SLO '" + name + "'", problems, "300ms");
        if (threshold != null) {
          String why = thresholdProblem(threshold);
          if (why != null) {
            problems.add(
                new ConfigProblem(
                    p + "threshold",
                    config.value(p + "threshold").map(ConfigValue::source).orElse(""),
                    "latency SLO '" + name + "': threshold " + config.getString(p + "threshold").orElse("") + " " + why,
                    "use whole milliseconds from 1ms to 60s, such as 300ms"));
            threshold = null;
          }
        }
      }
      String job = null;
      if (kind == Kind.FRESHNESS) {
        job = config.getString(p + "job").map(String::strip).filter(j -> !j.isEmpty()).orElse(null);
        if (job == null) {
          problems.add(new ConfigProblem(p + "job", "not set", "freshness SLO '" + name + "' names no job", "set job to the name the job runs under (Jobs.run(name, ...))"));
        }
        threshold = duration(config, p + "max-age", "freshness SLO '" + name + "'", problems, "2h");
        if (threshold != null && (threshold.compareTo(Duration.ofMinutes(1)) < 0 || threshold.compareTo(Duration.ofDays(window.days())) > 0)) {
          problems.add(
              new ConfigProblem(
                  p + "max-age",
                  config.value(p + "max-age").map(ConfigValue::source).orElse(""),
                  "freshness SLO '" + name + "': max-age " + threshold + " is outside 1 minute to the window (" + window.label() + ")",
                  "freshness is measured per minute: use at least 1m"));
          threshold = null;
        }
      }
      String destination = kind == Kind.MESSAGING ? config.getString(p + "destination").map(String::strip).filter(d -> !d.isEmpty()).orElse(null) : null;
      boolean complete = switch (kind == null ? Kind.AVAILABILITY : kind) {
        case LATENCY, FRESHNESS -> threshold != null;
        default -> true;
      };
      if (kind != null && complete && !Double.isNaN(objective) && objective > 0 && objective < 100) {
        out.add(new Slo(name, kind, objective / 100, window, route, threshold, destination, job));
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return List.copyOf(out);
  }

  private static @Nullable Duration duration(PlatformConfig config, String key, String what, List<ConfigProblem> problems, String example) {
    Optional<ConfigValue> v = config.value(key);
    String last = key.substring(key.lastIndexOf('.') + 1);
    if (v.isEmpty()) {
      problems.add(new ConfigProblem(key, "not set", what + " has no " + last, "set a duration such as " + example));
      return null;
    }
    try {
      return dev.paved.core.ConfigKey.duration(key).parse(v.get().value());
    } catch (IllegalArgumentException e) {
      problems.add(new ConfigProblem(key, v.get().source(), what + ": " + last + " '" + v.get().value() + "' is not a duration", "write it as " + example));
      return null;
    }
  }

  /** The SLO's route, checked against the declared routes, or null for every route. */
  private static @Nullable String checkRoute(PlatformConfig config, String name, String p, List<ConfigProblem> problems) {
    Optional<ConfigValue> r = config.value(p + "route");
    if (r.isEmpty()) {
      return null;
    }
    String route = r.get().value().strip();
    List<String> declared = config.find(ROUTES).orElse(List.of());
    if (declared.isEmpty()) {
      problems.add(
          new ConfigProblem(
              p + "route",
              r.get().source(),
              "SLO '" + name + "' covers route '" + route + "', but the service declares no routes, so it cannot be checked",
              "list the service's route templates in " + ROUTES.name() + " (and use Observability.httpServerFilter() without arguments)"));
      return null;
    }
    if (!declared.contains(route)) {
      problems.add(
          new ConfigProblem(
              p + "route", r.get().source(), "SLO '" + name + "': unknown route '" + route + "'", "use one of the routes declared in " + ROUTES.name() + ": " + String.join(", ", declared)));
      return null;
    }
    return route;
  }

  /** The largest latency threshold: beyond it, a request is a timeout rather than slow. */
  static final Duration MAX_THRESHOLD = Duration.ofSeconds(60);

  /**
   * Why {@code d} cannot be a latency threshold, or null. Every accepted threshold becomes a bucket
   * boundary of {@code http.server.request.duration} (platform-observability's buckets are aligned
   * at start-up), so it is measured exactly in process and in Prometheus; whole milliseconds keep
   * the {@code le} label short and exact.
   */
  static @Nullable String thresholdProblem(Duration d) {
    if (d.isNegative() || d.isZero()) {
      return "is not positive";
    }
    if (d.compareTo(MAX_THRESHOLD) > 0) {
      return "is above 60s";
    }
    if (d.toNanos() % 1_000_000 != 0) {
      return "is not a whole number of milliseconds, so it cannot be a histogram bucket boundary";
    }
    return null;
  }

  /** The latency thresholds of {@code slos}: the bucket boundaries they need. */
  public static List<Duration> thresholds(List<Slo> slos) {
    return slos.stream().filter(s -> s.kind() == Kind.LATENCY).map(Slo::threshold).filter(java.util.Objects::nonNull).map(java.util.Objects::requireNonNull).distinct().toList();
  }
}
