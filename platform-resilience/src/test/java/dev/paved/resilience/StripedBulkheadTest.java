package dev.paved.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The striped bulkhead admits exactly as many calls as its limit, under any interleaving. */
class StripedBulkheadTest {
  private static StripedBulkhead of(int max) {
    return new StripedBulkhead("db", BulkheadConfig.custom().maxConcurrentCalls(max).maxWaitDuration(Duration.ZERO).build());
  }

  @Test
  void oneThreadGetsEveryPermitThenIsRefusedAndAllComeBack() {
    for (int max : new int[] {1, 2, 3, 5, 64, 100}) {
      StripedBulkhead b = of(max);
      for (int i = 0; i < max; i++) {
        assertThat(b.tryAcquirePermission()).as("permit %d of %d", i + 1, max).isTrue();
      }
      assertThat(b.tryAcquirePermission()).isFalse();
      assertThatThrownBy(b::acquirePermission).isInstanceOf(BulkheadFullException.class).hasMessageContaining("db");
      assertThat(b.getMetrics().getAvailableConcurrentCalls()).isZero();
      for (int i = 0; i < max; i++) {
        b.onComplete();
      }
      assertThat(b.getMetrics().getAvailableConcurrentCalls()).isEqualTo(max);
      assertThat(b.getMetrics().getMaxAllowedConcurrentCalls()).isEqualTo(max);
    }
  }

  @Test
  void permitsTakenOnOneThreadAndReturnedOnAnotherNeverLetMoreThanTheLimitIn() throws Exception {
    int max = 7;
    StripedBulkhead b = of(max);
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    AtomicInteger admitted = new AtomicInteger();
    BlockingQueue<Integer> handOff = new ArrayBlockingQueue<>(10_000);
    int threads = 8;
    CountDownLatch done = new CountDownLatch(threads);
    CountDownLatch takersDone = new CountDownLatch(threads / 2);
    List<Thread> all = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      boolean releaser = t % 2 == 1; // half of the threads give back permits the others took
      Thread thread = new Thread(() -> {
        try {
          long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
          int mine = 0;
          while (releaser ? takersDone.getCount() > 0 : mine < 2_000 && System.nanoTime() < until) {
            if (releaser) {
              Integer token = handOff.poll();
              if (token != null) {
                inside.decrementAndGet();
                b.onComplete();
              }
            } else if (b.tryAcquirePermission()) {
              mine++;
              admitted.incrementAndGet();
              most.accumulateAndGet(inside.incrementAndGet(), Math::max);
              if (ThreadLocalRandom.current().nextBoolean()) {
                handOff.put(1);
              } else {
                inside.decrementAndGet();
                b.onComplete();
              }
            }
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          if (!releaser) {
            takersDone.countDown();
          }
          done.countDown();
        }
      });
      all.add(thread);
      thread.start();
    }
    done.await();
    while (handOff.poll() != null) {
      inside.decrementAndGet();
      b.onComplete();
    }
    assertThat(admitted.get()).isEqualTo(4 * 2_000);
    assertThat(most.get()).isLessThanOrEqualTo(max);
    assertThat(inside.get()).isZero();
    assertThat(b.inFlight()).isZero();
    assertThat(b.getMetrics().getAvailableConcurrentCalls()).isEqualTo(max);
  }

  @Test
  void eventsArePublishedOnlyToRegisteredConsumers() {
    StripedBulkhead b = of(1);
    List<String> seen = new ArrayList<>();
    b.getEventPublisher().onCallPermitted(e -> seen.add("permitted")).onCallRejected(e -> seen.add("rejected")).onCallFinished(e -> seen.add("finished"));
    assertThat(b.tryAcquirePermission()).isTrue();
    assertThat(b.tryAcquirePermission()).isFalse();
    b.onComplete();
    assertThat(seen).containsExactly("permitted", "rejected", "finished");
  }
}
