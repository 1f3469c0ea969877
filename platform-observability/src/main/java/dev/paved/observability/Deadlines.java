package dev.paved.observability;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The time a request has left, carried in the OpenTelemetry context. Server instrumentation reads
 * it from an incoming request — Paved's {@value #HEADER} (milliseconds), gRPC's {@code
 * grpc-timeout}, or Envoy's {@code x-envoy-expected-rq-timeout-ms} — and resilient clients use and
 * pass on what is left, so a caller that has given up is not worked for downstream.
 */
public final class Deadlines {
  /** Paved's header: the milliseconds the caller will still wait. */
  public static final String HEADER = "x-paved-timeout-ms";

  /**
   * The longest timeout honoured: a longer one (up to {@code Long.MAX_VALUE} milliseconds, or
   * {@code 99999999H}) is clamped to it, never an overflow.
   */
  public static final Duration MAX_TIMEOUT = Duration.ofDays(1);

  private static final long MAX_NANOS = MAX_TIMEOUT.toNanos();
  private static final long MAX_MILLIS = MAX_TIMEOUT.toMillis();

  private static final ContextKey<Long> DEADLINE = ContextKey.named("paved-deadline-nanos");

  private Deadlines() {}

  /** The time left for the current request, if it has a deadline (never negative). */
  public static Optional<Duration> remaining() {
    return remaining(Context.current());
  }

  public static Optional<Duration> remaining(Context context) {
    Long at = context.get(DEADLINE);
    if (at == null) {
      return Optional.empty();
    }
    return Optional.of(Duration.ofNanos(Math.max(0, at - System.nanoTime())));
  }

  /**
   * The deadline of {@code context} on the {@link System#nanoTime()} clock, or null: for hot paths
   * that must not allocate.
   */
  public static @Nullable Long deadlineNanos(Context context) {
    return context.get(DEADLINE);
  }

  /**
   * {@code context} with a deadline {@code timeout} from now, or the earlier one it already has. A
   * negative timeout counts as none left; one above {@link #MAX_TIMEOUT} is clamped to it.
   */
  public static Context withTimeout(Context context, Duration timeout) {
    long nanos =
        timeout.isNegative() ? 0 : timeout.compareTo(MAX_TIMEOUT) > 0 ? MAX_NANOS : timeout.toNanos();
    long at = System.nanoTime() + nanos;
    Long existing = context.get(DEADLINE);
    return existing != null && existing <= at ? context : context.with(DEADLINE, at);
  }

  /** The timeout an incoming request carries in its headers, if any: the smallest of them. */
  static <C> @Nullable Duration fromHeaders(C carrier, TextMapGetter<C> getter) {
    return fromHeaders(carrier, getter, ALL_HEADERS, Duration.ZERO);
  }

  /** Every header read for a deadline, in the order of {@link #fromHeaders}. */
  static final java.util.List<String> ALL_HEADERS =
      java.util.List.of(HEADER, "grpc-timeout", "x-envoy-expected-rq-timeout-ms");

  /**
   * The smallest timeout among the {@code trusted} headers of an incoming request, raised to at
   * least {@code minimum}; null when none is set or parses. Never throws: a value that does not
   * parse is ignored, one that is too large is clamped to {@link #MAX_TIMEOUT}.
   */
  static <C> @Nullable Duration fromHeaders(
      C carrier, TextMapGetter<C> getter, java.util.List<String> trusted, Duration minimum) {
    Duration min = null;
    for (int i = 0; i < trusted.size(); i++) {
      String header = trusted.get(i);
      String value = getter.get(carrier, header);
      if (value == null) {
        continue;
      }
      Duration d = header.equals("grpc-timeout") ? grpcTimeout(value) : millis(value);
      if (d != null && (min == null || d.compareTo(min) < 0)) {
        min = d;
      }
    }
    if (min != null && min.compareTo(minimum) < 0) {
      return minimum;
    }
    return min;
  }

  /** Milliseconds, saturating: digits beyond the maximum give {@link #MAX_TIMEOUT}. */
  static @Nullable Duration millis(@Nullable String value) {
    if (value == null) {
      return null;
    }
    String v = value.strip();
    if (v.isEmpty() || v.length() > 64) {
      return null;
    }
    for (int i = 0; i < v.length(); i++) {
      if (v.charAt(i) < '0' || v.charAt(i) > '9') {
        return null;
      }
    }
    if (v.length() > 18) {
      return MAX_TIMEOUT;
    }
    long ms = Long.parseLong(v);
    return ms > MAX_MILLIS ? MAX_TIMEOUT : Duration.ofMillis(ms);
  }

  /** gRPC's format: up to 8 digits and a unit, H M S m u n; saturating at {@link #MAX_TIMEOUT}. */
  static @Nullable Duration grpcTimeout(@Nullable String value) {
    if (value == null || value.length() < 2 || value.length() > 9) {
      return null;
    }
    long n = 0;
    for (int i = 0; i < value.length() - 1; i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return null;
      }
      n = n * 10 + (c - '0'); // at most 8 digits: no overflow
    }
    long unitNanos =
        switch (value.charAt(value.length() - 1)) {
          case 'H' -> 3_600_000_000_000L;
          case 'M' -> 60_000_000_000L;
          case 'S' -> 1_000_000_000L;
          case 'm' -> 1_000_000L;
          case 'u' -> 1_000L;
          case 'n' -> 1L;
          default -> -1L;
        };
    if (unitNanos < 0) {
      return null;
    }
    // n < 10^8 and unitNanos <= 3.6 * 10^12: compare before multiplying.
    if (n > MAX_NANOS / unitNanos) {
      return MAX_TIMEOUT;
    }
    return Duration.ofNanos(n * unitNanos);
  }
}
