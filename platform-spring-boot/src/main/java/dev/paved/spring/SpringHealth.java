package dev.paved.spring;

import dev.paved.core.HealthKind;
import dev.paved.core.HealthReport;
import dev.paved.core.HealthResult;
import dev.paved.core.HealthStatus;
import dev.paved.core.Platform;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.jspecify.annotations.Nullable;
import org.springframework.util.ClassUtils;

/**
 * One health across Spring and Paved. In Paved's {@code /health/ready} (and {@code /health/live}):
 * Spring's availability states as {@code spring-readiness} ({@code ACCEPTING_TRAFFIC} once the
 * application is ready, so Paved's readiness waits for Spring's) and {@code spring-liveness},
 * and every Actuator {@link HealthIndicator} bean as {@code spring-<bean name>}. In Actuator:
 * Paved's own readiness checks as the indicator {@code paved}, in the readiness group by default.
 */
final class SpringHealth implements SmartInitializingSingleton {
  static final String PREFIX = "spring-";
  /** Actuator indicators that the availability checks or Paved itself already cover. */
  private static final Set<String> NOT_BRIDGED = Set.of("paved", "ping", "livenessState", "readinessState");
  private static final boolean ACTUATOR_HEALTH =
      ClassUtils.isPresent("org.springframework.boot.health.contributor.HealthIndicator", SpringHealth.class.getClassLoader());

  private final Platform platform;
  private final ListableBeanFactory beans;

  SpringHealth(Platform platform, ListableBeanFactory beans) {
    this.platform = platform;
    this.beans = beans;
  }

  @Override
  public void afterSingletonsInstantiated() {
    beans.getBeanProvider(ApplicationAvailability.class)
        .ifAvailable(
            availability -> {
              platform
                  .health()
                  .register(
                      PREFIX + "readiness",
                      HealthKind.READINESS,
                      () ->
                          availability.getReadinessState() == ReadinessState.ACCEPTING_TRAFFIC
                              ? HealthResult.up()
                              : HealthResult.down("Spring reports " + availability.getReadinessState()));
              platform
                  .health()
                  .register(
                      PREFIX + "liveness",
                      HealthKind.LIVENESS,
                      () ->
                          availability.getLivenessState() == LivenessState.CORRECT
                              ? HealthResult.up()
                              : HealthResult.down("Spring reports " + availability.getLivenessState()));
            });
    if (ACTUATOR_HEALTH) {
      Indicators.bridge(platform, beans);
    }
  }

  /** Actuator's side, kept apart so that this class loads without Actuator. */
  static final class Indicators {
    private Indicators() {}

    static void bridge(Platform platform, ListableBeanFactory beans) {
      for (Map.Entry<String, HealthIndicator> e : beans.getBeansOfType(HealthIndicator.class).entrySet()) {
        if (NOT_BRIDGED.contains(e.getKey())) {
          continue;
        }
        HealthIndicator indicator = e.getValue();
        platform.health().register(PREFIX + e.getKey(), HealthKind.READINESS, () -> fromSpring(indicator.health()));
      }
    }

    static HealthResult fromSpring(@Nullable Health health) {
      if (health == null) {
        return HealthResult.degraded("Spring health indicator gave no health");
      }
      Status s = health.getStatus();
      HealthResult r;
      if (Status.UP.equals(s)) {
        r = HealthResult.up();
      } else if (Status.DOWN.equals(s) || Status.OUT_OF_SERVICE.equals(s)) {
        r = HealthResult.down("Spring health indicator reports " + s.getCode());
      } else {
        r = HealthResult.degraded("Spring health indicator reports " + s.getCode());
      }
      for (Map.Entry<String, Object> d : health.getDetails().entrySet()) {
        r = r.withDetail(d.getKey(), String.valueOf(d.getValue()));
      }
      return r;
    }

    /** Paved's readiness without the checks bridged from Spring, as an Actuator indicator. */
    static HealthIndicator paved(Platform platform) {
      return () -> {
        HealthReport report = platform.health().readiness();
        HealthStatus worst = HealthStatus.UP;
        Health.Builder b = Health.up();
        for (HealthReport.Check c : report.checks()) {
          if (c.name().startsWith(PREFIX)) {
            continue;
          }
          worst = c.status().ordinal() > worst.ordinal() ? c.status() : worst;
          b.withDetail(c.name(), c.reason() == null ? c.status().name() : c.status().name() + ": " + c.reason());
        }
        if (worst == HealthStatus.DOWN) {
          b.status(platform.isClosed() ? Status.OUT_OF_SERVICE : Status.DOWN);
        }
        return b.build();
      };
    }
  }
}
