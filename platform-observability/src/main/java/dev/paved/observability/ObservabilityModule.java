package dev.paved.observability;

import dev.paved.core.AdminResponse;
import dev.paved.core.ConfigKey;
import dev.paved.core.HealthKind;
import dev.paved.core.HealthResult;
import dev.paved.core.PlatformConfig;
import dev.paved.core.ServiceDescriptor;
import dev.paved.core.spi.ModuleContext;
import dev.paved.core.spi.PlatformModule;
import dev.paved.observability.internal.CountingAsyncAppender;
import dev.paved.observability.internal.LogFields;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts OpenTelemetry (through its autoconfigure, so {@code OTEL_*} keep their meaning), the
 * Prometheus registry with JVM metrics, the admin endpoints {@code /metrics} and {@code /traces},
 * and the service fields of JSON logs. Found with {@code ServiceLoader}.
 */
public final class ObservabilityModule implements PlatformModule {
  private static final Logger LOG = LoggerFactory.getLogger(ObservabilityModule.class);
  /** The span queue and export batch Paved gives the SDK unless {@code platform.observability.otel.bsp.*} or OTEL_BSP_* say otherwise. */
  static final int BSP_QUEUE = 8192;
  static final int BSP_BATCH = 2048;

  private @Nullable OpenTelemetrySdk sdk;
  private @Nullable PrometheusMeterRegistry registry;
  private dev.paved.observability.internal.@Nullable JvmGcDuration gcMetrics;
  private Duration shutdownTimeout = Duration.ofSeconds(10);
  private volatile @Nullable CountingSpanExporter exporter;
  private volatile @Nullable Jobs jobs;
  private io.micrometer.registry.otlp.@Nullable OtlpMeterRegistry otlpMeters;
  private io.opentelemetry.instrumentation.logback.appender.v1_0.@Nullable OpenTelemetryAppender otlpLogAppender;

  @Override
  public String name() {
    return "observability";
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return ObservabilitySettings.keys();
  }

  /**
   * Micrometer's default Prometheus configuration turns on exemplars on every metric type, which
   * writes one on each histogram's {@code _count} in OpenMetrics; the format allows them only on
   * counters and buckets, and Prometheus 2.x rejects the whole scrape. Exemplars stay on buckets.
   */
  private static final PrometheusConfig SCRAPEABLE =
      new PrometheusConfig() {
        @Override
        public @org.jspecify.annotations.Nullable String get(String key) {
          return null;
        }

        @Override
        public java.util.Properties prometheusProperties() {
          java.util.Properties p = new java.util.Properties();
          p.putAll(PrometheusConfig.super.prometheusProperties());
          p.setProperty("io.prometheus.exporter.exemplarsOnAllMetricTypes", "false");
          return p;
        }
      };

