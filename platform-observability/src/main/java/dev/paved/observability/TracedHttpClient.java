package dev.paved.observability;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

/**
 * A {@link HttpClient} that injects the current context into each request, makes a CLIENT span
 * ({@code GET}, with {@code server.address}, {@code server.port}, {@code url.full} and the status)
 * and records {@code http.client.request.duration}. 4xx and 5xx responses mark the span as error.
 */
public final class TracedHttpClient {
  private final HttpClient client;
  private final HttpInstrumentation http;

  TracedHttpClient(HttpClient client, HttpInstrumentation http) {
    this.client = client;
    this.http = http;
  }

  /** The wrapped client. */
  public HttpClient unwrap() {
    return client;
  }

  /** Sends {@code request} like {@link HttpClient#send}, traced and measured. */
  public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException {
    long start = System.nanoTime();
    String method = HttpInstrumentation.method(request.method());
    URI uri = request.uri();
    String host = uri.getHost() == null ? "" : uri.getHost();
    int port = uri.getPort() > 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    Span span =
        http.tracer
            .spanBuilder(method)
            .setSpanKind(SpanKind.CLIENT)
            .setAttribute(HttpInstrumentation.METHOD, method)
            .setAttribute(HttpInstrumentation.SERVER_ADDRESS, host)
            .setAttribute(HttpInstrumentation.SERVER_PORT, (long) port)
            .setAttribute(HttpInstrumentation.URL_FULL, redactUrl(uri))
            .startSpan();
    String errorType = "";
    int status = 0;
    try (Scope scope = span.makeCurrent()) {
      try {
        HttpRequest.Builder traced = HttpRequest.newBuilder(request, (name, value) -> true);
        http.propagators.getTextMapPropagator().inject(Context.current(), traced, (b, k, v) -> {
          if (b != null) {
            b.setHeader(k, v);
          }
        });
        HttpResponse<T> response = client.send(traced.build(), handler);
        status = response.statusCode();
        span.setAttribute(HttpInstrumentation.STATUS, (long) status);
        if (status >= 400) {
          errorType = String.valueOf(status);
        }
        return response;
      } catch (IOException | InterruptedException | RuntimeException e) {
        errorType = e.getClass().getName();
        span.recordException(e);
        throw e;
      } finally {
        if (!errorType.isEmpty()) {
          span.setAttribute(HttpInstrumentation.ERROR_TYPE, errorType);
          span.setStatus(StatusCode.ERROR);
        }
        // Recorded while the span is current, so that the histogram's exemplar carries its trace.
        http.clientDuration.record(
            System.nanoTime() - start, method, host, String.valueOf(port), HttpInstrumentation.statusText(status), errorType);
        span.end();
      }
    }
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
