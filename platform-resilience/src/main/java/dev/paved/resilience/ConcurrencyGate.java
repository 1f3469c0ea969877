package dev.paved.resilience;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The admission rule shared by the load-shedding filters: at most {@code limit} requests in
 * progress; one more is refused and counted in {@code paved.resilience.shed}.
 */
final class ConcurrencyGate {
  private final int limit;
  private final String retryAfter;
  private final AtomicInteger inProgress = new AtomicInteger();
  private final @Nullable Counter shed;

  ConcurrencyGate(int limit, int retryAfterSeconds, @Nullable MeterRegistry registry) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit: " + limit + " (expected: >= 1)");
    }
    this.limit = limit;
    this.retryAfter = String.valueOf(retryAfterSeconds);
    this.shed = registry == null
        ? null
        : Counter.builder("paved.resilience.shed").description("Requests refused with 503 over the concurrency limit").register(registry);
  }

  /** Admits a request, or refuses and counts it; an admitted request must call {@link #exit()}. */
  boolean tryEnter() {
    if (inProgress.incrementAndGet() <= limit) {
      return true;
    }
    inProgress.decrementAndGet();
    Counter c = shed;
    if (c != null) {
      c.increment();
    }
    return false;
  }

  void exit() {
    inProgress.decrementAndGet();
  }

  int inProgress() {
    return inProgress.get();
  }

  int limit() {
    return limit;
  }

  /** The {@code Retry-After} value of a refusal. */
  String retryAfter() {
    return retryAfter;
  }
}
