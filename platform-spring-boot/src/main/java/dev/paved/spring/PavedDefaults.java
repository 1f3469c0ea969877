package dev.paved.spring;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Spring Boot settings that put one stack under the application, added as the lowest-precedence
 * property source {@value #NAME} (so {@code application.yaml} or the command line can change each):
 * Actuator's readiness group includes Paved's readiness, the probe groups exist outside
 * Kubernetes too, no banner among the JSON lines on stdout, Reactor's automatic context
 * propagation on (so a WebFlux handler's log lines and clients continue the request's trace), and
 * the registry is not added to
 * Micrometer's global one (DESIGN.md, "no hidden
 * global state").
 */
public final class PavedDefaults implements EnvironmentPostProcessor {
  /** The name of the property source. */
  public static final String NAME = "paved-defaults";

  /** The defaults. */
  public static final Map<String, Object> DEFAULTS =
      Map.of(
          "management.endpoint.health.probes.enabled", "true",
          "management.endpoint.health.group.readiness.include", "readinessState,paved",
          "management.metrics.use-global-registry", "false",
          "spring.main.banner-mode", "off",
          // Reactor carries Paved's trace context across threads (WebFlux, WebClient).
          "spring.reactor.context-propagation", "auto");

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
    if (!environment.getPropertySources().contains(NAME)) {
      environment.getPropertySources().addLast(new MapPropertySource(NAME, DEFAULTS));
    }
    PavedSecretsPropertySource.of(environment);
  }
}
