package dev.paved.resilience;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The policy of one dependency: every call goes through, in this order, an overall deadline, the
 * retry loop (full-jitter backoff, retry budget), the circuit breaker, and the bulkhead. Each
 * attempt is judged by the breaker on its own; the retry loop sees the breaker's verdict, so it
 * never retries into an open circuit, and the budget caps retries across all callers.
 *
 * <p>Why this order: retries outside the breaker let the breaker count every attempt and stop
 * retries as soon as it opens; the bulkhead inside the breaker means a rejected call is not
 * counted as a failure of the dependency; the deadline outside everything bounds the total time a
 * caller waits, backoff included.
 */
public final class DependencyPolicy {
  /** {@value} */
  public static final int DEFAULT_MAX_ATTEMPTS = 3;
  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(10);

  /** How one attempt ended, as the retry loop sees it. */
  public interface Outcome<T> {
    /** Whether another attempt may help (a retryable status, for example). */
    boolean retryable(T result);

    /** The wait the server asked for, if any ({@code Retry-After}). */
    default @Nullable Duration retryAfter(T result) {
      return null;
    }

    /** Whether the breaker should count this result as a failure of the dependency. */
    default boolean isFailure(T result) {
      return retryable(result);
    }
  }

  private static final Outcome<Object> ALWAYS_OK =
      new Outcome<>() {
        @Override
        public boolean retryable(Object result) {
          return false;
        }
      };

  private final String name;
  private final int maxAttempts;
  private final Duration deadline;
  private final Backoff backoff;
  private final RetryBudget budget;
  private final CircuitBreaker breaker;
  /** The breaker's outcome recording: fast successes in per-thread batches, the rest at once. */
  private final SuccessStripes outcomes;
  private final Bulkhead bulkhead;
  /** When set, an adaptive concurrency limit used instead of the bulkhead's fixed one. */
  private final com.netflix.concurrency.limits.limiter.@Nullable AbstractLimiter<Void> adaptive;
  private final LongSupplier nanoTime;
  private final Sleeper sleeper;
  private final PolicyListener[] listeners;
  /**
   * The breaker state last reported. Resilience4j's own event consumers make every call allocate
   * an event once one consumer is registered, so transitions are detected here instead: one
   * volatile read per call.
   */
  private final java.util.concurrent.atomic.AtomicReference<CircuitBreaker.State> reportedState =
      new java.util.concurrent.atomic.AtomicReference<>(CircuitBreaker.State.CLOSED);
  private final dev.paved.core.internal.ThrottledLogger listenerLog =
      new dev.paved.core.internal.ThrottledLogger(org.slf4j.LoggerFactory.getLogger(DependencyPolicy.class));

  /** One attempt, told how much time is left for it. */
  @FunctionalInterface
  public interface TimedAttempt<T> {
    T run(Duration timeLeft) throws Exception;
  }

  /** Sleeps between attempts; interruptible. */
  interface Sleeper {
    /** Waits {@code nanos}; returns false when told to stop waiting (the platform is closing). */
    boolean sleep(long nanos) throws InterruptedException;
  }

  private DependencyPolicy(Builder b) {
    this.name = b.name;
    this.maxAttempts = b.maxAttempts;
    this.deadline = b.deadline;
    this.backoff = b.backoff;
    this.budget = b.budget;
    ReplayClock clock = new ReplayClock(b.breakerConfig.getClock());
    this.breaker = CircuitBreaker.of(b.name, CircuitBreakerConfig.from(b.breakerConfig).clock(clock).build());
    this.outcomes = new SuccessStripes(breaker, clock);
    // Without waiting (Paved's configuration), the striped bulkhead: the same limit, no shared
    // counter per call. A waiting bulkhead (a builder-given configuration) is Resilience4j's own.
    this.bulkhead = b.bulkheadConfig.getMaxWaitDuration().isZero() ? new StripedBulkhead(b.name, b.bulkheadConfig) : Bulkhead.of(b.name, b.bulkheadConfig);
    this.adaptive = b.adaptiveMax > 0
        ? com.netflix.concurrency.limits.limiter.SimpleLimiter.newBuilder()
            .named(b.name)
            .limit(com.netflix.concurrency.limits.limit.Gradient2Limit.newBuilder()
                .initialLimit(Math.min(20, b.adaptiveMax)).minLimit(1).maxConcurrency(b.adaptiveMax).build())
            .build()
        : null;
    this.nanoTime = b.nanoTime;
    this.sleeper = b.sleeper;
    this.listeners = b.listeners.toArray(new PolicyListener[0]);
  }

