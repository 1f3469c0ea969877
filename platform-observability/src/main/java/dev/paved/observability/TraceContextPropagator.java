package dev.paved.observability;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.TraceStateBuilder;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * W3C Trace Context as the current specification writes it ({@code spec/20-http_request_header_format.md}):
 * OpenTelemetry's propagator for {@code traceparent}, Paved's parser for {@code tracestate}.
 * OpenTelemetry's {@code TraceState} still enforces the older {@code tenant@system} key grammar
 * (at most 241 and 14 characters, one {@code @}), drops the whole list for a duplicated key, and
 * cannot hold a key such as {@code foo@@bar} that the specification now allows (a key is a
 * lowercase letter or digit, then up to 255 of {@code a-z 0-9 _ - * / @}). Here:
 *
 * <ul>
 *   <li>a {@code tracestate} is parsed only when {@code traceparent} was; several lines are one
 *       list; optional whitespace around members is ignored and empty members are allowed;
 *   <li>a malformed member, or more than 32 members, discards the whole list (the trace goes on);
 *   <li>a duplicated key keeps its first (left-most) entry, as the specification allows;
 *   <li>members OpenTelemetry's {@code TraceState} can hold become the span's trace state; when it
 *       cannot hold them all, the list as received travels in the context and is what the
 *       service's outgoing requests carry — with the entries the service added or changed moved
 *       to the front, and the others in their order, as the specification's mutation rules say.
 * </ul>
 */
final class TraceContextPropagator implements TextMapPropagator {
  static final TraceContextPropagator INSTANCE = new TraceContextPropagator();

  private static final String TRACESTATE = "tracestate";
  private static final int MAX_MEMBERS = 32;
  private static final TextMapPropagator W3C = W3CTraceContextPropagator.getInstance();
  private static final ContextKey<Received> RECEIVED = ContextKey.named("paved-w3c-tracestate");

  /** A tracestate as received, for the trace it came with, and the part OpenTelemetry holds. */
  private record Received(String traceId, List<String[]> members, TraceState held) {}

  private TraceContextPropagator() {}

  @Override
  public Collection<String> fields() {
    return W3C.fields();
  }

  @Override
  public <C> void inject(Context context, @Nullable C carrier, TextMapSetter<C> setter) {
    Received received = context.get(RECEIVED);
    SpanContext span = Span.fromContext(context).getSpanContext();
    if (received == null || !span.isValid() || !span.getTraceId().equals(received.traceId())) {
      W3C.inject(context, carrier, setter);
      return;
    }
    W3C.inject(
        context,
        carrier,
        (c, key, value) -> {
          if (!key.equals(TRACESTATE)) {
            setter.set(c, key, value);
          }
        });
    String merged = merge(received, span.getTraceState());
    if (!merged.isEmpty()) {
      setter.set(carrier, TRACESTATE, merged);
    }
  }

  @Override
  public <C> Context extract(Context context, @Nullable C carrier, TextMapGetter<C> getter) {
    Context extracted = W3C.extract(context, carrier, new WithoutTracestate<>(getter));
    SpanContext span = Span.fromContext(extracted).getSpanContext();
    if (extracted == context || !span.isValid() || !span.isRemote()) {
      return extracted; // traceparent was not parsed: tracestate MUST NOT be
    }
    String header = joined(getter, carrier);
    List<String[]> members = header == null ? null : parse(header);
    if (members == null || members.isEmpty()) {
      return extracted;
    }
    TraceStateBuilder builder = TraceState.builder();
    for (int i = members.size() - 1; i >= 0; i--) { // put() adds to the front
      builder.put(members.get(i)[0], members.get(i)[1]);
    }
    TraceState held = builder.build();
    Context out =
        extracted.with(
            Span.wrap(SpanContext.createFromRemoteParent(span.getTraceId(), span.getSpanId(), span.getTraceFlags(), held)));
    return held.size() == members.size() ? out : out.with(RECEIVED, new Received(span.getTraceId(), members, held));
  }

  /** Every tracestate line joined into one list (RFC 9110 §5.3), or null with none. */
  private static <C> @Nullable String joined(TextMapGetter<C> getter, @Nullable C carrier) {
    Iterator<String> all = getter.getAll(carrier, TRACESTATE);
    if (all == null || !all.hasNext()) {
      return null;
    }
    StringBuilder sb = new StringBuilder(all.next());
    while (all.hasNext()) {
      sb.append(',').append(all.next());
    }
    return sb.toString();
  }

