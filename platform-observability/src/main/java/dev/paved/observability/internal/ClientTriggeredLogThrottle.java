package dev.paved.observability.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Marker;

/**
 * Throttles the warnings that a client can trigger in a library Paved routes into its log: the
 * first event of each listed logger (or logger prefix) is logged, then at most one a minute; the
 * rest are denied and counted ({@link #suppressed()}, exported as {@code paved.logs.throttled}).
 * Regression (issue 16): {@code baggage: k=%zz} made OpenTelemetry's baggage parser log a WARN
 * with a 2 KB stack trace on every request, 3,446 lines (8.2 MB) in ten seconds. Internal: not for
 * public use; configured in {@code logback-defaults.xml} with {@code <logger>} elements.
 */
public final class ClientTriggeredLogThrottle extends TurboFilter {
  private static final LongAdder SUPPRESSED = new LongAdder();
  private static final long WINDOW_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final List<String> prefixes = new ArrayList<>();
  private final List<AtomicLong> lastLogged = new ArrayList<>();
  private final LongSupplier nanoTime;

  public ClientTriggeredLogThrottle() {
    this(System::nanoTime);
  }

  ClientTriggeredLogThrottle(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /** A logger name, or a prefix of logger names, whose warnings a client can trigger. */
  public void addLogger(String prefix) {
    prefixes.add(prefix.strip());
    lastLogged.add(new AtomicLong(Long.MIN_VALUE));
  }

  /** The logger names and prefixes it throttles, in the order given. */
  public List<String> loggers() {
    return List.copyOf(prefixes);
  }

  /** Events denied since start, by every instance. */
  public static long suppressed() {
    return SUPPRESSED.sum();
  }

  @Override
  public FilterReply decide(
      @Nullable Marker marker, Logger logger, Level level, @Nullable String format, Object @Nullable [] params, @Nullable Throwable t) {
    if (level.toInt() > Level.WARN_INT || format == null) {
      return FilterReply.NEUTRAL; // errors always pass; the call without a message is the enabled check
    }
    String name = logger.getName();
    for (int i = 0; i < prefixes.size(); i++) {
      if (name.startsWith(prefixes.get(i))) {
        AtomicLong last = lastLogged.get(i);
        long now = nanoTime.getAsLong();
        long before = last.get();
        if ((before == Long.MIN_VALUE || now - before >= WINDOW_NANOS) && last.compareAndSet(before, now)) {
          return FilterReply.NEUTRAL;
        }
        SUPPRESSED.increment();
        return FilterReply.DENY;
      }
    }
    return FilterReply.NEUTRAL;
  }
}
