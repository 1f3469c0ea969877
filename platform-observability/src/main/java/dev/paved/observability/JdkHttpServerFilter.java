package dev.paved.observability;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsExchange;
import dev.paved.core.InFlight;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/** Server instrumentation for the JDK's {@code HttpServer}. */
final class JdkHttpServerFilter extends Filter {
  private static final TextMapGetter<HttpExchange> HEADERS =
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

  private final HttpInstrumentation http;
  private final Routes routes;
  private final InFlight inFlight;

  JdkHttpServerFilter(HttpInstrumentation http, Routes routes, InFlight inFlight) {
    this.http = http;
    this.routes = routes;
    this.inFlight = inFlight;
  }

  @Override
  public String description() {
    return "Paved observability: SERVER span, RED metrics, log correlation";
  }

  @Override
  public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
    long start = System.nanoTime();
    String rawMethod = exchange.getRequestMethod();
    String method = HttpInstrumentation.method(rawMethod);
    String scheme = exchange instanceof HttpsExchange ? "https" : "http";
    String path = exchange.getRequestURI().getPath();
    Optional<String> route = routes.match(path);
    Context parent = http.propagators.getTextMapPropagator().extract(Context.current(), exchange, HEADERS);
    Span span =
        http.tracer
            .spanBuilder(route.map(r -> method + " " + r).orElse(method))
            .setParent(parent)
            .setSpanKind(SpanKind.SERVER)
            .setAttribute(HttpInstrumentation.METHOD, method)
            .setAttribute(HttpInstrumentation.SCHEME, scheme)
            .setAttribute(HttpInstrumentation.PATH, path)
            .setAttribute(HttpInstrumentation.SERVER_PORT, (long) exchange.getLocalAddress().getPort())
            .setAttribute(HttpInstrumentation.CLIENT_ADDRESS, exchange.getRemoteAddress().getAddress().getHostAddress())
            .startSpan();
    if (!method.equals(rawMethod)) {
      span.setAttribute(HttpInstrumentation.METHOD_ORIGINAL, rawMethod);
    }
    route.ifPresent(r -> span.setAttribute(HttpInstrumentation.ROUTE, r));
    String userAgent = exchange.getRequestHeaders().getFirst("User-Agent");
    if (userAgent != null) {
      span.setAttribute(HttpInstrumentation.USER_AGENT, userAgent);
    }
    AtomicInteger active = http.active(method, scheme);
    active.incrementAndGet();
    String errorType = "";
    try (Scope scope = span.makeCurrent(); InFlight.Ticket ticket = inFlight.begin()) {
      try {
        chain.doFilter(exchange);
      } catch (IOException | RuntimeException | Error e) {
        errorType = e.getClass().getName();
        span.recordException(e);
        throw e;
      } finally {
        active.decrementAndGet();
        int status = exchange.getResponseCode();
        if (status > 0) {
          span.setAttribute(HttpInstrumentation.STATUS, (long) status);
        }
        if (errorType.isEmpty() && (status >= 500 || status < 0)) {
          errorType = status < 0 ? "no_response" : String.valueOf(status);
        }
        if (!errorType.isEmpty()) {
          span.setAttribute(HttpInstrumentation.ERROR_TYPE, errorType);
          span.setStatus(StatusCode.ERROR);
        }
        // Recorded while the span is current, so that the histogram's exemplar carries its trace.
        http.serverDuration.record(
            List.of(method, route.orElse(Routes.UNMATCHED), status > 0 ? String.valueOf(status) : "", errorType, scheme),
            System.nanoTime() - start);
        span.end();
      }
    }
  }
}
