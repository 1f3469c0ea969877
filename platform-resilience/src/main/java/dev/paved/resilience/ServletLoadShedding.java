package dev.paved.resilience;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * {@link LoadShedding} as a Jakarta Servlet filter (Jetty, Tomcat, Spring MVC): above the limit of
 * requests in progress, 503 with {@code Retry-After} at once. Needs {@code jakarta.servlet-api} 6.
 */
public final class ServletLoadShedding implements Filter {
  private final ConcurrencyGate gate;

  /**
   * {@link Resilience#loadShedding} as a Jakarta Servlet filter; needs {@code jakarta.servlet-api} 6.
   * Requests beyond {@code maxConcurrentRequests} are refused with 503 and {@code Retry-After}.
   */
  public static ServletLoadShedding of(Resilience resilience, int maxConcurrentRequests) {
    return new ServletLoadShedding(maxConcurrentRequests, 1, resilience.meterRegistry());
  }

  ServletLoadShedding(int limit, int retryAfterSeconds, @Nullable MeterRegistry registry) {
    this.gate = new ConcurrencyGate(limit, retryAfterSeconds, registry);
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
    if (!gate.tryEnter()) {
      if (response instanceof HttpServletResponse http) {
        http.setHeader("Retry-After", gate.retryAfter());
        http.sendError(503);
      }
      return;
    }
    try {
      chain.doFilter(request, response);
    } finally {
      gate.exit();
    }
  }

  /** Requests being served now. */
  public int inProgress() {
    return gate.inProgress();
  }
}
