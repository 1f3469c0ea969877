package dev.paved.resilience;

import dev.paved.core.ConfigKey;
import dev.paved.core.PlatformConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The keys of platform-resilience. Each setting exists twice: {@code
 * platform.resilience.defaults.<setting>} (with the built-in default) for every dependency, and
 * {@code platform.resilience.dependencies.<name>.<setting>} to override it for one.
 */
public final class ResilienceSettings {
  private ResilienceSettings() {}

  static final String DEFAULTS = "platform.resilience.defaults.";
  static final String DEPENDENCIES = "platform.resilience.dependencies.";

  /** One setting: its suffix, type and default. */
  record Setting<T>(String suffix, Function<String, ConfigKey<T>> factory, String defaultText, String description) {
    ConfigKey<T> defaultsKey() {
      return factory.apply(DEFAULTS + suffix).withDefault(defaultText).withDescription(description);
    }

    ConfigKey<T> dependencyKey() {
      return factory.apply(DEPENDENCIES + "*." + suffix).withDescription(description + " For one dependency.");
    }

    /**
     * The built-in default as a value: the one source of the builders' defaults ({@code
     * DependencyPolicy.DEFAULT_MAX_ATTEMPTS}, {@code Backoff.DEFAULT_INITIAL_DELAY}, ...).
     */
    T defaultValue() {
      return defaultsKey().parse(defaultText);
    }

    /** The value for {@code dependency}: its own, else the defaults'. */
    T resolve(PlatformConfig config, String dependency) {
      ConfigKey<T> own = factory.apply(DEPENDENCIES + dependency + "." + suffix);
      return config.find(own).orElseGet(() -> config.get(defaultsKey()));
    }
  }

  private static Function<String, ConfigKey<Double>> ratio(double max) {
    return name -> ConfigKey.decimal(name, 0, max);
  }

  static final Setting<Integer> MAX_ATTEMPTS =
      new Setting<>("max-attempts", n -> ConfigKey.integer(n, 1, 10), "3", "Attempts per call, the first included.");
  static final Setting<Duration> DEADLINE =
      new Setting<>("deadline", ConfigKey::duration, "10s", "Total time a call may take, backoff included.");
  static final Setting<Duration> ATTEMPT_TIMEOUT =
      new Setting<>("attempt-timeout", ConfigKey::duration, "2s", "Time limit of one HTTP attempt.");
  static final Setting<Duration> BACKOFF_INITIAL =
      new Setting<>("backoff.initial-delay", ConfigKey::duration, "50ms", "Ceiling of the first backoff.");
  static final Setting<Double> BACKOFF_MULTIPLIER =
      new Setting<>("backoff.multiplier", n -> ConfigKey.decimal(n, 1, 10), "2.0", "Growth of the backoff ceiling per retry.");
  static final Setting<Duration> BACKOFF_MAX =
      new Setting<>("backoff.max-delay", ConfigKey::duration, "2s", "Largest backoff ceiling.");
  static final Setting<Duration> RETRY_AFTER_CAP =
      new Setting<>("backoff.retry-after-cap", ConfigKey::duration, "5s", "Longest Retry-After honoured.");
  static final Setting<Double> BUDGET_PERCENT =
      new Setting<>("budget.percent", ratio(1), "0.2", "Share of requests that may be retried.");
  static final Setting<Integer> BUDGET_MIN =
      new Setting<>("budget.min-per-second", n -> ConfigKey.integer(n, 0, 10_000), "10", "Retries allowed per second whatever the traffic.");
  static final Setting<Duration> BUDGET_WINDOW =
      new Setting<>("budget.window", ConfigKey::duration, "10s", "Sliding window of the retry budget (whole seconds).");
  static final Setting<Double> CB_FAILURE_RATE =
      new Setting<>("circuit-breaker.failure-rate-threshold", ratio(100), "50", "Percentage of failed calls that opens the breaker.");
  static final Setting<Double> CB_SLOW_RATE =
      new Setting<>("circuit-breaker.slow-call-rate-threshold", ratio(100), "100", "Percentage of slow calls that opens the breaker.");
  static final Setting<Duration> CB_SLOW_DURATION =
      new Setting<>("circuit-breaker.slow-call-duration", ConfigKey::duration, "2s", "A call slower than this is slow.");
  static final Setting<Duration> CB_WINDOW =
      new Setting<>("circuit-breaker.window", ConfigKey::duration, "30s", "Sliding time window of the breaker (whole seconds).");
  static final Setting<Integer> CB_MINIMUM_CALLS =
      new Setting<>("circuit-breaker.minimum-calls", n -> ConfigKey.integer(n, 1, 100_000), "20", "Calls in the window before rates count.");
  static final Setting<Duration> CB_WAIT_OPEN =
      new Setting<>("circuit-breaker.wait-in-open", ConfigKey::duration, "30s", "How long the breaker stays open before trial calls.");
  static final Setting<Integer> CB_HALF_OPEN_CALLS =
      new Setting<>("circuit-breaker.half-open-calls", n -> ConfigKey.integer(n, 1, 1_000), "5", "Trial calls in half-open.");
  static final Setting<Duration> CB_MAX_WAIT_HALF_OPEN =
      new Setting<>("circuit-breaker.max-wait-in-half-open", ConfigKey::duration, "10s", "Longest stay in half-open (above zero).");
  static final Setting<Integer> BULKHEAD_MAX =
      new Setting<>("bulkhead.max-concurrent", n -> ConfigKey.integer(n, 1, 100_000), "64", "Concurrent calls to the dependency.");

  static final Setting<Boolean> BULKHEAD_ADAPTIVE =
      new Setting<>("bulkhead.adaptive", ConfigKey::bool, "false",
          "Adaptive concurrency limit (Netflix Gradient2) up to max-concurrent, instead of a fixed one.");

  static final List<Setting<?>> SETTINGS =
      List.of(MAX_ATTEMPTS, DEADLINE, ATTEMPT_TIMEOUT, BACKOFF_INITIAL, BACKOFF_MULTIPLIER, BACKOFF_MAX, RETRY_AFTER_CAP,
          BUDGET_PERCENT, BUDGET_MIN, BUDGET_WINDOW, CB_FAILURE_RATE, CB_SLOW_RATE, CB_SLOW_DURATION, CB_WINDOW,
          CB_MINIMUM_CALLS, CB_WAIT_OPEN, CB_HALF_OPEN_CALLS, CB_MAX_WAIT_HALF_OPEN, BULKHEAD_MAX, BULKHEAD_ADAPTIVE);

  /** Every key platform-resilience declares. */
  public static List<ConfigKey<?>> keys() {
    List<ConfigKey<?>> keys = new ArrayList<>();
    for (Setting<?> s : SETTINGS) {
      keys.add(s.defaultsKey());
    }
    for (Setting<?> s : SETTINGS) {
      keys.add(s.dependencyKey());
    }
    return List.copyOf(keys);
  }
}
