package dev.paved.resilience;

import dev.paved.core.AdminServer;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the admin console shows of each dependency ({@code GET /dependencies}): its breaker's state
 * and recent transitions (every one, forced ones too, from Resilience4j's own events), calls by
 * outcome, failed attempts by cause and the last few of them, the retry budget, the bulkhead or
 * adaptive limit in use. And the operator action {@code breaker}: force a breaker open or closed
 * for a bounded time.
 */
final class PolicyActivity implements PolicyListener {
  private static final int RECENT = 20;

  private record Event(Instant at, String text) {
    Map<String, Object> toMap() {
      return Map.of("at", at.toString(), "text", text);
    }
  }

  private static final class Stats {
    final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
    final Map<String, LongAdder> causes = new ConcurrentHashMap<>();
    final ArrayDeque<Event> failures = new ArrayDeque<>();
    final ArrayDeque<Event> transitions = new ArrayDeque<>();
  }

  private final Map<String, Stats> stats = new ConcurrentHashMap<>();

  private Stats of(String dependency) {
    return stats.computeIfAbsent(dependency, d -> new Stats());
  }

  /** Follows a policy's breaker: every transition, as Resilience4j reports it. */
  void watch(DependencyPolicy policy) {
    Stats s = of(policy.name());
    policy.circuitBreaker().getEventPublisher().onStateTransition(e -> add(s.transitions, e.getStateTransition().getFromState() + " -> " + e.getStateTransition().getToState()));
  }

  private static void add(ArrayDeque<Event> ring, String text) {
    synchronized (ring) {
      if (ring.size() == RECENT) {
        ring.removeFirst();
      }
      ring.addLast(new Event(Instant.now(), text));
    }
  }

  @Override
  public void onRetry(String dependency, int nextAttempt, Duration delay, String cause) {
    Stats s = of(dependency);
    s.causes.computeIfAbsent(cause, c -> new LongAdder()).increment();
    add(s.failures, "attempt " + (nextAttempt - 1) + " failed: " + cause + "; retry in " + delay.toMillis() + " ms");
  }

  @Override
  public void onBudgetExhausted(String dependency) {
    add(of(dependency).failures, "not retried: the retry budget is spent");
  }

  @Override
  public void onCall(String dependency, String outcome, int attempts, long nanos) {
    Stats s = of(dependency);
    s.outcomes.computeIfAbsent(outcome, o -> new LongAdder()).increment();
    if (!outcome.equals("success")) {
      add(s.failures, "call ended " + outcome + " after " + attempts + (attempts == 1 ? " attempt" : " attempts"));
    }
  }

  /** The body of {@code GET /dependencies}. */
  Map<String, Object> toMap(Map<String, DependencyPolicy> policies) {
    List<Object> list = new ArrayList<>();
    for (DependencyPolicy p : new TreeMap<>(policies).values()) {
      Stats s = of(p.name());
      CircuitBreaker.Metrics m = p.circuitBreaker().getMetrics();
      Map<String, Object> breaker = new LinkedHashMap<>();
      breaker.put("state", p.circuitBreaker().getState().name());
      breaker.put("failureRate", m.getFailureRate());
      breaker.put("slowCallRate", m.getSlowCallRate());
      breaker.put("bufferedCalls", m.getNumberOfBufferedCalls());
      breaker.put("failedCalls", m.getNumberOfFailedCalls());
      breaker.put("notPermittedCalls", m.getNumberOfNotPermittedCalls());
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("name", p.name());
      d.put("breaker", breaker);
      d.put("transitions", events(s.transitions));
      d.put("retryBudget", Map.of("available", p.budget().available(), "exhausted", p.budget().exhausted()));
      var bulkhead = p.bulkhead().getMetrics();
      Map<String, Object> concurrency = new LinkedHashMap<>();
      concurrency.put("inUse", bulkhead.getMaxAllowedConcurrentCalls() - bulkhead.getAvailableConcurrentCalls());
      concurrency.put("max", bulkhead.getMaxAllowedConcurrentCalls());
      p.adaptiveLimit().ifPresent(l -> concurrency.put("adaptiveLimit", l));
      d.put("concurrency", concurrency);
      d.put("calls", counts(s.outcomes));
      d.put("failuresByCause", counts(s.causes));
      d.put("recentFailures", events(s.failures));
      list.add(d);
    }
    return Map.of("dependencies", list);
  }

  private static List<Object> events(ArrayDeque<Event> ring) {
    synchronized (ring) {
      return ring.stream().map(e -> (Object) e.toMap()).toList();
    }
  }

  private static Map<String, Long> counts(Map<String, LongAdder> adders) {
    Map<String, Long> out = new TreeMap<>();
    adders.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /** Registers {@code GET /dependencies} and the action {@code breaker}. */
  void register(AdminServer admin, Resilience resilience) {
    admin.addEndpoint("/dependencies", request -> dev.paved.core.AdminResponse.json(200, toMap(resilience.policies())));
    admin.addAction(
        "breaker",
        "Force a dependency's circuit breaker open (every call fails fast) or closed (every call goes through) for a while (default 10m, at most 1h)",
        List.of("dependency", "state", "duration"),
        request -> {
          String name = request.required("dependency");
          DependencyPolicy p = resilience.policies().get(name);
          if (p == null) {
            throw new IllegalArgumentException("dependency: '" + name + "' (expected: one of " + new TreeMap<>(resilience.policies()).keySet() + ")");
          }
          String state = request.required("state").toLowerCase(Locale.ROOT);
          Duration duration = request.duration();
          if (!state.equals("open") && !state.equals("closed")) {
            throw new IllegalArgumentException("state: '" + state + "' (expected: open or closed)");
          }
          CircuitBreaker cb = p.circuitBreaker();
          boolean open = state.equals("open");
          return admin.temporary(
              "breaker:" + name,
              request,
              duration,
              "breaker " + name,
              open ? "FORCED_OPEN" : "DISABLED",
              () -> {
                String before = cb.getState().name();
                if (open) {
                  cb.transitionToForcedOpenState();
                } else {
                  // Resilience4j's DISABLED: every call is permitted and none is recorded.
                  cb.transitionToDisabledState();
                }
                // The end closes it: counting starts afresh, and it opens again if the dependency still fails.
                return new AdminServer.Undo(before, cb::transitionToClosedState);
              });
        });
  }
}
