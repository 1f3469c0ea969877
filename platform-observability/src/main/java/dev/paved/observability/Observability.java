package dev.paved.observability;

import dev.paved.core.InFlight;
import dev.paved.core.Platform;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import java.net.http.HttpClient;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * The observability of a running platform: its OpenTelemetry SDK, its Micrometer registry, and
 * instrumentation that records traces, RED metrics and log correlation with standard names.
 *
 * <pre>{@code
 * Observability obs = Observability.of(platform);
 * server.createContext("/api/orders/", handler).getFilters().add(obs.httpServerFilter(Routes.of("/api/orders/{id}")));
 * TracedHttpClient client = obs.httpClient(HttpClient.newHttpClient());
 * }</pre>
 */
public final class Observability {
  /** The instrumentation scope of Paved's spans. */
  public static final String INSTRUMENTATION_SCOPE = "dev.paved.observability";

  private final OpenTelemetry openTelemetry;
  private final Tracer tracer;
  private final MeterRegistry registry;
  private final dev.paved.observability.internal.@Nullable RecentSpans recentSpans;
  private final HttpInstrumentation http;
  private final InFlight inFlight;
  private final @Nullable CountingSpanExporter exporter;
  private final SdkTelemetry sdkTelemetry;
  private final Messaging messaging;
  private final Jobs jobs;
  /** The templates of {@code platform.observability.http.routes}, when declared. */
  @Nullable Routes routes;

  static {
    dev.paved.observability.internal.ObservabilityHooks.install(
        new dev.paved.observability.internal.ObservabilityHooks.Access() {
          @Override
          public void alignServerDurationBuckets(Observability o, java.util.Collection<java.time.Duration> thresholds) {
            o.http.serverDuration.align(thresholds);
          }

          @Override
          public List<Double> serverDurationBucketsSeconds(Observability o) {
            return o.http.serverDuration.bucketsSeconds();
          }

          @Override
          public void addServerRequestListener(Observability o, ServerRequestListener listener) {
            o.http.addServerListener(listener);
          }

          @Override
          public void addMessageProcessListener(Observability o, MessageProcessListener listener) {
            o.messaging.addProcessListener(listener);
          }

          @Override
          public java.util.Optional<dev.paved.observability.internal.RecentSpans> recentSpans(Observability o) {
            return o.recentSpans();
          }
        });
  }

  Observability(
      OpenTelemetry openTelemetry,
      MeterRegistry registry,
      dev.paved.observability.internal.@Nullable RecentSpans recentSpans,
      int maxSeries,
      InFlight inFlight,
      @Nullable CountingSpanExporter exporter,
      SdkTelemetry sdkTelemetry) {
    this.exporter = exporter;
    this.sdkTelemetry = sdkTelemetry;
    this.openTelemetry = openTelemetry;
    this.tracer = openTelemetry.getTracer(INSTRUMENTATION_SCOPE, Platform.sdkVersion());
    this.registry = registry;
    this.recentSpans = recentSpans;
    this.inFlight = inFlight;
    this.http = new HttpInstrumentation(openTelemetry.getPropagators(), tracer, registry, maxSeries);
    this.messaging = new Messaging(openTelemetry.getPropagators(), tracer, registry, maxSeries, inFlight);
    this.jobs = new Jobs(tracer, registry, inFlight);
  }

  /**
   * The observability of a started platform.
   *
   * @throws IllegalStateException when platform-observability is not on the classpath
   */
  /**
   * The bucket boundaries, in seconds, of {@code http.server.request.duration} and the other RED
   * duration histograms (OpenTelemetry's semantic-convention buckets). A latency SLO's threshold
   * must be one of them to be measured exactly.
   */
  public static List<Double> durationBucketsSeconds() {
    return RedMeters.BUCKETS;
  }

  /** Which incoming deadline headers are honoured, and the shortest deadline honoured. */
  void maxHeaderBytes(long bytes) {
    http.maxHeaderBytes = bytes;
  }

