package dev.paved.observability;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.net.URI;

/**
 * One HTTP client request in progress, shared by every client instrumentation (the JDK client,
 * Spring's {@code WebClient}): the CLIENT span ({@code GET}, with {@code server.address}, {@code
 * server.port}, {@code url.full} and the status) and on {@link #end} {@code
 * http.client.request.duration}. 4xx and 5xx responses mark the span as error.
 */
final class ClientAttempt {
  private final HttpInstrumentation http;
  private final long start = System.nanoTime();
  private final String method;
  private final String host;
  private final int port;
  private final Span span;
  private final Context context;
  private String errorType = "";
  private int status;

  ClientAttempt(HttpInstrumentation http, Context parent, String rawMethod, URI uri) {
    this.http = http;
    this.method = HttpInstrumentation.method(rawMethod);
    this.host = uri.getHost() == null ? "" : uri.getHost();
    this.port = uri.getPort() > 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    this.span =
        http.tracer
            .spanBuilder(method)
            .setParent(parent)
            .setSpanKind(SpanKind.CLIENT)
            .setAttribute(HttpInstrumentation.METHOD, method)
            .setAttribute(HttpInstrumentation.SERVER_ADDRESS, host)
            .setAttribute(HttpInstrumentation.SERVER_PORT, (long) port)
            .setAttribute(HttpInstrumentation.URL_FULL, redactUrl(uri))
            .startSpan();
    this.context = parent.with(span);
  }

  /** The parent's context with the CLIENT span: what is injected into the request's headers. */
  Context context() {
    return context;
  }

  void status(int status) {
    this.status = status;
    span.setAttribute(HttpInstrumentation.STATUS, (long) status);
    if (status >= 400 && errorType.isEmpty()) {
      errorType = String.valueOf(status);
    }
  }

  void failed(Throwable t) {
    errorType = t.getClass().getName();
    span.recordException(t);
  }

  /** Ends the span and records the duration, with the span current (the histogram's exemplar). */
  void end() {
    if (!errorType.isEmpty()) {
      span.setAttribute(HttpInstrumentation.ERROR_TYPE, errorType);
      span.setStatus(StatusCode.ERROR);
    }
    try (Scope recording = context.makeCurrent()) {
      http.clientDuration.record(
          System.nanoTime() - start, method, host, String.valueOf(port), HttpInstrumentation.statusText(status), errorType);
    }
    span.end();
  }

  /** The URL without user info or query values, which may carry credentials. */
  static String redactUrl(URI uri) {
    StringBuilder sb = new StringBuilder();
    sb.append(uri.getScheme()).append("://").append(uri.getHost());
    if (uri.getPort() > 0) {
      sb.append(':').append(uri.getPort());
    }
    if (uri.getRawPath() != null) {
      sb.append(uri.getRawPath());
    }
    if (uri.getRawQuery() != null) {
      sb.append("?REDACTED");
    }
    return sb.toString();
  }
}
