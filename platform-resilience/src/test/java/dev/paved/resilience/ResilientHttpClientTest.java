package dev.paved.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paved.test.HttpStub;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The policy against a real HTTP dependency on loopback (the JDK's HTTP server). */
@Timeout(60)
class ResilientHttpClientTest {
  private HttpStub dependency;
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<Duration> waits = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void start() throws Exception {
    dependency = HttpStub.start();
  }

  @AfterEach
  void stop() {
    dependency.close();
  }

  /** A policy that records its backoff waits instead of sleeping them. */
  private DependencyPolicy.Builder policy() {
    return DependencyPolicy.builder("inventory").clock(System::nanoTime, nanos -> waits.add(Duration.ofNanos(nanos)));
  }

  private HttpRequest get() {
    return HttpRequest.newBuilder(dependency.uri("/api/stock/1")).build();
  }

  @Test
  void aDependencyAnswering503ToEverythingIsProtectedByTheBudgetThenTheBreaker() throws Exception {
    dependency.answer(503, Map.of());
    DependencyPolicy p =
        policy()
            .maxAttempts(3)
            .budget(RetryBudget.create(0.2, 1, Duration.ofSeconds(10)))
            .circuitBreaker(CircuitBreakerConfig.custom().slidingWindowSize(100).minimumNumberOfCalls(50)
                .failureRateThreshold(50).maxWaitDurationInHalfOpenState(Duration.ofSeconds(1))
                .waitDurationInOpenState(Duration.ofMillis(300)).permittedNumberOfCallsInHalfOpenState(2).build())
            .build();
    ResilientHttpClient client = ResilientHttpClient.create(p, http);
    int requests = 0;
    int failedFast = 0;
    for (int i = 0; i < 200; i++) {
      requests++;
      try {
        assertThat(client.send(get(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(503);
      } catch (CallNotPermittedException open) {
        failedFast++;
      }
    }
    // The budget allows 20% of requests plus 1/s over 10 s; the breaker opens after 50 attempts.
    int attempts = dependency.hits();
    int retries = attempts - (requests - failedFast);
    assertThat(retries).isLessThanOrEqualTo((int) (0.2 * requests) + 10);
    assertThat(attempts).isLessThanOrEqualTo(50 + 1);
    assertThat(failedFast).isGreaterThan(140);
    assertThat(p.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(p.budget().exhausted()).isGreaterThan(0);

    // Recovery: the dependency is back; after the wait in open, trial calls close the breaker.
    dependency.answer(200, Map.of());
    // The first call permitted after the wait in open (300 ms) is a trial call: poll for it
    // instead of sleeping a guessed time.
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              try {
                return client.send(get(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
              } catch (CallNotPermittedException stillOpen) {
                return false;
              }
            });
    for (int i = 0; i < 4; i++) {
      assertThat(client.send(get(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
    }
    assertThat(p.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void retryAfterIsHonoured() throws Exception {
    dependency.answer(503, Map.of("Retry-After", "2"));
    DependencyPolicy p = policy().maxAttempts(2).build();
    HttpResponse<Void> r = ResilientHttpClient.create(p, http).send(get(), HttpResponse.BodyHandlers.discarding());
    assertThat(r.statusCode()).as("the last response is returned, not thrown").isEqualTo(503);
    assertThat(dependency.hits()).isEqualTo(2);
    assertThat(waits).containsExactly(Duration.ofSeconds(2));
  }

  @Test
  void clientErrorsAreNotRetried() throws Exception {
    dependency.answer(404, Map.of());
    HttpResponse<Void> r = ResilientHttpClient.create(policy().build(), http).send(get(), HttpResponse.BodyHandlers.discarding());
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(dependency.hits()).isEqualTo(1);
    assertThat(waits).isEmpty();
  }

  @Test
  void postIsNotRetriedUnlessMarkedIdempotent() throws Exception {
    dependency.answer(503, Map.of());
    ResilientHttpClient client = ResilientHttpClient.create(policy().maxAttempts(3).build(), http);
    HttpRequest post = HttpRequest.newBuilder(dependency.uri("/api/orders")).POST(HttpRequest.BodyPublishers.ofString("{}")).build();
    assertThat(client.send(post, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(503);
    assertThat(dependency.hits()).isEqualTo(1);
    assertThat(client.sendIdempotent(post, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(503);
    assertThat(dependency.hits()).isEqualTo(1 + 3);
  }

  @Test
  void aSlowDependencyTimesOutPerAttemptWithinTheDeadline() {
    dependency.delay(java.time.Duration.ofMillis(2_000));
    DependencyPolicy p = DependencyPolicy.builder("slow").maxAttempts(5).deadline(Duration.ofMillis(900))
        .backoff(Backoff.create(Duration.ofMillis(10), 1, Duration.ofMillis(10), Duration.ZERO)).build();
    ResilientHttpClient client = ResilientHttpClient.create(p, http::send, Duration.ofMillis(200));
    long start = System.nanoTime();
    assertThatThrownBy(() -> client.send(get(), HttpResponse.BodyHandlers.discarding()))
        .isInstanceOfAny(HttpTimeoutException.class, DeadlineExceededException.class);
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertThat(tookMs).as("bounded by the deadline, not by the dependency").isLessThan(1_500);
    assertThat(dependency.hits()).isBetween(2, 5);
    assertThat(p.bulkhead().getMetrics().getAvailableConcurrentCalls()).as("permits balance").isEqualTo(64);
  }

  @Test
  void aRefusedConnectionIsRetriedEvenForPost() throws Exception {
    int port = dependency.uri("/").getPort();
    dependency.close();
    DependencyPolicy p = policy().maxAttempts(3).build();
    HttpRequest post = HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/x")).POST(HttpRequest.BodyPublishers.noBody()).build();
    assertThatThrownBy(() -> ResilientHttpClient.create(p, http).send(post, HttpResponse.BodyHandlers.discarding()))
        .isInstanceOf(java.net.ConnectException.class);
    assertThat(waits).hasSize(2);
  }
}
