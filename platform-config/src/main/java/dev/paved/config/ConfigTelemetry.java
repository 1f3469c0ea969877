package dev.paved.config;

import dev.paved.core.PlatformConfig;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The module's metrics, in the registry platform-observability publishes; without it, counts are
 * kept for health and tests only.
 */
final class ConfigTelemetry {
  private final @Nullable MeterRegistry registry;
  private final AtomicLong applied = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  final dev.paved.core.internal.ListenerFailures listenerFailures =
      new dev.paved.core.internal.ListenerFailures(org.slf4j.LoggerFactory.getLogger(Configuration.class), "configuration changes");
  private final AtomicLong version = new AtomicLong();
  private @Nullable Gauge info;

  ConfigTelemetry(@Nullable MeterRegistry registry) {
    this.registry = registry;
    if (registry != null) {
      FunctionCounter.builder("paved.config.reloads", applied, AtomicLong::get)
          .description("Configuration changes after start-up, by outcome")
          .tag("outcome", "applied")
          .register(registry);
      FunctionCounter.builder("paved.config.reloads", rejected, AtomicLong::get)
          .description("Configuration changes after start-up, by outcome")
          .tag("outcome", "rejected")
          .register(registry);
      FunctionCounter.builder("paved.config.listener.failures", listenerFailures.counter(), AtomicLong::get)
          .description("Change listeners that threw; the change stayed applied")
          .register(registry);
      Gauge.builder("paved.config.version", version, AtomicLong::get)
          .description("The version of the configuration in effect")
          .register(registry);
    }
  }

  /** Records a configuration put into effect, and moves the info series to its version and hash. */
  synchronized void applied(PlatformConfig config) {
    if (config.version() > 1) {
      applied.incrementAndGet();
    }
    version.set(config.version());
    MeterRegistry r = registry;
    if (r == null) {
      return;
    }
    Gauge old = info;
    if (old != null) {
      r.remove(old);
    }
    info =
        Gauge.builder("paved.config.info", () -> 1)
            .description("The configuration in effect: its version and content hash as labels, value 1")
            .tag("version", Long.toString(config.version()))
            .tag("hash", config.hash())
            .register(r);
  }

  void rejected() {
    rejected.incrementAndGet();
  }

  long appliedCount() {
    return applied.get();
  }

  long rejectedCount() {
    return rejected.get();
  }

  long listenerFailures() {
    return listenerFailures.count();
  }
}
