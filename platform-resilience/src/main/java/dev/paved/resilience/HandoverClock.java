package dev.paved.resilience;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import org.jspecify.annotations.Nullable;

/**
 * The breaker's clock: the configured clock, except for the one thread handing a batch of
 * successes over ({@link SuccessStripes}), which reads the instant frozen at the start of the
 * handover — one clock reading for the whole batch instead of one per success; the breaker's time
 * window only needs the second.
 *
 * <p>This relies on what Resilience4j does but does not promise: that {@code CircuitBreaker.onSuccess}
 * reads the configured clock on the calling thread, during the call, and that the time-based
 * window ages calls by that clock. {@code Resilience4jContractTest} fails if a Resilience4j
 * version in the BOM stops doing either.
 */
final class HandoverClock extends Clock {
  private final Clock delegate;
  private volatile @Nullable Thread handingOver;
  private volatile Instant frozen = Instant.EPOCH;

  HandoverClock(Clock delegate) {
    this.delegate = delegate;
  }

  /** Until {@link #thaw()}, this thread reads the instant of now. */
  void freeze() {
    frozen = delegate.instant();
    handingOver = Thread.currentThread();
  }

  void thaw() {
    handingOver = null;
  }

  @Override
  public Instant instant() {
    return handingOver == Thread.currentThread() ? frozen : delegate.instant();
  }

  @Override
  public ZoneId getZone() {
    return delegate.getZone();
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return new HandoverClock(delegate.withZone(zone));
  }
}
