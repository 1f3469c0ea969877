package dev.paved.observability;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One observed HTTP exchange, server or client side, that is not bound to a thread (see {@link
 * HttpExchanges}): the caller carries {@link #context()} through its own context (Reactor's, for
 * Spring WebFlux and {@code WebClient}), reports the {@link #status} or the {@link #failed
 * failure}, and calls {@link #end} once, on whatever thread the exchange ends. A second {@code
 * end} does nothing.
 */
public final class ObservedExchange {
  private final @org.jspecify.annotations.Nullable ServerRequest server;
  private final @org.jspecify.annotations.Nullable ClientAttempt client;
  private final HttpInstrumentation http;
  private final AtomicBoolean ended = new AtomicBoolean();

  ObservedExchange(ServerRequest server, HttpInstrumentation http) {
    this.server = server;
    this.client = null;
    this.http = http;
  }

  ObservedExchange(ClientAttempt client, HttpInstrumentation http) {
    this.server = null;
    this.client = client;
    this.http = http;
  }

  /** The exchange's context: its span, with the caller's baggage and deadline. */
  public Context context() {
    return server != null ? server.context() : java.util.Objects.requireNonNull(client).context();
  }

  /** Writes the exchange's trace context into an outgoing request's headers (a client exchange). */
  public <C> void inject(C carrier, TextMapSetter<C> setter) {
    http.propagators.getTextMapPropagator().inject(context(), carrier, setter);
  }

  /** The response status; a server exchange that never sets one ends as {@code no_response}. */
  public void status(int status) {
    if (server != null) {
      server.status(status);
    } else {
      java.util.Objects.requireNonNull(client).status(status);
    }
  }

  /**
   * The exchange failed with {@code t}. On the server side a client that went away (a broken
   * pipe, a reset) is not a server error, as with the other server instrumentation.
   */
  public void failed(Throwable t) {
    if (server != null) {
      server.failed(t);
    } else {
      java.util.Objects.requireNonNull(client).failed(t);
    }
  }

  /** Ends the span and records the duration (and, server side, the in-flight ticket). */
  public void end() {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    if (server != null) {
      server.close();
    } else {
      java.util.Objects.requireNonNull(client).end();
    }
  }
}
