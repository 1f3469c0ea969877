package dev.paved.resilience;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import org.jspecify.annotations.Nullable;

/**
 * The breaker's clock: the configured clock, except for the thread handing a batch of successes
 * over ({@link SuccessStripes}), which reads one instant for the whole batch instead of one per
 * success — the breaker's time window only needs the second.
 */
final class ReplayClock extends Clock {
  private final Clock delegate;
  private volatile @Nullable Thread replayer;
  private volatile Instant replayInstant = Instant.EPOCH;

  ReplayClock(Clock delegate) {
    this.delegate = delegate;
  }

  /** From now on, this thread reads {@code now} until {@link #end()}. */
  void begin() {
    replayInstant = delegate.instant();
    replayer = Thread.currentThread();
  }

  void end() {
    replayer = null;
  }

  @Override
  public Instant instant() {
    return replayer == Thread.currentThread() ? replayInstant : delegate.instant();
  }

  @Override
  public ZoneId getZone() {
    return delegate.getZone();
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return new ReplayClock(delegate.withZone(zone));
  }
}
