package dev.paved.observability;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import org.jspecify.annotations.Nullable;

/** Lets the Prometheus registry attach the current trace to histogram exemplars (OpenMetrics). */
final class CurrentSpanExemplars implements io.prometheus.metrics.tracer.common.SpanContext {
  @Override
  public @Nullable String getCurrentTraceId() {
    SpanContext c = Span.current().getSpanContext();
    return c.isValid() ? c.getTraceId() : null;
  }

  @Override
  public @Nullable String getCurrentSpanId() {
    SpanContext c = Span.current().getSpanContext();
    return c.isValid() ? c.getSpanId() : null;
  }

  @Override
  public boolean isCurrentSpanSampled() {
    return Span.current().getSpanContext().isSampled();
  }

  /**
   * Does nothing. Prometheus' client marks a span chosen as an exemplar with an attribute {@code
   * exemplar=true} so that a tail sampler keeps it; with parent-based sampling every sampled span
   * is already kept, and the attribute was an implementation detail on every SERVER span
   * (issue 15).
   */
  @Override
  public void markCurrentSpanAsExemplar() {}
}
