package dev.paved.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A builder's defaults are the declared defaults of the keys (declared once, in {@link
 * ResilienceConfig}; the documentation test checks docs/configuration.md against the same
 * declarations): a policy built in code and one built from an empty configuration are the same.
 */
class DefaultsTest {

  @Test
  void everyBuilderDefaultIsTheDeclaredDefaultOfItsKey() {
    assertThat(DependencyPolicy.DEFAULT_MAX_ATTEMPTS).isEqualTo(ResilienceConfig.MAX_ATTEMPTS.defaultValue()).isEqualTo(3);
    assertThat(DependencyPolicy.DEFAULT_DEADLINE).isEqualTo(ResilienceConfig.DEADLINE.defaultValue()).isEqualTo(Duration.ofSeconds(10));
    assertThat(ResilientHttpClient.DEFAULT_ATTEMPT_TIMEOUT).isEqualTo(ResilienceConfig.ATTEMPT_TIMEOUT.defaultValue());
    assertThat(Backoff.DEFAULT_INITIAL_DELAY).isEqualTo(ResilienceConfig.BACKOFF_INITIAL.defaultValue());
    assertThat(Backoff.DEFAULT_MULTIPLIER).isEqualTo(ResilienceConfig.BACKOFF_MULTIPLIER.defaultValue());
    assertThat(Backoff.DEFAULT_MAX_DELAY).isEqualTo(ResilienceConfig.BACKOFF_MAX.defaultValue());
    assertThat(Backoff.DEFAULT_RETRY_AFTER_CAP).isEqualTo(ResilienceConfig.RETRY_AFTER_CAP.defaultValue());
    assertThat(RetryBudget.DEFAULT_PERCENT).isEqualTo(ResilienceConfig.BUDGET_PERCENT.defaultValue());
    assertThat(RetryBudget.DEFAULT_MIN_PER_SECOND).isEqualTo(ResilienceConfig.BUDGET_MIN.defaultValue());
    assertThat(RetryBudget.DEFAULT_WINDOW).isEqualTo(ResilienceConfig.BUDGET_WINDOW.defaultValue());

    DependencyPolicy p = DependencyPolicy.builder("x").build();
    CircuitBreakerConfig c = p.circuitBreaker().getCircuitBreakerConfig();
    assertThat(Duration.ofSeconds(c.getSlidingWindowSize())).isEqualTo(ResilienceConfig.CB_WINDOW.defaultValue());
    assertThat(c.getMinimumNumberOfCalls()).isEqualTo(ResilienceConfig.CB_MINIMUM_CALLS.defaultValue());
    assertThat((double) c.getFailureRateThreshold()).isEqualTo(ResilienceConfig.CB_FAILURE_RATE.defaultValue());
    assertThat((double) c.getSlowCallRateThreshold()).isEqualTo(ResilienceConfig.CB_SLOW_RATE.defaultValue());
    assertThat(c.getSlowCallDurationThreshold()).isEqualTo(ResilienceConfig.CB_SLOW_DURATION.defaultValue());
    assertThat(c.getPermittedNumberOfCallsInHalfOpenState()).isEqualTo(ResilienceConfig.CB_HALF_OPEN_CALLS.defaultValue());
    assertThat(c.getMaxWaitDurationInHalfOpenState()).isEqualTo(ResilienceConfig.CB_MAX_WAIT_HALF_OPEN.defaultValue());
    assertThat(p.bulkhead().getBulkheadConfig().getMaxConcurrentCalls()).isEqualTo(ResilienceConfig.BULKHEAD_MAX.defaultValue());
  }
}
