package dev.paved.observability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paved.core.Platform;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The job runtime: deadlines, schedules without overlap, exit codes for a CronJob. */
@Timeout(60)
class JobsTest {
  private Platform platform;
  private Observability obs;

  @BeforeEach
  void start() {
    platform = TestPlatforms.isolated().start();
    obs = Observability.of(platform);
  }

  @AfterEach
  void stop() {
    platform.close();
  }

  private MeterRegistry registry() {
    return obs.meterRegistry();
  }

  private SpanData lastSpan(String name) {
    return obs.recentSpans().orElseThrow().spans().stream().filter(s -> s.getName().equals(name)).reduce((a, b) -> b).orElseThrow();
  }

  @Test
  void aRunPastItsDeadlineIsInterruptedAndReported() {
    AtomicBoolean interrupted = new AtomicBoolean();
    JobOutcome outcome =
        obs.jobs().run("export", Duration.ofMillis(200), () -> {
          try {
            Thread.sleep(10_000);
          } catch (InterruptedException e) {
            interrupted.set(true);
            throw e;
          }
          return null;
        });
    assertThat(outcome).isEqualTo(JobOutcome.DEADLINE_EXCEEDED);
    Awaitility.await().atMost(Duration.ofSeconds(5)).untilTrue(interrupted);
    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> registry().find("paved.job.duration").tag("job.name", "export").tag("outcome", "deadline_exceeded").timer() != null);
    SpanData late = lastSpan("job export");
    assertThat(late.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(late.getAttributes().get(AttributeKey.stringKey("paved.job.outcome"))).isEqualTo("deadline_exceeded");
    assertThat(obs.jobs().run("export-ok", Duration.ofSeconds(5), () -> 1)).isEqualTo(JobOutcome.SUCCESS);
    SpanData ok = lastSpan("job export-ok");
    assertThat(ok.getAttributes().get(AttributeKey.stringKey("paved.job.outcome"))).isEqualTo("success");
  }

  @Test
  void scheduledRunsNeverOverlapAndASkippedRunIsCounted() throws Exception {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    AtomicInteger runs = new AtomicInteger();
    Jobs.JobSchedule schedule =
        obs.jobs().schedule("compact", Duration.ofMillis(30), Duration.ofMillis(10), Duration.ofSeconds(5), () -> {
          int now = running.incrementAndGet();
          most.accumulateAndGet(now, Math::max);
          Thread.sleep(150); // five intervals
          running.decrementAndGet();
          runs.incrementAndGet();
          return null;
        });
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() >= 3);
    schedule.close();
    assertThat(most.get()).isEqualTo(1);
    assertThat(registry().get("paved.job.skipped").tag("job.name", "compact").counter().count()).isGreaterThan(0);
    assertThat(registry().get("paved.job.duration").tag("job.name", "compact").tag("outcome", "success").timer().count()).isGreaterThanOrEqualTo(3);
    assertThat(obs.jobs().lastSuccessMillis("compact")).isPresent();
  }

  @Test
  void aFailingScheduledRunIsRecordedAndTheScheduleGoesOn() {
    AtomicInteger calls = new AtomicInteger();
    try (Jobs.JobSchedule schedule =
        obs.jobs().schedule("flaky", Duration.ofMillis(20), Duration.ZERO, Duration.ofSeconds(5), () -> {
          if (calls.incrementAndGet() == 1) {
            throw new IllegalStateException("first run fails");
          }
          return null;
        })) {
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() >= 3);
      assertThat(schedule.name()).isEqualTo("flaky");
    }
    assertThat(registry().get("paved.job.duration").tag("job.name", "flaky").tag("outcome", "failure").timer().count()).isEqualTo(1);
  }

  @Test
  void shutdownStopsSchedulingAndWaitsForTheRunInProgress() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    AtomicBoolean finished = new AtomicBoolean();
    AtomicInteger runs = new AtomicInteger();
    obs.jobs().schedule("report", Duration.ofMillis(20), Duration.ZERO, Duration.ofSeconds(10), () -> {
      runs.incrementAndGet();
      started.countDown();
      Thread.sleep(500);
      finished.set(true);
      return null;
    });
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    platform.close(); // the in-flight phase waits for the run
    assertThat(finished).isTrue();
    int after = runs.get();
    Thread.sleep(100);
    assertThat(runs.get()).isEqualTo(after);
  }

  @Test
  void runOnceGivesACronJobExitCodePerOutcome() {
    assertThat(Jobs.runOnceForExitCode(TestPlatforms.isolated(), "ok", Duration.ofSeconds(5), p -> {})).isZero();
    assertThat(Jobs.runOnceForExitCode(TestPlatforms.isolated(), "fails", Duration.ofSeconds(5), p -> {
      throw new IllegalStateException("no");
    })).isEqualTo(1);
    assertThat(Jobs.runOnceForExitCode(TestPlatforms.isolated(), "slow", Duration.ofMillis(100), p -> Thread.sleep(5_000))).isEqualTo(3);
    assertThat(Jobs.runOnceForExitCode(TestPlatforms.isolated(), "locked", Duration.ofSeconds(5), p -> {
      throw new JobSkippedException("the previous run still holds the lock");
    })).isEqualTo(4);
    assertThat(Jobs.runOnceForExitCode(TestPlatforms.isolated().property("platform.admin.port", "not-a-port"), "bad", Duration.ofSeconds(5), p -> {}))
        .isEqualTo(Platform.EXIT_START_FAILED);
  }

  @Test
  void aFailedRunIsAnErrorSpanWithItsOutcome() {
    assertThat(obs.jobs().run("broken", Duration.ofSeconds(5), () -> {
      throw new IllegalStateException("boom");
    })).isEqualTo(JobOutcome.FAILURE);
    SpanData span = lastSpan("job broken");
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getAttributes().get(AttributeKey.stringKey("paved.job.outcome"))).isEqualTo("failure");
    assertThat(span.getParentSpanContext().isValid()).isFalse();
  }

  @Test
  void aRunThatIgnoresItsDeadlineStillNeverOverlapsTheNext() throws Exception {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    AtomicInteger runs = new AtomicInteger();
    try (Jobs.JobSchedule schedule =
        obs.jobs().schedule("stubborn", Duration.ofMillis(20), Duration.ZERO, Duration.ofMillis(50), () -> {
          most.accumulateAndGet(running.incrementAndGet(), Math::max);
          long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
          while (System.nanoTime() < until) {
            Thread.onSpinWait(); // ignores the interrupt its deadline sends
          }
          running.decrementAndGet();
          runs.incrementAndGet();
          return null;
        })) {
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() >= 2);
    }
    assertThat(most.get()).isEqualTo(1);
    assertThat(registry().get("paved.job.duration").tag("job.name", "stubborn").tag("outcome", "deadline_exceeded").timer().count()).isGreaterThanOrEqualTo(1);
  }
}
