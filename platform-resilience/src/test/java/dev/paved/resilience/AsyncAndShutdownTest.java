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
