package dev.paved.core.internal;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * Logs the first {@value #BURST} warnings as they come, then at most one a minute, with a count of
 * what was suppressed. After opentelemetry-java's {@code ThrottlingLogger}: the clock is injected
 * (tests drive it), and the burst and the one-a-minute slot are each taken with a compare-and-set,
 * so concurrent callers never get past the limit. Internal: not for public use.
 */
public final class ThrottledLogger {
  /** Warnings logged before throttling starts. */
  public static final int BURST = 5;

  static final long WINDOW_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final Logger delegate;
  private final LongSupplier nanoTime;
  private final AtomicLong emitted = new AtomicLong();
  private final AtomicLong suppressed = new AtomicLong();
  private final AtomicLong lastEmit;

  public ThrottledLogger(Logger delegate) {
    this(delegate, System::nanoTime);
  }

  /** A logger whose window is measured by {@code nanoTime} (a monotonic clock, in nanoseconds). */
  public ThrottledLogger(Logger delegate, LongSupplier nanoTime) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.lastEmit = new AtomicLong(nanoTime.getAsLong() - WINDOW_NANOS);
  }

  /** Warnings suppressed since the last one logged. */
  public long suppressed() {
    return suppressed.get();
  }

  public void warn(String message, @Nullable Throwable t) {
    if (!delegate.isWarnEnabled()) {
      return;
    }
    long now = nanoTime.getAsLong();
    if (takeBurstSlot()) {
      lastEmit.set(now);
      log(message, t, 0);
      return;
    }
    long last = lastEmit.get();
    if (now - last >= WINDOW_NANOS && lastEmit.compareAndSet(last, now)) {
      log(message, t, suppressed.getAndSet(0));
    } else {
      suppressed.incrementAndGet();
    }
  }

  private boolean takeBurstSlot() {
    while (true) {
      long n = emitted.get();
      if (n >= BURST) {
        return false;
      }
      if (emitted.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  private void log(String message, @Nullable Throwable t, long dropped) {
    String m = dropped > 0 ? message + " (" + dropped + " similar messages suppressed)" : message;
    if (t == null) {
      delegate.warn(m);
    } else {
      delegate.warn(m, t);
    }
  }
}
