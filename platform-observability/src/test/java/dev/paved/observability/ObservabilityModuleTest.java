package dev.paved.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paved.core.ConfigException;
import dev.paved.core.Platform;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ObservabilityModuleTest {

  private static Platform.Builder platform() {
    return TestPlatforms.isolated()
        .property("platform.service.version", "2.0.0")
        .property("platform.service.owner", "team-checkout")
        .property("platform.service.system", "shop");
  }

  @Test
  void isFoundOnTheClasspathAndPublishesItself() {
    try (Platform p = platform().start()) {
      assertThat(p.modules()).contains("observability");
      assertThat(Observability.of(p).recentSpans()).isPresent();
      assertThat(p.admin().paths()).contains("/metrics", "/traces");
    }
  }

  @Test
  void spansCarryTheResourceBuiltFromTheDescriptor() {
    try (Platform p = platform().start()) {
      Observability obs = Observability.of(p);
      obs.tracer().spanBuilder("work").startSpan().end();
      SpanData span = obs.recentSpans().orElseThrow().spans().get(0);
      var r = span.getResource().getAttributes().asMap();
      assertThat(r.toString())
          .contains("service.name=orders")
          .contains("service.version=2.0.0")
          .contains("service.namespace=shop")
          .contains("deployment.environment.name=local")
          .contains("platform.service.owner=team-checkout")
          .contains("platform.sdk.version=" + Platform.sdkVersion())
          .contains("service.instance.id=");
    }
  }

  @Test
  void b3IsSelectableByConfiguration() {
    try (Platform p = platform().property("platform.observability.traces.propagators", "b3multi").start()) {
      Observability obs = Observability.of(p);
      Span span = obs.tracer().spanBuilder("out").startSpan();
      Map<String, String> headers = new HashMap<>();
      obs.propagators().getTextMapPropagator().inject(Context.current().with(span), headers, (m, k, v) -> m.put(k, v));
      span.end();
      assertThat(headers).containsKeys("X-B3-TraceId", "X-B3-SpanId", "X-B3-Sampled").doesNotContainKey("traceparent");
      Context extracted = obs.propagators().getTextMapPropagator().extract(Context.root(), headers, MapCarrier.GETTER);
      assertThat(Span.fromContext(extracted).getSpanContext().getTraceId()).isEqualTo(span.getSpanContext().getTraceId());
    }
  }

  @Test
  void samplerRatioZeroSamplesNoNewTraces() {
    try (Platform p = platform().property("platform.observability.traces.sampler-ratio", "0").start()) {
      Observability obs = Observability.of(p);
      Span span = obs.tracer().spanBuilder("x").startSpan();
      assertThat(span.getSpanContext().isSampled()).isFalse();
      span.end();
      assertThat(obs.recentSpans().orElseThrow().spans()).isEmpty();
    }
  }

  @Test
  void traceBufferIsBoundedAndCountsWhatItDrops() throws Exception {
    try (Platform p = platform().property("platform.observability.traces.buffer-size", "5").start()) {
      Observability obs = Observability.of(p);
      for (int i = 0; i < 12; i++) {
        obs.tracer().spanBuilder("s" + i).startSpan().end();
      }
      assertThat(obs.recentSpans().orElseThrow().spans()).hasSize(5);
      assertThat(obs.recentSpans().orElseThrow().dropped()).isEqualTo(7);
      HttpResponse<String> metrics = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.admin().port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.body()).contains("paved_traces_buffer_dropped_total{service_name=\"orders\"} 7.0");
      // Regression (issue 16): admin-queue rejections were counted but not exported.
      assertThat(metrics.body()).contains("paved_admin_rejected_total{service_name=\"orders\"} 0.0");
    }
  }

  @Test
  void invalidSettingsFailStartWithTheKey() {
    assertThatThrownBy(() -> platform()
            .property("platform.observability.traces.sampler-ratio", "1.5")
            .property("platform.observability.traces.propagators", "tracecontext,zipkin")
            .property("platform.observability.otlp.protocl", "grpc")
            .start())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("platform.observability.traces.sampler-ratio (builder): '1.5' is not a number from 0 to 1")
        .hasMessageContaining("'tracecontext,zipkin' is not a list of tracecontext, baggage, b3, b3multi, jaeger")
        .hasMessageContaining("did you mean 'platform.observability.otlp.protocol'?");
  }

  @Test
  void otlpOverGrpcIsSelectable() {
    try (Platform p = platform()
        .property("platform.observability.otlp.endpoint", "http://127.0.0.1:4317")
        .property("platform.observability.otlp.protocol", "grpc")
        .property("platform.observability.otlp.timeout", "300ms")
        .property("platform.observability.shutdown-timeout", "1s")
        .start()) {
      assertThat(Observability.of(p).recentSpans()).isEmpty();
      Observability.of(p).tracer().spanBuilder("x").startSpan().end();
    }
  }

  @Test
  void anSdkThatCannotBeConfiguredDegradesTelemetryButNotTheService() {
    // No Zipkin exporter is on the classpath: the SDK cannot be built as asked.
    try (Platform p = platform().property("platform.observability.otel.traces.exporter", "zipkin").start()) {
      var telemetry = p.health().readiness().checks().stream().filter(c -> c.name().equals("telemetry")).findFirst().orElseThrow();
      assertThat(telemetry.status()).isEqualTo(dev.paved.core.HealthStatus.DEGRADED);
      assertThat(telemetry.reason()).contains("OpenTelemetry SDK not configured").contains("zipkin");
      Observability obs = Observability.of(p);
      obs.tracer().spanBuilder("still traced").startSpan().end();
      assertThat(obs.recentSpans().orElseThrow().spans()).extracting(SpanData::getName).contains("still traced");
    }
  }

  @Test
  void closeFlushesAndIsIdempotent() {
    Platform p = platform().start();
    p.close();
    p.close();
    assertThat(p.isClosed()).isTrue();
  }
}
