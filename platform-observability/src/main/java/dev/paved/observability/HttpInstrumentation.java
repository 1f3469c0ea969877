package dev.paved.observability;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.propagation.ContextPropagators;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Names, attributes and meters shared by the HTTP server and client instrumentation. */
final class HttpInstrumentation {
  static final String SERVER_DURATION = "http.server.request.duration";
  static final String SERVER_ACTIVE = "http.server.active_requests";
  static final String CLIENT_DURATION = "http.client.request.duration";

  static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
  static final AttributeKey<String> METHOD_ORIGINAL = AttributeKey.stringKey("http.request.method_original");
  static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
  static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
  static final AttributeKey<String> SCHEME = AttributeKey.stringKey("url.scheme");
  static final AttributeKey<String> PATH = AttributeKey.stringKey("url.path");
  static final AttributeKey<String> URL_FULL = AttributeKey.stringKey("url.full");
  static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  static final AttributeKey<String> CLIENT_ADDRESS = AttributeKey.stringKey("client.address");
  static final AttributeKey<String> USER_AGENT = AttributeKey.stringKey("user_agent.original");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  /** The semantic-convention methods; the last, {@code _OTHER}, stands for every other. */
  static final List<String> METHODS =
      List.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "_OTHER");

  final ContextPropagators propagators;
  final Tracer tracer;
  final RedMeters serverDuration;
  final RedMeters clientDuration;
  /** The incoming headers whose deadline is honoured ({@code platform.observability.deadlines.headers}). */
  volatile List<String> deadlineHeaders = Deadlines.ALL_HEADERS;
  /** The shortest incoming deadline honoured ({@code platform.observability.deadlines.minimum}). */
  volatile java.time.Duration deadlineMinimum = java.time.Duration.ZERO;
  /** The longest request-derived attribute value recorded (url.path, user_agent.original, ...). */
  volatile int maxValueLength = 2048;

  /** {@code value}, cut to {@link #maxValueLength}: a client chooses these, the span keeps them. */
  String bounded(String value) {
    int max = maxValueLength;
    if (value.length() <= max) {
      return value;
    }
    // Never half a surrogate pair: an invalid string breaks some exporters' UTF-8 encoding.
    return value.substring(0, Character.isHighSurrogate(value.charAt(max - 1)) ? max - 1 : max);
  }
  /** The largest request header section accepted ({@code platform.observability.http.max-header-bytes}). */
  volatile long maxHeaderBytes = 64 * 1024;
  /** Failures inside Paved's server instrumentation: the request went on uninstrumented. */
  final java.util.concurrent.atomic.AtomicLong instrumentationFailures = new java.util.concurrent.atomic.AtomicLong();
  final dev.paved.core.internal.ThrottledLogger instrumentationLog =
      new dev.paved.core.internal.ThrottledLogger(org.slf4j.LoggerFactory.getLogger(HttpInstrumentation.class));

  /** Replaced whole when a listener is added; the request path reads one volatile field. */
  volatile ServerRequestListener[] serverListeners = new ServerRequestListener[0];
  final dev.paved.core.internal.ListenerFailures listenerFailures =
      new dev.paved.core.internal.ListenerFailures(org.slf4j.LoggerFactory.getLogger(HttpInstrumentation.class), "HTTP server requests");
  private final MeterRegistry registry;
  private final Map<String, AtomicInteger> active = new ConcurrentHashMap<>();

  HttpInstrumentation(ContextPropagators propagators, Tracer tracer, MeterRegistry registry, int maxSeries) {
    this.propagators = propagators;
    this.tracer = tracer;
    this.registry = registry;
    this.serverDuration =
        new RedMeters(
            registry,
            SERVER_DURATION,
            "Duration of HTTP server requests",
            List.of("http.request.method", "http.route", "http.response.status_code", "error.type", "url.scheme"),
            maxSeries);
    io.micrometer.core.instrument.FunctionCounter.builder("paved.instrumentation.failures", instrumentationFailures, java.util.concurrent.atomic.AtomicLong::get)
        .description("Requests served uninstrumented because Paved's server instrumentation failed on them")
        .register(registry);
    this.clientDuration =
        new RedMeters(
            registry,
            CLIENT_DURATION,
            "Duration of HTTP client requests",
            List.of("http.request.method", "server.address", "server.port", "http.response.status_code", "error.type"),
            maxSeries);
  }

  private static final String[] STATUS_TEXT = new String[600];

  static {
    for (int i = 100; i < 600; i++) {
      STATUS_TEXT[i] = String.valueOf(i).intern();
    }
  }

  /**
   * Counts and logs (throttled) a failure inside the server instrumentation; the request it
   * happened on proceeds uninstrumented.
   */
  void instrumentationFailed(Throwable t) {
    instrumentationFailures.incrementAndGet();
    instrumentationLog.warn("Paved's server instrumentation failed on a request; it was served uninstrumented", t);
  }

  synchronized void addServerListener(ServerRequestListener listener) {
    ServerRequestListener[] next = java.util.Arrays.copyOf(serverListeners, serverListeners.length + 1);
    next[next.length - 1] = java.util.Objects.requireNonNull(listener, "listener");
    serverListeners = next;
  }

  /** The status code as label text, without allocating for 100-599; empty when none was sent. */
  static String statusText(int status) {
    if (status <= 0) {
      return "";
    }
    return status < 600 && status >= 100 ? STATUS_TEXT[status] : String.valueOf(status);
  }

  /** The semantic-convention method: one of the known methods, else {@code _OTHER}. */
  static String method(String raw) {
    return METHODS.get(methodIndex(raw));
  }

  /** The index in {@link #METHODS}; no allocation for an upper-case known method. */
  static int methodIndex(String raw) {
    for (int i = 0; i < METHODS.size() - 1; i++) {
      if (METHODS.get(i).equalsIgnoreCase(raw)) {
        return i;
      }
    }
    return METHODS.size() - 1;
  }

  /** The in-flight gauges of {@code http} and {@code https} by method index: no key string per request. */
  private final java.util.concurrent.atomic.AtomicReferenceArray<AtomicInteger> activeByIndex =
      new java.util.concurrent.atomic.AtomicReferenceArray<>(2 * METHODS.size());

  /** {@link #active(String, String)} for {@code METHODS.get(methodIndex)}, read from an array for the usual schemes. */
  AtomicInteger active(int methodIndex, String scheme) {
    int schemeIndex = "http".equals(scheme) ? 0 : "https".equals(scheme) ? 1 : -1;
    if (schemeIndex < 0) {
      return active(METHODS.get(methodIndex), scheme);
    }
    int i = schemeIndex * METHODS.size() + methodIndex;
    AtomicInteger counter = activeByIndex.get(i);
    if (counter == null) {
      counter = active(METHODS.get(methodIndex), scheme); // the same gauge as by name: registered once
      activeByIndex.set(i, counter);
    }
    return counter;
  }

  /** The in-flight gauge for one method and scheme (bounded by the known methods). */
  AtomicInteger active(String method, String scheme) {
    return active.computeIfAbsent(
        method + " " + scheme,
        k -> {
          AtomicInteger counter = new AtomicInteger();
          Gauge.builder(SERVER_ACTIVE, counter, AtomicInteger::get)
              .description("Number of HTTP server requests in progress")
              .tag("http.request.method", method)
              .tag("url.scheme", scheme)
              .register(registry);
          return counter;
        });
  }
}
