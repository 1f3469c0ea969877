package dev.paved.benchmarks;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import dev.paved.core.Platform;
import dev.paved.observability.Observability;
import dev.paved.observability.Routes;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.slf4j.MDC;

/**
 * The server golden path per request — extract the W3C context, SERVER span with the
 * semantic-convention attributes, RED duration, log correlation — through Paved's JDK HttpServer
 * filter, against the same done by hand with OpenTelemetry and Micrometer (MDC put and remove, a
 * Micrometer timer looked up by name and tags as hand-written code does). Both use an SDK whose
 * only span processor counts ended spans, so export is not measured.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class ServerGoldenPathBenchmark {
  private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  private static final TextMapGetter<HttpExchange> GETTER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpExchange carrier) {
          return carrier.getRequestHeaders().keySet();
        }

        @Override
        public @Nullable String get(@Nullable HttpExchange carrier, String key) {
          return carrier == null ? null : carrier.getRequestHeaders().getFirst(key);
        }
      };

  private Platform platform;
  private Filter pavedFilter;
  private com.sun.net.httpserver.HttpHandler handler;
  private FakeExchange exchange;

  private OpenTelemetrySdk sdk;
  private Tracer tracer;
  private PrometheusMeterRegistry registry;

  /** Counts ended spans; keeps nothing. */
  static final class CountingProcessor implements SpanProcessor {
    final LongAdder ended = new LongAdder();

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {}

    @Override
    public boolean isStartRequired() {
      return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {
      ended.increment();
    }

    @Override
    public boolean isEndRequired() {
      return true;
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    platform =
        Platform.builder()
            .serviceName("bench")
            .adminPort(0)
            .property("platform.admin.bind-address", "127.0.0.1")
            .shutdownHook(false)
            .property("platform.shutdown.drain", "0s")
            .property("platform.observability.traces.buffer-size", "0")
            .property("platform.observability.metrics.jvm", "false")
            .start();
    Observability obs = Observability.of(platform);
    Filter filter = obs.httpServerFilter(Routes.of("/api/health", "/api/orders/{id}"));
    pavedFilter = filter;
    handler = ex -> ex.sendResponseHeaders(200, -1);
    exchange = new FakeExchange("/api/orders/42", TRACEPARENT);

    sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(new CountingProcessor()).build())
            .build();
    tracer = sdk.getTracer("bench");
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    platform.close();
    sdk.close();
    registry.close();
  }

  @Benchmark
  public int paved() throws IOException {
    exchange.reset();
    // A chain is single-use (it iterates its filters), as in the JDK server: one per request.
    pavedFilter.doFilter(exchange, new Filter.Chain(List.of(), handler));
    return exchange.getResponseCode();
  }

  @Benchmark
  public int handWired() {
    FakeExchange ex = exchange;
    ex.reset();
    long start = System.nanoTime();
    Context parent = W3CTraceContextPropagator.getInstance().extract(Context.current(), ex, GETTER);
    Span span =
        tracer
            .spanBuilder("GET /api/orders/{id}")
            .setParent(parent)
            .setSpanKind(SpanKind.SERVER)
            .setAttribute("http.request.method", "GET")
            .setAttribute("url.scheme", "http")
            .setAttribute("url.path", ex.getRequestURI().getPath())
            .setAttribute("server.port", (long) ex.getLocalAddress().getPort())
            .setAttribute("http.route", "/api/orders/{id}")
            .setAttribute("client.address", ex.getRemoteAddress().getAddress().getHostAddress())
            .setAttribute("user_agent.original", ex.getRequestHeaders().getFirst("User-Agent"))
            .startSpan();
    try (Scope scope = span.makeCurrent()) {
      MDC.put("trace_id", span.getSpanContext().getTraceId());
      MDC.put("span_id", span.getSpanContext().getSpanId());
      try {
        ex.sendResponseHeaders(200, -1);
      } finally {
        MDC.remove("trace_id");
        MDC.remove("span_id");
      }
      int status = ex.getResponseCode();
      span.setAttribute("http.response.status_code", (long) status);
      if (status >= 500) {
        span.setStatus(StatusCode.ERROR);
      }
      registry
          .timer("http.server.request.duration", "http.request.method", "GET", "http.route", "/api/orders/{id}",
              "http.response.status_code", String.valueOf(status), "error.type", "", "url.scheme", "http")
          .record(Duration.ofNanos(System.nanoTime() - start));
      span.end();
      return status;
    }
  }
}
