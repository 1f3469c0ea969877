package dev.paved.resilience;

import java.time.Duration;

/**
 * What a {@link DependencyPolicy} tells about its calls, for metrics, span events and logs. A
 * listener that throws is logged and ignored: it never changes the result of a call.
 */
public interface PolicyListener {
  /** A retry is about to wait {@code delay} before attempt {@code nextAttempt}. */
  default void onRetry(String dependency, int nextAttempt, Duration delay, String cause) {}

  /** A failed attempt was not retried because the retry budget was spent. */
  default void onBudgetExhausted(String dependency) {}

  /**
   * The circuit breaker moved from {@code from} to {@code to}, as seen by this policy's calls
   * (reported once per change; changes between two calls are seen as one).
   */
  default void onCircuitStateChange(String dependency, String from, String to) {}

  /**
   * A call ended. {@code outcome} is {@code success}, {@code failure}, {@code circuit_open},
   * {@code bulkhead_full} or {@code deadline_exceeded}.
   */
  default void onCall(String dependency, String outcome, int attempts, long nanos) {}
}
