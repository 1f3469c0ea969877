package dev.paved.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every rule of a call, on both drivers of the one state machine: the blocking one ({@code call})
 * and the asynchronous one ({@code callAsync}). They disagreed before (the asynchronous path never
 * reported breaker transitions, ignored the adaptive limit, the Outcome and idempotency rules and
 * the shutdown latch).
 */
@Timeout(30)
class DriversTest {
  private static final ScheduledExecutorService SCHEDULER = Executors.newSingleThreadScheduledExecutor();

  enum Driver {
    BLOCKING {
      @Override
      <T> T call(DependencyPolicy p, Callable<T> attempt, DependencyPolicy.Outcome<T> outcome, boolean idempotent)
          throws Exception {
        return p.call(attempt, outcome, idempotent);
      }
    },
    ASYNC {
      @Override
      <T> T call(DependencyPolicy p, Callable<T> attempt, DependencyPolicy.Outcome<T> outcome, boolean idempotent)
          throws Exception {
        try {
          return p.callAsync(
                  () -> {
                    try {
                      return CompletableFuture.completedFuture(attempt.call());
                    } catch (Exception e) {
                      return CompletableFuture.<T>failedFuture(e);
                    }
                  },
                  outcome,
                  idempotent,
                  SCHEDULER)
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          throw cause instanceof Exception ex ? ex : new RuntimeException(cause);
        }
      }
    };

    abstract <T> T call(DependencyPolicy p, Callable<T> attempt, DependencyPolicy.Outcome<T> outcome, boolean idempotent)
        throws Exception;

    <T> T call(DependencyPolicy p, Callable<T> attempt) throws Exception {
      return call(p, attempt, r -> false, true);
    }
  }

  private static DependencyPolicy.Builder fast(String name) {
    return DependencyPolicy.builder(name).backoff(Backoff.create(Duration.ofMillis(1), 1, Duration.ofMillis(1), Duration.ZERO));
  }

  /** Retryable 503-like results: retried, each retried one discarded, the last one returned. */
  private record Response(int status, AtomicInteger closed) {}

  private static DependencyPolicy.Outcome<Response> statusOutcome() {
    return new DependencyPolicy.Outcome<>() {
      @Override
      public boolean retryable(Response r) {
        return r.status() == 503;
      }

      @Override
      public void discard(Response r) {
        r.closed().incrementAndGet();
      }
    };
  }

  @ParameterizedTest
  @EnumSource(Driver.class)
  void aRetryableResultIsRetriedAndEveryRetriedResultIsDiscarded(Driver driver) throws Exception {
    DependencyPolicy p = fast("inventory").maxAttempts(3).build();
    List<Response> made = new CopyOnWriteArrayList<>();
    Response last =
        driver.call(
            p,
            () -> {
              Response r = new Response(503, new AtomicInteger());
              made.add(r);
              return r;
            },
            statusOutcome(),
            true);
    assertThat(made).hasSize(3);
    assertThat(made.subList(0, 2)).allSatisfy(r -> assertThat(r.closed()).hasValue(1));
    assertThat(last.closed()).as("the returned result is the caller's to close").hasValue(0);
  }

  @ParameterizedTest
  @EnumSource(Driver.class)
  void aNonIdempotentCallIsRetriedOnlyWhenTheConnectionWasRefused(Driver driver) throws Exception {
    DependencyPolicy p = fast("payments").maxAttempts(3).build();
    AtomicInteger attempts = new AtomicInteger();
    assertThatThrownBy(() -> driver.call(p, () -> { attempts.incrementAndGet(); throw new IOException("reset"); }, r -> false, false))
        .isInstanceOf(IOException.class);
    assertThat(attempts).hasValue(1);

    attempts.set(0);
    assertThatThrownBy(() -> driver.call(p, () -> { attempts.incrementAndGet(); throw new ConnectException("refused"); }, r -> false, false))
        .isInstanceOf(ConnectException.class);
    assertThat(attempts).hasValue(3);
  }

