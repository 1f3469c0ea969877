package dev.paved.core.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * Logs the first few warnings as they come, then at most one a minute, with a count of what was
 * suppressed. After opentelemetry-java's {@code ThrottlingLogger}. Not API.
 */
public final class ThrottledLogger {
  static final int BURST = 5;
  static final long WINDOW_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final Logger delegate;
  private final AtomicLong emitted = new AtomicLong();
  private final AtomicLong suppressed = new AtomicLong();
  private final AtomicLong lastEmit = new AtomicLong(System.nanoTime() - WINDOW_NANOS);

  public ThrottledLogger(Logger delegate) {
    this.delegate = delegate;
  }

  public void warn(String message, @Nullable Throwable t) {
    if (!delegate.isWarnEnabled()) {
      return;
    }
    long now = System.nanoTime();
    if (emitted.get() < BURST) {
      emitted.incrementAndGet();
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

  private void log(String message, @Nullable Throwable t, long dropped) {
    String m = dropped > 0 ? message + " (" + dropped + " similar messages suppressed)" : message;
    if (t == null) {
      delegate.warn(m);
    } else {
      delegate.warn(m, t);
    }
  }
}
