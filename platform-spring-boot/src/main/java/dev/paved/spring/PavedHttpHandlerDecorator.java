package dev.paved.spring;

import dev.paved.observability.ObservedExchange;
import dev.paved.observability.HttpExchanges;
import dev.paved.observability.Observability;
import dev.paved.observability.Routes;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.net.InetSocketAddress;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.HttpHandlerDecoratorFactory;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/**
 * Paved's server instrumentation around a Spring WebFlux application's whole {@link HttpHandler}
 * (outside its filters and exception handlers, where Spring's own observation sits): the SERVER
 * span named after the controllers' route templates, {@code http.server.request.duration} with the
 * status the client really got, the in-flight count for the drain, and the header limit (431). The
 * request's context rides in Reactor's context ({@link ReactorContext}), so log lines and clients
 * in the handler continue its trace on any thread.
 */
public final class PavedHttpHandlerDecorator implements HttpHandlerDecoratorFactory {
  private static final TextMapGetter<HttpHeaders> HEADERS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpHeaders carrier) {
          return carrier.headerNames();
        }

        /** Every line of the header, joined with ',' (RFC 9110 §5.3). */
        @Override
        public @Nullable String get(@Nullable HttpHeaders carrier, String key) {
          if (carrier == null) {
            return null;
          }
          List<String> lines = carrier.get(key);
          if (lines == null || lines.isEmpty()) {
            return null;
          }
          return lines.size() == 1 ? lines.get(0) : String.join(",", lines);
        }
      };

  private final HttpExchanges exchanges;
  private volatile Routes routes = Routes.of();
  private volatile List<String> templates = List.of();

  PavedHttpHandlerDecorator(Observability observability) {
    this.exchanges = HttpExchanges.of(observability);
  }

  /** Uses these route templates from now on. */
  void routes(List<String> templates) {
    this.templates = List.copyOf(templates);
    this.routes = Routes.of(templates.toArray(new String[0]));
  }

  /** The route templates in use, in the order they are tried. */
  public List<String> templates() {
    return templates;
  }

  @Override
  public HttpHandler apply(HttpHandler handler) {
    return (request, response) -> handle(handler, request, response);
  }

  private Mono<Void> handle(HttpHandler handler, ServerHttpRequest request, ServerHttpResponse response) {
    ObservedExchange exchange;
    try {
      InetSocketAddress local = request.getLocalAddress();
      InetSocketAddress remote = request.getRemoteAddress();
      exchange =
          exchanges.server(
              routes,
              request.getMethod().name(),
              request.getURI().getScheme() == null ? "http" : request.getURI().getScheme(),
              request.getPath().pathWithinApplication().value(),
              local == null ? -1 : local.getPort(),
              remote == null || remote.getAddress() == null ? null : remote.getAddress().getHostAddress(),
              request.getHeaders().getFirst(HttpHeaders.USER_AGENT),
              request.getHeaders(),
              HEADERS);
    } catch (RuntimeException | LinkageError e) {
      // Paved's instrumentation must never drop a request: counted, logged once, served as is.
      exchanges.instrumentationFailed(e);
      return handler.handle(request, response);
    }
    if (headerBytes(request.getHeaders()) > exchanges.maxHeaderBytes()) {
      // RFC 6585: answered here, before the service sees it.
      response.setStatusCode(HttpStatusCode.valueOf(431));
      response.getHeaders().set(HttpHeaders.CONNECTION, "close");
      exchange.status(431);
      exchange.end();
      return response.setComplete();
    }
    Failure failure = new Failure();
    // Deferred: a handler that throws instead of returning an error still ends the exchange.
    return Mono.defer(() -> handler.handle(request, response))
        .doOnError(failure::set)
        .doFinally(signal -> end(exchange, failure.error, response, signal))
        .contextWrite(context -> context.put(ReactorContext.KEY, exchange.context()).put(FAILURE, failure));
  }

  /** The key of the request's {@link Failure} in Reactor's context. */
  static final String FAILURE = "paved.http.failure";

  /** The exception a request's handler failed with, if any; judged when the status is known. */
  static final class Failure {
    volatile @Nullable Throwable error;

    void set(Throwable t) {
      error = t;
    }
  }

  /**
   * Keeps the exception a handler failed with, before Spring's exception handlers turn it into a
   * response (they run inside the decorated handler, so the decorator sees only the status): when
   * the status the client got is a 5xx, the SERVER span records it and {@code error.type} names
   * its class; an exception mapped to a 4xx (a 404, a 400 binding error, a
   * {@code @ResponseStatus}) is the client's, not a server error.
   */
  static final class Errors implements org.springframework.web.server.WebFilter, org.springframework.core.Ordered {
    @Override
    public Mono<Void> filter(org.springframework.web.server.ServerWebExchange web, org.springframework.web.server.WebFilterChain chain) {
      return chain.filter(web).onErrorResume(error -> Mono.deferContextual(view -> {
        view.<Failure>getOrEmpty(FAILURE).ifPresent(failure -> failure.set(error));
        return Mono.error(error);
      }));
    }

    @Override
    public int getOrder() {
      return HIGHEST_PRECEDENCE;
    }
  }

  private static void end(ObservedExchange exchange, @Nullable Throwable error, ServerHttpResponse response, SignalType signal) {
    boolean clientGone = signal == SignalType.CANCEL || (error != null && isClientAbort(error));
    HttpStatusCode status = response.getStatusCode();
    int code;
    if (clientGone) {
      // The connection went away: the client's doing, not a server error. A status counts only
      // if it was sent (Reactor Netty reports 200 for a response never written).
      exchange.failed(new java.io.IOException("connection closed by the client"));
      code = response.isCommitted() && status != null ? status.value() : 0;
    } else if (signal == SignalType.ON_ERROR && !response.isCommitted()) {
      code = 500; // what the server adapter sends for an error nothing handled
    } else {
      code = status != null ? status.value() : 200; // no status set: Spring's default, 200
    }
    if (!clientGone && error != null && (code >= 500 || code <= 0)) {
      exchange.failed(error);
    }
    if (code > 0) {
      exchange.status(code);
    }
    exchange.end();
  }

  /**
   * Reactor Netty's "the connection closed while writing" (named, so that no Netty class is
   * needed); a broken pipe or a reset as an {@code IOException} is judged by the exchange itself.
   */
  private static boolean isClientAbort(Throwable error) {
    return error.getClass().getName().equals("reactor.netty.channel.AbortedException");
  }

  /** The size of the request's header section: names, values and separators. */
  static long headerBytes(HttpHeaders headers) {
    long bytes = 0;
    for (String name : headers.headerNames()) {
      List<String> values = headers.get(name);
      if (values != null) {
        for (String v : values) {
          bytes += name.length() + v.length() + 4;
        }
      }
    }
    return bytes;
  }
}
