package dev.paved.test;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.paved.core.HealthStatus;
import dev.paved.core.Platform;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** The kit tests itself: what docs/testing.md promises of each piece. */
@Timeout(30)
class TestKitTest {
  @RegisterExtension final LogCapture logs = LogCapture.of("kit-test");

  @Test
  void theClockMovesOnlyWhenTold() {
    TestClock clock = TestClock.at("2026-12-01T10:00:00Z");
    long nanos = clock.nanoTime();
    assertThat(clock.instant()).isEqualTo(Instant.parse("2026-12-01T10:00:00Z"));
    clock.advance(Duration.ofMillis(1_500));
    assertThat(clock.instant()).isEqualTo(Instant.parse("2026-12-01T10:00:01.500Z"));
    assertThat(clock.nanoTime() - nanos).isEqualTo(1_500_000_000L);
    assertThat(clock.nanoSource().getAsLong()).isEqualTo(clock.nanoTime());
    clock.set(Instant.parse("2027-01-01T00:00:00Z"));
    assertThat(clock.millis()).isEqualTo(Instant.parse("2027-01-01T00:00:00Z").toEpochMilli());
    java.time.Clock paris = clock.withZone(ZoneId.of("Europe/Paris"));
    clock.advance(Duration.ofHours(1));
    assertThat(paris.instant()).as("a zone view shares the time line").isEqualTo(clock.instant());
  }

  @Test
  void readsAreCountedPerThread() throws Exception {
    TestClock clock = TestClock.create();
    long mine = clock.readsOnThisThread();
    CompletableFuture.runAsync(clock::instant).get();
    assertThat(clock.readsOnThisThread()).isEqualTo(mine);
    clock.instant();
    assertThat(clock.readsOnThisThread()).isEqualTo(mine + 1);
  }

  @Test
  void logsOfTheTestAreCapturedWithLevelAndKeyValues() {
    LoggerFactory.getLogger("kit-test").atWarn().addKeyValue("order.id", 42).log("payment declined");
    LoggerFactory.getLogger("kit-test.child").info("below the logger named");
    LoggerFactory.getLogger("elsewhere").info("not captured");
    assertThat(logs.messages()).containsExactly("payment declined", "below the logger named");
    assertThat(logs.messages(Level.WARN)).containsExactly("payment declined");
    assertThat(logs.events().get(0).getKeyValuePairs()).extracting(kv -> kv.key).containsExactly("order.id");
    logs.clear();
    assertThat(logs.events()).isEmpty();
  }

  @Test
  void eachLineKeepsTheTraceItWasLoggedIn() {
    try (Platform platform = TestPlatforms.builder().serviceName("orders").module(new dev.paved.observability.ObservabilityModule()).start()) {
      io.opentelemetry.api.trace.Span span = dev.paved.observability.Observability.of(platform).tracer().spanBuilder("checkout").startSpan();
      try (io.opentelemetry.context.Scope s = span.makeCurrent()) {
        LoggerFactory.getLogger("kit-test").info("inside the span");
      } finally {
        span.end();
      }
      LoggerFactory.getLogger("kit-test").info("outside");
      assertThat(logs.lines()).extracting(LogCapture.Line::message).containsExactly("inside the span", "outside");
      assertThat(logs.lines().get(0).traceId()).isEqualTo(span.getSpanContext().getTraceId());
      assertThat(logs.lines().get(0).spanId()).isEqualTo(span.getSpanContext().getSpanId());
      assertThat(logs.lines().get(1).traceId()).isNull();
    }
  }

  @Test
  void aTestPlatformIgnoresTheJvmsEnvironmentAndListensOnAnEphemeralLoopbackPort() {
    try (Platform platform = TestPlatforms.builder().serviceName("orders").start()) {
      assertThat(platform.admin().port()).isPositive();
      assertThat(platform.config().get(dev.paved.core.CoreSettings.ADMIN_BIND_ADDRESS)).isEqualTo("127.0.0.1");
      assertThat(platform.config().environmentVariable("PATH")).as("the JVM's environment is not read").isEmpty();
      assertThat(platform.modules()).isEmpty();
      assertThat(platform.health().readiness().status()).isEqualTo(HealthStatus.UP);
    }
    try (Platform platform = TestPlatforms.builder().serviceName("orders").environment(Map.of("RISK_API_KEY", "k-123456")).start()) {
      assertThat(platform.config().environmentVariable("RISK_API_KEY")).contains("k-123456");
    }
  }
}
