package dev.paved.test;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.paved.core.Platform;
import dev.paved.observability.Observability;
import dev.paved.observability.ObservabilityModule;
import dev.paved.observability.Routes;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** TestTelemetry against a real JDK server with Paved's filter on loopback. */
@Timeout(60)
class TestTelemetryTest {
  @Test
  void theServerSpanAndTheRedSeriesOfARequestAreWaitedForAndFoundByTheirDocumentedNames() throws Exception {
    try (Platform platform = TestPlatforms.builder().serviceName("orders").module(new ObservabilityModule()).start()) {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/", exchange -> {
        try (exchange) {
          exchange.sendResponseHeaders(200, -1);
        }
      }).getFilters().add(Observability.of(platform).httpServerFilter(Routes.of("/api/orders/{id}")));
      server.start();
      try {
        HttpResponse<Void> r =
            HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/orders/7")).build(), HttpResponse.BodyHandlers.discarding());
        org.assertj.core.api.Assertions.assertThat(r.statusCode()).isEqualTo(200);

        TestTelemetry telemetry = TestTelemetry.of(platform);
        SpanData span = telemetry.awaitSpan("GET /api/orders/{id}", SpanKind.SERVER);
        assertThat(span).hasKind(SpanKind.SERVER).hasAttribute(AttributeKey.stringKey("http.route"), "/api/orders/{id}");
        org.assertj.core.api.Assertions.assertThat(telemetry.trace(span.getTraceId())).containsExactly(span);
        org.assertj.core.api.Assertions.assertThat(
                telemetry.awaitCount(1, "http.server.request.duration", "http.route", "/api/orders/{id}", "http.response.status_code", "200"))
            .isEqualTo(1);
        org.assertj.core.api.Assertions.assertThat(telemetry.count("http.server.request.duration", "http.route", "/nowhere")).isZero();
      } finally {
        server.stop(0);
      }
    }
  }

  @Test
  void aSpanThatNeverEndsFailsWithWhatThereWas() {
    try (Platform platform = TestPlatforms.builder().serviceName("orders").module(new ObservabilityModule()).start()) {
      Observability.of(platform).tracer().spanBuilder("other").startSpan().end();
      TestTelemetry telemetry = TestTelemetry.of(platform);
      assertThatThrownBy(() -> telemetry.awaitSpan(s -> s.getName().equals("missing"), "span 'missing'", java.time.Duration.ofMillis(200)))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("no span 'missing' finished")
          .hasMessageContaining("INTERNAL other");
    }
  }

  @Test
  void withoutObservabilityItSaysWhatToAdd() {
    try (Platform platform = TestPlatforms.builder().serviceName("orders").start()) {
      assertThatThrownBy(() -> TestTelemetry.of(platform)).hasMessageContaining("module(new ObservabilityModule())");
    }
  }
}
