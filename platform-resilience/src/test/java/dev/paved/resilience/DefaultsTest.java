package dev.paved.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A builder's defaults are the declared defaults of the keys (declared once, in {@link
 * ResilienceSettings}; the documentation test checks docs/configuration.md against the same
 * declarations): a policy built in code and one built from an empty configuration are the same.
 */
class DefaultsTest {

  @Test
  void everyBuilderDefaultIsTheDeclaredDefaultOfItsKey() {
    assertThat(DependencyPolicy.DEFAULT_MAX_ATTEMPTS).isEqualTo(ResilienceSettings.MAX_ATTEMPTS.defaultValue()).isEqualTo(3);
    assertThat(DependencyPolicy.DEFAULT_DEADLINE).isEqualTo(ResilienceSettings.DEADLINE.defaultValue()).isEqualTo(Duration.ofSeconds(10));
    assertThat(ResilientHttpClient.DEFAULT_ATTEMPT_TIMEOUT).isEqualTo(ResilienceSettings.ATTEMPT_TIMEOUT.defaultValue());
    assertThat(Backoff.DEFAULT_INITIAL_DELAY).isEqualTo(ResilienceSettings.BACKOFF_INITIAL.defaultValue());
    assertThat(Backoff.DEFAULT_MULTIPLIER).isEqualTo(ResilienceSettings.BACKOFF_MULTIPLIER.defaultValue());
    assertThat(Backoff.DEFAULT_MAX_DELAY).isEqualTo(ResilienceSettings.BACKOFF_MAX.defaultValue());
    assertThat(Backoff.DEFAULT_RETRY_AFTER_CAP).isEqualTo(ResilienceSettings.RETRY_AFTER_CAP.defaultValue());
    assertThat(RetryBudget.DEFAULT_PERCENT).isEqualTo(ResilienceSettings.BUDGET_PERCENT.defaultValue());
    assertThat(RetryBudget.DEFAULT_MIN_PER_SECOND).isEqualTo(ResilienceSettings.BUDGET_MIN.defaultValue());
    assertThat(RetryBudget.DEFAULT_WINDOW).isEqualTo(ResilienceSettings.BUDGET_WINDOW.defaultValue());

    DependencyPolicy p = DependencyPolicy.builder("x").build();
    CircuitBreakerConfig c = p.circuitBreaker().getCircuitBreakerConfig();
    assertThat(Duration.ofSeconds(c.getSlidingWindowSize())).isEqualTo(ResilienceSettings.CB_WINDOW.defaultValue());
    assertThat(c.getMinimumNumberOfCalls()).isEqualTo(ResilienceSettings.CB_MINIMUM_CALLS.defaultValue());
    assertThat((double) c.getFailureRateThreshold()).isEqualTo(ResilienceSettings.CB_FAILURE_RATE.defaultValue());
    assertThat((double) c.getSlowCallRateThreshold()).isEqualTo(ResilienceSettings.CB_SLOW_RATE.defaultValue());
    assertThat(c.getSlowCallDurationThreshold()).isEqualTo(ResilienceSettings.CB_SLOW_DURATION.defaultValue());
    assertThat(c.getPermittedNumberOfCallsInHalfOpenState()).isEqualTo(ResilienceSettings.CB_HALF_OPEN_CALLS.defaultValue());
    assertThat(c.getMaxWaitDurationInHalfOpenState()).isEqualTo(ResilienceSettings.CB_MAX_WAIT_HALF_OPEN.defaultValue());
    assertThat(p.bulkhead().getBulkheadConfig().getMaxConcurrentCalls()).isEqualTo(ResilienceSettings.BULKHEAD_MAX.defaultValue());
  }
}
