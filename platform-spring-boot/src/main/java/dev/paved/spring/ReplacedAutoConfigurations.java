package dev.paved.spring;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.AutoConfigurationImportFilter;
import org.springframework.boot.autoconfigure.AutoConfigurationMetadata;

/**
 * Spring Boot's auto-configurations whose job Paved does, so that there is one stack and not two:
 * they are filtered out before Spring evaluates them (Boot's own {@link
 * AutoConfigurationImportFilter} mechanism, the one its {@code @ConditionalOnClass} uses). The list
 * is {@link #REPLACED}; {@code docs/spring-boot.md} says what replaces each. Everything else of
 * Spring Boot's stays: Actuator's endpoints, Tomcat's and executors' metrics, the user's own
 * observations (recorded in Paved's registry).
 */
public final class ReplacedAutoConfigurations implements AutoConfigurationImportFilter {
  /** Class names, or package prefixes ending in '.', of what Paved replaces. */
  public static final List<String> REPLACED =
      List.of(
          // Paved's OpenTelemetry SDK (resource, sampler, OTLP exporters) and its bridge-free tracing.
          "org.springframework.boot.opentelemetry.autoconfigure.",
          "org.springframework.boot.micrometer.tracing.",
          // Paved's registry: exported on the admin port's /metrics (and by OTLP when configured).
          "org.springframework.boot.micrometer.metrics.autoconfigure.export.",
          // Paved's JVM metrics, with OpenTelemetry's names (jvm.memory.used by jvm.memory.pool.name ...).
          "org.springframework.boot.micrometer.metrics.autoconfigure.jvm.JvmMetricsAutoConfiguration",
          "org.springframework.boot.micrometer.metrics.autoconfigure.system.SystemMetricsAutoConfiguration",
          // Paved's SERVER span and http.server.request.duration (the servlet filter), not http.server.requests.
          "org.springframework.boot.webmvc.autoconfigure.WebMvcObservationAutoConfiguration",
          // Paved's CLIENT span and http.client.request.duration (the request factory), not http.client.requests.
          "org.springframework.boot.restclient.autoconfigure.RestClientObservationAutoConfiguration",
          "org.springframework.boot.restclient.autoconfigure.RestTemplateObservationAutoConfiguration",
          // The same for Spring WebFlux (Paved's HttpHandler decorator) and WebClient (its exchange filter).
          "org.springframework.boot.webflux.autoconfigure.WebFluxObservationAutoConfiguration",
          "org.springframework.boot.webclient.autoconfigure.WebClientObservationAutoConfiguration");

  @Override
  public boolean[] match(@Nullable String[] autoConfigurationClasses, AutoConfigurationMetadata metadata) {
    boolean[] keep = new boolean[autoConfigurationClasses.length];
    for (int i = 0; i < autoConfigurationClasses.length; i++) {
      String name = autoConfigurationClasses[i];
      keep[i] = name == null || !isReplaced(name);
    }
    return keep;
  }

  /** Whether Paved replaces the auto-configuration {@code className}. */
  public static boolean isReplaced(String className) {
    for (String r : REPLACED) {
      if (r.endsWith(".") ? className.startsWith(r) : className.equals(r)) {
        return true;
      }
    }
    return false;
  }
}
