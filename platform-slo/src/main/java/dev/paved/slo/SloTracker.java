package dev.paved.slo;

import dev.paved.observability.MessageProcessListener;
import dev.paved.observability.ServerRequestListener;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One SLO's budget, tracked in process from the service's own events in bounded memory: one
 * slot per minute of the SLO window (43,200 for 30 days), each a count of events and of bad
 * ones. Events are HTTP server requests (availability, latency), processed messages (messaging),
 * or, for freshness, one sample a minute: bad when the job's last success is older than its
 * max age. Recording is two atomic increments and allocates nothing; burn rates and the remaining
 * budget are summed when read. With no traffic the budget is whole and every burn rate 0 — never
 * NaN, never an alarm.
 */
final class SloTracker implements ServerRequestListener, MessageProcessListener {
  /** The burn-rate windows shown and exported. */
  static final List<Duration> WINDOWS =
      List.of(Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(2), Duration.ofHours(6), Duration.ofDays(1), Duration.ofDays(3));

  private final Slo slo;
  private final Clock clock;
  private final int slots;
  private final long thresholdNanos;
  private final AtomicLongArray minuteOf;
  private final AtomicLongArray total;
  private final AtomicLongArray bad;
  /** The current minute, refreshed every second by {@link #tick()}: reading the clock costs more than the rest. */
  private volatile long currentMinute;
  /** For freshness: when the job last succeeded (epoch millis), or empty when unknown. */
  private final java.util.function.Supplier<java.util.OptionalLong> lastSuccess;
  /** For freshness: the last minute sampled. */
  private long sampledMinute = Long.MIN_VALUE;

  SloTracker(Slo slo, Clock clock) {
    this(slo, clock, java.util.OptionalLong::empty);
  }

  SloTracker(Slo slo, Clock clock, java.util.function.Supplier<java.util.OptionalLong> lastSuccess) {
    this.slo = slo;
    this.lastSuccess = lastSuccess;
    this.clock = clock;
    this.slots = slo.window().days() * 24 * 60;
    Duration t = slo.threshold();
    this.thresholdNanos = t == null ? Long.MAX_VALUE : t.toNanos();
    // A slot never written holds minute 0 with no events: read as live it adds nothing, so the
    // arrays need no initialization (filling 43,200 slots a 30-day window took ~10 ms of start-up
    // per objective, interpreted).
    this.minuteOf = new AtomicLongArray(slots);
    this.total = new AtomicLongArray(slots);
    this.bad = new AtomicLongArray(slots);
    tick();
  }

  /**
   * Refreshes the current minute; the module calls it every second, and every read calls it. For a
   * freshness SLO, the first tick of each minute records that minute's sample.
   */
  void tick() {
    long now = clock.millis();
    long minute = now / 60_000;
    currentMinute = minute;
    if (slo.kind() == Slo.Kind.FRESHNESS) {
      sampleFreshness(minute, now);
    }
  }

  private synchronized void sampleFreshness(long minute, long now) {
    if (minute == sampledMinute) {
      return;
    }
    sampledMinute = minute;
    java.util.OptionalLong last = lastSuccess.get();
    Duration maxAge = java.util.Objects.requireNonNull(slo.threshold());
    record(last.isEmpty() || now - last.getAsLong() > maxAge.toMillis());
  }

  Slo slo() {
    return slo;
  }

  @Override
  public void onServerRequest(String route, int status, long durationNanos) {
    String only = slo.route();
    if (only != null && !only.equals(route)) {
      return;
    }
    switch (slo.kind()) {
      case AVAILABILITY -> record(status >= 500 || status <= 0);
      case LATENCY -> record(durationNanos > thresholdNanos);
      default -> {}
    }
  }

  @Override
  public void onMessageProcessed(String destination, boolean failed, long durationNanos) {
    String only = slo.destination();
    if (slo.kind() == Slo.Kind.MESSAGING && (only == null || only.equals(destination))) {
      record(failed);
    }
  }

  /** Counts one event in the current minute. */
  void record(boolean isBad) {
    long minute = currentMinute;
    int slot = (int) (minute % slots);
    long seen = minuteOf.get(slot);
    if (seen != minute) {
      // The slot held an older minute: start it again (one thread wins; the others count into it).
      if (minuteOf.compareAndSet(slot, seen, minute)) {
        total.set(slot, 0);
        bad.set(slot, 0);
      }
    }
    total.incrementAndGet(slot);
    if (isBad) {
      bad.incrementAndGet(slot);
    }
  }

