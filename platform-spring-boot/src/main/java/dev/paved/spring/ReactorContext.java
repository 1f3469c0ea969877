package dev.paved.spring;

import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ThreadLocalAccessor;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.ArrayDeque;
import org.jspecify.annotations.Nullable;

/**
 * Paved's OpenTelemetry context in Reactor's context, under {@link #KEY}: Reactor's automatic
 * context propagation (Spring Boot's {@code spring.reactor.context-propagation=auto}, a Paved
 * default) makes it current on whatever thread runs an operator of the request — so log lines
 * carry the trace, and a {@code WebClient} call or a blocking client in a handler continues it —
 * through Micrometer's context-propagation library, as Micrometer Tracing's own accessor does for
 * its observations. Scopes are closed in the order they were opened, on the thread that opened them.
 */
final class ReactorContext implements ThreadLocalAccessor<Context> {
  /** The key of Paved's context in Reactor's context. */
  static final String KEY = "paved.opentelemetry.context";

  private static final ThreadLocal<ArrayDeque<Scope>> SCOPES = ThreadLocal.withInitial(ArrayDeque::new);

  /** Registers the accessor with Micrometer's global registry, which Reactor reads. */
  static void register() {
    ContextRegistry.getInstance().registerThreadLocalAccessor(new ReactorContext());
  }

  /** The context a reactive call was made in: Reactor's, else the calling thread's. */
  static Context of(reactor.util.context.ContextView view) {
    return view.<Context>getOrEmpty(KEY).orElseGet(Context::current);
  }

  @Override
  public Object key() {
    return KEY;
  }

  @Override
  public @Nullable Context getValue() {
    Context current = Context.current();
    return current == Context.root() ? null : current;
  }

  @Override
  @SuppressWarnings("MustBeClosedChecker") // closed by restore(), on this thread
  public void setValue(Context value) {
    SCOPES.get().push(value.makeCurrent());
  }

  @Override
  @SuppressWarnings("MustBeClosedChecker") // closed by restore(), on this thread
  public void setValue() {
    SCOPES.get().push(Context.root().makeCurrent());
  }

  @Override
  public void restore(Context previousValue) {
    restore();
  }

  @Override
  public void restore() {
    Scope scope = SCOPES.get().poll();
    if (scope != null) {
      scope.close();
    }
  }
}
