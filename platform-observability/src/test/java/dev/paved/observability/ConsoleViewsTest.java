package dev.paved.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paved.core.Platform;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** What the admin console reads of observability: RED per route, and the logger-level action. */
@Timeout(60)
class ConsoleViewsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void redPerRouteIsTheDifferenceOfTwoReadingsOfTheRealHistograms() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    RedMeters meters =
        new RedMeters(registry, HttpInstrumentation.SERVER_DURATION, "d", List.of("http.request.method", "http.route", "http.response.status_code", "error.type", "url.scheme"), 100);
    RouteTraffic traffic = new RouteTraffic(registry, () -> 3);
    // Before the first reading: counted in the totals, not in a step.
    meters.record(1_000_000_000L, "GET", "/api/orders/{id}", "200", "", "http");
    traffic.sample();
    for (int i = 0; i < 90; i++) {
      meters.record(8_000_000L, "GET", "/api/orders/{id}", "200", "", "http");
    }
    for (int i = 0; i < 10; i++) {
      meters.record(900_000_000L, "GET", "/api/orders/{id}", "503", "503", "http");
    }
    traffic.sample();
    JsonNode body = JSON.valueToTree(traffic.toMap());
    assertThat(body.path("inFlight").asInt()).isEqualTo(3);
    JsonNode route = body.path("routes").get(0);
    assertThat(route.path("route").asText()).isEqualTo("/api/orders/{id}");
    assertThat(route.path("requests").asLong()).isEqualTo(101);
    assertThat(route.path("errorRatio").asDouble()).isCloseTo(0.1, within(1e-9));
    // Interpolated within the semantic-convention buckets (5 ms..10 ms, 750 ms..1 s), as histogram_quantile does.
    assertThat(route.path("p50Ms").asDouble()).isBetween(5.0, 10.0);
    assertThat(route.path("p95Ms").asDouble()).isBetween(750.0, 1000.0);
    assertThat(route.path("p99Ms").asDouble()).isBetween(750.0, 1000.0);
    assertThat(route.path("points")).hasSize(2);
    assertThat(route.path("points").get(1).path("rate").asDouble()).isPositive();
    // No requests in a step: rate and percentiles 0, never NaN.
    traffic.sample();
    JsonNode quiet = JSON.valueToTree(traffic.toMap()).path("routes").get(0);
    assertThat(quiet.path("rate").asDouble()).isZero();
    assertThat(quiet.path("p99Ms").asDouble()).isZero();
    assertThat(JSON.writeValueAsString(traffic.toMap())).doesNotContain("NaN");
  }

  @Test
  void quantilesInterpolateWithinTheirBucketAndStopAtTheLastBound() {
    double[] bounds = {10, 20, 40};
    assertThat(RouteTraffic.quantile(0.5, 10, bounds, new double[] {0, 10, 10})).isEqualTo(15.0);
    assertThat(RouteTraffic.quantile(0.99, 10, bounds, new double[] {0, 0, 5})).as("above every bound").isEqualTo(40.0);
    assertThat(RouteTraffic.quantile(0.5, 0, bounds, new double[] {0, 0, 0})).isZero();
  }

  @Test
  void anOperatorSetsALoggersLevelForAWhileAndItsLevelBeforeComesBack() throws Exception {
    Logger target = (Logger) LoggerFactory.getLogger("dev.paved.console.test");
    target.setLevel(Level.WARN);
    try (Platform p = TestPlatforms.isolated().start()) {
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest.Builder post =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.admin().port() + "/actions/logger-level")).header("X-Paved-Action", "logger-level");
      HttpResponse<String> set =
          http.send(post.copy().POST(HttpRequest.BodyPublishers.ofString("{\"logger\":\"dev.paved.console.test\",\"level\":\"debug\",\"duration\":\"1s\"}")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(set.statusCode()).isEqualTo(200);
      assertThat(set.body()).contains("\"before\":\"WARN\"", "\"after\":\"DEBUG\"");
      assertThat(target.getLevel()).isEqualTo(Level.DEBUG);
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> target.getLevel() == Level.WARN);

      for (Map.Entry<String, String> bad :
          Map.of("{\"logger\":\"dev.paved\",\"level\":\"LOUD\"}", "level", "{\"level\":\"DEBUG\"}", "logger: missing", "{\"logger\":\"a b\",\"level\":\"DEBUG\"}", "expected: ROOT or a logger name").entrySet()) {
        HttpResponse<String> refused = http.send(post.copy().POST(HttpRequest.BodyPublishers.ofString(bad.getKey())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).as(bad.getKey()).isEqualTo(400);
        assertThat(refused.body()).contains(bad.getValue());
      }
    } finally {
      target.setLevel(null);
    }
  }
}
