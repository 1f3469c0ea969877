package dev.paved.slo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.paved.core.Platform;
import dev.paved.observability.Observability;
import dev.paved.observability.ObservabilityModule;
import dev.paved.observability.Routes;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Budgets tracked in process from real requests through the HTTP server instrumentation. */
class SloTrackingTest {
  /** A clock the test moves. */
  static final class MovingClock extends Clock {
    volatile Instant now = Instant.parse("2026-11-27T10:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private final HttpClient http = HttpClient.newHttpClient();

  private String get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  @Test
  void budgetsAndBurnRatesFollowTheRequestsAndAQuietServiceIsNeitherNanNorAnAlarm() throws Exception {
    MovingClock clock = new MovingClock();
    try (Platform p =
        Platform.builder()
            .environment(Map.of())
            .systemProperties(Map.of())
            .discoverModules(false)
            .serviceName("orders")
            .adminPort(0)
            .property("platform.admin.bind-address", "127.0.0.1")
            .shutdownHook(false)
            .drain(Duration.ZERO)
            .property("platform.slo.objectives.availability.kind", "availability")
            .property("platform.slo.objectives.availability.objective", "99")
            .property("platform.slo.objectives.availability.route", "/api/orders/{id}")
            .property("platform.slo.objectives.quiet.kind", "availability")
            .property("platform.slo.objectives.quiet.objective", "99.9")
            .property("platform.slo.objectives.quiet.route", "/api/never-called")
            .module(new ObservabilityModule())
            .module(new SloModule(clock))
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
          .add(Observability.of(p).httpServerFilter(Routes.of("/api/orders/{id}")));
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
        clock.now = clock.now.plus(Duration.ofMinutes(10));
        slo = new ObjectMapper().readTree(get(p.admin().port(), "/slo"));
        assertThat(slo.path("availability").path("burnRates").path("5m").asDouble()).isEqualTo(0.0);
        assertThat(slo.path("availability").path("burnRates").path("1h").asDouble()).isCloseTo(2.0, org.assertj.core.data.Offset.offset(1e-9));

        String metrics = get(p.admin().port(), "/metrics");
        assertThat(metrics)
            .containsPattern("slo_burn_rate\\{[^}]*slo=\"availability\"[^}]*window=\"1h\"[^}]*} (2\\.0|1\\.9999\\d*)")
            .containsPattern("slo_error_budget_remaining\\{[^}]*slo=\"quiet\"[^}]*} 1.0")
            .doesNotContain("NaN");
      } finally {
        server.stop(0);
      }
    }
  }
}
