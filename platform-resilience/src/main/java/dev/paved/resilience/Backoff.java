package dev.paved.resilience;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Exponential backoff with full jitter ("Exponential Backoff And Jitter", AWS Architecture Blog):
 * before retry {@code n} (1 for the first retry) wait a uniformly random time between 0 and
 * {@code min(maxDelay, initialDelay * multiplier^(n-1))}. Full jitter spreads retries of many
 * clients apart, where plain exponential backoff makes them arrive together.
 *
 * <p>A server's {@code Retry-After} (seconds or an HTTP date) is honoured up to a cap: the wait is
 * then at least what the server asked, never more than the cap.
 */
public final class Backoff {
  // The declared defaults of the platform.resilience.defaults.backoff.* keys (ResilienceSettings).
  /** Ceiling of the first backoff ({@code backoff.initial-delay}). */
  public static final Duration DEFAULT_INITIAL_DELAY = ResilienceSettings.BACKOFF_INITIAL.defaultValue();
  /** Growth of the ceiling per retry ({@code backoff.multiplier}). */
  public static final double DEFAULT_MULTIPLIER = ResilienceSettings.BACKOFF_MULTIPLIER.defaultValue();
  /** Largest ceiling ({@code backoff.max-delay}). */
  public static final Duration DEFAULT_MAX_DELAY = ResilienceSettings.BACKOFF_MAX.defaultValue();
  /** Longest Retry-After honoured ({@code backoff.retry-after-cap}). */
  public static final Duration DEFAULT_RETRY_AFTER_CAP = ResilienceSettings.RETRY_AFTER_CAP.defaultValue();

  private final long initialNanos;
  private final double multiplier;
  private final long maxNanos;
  private final long retryAfterCapNanos;
  private final DoubleSupplier random;

  private Backoff(Duration initial, double multiplier, Duration max, Duration retryAfterCap, DoubleSupplier random) {
    this.initialNanos = initial.toNanos();
    this.multiplier = multiplier;
    this.maxNanos = max.toNanos();
    this.retryAfterCapNanos = retryAfterCap.toNanos();
    this.random = random;
  }

  public static Backoff ofDefaults() {
    return create(DEFAULT_INITIAL_DELAY, DEFAULT_MULTIPLIER, DEFAULT_MAX_DELAY, DEFAULT_RETRY_AFTER_CAP);
  }

  /**
   * A backoff.
   *
   * @throws IllegalArgumentException when a delay is negative, the multiplier is below 1, or the
   *     maximum is below the initial delay
   */
  public static Backoff create(Duration initialDelay, double multiplier, Duration maxDelay, Duration retryAfterCap) {
    return create(initialDelay, multiplier, maxDelay, retryAfterCap, () -> ThreadLocalRandom.current().nextDouble());
  }

  static Backoff create(Duration initialDelay, double multiplier, Duration maxDelay, Duration retryAfterCap, DoubleSupplier random) {
    if (initialDelay.isNegative()) {
      throw new IllegalArgumentException("initialDelay: " + initialDelay + " (expected: >= 0)");
    }
    if (!(multiplier >= 1)) {
      throw new IllegalArgumentException("multiplier: " + multiplier + " (expected: >= 1)");
    }
    if (maxDelay.compareTo(initialDelay) < 0) {
      throw new IllegalArgumentException("maxDelay: " + maxDelay + " (expected: >= initialDelay " + initialDelay + ")");
    }
    if (retryAfterCap.isNegative()) {
      throw new IllegalArgumentException("retryAfterCap: " + retryAfterCap + " (expected: >= 0)");
    }
    return new Backoff(initialDelay, multiplier, maxDelay, retryAfterCap, random);
  }

  /** The ceiling of the wait before retry {@code retry} (1-based), before jitter. */
  Duration ceiling(int retry) {
    if (retry < 1) {
      throw new IllegalArgumentException("retry: " + retry + " (expected: >= 1)");
    }
    double nanos = initialNanos * Math.pow(multiplier, retry - 1);
    return Duration.ofNanos(nanos >= maxNanos ? maxNanos : (long) nanos);
  }

  /**
   * The wait before retry {@code retry}: full jitter under the ceiling, raised to the server's
   * {@code Retry-After} (capped) when there is one.
   */
  public Duration delay(int retry, @Nullable Duration retryAfter) {
    long jittered = (long) (random.getAsDouble() * ceiling(retry).toNanos());
    if (retryAfter != null && !retryAfter.isNegative()) {
      // Compared before converting: a server may ask for more than Duration.toNanos() can hold.
      long asked = retryAfter.compareTo(Duration.ofNanos(retryAfterCapNanos)) >= 0 ? retryAfterCapNanos : retryAfter.toNanos();
      return Duration.ofNanos(Math.max(jittered, asked));
    }
    return Duration.ofNanos(jittered);
  }

  /**
   * Parses a {@code Retry-After} header: delay-seconds or an HTTP date (RFC 9110). An unparseable
   * or past value gives empty.
   */
  public static Optional<Duration> parseRetryAfter(@Nullable String header, Instant now) {
    if (header == null || header.isBlank()) {
      return Optional.empty();
    }
    String v = header.strip();
    if (v.chars().allMatch(Character::isDigit)) {
      try {
        return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
      } catch (NumberFormatException tooLarge) {
        return Optional.empty();
      }
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration d = Duration.between(now, at);
      return d.isNegative() ? Optional.of(Duration.ZERO) : Optional.of(d);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
