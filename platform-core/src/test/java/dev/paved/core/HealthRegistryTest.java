package dev.paved.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class HealthRegistryTest {
  private final HealthRegistry health = new HealthRegistry(Duration.ofSeconds(2), 2);

  @AfterEach
  void close() {
    health.close();
  }

  @Test
  void readinessIsDownWhileStartingUpWhenReadyAndDownWhenStopping() {
    assertThat(health.readiness().status()).isEqualTo(HealthStatus.DOWN);
    assertThat(health.readiness().checks().get(0).reason()).isEqualTo("starting");
    health.markReady();
    assertThat(health.readiness().status()).isEqualTo(HealthStatus.UP);
    health.markStopping();
    HealthReport r = health.readiness();
    assertThat(r.status()).isEqualTo(HealthStatus.DOWN);
    assertThat(r.httpStatus()).isEqualTo(503);
    assertThat(r.checks().get(0).reason()).isEqualTo("shutting down");
  }

  @Test
  void livenessWithNoChecksIsUp() {
    assertThat(health.liveness().status()).isEqualTo(HealthStatus.UP);
    assertThat(health.liveness().checks()).isEmpty();
  }

  @Test
  void aggregateIsTheWorstCheck() {
    health.markReady();
    health.register("db", HealthKind.READINESS, HealthResult::up);
    assertThat(health.readiness().status()).isEqualTo(HealthStatus.UP);
    health.register("cache", HealthKind.READINESS, () -> HealthResult.degraded("serving stale"));
    HealthReport degraded = health.readiness();
    assertThat(degraded.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(degraded.httpStatus()).isEqualTo(200);
    health.register("queue", HealthKind.READINESS, () -> HealthResult.down("broker unreachable"));
    assertThat(health.readiness().status()).isEqualTo(HealthStatus.DOWN);
    assertThat(health.liveness().status()).isEqualTo(HealthStatus.UP);
  }

  @Test
  void slowCheckTimesOutAndIsReportedDown() {
    CountDownLatch release = new CountDownLatch(1);
    health.register(
        "slow",
        HealthKind.LIVENESS,
        () -> {
          release.await();
          return HealthResult.up();
        },
        Duration.ofMillis(100));
    long start = System.nanoTime();
    HealthReport r = health.liveness();
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(r.status()).isEqualTo(HealthStatus.DOWN);
    assertThat(r.checks().get(0).reason()).isEqualTo("timed out after 100 ms");
    assertThat(tookMs).isLessThan(2_000);
    release.countDown();
  }

  @Test
  void checksRunInParallelSoOneSlowCheckDoesNotDelayOthersBeyondItsLimit() {
    health.register("a", HealthKind.LIVENESS, () -> { Thread.sleep(5_000); return HealthResult.up(); }, Duration.ofMillis(200));
    health.register("b", HealthKind.LIVENESS, () -> { Thread.sleep(5_000); return HealthResult.up(); }, Duration.ofMillis(200));
    long start = System.nanoTime();
    HealthReport r = health.liveness();
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2_000);
    assertThat(r.checks()).allSatisfy(c -> assertThat(c.status()).isEqualTo(HealthStatus.DOWN));
  }

  @Test
  void throwingCheckIsDownWithTheExceptionTypeButNotItsMessage() {
    health.register("db", HealthKind.LIVENESS, () -> { throw new IllegalStateException("password=hunter2"); });
    HealthReport.Check c = health.liveness().checks().get(0);
    assertThat(c.status()).isEqualTo(HealthStatus.DOWN);
    assertThat(c.reason()).isEqualTo("failed: java.lang.IllegalStateException").doesNotContain("hunter2");
  }

  @Test
  void concurrentProbesShareOneRunOfACheck() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch inside = new CountDownLatch(1);
    health.register("db", HealthKind.LIVENESS, () -> { runs.incrementAndGet(); inside.countDown(); Thread.sleep(300); return HealthResult.up(); });
    Thread other = new Thread(health::liveness);
    other.start();
    assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(health.liveness().status()).isEqualTo(HealthStatus.UP);
    other.join(5_000);
    assertThat(runs.get()).isEqualTo(1);
  }

  @Test
  void keepsTheLastResultOfEachCheck() {
    health.register("db", HealthKind.READINESS, () -> HealthResult.up().withDetail("pool", 4));
    assertThat(health.lastResults()).isEmpty();
    health.readiness();
    assertThat(health.lastResults()).singleElement().satisfies(c -> {
      assertThat(c.name()).isEqualTo("db");
      assertThat(c.details()).containsEntry("pool", 4);
    });
  }

  @Test
  void registrationValidatesEagerly() {
    health.register("db", HealthKind.READINESS, HealthResult::up);
    assertThatThrownBy(() -> health.register("db", HealthKind.READINESS, HealthResult::up))
        .hasMessageContaining("name: 'db'");
    assertThatThrownBy(() -> health.register("x", HealthKind.READINESS, HealthResult::up, Duration.ZERO))
        .hasMessage("timeout: PT0S (expected: > 0)");
    assertThatThrownBy(() -> health.register("platform", HealthKind.READINESS, HealthResult::up))
        .hasMessageContaining("built-in");
    health.register("db", HealthKind.LIVENESS, HealthResult::up);
    assertThat(health.unregister("db", HealthKind.READINESS)).isTrue();
    assertThat(health.unregister("db", HealthKind.READINESS)).isFalse();
  }
}