  @Override
  public void start(ModuleContext context) {
    if (!org.slf4j.bridge.SLF4JBridgeHandler.isInstalled()) {
      org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
      org.slf4j.bridge.SLF4JBridgeHandler.install();
    }
    PlatformConfig config = context.config();
    ServiceDescriptor d = context.descriptor();
    shutdownTimeout = config.get(ObservabilitySettings.SHUTDOWN_TIMEOUT);
    Optional<URI> endpoint = config.find(ObservabilitySettings.OTLP_ENDPOINT);
    int bufferSize = config.get(ObservabilitySettings.TRACES_BUFFER);
    dev.paved.observability.internal.@Nullable RecentSpans recent = endpoint.isPresent() ? null : new dev.paved.observability.internal.RecentSpans(bufferSize, config.get(ObservabilitySettings.TRACES_BUFFER_BYTES));

    Map<String, String> defaults = new LinkedHashMap<>();
    defaults.put("otel.service.name", d.name());
    defaults.put("otel.traces.sampler", "parentbased_traceidratio");
    defaults.put("otel.traces.sampler.arg", String.valueOf(config.get(ObservabilitySettings.SAMPLER_RATIO)));
    defaults.put("otel.propagators", String.join(",", config.get(ObservabilitySettings.PROPAGATORS)));
    defaults.put("otel.metrics.exporter", "none");
    defaults.put("otel.logs.exporter", "none");
    boolean otlpLogs = endpoint.isPresent() && config.get(ObservabilitySettings.OTLP_LOGS);
    if (otlpLogs) {
      defaults.put("otel.logs.exporter", "otlp");
    }
    if (endpoint.isPresent()) {
      defaults.put("otel.traces.exporter", "otlp");
      defaults.put("otel.exporter.otlp.endpoint", endpoint.get().toString());
      defaults.put("otel.exporter.otlp.protocol", config.get(ObservabilitySettings.OTLP_PROTOCOL).id());
    } else {
      defaults.put("otel.traces.exporter", "none");
    }
    defaults.put("otel.exporter.otlp.timeout", String.valueOf(config.get(ObservabilitySettings.OTLP_TIMEOUT).toMillis()));
    // Four times OpenTelemetry's queue (2048) and batch (512): at 20,000 requests a second on two
    // cores those dropped 9-18% of the spans; these drop none there, at the same throughput
    // (docs/benchmarks.md). Bounded all the same: the rest is dropped and counted.
    defaults.put("otel.bsp.max.queue.size", String.valueOf(BSP_QUEUE));
    defaults.put("otel.bsp.max.export.batch.size", String.valueOf(BSP_BATCH));
    config.entries().forEach((key, value) -> {
      if (key.startsWith(ObservabilitySettings.OTEL_PREFIX)) {
        defaults.put("otel." + key.substring(ObservabilitySettings.OTEL_PREFIX.length()), value.value());
      }
    });
    Resource paved = Resource.create(resourceAttributes(d, context.sdkVersion()));
    SdkTelemetry sdkTelemetry = new SdkTelemetry();
    java.util.concurrent.atomic.AtomicReference<@Nullable CountingSpanExporter> exporterRef = new java.util.concurrent.atomic.AtomicReference<>();
    OpenTelemetrySdk openTelemetry;
    String sdkProblem = null;
    try {
      openTelemetry = buildSdk(defaults, paved, recent, sdkTelemetry, exporterRef);
    } catch (RuntimeException e) {
      // Telemetry is never required: a bad OTEL_* value or a missing exporter degrades tracing
      // to the in-memory buffer, says so in health, and the service starts.
      sdkProblem = CountingSpanExporter.describe(e);
      LOG.error("Paved observability: the OpenTelemetry SDK could not be configured ({}); spans are kept in memory only", sdkProblem);
      Map<String, String> fallback = new LinkedHashMap<>(defaults);
      fallback.put("otel.traces.exporter", "none");
      recent = recent != null ? recent : new dev.paved.observability.internal.RecentSpans(bufferSize, config.get(ObservabilitySettings.TRACES_BUFFER_BYTES));
      exporterRef.set(null);
      openTelemetry = buildSdkIgnoringEnvironment(fallback, paved, recent, sdkTelemetry);
    }
    this.sdk = openTelemetry;
    if (otlpLogs && sdkProblem == null) {
      attachOtlpLogAppender(openTelemetry);
    }

    PrometheusMeterRegistry prometheus =
        new PrometheusMeterRegistry(SCRAPEABLE, new PrometheusRegistry(), Clock.SYSTEM, new CurrentSpanExemplars());
    this.registry = prometheus;
    prometheus.config().commonTags("service.name", d.name());
    io.micrometer.core.instrument.MeterRegistry meters = prometheus;
    if (endpoint.isPresent() && config.get(ObservabilitySettings.OTLP_METRICS)) {
      io.micrometer.registry.otlp.OtlpMeterRegistry otlp = otlpMeterRegistry(endpoint.get(), config.get(ObservabilitySettings.OTLP_METRICS_STEP), paved);
      otlp.config().commonTags("service.name", d.name());
      io.micrometer.core.instrument.composite.CompositeMeterRegistry composite = new io.micrometer.core.instrument.composite.CompositeMeterRegistry();
      composite.add(prometheus);
      composite.add(otlp);
      this.otlpMeters = otlp;
      meters = composite;
    }
    if (config.get(ObservabilitySettings.JVM_METRICS)) {
      // OpenTelemetry's JVM semantic conventions (jvm.memory.used, jvm.thread.count,
      // jvm.class.loaded, jvm.cpu.time, jvm.gc.duration, ...): Micrometer's where it ships them.
      io.micrometer.core.instrument.Tags none = io.micrometer.core.instrument.Tags.empty();
      new JvmMemoryMetrics(none, new io.micrometer.core.instrument.binder.jvm.convention.otel.OpenTelemetryJvmMemoryMeterConventions(none)).bindTo(meters);
      dev.paved.observability.internal.JvmGcDuration gc = new dev.paved.observability.internal.JvmGcDuration();
      gc.bindTo(meters);
      this.gcMetrics = gc;
      new JvmThreadMetrics(none, new io.micrometer.core.instrument.binder.jvm.convention.otel.OpenTelemetryJvmThreadMeterConventions(none)).bindTo(meters);
      new ClassLoaderMetrics(new io.micrometer.core.instrument.binder.jvm.convention.otel.OpenTelemetryJvmClassLoadingMeterConventions(none)).bindTo(meters);
      cpuMetrics(meters);
      new UptimeMetrics().bindTo(meters);
    }
    FunctionCounter.builder("paved.logs.dropped", CountingAsyncAppender.class, c -> CountingAsyncAppender.dropped())
        .description("Log events dropped because the asynchronous log queue was full")
        .register(meters);
    dev.paved.observability.internal.RecentSpans spansBuffer = recent;
    if (spansBuffer != null) {
      FunctionCounter.builder("paved.traces.buffer.dropped", spansBuffer, dev.paved.observability.internal.RecentSpans::dropped)
          .description("Spans pushed out of the in-memory trace buffer")
          .register(meters);
    }

    CountingSpanExporter counting = exporterRef.get();
    if (counting != null) {
      FunctionCounter.builder("paved.traces.exported", counting, CountingSpanExporter::exported)
          .description("Spans the exporter delivered")
          .register(meters);
      FunctionCounter.builder("paved.traces.export.failed", counting, CountingSpanExporter::failed)
          .description("Spans whose export failed (collector down, refusing, slow or erroring)")
          .register(meters);
    }
    dev.paved.core.AdminServer admin = context.admin();
    FunctionCounter.builder("paved.admin.rejected", admin, dev.paved.core.AdminServer::rejectedRequests)
        .description("Admin requests refused because the admin server's queue was full")
        .register(meters);
    FunctionCounter.builder("paved.admin.auth.failures", admin, dev.paved.core.AdminServer::refusedForAuth)
        .description("Admin requests refused for want of a valid credential or role")
        .register(meters);
    FunctionCounter.builder("paved.logs.throttled", ObservabilityModule.class, c -> dev.paved.observability.internal.ClientTriggeredLogThrottle.suppressed())
        .description("Log events a client could trigger in a library (a malformed baggage header), suppressed after the first one a minute")
        .register(meters);
    FunctionCounter.builder("paved.traces.dropped", sdkTelemetry, SdkTelemetry::droppedSpans)
        .description("Spans dropped by the batch span processor because its queue was full")
        .register(meters);
    this.exporter = counting;

    Observability observability =
        new Observability(
            openTelemetry, meters, spansBuffer, config.get(ObservabilitySettings.MAX_SERIES), context.inFlight(), counting, sdkTelemetry);
    this.jobs = observability.jobs();
    observability.deadlines(config.get(ObservabilitySettings.DEADLINE_HEADERS), config.get(ObservabilitySettings.DEADLINE_MINIMUM));
    observability.maxValueLength(config.get(ObservabilitySettings.ATTRIBUTE_VALUE_LENGTH_LIMIT));
    observability.maxHeaderBytes(config.get(ObservabilitySettings.HTTP_MAX_HEADER_BYTES));
    List<String> routes = config.getList(ObservabilitySettings.HTTP_ROUTES.name());
    if (!routes.isEmpty()) {
      try {
        observability.routes = Routes.of(routes.toArray(new String[0]));
      } catch (IllegalArgumentException e) {
        throw new dev.paved.core.ConfigException(
            List.of(new dev.paved.core.ConfigProblem(ObservabilitySettings.HTTP_ROUTES.name(), "configuration", String.valueOf(e.getMessage()), "write each route as a path template such as /api/orders/{id}")));
      }
    }
    context.register(Observability.class, observability);
    // Published by their library types too, so modules that must not depend on this one (config,
    // catalog) can still record metrics and span events when observability is present.
    context.register(io.micrometer.core.instrument.MeterRegistry.class, meters);
    context.register(io.opentelemetry.api.OpenTelemetry.class, openTelemetry);
    context.admin().addEndpoint(
        "/metrics",
        request -> {
          String accept = request.header("accept").orElse("");
          String body = prometheus.scrape(accept);
          String type = accept.contains("application/openmetrics-text")
              ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
              : "text/plain; version=0.0.4; charset=utf-8";
          return AdminResponse.text(200, type, body);
        });
    if (spansBuffer != null) {
      context.admin().addEndpoint(
          "/traces",
          request -> {
            int limit = request.queryParameter("limit").map(ObservabilityModule::parseLimit).orElse(20);
            return AdminResponse.json(200, Map.of("traces", spansBuffer.recentTraces(limit), "droppedSpans", spansBuffer.dropped()));
          });
    }
    // The Prometheus registry itself: its histograms are cumulative (an OTLP child of the composite may be per step).
    RouteTraffic traffic = new RouteTraffic(prometheus, context.inFlight()::current);
    traffic.sample();
    context.every("admin-route-traffic", java.time.Duration.ofSeconds(RouteTraffic.STEP_SECONDS), traffic::sample);
    context.admin().addEndpoint("/routes", request -> AdminResponse.json(200, traffic.toMap()));
    LoggerLevels.register(context.admin());
    String problem = sdkProblem;
    dev.paved.observability.internal.RecentSpans buffer = recent;
    context.health().register(
        "telemetry",
        HealthKind.READINESS,
        () -> {
          if (problem != null) {
            return HealthResult.degraded("OpenTelemetry SDK not configured: " + problem).withDetail("traces", "in-memory");
          }
          CountingSpanExporter c = exporter;
          HealthResult r = c == null ? HealthResult.up() : c.health();
          return r.withDetail("traces", c == null ? "in-memory" : "otlp");
        });
    Map<String, String> logFields = new LinkedHashMap<>();
    logFields.put("service.name", d.name());
    logFields.put("service.version", d.version());
    logFields.put("deployment.environment", d.environment());
    LogFields.set(logFields);
    LOG.info(
        "Paved observability started: traces {}, sampler ratio {}, propagators {}",
        endpoint.map(e -> "to " + e).orElse("kept in memory (GET /traces)"),
        config.get(ObservabilitySettings.SAMPLER_RATIO),
        config.get(ObservabilitySettings.PROPAGATORS));
  }