  void maxValueLength(int characters) {
    http.maxValueLength = characters;
  }

  void deadlines(List<String> trustedHeaders, java.time.Duration minimum) {
    http.deadlineHeaders = List.copyOf(trustedHeaders);
    http.deadlineMinimum = minimum;
  }



  public static Observability of(Platform platform) {
    return platform.require(Observability.class);
  }

  public OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  public Tracer tracer() {
    return tracer;
  }

  public ContextPropagators propagators() {
    return openTelemetry.getPropagators();
  }

  /** The registry behind {@code GET /metrics}; add the service's own meters here. */
  public MeterRegistry meterRegistry() {
    return registry;
  }

  /** The in-memory span buffer, present when no OTLP endpoint is configured. */
  java.util.Optional<dev.paved.observability.internal.RecentSpans> recentSpans() {
    return java.util.Optional.ofNullable(recentSpans);
  }

  /**
   * A filter for the JDK's {@code HttpServer}: extracts context, makes a SERVER span named after
   * the route template, records RED metrics, sets {@code trace_id}/{@code span_id} for logs and
   * counts the request as in-flight work for graceful shutdown.
   */
  public com.sun.net.httpserver.Filter httpServerFilter(Routes routes) {
    return new JdkHttpServerFilter(http, routes, inFlight);
  }

  /**
   * {@link #httpServerFilter(Routes)} with the routes declared in {@code
   * platform.observability.http.routes}.
   *
   * @throws IllegalStateException when no routes are declared
   */
  public com.sun.net.httpserver.Filter httpServerFilter() {
    return httpServerFilter(declaredRoutes());
  }



  /** Exchanges not bound to a thread; see {@link HttpExchanges#of}. */
  HttpExchanges exchanges() {
    return new HttpExchanges(http, inFlight);
  }


  /** The routes declared in {@code platform.observability.http.routes}; for the filters. */
  Routes declaredRoutes() {
    Routes r = routes;
    if (r == null) {
      throw new IllegalStateException(
          "no routes declared: set platform.observability.http.routes (such as [/api/orders/{id}, /api/orders]) or pass Routes.of(...)");
    }
    return r;
  }



  /** Messaging instrumentation over string headers (any broker). */
  public Messaging messaging() {
    return messaging;
  }

  /** Kafka adapters; needs {@code kafka-clients} on the classpath. */
  public KafkaMessaging kafka() {
    return new KafkaMessaging(messaging);
  }

  /** Scheduled jobs as root spans with duration and outcome metrics. */
  public Jobs jobs() {
    return jobs;
  }

  /** An HTTP client that injects context, makes CLIENT spans and records client metrics. */
  public TracedHttpClient httpClient(HttpClient client) {
    return new TracedHttpClient(client, http);
  }

  /** An executor whose tasks run in the context of the code that submitted them. */
  public static Executor propagating(Executor executor) {
    return Context.taskWrapping(executor);
  }

  /** An executor service whose tasks run in the context of the code that submitted them. */
  public static ExecutorService propagating(ExecutorService executor) {
    return Context.taskWrapping(executor);
  }

  /** A scheduled executor service whose tasks run in the context of the code that scheduled them. */
  public static ScheduledExecutorService propagating(ScheduledExecutorService executor) {
    return Context.taskWrapping(executor);
  }

  /** The exporter wrapper, when an exporter is configured. */
  @Nullable CountingSpanExporter exporterForTests() {
    return exporter;
  }

  SdkTelemetry sdkTelemetryForTests() {
    return sdkTelemetry;
  }

  /** The metric names Paved records, for dashboards and SLOs. */
  public static List<String> redMetricNames() {
    return List.of(HttpInstrumentation.SERVER_DURATION, HttpInstrumentation.SERVER_ACTIVE, HttpInstrumentation.CLIENT_DURATION);
  }
}
