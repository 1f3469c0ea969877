package dev.paved.observability;

import dev.paved.core.ConfigKey;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The keys platform-observability reads. The standard {@code OTEL_*} variables keep their meaning
 * and win over these (they are read by OpenTelemetry's autoconfigure).
 */
public final class ObservabilitySettings {
  private ObservabilitySettings() {}

  /** How OTLP is sent. */
  public enum OtlpProtocol {
    HTTP_PROTOBUF("http/protobuf"),
    GRPC("grpc");

    private final String id;

    OtlpProtocol(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }

    static OtlpProtocol parse(String s) {
      String v = s.strip().toLowerCase(Locale.ROOT);
      for (OtlpProtocol p : values()) {
        if (p.id.equals(v)) {
          return p;
        }
      }
      throw new IllegalArgumentException("unknown protocol");
    }
  }

  public static final ConfigKey<Double> SAMPLER_RATIO =
      ConfigKey.ratio("platform.observability.traces.sampler-ratio")
          .withDefault("1.0")
          .withDescription("Share of new traces sampled (parent-based: a sampled parent is always followed).");
  public static final ConfigKey<List<String>> PROPAGATORS =
      ConfigKey.listOf("platform.observability.traces.propagators", List.of("tracecontext", "baggage", "b3", "b3multi", "jaeger"))
          .withDefault("tracecontext,baggage")
          .withDescription("Context propagation formats, in and out.");
  public static final ConfigKey<Integer> TRACES_BUFFER =
      ConfigKey.integer("platform.observability.traces.buffer-size", 0, 100_000)
          .withDefault("2048")
          .withDescription("Finished spans kept in memory for GET /traces when no OTLP endpoint is set.");
  public static final ConfigKey<Long> TRACES_BUFFER_BYTES =
      ConfigKey.size("platform.observability.traces.buffer-max-bytes")
          .withDefault("16MB")
          .withDescription("Estimated size bound of the GET /traces buffer; the oldest spans are dropped beyond it.");
  public static final ConfigKey<URI> OTLP_ENDPOINT =
      ConfigKey.uri("platform.observability.otlp.endpoint")
          .withDescription("OTLP collector; unset keeps spans in memory (GET /traces).");
  public static final ConfigKey<OtlpProtocol> OTLP_PROTOCOL =
      ConfigKey.custom("platform.observability.otlp.protocol", "http/protobuf or grpc", OtlpProtocol::parse)
          .withDefault("http/protobuf")
          .withDescription("OTLP transport.");
  public static final ConfigKey<Duration> OTLP_TIMEOUT =
      ConfigKey.duration("platform.observability.otlp.timeout")
          .withDefault("10s")
          .withDescription("Time limit of one OTLP export.");
  public static final ConfigKey<Boolean> OTLP_LOGS =
      ConfigKey.bool("platform.observability.otlp.logs")
          .withDefault("false")
          .withDescription("Also export log records over OTLP (masked as on stdout); needs otlp.endpoint.");
  public static final ConfigKey<Boolean> OTLP_METRICS =
      ConfigKey.bool("platform.observability.otlp.metrics")
          .withDefault("false")
          .withDescription("Also push metrics over OTLP, besides GET /metrics; needs otlp.endpoint.");
  public static final ConfigKey<Duration> OTLP_METRICS_STEP =
      ConfigKey.duration("platform.observability.otlp.metrics-step")
          .withDefault("60s")
          .withDescription("How often metrics are pushed over OTLP.");
  public static final ConfigKey<Boolean> JVM_METRICS =
      ConfigKey.bool("platform.observability.metrics.jvm")
          .withDefault("true")
          .withDescription("JVM and process metrics: memory, GC, threads, classes, CPU, uptime.");
  public static final ConfigKey<Integer> MAX_SERIES =
      ConfigKey.integer("platform.observability.metrics.max-series-per-meter", 1, 100_000)
          .withDefault("1000")
          .withDescription("Distinct label sets per RED meter; more collapse into one overflow series.");
  /** Read as a YAML sequence too, and checked as templates, by the module at start-up. */
  public static final ConfigKey<List<String>> HTTP_ROUTES =
      ConfigKey.list("platform.observability.http.routes")
          .withDescription(
              "The service's route templates (http.route), used by httpServerFilter() and ServletFilter.create(observability) without routes; SLOs naming a route are checked against them.");
  public static final ConfigKey<List<String>> DEADLINE_HEADERS =
      ConfigKey.listOf("platform.observability.deadlines.headers", Deadlines.ALL_HEADERS)
          .withDefault("x-paved-timeout-ms,grpc-timeout,x-envoy-expected-rq-timeout-ms")
          .withDescription(
              "The incoming headers whose deadline is honoured; [] when clients outside the mesh reach the service directly and no sidecar sets them.");
  public static final ConfigKey<Duration> DEADLINE_MINIMUM =
      ConfigKey.duration("platform.observability.deadlines.minimum")
          .withDefault("10ms")
          .withDescription("The shortest incoming deadline honoured; a shorter one is raised to it.");
  public static final ConfigKey<Long> HTTP_MAX_HEADER_BYTES =
      ConfigKey.size("platform.observability.http.max-header-bytes")
          .withDefault("64KB")
          .withDescription("Largest request header section the server filters accept; above it they answer 431 without calling the service.");
  public static final ConfigKey<Integer> ATTRIBUTE_VALUE_LENGTH_LIMIT =
      ConfigKey.integer("platform.observability.attribute-value-length-limit", 16, 1_000_000)
          .withDefault("2048")
          .withDescription(
              "Longest value Paved's instrumentation records from a request (url.path, user_agent.original, client.address,"
                  + " http.request.method_original), in characters; longer ones are cut. The SDK's limit for every attribute is"
                  + " otel.attribute.value.length.limit, unset by default as in OpenTelemetry.");
  public static final ConfigKey<Duration> SHUTDOWN_TIMEOUT =
      ConfigKey.duration("platform.observability.shutdown-timeout")
          .withDefault("10s")
          .withDescription("How long close() may take to flush telemetry.");

  /** The prefix of {@link #OTEL_PROPERTIES}. */
  static final String OTEL_PREFIX = "platform.observability.otel.";

  public static final ConfigKey<String> OTEL_PROPERTIES =
      ConfigKey.string("platform.observability.otel.**")
          .withDescription(
              "Escape hatch: any OpenTelemetry SDK property, e.g. platform.observability.otel.bsp.schedule.delay: 1000"
                  + " sets otel.bsp.schedule.delay. OTEL_* variables and otel.* system properties still win.");

  /** Every key platform-observability declares. */
  public static List<ConfigKey<?>> keys() {
    return List.of(
        SAMPLER_RATIO, PROPAGATORS, TRACES_BUFFER, TRACES_BUFFER_BYTES, OTLP_ENDPOINT, OTLP_PROTOCOL, OTLP_TIMEOUT, OTLP_LOGS, OTLP_METRICS, OTLP_METRICS_STEP, JVM_METRICS, MAX_SERIES,
        HTTP_ROUTES, HTTP_MAX_HEADER_BYTES, DEADLINE_HEADERS, DEADLINE_MINIMUM, ATTRIBUTE_VALUE_LENGTH_LIMIT, SHUTDOWN_TIMEOUT, OTEL_PROPERTIES);
  }
}
