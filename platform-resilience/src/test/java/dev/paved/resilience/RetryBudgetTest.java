package dev.paved.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class RetryBudgetTest {
  private final AtomicLong clock = new AtomicLong(1_000L * 1_000_000_000L);

  private RetryBudget budget(double percent, int minPerSecond) {
    return RetryBudget.create(percent, minPerSecond, Duration.ofSeconds(10), clock::get);
  }

  private void advanceSeconds(long s) {
    clock.addAndGet(s * 1_000_000_000L);
  }

  @Test
  void quietServiceMayStillRetryTheMinimum() {
    RetryBudget b = budget(0.2, 10);
    int allowed = 0;
    while (b.tryRetry()) {
      allowed++;
    }
    assertThat(allowed).isEqualTo(100); // 10 per second over 10 seconds
    assertThat(b.exhausted()).isEqualTo(1);
  }

  @Test
  void retriesAreBoundedByAShareOfRequestsPlusTheMinimum() {
    RetryBudget b = budget(0.2, 0);
    for (int i = 0; i < 1_000; i++) {
      b.recordRequest();
    }
    int allowed = 0;
    for (int i = 0; i < 1_000; i++) {
      if (b.tryRetry()) {
        allowed++;
      }
    }
    assertThat(allowed).isEqualTo(200);
    assertThat(b.exhausted()).isEqualTo(800);
  }

  @Test
  void aRetryStormIsCappedByTheBudgetArithmetic() {
    // 5000 requests over 5 seconds, every attempt fails with 503 and would be retried 3 times.
    RetryBudget b = budget(0.2, 10);
    long attempts = 0;
    for (int second = 0; second < 5; second++) {
      for (int i = 0; i < 1_000; i++) {
        b.recordRequest();
        attempts++;
        for (int retry = 0; retry < 3 && b.tryRetry(); retry++) {
          attempts++;
        }
      }
      advanceSeconds(1);
    }
    // retries <= 20% of requests + 10/s over the window
    assertThat(attempts - 5_000).isLessThanOrEqualTo((long) (0.2 * 5_000) + 10 * 10);
    assertThat(attempts).isLessThan(5_000 * 4);
  }

  @Test
  void theWindowSlidesSoTheBudgetRecovers() {
    RetryBudget b = budget(0.0, 1);
    while (b.tryRetry()) {
      // spend it all: 10 retries
    }
    assertThat(b.tryRetry()).isFalse();
    advanceSeconds(9);
    assertThat(b.tryRetry()).as("the retries are still inside the 10 s window").isFalse();
    advanceSeconds(1);
    assertThat(b.available()).as("they have left it").isEqualTo(10);
    assertThat(b.tryRetry()).isTrue();
  }

  @Test
  void oldRequestsStopCountingAfterTheWindow() {
    RetryBudget b = budget(1.0, 0);
    for (int i = 0; i < 50; i++) {
      b.recordRequest();
    }
    assertThat(b.available()).isEqualTo(50);
    advanceSeconds(10);
    assertThat(b.available()).isZero();
    assertThat(b.tryRetry()).isFalse();
  }

  @Test
  void rejectsInvalidSettingsWithTheExpectedRange() {
    assertThatThrownBy(() -> RetryBudget.create(1.5, 10, Duration.ofSeconds(10))).hasMessage("percent: 1.5 (expected: 0 to 1)");
    assertThatThrownBy(() -> RetryBudget.create(0.2, -1, Duration.ofSeconds(10))).hasMessage("minPerSecond: -1 (expected: >= 0)");
    assertThatThrownBy(() -> RetryBudget.create(0.2, 10, Duration.ofMillis(1500))).hasMessageContaining("whole seconds");
  }

  @Test
  @Timeout(30)
  void concurrentRetriesNeverExceedTheBudget() throws Exception {
    RetryBudget b = budget(0.2, 0);
    for (int i = 0; i < 10_000; i++) {
      b.recordRequest();
    }
    AtomicLong granted = new AtomicLong();
    CountDownLatch start = new CountDownLatch(1);
    Thread[] threads = new Thread[8];
    for (int t = 0; t < threads.length; t++) {
      threads[t] = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        for (int i = 0; i < 1_000; i++) {
          if (b.tryRetry()) {
            granted.incrementAndGet();
          }
        }
      });
      threads[t].start();
    }
    start.countDown();
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(20));
    }
    assertThat(granted.get()).isEqualTo(2_000);
    assertThat(b.exhausted()).isEqualTo(8_000 - 2_000);
  }
}