  /**
   * The members of a tracestate list, in order, each {key, value}; duplicated keys after their
   * first entry are left out; null when any member is malformed or there are more than 32.
   */
  static @Nullable List<String[]> parse(String list) {
    List<String[]> members = new ArrayList<>();
    Set<String> keys = new HashSet<>();
    int count = 0;
    int start = 0;
    int n = list.length();
    while (start <= n) {
      int comma = list.indexOf(',', start);
      int end = comma < 0 ? n : comma;
      int from = start;
      int to = end;
      while (from < to && isOws(list.charAt(from))) {
        from++;
      }
      while (to > from && isOws(list.charAt(to - 1))) {
        to--;
      }
      if (from < to) {
        if (++count > MAX_MEMBERS) {
          return null;
        }
        int eq = list.indexOf('=', from);
        if (eq < 0 || eq >= to || !validKey(list, from, eq) || !validValue(list, eq + 1, to)) {
          return null;
        }
        String key = list.substring(from, eq);
        if (keys.add(key)) {
          members.add(new String[] {key, list.substring(eq + 1, to)});
        }
      }
      if (comma < 0) {
        break;
      }
      start = comma + 1;
    }
    return members;
  }

  private static boolean isOws(char c) {
    return c == ' ' || c == '\t';
  }

  /** {@code key = ( lcalpha / DIGIT ) 0*255 ( keychar )}, keychar = lcalpha / DIGIT / _ - * / @. */
  private static boolean validKey(String s, int from, int to) {
    int length = to - from;
    if (length < 1 || length > 256) {
      return false;
    }
    char first = s.charAt(from);
    if (!(first >= 'a' && first <= 'z') && !(first >= '0' && first <= '9')) {
      return false;
    }
    for (int i = from + 1; i < to; i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '*' || c == '/' || c == '@';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** {@code value = 0*255(chr) nblk-chr}: printable ASCII but {@code ,} and {@code =}, not ending in a space. */
  private static boolean validValue(String s, int from, int to) {
    int length = to - from;
    if (length < 1 || length > 256 || s.charAt(to - 1) == ' ') {
      return false;
    }
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7E || c == ',' || c == '=') {
        return false;
      }
    }
    return true;
  }

  /**
   * The outgoing list: the entries the service added or changed first (in the span's order), then
   * the received ones in their order, less those it changed or removed; at most 32.
   */
  private static String merge(Received received, TraceState now) {
    Map<String, String> current = now.asMap();
    Map<String, String> held = received.held().asMap();
    List<String> out = new ArrayList<>();
    Set<String> written = new HashSet<>();
    now.forEach(
        (key, value) -> {
          if (!value.equals(held.get(key))) {
            out.add(key + "=" + value);
            written.add(key);
          }
        });
    for (String[] m : received.members()) {
      if (out.size() >= MAX_MEMBERS) {
        break;
      }
      String key = m[0];
      if (written.contains(key)) {
        continue; // changed: already at the front
      }
      if (held.containsKey(key) && !current.containsKey(key)) {
        continue; // removed by the service
      }
      out.add(key + "=" + m[1]);
    }
    return String.join(",", out);
  }

  /** Hides tracestate from OpenTelemetry's propagator, which would parse it by the older grammar. */
  private static final class WithoutTracestate<C> implements TextMapGetter<C> {
    private final TextMapGetter<C> delegate;

    WithoutTracestate(TextMapGetter<C> delegate) {
      this.delegate = delegate;
    }

    @Override
    public Iterable<String> keys(C carrier) {
      return delegate.keys(carrier);
    }

    @Override
    public @Nullable String get(@Nullable C carrier, String key) {
      return key.equals(TRACESTATE) ? null : delegate.get(carrier, key);
    }

    @Override
    public Iterator<String> getAll(@Nullable C carrier, String key) {
      return key.equals(TRACESTATE) ? java.util.Collections.emptyIterator() : delegate.getAll(carrier, key);
    }
  }

  @Override
  public String toString() {
    return "PavedW3CTraceContextPropagator";
  }
}
