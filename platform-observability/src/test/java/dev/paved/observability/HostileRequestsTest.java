package dev.paved.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.paved.core.Platform;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a hostile or broken client sends, through Paved's filter on a real JDK server over
 * loopback (issue 16): overflowing deadlines, oversized paths and User-Agents, several tracestate
 * lines.
 */
@Timeout(60)
class HostileRequestsTest {
  private Platform platform;
  private Observability obs;
  private HttpServer server;
  private final List<String> tracestates = new CopyOnWriteArrayList<>();
  private final HttpClient client = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    platform = TestPlatforms.isolated().property("platform.observability.traces.buffer-max-bytes", "1MB").start();
    obs = Observability.of(platform);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      if (exchange.getRequestURI().getPath().equals("/api/big")) {
        // A response written after the client has gone: the write fails with a broken pipe.
        try (exchange) {
          Thread.sleep(300);
          exchange.sendResponseHeaders(200, 0);
          byte[] chunk = new byte[64 * 1024];
          for (int i = 0; i < 256; i++) {
            exchange.getResponseBody().write(chunk);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return;
      }
      tracestates.add(Span.current().getSpanContext().getTraceState().asMap().toString());
      Span.current().addEvent("retry", io.opentelemetry.api.common.Attributes.of(AttributeKey.longKey("retry.attempt"), 2L));
      try (exchange) {
        exchange.sendResponseHeaders(200, -1);
      }
    }).getFilters().add(obs.httpServerFilter(Routes.of("/api/orders/{id}")));
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
    platform.close();
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  private List<SpanData> serverSpans() {
    return obs.recentSpans().orElseThrow().spans().stream().filter(s -> s.getKind() == SpanKind.SERVER).toList();
  }

  @Test
  void overflowingDeadlinesOfEveryFormGetAnAnswerAndASpan() throws Exception {
    String[][] attacks = {
      {"x-paved-timeout-ms", "9223372036854775807"},
      {"x-envoy-expected-rq-timeout-ms", "9223372036854775807"},
      {"grpc-timeout", "99999999H"},
    };
    for (String[] attack : attacks) {
      HttpResponse<Void> r =
          client.send(
              HttpRequest.newBuilder(uri("/api/orders/1")).header(attack[0], attack[1]).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.discarding());
      assertThat(r.statusCode()).as(attack[0]).isEqualTo(200);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> serverSpans().size() == 3);
    // Regression (issue 15): no implementation detail of the exemplar sampler on the spans.
    assertThat(serverSpans()).allSatisfy(s -> assertThat(s.getAttributes().get(AttributeKey.booleanKey("exemplar"))).isNull());
  }

  @Test
  void aMalformedBaggageHeaderOnEveryRequestIsLoggedOnceThenCounted() throws Exception {
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs = new ch.qos.logback.core.read.ListAppender<>();
    ch.qos.logback.classic.Logger root =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    logs.start();
    root.addAppender(logs);
    long before = dev.paved.observability.internal.ClientTriggeredLogThrottle.suppressed();
    try {
      for (int i = 0; i < 300; i++) {
        HttpResponse<Void> r =
            client.send(HttpRequest.newBuilder(uri("/api/orders/1")).header("baggage", "k=%zz").build(), HttpResponse.BodyHandlers.discarding());
        assertThat(r.statusCode()).isEqualTo(200);
      }
    } finally {
      root.detachAppender(logs);
    }
    List<ch.qos.logback.classic.spi.ILoggingEvent> fromBaggage;
    synchronized (logs.list) {
      fromBaggage = logs.list.stream().filter(e -> e.getLoggerName().startsWith("io.opentelemetry.api.baggage")).toList();
    }
    assertThat(fromBaggage).hasSizeLessThanOrEqualTo(1);
    assertThat(dev.paved.observability.internal.ClientTriggeredLogThrottle.suppressed() - before).isGreaterThanOrEqualTo(299 - 1);
  }

