package dev.paved.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.paved.core.ConfigException;
import dev.paved.core.HealthStatus;
import dev.paved.core.Platform;
import dev.paved.observability.Deadlines;
import dev.paved.observability.Observability;
import dev.paved.observability.Routes;
import dev.paved.test.HttpStub;
import dev.paved.test.TestPlatforms;
import dev.paved.test.TestTelemetry;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The module on a real platform: configuration, telemetry, health and deadline propagation. */
@Timeout(60)
class ResilienceModuleTest {
  private HttpStub inventory;

  @BeforeEach
  void start() throws Exception {
    inventory = HttpStub.start();
  }

  @AfterEach
  void stop() {
    inventory.close();
  }

  private static Platform.Builder platform() {
    return TestPlatforms.withDiscovery()
        .serviceName("orders")
        .property("platform.service.dependencies.inventory.kind", "http")
        .property("platform.resilience.defaults.backoff.initial-delay", "1ms")
        .property("platform.resilience.defaults.backoff.max-delay", "2ms");
  }

  private static HttpResponse<String> admin(Platform p, String path, @org.jspecify.annotations.Nullable String body) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.admin().port() + path));
    if (body != null) {
      r.header("X-Paved-Action", path.substring(path.lastIndexOf('/') + 1)).POST(HttpRequest.BodyPublishers.ofString(body));
    }
    return HttpClient.newHttpClient().send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theConsoleSeesEachDependencyAndAnOperatorForcesABreakerOpenForAWhile() throws Exception {
    inventory.answer(503, Map.of());
    try (Platform p = platform().property("platform.resilience.dependencies.inventory.max-attempts", "2").start()) {
      ResilientHttpClient client = Resilience.of(p).httpClient("inventory");
      client.send(HttpRequest.newBuilder(inventory.uri("/api/stock/1")).build(), HttpResponse.BodyHandlers.discarding());
      String view = admin(p, "/dependencies", null).body();
      assertThat(view).contains("\"name\":\"inventory\"", "\"state\":\"CLOSED\"", "\"failuresByCause\":{\"http_503\":1}", "\"failure\":1", "attempt 1 failed: http_503");

      HttpResponse<String> forced = admin(p, "/actions/breaker", "{\"dependency\":\"inventory\",\"state\":\"open\",\"duration\":\"1s\"}");
      assertThat(forced.statusCode()).isEqualTo(200);
      assertThat(forced.body()).contains("\"before\":\"CLOSED\"", "\"after\":\"FORCED_OPEN\"");
      int hits = inventory.hits();
      assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(inventory.uri("/api/stock/1")).build(), HttpResponse.BodyHandlers.discarding()))
          .isInstanceOf(CallNotPermittedException.class);
      assertThat(inventory.hits()).as("failed fast").isEqualTo(hits);
      assertThat(admin(p, "/dependencies", null).body()).contains("CLOSED -> FORCED_OPEN");
      assertThat(admin(p, "/actions/breaker", "{\"dependency\":\"inventroy\",\"state\":\"open\"}").body()).contains("expected: one of [inventory]");
      assertThat(admin(p, "/actions/breaker", "{\"dependency\":\"inventory\",\"state\":\"ajar\"}").statusCode()).isEqualTo(400);
      // It ends by itself.
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Resilience.of(p).policy("inventory").circuitBreaker().getState() == io.github.resilience4j.circuitbreaker.CircuitBreaker.State.CLOSED);
      assertThat(admin(p, "/dependencies", null).body()).contains("FORCED_OPEN -> CLOSED");
    }
  }

  @Test
  void dependencySettingsOverrideDefaultsAndRetriesAreCountedAndOnTheSpan() throws Exception {
    inventory.answer(503, Map.of());
    try (Platform p = platform().property("platform.resilience.dependencies.inventory.max-attempts", "2").start()) {
      Resilience resilience = Resilience.of(p);
      Observability obs = Observability.of(p);
      Span request = obs.tracer().spanBuilder("GET /api/orders/{id}").startSpan();
      try (Scope s = request.makeCurrent()) {
        HttpResponse<Void> r = resilience.httpClient("inventory")
            .send(HttpRequest.newBuilder(inventory.uri("/api/stock/1")).build(), HttpResponse.BodyHandlers.discarding());
        assertThat(r.statusCode()).isEqualTo(503);
      }
      request.end();
      assertThat(inventory.hits()).isEqualTo(2);
      TestTelemetry telemetry = TestTelemetry.of(p);
      assertThat(telemetry.count("paved.resilience.retries", "dependency", "inventory")).isEqualTo(1);
      assertThat(telemetry.count("paved.resilience.calls", "dependency", "inventory", "outcome", "failure")).isEqualTo(1);
      SpanData span = telemetry.awaitSpan("GET /api/orders/{id}");
      assertThat(span.getEvents()).extracting(EventData::getName).containsExactly("retry");
      assertThat(span.getEvents().get(0).getAttributes().asMap().toString()).contains("paved.retry.attempt=2", "paved.dependency=inventory");
      long clientSpans = telemetry.spans().stream().filter(d -> d.getKind() == io.opentelemetry.api.trace.SpanKind.CLIENT).count();
      assertThat(clientSpans).as("one CLIENT span per attempt").isEqualTo(2);
    }
  }

  @Test
  void anOpenBreakerFailsFastAndDegradesReadiness() throws Exception {
    inventory.answer(503, Map.of());
    try (Platform p = platform()
        .property("platform.resilience.dependencies.inventory.max-attempts", "1")
        .property("platform.resilience.dependencies.inventory.circuit-breaker.minimum-calls", "5")
        .start()) {
      ResilientHttpClient client = Resilience.of(p).httpClient("inventory");
      for (int i = 0; i < 5; i++) {
        client.send(HttpRequest.newBuilder(inventory.uri("/x")).build(), HttpResponse.BodyHandlers.discarding());
      }
      assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(inventory.uri("/x")).build(), HttpResponse.BodyHandlers.discarding()))
          .isInstanceOf(CallNotPermittedException.class);
      assertThat(inventory.hits()).isEqualTo(5);
      var check = p.health().readiness().checks().stream().filter(c -> c.name().equals("circuit-breakers")).findFirst().orElseThrow();
      assertThat(check.status()).isEqualTo(HealthStatus.DEGRADED);
      assertThat(check.details()).containsEntry("inventory", "OPEN");
      assertThat(Observability.of(p).meterRegistry().get("paved.resilience.circuit.state").tag("state", "open").gauge().value()).isEqualTo(1.0);
    }
  }

  @Test
  void theIncomingDeadlineBoundsAndPropagatesToOutgoingCalls() throws Exception {
    inventory.delay(java.time.Duration.ofMillis(1_000));
    try (Platform p = platform().start()) {
      Observability obs = Observability.of(p);
      Resilience resilience = Resilience.of(p);
      AtomicReference<String> seenHeader = new AtomicReference<>();
      HttpServer capture = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      capture.createContext("/", ex -> {
        seenHeader.set(ex.getRequestHeaders().getFirst(Deadlines.HEADER));
        ex.sendResponseHeaders(200, -1);
        ex.close();
      });
      capture.start();
      HttpServer orders = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      AtomicReference<Throwable> slowOutcome = new AtomicReference<>();
      orders.createContext("/api/orders/", ex -> {
        try {
          resilience.httpClient("capture").send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + capture.getAddress().getPort() + "/")).build(),
              HttpResponse.BodyHandlers.discarding());
          long start = System.nanoTime();
          try {
            resilience.httpClient("inventory").send(HttpRequest.newBuilder(inventory.uri("/slow")).build(), HttpResponse.BodyHandlers.discarding());
          } catch (Exception e) {
            slowOutcome.set(e);
          }
          long tookMs = (System.nanoTime() - start) / 1_000_000;
          ex.sendResponseHeaders(tookMs < 800 ? 200 : 500, -1);
        } catch (Exception e) {
          ex.sendResponseHeaders(500, -1);
        }
        ex.close();
      }).getFilters().add(obs.httpServerFilter(Routes.of("/api/orders/{id}")));
      orders.start();
      try {
        HttpResponse<Void> r = HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + orders.getAddress().getPort() + "/api/orders/1"))
                .header(Deadlines.HEADER, "400").build(),
            HttpResponse.BodyHandlers.discarding());
        assertThat(r.statusCode()).as("the slow call gave up within the caller's 400 ms").isEqualTo(200);
        assertThat(Long.parseLong(seenHeader.get())).isBetween(1L, 400L);
        assertThat(slowOutcome.get()).isInstanceOfAny(java.net.http.HttpTimeoutException.class, DeadlineExceededException.class);
      } finally {
        orders.stop(0);
        capture.stop(0);
      }
    }
  }

  @Test
  void noTimeLeftMeansNoCall() throws Exception {
    try (Platform p = platform().start()) {
      io.opentelemetry.context.Context expired = Deadlines.withTimeout(io.opentelemetry.context.Context.root(), Duration.ZERO);
      try (Scope s = expired.makeCurrent()) {
        assertThatThrownBy(() -> Resilience.of(p).httpClient("inventory")
                .send(HttpRequest.newBuilder(inventory.uri("/x")).build(), HttpResponse.BodyHandlers.discarding()))
            .isInstanceOf(DeadlineExceededException.class)
            .hasMessageContaining("not made");
      }
      assertThat(inventory.hits()).isZero();
    }
  }

  @Test
  void badSettingsFailStartNamingTheKey() {
    assertThatThrownBy(() -> platform()
            .property("platform.resilience.dependencies.inventory.max-attempts", "0")
            .property("platform.resilience.defaults.budget.percnt", "0.5")
            .start())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("platform.resilience.dependencies.inventory.max-attempts (builder): '0' is not an integer from 1 to 10")
        .hasMessageContaining("did you mean 'platform.resilience.defaults.budget.percent'?");
  }

  @Test
  void fallbacksAndSuppliers() {
    try (Platform p = platform().start()) {
      Resilience r = Resilience.of(p);
      String value = r.call("inventory", () -> { throw new IllegalStateException("down"); }, e -> "cached");
      assertThat(value).isEqualTo("cached");
      assertThat(r.supply("inventory", () -> 42)).isEqualTo(42);
      assertThatThrownBy(() -> r.policy("Bad_Name")).hasMessageContaining("dependency: 'Bad_Name'");
      assertThat(r.policies()).containsKey("inventory");
      assertThat(List.copyOf(r.policies().keySet())).doesNotContain("Bad_Name");
    }
  }
}
