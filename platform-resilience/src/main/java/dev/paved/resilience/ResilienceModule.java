package dev.paved.resilience;

import dev.paved.core.ConfigKey;
import dev.paved.core.HealthKind;
import dev.paved.core.HealthResult;
import dev.paved.core.ServiceDescriptor;
import dev.paved.core.spi.ModuleContext;
import dev.paved.core.spi.PlatformModule;
import dev.paved.observability.Observability;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Publishes {@link Resilience}, builds the policy of every declared dependency at start (so that
 * bad settings fail start-up, not the first call), and reports open breakers in readiness as
 * DEGRADED (the service still serves; its dependencies are failing fast).
 */
public final class ResilienceModule implements PlatformModule {
  @Override
  public String name() {
    return "resilience";
  }

  @Override
  public Set<String> dependsOn() {
    return Set.of("observability");
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return ResilienceSettings.keys();
  }

  private volatile @org.jspecify.annotations.Nullable Resilience resilience;

  /**
   * Initializes the JDK's default TLS context — the first {@code HttpClient} built for a dependency
   * ({@code Resilience.httpClient}, most often in the service's own start) does it first (~0.1 s:
   * the security providers and the trusted certificates) — while the modules before this one
   * start. Done also for a service that builds no client: one background task, not on the path.
   */
  @Override
  public void prepare() {
    try {
      javax.net.ssl.SSLContext.getDefault();
    } catch (java.security.NoSuchAlgorithmException e) {
      // The client meets it again when it is built, and says so there.
    }
  }

  @Override
  public void start(ModuleContext context) {
    // dependsOn("observability"): the platform starts this module only after it, so it is there.
    Observability obs = context.component(Observability.class).orElseThrow(() -> new IllegalStateException("platform-observability did not start"));
    ResilienceTelemetry telemetry = new ResilienceTelemetry(obs.meterRegistry());
    Resilience resilience = new Resilience(context.config(), obs, telemetry);
    for (ServiceDescriptor.Dependency d : context.descriptor().dependencies()) {
      resilience.policy(d.name());
    }
    context.register(Resilience.class, resilience);
    resilience.activity.register(context.admin(), resilience);
    this.resilience = resilience;
    context.health().register("circuit-breakers", HealthKind.READINESS, () -> {
      Map<String, Object> states = new LinkedHashMap<>();
      boolean open = false;
      for (var e : resilience.policies().entrySet()) {
        CircuitBreaker.State s = e.getValue().circuitBreaker().getState();
        states.put(e.getKey(), s.name());
        open |= s == CircuitBreaker.State.OPEN || s == CircuitBreaker.State.FORCED_OPEN;
      }
      HealthResult r = open ? HealthResult.degraded("a dependency's circuit breaker is open") : HealthResult.up();
      for (var e : states.entrySet()) {
        r = r.withDetail(e.getKey(), e.getValue());
      }
      return r;
    });
  }

  /** Calls waiting in a backoff give up at once, so that graceful shutdown is not held up by them. */
  @Override
  public void stop() {
    Resilience r = resilience;
    if (r != null) {
      r.close();
    }
  }
}
