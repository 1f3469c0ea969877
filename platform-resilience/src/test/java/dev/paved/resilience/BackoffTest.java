package dev.paved.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

class BackoffTest {

  private static Backoff withRandom(double r) {
    return Backoff.create(Duration.ofMillis(100), 2.0, Duration.ofSeconds(1), Duration.ofSeconds(5), () -> r);
  }

  @Test
  void ceilingGrowsExponentiallyUpToTheMaximum() {
    Backoff b = Backoff.ofDefaults();
    assertThat(b.ceiling(1)).isEqualTo(Duration.ofMillis(50));
    assertThat(b.ceiling(2)).isEqualTo(Duration.ofMillis(100));
    assertThat(b.ceiling(3)).isEqualTo(Duration.ofMillis(200));
    assertThat(b.ceiling(10)).isEqualTo(Duration.ofSeconds(2));
    assertThat(b.ceiling(10_000)).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void fullJitterSpansZeroToTheCeiling() {
    assertThat(withRandom(0.0).delay(3, null)).isEqualTo(Duration.ZERO);
    assertThat(withRandom(0.5).delay(3, null)).isEqualTo(Duration.ofMillis(200));
    assertThat(withRandom(0.999999).delay(3, null)).isLessThan(Duration.ofMillis(400));
    Backoff real = Backoff.ofDefaults();
    for (int i = 0; i < 1_000; i++) {
      assertThat(real.delay(2, null)).isBetween(Duration.ZERO, Duration.ofMillis(100));
    }
  }

  @Test
  void retryAfterIsHonouredUpToTheCap() {
    assertThat(withRandom(0.1).delay(1, Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(2));
    assertThat(withRandom(0.1).delay(1, Duration.ofSeconds(60))).as("capped").isEqualTo(Duration.ofSeconds(5));
    assertThat(withRandom(0.9).delay(4, Duration.ZERO)).as("jitter wins when larger").isEqualTo(Duration.ofMillis(720));
  }

  @Test
  void parsesRetryAfterSecondsAndHttpDates() {
    Instant now = Instant.parse("2026-11-27T10:00:00Z");
    assertThat(Backoff.parseRetryAfter("120", now)).contains(Duration.ofSeconds(120));
    String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(now.plusSeconds(30).atOffset(ZoneOffset.UTC));
    assertThat(Backoff.parseRetryAfter(date, now)).contains(Duration.ofSeconds(30));
    String past = DateTimeFormatter.RFC_1123_DATE_TIME.format(now.minusSeconds(30).atOffset(ZoneOffset.UTC));
    assertThat(Backoff.parseRetryAfter(past, now)).contains(Duration.ZERO);
    assertThat(Backoff.parseRetryAfter("soon", now)).isEmpty();
    assertThat(Backoff.parseRetryAfter("", now)).isEmpty();
    assertThat(Backoff.parseRetryAfter(null, now)).isEmpty();
    assertThat(Backoff.parseRetryAfter("99999999999999999999", now)).isEmpty();
  }

  @Test
  void rejectsInvalidSettings() {
    assertThatThrownBy(() -> Backoff.create(Duration.ofMillis(-1), 2, Duration.ofSeconds(1), Duration.ZERO)).hasMessageContaining("initialDelay");
    assertThatThrownBy(() -> Backoff.create(Duration.ofMillis(10), 0.5, Duration.ofSeconds(1), Duration.ZERO)).hasMessage("multiplier: 0.5 (expected: >= 1)");
    assertThatThrownBy(() -> Backoff.create(Duration.ofSeconds(2), 2, Duration.ofSeconds(1), Duration.ZERO)).hasMessageContaining("maxDelay");
  }

  /** Regression: Retry-After: 9999999999 made Duration.toNanos() throw inside the retry loop. */
  @org.junit.jupiter.api.Test
  void aRetryAfterBeyondWhatNanosecondsHoldIsCapped() {
    Backoff b = Backoff.ofDefaults();
    assertThat(b.delay(1, java.time.Duration.ofSeconds(9_999_999_999L * 1000))).isEqualTo(Backoff.DEFAULT_RETRY_AFTER_CAP);
  }
}