  public static Builder builder(String name) {
    return new Builder(name);
  }

  public String name() {
    return name;
  }

  public CircuitBreaker circuitBreaker() {
    return breaker;
  }

  public Bulkhead bulkhead() {
    return bulkhead;
  }

  public RetryBudget budget() {
    return budget;
  }

  /** Runs {@code call} under the policy; exceptions that are I/O errors or time-outs are retried. */
  public <T> T call(Callable<T> call) throws Exception {
    Objects.requireNonNull(call, "call");
    @SuppressWarnings("unchecked")
    Outcome<T> ok = (Outcome<T>) ALWAYS_OK;
    return run(call, null, ok, true);
  }

  /**
   * Runs {@code attempt} under the policy, judging each result with {@code outcome}; a result that
   * is still retryable when no retry is left is returned, not thrown.
   *
   * @param idempotent whether exceptions may be retried (a non-idempotent call is retried only
   *     when it surely did not reach the dependency: a refused connection)
   */
  public <T> T call(Callable<T> attempt, Outcome<T> outcome, boolean idempotent) throws Exception {
    Objects.requireNonNull(attempt, "attempt");
    return run(attempt, null, outcome, idempotent);
  }

  /**
   * As {@link #call(Callable, Outcome, boolean)}, telling each attempt the time left: the smaller
   * of this policy's deadline and the current request's ({@link
   * dev.paved.observability.Deadlines}). With no time left, nothing is called.
   */
  public <T> T callTimed(TimedAttempt<T> attempt, Outcome<T> outcome, boolean idempotent) throws Exception {
    Objects.requireNonNull(attempt, "attempt");
    return run(null, attempt, outcome, idempotent);
  }

  /**
   * The loop behind every blocking call: exactly one of {@code plain} and {@code timed} is set.
   * The happy path reads the clock twice and allocates nothing of its own.
   */
  private <T> T run(@Nullable Callable<T> plain, @Nullable TimedAttempt<T> timed, Outcome<T> outcome, boolean idempotent)
      throws Exception {
    long start = nanoTime.getAsLong();
    long deadlineAt = start + deadline.toNanos();
    Long requestDeadline = dev.paved.observability.Deadlines.deadlineNanos(io.opentelemetry.context.Context.current());
    if (requestDeadline != null && requestDeadline < deadlineAt) {
      deadlineAt = requestDeadline;
    }
    budget.recordRequest(start);
    int attempts = 0;
    long now = start;
    String ended = "failure";
    try {
      while (true) {
        long left = deadlineAt - now;
        if (left <= 0) {
          ended = "deadline_exceeded";
          throw new DeadlineExceededException(name, deadline, attempts);
        }
        attempts++;
        try {
          breaker.acquirePermission(); // throws CallNotPermittedException when open: never retried
        } catch (io.github.resilience4j.circuitbreaker.CallNotPermittedException e) {
          ended = "circuit_open";
          throw e;
        }
        com.netflix.concurrency.limits.Limiter.@Nullable Listener permit = null;
        if (adaptive != null) {
          permit = adaptive.acquire(null).orElse(null);
          if (permit == null) {
            breaker.releasePermission();
            ended = "bulkhead_full";
            throw new ConcurrencyLimitException(name, adaptive.getLimit());
          }
        } else if (!bulkhead.tryAcquirePermission()) {
          breaker.releasePermission();
          ended = "bulkhead_full";
          throw io.github.resilience4j.bulkhead.BulkheadFullException.createBulkheadFullException(bulkhead);
        }
        long attemptStart = now;
        T result;
        try {
          result = plain != null ? plain.call() : java.util.Objects.requireNonNull(timed).run(Duration.ofNanos(left));
        } catch (Exception e) {
          now = nanoTime.getAsLong();
          outcomes.failure(now - attemptStart, now, e);
          release(permit, RetryClassifier.isRetryableException(e));
          boolean retryable = e instanceof java.net.ConnectException || (idempotent && RetryClassifier.isRetryableException(e));
          if (!retryable || !mayRetry(attempts, deadlineAt, null, e.getClass().getName())) {
            throw e;
          }
          now = nanoTime.getAsLong();
          continue;
        } catch (Error e) {
          long at = nanoTime.getAsLong();
          outcomes.failure(at - attemptStart, at, e);
          release(permit, false);
          throw e;
        }
        now = nanoTime.getAsLong();
        long took = now - attemptStart;
        boolean failedResult = outcome.isFailure(result);
        release(permit, failedResult);
        boolean failed = failedResult;
        if (failed) {
          outcomes.failure(took, now, new FailedResultException(name));
        } else {
          outcomes.success(took, now);
        }
        if (!outcome.retryable(result) || !mayRetry(attempts, deadlineAt, outcome.retryAfter(result), "retryable result")) {
          ended = failed ? "failure" : "success";
          return result;
        }
        now = nanoTime.getAsLong();
      }
    } finally {
      if (listeners.length > 0) {
        checkState();
        notifyCall(ended, attempts, now - start);
      }
    }
  }

