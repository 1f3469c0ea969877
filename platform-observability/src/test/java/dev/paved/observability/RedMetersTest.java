package dev.paved.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedMetersTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void labelSetsBeyondTheLimitCollapseIntoOneCountedOverflowSeries() {
    RedMeters meters = new RedMeters(registry, "http.server.request.duration", "d", List.of("http.route", "http.response.status_code"), 3);
    for (int i = 0; i < 10; i++) {
      meters.record(1_000_000, "/r/" + i, "200", "", "", "");
    }
    meters.record(1_000_000, "/r/0", "200", "", "", ""); // an existing series still records normally
    assertThat(meters.series()).isEqualTo(3);
    assertThat(registry.get("http.server.request.duration").tag("http.route", "/r/0").timer().count()).isEqualTo(2);
    assertThat(registry.get("http.server.request.duration").tag("http.route", RedMeters.OVERFLOW).timer().count()).isEqualTo(7);
    assertThat(registry.get("paved.metrics.overflow").tag("meter", "http.server.request.duration").counter().count()).isEqualTo(7);
  }

  /** Regression (issue 15): /metrics always showed an all-_overflow series with value 0. */
  @Test
  void noOverflowSeriesExistsBeforeTheFirstOverflow() {
    RedMeters meters = new RedMeters(registry, "http.server.request.duration", "d", List.of("http.route", "error.type"), 3);
    meters.record(1_000_000, "/r/1", "", "", "", "");
    assertThat(registry.find("http.server.request.duration").tag("http.route", RedMeters.OVERFLOW).timer()).isNull();
    assertThat(registry.find("http.server.request.duration").tag("error.type", RedMeters.OVERFLOW).timer()).isNull();
  }

  @Test
  void histogramHasTheSemanticConventionBuckets() {
    RedMeters meters = new RedMeters(registry, "http.client.request.duration", "d", List.of("server.address"), 10);
    meters.record(30_000_000, "a", "", "", "", "");
    var snapshot = registry.get("http.client.request.duration").timer().takeSnapshot();
    assertThat(snapshot.histogramCounts()).hasSize(RedMeters.BUCKETS.size());
    assertThat(snapshot.histogramCounts()[0].bucket(java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(0.005);
    assertThat(snapshot.histogramCounts()[RedMeters.BUCKETS.size() - 1].bucket(java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(10.0);
  }

  @Test
  void recordingAnExistingSeriesReusesItAcrossThreads() throws Exception {
    RedMeters meters = new RedMeters(registry, "m", "d", List.of("a", "b"), 100);
    Thread[] threads = new Thread[4];
    for (int t = 0; t < threads.length; t++) {
      threads[t] = new Thread(() -> {
        for (int i = 0; i < 1_000; i++) {
          meters.record(1_000, "x", String.valueOf(i % 3), "", "", "");
        }
      });
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(meters.series()).isEqualTo(3);
    assertThat(registry.get("m").tag("b", "0").timer().count()).isEqualTo(4 * 334);
    assertThat(registry.get("m").tag("b", "1").timer().count()).isEqualTo(4 * 333);
    assertThat(registry.get("m").tag("b", "2").timer().count()).isEqualTo(4 * 333);
  }

  @Test
  void unknownMethodsCollapseToOther() {
    assertThat(HttpInstrumentation.method("get")).isEqualTo("GET");
    assertThat(HttpInstrumentation.method("PROPFIND")).isEqualTo("_OTHER");
  }

  @Test
  void routesMatchTemplatesOnly() {
    Routes routes = Routes.of("/api/orders/{id}", "/api/orders/{id}/items/{item}");
    assertThat(routes.match("/api/orders/7")).contains("/api/orders/{id}");
    assertThat(routes.match("/api/orders/7/items/3")).contains("/api/orders/{id}/items/{item}");
    assertThat(routes.match("/api/orders/")).isEmpty();
    assertThat(routes.match("/api/orders/7/x")).isEmpty();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Routes.of("api")).hasMessageContaining("starts with '/'");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Routes.of("/a/{id")).hasMessageContaining("closed");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Routes.of("/files/{name}.json")).hasMessageContaining("whole segment");
    assertThat(Routes.of("/").match("/")).contains("/");
    assertThat(Routes.of("/health").match("/health/")).isEmpty();
    assertThat(Routes.of("/a/{x}/b").match("/a//b")).isEmpty();
  }

  @Test
  void clientUrlsNeverCarryQueryValuesOrUserInfo() {
    assertThat(ClientAttempt.redactUrl(java.net.URI.create("https://user:pw@api.example.com:8443/v1/pay?token=abc")))
        .isEqualTo("https://api.example.com:8443/v1/pay?REDACTED");
  }
}
