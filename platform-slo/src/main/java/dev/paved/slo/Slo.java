package dev.paved.slo;

import dev.paved.core.ConfigException;
import dev.paved.core.ConfigProblem;
import dev.paved.core.ConfigValue;
import dev.paved.core.PlatformConfig;
import dev.paved.observability.Observability;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One service level objective: what is good (availability: not 5xx; latency: at or under a
 * threshold), the target share of good requests, and the rolling window.
 *
 * @param objective the target as a fraction, such as 0.999
 * @param route the {@code http.route} it covers, or null for every route
 * @param threshold for latency, the bucket boundary a good request is at or under
 */
public record Slo(String name, Kind kind, double objective, Window window, @Nullable String route, @Nullable Duration threshold) {

  /** What a good request is. */
  public enum Kind {
    AVAILABILITY,
    LATENCY
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

  /** The error budget: the share of requests allowed to be bad. */
  public double errorBudget() {
    return 1 - objective;
  }

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
        problems.add(new ConfigProblem(p + "kind", "not set", "SLO '" + name + "' has no kind", "set it to availability or latency"));
      } else {
        try {
          kind = Kind.valueOf(k.get().value().strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          problems.add(new ConfigProblem(p + "kind", k.get().source(), "SLO '" + name + "': unknown kind '" + k.get().value() + "'", "use availability or latency"));
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
      Duration threshold = null;
      Optional<ConfigValue> t = config.value(p + "threshold");
      if (kind == Kind.LATENCY) {
        if (t.isEmpty()) {
          problems.add(new ConfigProblem(p + "threshold", "not set", "latency SLO '" + name + "' has no threshold", "set a duration that is a bucket boundary, such as 250ms"));
        } else {
          Duration d = dev.paved.core.ConfigKey.duration(p + "threshold").parse(t.get().value());
          double seconds = d.toNanos() / 1e9;
          if (Observability.durationBucketsSeconds().stream().noneMatch(b -> Math.abs(b - seconds) < 1e-9)) {
            problems.add(
                new ConfigProblem(
                    p + "threshold",
                    t.get().source(),
                    "latency SLO '" + name + "': " + t.get().value() + " is not a bucket boundary of http.server.request.duration, so it cannot be measured exactly",
                    "use one of " + bucketList() + " (seconds)"));
          } else {
            threshold = d;
          }
        }
      } else if (t.isPresent() && kind == Kind.AVAILABILITY) {
        problems.add(new ConfigProblem(p + "threshold", t.get().source(), "availability SLO '" + name + "' has a threshold", "remove it, or make the SLO a latency SLO"));
      }
      if (kind != null && !Double.isNaN(objective) && objective > 0 && objective < 100) {
        out.add(new Slo(name, kind, objective / 100, window, config.getString(p + "route").orElse(null), threshold));
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return List.copyOf(out);
  }

  private static String bucketList() {
    StringBuilder sb = new StringBuilder();
    for (double b : Observability.durationBucketsSeconds()) {
      sb.append(sb.length() == 0 ? "" : ", ").append(b);
    }
    return sb.toString();
  }
}