  private static OpenTelemetrySdk buildSdk(
      Map<String, String> defaults,
      Resource paved,
      dev.paved.observability.internal.@Nullable RecentSpans recent,
      SdkTelemetry sdkTelemetry,
      java.util.concurrent.atomic.AtomicReference<@Nullable CountingSpanExporter> exporterRef) {
    return AutoConfiguredOpenTelemetrySdk.builder()
        .disableShutdownHook()
        .addPropertiesSupplier(() -> defaults)
        .addPropertiesCustomizer(ObservabilityModule::batchWithinQueue)
        .addResourceCustomizer((resource, props) -> resource.merge(withoutInstanceIdIfPresent(paved, resource)))
        .addPropagatorCustomizer(ObservabilityModule::currentTraceContext)
        .addTracerProviderCustomizer((builder, props) -> recent == null ? builder : builder.addSpanProcessor(recent))
        .addSpanExporterCustomizer(
            (exporter, props) -> {
              CountingSpanExporter counting = new CountingSpanExporter(exporter);
              exporterRef.set(counting);
              return counting;
            })
        .addMeterProviderCustomizer((builder, props) -> builder.registerMetricReader(sdkTelemetry))
        .addLogRecordExporterCustomizer((exporter, props) -> new MaskingLogRecordExporter(exporter))
        .build()
        .getOpenTelemetrySdk();
  }

