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
  private final Map<LabelKey, Timer> timers = new ConcurrentHashMap<>();
  private final ThreadLocal<LabelKey> scratch;
  /** Bucket boundaries; only changed by {@link #align} before the first series exists. */
  private volatile Duration[] buckets = toDurations(BUCKETS);
  /** Built at the first overflow, so that no all-{@value #OVERFLOW} series shows before one. */
  private volatile @org.jspecify.annotations.Nullable Timer overflowTimer;
  private final Counter overflowCount;

  RedMeters(MeterRegistry registry, String name, String description, List<String> labelNames, int maxSeries) {
    this.registry = registry;
    this.name = name;
    this.description = description;
    this.labelNames = List.copyOf(labelNames);
    this.maxSeries = maxSeries;
    int n = labelNames.size();
    this.scratch = ThreadLocal.withInitial(() -> new LabelKey(new String[n]));
    this.overflowCount = Counter.builder("paved.metrics.overflow")
        .description("Measurements recorded in an overflow series because a meter reached its label-set limit")
        .tag("meter", name)
        .register(registry);
  }

  /**
   * Records one duration, without allocating once the series exists: the lookup key is a
   * per-thread scratch object, and only a new series copies it. Values beyond the meter's label
   * count are ignored.
   */
  void record(long nanos, String v0, String v1, String v2, String v3, String v4) {
    LabelKey key = scratch.get();
    String[] values = key.values;
    int n = values.length;
    if (n > 0) {
      values[0] = v0;
    }
    if (n > 1) {
      values[1] = v1;
    }
    if (n > 2) {
      values[2] = v2;
    }
    if (n > 3) {
      values[3] = v3;
    }
    if (n > 4) {
      values[4] = v4;
    }
    key.rehash();
    Timer timer = timers.get(key);
    if (timer == null) {
      timer = timerFor(key);
    }
    timer.record(nanos, TimeUnit.NANOSECONDS);
  }

  private Timer timerFor(LabelKey scratchKey) {
    if (timers.size() >= maxSeries) {
      overflowCount.increment();
      Timer overflow = overflowTimer;
      if (overflow == null) {
        synchronized (this) {
          overflow = overflowTimer;
          if (overflow == null) {
            overflow = buildOverflow();
            overflowTimer = overflow;
          }
        }
      }
      return overflow;
    }
    LabelKey copy = new LabelKey(scratchKey.values.clone());
    copy.rehash();
    return timers.computeIfAbsent(copy, k -> build(List.of(k.values)));
  }

  /** Label values as a map key; the scratch instance is mutated, stored instances never are. */
  private static final class LabelKey {
    final String[] values;
    int hash;

    LabelKey(String[] values) {
      this.values = values;
    }

    void rehash() {
      hash = java.util.Arrays.hashCode(values);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(@org.jspecify.annotations.Nullable Object o) {
      return o instanceof LabelKey k && hash == k.hash && java.util.Arrays.equals(values, k.values);
    }
  }

  private Timer build(List<String> values) {
    Tags tags = Tags.empty();
    for (int i = 0; i < labelNames.size(); i++) {
      tags = tags.and(labelNames.get(i), values.get(i));
    }
    return Timer.builder(name).description(description).tags(tags).serviceLevelObjectives(buckets).register(registry);
  }

  /** The series whose labels are all {@value #OVERFLOW}. */
  private Timer buildOverflow() {
    String[] overflow = new String[labelNames.size()];
    java.util.Arrays.fill(overflow, OVERFLOW);
    return build(List.of(overflow));
  }

  private static Duration[] toDurations(List<Double> seconds) {
    return seconds.stream().map(s -> Duration.ofNanos(Math.round(s * 1e9))).toArray(Duration[]::new);
  }

  /**
   * Adds {@code extra} to the bucket boundaries so each is measured exactly (an SLO's latency
   * threshold). Only before the first measurement: every series of a meter has the same buckets.
   *
   * @throws IllegalStateException when a series has already been recorded
   */
  synchronized void align(java.util.Collection<Duration> extra) {
    java.util.TreeSet<Duration> all = new java.util.TreeSet<>(List.of(buckets));
    if (all.containsAll(extra)) {
      return;
    }
    if (!timers.isEmpty()) {
      throw new IllegalStateException(
          "cannot add bucket boundaries " + extra + " to " + name + ": requests were already measured; align the buckets before serving traffic");
    }
    all.addAll(extra);
    buckets = all.toArray(new Duration[0]);
  }

  /** The bucket boundaries in seconds. */
  List<Double> bucketsSeconds() {
    return java.util.Arrays.stream(buckets).map(d -> d.toNanos() / 1e9).toList();
  }

  int series() {
    return timers.size();
  }
}
