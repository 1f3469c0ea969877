package dev.paved.observability;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsExchange;
import dev.paved.core.InFlight;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/** Server instrumentation for the JDK's {@code HttpServer}. */
final class JdkHttpServerFilter extends Filter {
  private static final TextMapGetter<HttpExchange> HEADERS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpExchange carrier) {
          return carrier.getRequestHeaders().keySet();
        }

        /** Every line of the header, joined with ',' (RFC 9110 §5.3): two tracestate lines are one list. */
        @Override
        public @Nullable String get(@Nullable HttpExchange carrier, String key) {
          if (carrier == null) {
            return null;
          }
          java.util.List<String> lines = carrier.getRequestHeaders().get(key);
          if (lines == null || lines.isEmpty()) {
            return null;
          }
          return lines.size() == 1 ? lines.get(0) : String.join(",", lines);
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
    ServerRequest request;
    try {
      request =
          new ServerRequest(
              http,
              inFlight,
              routes,
              exchange.getRequestMethod(),
              exchange instanceof HttpsExchange ? "https" : "http",
              exchange.getRequestURI().getPath(),
              exchange.getLocalAddress().getPort(),
              exchange.getRemoteAddress().getAddress().getHostAddress(),
              exchange.getRequestHeaders().getFirst("User-Agent"),
              exchange,
              HEADERS,
              true);
    } catch (RuntimeException | LinkageError e) {
      // Paved's instrumentation must never drop a request: counted, logged once, served as is.
      http.instrumentationFailed(e);
      chain.doFilter(exchange);
      return;
    }
    try (request) {
      if (dev.paved.core.internal.JdkHttpServerDefaults.headerBytes(exchange) > http.maxHeaderBytes) {
        // RFC 6585: answered here, before the service sees it, within a bounded header budget.
        exchange.getResponseHeaders().set("Connection", "close");
        exchange.sendResponseHeaders(431, -1);
        exchange.close();
        request.status(431);
        return;
      }
      try {
        chain.doFilter(exchange);
      } catch (IOException | RuntimeException | Error e) {
        request.failed(e);
        throw e;
      } finally {
        request.status(exchange.getResponseCode());
      }
    }
  }
}
