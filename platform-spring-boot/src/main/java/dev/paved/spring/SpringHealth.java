package dev.paved.spring;

import dev.paved.core.HealthKind;
import dev.paved.core.HealthReport;
import dev.paved.core.HealthResult;
import dev.paved.core.HealthStatus;
import dev.paved.core.Platform;
import java.util.List;
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
 * One health across Spring and Paved. Paved's readiness is DOWN ("service: starting") until Spring
 * publishes {@code ApplicationReadyEvent}; then, in Paved's {@code /health/ready} (and
 * {@code /health/live}): Spring's availability states as {@code spring-readiness} and
 * {@code spring-liveness}, and each Actuator health indicator that Spring's own readiness group
 * includes ({@code management.endpoint.health.group.readiness.include}) as {@code spring-<name>} —
 * not every indicator: as in Spring Boot, a shared database's hiccup does not take every instance
 * out of rotation unless the service asks. In Actuator: Paved's own readiness checks as the
 * indicator {@code paved}, in the readiness group by default.
 */
final class SpringHealth implements SmartInitializingSingleton, org.springframework.context.ApplicationListener<org.springframework.boot.context.event.ApplicationReadyEvent> {
  static final String PREFIX = "spring-";
  /** Readiness-group members that the availability checks or Paved itself already are. */
  private static final Set<String> NOT_BRIDGED = Set.of("paved", "ping", "livenessState", "readinessState");
  /** The suffixes Spring Boot drops from a bean's name to make its contributor's name. */
  private static final String[] SUFFIXES = {"HealthIndicator", "HealthContributor"};
  private static final boolean ACTUATOR_HEALTH =
      ClassUtils.isPresent("org.springframework.boot.health.contributor.HealthIndicator", SpringHealth.class.getClassLoader());

  private final Platform platform;
  private final ListableBeanFactory beans;
  private final List<String> readinessGroup;

  SpringHealth(Platform platform, ListableBeanFactory beans, org.springframework.core.env.Environment environment) {
    this.platform = platform;
    this.beans = beans;
    this.readinessGroup =
        List.of(environment.getProperty("management.endpoint.health.group.readiness.include", "readinessState,paved").split("\\s*,\\s*"));
  }

  /** Spring's application is ready: so is Paved's readiness, as far as the service is concerned. */
  @Override
  public void onApplicationEvent(org.springframework.boot.context.event.ApplicationReadyEvent event) {
    platform.serviceStarted();
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
      Indicators.bridge(platform, beans, readinessGroup);
    }
  }

  /** Actuator's side, kept apart so that this class loads without Actuator. */
  static final class Indicators {
    private Indicators() {}

    static void bridge(Platform platform, ListableBeanFactory beans, List<String> readinessGroup) {
      for (Map.Entry<String, HealthIndicator> e : beans.getBeansOfType(HealthIndicator.class).entrySet()) {
        String name = contributorName(e.getKey());
        if (NOT_BRIDGED.contains(name) || !readinessGroup.contains(name)) {
          continue;
        }
        HealthIndicator indicator = e.getValue();
        platform.health().register(PREFIX + name, HealthKind.READINESS, () -> fromSpring(indicator.health()));
      }
    }

    /** {@code dbHealthIndicator} is the contributor {@code db}, as Spring Boot names it. */
    static String contributorName(String beanName) {
      for (String suffix : SUFFIXES) {
        if (beanName.length() > suffix.length() && beanName.endsWith(suffix)) {
          return beanName.substring(0, beanName.length() - suffix.length());
        }
      }
      return beanName;
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
