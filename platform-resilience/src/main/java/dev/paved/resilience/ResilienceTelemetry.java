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

  private static final java.util.List<String> OUTCOMES =
      java.util.List.of("success", "failure", "circuit_open", "bulkhead_full", "deadline_exceeded");

  private final @Nullable MeterRegistry registry;
  /**
   * Per dependency, its call counts by outcome index: looked up and incremented without
   * allocating (Micrometer reads them through function counters).
   */
  private final java.util.Map<String, java.util.concurrent.atomic.LongAdder[]> calls = new java.util.concurrent.ConcurrentHashMap<>();

  ResilienceTelemetry(@Nullable MeterRegistry registry) {
    this.registry = registry;
  }

  private java.util.concurrent.atomic.LongAdder[] callCounters(MeterRegistry r, String dependency) {
    java.util.concurrent.atomic.LongAdder[] counters = calls.get(dependency);
    if (counters != null) {
      return counters;
    }
    return calls.computeIfAbsent(dependency, d -> {
      java.util.concurrent.atomic.LongAdder[] c = new java.util.concurrent.atomic.LongAdder[OUTCOMES.size()];
      for (int i = 0; i < c.length; i++) {
        c[i] = new java.util.concurrent.atomic.LongAdder();
        io.micrometer.core.instrument.FunctionCounter.builder("paved.resilience.calls", c[i], java.util.concurrent.atomic.LongAdder::sum)
            .description("Calls through a dependency's policy, by outcome")
            .tag("dependency", d).tag("outcome", OUTCOMES.get(i)).register(r);
      }
      return c;
    });
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
  public void onCircuitStateChange(String dependency, String from, String to) {
    MeterRegistry r = registry;
    if (r != null) {
      Counter.builder("paved.resilience.circuit.transitions").description("Circuit breaker state transitions")
          .tag("dependency", dependency).tag("to", to).register(r).increment();
    }
    if (to.equals("open")) {
      LOG.atWarn()
          .addKeyValue("event.kind", "circuit_breaker")
          .log("Circuit breaker of dependency {} opened (from {}): calls fail fast until it half-opens", dependency, from);
    } else {
      LOG.atInfo().addKeyValue("event.kind", "circuit_breaker").log("Circuit breaker of dependency {}: {} to {}", dependency, from, to);
    }
  }

  @Override
  public void onCall(String dependency, String outcome, int attempts, long nanos) {
    MeterRegistry r = registry;
    if (r != null) {
      int i = OUTCOMES.indexOf(outcome);
      if (i >= 0) {
        callCounters(r, dependency)[i].increment();
      }
    }
    if (outcome.equals("circuit_open") || outcome.equals("bulkhead_full") || outcome.equals("deadline_exceeded")) {
      Span.current().addEvent("call_rejected", Attributes.of(DEPENDENCY, dependency, AttributeKey.stringKey("paved.reason"), outcome));
    }
  }

  /** Gauges of the breaker's state and the bulkhead's free permits. */
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
  }
}
