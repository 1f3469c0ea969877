package dev.paved.test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A clock the test moves, for everything in Paved that takes a {@link Clock} or a nanosecond
 * source (breaker wait-in-open, retry budgets, SLO windows, lease renewal, throttled logging):
 * nothing passes until the test says so, so a test never sleeps.
 *
 * <pre>{@code
 * TestClock clock = TestClock.at("2026-12-01T10:00:00Z");
 * clock.advance(Duration.ofSeconds(30));
 * }</pre>
 *
 * <p>{@link #nanoTime()} moves with {@link #instant()}: one source of time for both. Thread-safe.
 */
public final class TestClock extends Clock {
  private static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

  private final ZoneId zone;
  private volatile Instant now;
  private final ThreadLocal<long[]> reads = ThreadLocal.withInitial(() -> new long[1]);

  private TestClock(Instant start, ZoneId zone) {
    this.now = start;
    this.zone = zone;
  }

  /** A clock at 2026-01-01T00:00:00Z, in UTC. */
  public static TestClock create() {
    return new TestClock(DEFAULT_START, ZoneOffset.UTC);
  }

  /** A clock at {@code instant} (ISO-8601, for example {@code 2026-12-01T10:00:00Z}), in UTC. */
  public static TestClock at(String instant) {
    return new TestClock(Instant.parse(instant), ZoneOffset.UTC);
  }

  /** Moves time forward (or back, with a negative duration) by {@code duration}. */
  public TestClock advance(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    synchronized (this) {
      now = now.plus(duration);
    }
    return this;
  }

  /** Sets the time. */
  public TestClock set(Instant instant) {
    now = Objects.requireNonNull(instant, "instant");
    return this;
  }

  @Override
  public Instant instant() {
    reads.get()[0]++;
    return now;
  }

  /** How often the calling thread has read this clock: to check who reads time, and when. */
  public long readsOnThisThread() {
    return reads.get()[0];
  }

  /** Nanoseconds on the same time line as {@link #instant()}, for components that take a {@code LongSupplier}. */
  public long nanoTime() {
    Instant n = now;
    return n.getEpochSecond() * 1_000_000_000L + n.getNano();
  }

  /** {@link #nanoTime()} as a {@code LongSupplier}. */
  public LongSupplier nanoSource() {
    return this::nanoTime;
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  /** A view of the same time line in another zone: advancing either moves both. */
  @Override
  public Clock withZone(ZoneId other) {
    if (other.equals(zone)) {
      return this;
    }
    TestClock self = this;
    return new Clock() {
      @Override
      public ZoneId getZone() {
        return other;
      }

      @Override
      public Clock withZone(ZoneId z) {
        return self.withZone(z);
      }

      @Override
      public Instant instant() {
        return self.instant();
      }
    };
  }
}
