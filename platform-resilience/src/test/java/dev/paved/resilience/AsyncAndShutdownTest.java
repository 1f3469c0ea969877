package dev.paved.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class AsyncAndShutdownTest {
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  @Test
  void asyncCallsAreRetriedThenSucceed() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    DependencyPolicy p = DependencyPolicy.builder("queue").backoff(Backoff.create(Duration.ofMillis(1), 1, Duration.ofMillis(1), Duration.ZERO)).build();
    String result = p.callAsync(() -> attempts.incrementAndGet() < 3
            ? CompletableFuture.failedFuture(new IOException("busy"))
            : CompletableFuture.completedFuture("done"), scheduler)
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(result).isEqualTo("done");
    assertThat(attempts.get()).isEqualTo(3);
    assertThat(p.bulkhead().getMetrics().getAvailableConcurrentCalls()).isEqualTo(64);
  }

  @Test
  void eachTimedAsyncAttemptIsToldTheTimeLeftUnderTheDeadline() throws Exception {
    java.util.List<Duration> told = new java.util.concurrent.CopyOnWriteArrayList<>();
    DependencyPolicy p =
        DependencyPolicy.builder("queue")
            .deadline(Duration.ofSeconds(2))
            .backoff(Backoff.create(Duration.ofMillis(20), 1, Duration.ofMillis(20), Duration.ZERO, () -> 1.0)) // no jitter
            .build();
    HttpOutcome<Integer> outcome = HttpOutcome.of(true, status -> status, status -> null, status -> {});
    int status =
        p.callAsyncTimed(
                timeLeft -> {
                  told.add(timeLeft);
                  return CompletableFuture.completedFuture(told.size() < 3 ? 503 : 200);
                },
                outcome,
                true,
                scheduler)
            .toCompletableFuture()
            .get(5, TimeUnit.SECONDS);
    assertThat(status).isEqualTo(200);
    assertThat(told).hasSize(3);
    assertThat(told.get(0)).isLessThanOrEqualTo(Duration.ofSeconds(2)).isGreaterThan(Duration.ofMillis(1900));
    assertThat(told.get(2)).as("less time left for a later attempt").isLessThan(told.get(0).minusMillis(30));
  }

  @Test
  void theHttpOutcomeRetriesOnlyIdempotentRequestsAndReleasesWhatItRetries() throws Exception {
    java.util.List<Integer> released = new java.util.concurrent.CopyOnWriteArrayList<>();
    AtomicInteger attempts = new AtomicInteger();
    DependencyPolicy p = DependencyPolicy.builder("queue").backoff(Backoff.create(Duration.ofMillis(1), 1, Duration.ofMillis(1), Duration.ZERO)).build();
    int post =
        p.callAsync(() -> CompletableFuture.completedFuture(attempts.incrementAndGet() * 0 + 503), HttpOutcome.of(false, s -> s, s -> null, released::add), false, scheduler)
            .toCompletableFuture()
            .get(5, TimeUnit.SECONDS);
    assertThat(post).isEqualTo(503);
    assertThat(attempts.get()).as("a POST answered 503 is not sent again").isEqualTo(1);
    assertThat(released).isEmpty();
    HttpOutcome<Integer> get = HttpOutcome.of(true, s -> s, s -> "0", released::add);
    assertThat(get.retryable(503)).isTrue();
    assertThat(get.retryable(500)).as("500 is not retried: the dependency may have acted").isFalse();
    assertThat(get.isFailure(500)).as("but it counts against the breaker").isTrue();
    assertThat(get.isFailure(404)).isFalse();
    assertThat(get.retryAfter(503)).isEqualTo(Duration.ZERO);
    assertThat(get.cause(429)).isEqualTo("http_429");
  }

  @Test
  void cancellingTheCallStopsItsRetriesAndReleasesALateResult() throws Exception {
    java.util.List<Integer> released = new java.util.concurrent.CopyOnWriteArrayList<>();
    AtomicInteger attempts = new AtomicInteger();
    CompletableFuture<Integer> second = new CompletableFuture<>();
    DependencyPolicy p =
        DependencyPolicy.builder("queue").backoff(Backoff.create(Duration.ofMillis(100), 1, Duration.ofMillis(100), Duration.ZERO, () -> 1.0)).build();
    CompletableFuture<Integer> call =
        p.callAsync(
                () -> attempts.incrementAndGet() == 1 ? CompletableFuture.completedFuture(503) : second,
                HttpOutcome.of(true, s -> s, s -> null, released::add),
                true,
                scheduler)
            .toCompletableFuture();
    call.cancel(false); // during the 100 ms wait after the first 503
    Thread.sleep(300);
    assertThat(attempts.get()).as("no attempt after the cancel").isEqualTo(1);
    assertThat(released).as("the retried 503 was released").containsExactly(503);

    AtomicInteger again = new AtomicInteger();
    CompletableFuture<Integer> late = new CompletableFuture<>();
    CompletableFuture<Integer> inFlight =
        p.callAsync(() -> {
              again.incrementAndGet();
              return late;
            }, HttpOutcome.of(true, s -> s, s -> null, released::add), true, scheduler)
            .toCompletableFuture();
    inFlight.cancel(false); // while the attempt is in progress
    late.complete(200);
    assertThat(released).as("an answer nobody takes any more is released").containsExactly(503, 200);
    assertThat(again.get()).isEqualTo(1);
  }

  @Test
  void asyncFailuresThatAreNotTransientAreNotRetried() {
    AtomicInteger attempts = new AtomicInteger();
    DependencyPolicy p = DependencyPolicy.builder("queue").build();
    assertThatThrownBy(() -> p.callAsync(() -> {
          attempts.incrementAndGet();
          return CompletableFuture.<String>failedFuture(new IllegalArgumentException("bad message"));
        }, scheduler).toCompletableFuture().get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IllegalArgumentException.class);
    assertThat(attempts.get()).isEqualTo(1);
  }

  @Test
  void closingEndsABackoffAtOnceWithTheLastFailure() throws Exception {
    CountDownLatch closing = new CountDownLatch(1);
    DependencyPolicy p = DependencyPolicy.builder("db")
        .backoff(Backoff.create(Duration.ofSeconds(30), 1, Duration.ofSeconds(30), Duration.ZERO))
        .deadline(Duration.ofMinutes(5))
        .closing(closing)
        .build();
    CountDownLatch attempted = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicReference<Thread> caller = new java.util.concurrent.atomic.AtomicReference<>();
    CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
      caller.set(Thread.currentThread());
      try {
        p.call(() -> {
          attempted.countDown();
          throw new IOException("down");
        });
        return null;
      } catch (Exception e) {
        return e;
      }
    });
    assertThat(attempted.await(5, TimeUnit.SECONDS)).isTrue();
    // In its 30 s backoff.
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> java.util.Objects.requireNonNull(caller.get()).getState() == Thread.State.TIMED_WAITING);
    long start = System.nanoTime();
    closing.countDown();
    assertThat(outcome.get(5, TimeUnit.SECONDS)).isInstanceOf(IOException.class).hasMessage("down");
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2_000);
  }
}
