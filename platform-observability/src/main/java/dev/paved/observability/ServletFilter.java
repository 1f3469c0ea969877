package dev.paved.observability;

import dev.paved.core.InFlight;
import io.opentelemetry.context.propagation.TextMapGetter;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import org.jspecify.annotations.Nullable;

/**
 * Server instrumentation as a Jakarta Servlet {@link Filter} (Jetty, Tomcat, Spring MVC): the
 * same SERVER span, RED metrics and log correlation as the JDK filter. Asynchronous requests are
 * measured until the filter chain returns. Requires {@code jakarta.servlet-api} 6 on the classpath.
 */
public final class ServletFilter implements Filter {
  private static final TextMapGetter<HttpServletRequest> HEADERS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpServletRequest carrier) {
          return Collections.list(carrier.getHeaderNames());
        }

        /** Every line of the header, joined with ',' (RFC 9110 §5.3): two tracestate lines are one list. */
        @Override
        public @Nullable String get(@Nullable HttpServletRequest carrier, String key) {
          if (carrier == null) {
            return null;
          }
          java.util.Enumeration<String> lines = carrier.getHeaders(key);
          if (lines == null || !lines.hasMoreElements()) {
            return null;
          }
          String first = lines.nextElement();
          if (!lines.hasMoreElements()) {
            return first;
          }
          StringBuilder joined = new StringBuilder(first);
          while (lines.hasMoreElements()) {
            joined.append(',').append(lines.nextElement());
          }
          return joined.toString();
        }
      };

  private final HttpInstrumentation http;
  private final Routes routes;
  private final InFlight inFlight;

  /**
   * The server instrumentation of {@code observability} as a Jakarta Servlet filter (Jetty, Tomcat,
   * Spring MVC). A factory here, not on {@link Observability}, so that the optional Servlet API
   * stays out of the main facade's signatures.
   */
  public static ServletFilter create(Observability observability, Routes routes) {
    java.util.Objects.requireNonNull(observability, "observability");
    java.util.Objects.requireNonNull(routes, "routes");
    // Not through a method of Observability's: its signatures never name a Servlet type, so
    // reflecting on it (Spring does) works without jakarta.servlet-api (a WebFlux application).
    HttpExchanges exchanges = observability.exchanges();
    return new ServletFilter(exchanges.http, routes, exchanges.inFlight);
  }

  /**
   * {@link #create(Observability, Routes)} with the routes declared in {@code
   * platform.observability.http.routes}.
   *
   * @throws IllegalStateException when no routes are declared
   */
  public static ServletFilter create(Observability observability) {
    return create(observability, observability.declaredRoutes());
  }

  ServletFilter(HttpInstrumentation http, Routes routes, InFlight inFlight) {
    this.http = http;
    this.routes = routes;
    this.inFlight = inFlight;
  }

  /** The size of the request's header section: names, values and separators. */
  static long headerBytes(HttpServletRequest request) {
    long bytes = 0;
    java.util.Enumeration<String> names = request.getHeaderNames();
    while (names != null && names.hasMoreElements()) {
      String name = names.nextElement();
      java.util.Enumeration<String> values = request.getHeaders(name);
      while (values != null && values.hasMoreElements()) {
        bytes += name.length() + values.nextElement().length() + 4;
      }
    }
    return bytes;
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
    if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
      chain.doFilter(req, res);
      return;
    }
    String path = request.getRequestURI().substring(Math.min(request.getContextPath().length(), request.getRequestURI().length()));
    ServerRequest observed;
    try {
      observed =
          new ServerRequest(
              http,
              inFlight,
              routes,
              request.getMethod(),
              request.getScheme(),
              path,
              request.getLocalPort(),
              request.getRemoteAddr(),
              request.getHeader("User-Agent"),
              request,
              HEADERS,
              true);
    } catch (RuntimeException | LinkageError e) {
      // Paved's instrumentation must never drop a request: counted, logged once, served as is.
      http.instrumentationFailed(e);
      chain.doFilter(request, response);
      return;
    }
    try (observed) {
      if (headerBytes(request) > http.maxHeaderBytes) {
        // RFC 6585: answered here, before the service sees it, within a bounded header budget.
        response.setStatus(431);
        response.setHeader("Connection", "close");
        observed.status(431);
        return;
      }
      try {
        chain.doFilter(request, response);
        observed.status(response.getStatus());
      } catch (IOException | ServletException | RuntimeException | Error e) {
        observed.failed(e);
        // An exception escaping the chain becomes a 500 in every container.
        observed.status(500);
        throw e;
      }
    }
  }
}
