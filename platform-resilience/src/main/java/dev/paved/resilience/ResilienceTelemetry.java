package dev.paved.resilience;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Metrics, span events and logs of the policies. Labels are bounded: the dependency (names come
 * from code and configuration), the outcome (five values) and the breaker state.
 */
final class ResilienceTelemetry implements PolicyListener {
  private static final Logger LOG = LoggerFactory.getLogger(ResilienceTelemetry.class);
  private static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("paved.retry.attempt");
  private static final AttributeKey<Long> DELAY = AttributeKey.longKey("paved.retry.delay_ms");
  private static final AttributeKey<String> CAUSE = AttributeKey.stringKey("paved.retry.cause");
  private static final AttributeKey<String> DEPENDENCY = AttributeKey.stringKey("paved.dependency");

  private final @Nullable MeterRegistry registry;

  ResilienceTelemetry(@Nullable MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void onRetry(String dependency, int nextAttempt, Duration delay, String cause) {
    MeterRegistry r = registry;
    if (r != null) {
      Counter.builder("paved.resilience.retries").description("Retries made").tag("dependency", dependency).register(r).increment();
    }
    Span.current().addEvent("retry", Attributes.of(DEPENDENCY, dependency, ATTEMPT, (long) nextAttempt, DELAY, delay.toMillis(), CAUSE, cause));
  }

  @Override
  public void onBudgetExhausted(String dependency) {
    MeterRegistry r = registry;
    if (r != null) {
      Counter.builder("paved.resilience.budget.exhausted")
          .description("Failed attempts not retried because the retry budget was spent")
          .tag("dependency", dependency)
          .register(r)
          .increment();
    }
    Span.current().addEvent("retry_budget_exhausted", Attributes.of(DEPENDENCY, dependency));
  }

  @Override
  public void onCall(String dependency, String outcome, int attempts, long nanos) {
    MeterRegistry r = registry;
    if (r != null) {
      Counter.builder("paved.resilience.calls").description("Calls through a dependency's policy, by outcome")
          .tag("dependency", dependency).tag("outcome", outcome).register(r).increment();
    }
    if (outcome.equals("circuit_open") || outcome.equals("bulkhead_full") || outcome.equals("deadline_exceeded")) {
      Span.current().addEvent("call_rejected", Attributes.of(DEPENDENCY, dependency, AttributeKey.stringKey("paved.reason"), outcome));
    }
  }

  /** Gauges of the breaker's state and the bulkhead's free permits, and logs of every transition. */
  void watch(DependencyPolicy policy) {
    CircuitBreaker breaker = policy.circuitBreaker();
    MeterRegistry r = registry;
    if (r != null) {
      for (CircuitBreaker.State state : CircuitBreaker.State.values()) {
        Gauge.builder("paved.resilience.circuit.state", breaker, b -> b.getState() == state ? 1 : 0)
            .description("1 for the breaker's current state")
            .tag("dependency", policy.name())
            .tag("state", state.name().toLowerCase(java.util.Locale.ROOT))
            .register(r);
      }
      Gauge.builder("paved.resilience.bulkhead.available", policy.bulkhead(), b -> b.getMetrics().getAvailableConcurrentCalls())
          .description("Free bulkhead permits")
          .tag("dependency", policy.name())
          .register(r);
    }
    breaker.getEventPublisher().onStateTransition(e -> {
      try {
        if (r != null) {
          Counter.builder("paved.resilience.circuit.transitions").description("Circuit breaker state transitions")
              .tag("dependency", policy.name())
              .tag("to", e.getStateTransition().getToState().name().toLowerCase(java.util.Locale.ROOT))
              .register(r).increment();
        }
        if (e.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
          LOG.warn("Circuit breaker of dependency {} opened ({}): calls fail fast until it half-opens",
              policy.name(), e.getStateTransition(), net.logstash.logback.argument.StructuredArguments.kv("event.kind", "circuit_breaker"));
        } else {
          LOG.info("Circuit breaker of dependency {}: {}", policy.name(), e.getStateTransition(),
              net.logstash.logback.argument.StructuredArguments.kv("event.kind", "circuit_breaker"));
        }
      } catch (RuntimeException ignored) {
        // A listener never changes the breaker's state or a call's result.
      }
    });
  }
}
