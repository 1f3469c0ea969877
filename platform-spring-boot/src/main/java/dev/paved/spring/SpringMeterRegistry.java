package dev.paved.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;

/**
 * The {@code MeterRegistry} bean: Spring's view of Paved's registry. Every meter registered
 * through it — Tomcat's, executors', the application's own {@code @Timed} and observations — is
 * a meter of Paved's registry, served at the admin port's {@code /metrics}. Spring Boot's meter
 * filters and customizers ({@code management.metrics.*}) apply to the meters registered here,
 * never late to Paved's own; and when Spring closes its registries (on context close, before
 * Paved's drain), Paved's stays open until the platform's {@code modules} phase.
 */
final class SpringMeterRegistry extends CompositeMeterRegistry {
  private final MeterRegistry paved;

  SpringMeterRegistry(MeterRegistry paved) {
    super(paved.config().clock());
    this.paved = paved;
    add(paved);
  }

  /** The registry of Paved's that this forwards to. */
  MeterRegistry paved() {
    return paved;
  }

  @Override
  public void close() {
    remove(paved);
    super.close();
  }
}