  /**
   * A queue set smaller than Paved's batch (only {@code otel.bsp.max.queue.size: 1024}, say) takes
   * the batch down with it, instead of the SDK's warning that the batch exceeds the queue.
   */
  static Map<String, String> batchWithinQueue(io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties config) {
    int queue = config.getInt("otel.bsp.max.queue.size", BSP_QUEUE);
    int batch = config.getInt("otel.bsp.max.export.batch.size", BSP_BATCH);
    return queue > 0 && batch > queue ? Map.of("otel.bsp.max.export.batch.size", String.valueOf(queue)) : Map.of();
  }

  /** The fallback SDK: Paved's settings only, so that a bad OTEL_* variable cannot break it again. */
  private static OpenTelemetrySdk buildSdkIgnoringEnvironment(
      Map<String, String> properties, Resource paved, dev.paved.observability.internal.RecentSpans recent, SdkTelemetry sdkTelemetry) {
    return AutoConfiguredOpenTelemetrySdk.builder()
        .disableShutdownHook()
        .addPropertiesCustomizer(config -> properties)
        .addPropertiesCustomizer(ObservabilityModule::batchWithinQueue)
        .addResourceCustomizer((resource, props) -> resource.merge(withoutInstanceIdIfPresent(paved, resource)))
        .addPropagatorCustomizer(ObservabilityModule::currentTraceContext)
        .addTracerProviderCustomizer((builder, props) -> builder.addSpanProcessor(recent))
        .addMeterProviderCustomizer((builder, props) -> builder.registerMetricReader(sdkTelemetry))
        .build()
        .getOpenTelemetrySdk();
  }

