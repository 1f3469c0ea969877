package dev.paved.resilience;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A Finagle-style retry budget for one dependency: retries are allowed up to a share of the
 * requests seen over a sliding window, plus a minimum number per second so that a quiet service
 * can still retry. When the budget is spent, a failed call is not retried — this is what stops a
 * retry storm from multiplying the load on a struggling dependency.
 *
 * <p>Over any window, {@code retries <= percent * requests + minPerSecond * windowSeconds}.
 *
 * <p>The window is kept in one-second buckets; every method is thread-safe and allocation-free.
 * Recording a request (every call) takes no lock; taking a retry (rare) does, so that the bound
 * holds exactly under contention.
 */
public final class RetryBudget {
  // The declared defaults of the platform.resilience.defaults.budget.* keys (ResilienceSettings).
  /** The share of requests that may be retried ({@code budget.percent}). */
  public static final double DEFAULT_PERCENT = ResilienceSettings.BUDGET_PERCENT.defaultValue();

  /** Retries allowed per second whatever the traffic ({@code budget.min-per-second}). */
  public static final int DEFAULT_MIN_PER_SECOND = ResilienceSettings.BUDGET_MIN.defaultValue();

  /** The sliding window ({@code budget.window}). */
  public static final Duration DEFAULT_WINDOW = ResilienceSettings.BUDGET_WINDOW.defaultValue();

  private static final long SECOND = 1_000_000_000L;

  private final double percent;
  private final int minPerSecond;
  private final int buckets;
  private final LongSupplier nanoTime;
  private final java.util.concurrent.atomic.AtomicLongArray bucketSecond;
  private final java.util.concurrent.atomic.LongAdder[] requests;
  private final long[] retries;
  private long exhausted;

  private RetryBudget(double percent, int minPerSecond, Duration window, LongSupplier nanoTime) {
    this.percent = percent;
    this.minPerSecond = minPerSecond;
    this.buckets = (int) window.toSeconds();
    this.nanoTime = nanoTime;
    this.bucketSecond = new java.util.concurrent.atomic.AtomicLongArray(buckets);
    this.requests = new java.util.concurrent.atomic.LongAdder[buckets];
    this.retries = new long[buckets];
    for (int i = 0; i < buckets; i++) {
      bucketSecond.set(i, Long.MIN_VALUE);
      requests[i] = new java.util.concurrent.atomic.LongAdder();
    }
  }

  /** A budget with the defaults: 20% of requests plus 10 per second, over 10 seconds. */
  public static RetryBudget ofDefaults() {
    return create(DEFAULT_PERCENT, DEFAULT_MIN_PER_SECOND, DEFAULT_WINDOW);
  }

  /**
   * A budget.
   *
   * @param percent the share of requests that may be retried, from 0 to 1
   * @param minPerSecond retries allowed per second regardless of traffic, 0 or more
   * @param window the sliding window, 1 to 600 whole seconds
   */
  public static RetryBudget create(double percent, int minPerSecond, Duration window) {
    return create(percent, minPerSecond, window, System::nanoTime);
  }

  static RetryBudget create(double percent, int minPerSecond, Duration window, LongSupplier nanoTime) {
    if (!(percent >= 0 && percent <= 1)) {
      throw new IllegalArgumentException("percent: " + percent + " (expected: 0 to 1)");
    }
    if (minPerSecond < 0) {
      throw new IllegalArgumentException("minPerSecond: " + minPerSecond + " (expected: >= 0)");
    }
    long seconds = window.toSeconds();
    if (seconds < 1 || seconds > 600 || window.toNanos() % SECOND != 0) {
      throw new IllegalArgumentException("window: " + window + " (expected: 1 to 600 whole seconds)");
    }
    return new RetryBudget(percent, minPerSecond, window, nanoTime);
  }

  /** Records one request (a first attempt); lock-free except once per second per bucket. */
  public void recordRequest() {
    recordRequest(nanoTime.getAsLong());
  }

  /** As {@link #recordRequest()}, at a time the caller has already read from the same clock. */
  void recordRequest(long now) {
    long second = now / SECOND;
    int i = (int) Math.floorMod(second, (long) buckets);
    if (bucketSecond.get(i) != second) {
      synchronized (this) {
        bucket(second * SECOND);
      }
    }
    requests[i].increment();
  }

  /**
   * Takes one retry from the budget if there is one.
   *
   * @return whether the retry may happen; false is counted in {@link #exhausted()}
   */
  public synchronized boolean tryRetry() {
    long now = nanoTime.getAsLong();
    int current = bucket(now);
    long second = now / SECOND;
    long windowRequests = 0;
    long windowRetries = 0;
    for (int i = 0; i < buckets; i++) {
      if (second - bucketSecond.get(i) < buckets) {
        windowRequests += requests[i].sum();
        windowRetries += retries[i];
      }
    }
    double allowed = percent * windowRequests + (double) minPerSecond * buckets;
    if (windowRetries + 1 > allowed) {
      exhausted++;
      return false;
    }
    retries[current]++;
    return true;
  }

  /** Retries refused because the budget was spent, since creation. */
  public synchronized long exhausted() {
    return exhausted;
  }

  /** Retries still allowed in the current window (for health and tests). */
  public synchronized long available() {
    long second = nanoTime.getAsLong() / SECOND;
    long windowRequests = 0;
    long windowRetries = 0;
    for (int i = 0; i < buckets; i++) {
      if (second - bucketSecond.get(i) < buckets) {
        windowRequests += requests[i].sum();
        windowRetries += retries[i];
      }
    }
    return Math.max(0, (long) Math.floor(percent * windowRequests + (double) minPerSecond * buckets) - windowRetries);
  }

  /** The bucket of this second, cleared first if it last held an older second. Holds the lock. */
  private int bucket(long now) {
    long second = now / SECOND;
    int i = (int) Math.floorMod(second, (long) buckets);
    if (bucketSecond.get(i) != second) {
      requests[i].reset();
      retries[i] = 0;
      bucketSecond.set(i, second);
    }
    return i;
  }
}
