package dev.paved.observability;

import dev.paved.core.InFlight;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * One server request in progress, shared by every server instrumentation (JDK HttpServer, Servlet):
 * the SERVER span named after the route template, the in-flight ticket, the active-requests gauge,
 * and on {@link #end} the status, error and RED duration. 5xx is a server error; 4xx is not.
 */
final class ServerRequest implements AutoCloseable {
  private final HttpInstrumentation http;
  private final long start = System.nanoTime();
  private final String method;
  private final String scheme;
  private final @Nullable String route;
  private final Span span;
  /** The request's context: the extracted parent (baggage, deadline) with the SERVER span. */
  private final Context context;
  /** The thread binding, for a server that runs a request on one thread; null for a reactive one. */
  private final @Nullable Scope scope;
  private final InFlight.Ticket ticket;
  private final AtomicInteger active;
  private String errorType = "";
  private int status;

  /**
   * Begins the request. With {@code bind} the request's context is current on this thread until
   * {@link #close} (the JDK and Servlet filters); without, it is not ({@link ObservedExchange}: a
   * reactive server carries it in its own context).
   */
  @SuppressWarnings("MustBeClosedChecker") // the scope is closed by close()
  <C> ServerRequest(
      HttpInstrumentation http,
      InFlight inFlight,
      Routes routes,
      String rawMethod,
      String scheme,
      String path,
      int serverPort,
      @Nullable String clientAddress,
      @Nullable String userAgent,
      C carrier,
      TextMapGetter<C> getter,
      boolean bind) {
    this.http = http;
    int methodIndex = HttpInstrumentation.methodIndex(rawMethod);
    this.method = HttpInstrumentation.METHODS.get(methodIndex);
    this.scheme = scheme;
    int routeIndex = routes.index(path);
    this.route = routeIndex < 0 ? null : routes.template(routeIndex);
    // A reactive server's thread serves many requests: whatever is current there is no request's parent.
    Context extracted = http.propagators.getTextMapPropagator().extract(bind ? Context.current() : Context.root(), carrier, getter);
    java.time.Duration timeout = Deadlines.fromHeaders(carrier, getter, http.deadlineHeaders, http.deadlineMinimum);
    Context parent = timeout == null ? extracted : Deadlines.withTimeout(extracted, timeout);
    var builder =
        http.tracer
            .spanBuilder(routeIndex < 0 ? method : routes.spanName(routeIndex, methodIndex))
            .setParent(parent)
            .setSpanKind(SpanKind.SERVER)
            .setAttribute(HttpInstrumentation.METHOD, method)
            .setAttribute(HttpInstrumentation.SCHEME, scheme)
            .setAttribute(HttpInstrumentation.PATH, http.bounded(path))
            .setAttribute(HttpInstrumentation.SERVER_PORT, (long) serverPort);
    if (!method.equals(rawMethod)) {
      builder.setAttribute(HttpInstrumentation.METHOD_ORIGINAL, http.bounded(rawMethod));
    }
    if (route != null) {
      builder.setAttribute(HttpInstrumentation.ROUTE, route);
    }
    if (clientAddress != null) {
      builder.setAttribute(HttpInstrumentation.CLIENT_ADDRESS, http.bounded(clientAddress));
    }
    if (userAgent != null) {
      builder.setAttribute(HttpInstrumentation.USER_AGENT, http.bounded(userAgent));
    }
    this.span = builder.startSpan();
    this.active = http.active(methodIndex, scheme);
    active.incrementAndGet();
    this.ticket = inFlight.begin();
    // The extracted context (baggage, deadline) becomes current with the span, not just the span.
    this.context = parent.with(span);
    this.scope = bind ? context.makeCurrent() : null;
  }

  /** The request's context: the SERVER span, the caller's baggage and deadline. */
  Context context() {
    return context;
  }

  /** The status recorded for a request whose client went away before any response: nginx's. */
  static final int CLIENT_CLOSED_REQUEST = 499;

  private boolean clientAborted;

  /**
   * The request failed with {@code t}. A client that closed its connection early (the write of
   * the response failed with a broken pipe or a reset) is not a server error: by the label scheme
   * and the SLO rules alike, it has no {@code error.type}, its status is the one sent (or 499 when
   * none was), and the span says {@code paved.client_aborted=true}.
   */
  void failed(Throwable t) {
    if (isClientAbort(t)) {
      clientAborted = true;
      span.setAttribute(CLIENT_ABORTED, true);
      return;
    }
    errorType = t.getClass().getName();
    span.recordException(t);
  }

  static final io.opentelemetry.api.common.AttributeKey<Boolean> CLIENT_ABORTED =
      io.opentelemetry.api.common.AttributeKey.booleanKey("paved.client_aborted");

  /** An I/O failure that means the client has gone: broken pipe, reset by peer, stream closed. */
  static boolean isClientAbort(Throwable t) {
    if (!(t instanceof java.io.IOException)) {
      return false;
    }
    for (Throwable c = t; c != null; c = c.getCause()) {
      String m = c.getMessage();
      if (m == null) {
        continue;
      }
      String lower = m.toLowerCase(java.util.Locale.ROOT);
      if (lower.contains("broken pipe") || lower.contains("connection reset") || lower.contains("stream is closed")
          || lower.contains("connection closed") || lower.contains("stream closed")) {
        return true;
      }
    }
    return false;
  }

  /** The response status, or a value <= 0 when none was sent. */
  void status(int status) {
    this.status = status;
  }

  /** Ends the span and records the duration, while the span is still current (for exemplars). */
  @Override
  public void close() {
    if (scope == null) {
      try (Scope recording = context.makeCurrent()) {
        end();
      } finally {
        ticket.close();
      }
      return;
    }
    try {
      end();
    } finally {
      ticket.close();
      scope.close();
    }
  }

  private void end() {
    active.decrementAndGet();
    if (status > 0) {
      span.setAttribute(HttpInstrumentation.STATUS, (long) status);
    }
    if (clientAborted && status <= 0) {
      status = CLIENT_CLOSED_REQUEST;
    }
    if (errorType.isEmpty() && (status >= 500 || status <= 0)) {
      errorType = status <= 0 ? "no_response" : String.valueOf(status);
    }
    if (!errorType.isEmpty()) {
      span.setAttribute(HttpInstrumentation.ERROR_TYPE, errorType);
      span.setStatus(StatusCode.ERROR);
    }
    long nanos = System.nanoTime() - start;
    String r = route == null ? Routes.UNMATCHED : route;
    http.serverDuration.record(nanos, method, r, HttpInstrumentation.statusText(status), errorType, scheme);
    for (ServerRequestListener listener : http.serverListeners) {
      try {
        listener.onServerRequest(r, status, nanos);
      } catch (RuntimeException e) {
        http.listenerFailures.failed(e); // never fails the request
      }
    }
    span.end();
  }
}