  /**
   * Gives the permit back: to the adaptive limiter (a time-out or overload signal lowers its limit,
   * a success lets it grow, anything else is ignored), or to the bulkhead.
   */
  private void release(com.netflix.concurrency.limits.Limiter.@Nullable Listener permit, boolean overloadSignal) {
    if (permit == null) {
      bulkhead.onComplete();
    } else if (overloadSignal) {
      permit.onDropped();
    } else {
      permit.onSuccess();
    }
  }

  /** The adaptive limit now, when the adaptive option is on. */
  public java.util.OptionalInt adaptiveLimit() {
    var a = adaptive;
    return a == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(a.getLimit());
  }

  /** Reports a change of the breaker's state once. */
  private void checkState() {
    CircuitBreaker.State now = breaker.getState();
    CircuitBreaker.State before = java.util.Objects.requireNonNull(reportedState.get());
    if (now != before && reportedState.compareAndSet(before, now)) {
      String from = before.name().toLowerCase(java.util.Locale.ROOT);
      String to = now.name().toLowerCase(java.util.Locale.ROOT);
      tell(l -> l.onCircuitStateChange(name, from, to));
    }
  }

  /**
   * Tells every listener of a rare event; a listener that throws is logged and skipped. (The
   * per-call {@link #notifyCall} loops by hand, to stay free of a lambda on the hot path.)
   */
  private void tell(java.util.function.Consumer<PolicyListener> event) {
    for (PolicyListener l : listeners) {
      try {
        event.accept(l);
      } catch (RuntimeException e) {
        listenerLog.warn("A resilience listener failed; the call is unaffected", e);
      }
    }
  }

  /**
   * Runs an asynchronous call under the policy: breaker and bulkhead around each attempt; I/O
   * failures and time-outs retried with backoff on {@code scheduler}, under the budget and the
   * deadline. The returned stage completes with the result or the last failure.
   */
  public <T> java.util.concurrent.CompletionStage<T> callAsync(
      java.util.function.Supplier<? extends java.util.concurrent.CompletionStage<T>> call,
      java.util.concurrent.ScheduledExecutorService scheduler) {
    Objects.requireNonNull(call, "call");
    Objects.requireNonNull(scheduler, "scheduler");
    java.util.concurrent.CompletableFuture<T> result = new java.util.concurrent.CompletableFuture<>();
    long start = nanoTime.getAsLong();
    long deadlineAt = start + deadline.toNanos();
    Long requestDeadline = dev.paved.observability.Deadlines.deadlineNanos(io.opentelemetry.context.Context.current());
    if (requestDeadline != null && requestDeadline < deadlineAt) {
      deadlineAt = requestDeadline;
    }
    budget.recordRequest(start);
    attemptAsync(call, scheduler, result, 1, deadlineAt, start);
    return result;
  }

