package dev.paved.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RetryClassifierTest {

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource({
    "GET, 429, true", "GET, 502, true", "GET, 503, true", "GET, 504, true",
    "GET, 500, false", "GET, 501, false", "GET, 400, false", "GET, 401, false", "GET, 404, false", "GET, 409, false",
    "GET, 200, false", "PUT, 503, true", "DELETE, 503, true", "POST, 503, false", "PATCH, 503, false"
  })
  void statusesAndMethods(String method, int status, boolean retry) {
    assertThat(RetryClassifier.shouldRetry(null, status, method, false)).isEqualTo(retry);
  }

  @Test
  void postIsRetriedWhenMarkedIdempotent() {
    assertThat(RetryClassifier.shouldRetry(null, 503, "POST", true)).isTrue();
    assertThat(RetryClassifier.shouldRetry(new HttpTimeoutException("t"), 0, "POST", true)).isTrue();
    assertThat(RetryClassifier.shouldRetry(null, 400, "POST", true)).as("a 4xx never").isFalse();
  }

  @Test
  void ioErrorsAndTimeoutsAreRetriedBugsAreNot() {
    assertThat(RetryClassifier.shouldRetry(new IOException("reset"), 0, "GET", false)).isTrue();
    assertThat(RetryClassifier.shouldRetry(new HttpTimeoutException("slow"), 0, "GET", false)).isTrue();
    assertThat(RetryClassifier.shouldRetry(new TimeoutException(), 0, "GET", false)).isTrue();
    assertThat(RetryClassifier.shouldRetry(new IllegalStateException("bug"), 0, "GET", false)).isFalse();
    assertThat(RetryClassifier.shouldRetry(new IOException("reset"), 0, "POST", false)).isFalse();
  }

  @Test
  void refusedConnectionIsSafeToRetryForAnyMethod() {
    assertThat(RetryClassifier.shouldRetry(new ConnectException("refused"), 0, "POST", false)).isTrue();
  }
}