  @ParameterizedTest
  @EnumSource(Driver.class)
  void breakerTransitionsAreReportedToListeners(Driver driver) throws Exception {
    List<String> transitions = new CopyOnWriteArrayList<>();
    List<String> calls = new CopyOnWriteArrayList<>();
    DependencyPolicy p =
        fast("ledger")
            .maxAttempts(1)
            .circuitBreaker(
                CircuitBreakerConfig.custom()
                    .slidingWindowSize(4)
                    .minimumNumberOfCalls(4)
                    .failureRateThreshold(50)
                    .maxWaitDurationInHalfOpenState(Duration.ofSeconds(1))
                    .build())
            .listener(
                new PolicyListener() {
                  @Override
                  public void onCircuitStateChange(String dependency, String from, String to) {
                    transitions.add(from + "->" + to);
                  }

                  @Override
                  public void onCall(String dependency, String outcome, int attempts, long nanos) {
                    calls.add(outcome);
                  }
                })
            .build();
    for (int i = 0; i < 4; i++) {
      assertThatThrownBy(() -> driver.call(p, () -> { throw new IOException("down"); })).isInstanceOf(IOException.class);
    }
    assertThat(p.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(transitions).containsExactly("closed->open");
    assertThatThrownBy(() -> driver.call(p, () -> "x")).isInstanceOf(CallNotPermittedException.class);
    assertThat(calls).containsExactly("failure", "failure", "failure", "failure", "circuit_open");
  }

  @ParameterizedTest
  @EnumSource(Driver.class)
  void theAdaptiveLimitRefusesWithTheBulkheadsExceptionOnBothPaths(Driver driver) throws Exception {
    DependencyPolicy p = fast("search").adaptiveConcurrency(1).build();
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread holder =
        new Thread(
            () -> {
              try {
                p.call(() -> { inside.countDown(); release.await(10, TimeUnit.SECONDS); return 1; });
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    holder.start();
    assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
    try {
      assertThatThrownBy(() -> driver.call(p, () -> 2)).isInstanceOf(BulkheadFullException.class).hasMessageContaining("search");
    } finally {
      release.countDown();
      holder.join(10_000);
    }
    assertThat(driver.call(p, () -> 3)).isEqualTo(3);
  }

  @ParameterizedTest
  @EnumSource(Driver.class)
  void theBulkheadRefusesWithTheSameException(Driver driver) throws Exception {
    DependencyPolicy p =
        fast("search")
            .bulkhead(io.github.resilience4j.bulkhead.BulkheadConfig.custom().maxConcurrentCalls(1).maxWaitDuration(Duration.ZERO).build())
            .build();
    assertThat(p.bulkhead().tryAcquirePermission()).isTrue();
    try {
      assertThatThrownBy(() -> driver.call(p, () -> 2)).isInstanceOf(BulkheadFullException.class);
    } finally {
      p.bulkhead().onComplete();
    }
  }

  @ParameterizedTest
  @EnumSource(Driver.class)
  void noRetryStartsOnceThePlatformIsClosing(Driver driver) throws Exception {
    CountDownLatch closing = new CountDownLatch(1);
    DependencyPolicy p = fast("db").maxAttempts(5).closing(closing).build();
    AtomicInteger attempts = new AtomicInteger();
    assertThatThrownBy(
            () ->
                driver.call(
                    p,
                    () -> {
                      attempts.incrementAndGet();
                      closing.countDown();
                      throw new IOException("down");
                    }))
        .isInstanceOf(IOException.class);
    assertThat(attempts).hasValue(1);
  }

  @ParameterizedTest
  @EnumSource(Driver.class)
  void attemptsCutShortByTheCallersDeadlineDoNotCountAgainstTheBreaker(Driver driver) throws Exception {
    DependencyPolicy p =
        fast("inventory")
            .maxAttempts(3)
            .circuitBreaker(
                CircuitBreakerConfig.custom()
                    .slidingWindowSize(10)
                    .minimumNumberOfCalls(5)
                    .failureRateThreshold(50)
                    .maxWaitDurationInHalfOpenState(Duration.ofSeconds(1))
                    .build())
            .build();
    for (int i = 0; i < 21; i++) {
      // The caller will wait 50 ms; the attempt (slower) times out with it. (1 ms, as the attack
      // sent, can run out before the first attempt starts on a loaded machine: "not made".)
      Context tight = dev.paved.observability.Deadlines.withTimeout(Context.current(), Duration.ofMillis(50));
      try (Scope ignored = tight.makeCurrent()) {
        assertThatThrownBy(
                () ->
                    driver.call(
                        p,
                        () -> {
                          Thread.sleep(80);
                          throw new HttpTimeoutException("request timed out");
                        }))
            .isInstanceOf(DeadlineExceededException.class)
            .hasCauseInstanceOf(HttpTimeoutException.class);
      }
    }
    assertThat(p.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(p.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isZero();
    assertThat(p.bulkhead().getMetrics().getAvailableConcurrentCalls()).isEqualTo(64);
    // The policy's own deadline is the dependency's fault: that still counts.
    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(() -> driver.call(p, () -> { throw new HttpTimeoutException("slow"); }))
          .isInstanceOfAny(HttpTimeoutException.class, CallNotPermittedException.class);
    }
    assertThat(p.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
  }

  @ParameterizedTest
  @EnumSource(Driver.class)
  void aListenerAddedAfterBuildSeesTheTransitionWhenItHappens(Driver driver) throws Exception {
    DependencyPolicy p =
        fast("ledger")
            .maxAttempts(3)
            .circuitBreaker(
                CircuitBreakerConfig.custom()
                    .slidingWindowSize(4)
                    .minimumNumberOfCalls(2)
                    .failureRateThreshold(50)
                    .maxWaitDurationInHalfOpenState(Duration.ofSeconds(1))
                    .build())
            .build();
    List<String> seen = new CopyOnWriteArrayList<>();
    AtomicInteger attempts = new AtomicInteger();
    p.addListener(
        new PolicyListener() {
          @Override
          public void onCircuitStateChange(String dependency, String from, String to) {
            seen.add(from + "->" + to + "@" + attempts.get());
          }
        });
    assertThatThrownBy(() -> driver.call(p, () -> { attempts.incrementAndGet(); throw new IOException("down"); }))
        .isInstanceOf(IOException.class);
    // Opened by the second attempt, and reported then: not at the end of the call, not by the next.
    assertThat(seen).containsExactly("closed->open@2");
    assertThat(attempts).hasValue(2);
  }

  @org.junit.jupiter.api.Test
  void anAsyncCallOfVoidCompletesAndGivesItsPermitBack() throws Exception {
    DependencyPolicy p = fast("queue").build();
    Object done =
        p.callAsync(() -> CompletableFuture.<Void>completedFuture(null), SCHEDULER).toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(done).isNull();
    assertThat(p.bulkhead().getMetrics().getAvailableConcurrentCalls()).isEqualTo(64);
  }

  @ParameterizedTest
  @EnumSource(Driver.class)
  void anOutcomeThatThrowsFailsTheCallAndGivesThePermitBack(Driver driver) {
    DependencyPolicy p = fast("queue").build();
    DependencyPolicy.Outcome<String> broken =
        r -> {
          throw new IllegalStateException("bug in the service's outcome");
        };
    assertThatThrownBy(() -> driver.call(p, () -> "x", broken, true)).isInstanceOf(IllegalStateException.class);
    assertThat(p.bulkhead().getMetrics().getAvailableConcurrentCalls()).isEqualTo(64);
  }
}