  private <T> void attemptAsync(
      java.util.function.Supplier<? extends java.util.concurrent.CompletionStage<T>> call,
      java.util.concurrent.ScheduledExecutorService scheduler,
      java.util.concurrent.CompletableFuture<T> result,
      int attempt,
      long deadlineAt,
      long start) {
    if (nanoTime.getAsLong() >= deadlineAt) {
      notifyCall("deadline_exceeded", attempt - 1, nanoTime.getAsLong() - start);
      result.completeExceptionally(new DeadlineExceededException(name, deadline, attempt - 1));
      return;
    }
    try {
      breaker.acquirePermission();
    } catch (io.github.resilience4j.circuitbreaker.CallNotPermittedException e) {
      notifyCall("circuit_open", attempt, nanoTime.getAsLong() - start);
      result.completeExceptionally(e);
      return;
    }
    if (!bulkhead.tryAcquirePermission()) {
      breaker.releasePermission();
      notifyCall("bulkhead_full", attempt, nanoTime.getAsLong() - start);
      result.completeExceptionally(io.github.resilience4j.bulkhead.BulkheadFullException.createBulkheadFullException(bulkhead));
      return;
    }
    long attemptStart = nanoTime.getAsLong();
    java.util.concurrent.CompletionStage<T> stage;
    try {
      stage = call.get();
    } catch (RuntimeException | Error e) {
      stage = java.util.concurrent.CompletableFuture.failedFuture(e);
    }
    io.opentelemetry.context.Context context = io.opentelemetry.context.Context.current();
    stage.whenComplete((value, error) -> {
      long completed = nanoTime.getAsLong();
      long took = completed - attemptStart;
      bulkhead.onComplete();
      if (error == null) {
        outcomes.success(took, completed);
        notifyCall("success", attempt, nanoTime.getAsLong() - start);
        result.complete(value);
        return;
      }
      Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
      outcomes.failure(took, completed, cause);
      long wait = RetryClassifier.isRetryableException(cause) ? retryWait(attempt, deadlineAt, null, cause.getClass().getName()) : -1;
      if (wait < 0) {
        notifyCall("failure", attempt, nanoTime.getAsLong() - start);
        result.completeExceptionally(cause);
        return;
      }
      try {
        scheduler.schedule(context.wrap(() -> attemptAsync(call, scheduler, result, attempt + 1, deadlineAt, start)), wait, TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.RejectedExecutionException shutDown) {
        notifyCall("failure", attempt, nanoTime.getAsLong() - start);
        result.completeExceptionally(cause);
      }
    });
  }

  /**
   * The wait before another attempt, or -1 when there is none: no attempts left, the breaker open,
   * no time left for the wait, or the budget spent.
   */
  private long retryWait(int attempts, long deadlineAt, @Nullable Duration retryAfter, String cause) {
    CircuitBreaker.State state = breaker.getState();
    if (attempts >= maxAttempts || state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN) {
      return -1;
    }
    long wait = backoff.delay(attempts, retryAfter).toNanos();
    if (nanoTime.getAsLong() + wait >= deadlineAt) {
      return -1;
    }
    if (!budget.tryRetry()) {
      tell(l -> l.onBudgetExhausted(name));
      return -1;
    }
    tell(l -> l.onRetry(name, attempts + 1, Duration.ofNanos(wait), cause));
    return wait;
  }

  /** Whether another attempt may start: attempts left, breaker closed, time left, budget; then waits. */
  private boolean mayRetry(int attempts, long deadlineAt, @Nullable Duration retryAfter, String cause) throws InterruptedException {
    long wait = retryWait(attempts, deadlineAt, retryAfter, cause);
    if (wait < 0) {
      return false;
    }
    try {
      // false: the platform is closing; the caller gets the last failure at once.
      return sleeper.sleep(wait);
    } catch (InterruptedException e) {
      // Keep the flag for the caller's code, and stop at once.
      Thread.currentThread().interrupt();
      throw e;
    }
  }

  private void notifyCall(String outcome, int attempts, long nanos) {
    for (PolicyListener l : listeners) {
      try {
        l.onCall(name, outcome, attempts, nanos);
      } catch (RuntimeException e) {
        listenerLog.warn("A resilience listener failed; the call is unaffected", e);
      }
    }
  }

  /** Marks a result the breaker counts as failure; never thrown to callers. */
  static final class FailedResultException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FailedResultException(String dependency) {
      super("dependency '" + dependency + "' answered with a failure", null, false, false);
    }
  }

