package dev.paved.resilience;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Server-side load shedding for the JDK's {@code HttpServer}: over a concurrency limit, a request
 * is answered 503 with {@code Retry-After} at once instead of queueing, so that a saturated
 * service stays responsive for the requests it accepts. Shed requests are counted in {@code
 * paved.resilience.shed}. Put it before the observability filter to keep shed requests out of
 * the latency histogram, or after it to see them as 503s.
 */
public final class LoadShedding extends Filter {
  private final ConcurrencyGate gate;

  LoadShedding(int limit, int retryAfterSeconds, @Nullable MeterRegistry registry) {
    this.gate = new ConcurrencyGate(limit, retryAfterSeconds, registry);
  }

  @Override
  public String description() {
    return "Paved load shedding above " + gate.limit() + " concurrent requests";
  }

  @Override
  public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
    if (!gate.tryEnter()) {
      try (exchange) {
        exchange.getResponseHeaders().set("Retry-After", gate.retryAfter());
        exchange.sendResponseHeaders(503, -1);
      }
      return;
    }
    try {
      chain.doFilter(exchange);
    } finally {
      gate.exit();
    }
  }

  /** Requests being served now. */
  public int inProgress() {
    return gate.inProgress();
  }
}
