package dev.paved.resilience;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.util.concurrent.TimeUnit;

/**
 * Fast successful calls of a CLOSED breaker, counted in per-thread stripes and handed to the
 * breaker in batches, so that threads do not meet on the breaker's sliding window (a lock and
 * shared counters) on every call. What it guarantees:
 *
 * <ul>
 *   <li>Before any failure or slow call is recorded, every stripe is drained into the breaker, so a
 *       decision to open always sees every success (no stripe — also of a thread gone idle — can
 *       hide successes from it, or make it open sooner).
 *   <li>While its thread keeps calling, a stripe is handed over once it holds {@value #BATCH}
 *       successes or its oldest is {@value #MAX_LAG_MILLIS} ms old (as soon as no other handover
 *       runs); successes older than the breaker's time window when handed over are dropped, as the
 *       window would have dropped them.
 *   <li>Outside CLOSED (half-open trial calls, open), and for slow calls, every outcome goes to the
 *       breaker at once: trial calls are counted exactly.
 * </ul>
 *
 * <p>One thread at a time hands successes over (whoever finds a stripe full while nobody else is
 * handing over takes every stripe's), so the breaker's window lock is not fought over; a thread
 * that finds a handover running keeps counting, up to {@value #MAX_HELD} successes in its stripe,
 * and only then waits. Failures, slow calls and calls outside CLOSED wait for a running handover,
 * then hand over everything themselves before their own outcome is recorded.
 *
 * <p>What it costs: the breaker's metrics (not its decisions) lag by at most {@value #MAX_HELD}
 * successes per stripe. Stripes are fixed in number (no per-thread state that could grow with
 * virtual threads); two threads mapped to one stripe share it correctly, only more slowly.
 */
final class SuccessStripes {
  static final int BATCH = 256;
  static final int MAX_HELD = 16 * BATCH;
  static final long MAX_LAG_MILLIS = 100;
  private static final long MAX_LAG_NANOS = TimeUnit.MILLISECONDS.toNanos(MAX_LAG_MILLIS);

  /**
   * Longs between two stripes' slots (128 bytes). The stripes live in one array, so that no
   * object the garbage collector happens to copy next to them can share their cache lines.
   */
  private static final int STRIDE = 16;

  private final CircuitBreaker breaker;
  /** Held by the one thread handing successes over, and by every failure while it is recorded. */
  private final java.util.concurrent.locks.ReentrantLock handover = new java.util.concurrent.locks.ReentrantLock();
  /** Per stripe i: held successes at (i + 1) * STRIDE, when the oldest was counted right after. */
  private final java.util.concurrent.atomic.AtomicLongArray slots;
  private final int stripes;
  private final int mask;
  private final long slowNanos;
  /** The breaker's time window, or Long.MAX_VALUE for a count-based one. */
  private final long windowNanos;

  private final @org.jspecify.annotations.Nullable HandoverClock clock;

  SuccessStripes(CircuitBreaker breaker) {
    this(breaker, null);
  }

  /** With {@code clock}, the breaker's clock: one reading per handover instead of one per success. */
  SuccessStripes(CircuitBreaker breaker, @org.jspecify.annotations.Nullable HandoverClock clock) {
    this.breaker = breaker;
    this.clock = clock;
    int n = ThreadStripe.count();
    this.stripes = n;
    this.slots = new java.util.concurrent.atomic.AtomicLongArray((n + 1) * STRIDE);
    this.mask = n - 1;
    CircuitBreakerConfig config = breaker.getCircuitBreakerConfig();
    this.slowNanos = config.getSlowCallDurationThreshold().toNanos();
    this.windowNanos = config.getSlidingWindowType() == CircuitBreakerConfig.SlidingWindowType.TIME_BASED
        ? TimeUnit.SECONDS.toNanos(config.getSlidingWindowSize())
        : Long.MAX_VALUE;
  }

  /** Records a successful call that took {@code nanos}, at {@code now} (nanoTime). */
  void success(long nanos, long now) {
    if (nanos >= slowNanos || breaker.getState() != CircuitBreaker.State.CLOSED) {
      handover.lock();
      try {
        drainAll(now);
        breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
      } finally {
        handover.unlock();
      }
      return;
    }
    int s = (index() + 1) * STRIDE;
    long held = slots.incrementAndGet(s);
    if (held == 1) {
      slots.set(s + 1, now);
    } else if (held >= BATCH || now - slots.get(s + 1) >= MAX_LAG_NANOS) {
      if (held >= MAX_HELD) {
        handover.lock(); // the handover in progress is too slow: wait for it
      } else if (handover.isLocked() || !handover.tryLock()) {
        return; // someone is handing over; keep counting
      }
      try {
        drainAll(now);
      } finally {
        handover.unlock();
      }
    }
  }

  /** Records a failed call: every held success first, so the breaker decides on all of them. */
  void failure(long nanos, long now, Throwable error) {
    handover.lock();
    try {
      drainAll(now);
      breaker.onError(nanos, TimeUnit.NANOSECONDS, error);
    } finally {
      handover.unlock();
    }
  }

  /** Hands every held success to the breaker; only with {@link #handover} held. */
  private void drainAll(long now) {
    HandoverClock c = clock;
    if (c != null) {
      c.freeze();
    }
    try {
      for (int i = 1; i <= stripes; i++) {
        if (slots.get(i * STRIDE) != 0) {
          drain(i * STRIDE, now);
        }
      }
    } finally {
      if (c != null) {
        c.thaw();
      }
    }
  }

  private void drain(int s, long now) {
    long since = slots.get(s + 1);
    long n = slots.getAndSet(s, 0);
    if (n <= 0 || now - since >= windowNanos) {
      return; // nothing held, or held so long that the window would have dropped them
    }
    for (long i = 0; i < n; i++) {
      breaker.onSuccess(0, TimeUnit.NANOSECONDS);
    }
  }

  /** Successes held now, for tests. */
  long held() {
    long sum = 0;
    for (int i = 1; i <= stripes; i++) {
      sum += slots.get(i * STRIDE);
    }
    return sum;
  }

  private int index() {
    return ThreadStripe.index() & mask;
  }
}
