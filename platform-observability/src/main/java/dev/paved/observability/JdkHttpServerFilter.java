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
    try (ServerRequest request =
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
            HEADERS)) {
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
