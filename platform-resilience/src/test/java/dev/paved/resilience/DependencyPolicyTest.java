package dev.paved.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class DependencyPolicyTest {

  @Test
  void ioErrorsAreRetriedBugsAreNot() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    DependencyPolicy p = DependencyPolicy.builder("db").clock(System::nanoTime, n -> true).build();
    assertThat(p.call(() -> {
      if (calls.incrementAndGet() < 3) {
        throw new IOException("reset");
      }
      return "ok";
    })).isEqualTo("ok");
    assertThat(calls.get()).isEqualTo(3);
    calls.set(0);
    assertThatThrownBy(() -> p.call(() -> {
      calls.incrementAndGet();
      throw new IllegalStateException("bug");
    })).isInstanceOf(IllegalStateException.class);
    assertThat(calls.get()).isEqualTo(1);
  }

  @Test
  void interruptDuringBackoffStopsAtOnceAndKeepsTheFlag() throws Exception {
    DependencyPolicy p = DependencyPolicy.builder("db")
        .backoff(Backoff.create(Duration.ofSeconds(30), 1, Duration.ofSeconds(30), Duration.ZERO)).deadline(Duration.ofMinutes(5)).build();
    CountDownLatch attempted = new CountDownLatch(1);
    Thread caller = new Thread(() -> {
      try {
        p.call(() -> {
          attempted.countDown();
          throw new IOException("down");
        });
      } catch (InterruptedException e) {
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
      } catch (Exception e) {
        throw new AssertionError("expected an interrupt, got " + e);
      }
    });
    caller.start();
    assertThat(attempted.await(5, TimeUnit.SECONDS)).isTrue();
    // In its backoff.
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> caller.getState() == Thread.State.TIMED_WAITING);
    long start = System.nanoTime();
    caller.interrupt();
    caller.join(5_000);
    assertThat(caller.isAlive()).isFalse();
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2_000);
  }

  @Test
  void sixtyFourThreadsAtHalfOpenLetThroughOnlyThePermittedTrialCalls() throws Exception {
    DependencyPolicy p = DependencyPolicy.builder("payments")
        .circuitBreaker(CircuitBreakerConfig.custom().permittedNumberOfCallsInHalfOpenState(5)
            .maxWaitDurationInHalfOpenState(Duration.ofSeconds(5)).build())
        .build();
    AtomicInteger toHalfOpen = new AtomicInteger();
    AtomicInteger toClosed = new AtomicInteger();
    p.circuitBreaker().getEventPublisher().onStateTransition(e -> {
      if (e.getStateTransition() == CircuitBreaker.StateTransition.OPEN_TO_HALF_OPEN) {
        toHalfOpen.incrementAndGet();
      }
      if (e.getStateTransition() == CircuitBreaker.StateTransition.HALF_OPEN_TO_CLOSED) {
        toClosed.incrementAndGet();
      }
    });
    p.circuitBreaker().transitionToOpenState();
    p.circuitBreaker().transitionToHalfOpenState();
    CountDownLatch go = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger entered = new AtomicInteger();
    AtomicInteger rejected = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(64);
    for (int i = 0; i < 64; i++) {
      pool.submit(() -> {
        go.await();
        try {
          p.call(() -> {
            entered.incrementAndGet();
            release.await();
            return "ok";
          });
        } catch (CallNotPermittedException e) {
          rejected.incrementAndGet();
        }
        return null;
      });
    }
    go.countDown();
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> entered.get() + rejected.get() == 64 || entered.get() == 5 && rejected.get() == 59);
    assertThat(entered.get()).isEqualTo(5);
    assertThat(rejected.get()).isEqualTo(59);
    release.countDown();
    pool.shutdown();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    assertThat(p.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(toHalfOpen.get()).isEqualTo(1);
    assertThat(toClosed.get()).isEqualTo(1);
    assertThat(p.bulkhead().getMetrics().getAvailableConcurrentCalls()).isEqualTo(64);
  }

  @Test
  void bulkheadPermitsBalanceAfterExceptionsAndRejectsBeyondItsLimit() throws Exception {
    DependencyPolicy p = DependencyPolicy.builder("db").maxAttempts(1)
        .bulkhead(io.github.resilience4j.bulkhead.BulkheadConfig.custom().maxConcurrentCalls(2).maxWaitDuration(Duration.ZERO).build())
        .build();
    // Fewer failures than the breaker's minimum number of calls (20), so it stays closed.
    for (int i = 0; i < 10; i++) {
      assertThatThrownBy(() -> p.call(() -> { throw new IOException("x"); })).isInstanceOf(IOException.class);
    }
    assertThat(p.bulkhead().getMetrics().getAvailableConcurrentCalls()).isEqualTo(2);
    CountDownLatch hold = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    CountDownLatch inside = new CountDownLatch(2);
    for (int i = 0; i < 2; i++) {
      pool.submit(() -> p.call(() -> { inside.countDown(); hold.await(); return 1; }));
    }
    assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();
    assertThatThrownBy(() -> p.call(() -> 1)).isInstanceOf(io.github.resilience4j.bulkhead.BulkheadFullException.class);
    hold.countDown();
    pool.shutdown();
    assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    assertThat(p.bulkhead().getMetrics().getAvailableConcurrentCalls()).isEqualTo(2);
  }

  @Test
  void validatesSettingsEagerly() {
    assertThatThrownBy(() -> DependencyPolicy.builder("x").maxAttempts(0)).hasMessage("maxAttempts: 0 (expected: >= 1)");
    assertThatThrownBy(() -> DependencyPolicy.builder("x").deadline(Duration.ZERO)).hasMessage("deadline: PT0S (expected: > 0)");
    assertThatThrownBy(() -> DependencyPolicy.builder("x").circuitBreaker(CircuitBreakerConfig.ofDefaults()))
        .hasMessageContaining("maxWaitDurationInHalfOpenState");
  }
}