  /** Builds a {@link DependencyPolicy}; every setter validates at once. */
  public static final class Builder {
    private final String name;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private Duration deadline = DEFAULT_DEADLINE;
    private Backoff backoff = Backoff.ofDefaults();
    private RetryBudget budget = RetryBudget.ofDefaults();
    private CircuitBreakerConfig breakerConfig =
        CircuitBreakerConfig.custom()
            .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.TIME_BASED)
            .slidingWindowSize(30)
            .minimumNumberOfCalls(20)
            .failureRateThreshold(50)
            .slowCallRateThreshold(100)
            .slowCallDurationThreshold(Duration.ofSeconds(2))
            .waitDurationInOpenState(Duration.ofSeconds(30))
            .permittedNumberOfCallsInHalfOpenState(5)
            .maxWaitDurationInHalfOpenState(Duration.ofSeconds(10))
            .automaticTransitionFromOpenToHalfOpenEnabled(false)
            .build();
    private BulkheadConfig bulkheadConfig =
        BulkheadConfig.custom().maxConcurrentCalls(64).maxWaitDuration(Duration.ZERO).fairCallHandlingStrategyEnabled(false).build();
    private LongSupplier nanoTime = System::nanoTime;
    private Sleeper sleeper = nanos -> {
      TimeUnit.NANOSECONDS.sleep(nanos);
      return true;
    };
    private final java.util.List<PolicyListener> listeners = new java.util.ArrayList<>();
    private int adaptiveMax;

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
    }

    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts: " + maxAttempts + " (expected: >= 1)");
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    public Builder deadline(Duration deadline) {
      if (deadline.isNegative() || deadline.isZero()) {
        throw new IllegalArgumentException("deadline: " + deadline + " (expected: > 0)");
      }
      this.deadline = deadline;
      return this;
    }

    public Builder backoff(Backoff backoff) {
      this.backoff = Objects.requireNonNull(backoff, "backoff");
      return this;
    }

    public Builder budget(RetryBudget budget) {
      this.budget = Objects.requireNonNull(budget, "budget");
      return this;
    }

    /** Resilience4j's circuit-breaker settings (a maximum wait in half-open above zero is required). */
    public Builder circuitBreaker(CircuitBreakerConfig config) {
      if (config.getMaxWaitDurationInHalfOpenState().isZero()) {
        throw new IllegalArgumentException(
            "circuitBreaker.maxWaitDurationInHalfOpenState: 0 (expected: > 0, so that a hung trial call cannot leave the breaker half-open forever)");
      }
      this.breakerConfig = config;
      return this;
    }

    public Builder bulkhead(BulkheadConfig config) {
      this.bulkheadConfig = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * Uses an adaptive concurrency limit (Netflix concurrency-limits, Gradient2) instead of the
     * bulkhead's fixed one: the limit follows the dependency's latency, between 1 and {@code
     * maxConcurrency}. Blocking calls only; asynchronous calls keep the bulkhead.
     */
    public Builder adaptiveConcurrency(int maxConcurrency) {
      if (maxConcurrency < 1) {
        throw new IllegalArgumentException("maxConcurrency: " + maxConcurrency + " (expected: >= 1)");
      }
      this.adaptiveMax = maxConcurrency;
      return this;
    }

    /** Adds a listener; one that throws never changes a call's result. */
    public Builder listener(PolicyListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** Backoff waits end early, without retrying, once {@code closing} is counted down. */
    Builder closing(java.util.concurrent.CountDownLatch closing) {
      this.sleeper = nanos -> !closing.await(nanos, TimeUnit.NANOSECONDS);
      return this;
    }

    Builder clock(LongSupplier nanoTime, Sleeper sleeper) {
      this.nanoTime = nanoTime;
      this.sleeper = sleeper;
      return this;
    }

    public DependencyPolicy build() {
      return new DependencyPolicy(this);
    }
  }
}
