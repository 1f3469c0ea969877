package dev.paved.resilience;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * {@link LoadShedding} as a Jakarta Servlet filter (Jetty, Tomcat, Spring MVC): above the limit of
 * requests in progress, 503 with {@code Retry-After} at once. Needs {@code jakarta.servlet-api} 6.
 */
public final class ServletLoadShedding implements Filter {
  private final int limit;
  private final int retryAfterSeconds;
  private final AtomicInteger inProgress = new AtomicInteger();
  private final @Nullable Counter shed;

  ServletLoadShedding(int limit, int retryAfterSeconds, @Nullable MeterRegistry registry) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit: " + limit + " (expected: >= 1)");
    }
    this.limit = limit;
    this.retryAfterSeconds = retryAfterSeconds;
    this.shed = registry == null ? null : Counter.builder("paved.resilience.shed").description("Requests refused with 503 over the concurrency limit").register(registry);
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
    if (inProgress.incrementAndGet() > limit) {
      inProgress.decrementAndGet();
      Counter c = shed;
      if (c != null) {
        c.increment();
      }
      if (response instanceof HttpServletResponse http) {
        http.setHeader("Retry-After", String.valueOf(retryAfterSeconds));
        http.sendError(503);
      }
      return;
    }
    try {
      chain.doFilter(request, response);
    } finally {
      inProgress.decrementAndGet();
    }
  }

  /** Requests being served now. */
  public int inProgress() {
    return inProgress.get();
  }
}
