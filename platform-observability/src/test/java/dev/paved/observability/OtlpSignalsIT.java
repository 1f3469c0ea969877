package dev.paved.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.paved.core.Platform;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * With an OTLP endpoint and the optional signals on, traces, logs (masked) and metrics reach a
 * real HTTP collector on loopback, decoded here with the OTLP protobuf classes.
 */
@Timeout(60)
class OtlpSignalsIT {
  private static final dev.paved.core.Redaction REDACTION = dev.paved.core.Redaction.create();

  @Test
  void tracesLogsAndMetricsReachTheCollector() throws Exception {
    List<ExportTraceServiceRequest> traces = new CopyOnWriteArrayList<>();
    List<ExportLogsServiceRequest> logs = new CopyOnWriteArrayList<>();
    List<ExportMetricsServiceRequest> metrics = new CopyOnWriteArrayList<>();
    HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    collector.createContext("/", ex -> {
      try (ex; InputStream in = ex.getRequestBody()) {
        byte[] body = in.readAllBytes();
        switch (ex.getRequestURI().getPath()) {
          case "/v1/traces" -> traces.add(ExportTraceServiceRequest.parseFrom(body));
          case "/v1/logs" -> logs.add(ExportLogsServiceRequest.parseFrom(body));
          case "/v1/metrics" -> metrics.add(ExportMetricsServiceRequest.parseFrom(body));
          default -> { }
        }
        ex.sendResponseHeaders(200, -1);
      }
    });
    collector.start();
    String secret = "otlp-secret-value-123";
    REDACTION.register(secret);
    try (Platform p = TestPlatforms.isolated()
        .property("platform.observability.otlp.endpoint", "http://127.0.0.1:" + collector.getAddress().getPort())
        .property("platform.observability.otlp.logs", "true")
        .property("platform.observability.otlp.metrics", "true")
        .property("platform.observability.otlp.metrics-step", "1s")
        .property("platform.observability.otel.bsp.schedule.delay", "100")
        .property("platform.observability.otel.blrp.schedule.delay", "100")
        .start()) {
      Observability obs = Observability.of(p);
      Span span = obs.tracer().spanBuilder("checkout").startSpan();
      try (Scope s = span.makeCurrent()) {
        LoggerFactory.getLogger("orders").info("charging card with key {}", secret);
      }
      span.end();
      obs.meterRegistry().counter("orders.placed").increment();

      Awaitility.await().atMost(Duration.ofSeconds(20)).conditionEvaluationListener(c -> {
            if (c.getRemainingTimeInMS() < 600) {
              System.err.println("collector got traces=" + traces.size() + " logs=" + logs.size() + " metrics=" + metrics.size() + " " + logs);
            }
          })
          .until(() -> !traces.isEmpty() && !metrics.isEmpty()
          && logs.stream().anyMatch(r -> r.toString().contains("charging card")));
      String traceId = span.getSpanContext().getTraceId();
      var record = logs.stream().flatMap(r -> r.getResourceLogsList().stream())
          .flatMap(r -> r.getScopeLogsList().stream()).flatMap(s -> s.getLogRecordsList().stream())
          .filter(l -> l.getBody().getStringValue().startsWith("charging card")).findFirst().orElseThrow();
      assertThat(record.getBody().getStringValue()).isEqualTo("charging card with key ******");
      assertThat(HexFormat.of().formatHex(record.getTraceId().toByteArray())).isEqualTo(traceId);
      assertThat(logs.toString()).doesNotContain(secret);
      assertThat(traces.toString()).contains("checkout").contains("orders");
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> metrics.toString().contains("orders.placed"));
      assertThat(metrics.toString()).contains("http.server.request.duration").contains("service.name");
    } finally {
      REDACTION.unregister(secret);
      collector.stop(0);
    }
  }

  /**
   * Two platforms exporting logs in one JVM: closing the one started last must not leave the
   * first one's log appender on the closed SDK (OpenTelemetry's static install() re-pointed every
   * attached appender to the newest SDK, so the first platform's lines were lost after that).
   */
  @Test
  void closingAnotherPlatformDoesNotStopThisOnesLogExport() throws Exception {
    List<ExportLogsServiceRequest> logsA = new CopyOnWriteArrayList<>();
    HttpServer collectorA = collector(logsA);
    HttpServer collectorB = collector(new CopyOnWriteArrayList<>());
    try (Platform a = otlpLogs(TestPlatforms.isolated(), collectorA)) {
      otlpLogs(TestPlatforms.isolated().serviceName("payments"), collectorB).close();
      LoggerFactory.getLogger("orders").info("logged after the other platform closed");
      Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> logsA.stream().anyMatch(r -> r.toString().contains("logged after the other platform closed")));
    } finally {
      collectorA.stop(0);
      collectorB.stop(0);
    }
  }

  private static Platform otlpLogs(Platform.Builder builder, HttpServer collector) {
    return builder
        .property("platform.observability.otlp.endpoint", "http://127.0.0.1:" + collector.getAddress().getPort())
        .property("platform.observability.otlp.logs", "true")
        .property("platform.observability.otel.blrp.schedule.delay", "100")
        .start();
  }

  private static HttpServer collector(List<ExportLogsServiceRequest> logs) throws java.io.IOException {
    HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    collector.createContext("/", ex -> {
      try (ex; InputStream in = ex.getRequestBody()) {
        byte[] body = in.readAllBytes();
        if (ex.getRequestURI().getPath().equals("/v1/logs")) {
          logs.add(ExportLogsServiceRequest.parseFrom(body));
        }
        ex.sendResponseHeaders(200, -1);
      }
    });
    collector.start();
    return collector;
  }
}
