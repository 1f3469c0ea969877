package dev.paved.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;

/**
 * The {@code MeterRegistry} bean: Spring's view of Paved's registry. Every meter registered
 * through it — Tomcat's, executors', the application's own {@code @Timed} and observations — is
 * a meter of Paved's registry, served at the admin port's {@code /metrics}. Spring Boot's meter
 * filters and customizers ({@code management.metrics.*}) apply to the meters registered here,
 * never late to Paved's own; and Spring closing its registries (on context close, before Paved's
 * drain) closes nothing: meters keep recording until the platform's {@code modules} phase.
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

  /**
   * Nothing: Spring Boot closes its registries when the context starts closing, before Paved's
   * drain and Spring's graceful shutdown, which still serve requests and record their meters.
   * Paved's registry is closed by the platform's {@code modules} phase.
   */
  @Override
  public void close() {
    // see above
  }
}
