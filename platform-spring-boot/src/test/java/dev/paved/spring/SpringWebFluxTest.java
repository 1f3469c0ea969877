package dev.paved.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paved.core.Platform;
import dev.paved.spring.reactive.ReactiveOrdersApplication;
import dev.paved.test.HttpStub;
import dev.paved.test.LogCapture;
import dev.paved.test.TestTelemetry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A real Spring WebFlux application (Reactor Netty on an ephemeral port, real HTTP on loopback,
 * its inventory an HTTP stub) on Paved's auto-configuration: the same one stack as Spring MVC.
 */
class SpringWebFluxTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static HttpStub inventory;
  private static ConfigurableApplicationContext app;
  private static Platform platform;
  private static int port;
  private static List<LogCapture.Line> startLogs = List.of();

  static ConfigurableApplicationContext run(HttpStub stub, String name, String... more) {
    return new SpringApplicationBuilder(ReactiveOrdersApplication.class)
        .web(WebApplicationType.REACTIVE)
        .run(SpringBootAppTest.args(stub, name, more));
  }

  @BeforeAll
  static void start() {
    inventory = HttpStub.start().answer(200, "7");
    try (LogCapture logs = LogCapture.root().start()) {
      app = run(inventory, "orders-reactive", "--platform.observability.http.max-header-bytes=2KB");
      startLogs = logs.lines();
    }
    platform = app.getBean(Platform.class);
    port = SpringBootAppTest.webPort(app);
  }

  @AfterAll
  static void stop() {
    app.close();
    inventory.close();
  }

  static HttpResponse<String> service(String path) throws Exception {
    return SpringBootAppTest.get("http://127.0.0.1:" + port + path);
  }

  @Test
  void routesComeFromTheReactiveMappingsAndStartUpIsQuiet() {
    assertThat(app.getBean(PavedHttpHandlerDecorator.class).templates())
        .as("routes from the controllers' mappings, literal before parameter")
        .containsSubsequence("/api/orders/search", "/api/orders/{id}");
    assertThat(app.getBeanNamesForType(java.util.concurrent.ScheduledExecutorService.class))
        .as("Paved's retry thread is no ScheduledExecutorService bean (@Scheduled and Boot's scheduler would take it)")
        .isEmpty();
    assertThat(startLogs).as("start-up logged no warning or error").noneMatch(l -> l.level().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN));
  }

  @Test
  void oneTraceAcrossTheRequestTheWebClientCallAndTheLogLinesOnOtherThreads() throws Exception {
    try (LogCapture logs = LogCapture.root().start()) {
      HttpResponse<String> r = service("/api/orders/42");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("\"stock\":\"7\"");

      TestTelemetry telemetry = TestTelemetry.of(platform);
      SpanData server = telemetry.awaitSpan(s -> s.getKind() == SpanKind.SERVER && s.getName().equals("GET /api/orders/{id}"), "the SERVER span");
      String traceId = server.getTraceId();
      assertThat(server.getAttributes().asMap().toString()).contains("http.route=/api/orders/{id}").contains("http.response.status_code=200");
      SpanData client = telemetry.awaitSpan(s -> s.getKind() == SpanKind.CLIENT && s.getTraceId().equals(traceId), "the CLIENT span to the inventory");
      assertThat(client.getParentSpanId()).as("the CLIENT span is the SERVER span's child").isEqualTo(server.getSpanId());
      assertThat(telemetry.trace(traceId).stream().filter(s -> s.getKind() == SpanKind.SERVER)).as("exactly one SERVER span").hasSize(1);
      HttpStub.Request call = inventory.requests().get(inventory.requests().size() - 1);
      assertThat(call.header("traceparent")).as("W3C trace context sent to the inventory").contains(traceId).contains(client.getSpanId());
      assertThat(call.header("x-paved-timeout-ms")).as("the time left is sent on as the deadline").isNotNull();
      assertThat(logs.lines()).as("the handler's log line carries the trace").anyMatch(l -> l.message().equals("reading order 42") && traceId.equals(l.traceId()));
      assertThat(logs.lines())
          .as("so does a line logged on another thread after the WebClient's answer")
          .anyMatch(l -> l.message().equals("order 42 has stock 7") && traceId.equals(l.traceId()) && l.event().getThreadName().startsWith("boundedElastic"));
    }
  }

  @Test
  void springBootsOwnWebClientBuilderIsTracedByPaved() throws Exception {
    int before = inventory.hits();
    assertThat(service("/api/stock/9").statusCode()).isEqualTo(200);
    TestTelemetry telemetry = TestTelemetry.of(platform);
    SpanData server = telemetry.awaitSpan(s -> s.getKind() == SpanKind.SERVER && s.getName().equals("GET /api/stock/{id}"), "the SERVER span");
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(telemetry.trace(server.getTraceId()).stream().filter(s -> s.getKind() == SpanKind.CLIENT)).as("one CLIENT span").hasSize(1));
    assertThat(inventory.requests().subList(before, inventory.requests().size()))
        .hasSize(1)
        .allMatch(c -> String.valueOf(c.header("traceparent")).contains(server.getTraceId()));
  }

  @Test
  void anErrorNothingHandledIsA500WithItsErrorType() throws Exception {
    HttpResponse<String> r = service("/api/boom");
    assertThat(r.statusCode()).isEqualTo(500);
    SpanData server = TestTelemetry.of(platform).awaitSpan(s -> s.getKind() == SpanKind.SERVER && s.getName().equals("GET /api/boom"), "the SERVER span");
    assertThat(server.getAttributes().asMap().toString()).contains("http.response.status_code=500").contains("error.type=java.lang.IllegalStateException");
    assertThat(server.getStatus().getStatusCode()).isEqualTo(io.opentelemetry.api.trace.StatusCode.ERROR);
    assertThat(service("/api/nowhere").statusCode()).isEqualTo(404);
    SpanData unmatched = TestTelemetry.of(platform).awaitSpan(s -> s.getKind() == SpanKind.SERVER && "/api/nowhere".equals(s.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey("url.path"))), "the 404's span");
    assertThat(unmatched.getAttributes().asMap().toString()).contains("http.response.status_code=404").doesNotContain("error.type");
    assertThat(service("/api/orders/9/invoice").statusCode()).isEqualTo(404);
    SpanData mapped = TestTelemetry.of(platform).awaitSpan(s -> s.getKind() == SpanKind.SERVER && s.getName().equals("GET /api/orders/{id}/invoice"), "the mapped 404's span");
    assertThat(mapped.getAttributes().asMap().toString())
        .as("an exception Spring answers with a 4xx is no server error")
        .contains("http.response.status_code=404")
        .doesNotContain("error.type");
    assertThat(mapped.getStatus().getStatusCode()).isNotEqualTo(io.opentelemetry.api.trace.StatusCode.ERROR);
  }

  @Test
  void metricsHaveThePavedNamesOnceAndNoneOfSpringsHttpNames() throws Exception {
    assertThat(service("/api/orders/7").statusCode()).isEqualTo(200);
    TestTelemetry.of(platform).awaitCount(1, "http.server.request.duration", "http.route", "/api/orders/{id}");
    SpringBootAppTest.assertOneStack(SpringBootAppTest.get("http://127.0.0.1:" + platform.admin().port() + "/metrics").body());
  }

  @Test
  void anOversizedHeaderSectionIsAnswered431BeforeTheHandler() throws Exception {
    int before = inventory.hits();
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/orders/5")).header("X-Big", "x".repeat(3_000)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("Paved's limit (2 KB here), under Reactor Netty's own 8 KB").isEqualTo(431);
    SpanData span = TestTelemetry.of(platform).awaitSpan(s -> s.getKind() == SpanKind.SERVER && s.getName().equals("GET /api/orders/{id}") && Long.valueOf(431).equals(s.getAttributes().get(io.opentelemetry.api.common.AttributeKey.longKey("http.response.status_code"))), "the 431's span");
    assertThat(span.getAttributes().asMap().toString()).doesNotContain("error.type");
    assertThat(inventory.hits()).as("the handler never ran").isEqualTo(before);
  }

  @Test
  void aFailingDependencyIsRetriedUnderItsPolicyThenItsBreakerOpens() throws Exception {
    try (HttpStub failing = HttpStub.start().answer(503, "down")) {
      ConfigurableApplicationContext other = run(failing, "orders-reactive-failing");
      try {
        int p = SpringBootAppTest.webPort(other);
        HttpResponse<String> first = SpringBootAppTest.get("http://127.0.0.1:" + p + "/api/orders/1");
        assertThat(first.statusCode()).isEqualTo(503);
        assertThat(failing.hits()).as("three attempts: the first and two retries").isEqualTo(3);
        for (int i = 0; i < 4; i++) {
          SpringBootAppTest.get("http://127.0.0.1:" + p + "/api/orders/1");
        }
        int hits = failing.hits();
        HttpResponse<String> open = SpringBootAppTest.get("http://127.0.0.1:" + p + "/api/orders/1");
        assertThat(open.body()).contains("CallNotPermittedException");
        assertThat(failing.hits()).as("an open breaker fails fast, without calling").isEqualTo(hits);
      } finally {
        other.close();
      }
    }
  }

  @Test
  void aRefusedConnectionIsRetriedAndTheCallerGetsSpringsException() throws Exception {
    int closed;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    try (HttpStub unused = HttpStub.start()) {
      ConfigurableApplicationContext other = run(unused, "orders-reactive-refused", "--orders.inventory-url=http://127.0.0.1:" + closed);
      try {
        Platform refused = other.getBean(Platform.class);
        HttpResponse<String> r = SpringBootAppTest.get("http://127.0.0.1:" + SpringBootAppTest.webPort(other) + "/api/orders/3");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).as("Spring's own exception reaches the handler, as without Paved").contains("WebClientRequestException");
        TestTelemetry telemetry = TestTelemetry.of(refused);
        SpanData server = telemetry.awaitSpan(s -> s.getKind() == SpanKind.SERVER && s.getName().equals("GET /api/orders/{id}"), "the SERVER span");
        List<SpanData> attempts = telemetry.trace(server.getTraceId()).stream().filter(s -> s.getKind() == SpanKind.CLIENT).toList();
        assertThat(attempts).as("three attempts: a refused connection never left, so it is retried").hasSize(3);
        assertThat(attempts).allMatch(s -> String.valueOf(s.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey("error.type"))).contains("Connect"));
      } finally {
        other.close();
      }
    }
  }

  @Test
  void closingTheContextFinishesARequestInFlight() throws Exception {
    try (HttpStub stub = HttpStub.start().answer(200, "1")) {
      ConfigurableApplicationContext other = run(stub, "orders-reactive-closing", "--platform.shutdown.drain=200ms");
      int p = SpringBootAppTest.webPort(other);
      CompletableFuture<HttpResponse<String>> slow =
          HTTP.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p + "/api/slow")).build(), HttpResponse.BodyHandlers.ofString());
      Platform closing = other.getBean(Platform.class);
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> closing.inFlight().current() == 1);
      other.close();
      HttpResponse<String> r = slow.get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("done");
    }
  }
}
