package dev.paved.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  /** A clock the test moves, counting the reads of the thread that set it up. */
  private static final class MovingClock extends Clock {
    private volatile Instant now = T0;
    final AtomicInteger readsByOwner = new AtomicInteger();
    final Thread owner = Thread.currentThread();

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      if (Thread.currentThread() == owner) {
        readsByOwner.incrementAndGet();
      }
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

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
    MovingClock clock = new MovingClock();
    CircuitBreaker breaker = timeWindowed(clock);
    int before = clock.readsByOwner.get();
    breaker.onSuccess(1, TimeUnit.MILLISECONDS);
    assertThat(clock.readsByOwner.get())
        .as("HandoverClock freezes the instant per thread: the breaker must read its clock on the recording thread")
        .isGreaterThan(before);
  }

  @Test
  void theTimeWindowAgesCallsByTheConfiguredClock() {
    MovingClock clock = new MovingClock();
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
    MovingClock moving = new MovingClock();
    HandoverClock clock = new HandoverClock(moving);
    CircuitBreaker breaker = timeWindowed(clock);
    clock.freeze(); // at T0
    moving.advance(Duration.ofSeconds(5));
    for (int i = 0; i < 100; i++) {
      breaker.onSuccess(1, TimeUnit.MILLISECONDS);
    }
    clock.thaw();
    assertThat(breaker.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(100);
    // 10.5 s after T0 (5.5 s after the handover) the window of 10 s has dropped them: they were counted at T0.
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
