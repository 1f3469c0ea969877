package dev.paved.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paved.test.TestClock;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What {@link SuccessStripes} and {@link HandoverClock} rely on in Resilience4j's circuit breaker
 * and Resilience4j does not promise in its documentation. If a Resilience4j version in the BOM
 * changes any of it, this test fails before the batching silently miscounts: then keep the
 * version, or give the batching up (record every outcome directly) until it is re-checked.
 */
@Timeout(10)
class Resilience4jContractTest {
  private static CircuitBreaker timeWindowed(Clock clock) {
    return CircuitBreaker.of(
        "contract",
        CircuitBreakerConfig.custom()
            .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.TIME_BASED)
            .slidingWindowSize(10)
            .minimumNumberOfCalls(1_000)
            .clock(clock)
            .build());
  }

  @Test
  void onSuccessReadsTheConfiguredClockOnTheCallingThreadDuringTheCall() {
    TestClock clock = TestClock.at("2026-12-01T10:00:00Z");
    CircuitBreaker breaker = timeWindowed(clock);
    long before = clock.readsOnThisThread();
    breaker.onSuccess(1, TimeUnit.MILLISECONDS);
    assertThat(clock.readsOnThisThread())
        .as("HandoverClock freezes the instant per thread: the breaker must read its clock on the recording thread")
        .isGreaterThan(before);
  }

  @Test
  void theTimeWindowAgesCallsByTheConfiguredClock() {
    TestClock clock = TestClock.at("2026-12-01T10:00:00Z");
    CircuitBreaker breaker = timeWindowed(clock);
    breaker.onSuccess(1, TimeUnit.MILLISECONDS);
    assertThat(breaker.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(11));
    breaker.onError(1, TimeUnit.MILLISECONDS, new RuntimeException("fails"));
    assertThat(breaker.getMetrics().getNumberOfSuccessfulCalls()).as("the success aged out by the configured clock").isZero();
    assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
  }

  @Test
  void successesHandedOverUnderAFrozenInstantCountAtThatInstantAndAgeWithIt() {
    TestClock moving = TestClock.at("2026-12-01T10:00:00Z");
    HandoverClock clock = new HandoverClock(moving);
    CircuitBreaker breaker = timeWindowed(clock);
    clock.freeze(); // at 10:00:00
    moving.advance(Duration.ofSeconds(5));
    for (int i = 0; i < 100; i++) {
      breaker.onSuccess(1, TimeUnit.MILLISECONDS);
    }
    clock.thaw();
    assertThat(breaker.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(100);
    // 10.5 s after 10:00:00 (5.5 s after the handover) the 10 s window has dropped them: they were counted at 10:00:00.
    moving.advance(Duration.ofMillis(5_500));
    breaker.onError(1, TimeUnit.MILLISECONDS, new RuntimeException("fails"));
    assertThat(breaker.getMetrics().getNumberOfSuccessfulCalls()).isZero();
  }

  @Test
  void aClosedBreakersPermissionNeedsNoPromptOutcomeAndAnotherThreadMayRecordIt() throws Exception {
    CircuitBreaker breaker = timeWindowed(Clock.systemUTC());
    for (int i = 0; i < 1_000; i++) {
      assertThat(breaker.tryAcquirePermission()).isTrue();
    }
    assertThat(breaker.getMetrics().getNumberOfBufferedCalls()).as("acquiring records nothing in CLOSED").isZero();
    CompletableFuture.runAsync(
            () -> {
              for (int i = 0; i < 1_000; i++) {
                breaker.onSuccess(1, TimeUnit.MILLISECONDS);
              }
            })
        .get();
    assertThat(breaker.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1_000);
    assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
  }
}
