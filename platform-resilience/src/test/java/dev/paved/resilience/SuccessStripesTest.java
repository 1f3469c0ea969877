package dev.paved.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Batched success recording must never change what the breaker decides. */
class SuccessStripesTest {
  private static CircuitBreaker breaker() {
    return CircuitBreaker.of(
        "inventory",
        CircuitBreakerConfig.custom()
            .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.TIME_BASED)
            .slidingWindowSize(30)
            .minimumNumberOfCalls(10)
            .failureRateThreshold(50)
            .slowCallDurationThreshold(Duration.ofSeconds(2))
            .build());
  }

  @Test
  void successesHeldByThreadsThatWentIdleAreSeenBeforeTheBreakerJudgesAFailure() throws Exception {
    CircuitBreaker breaker = breaker();
    SuccessStripes stripes = new SuccessStripes(breaker);
    long now = System.nanoTime();
    // Two threads succeed 20 times each (under a batch: all held), then stop calling.
    Thread[] threads = new Thread[2];
    for (int t = 0; t < threads.length; t++) {
      threads[t] = new Thread(() -> {
        for (int i = 0; i < 20; i++) {
          stripes.success(TimeUnit.MILLISECONDS.toNanos(1), now);
        }
      });
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(stripes.held()).isEqualTo(40);
    assertThat(breaker.getMetrics().getNumberOfSuccessfulCalls()).isZero();

    // 12 failures: alone they would be 100% of 12 calls (open); with the 40 successes, 23%.
    for (int i = 0; i < 12; i++) {
      stripes.failure(1_000_000, now, new IOException("refused"));
    }
    assertThat(stripes.held()).isZero();
    assertThat(breaker.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(40);
    assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(12);
    assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);

    // 30 more failures: 42 of 82 calls, 51%: it opens, exactly as with immediate recording.
    for (int i = 0; i < 30; i++) {
      stripes.failure(1_000_000, now, new IOException("refused"));
    }
    assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
  }

  @Test
  void aStripeHandsOverABatchOrAfterAtMostItsLagWhileItsThreadKeepsCalling() {
    CircuitBreaker breaker = breaker();
    SuccessStripes stripes = new SuccessStripes(breaker);
    long now = 0;
    for (int i = 0; i < SuccessStripes.BATCH; i++) {
      stripes.success(1_000, now);
    }
    assertThat(breaker.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(SuccessStripes.BATCH);
    stripes.success(1_000, now);
    stripes.success(1_000, now + TimeUnit.MILLISECONDS.toNanos(SuccessStripes.MAX_LAG_MILLIS));
    assertThat(breaker.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(SuccessStripes.BATCH + 2);
    assertThat(stripes.held()).isZero();
  }

  @Test
  void slowCallsAndCallsOutsideClosedAreRecordedAtOnce() {
    CircuitBreaker breaker = breaker();
    SuccessStripes stripes = new SuccessStripes(breaker);
    stripes.success(1_000, 0);
    stripes.success(TimeUnit.SECONDS.toNanos(3), 0); // slow: drains, then recorded as slow
    assertThat(breaker.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(2);
    assertThat(breaker.getMetrics().getNumberOfSlowCalls()).isEqualTo(1);

    breaker.transitionToOpenState();
    breaker.transitionToHalfOpenState();
    stripes.success(1_000, 0); // a trial call: counted exactly, now
    assertThat(breaker.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1);
    assertThat(stripes.held()).isZero();
  }

  @Test
  void successesHeldLongerThanTheWindowAreDroppedAsTheWindowWouldHaveDroppedThem() {
    CircuitBreaker breaker = breaker();
    SuccessStripes stripes = new SuccessStripes(breaker);
    for (int i = 0; i < 5; i++) {
      stripes.success(1_000, 0);
    }
    stripes.failure(1_000, TimeUnit.SECONDS.toNanos(31), new IOException("refused"));
    assertThat(breaker.getMetrics().getNumberOfSuccessfulCalls()).isZero();
    assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
  }
}
