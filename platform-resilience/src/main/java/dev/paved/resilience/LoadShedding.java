package dev.paved.resilience;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Server-side load shedding for the JDK's {@code HttpServer}: over a concurrency limit, a request
 * is answered 503 with {@code Retry-After} at once instead of queueing, so that a saturated
 * service stays responsive for the requests it accepts. Shed requests are counted in {@code
 * paved.resilience.shed}. Put it before the observability filter to keep shed requests out of
 * the latency histogram, or after it to see them as 503s.
 */
public final class LoadShedding extends Filter {
  private final int limit;
  private final int retryAfterSeconds;
  private final AtomicInteger inProgress = new AtomicInteger();
  private final @Nullable Counter shed;

  LoadShedding(int limit, int retryAfterSeconds, @Nullable MeterRegistry registry) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit: " + limit + " (expected: >= 1)");
    }
    this.limit = limit;
    this.retryAfterSeconds = retryAfterSeconds;
    this.shed = registry == null ? null : Counter.builder("paved.resilience.shed").description("Requests refused with 503 over the concurrency limit").register(registry);
  }

  @Override
  public String description() {
    return "Paved load shedding above " + limit + " concurrent requests";
  }

  @Override
  public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
    if (inProgress.incrementAndGet() > limit) {
      inProgress.decrementAndGet();
      Counter c = shed;
      if (c != null) {
        c.increment();
      }
      try (exchange) {
        exchange.getResponseHeaders().set("Retry-After", String.valueOf(retryAfterSeconds));
        exchange.sendResponseHeaders(503, -1);
      }
      return;
    }
    try {
      chain.doFilter(exchange);
    } finally {
      inProgress.decrementAndGet();
    }
  }

  /** Requests being served now. */
  public int inProgress() {
    return inProgress.get();
  }
}