  /** Requests and bad requests over the last {@code minutes} minutes, this one included. */
  long[] counts(long minutes) {
    tick();
    long now = currentMinute;
    long t = 0;
    long b = 0;
    long n = Math.min(minutes, slots);
    for (long m = now - n + 1; m <= now; m++) {
      int slot = (int) (Math.floorMod(m, (long) slots));
      if (minuteOf.get(slot) == m) {
        t += total.get(slot);
        b += bad.get(slot);
      }
    }
    return new long[] {t, b};
  }

  /** How fast the budget burns over {@code window}: 1 spends it exactly over the SLO window; 0 without traffic. */
  double burnRate(Duration window) {
    long[] c = counts(window.toMinutes());
    if (c[0] == 0) {
      return 0;
    }
    return ((double) c[1] / c[0]) / slo.errorBudget();
  }

  /** The share of the window's error budget left: 1 untouched, 0 spent, below 0 overspent; 1 without traffic. */
  double budgetRemaining() {
    long[] c = counts(slots);
    if (c[0] == 0) {
      return 1;
    }
    return 1 - ((double) c[1] / c[0]) / slo.errorBudget();
  }

  Map<String, Object> toMap() {
    Map<String, Object> m = slo.declaration();
    Duration t = slo.threshold();
    if (t != null) {
      m.put(slo.kind() == Slo.Kind.FRESHNESS ? "maxAgeMs" : "thresholdMs", t.toMillis());
    }
    long[] c = counts(slots);
    // Requests, messages, or for freshness minutes sampled; the field keeps its name for all kinds.
    m.put("requests", c[0]);
    m.put("bad", c[1]);
    m.put("errorBudgetRemaining", budgetRemaining());
    Map<String, Object> rates = new LinkedHashMap<>();
    for (Duration w : WINDOWS) {
      rates.put(label(w), burnRate(w));
    }
    m.put("burnRates", rates);
    int days = slo.window().days();
    List<Object> alerts = new java.util.ArrayList<>();
    for (dev.paved.slo.internal.PrometheusRules.Pair p : dev.paved.slo.internal.PrometheusRules.PAIRS) {
      double factor = p.factor(days);
      double longRate = burnRate(parse(p.longWindow()));
      double shortRate = burnRate(parse(p.shortWindow()));
      Map<String, Object> a = new LinkedHashMap<>();
      a.put("severity", p.severity());
      a.put("longWindow", p.longWindow());
      a.put("shortWindow", p.shortWindow());
      a.put("factor", factor);
      a.put("firing", longRate > factor && shortRate > factor);
      alerts.add(a);
    }
    m.put("alerts", alerts);
    return m;
  }

  private static Duration parse(String label) {
    long n = Long.parseLong(label.substring(0, label.length() - 1));
    return switch (label.charAt(label.length() - 1)) {
      case 'm' -> Duration.ofMinutes(n);
      case 'h' -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  /**
   * The burn rate of every window at each of the last {@code points} minutes (oldest first), for
   * the console's charts: each point is the rate over the window that ended at that minute.
   */
  Map<String, Object> series(int points) {
    tick();
    long now = currentMinute;
    long longest = WINDOWS.get(WINDOWS.size() - 1).toMinutes();
    int span = (int) Math.min(slots, longest + points);
    // Prefix sums over the minutes now-span+1 .. now: any window's counts in O(1).
    long[] t = new long[span + 1];
    long[] b = new long[span + 1];
    for (int i = 0; i < span; i++) {
      long m = now - span + 1 + i;
      int slot = (int) Math.floorMod(m, (long) slots);
      boolean live = minuteOf.get(slot) == m;
      t[i + 1] = t[i] + (live ? total.get(slot) : 0);
      b[i + 1] = b[i] + (live ? bad.get(slot) : 0);
    }
    List<Long> minutes = new java.util.ArrayList<>();
    Map<String, Object> rates = new LinkedHashMap<>();
    for (int p = points - 1; p >= 0; p--) {
      minutes.add((now - p) * 60_000);
    }
    for (Duration w : WINDOWS) {
      List<Double> values = new java.util.ArrayList<>();
      for (int p = points - 1; p >= 0; p--) {
        int end = span - p;
        int start = (int) Math.max(0, end - w.toMinutes());
        long n = end <= 0 ? 0 : t[end] - t[start];
        long bd = end <= 0 ? 0 : b[end] - b[start];
        values.add(n == 0 ? 0 : ((double) bd / n) / slo.errorBudget());
      }
      rates.put(label(w), values);
    }
    return Map.of("minutes", minutes, "burnRates", rates);
  }

  static String label(Duration w) {
    return w.toDays() >= 1 && w.toHours() % 24 == 0 ? w.toDays() + "d" : w.toHours() >= 1 && w.toMinutes() % 60 == 0 ? w.toHours() + "h" : w.toMinutes() + "m";
  }
}
