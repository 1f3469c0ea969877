package dev.paved.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paved.core.Platform;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Servlet, messaging, Kafka and job instrumentation against one platform. */
@Timeout(60)
class InstrumentationTest {
  private Platform platform;
  private Observability obs;

  @BeforeEach
  void start() {
    platform =
        TestPlatforms.isolated()
            .start();
    obs = Observability.of(platform);
  }

  @AfterEach
  void stop() {
    platform.close();
  }

  private List<SpanData> spans() {
    return obs.recentSpans().orElseThrow().spans();
  }

  private SpanData span(String name) {
    return spans().stream().filter(s -> s.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no span " + name + " in " + spans()));
  }

  private MeterRegistry registry() {
    return obs.meterRegistry();
  }

  @Test
  void servletFilterMakesServerSpansAndRedMetricsOnJetty() throws Exception {
    Server jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/shop");
    context.addServlet(new ServletHolder(new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws java.io.IOException {
        if (req.getPathInfo().endsWith("/fail")) {
          throw new IllegalStateException("handler bug");
        }
        if (req.getPathInfo().endsWith("/missing")) {
          resp.sendError(404);
          return;
        }
        resp.setContentType("application/json");
        resp.getWriter().write("{\"traceId\":\"" + Span.current().getSpanContext().getTraceId() + "\"}");
      }
    }), "/api/*");
    context.addFilter(new FilterHolder(ServletFilter.create(obs, Routes.of("/api/orders/{id}"))), "/*", EnumSet.allOf(jakarta.servlet.DispatcherType.class));
    jetty.setHandler(context);
    jetty.start();
    try {
      HttpClient client = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + connector.getLocalPort() + "/shop/api/orders/";
      String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
      HttpResponse<String> ok = client.send(HttpRequest.newBuilder(URI.create(base + "7"))
          .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01").build(), HttpResponse.BodyHandlers.ofString());
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.body()).contains(traceId);
      assertThat(client.send(HttpRequest.newBuilder(URI.create(base + "missing")).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
      assertThat(client.send(HttpRequest.newBuilder(URI.create(base + "fail")).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(500);

      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> spans().size() >= 3);
      List<SpanData> server = spans().stream().filter(s -> s.getKind() == SpanKind.SERVER).toList();
      assertThat(server).hasSize(3).allSatisfy(s -> assertThat(s.getName()).isEqualTo("GET /api/orders/{id}"));
      SpanData first = server.get(0);
      assertThat(first.getTraceId()).isEqualTo(traceId);
      assertThat(first.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
      SpanData notFound = server.get(1);
      assertThat(notFound.getStatus().getStatusCode()).as("4xx is not a server error").isEqualTo(StatusCode.UNSET);
      SpanData failed = server.get(2);
      assertThat(failed.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
      assertThat(failed.getAttributes().asMap().toString()).contains("error.type=java.lang.IllegalStateException");
      assertThat(registry().get("http.server.request.duration").tag("http.route", "/api/orders/{id}").tag("http.response.status_code", "404").timer().count()).isEqualTo(1);
      assertThat(registry().get("http.server.request.duration").tag("http.response.status_code", "500").timer().count()).isEqualTo(1);
    } finally {
      jetty.stop();
    }
  }

  @Test
  void messagingContinuesTheTraceFromProducerToConsumer() throws Exception {
    Map<String, String> headers = new HashMap<>();
    Span request = obs.tracer().spanBuilder("request").startSpan();
    try (Scope s = request.makeCurrent()) {
      obs.messaging().send("rabbitmq", "orders", headers, () -> "sent");
    }
    request.end();
    assertThat(headers).containsKey("traceparent");
    String handledIn = obs.messaging().process("rabbitmq", "orders", headers, () -> Span.current().getSpanContext().getTraceId());
    assertThat(handledIn).isEqualTo(request.getSpanContext().getTraceId());
    SpanData send = span("send orders");
    SpanData process = span("process orders");
    assertThat(send.getKind()).isEqualTo(SpanKind.PRODUCER);
    assertThat(process.getKind()).isEqualTo(SpanKind.CONSUMER);
    assertThat(process.getParentSpanId()).isEqualTo(send.getSpanId());
    assertThat(process.getAttributes().asMap().toString()).contains("messaging.system=rabbitmq", "messaging.destination.name=orders", "messaging.operation.type=process");
    assertThat(registry().get("messaging.process.duration").tag("messaging.destination.name", "orders").timer().count()).isEqualTo(1);
    assertThat(registry().get("messaging.client.operation.duration").tag("messaging.operation.name", "send").timer().count()).isEqualTo(1);
  }

  @Test
  void failedProcessingIsAnErrorSpanAndCounted() {
    assertThatThrownBy(() -> obs.messaging().process("kafka", "orders", Map.of(), () -> { throw new IllegalArgumentException("bad message"); }))
        .hasMessage("bad message");
    assertThat(span("process orders").getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(registry().get("messaging.process.duration").tag("error.type", "java.lang.IllegalArgumentException").timer().count()).isEqualTo(1);
  }

  @Test
  void kafkaAdaptersCarryTheTraceInRecordHeaders() throws Exception {
    MockProducer<String, String> producer = new MockProducer<>(true, null, new StringSerializer(), new StringSerializer());
    Span request = obs.tracer().spanBuilder("request").startSpan();
    try (Scope s = request.makeCurrent()) {
      obs.kafka().send(producer, new ProducerRecord<>("orders", "k1", "order 7")).get();
    }
    request.end();
    ProducerRecord<String, String> sent = producer.history().get(0);
    assertThat(sent.headers().lastHeader("traceparent")).isNotNull();
    ConsumerRecord<String, String> consumed = new ConsumerRecord<>("orders", 3, 42L, "k1", "order 7");
    sent.headers().forEach(h -> consumed.headers().add(h));
    String[] seen = new String[1];
    obs.kafka().process(consumed, r -> seen[0] = Span.current().getSpanContext().getTraceId());
    assertThat(seen[0]).isEqualTo(request.getSpanContext().getTraceId());
    SpanData process = span("process orders");
    assertThat(process.getParentSpanId()).isEqualTo(span("send orders").getSpanId());
    assertThat(process.getAttributes().asMap().toString()).contains("messaging.system=kafka", "messaging.kafka.offset=42", "messaging.destination.partition.id=3");
  }

  @Test
  void jobsRunAsRootSpansWithOutcomeMetrics() throws Exception {
    Span outer = obs.tracer().spanBuilder("unrelated").startSpan();
    try (Scope s = outer.makeCurrent()) {
      assertThat(obs.jobs().run("nightly-report", () -> 42)).isEqualTo(42);
    }
    outer.end();
    obs.jobs().wrap("cleanup", () -> { throw new IllegalStateException("disk full"); }).run();
    SpanData job = span("job nightly-report");
    assertThat(job.getParentSpanContext().isValid()).as("a job is a root span").isFalse();
    assertThat(span("job cleanup").getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(registry().get("paved.job.duration").tag("job.name", "nightly-report").tag("outcome", "success").timer().count()).isEqualTo(1);
    assertThat(registry().get("paved.job.duration").tag("job.name", "cleanup").tag("outcome", "failure").timer().count()).isEqualTo(1);
  }
}