  /**
   * Regression (issue 16): a client that closed its connection early was recorded as
   * error_type="java.io.IOException", a server error by the label scheme, while /slo and the SLO
   * rules count only 5xx: they disagreed. A client abort now has no error type.
   */
  @Test
  void aClientThatClosesEarlyIsNotAServerError() throws Exception {
    try (java.net.Socket socket = new java.net.Socket(InetAddress.getLoopbackAddress(), server.getAddress().getPort())) {
      socket.getOutputStream().write("GET /api/big HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
    }
    io.micrometer.core.instrument.MeterRegistry registry = obs.meterRegistry();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> registry.find("http.server.request.duration").tag("http.route", Routes.UNMATCHED).timer() != null);
    assertThat(registry.find("http.server.request.duration").tag("http.route", Routes.UNMATCHED).timers())
        .allSatisfy(t -> assertThat(t.getId().getTag("error.type")).isEmpty());
    await().atMost(Duration.ofSeconds(5)).until(() -> serverSpans().stream().anyMatch(sp -> Boolean.TRUE.equals(sp.getAttributes().get(ServerRequest.CLIENT_ABORTED))));
  }

  /** Regression (issue 15): /traces dropped span events, so retry and flag events were invisible there. */
  @Test
  void tracesShowSpanEventsWithTheirAttributes() throws Exception {
    client.send(HttpRequest.newBuilder(uri("/api/orders/1")).build(), HttpResponse.BodyHandlers.discarding());
    await().atMost(Duration.ofSeconds(5)).until(() -> !serverSpans().isEmpty());
    String traces =
        client
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + platform.admin().port() + "/traces")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(traces).containsPattern("\"events\":\\[\\{\"name\":\"retry\",\"epochNanos\":\\d+,\"attributes\":\\{\"retry.attempt\":\"2\"}}]");
  }

  /** Regression (issue 16): oversized headers got a connection reset; Paved's filter answers 431. */
  @Test
  void headersAboveTheBudgetAre431AndTheServiceIsNotCalled() throws Exception {
    HttpResponse<Void> r =
        client.send(
            HttpRequest.newBuilder(uri("/api/orders/1")).header("x-big", "b".repeat(100_000)).build(),
            HttpResponse.BodyHandlers.discarding());
    assertThat(r.statusCode()).isEqualTo(431);
    assertThat(tracestates).as("the handler was not called").isEmpty();
    await().atMost(Duration.ofSeconds(5)).until(() -> !serverSpans().isEmpty());
    assertThat(serverSpans().get(0).getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(431L);
  }

  @Test
  void severalTracestateLinesAreCombinedIntoOneList() throws Exception {
    client.send(
        HttpRequest.newBuilder(uri("/api/orders/1"))
            .header("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
            .header("tracestate", "foo=1")
            .header("tracestate", "bar=2")
            .build(),
        HttpResponse.BodyHandlers.discarding());
    assertThat(tracestates).singleElement().asString().contains("foo=1").contains("bar=2");
    await().atMost(Duration.ofSeconds(5)).until(() -> !serverSpans().isEmpty());
    assertThat(serverSpans().get(0).getTraceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
  }

  @Test
  void hugePathsAndUserAgentsAreTruncatedAndTheTraceBufferStaysWithinItsBytes() throws Exception {
    String path = "/api/" + "p".repeat(100_000);
    String agent = "a".repeat(60_000);
    for (int i = 0; i < 200; i++) {
      HttpResponse<Void> r =
          client.send(HttpRequest.newBuilder(uri(path)).header("User-Agent", agent).build(), HttpResponse.BodyHandlers.discarding());
      assertThat(r.statusCode()).isEqualTo(200);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> obs.recentSpans().orElseThrow().dropped() > 0);
    SpanData last = serverSpans().get(serverSpans().size() - 1);
    assertThat(last.getAttributes().get(AttributeKey.stringKey("url.path"))).hasSize(2048);
    assertThat(last.getAttributes().get(AttributeKey.stringKey("user_agent.original"))).hasSize(2048);
    assertThat(obs.recentSpans().orElseThrow().bytes()).isLessThanOrEqualTo(1024L * 1024);
  }
}
