package dev.paved.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class AdaptiveConcurrencyTest {

  @Test
  void refusesAboveTheLimitAndLowersItOnOverload() throws Exception {
    DependencyPolicy p = DependencyPolicy.builder("search").maxAttempts(1).adaptiveConcurrency(2).build();
    assertThat(p.adaptiveLimit()).hasValue(2);
    CountDownLatch hold = new CountDownLatch(1);
    CountDownLatch inside = new CountDownLatch(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    for (int i = 0; i < 2; i++) {
      pool.submit(() -> p.call(() -> { inside.countDown(); hold.await(); return 1; }));
    }
    assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();
    assertThatThrownBy(() -> p.call(() -> 1)).isInstanceOf(io.github.resilience4j.bulkhead.BulkheadFullException.class);
    hold.countDown();
    pool.shutdown();
    assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    assertThat(p.call(() -> "ok")).isEqualTo("ok");
  }

  @Test
  void permitsComeBackAfterFailures() throws Exception {
    DependencyPolicy p = DependencyPolicy.builder("search").maxAttempts(1).adaptiveConcurrency(1).build();
    // 18 failures: below the breaker's minimum of 20 calls, so it stays closed.
    for (int i = 0; i < 9; i++) {
      assertThatThrownBy(() -> p.call(() -> { throw new IOException("timeout"); })).isInstanceOf(IOException.class);
      assertThatThrownBy(() -> p.call(() -> { throw new IllegalStateException("bug"); })).isInstanceOf(IllegalStateException.class);
    }
    // With a limit of 1, a leaked permit would refuse this call.
    assertThat(p.call(() -> "ok")).isEqualTo("ok");
  }

  @Test
  void rejectsANonPositiveMaximum() {
    assertThatThrownBy(() -> DependencyPolicy.builder("x").adaptiveConcurrency(0)).hasMessage("maxConcurrency: 0 (expected: >= 1)");
  }
}
