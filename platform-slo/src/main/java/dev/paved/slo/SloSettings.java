package dev.paved.slo;

import dev.paved.core.ConfigKey;
import java.time.Duration;
import java.util.List;

/** The keys of platform-slo; see {@code docs/slo.md}. */
public final class SloSettings {
  private SloSettings() {}

  static final ConfigKey<String> KIND =
      ConfigKey.string("platform.slo.objectives.*.kind").withDescription("availability (good = not 5xx) or latency (good = at or under threshold).");
  static final ConfigKey<String> OBJECTIVE =
      ConfigKey.string("platform.slo.objectives.*.objective").withDescription("The target, in percent, strictly between 0 and 100, such as 99.9.");
  static final ConfigKey<String> WINDOW =
      ConfigKey.string("platform.slo.objectives.*.window").withDescription("The rolling window: 30d (the default), 28d or 7d.");
  static final ConfigKey<String> ROUTE =
      ConfigKey.string("platform.slo.objectives.*.route").withDescription("Only requests of this route template (http.route); all routes when not set.");
  static final ConfigKey<Duration> THRESHOLD =
      ConfigKey.duration("platform.slo.objectives.*.threshold").withDescription("For latency: the duration a good request is at or under; a histogram bucket boundary.");

  /** Every key of the SLO module. */
  public static List<ConfigKey<?>> keys() {
    return List.of(KIND, OBJECTIVE, WINDOW, ROUTE, THRESHOLD);
  }
}