  /** Sends every log event also to the SDK's OTLP log exporter (masked there). */
  private void attachOtlpLogAppender(OpenTelemetrySdk openTelemetry) {
    if (!(LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext logback)) {
      LOG.warn("Paved observability: OTLP log export needs Logback as the SLF4J binding; not enabled");
      return;
    }
    var appender = new io.opentelemetry.instrumentation.logback.appender.v1_0.OpenTelemetryAppender();
    appender.setName("PAVED_OTLP");
    appender.setContext(logback);
    appender.setCaptureArguments(false);
    appender.setCaptureLogstashStructuredArguments(true);
    appender.setCaptureKeyValuePairAttributes(true);
    // This platform's SDK for this platform's appender. (The static install() would hand the
    // newest SDK to every attached appender, another platform's too, and leave it on a closed SDK
    // when that platform stops.)
    appender.setOpenTelemetry(openTelemetry);
    appender.start();
    logback.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(appender);
    this.otlpLogAppender = appender;
  }

  private static io.micrometer.registry.otlp.OtlpMeterRegistry otlpMeterRegistry(URI endpoint, Duration step, Resource resource) {
    String base = endpoint.toString().endsWith("/") ? endpoint.toString() : endpoint + "/";
    Map<String, String> attributes = new LinkedHashMap<>();
    resource.getAttributes().forEach((k, v) -> attributes.put(k.getKey(), String.valueOf(v)));
    io.micrometer.registry.otlp.OtlpConfig otlpConfig =
        new io.micrometer.registry.otlp.OtlpConfig() {
          /** Seconds, as OpenTelemetry's semantic conventions measure durations (Micrometer's OTLP default is ms). */
          @Override
          public java.util.concurrent.TimeUnit baseTimeUnit() {
            return java.util.concurrent.TimeUnit.SECONDS;
          }

          @Override
          public @Nullable String get(String key) {
            return null;
          }

          @Override
          public String url() {
            return base + "v1/metrics";
          }

          @Override
          public Duration step() {
            return step;
          }

          @Override
          public Map<String, String> resourceAttributes() {
            return attributes;
          }
        };
    return new io.micrometer.registry.otlp.OtlpMeterRegistry(otlpConfig, Clock.SYSTEM);
  }

