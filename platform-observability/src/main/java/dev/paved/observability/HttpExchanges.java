package dev.paved.observability;

import dev.paved.core.InFlight;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.net.URI;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * HTTP instrumentation for servers and clients that do not hold one thread per request — Spring
 * WebFlux and {@code WebClient} (see {@code platform-spring-boot}), or any reactive stack: the same
 * SERVER and CLIENT spans, {@code http.server.request.duration}, {@code http.server.active_requests},
 * {@code http.client.request.duration}, in-flight count and limits as the JDK and Servlet filters
 * and the traced JDK client, as {@link ObservedExchange}s whose context the caller carries. Nothing
 * is made current on the calling thread.
 */
public final class HttpExchanges {
  final HttpInstrumentation http;
  final InFlight inFlight;

  HttpExchanges(HttpInstrumentation http, InFlight inFlight) {
    this.http = http;
    this.inFlight = inFlight;
  }

  /** The exchanges of {@code observability}. */
  public static HttpExchanges of(Observability observability) {
    return Objects.requireNonNull(observability, "observability").exchanges();
  }

  /**
   * Begins a server exchange: the caller's context is extracted from the request's headers
   * ({@code carrier} read with {@code getter}) with its deadline, the SERVER span is named after
   * the route template that matches {@code path}, and the request counts as in flight until
   * {@link ObservedExchange#end}.
   */
  public <C> ObservedExchange server(
      Routes routes,
      String method,
      String scheme,
      String path,
      int serverPort,
      @Nullable String clientAddress,
      @Nullable String userAgent,
      C carrier,
      TextMapGetter<C> getter) {
    return new ObservedExchange(
        new ServerRequest(http, inFlight, routes, method, scheme, path, serverPort, clientAddress, userAgent, carrier, getter, false),
        http);
  }

  /**
   * The largest request header section a server accepts ({@code
   * platform.observability.http.max-header-bytes}); above it, answer 431 as the other filters do.
   */
  public long maxHeaderBytes() {
    return http.maxHeaderBytes;
  }

  /** Counts and logs (throttled) a failure inside a server instrumentation; serve the request as is. */
  public void instrumentationFailed(Throwable t) {
    http.instrumentationFailed(t);
  }

  /** Begins a client exchange (one attempt) under {@code parent}: inject its context, then send. */
  public ObservedExchange client(Context parent, String method, URI uri) {
    return new ObservedExchange(new ClientAttempt(http, parent, method, uri), http);
  }
}
