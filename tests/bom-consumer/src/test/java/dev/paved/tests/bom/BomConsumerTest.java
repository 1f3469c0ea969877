package dev.paved.tests.bom;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A service that imports only platform-bom gets a classpath on which every library of the stack
 * loads and links (a missing or mismatched transitive dependency fails here, not in production).
 * Version convergence itself is enforced by this module's build (dependencyConvergence).
 */
class BomConsumerTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "dev.paved.core.Platform",
        "dev.paved.resilience.Resilience",
        "dev.paved.config.Configuration",
        "dev.paved.config.secrets.Secrets",
        "dev.paved.config.flags.Flags",
        "dev.paved.catalog.CatalogEntities",
        "org.hibernate.validator.HibernateValidator",
        "io.getunleash.engine.UnleashEngine",
        "io.opentelemetry.sdk.OpenTelemetrySdk",
        "io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter",
        "io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk",
        "io.opentelemetry.extension.trace.propagation.B3Propagator",
        "io.opentelemetry.instrumentation.logback.mdc.v1_0.OpenTelemetryAppender",
        "io.micrometer.core.instrument.MeterRegistry",
        "io.micrometer.prometheusmetrics.PrometheusMeterRegistry",
        "io.github.resilience4j.retry.Retry",
        "io.github.resilience4j.circuitbreaker.CircuitBreaker",
        "io.github.resilience4j.bulkhead.Bulkhead",
        "io.github.resilience4j.timelimiter.TimeLimiter",
        "io.github.resilience4j.ratelimiter.RateLimiter",
        "io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics",
        "ch.qos.logback.classic.LoggerContext",
        "net.logstash.logback.encoder.LogstashEncoder",
        "com.fasterxml.jackson.databind.ObjectMapper",
        "com.fasterxml.jackson.dataformat.yaml.YAMLFactory",
        "io.getunleash.DefaultUnleash",
        "io.github.jopenlibs.vault.Vault",
        "dev.openfeature.sdk.OpenFeatureAPI"
      })
  void everyLibraryOfTheStackLoadsAndLinks(String className) throws Exception {
    Class<?> type = Class.forName(className, true, getClass().getClassLoader());
    // Resolving every method signature links the types it mentions.
    assertThat(type.getDeclaredMethods()).isNotNull();
    assertThat(type.getName()).isEqualTo(className);
  }

  @Test
  void slf4jBindsToLogbackOnly() {
    assertThat(org.slf4j.LoggerFactory.getILoggerFactory().getClass().getName())
        .isEqualTo("ch.qos.logback.classic.LoggerContext");
  }

  @Test
  void serviceCanBuildAnSdkAndARegistryFromTheBomVersions() {
    var sdk = io.opentelemetry.sdk.OpenTelemetrySdk.builder().build();
    var registry = new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
    registry.counter("paved.bom.check").increment();
    assertThat(registry.scrape()).contains("paved_bom_check_total 1.0");
    sdk.close();
    registry.close();
  }
}