  private static int parseLimit(String s) {
    try {
      return Math.max(1, Math.min(500, Integer.parseInt(s)));
    } catch (NumberFormatException e) {
      return 20;
    }
  }

  /**
   * jvm.cpu.time (seconds, as the semantic conventions and Prometheus' base units want it; the
   * Micrometer convention counts nanoseconds, which Prometheus names jvm_cpu_time_ns_total and
   * promtool flags) and jvm.cpu.recent_utilization. jvm.cpu.count is left out: its Prometheus name
   * ends in _count, which promtool reserves for histograms and summaries.
   */
  private static void cpuMetrics(io.micrometer.core.instrument.MeterRegistry meters) {
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      FunctionCounter.builder("jvm.cpu.time", os, o -> o.getProcessCpuTime() / 1e9)
          .baseUnit("seconds")
          .description("CPU time used by the process, as reported by the JVM")
          .register(meters);
      io.micrometer.core.instrument.Gauge.builder("jvm.cpu.recent_utilization", os, o -> Math.max(0, o.getProcessCpuLoad()))
          .baseUnit("1")
          .description("Recent CPU utilization of the process, 0 to 1")
          .register(meters);
    }
  }

  /** Keeps an instance id the SDK (or OTEL_RESOURCE_ATTRIBUTES) already gave, rather than replacing it. */
  private static Resource withoutInstanceIdIfPresent(Resource paved, Resource existing) {
    io.opentelemetry.api.common.AttributeKey<String> id = io.opentelemetry.api.common.AttributeKey.stringKey("service.instance.id");
    if (existing.getAttribute(id) == null) {
      return paved;
    }
    return Resource.create(paved.getAttributes().toBuilder().remove(id).build());
  }

  static Attributes resourceAttributes(ServiceDescriptor d, String sdkVersion) {
    AttributesBuilder b = Attributes.builder();
    b.put("service.name", d.name());
    b.put("service.version", d.version());
    d.system().ifPresent(s -> b.put("service.namespace", s));
    b.put("deployment.environment.name", d.environment());
    b.put("service.instance.id", UUID.randomUUID().toString());
    d.owner().ifPresent(o -> b.put("platform.service.owner", o));
    d.costCentre().ifPresent(c -> b.put("platform.service.cost_centre", c));
    b.put("platform.service.tier", (long) d.tier());
    b.put("platform.sdk.version", sdkVersion);
    return b.build();
  }

  /** Scheduled jobs start no new run; a run in progress is in-flight work that shutdown waits for. */
  @Override
  public void stopIntake() {
    Jobs j = jobs;
    if (j != null) {
      j.stopScheduling();
    }
  }

  @Override
  public void stop() {
    Jobs j = jobs;
    if (j != null) {
      j.close();
    }
    var appender = otlpLogAppender;
    if (appender != null && LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext logback) {
      logback.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(appender);
      appender.stop();
    }
    OpenTelemetrySdk s = sdk;
    if (s != null) {
      CompletableResultCode result = s.shutdown().join(shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!result.isSuccess()) {
        LOG.warn("Paved observability: telemetry was not flushed within {} ms", shutdownTimeout.toMillis());
      }
    }
    var otlp = otlpMeters;
    if (otlp != null) {
      otlp.close(); // publishes the last step
    }
    dev.paved.observability.internal.JvmGcDuration gc = gcMetrics;
    if (gc != null) {
      gc.close();
    }
    PrometheusMeterRegistry r = registry;
    if (r != null) {
      r.close();
    }
    // LogFields stay set: the shutdown's last lines still belong to this service.
  }

  /** Flushes the log queue, so that the shutdown's last lines reach stdout before the JVM exits. */
  @Override
  public void afterStop() {
    CountingAsyncAppender.drain(1_000);
  }



  /** W3C Trace Context by the current specification's tracestate grammar ({@link TraceContextPropagator}). */
  private static io.opentelemetry.context.propagation.TextMapPropagator currentTraceContext(
      io.opentelemetry.context.propagation.TextMapPropagator configured, io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties props) {
    return configured == io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator.getInstance() ? TraceContextPropagator.INSTANCE : configured;
  }
}
