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

  /** {@code context} with a deadline {@code timeout} from now, or the earlier one it already has. */
  public static Context withTimeout(Context context, Duration timeout) {
    long at = System.nanoTime() + timeout.toNanos();
    Long existing = context.get(DEADLINE);
    return existing != null && existing <= at ? context : context.with(DEADLINE, at);
  }

  /** The timeout an incoming request carries in its headers, if any. */
  static <C> @Nullable Duration fromHeaders(C carrier, TextMapGetter<C> getter) {
    Duration paved = millis(getter.get(carrier, HEADER));
    Duration grpc = grpcTimeout(getter.get(carrier, "grpc-timeout"));
    Duration envoy = millis(getter.get(carrier, "x-envoy-expected-rq-timeout-ms"));
    Duration min = null;
    for (Duration d : new Duration[] {paved, grpc, envoy}) {
      if (d != null && (min == null || d.compareTo(min) < 0)) {
        min = d;
      }
    }
    return min;
  }

  static @Nullable Duration millis(@Nullable String value) {
    if (value == null) {
      return null;
    }
    try {
      long ms = Long.parseLong(value.strip());
      return ms < 0 ? null : Duration.ofMillis(ms);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** gRPC's format: up to 8 digits and a unit, H M S m u n. */
  static @Nullable Duration grpcTimeout(@Nullable String value) {
    if (value == null || value.length() < 2 || value.length() > 9) {
      return null;
    }
    long n;
    try {
      n = Long.parseLong(value.substring(0, value.length() - 1));
    } catch (NumberFormatException e) {
      return null;
    }
    if (n < 0) {
      return null;
    }
    return switch (value.charAt(value.length() - 1)) {
      case 'H' -> Duration.ofHours(n);
      case 'M' -> Duration.ofMinutes(n);
      case 'S' -> Duration.ofSeconds(n);
      case 'm' -> Duration.ofMillis(n);
      case 'u' -> Duration.ofNanos(n * 1_000);
      case 'n' -> Duration.ofNanos(n);
      default -> null;
    };
  }
}
