package dev.paved.observability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paved.core.Platform;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Exchanges not bound to a thread: begun on one thread, ended on another, nothing left current. */
class HttpExchangesTest {
  private Platform platform;
  private HttpExchanges exchanges;

  @BeforeEach
  void start() {
    platform = TestPlatforms.isolated().start();
    exchanges = HttpExchanges.of(Observability.of(platform));
  }

  @AfterEach
  void stop() {
    platform.close();
  }

  private SpanData span(SpanKind kind) {
    return Observability.of(platform).recentSpans().orElseThrow().spans().stream()
        .filter(s -> s.getKind() == kind)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " span"));
  }

  @Test
  void aServerExchangeContinuesTheCallersTraceWithoutBindingTheThreadAndEndsOnAnother() throws Exception {
    String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    ObservedExchange exchange =
        exchanges.server(
            Routes.of("/api/orders/{id}"), "GET", "http", "/api/orders/7", 8080, "127.0.0.1", "test", Map.of("traceparent", traceparent), MapCarrier.GETTER);
    assertThat(Span.current().getSpanContext().isValid()).as("nothing made current on the calling thread").isFalse();
    assertThat(platform.inFlight().current()).as("counted in flight until it ends").isEqualTo(1);
    assertThat(Span.fromContext(exchange.context()).getSpanContext().getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");

    CompletableFuture.runAsync(() -> {
      exchange.status(503);
      exchange.end();
      exchange.end(); // a second end does nothing
    }).get(5, TimeUnit.SECONDS);

    assertThat(platform.inFlight().current()).isZero();
    SpanData server = span(SpanKind.SERVER);
    assertThat(server.getName()).isEqualTo("GET /api/orders/{id}");
    assertThat(server.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
    assertThat(server.getAttributes().asMap().toString()).contains("http.response.status_code=503").contains("error.type=503");
    assertThat(Observability.of(platform).meterRegistry().get("http.server.request.duration").tag("http.route", "/api/orders/{id}").timer().count())
        .as("recorded once")
        .isEqualTo(1);
  }

  @Test
  void aClientExchangeIsAChildOfItsParentAndInjectsItsOwnSpan() {
    ObservedExchange parent = exchanges.server(Routes.of("/a"), "GET", "http", "/a", 80, null, null, Map.<String, String>of(), MapCarrier.GETTER);
    ObservedExchange client = exchanges.client(parent.context(), "GET", URI.create("http://inventory:8081/stock/7?key=secret"));
    Map<String, String> headers = new HashMap<>();
    client.inject(headers, MapCarrier.SETTER);
    client.failed(new java.io.IOException("connection refused"));
    client.end();
    parent.status(200);
    parent.end();
    SpanData span = span(SpanKind.CLIENT);
    assertThat(headers.get("traceparent")).contains(span.getSpanId()).contains(span.getTraceId());
    assertThat(span.getParentSpanId()).isEqualTo(Span.fromContext(parent.context()).getSpanContext().getSpanId());
    assertThat(span.getAttributes().asMap().toString())
        .contains("url.full=http://inventory:8081/stock/7?REDACTED")
        .contains("error.type=java.io.IOException");
    assertThat(Context.current()).isEqualTo(Context.root());
  }
}
