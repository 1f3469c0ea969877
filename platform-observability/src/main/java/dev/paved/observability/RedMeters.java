package dev.paved.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One duration histogram with OpenTelemetry semantic-convention name and buckets, bounded in the
 * number of label sets: past the limit, new label sets are recorded in one series whose labels are
 * all {@value #OVERFLOW}, and counted in {@code paved.metrics.overflow}.
 */
final class RedMeters {
  /** The value of every label of the overflow series. */
  static final String OVERFLOW = "_overflow";

  /** Semantic-convention buckets for HTTP and messaging durations, in seconds. */
  static final List<Double> BUCKETS =
      List.of(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0);

  private final MeterRegistry registry;
  private final String name;
  private final String description;
  private final List<String> labelNames;
  private final int maxSeries;
  private final Map<List<String>, Timer> timers = new ConcurrentHashMap<>();
  private final Timer overflowTimer;
  private final Counter overflowCount;

  RedMeters(MeterRegistry registry, String name, String description, List<String> labelNames, int maxSeries) {
    this.registry = registry;
    this.name = name;
    this.description = description;
    this.labelNames = List.copyOf(labelNames);
    this.maxSeries = maxSeries;
    String[] overflow = new String[labelNames.size()];
    java.util.Arrays.fill(overflow, OVERFLOW);
    this.overflowTimer = build(List.of(overflow));
    this.overflowCount = Counter.builder("paved.metrics.overflow")
        .description("Measurements recorded in an overflow series because a meter reached its label-set limit")
        .tag("meter", name)
        .register(registry);
  }

  /** Records one duration for these label values (in {@code labelNames} order). */
  void record(List<String> labelValues, long nanos) {
    Timer timer = timers.get(labelValues);
    if (timer == null) {
      timer = timerFor(labelValues);
    }
    timer.record(nanos, TimeUnit.NANOSECONDS);
  }

  private Timer timerFor(List<String> labelValues) {
    if (timers.size() >= maxSeries) {
      overflowCount.increment();
      return overflowTimer;
    }
    return timers.computeIfAbsent(List.copyOf(labelValues), this::build);
  }

  private Timer build(List<String> values) {
    Tags tags = Tags.empty();
    for (int i = 0; i < labelNames.size(); i++) {
      tags = tags.and(labelNames.get(i), values.get(i));
    }
    Duration[] slos = BUCKETS.stream().map(s -> Duration.ofNanos((long) (s * 1e9))).toArray(Duration[]::new);
    return Timer.builder(name).description(description).tags(tags).serviceLevelObjectives(slos).register(registry);
  }

  int series() {
    return timers.size();
  }
}
