package dev.paved.slo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.paved.core.Platform;
import dev.paved.observability.Observability;
import dev.paved.observability.ObservabilityModule;
import dev.paved.slo.internal.PrometheusRules;
import dev.paved.test.TestClock;
import dev.paved.test.TestPlatforms;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Budgets tracked in process from real requests through the HTTP server instrumentation. */
class SloTrackingTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** The body of GET {@code path} on a loopback port. */
  static String get(int port, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  @Test
  void budgetsAndBurnRatesFollowTheRequestsAndAQuietServiceIsNeitherNanNorAnAlarm() throws Exception {
    TestClock clock = TestClock.at("2026-11-27T10:00:00Z");
    try (Platform p =
        base(clock)
            .property("platform.observability.http.routes", "/api/orders/{id},/api/never-called")
            .property("platform.slo.objectives.availability.kind", "availability")
            .property("platform.slo.objectives.availability.objective", "99")
            .property("platform.slo.objectives.availability.route", "/api/orders/{id}")
            .property("platform.slo.objectives.quiet.kind", "availability")
            .property("platform.slo.objectives.quiet.objective", "99.9")
            .property("platform.slo.objectives.quiet.route", "/api/never-called")
            .start()) {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext(
              "/api/orders/",
              ex -> {
                int status = ex.getRequestURI().getPath().endsWith("/0") ? 503 : 200;
                ex.sendResponseHeaders(status, -1);
                ex.close();
              })
          .getFilters()
          .add(Observability.of(p).httpServerFilter());
      server.start();
      int port = server.getAddress().getPort();
      try {
        // 98 good and 2 bad requests: 2% bad against a 1% budget.
        for (int i = 1; i <= 100; i++) {
          get(port, "/api/orders/" + (i <= 2 ? 0 : i));
        }
        JsonNode slo = new ObjectMapper().readTree(get(p.admin().port(), "/slo"));
        JsonNode a = slo.path("availability");
        assertThat(a.path("requests").asLong()).isEqualTo(100);
        assertThat(a.path("bad").asLong()).isEqualTo(2);
        assertThat(a.path("burnRates").path("5m").asDouble()).isCloseTo(2.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(a.path("errorBudgetRemaining").asDouble()).isCloseTo(-1.0, org.assertj.core.data.Offset.offset(1e-9));

        JsonNode quiet = slo.path("quiet");
        assertThat(quiet.path("errorBudgetRemaining").asDouble()).isEqualTo(1.0);
        assertThat(quiet.path("burnRates").path("1h").asDouble()).isEqualTo(0.0);

        // Ten minutes later the 5-minute window is empty again; the hour still holds them.
        clock.advance(Duration.ofMinutes(10));
        slo = new ObjectMapper().readTree(get(p.admin().port(), "/slo"));
        assertThat(slo.path("availability").path("burnRates").path("5m").asDouble()).isEqualTo(0.0);
        assertThat(slo.path("availability").path("burnRates").path("1h").asDouble()).isCloseTo(2.0, org.assertj.core.data.Offset.offset(1e-9));

        String metrics = get(p.admin().port(), "/metrics");
        assertThat(metrics)
            .containsPattern("paved_slo_burn_rate\\{[^}]*slo=\"availability\"[^}]*window=\"1h\"[^}]*} (2\\.0|1\\.9999\\d*)")
            .containsPattern("paved_slo_error_budget_remaining\\{[^}]*slo=\"quiet\"[^}]*} 1.0")
            .doesNotContain("NaN");
      } finally {
        server.stop(0);
      }
    }
  }

  @Test
  void theConsolesSeriesGiveEachWindowsBurnRatePerMinuteAndTheAlertsSayWhichWouldFire() throws Exception {
    TestClock clock = TestClock.at("2026-11-27T10:00:00Z");
    try (Platform p =
        base(clock)
            .property("platform.observability.http.routes", "/api/orders/{id}")
            .property("platform.slo.objectives.availability.kind", "availability")
            .property("platform.slo.objectives.availability.objective", "99")
            .start()) {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext("/api/orders/", ex -> {
            ex.sendResponseHeaders(503, -1);
            ex.close();
          })
          .getFilters()
          .add(Observability.of(p).httpServerFilter());
      server.start();
      try {
        for (int i = 0; i < 10; i++) {
          get(server.getAddress().getPort(), "/api/orders/" + i);
        }
        JsonNode a = new ObjectMapper().readTree(get(p.admin().port(), "/slo?points=3")).path("availability");
        // Every request bad against a 1% budget: a burn rate of 100 in this minute, in every window.
        assertThat(a.path("series").path("minutes")).hasSize(3);
        assertThat(values(a, "5m")).containsExactly(new double[] {0, 0, 100}, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(a.path("alerts").get(0).path("firing").asBoolean()).as("1h and 5m over 14.4x").isTrue();
        assertThat(a.path("alerts").get(0).path("factor").asDouble()).isCloseTo(14.4, org.assertj.core.data.Offset.offset(1e-9));
        clock.advance(Duration.ofMinutes(10));
        a = new ObjectMapper().readTree(get(p.admin().port(), "/slo?points=3")).path("availability");
        assertThat(values(a, "5m")).containsExactly(new double[] {0, 0, 0}, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(values(a, "1h")).containsExactly(new double[] {100, 100, 100}, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(a.path("alerts").get(0).path("firing").asBoolean()).as("the 5m window is quiet again").isFalse();
        assertThat(new ObjectMapper().readTree(get(p.admin().port(), "/slo")).path("availability").has("series")).as("only when asked").isFalse();
      } finally {
        server.stop(0);
      }
    }
  }

  private static double[] values(JsonNode slo, String window) {
    JsonNode series = slo.path("series").path("burnRates").path(window);
    double[] out = new double[series.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = series.get(i).asDouble();
    }
    return out;
  }

  /** A platform with observability and the SLO module on {@code clock}; admin port on loopback. */
  static Platform.Builder base(Clock clock) {
    return TestPlatforms.builder()
        .serviceName("orders")
        .module(new ObservabilityModule())
        .module(new SloModule(clock));
  }

  @Test
  void aLatencyThresholdBetweenStandardBucketsBecomesABucketBoundaryOfTheServerHistogram() throws Exception {
    try (Platform p =
        base(Clock.systemUTC())
            .property("platform.observability.http.routes", "/api/orders/{id}")
            .property("platform.slo.objectives.latency.kind", "latency")
            .property("platform.slo.objectives.latency.objective", "99")
            .property("platform.slo.objectives.latency.route", "/api/orders/{id}")
            .property("platform.slo.objectives.latency.threshold", "300ms")
            .start()) {
      assertThat(dev.paved.observability.internal.ObservabilityHooks.serverDurationBucketsSeconds(Observability.of(p))).contains(0.25, 0.3, 0.5);
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext("/api/orders/", ex -> {
        ex.sendResponseHeaders(200, -1);
        ex.close();
      }).getFilters().add(Observability.of(p).httpServerFilter());
      server.start();
      try {
        get(server.getAddress().getPort(), "/api/orders/7");
        String metrics = get(p.admin().port(), "/metrics");
        // The bucket the generated rules query (le="0.3") exists, beside the standard ones.
        assertThat(metrics)
            .containsPattern("http_server_request_duration_seconds_bucket\\{[^}]*http_route=\"/api/orders/\\{id}\"[^}]*le=\"0.3\"} 1")
            .contains("le=\"0.25\"");
        Slo latency = Slo.fromConfig(p.config()).get(0);
        assertThat(PrometheusRules.errorRatio(p.descriptor(), latency, "5m")).contains("le=\"0.3\"");
        // Too late to align once requests were measured: a clear error, not a silent mismatch.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> dev.paved.observability.internal.ObservabilityHooks.alignServerDurationBuckets(Observability.of(p), java.util.List.of(Duration.ofMillis(420))))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("requests were already measured");
      } finally {
        server.stop(0);
      }
    }
  }

  @Test
  void messagingSlosCountProcessedMessagesAndFreshnessSlosSampleTheJobEveryMinute() throws Exception {
    TestClock clock = TestClock.at("2026-11-27T10:00:00Z");
    clock.set(Instant.now()); // jobs record their success with the wall clock
    try (Platform p =
        base(clock)
            .property("platform.slo.objectives.events.kind", "messaging")
            .property("platform.slo.objectives.events.objective", "99")
            .property("platform.slo.objectives.events.destination", "order-events")
            .property("platform.slo.objectives.nightly.kind", "freshness")
            .property("platform.slo.objectives.nightly.objective", "90")
            .property("platform.slo.objectives.nightly.job", "nightly-report")
            .property("platform.slo.objectives.nightly.max-age", "2m")
            .start()) {
      Observability obs = Observability.of(p);
      for (int i = 0; i < 10; i++) {
        int n = i;
        try {
          obs.messaging().process("kafka", "order-events", Map.of(), () -> {
            if (n == 0) {
              throw new java.io.IOException("bad message");
            }
            return null;
          });
        } catch (java.io.IOException expected) {
          // counted as bad
        }
      }
      // Another destination is not this SLO's.
      obs.messaging().process("kafka", "audit", Map.of(), () -> null);
      JsonNode events = new ObjectMapper().readTree(get(p.admin().port(), "/slo")).path("events");
      assertThat(events.path("requests").asLong()).isEqualTo(10);
      assertThat(events.path("bad").asLong()).isEqualTo(1);
      assertThat(events.path("burnRates").path("5m").asDouble()).isCloseTo(10.0, org.assertj.core.data.Offset.offset(1e-9));

      // Freshness: the job is tracked from start (its gauge exists before its first run).
      assertThat(get(p.admin().port(), "/metrics")).containsPattern("paved_job_last_success_timestamp_seconds\\{[^}]*job_name=\"nightly-report\"");
      obs.jobs().run("nightly-report", () -> null);
      // Ten minutes pass, sampled once a minute: fresh for 2 of them, stale for 8 (the job does not run again).
      long start = clock.millis();
      for (int minute = 1; minute <= 10; minute++) {
        clock.set(Instant.ofEpochMilli(start + minute * 60_000L));
        get(p.admin().port(), "/slo"); // every read ticks
      }
      JsonNode nightly = new ObjectMapper().readTree(get(p.admin().port(), "/slo")).path("nightly");
      assertThat(nightly.path("maxAgeMs").asLong()).isEqualTo(120_000);
      long sampled = nightly.path("requests").asLong();
      long stale = nightly.path("bad").asLong();
      assertThat(sampled).isBetween(10L, 11L);
      assertThat(stale).isEqualTo(8);
    }
  }
}
