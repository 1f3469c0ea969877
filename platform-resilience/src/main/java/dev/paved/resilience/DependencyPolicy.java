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
  // Every default below is the declared default of its platform.resilience.defaults.* key:
  // declared once, in ResilienceSettings, and documented from there.
  /** Attempts per call, the first included ({@code platform.resilience.defaults.max-attempts}). */
  public static final int DEFAULT_MAX_ATTEMPTS = ResilienceSettings.MAX_ATTEMPTS.defaultValue();
  /** Total time a call may take ({@code platform.resilience.defaults.deadline}). */
  public static final Duration DEFAULT_DEADLINE = ResilienceSettings.DEADLINE.defaultValue();

  /** How one attempt ended, as the retry loop sees it. */
  public interface Outcome<T> {
    /** Whether another attempt may help (a retryable status, for example). */
    boolean retryable(T result);

    /** The wait the server asked for, if any ({@code Retry-After}). */
    default @Nullable Duration retryAfter(T result) {
      return null;
    }

    /**
     * What made a retried result fail, for the {@code retry} span event's {@code paved.retry.cause}
     * and the admin console (a short, bounded text such as {@code http_503}).
     */
    default String cause(T result) {
      return "retryable result";
    }

    /** Whether the breaker should count this result as a failure of the dependency. */
    default boolean isFailure(T result) {
      return retryable(result);
    }

    /**
     * Releases a result that is retried and so never reaches the caller, before the next attempt
     * (an HTTP response's body is closed, so that its connection is not leaked). After Armeria's
     * {@code RetryingClient}, which aborts the previous response before retrying.
     */
    default void discard(T result) {}
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
  /** Counted down when the platform closes: no new retry starts, by either driver. */
  private final java.util.concurrent.@Nullable CountDownLatch closing;
  /** Replaced whole when a listener is added: the call path reads one volatile field. */
  private volatile PolicyListener[] listeners;
  /**
   * The breaker state last reported. Resilience4j's own event consumers make every call allocate
   * an event once one consumer is registered, so transitions are detected here instead: one
   * volatile read per call.
   */
  private final java.util.concurrent.atomic.AtomicReference<CircuitBreaker.State> reportedState =
      new java.util.concurrent.atomic.AtomicReference<>(CircuitBreaker.State.CLOSED);
  private final dev.paved.core.internal.ThrottledLogger discardLog =
      new dev.paved.core.internal.ThrottledLogger(org.slf4j.LoggerFactory.getLogger(DependencyPolicy.class));
  private final dev.paved.core.internal.ListenerFailures listenerFailures;

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
    this.listenerFailures =
        new dev.paved.core.internal.ListenerFailures(
            org.slf4j.LoggerFactory.getLogger(DependencyPolicy.class), "dependency '" + b.name + "' (the call is unaffected)");
    this.maxAttempts = b.maxAttempts;
    this.deadline = b.deadline;
    this.backoff = b.backoff;
    this.budget = b.budget;
    HandoverClock clock = new HandoverClock(b.breakerConfig.getClock());
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
    this.closing = b.closing;
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

  // One state machine, two drivers. The rules of a call live in the methods below (begin,
  // acquire, afterFailure, afterResult, retryWait, finish); the blocking driver (run) waits
  // between attempts on the caller's thread, the asynchronous one (callAsync) on a scheduler.
  // Every rule (deadlines, the breaker's permission and state reports, the bulkhead or adaptive
  // limit, idempotency, Outcome, Retry-After, the budget, the discard hook, the shutdown latch,
  // the caller's deadline) is applied by both, and tested on both.

  /** afterFailure/afterResult: stop and hand the outcome to the caller. */
  private static final long STOP = -1;
  /** afterFailure: the attempt was cut short by the caller's deadline, not failed by the dependency. */
  private static final long CALLER_DEADLINE = -2;

  /**
   * The loop behind every blocking call: exactly one of {@code plain} and {@code timed} is set.
   * The happy path reads the clock twice and allocates nothing of its own.
   */
  private <T> T run(@Nullable Callable<T> plain, @Nullable TimedAttempt<T> timed, Outcome<T> outcome, boolean idempotent)
      throws Exception {
    long start = nanoTime.getAsLong();
    Long requestDeadline = dev.paved.observability.Deadlines.deadlineNanos(io.opentelemetry.context.Context.current());
    long deadlineAt = deadlineAt(start, requestDeadline);
    boolean callerBound = requestDeadline != null && requestDeadline == deadlineAt;
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
        com.netflix.concurrency.limits.Limiter.@Nullable Listener permit;
        try {
          permit = acquire();
        } catch (RuntimeException refused) {
          ended = refusal(refused);
          throw refused;
        }
        long attemptStart = now;
        T result;
        try {
          result = plain != null ? plain.call() : java.util.Objects.requireNonNull(timed).run(Duration.ofNanos(left));
        } catch (Exception e) {
          now = nanoTime.getAsLong();
          long wait = afterFailure(e, attemptStart, now, permit, attempts, deadlineAt, callerBound, idempotent);
          if (wait == CALLER_DEADLINE) {
            ended = "deadline_exceeded";
            throw callerDeadline(attempts, e);
          }
          if (wait == STOP || !pause(wait)) {
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
        boolean failed;
        try {
          failed = outcome.isFailure(result);
        } catch (RuntimeException judging) {
          // The service's Outcome threw: count the attempt as failed and give the permit back.
          outcomes.failure(now - attemptStart, now, judging);
          release(permit, false);
          throw judging;
        }
        long wait = afterResult(result, outcome, failed, attemptStart, now, permit, attempts, deadlineAt);
        if (wait == STOP) {
          ended = failed ? "failure" : "success";
          return result;
        }
        boolean again;
        try {
          again = pause(wait);
        } catch (InterruptedException interrupted) {
          discard(outcome, result); // never returned: released before the interrupt propagates
          throw interrupted;
        }
        if (!again) {
          // The platform is closing: no new attempt; the caller gets this result.
          ended = failed ? "failure" : "success";
          return result;
        }
        discard(outcome, result);
        now = nanoTime.getAsLong();
      }
    } finally {
      finish(ended, attempts, now - start);
    }
  }

  /** The policy's deadline from {@code start}, or the request's when that is sooner. */
  private long deadlineAt(long start, @Nullable Long requestDeadline) {
    long at = start + deadline.toNanos();
    return requestDeadline != null && requestDeadline < at ? requestDeadline : at;
  }

  /**
   * The permissions of one attempt: the breaker's (throws {@code CallNotPermittedException} when
   * open: never retried), then the adaptive limit's or the bulkhead's (throws {@code
   * BulkheadFullException}, whichever limiter is configured). Returns the adaptive permit, or null
   * for the bulkhead's.
   */
  private com.netflix.concurrency.limits.Limiter.@Nullable Listener acquire() {
    breaker.acquirePermission();
    if (adaptive != null) {
      com.netflix.concurrency.limits.Limiter.@Nullable Listener permit = adaptive.acquire(null).orElse(null);
      if (permit == null) {
        breaker.releasePermission();
        throw io.github.resilience4j.bulkhead.BulkheadFullException.createBulkheadFullException(bulkhead);
      }
      return permit;
    }
    if (!bulkhead.tryAcquirePermission()) {
      breaker.releasePermission();
      throw io.github.resilience4j.bulkhead.BulkheadFullException.createBulkheadFullException(bulkhead);
    }
    return null;
  }

  /** The outcome label of a call refused by {@link #acquire}. */
  private static String refusal(RuntimeException refused) {
    return refused instanceof io.github.resilience4j.circuitbreaker.CallNotPermittedException ? "circuit_open" : "bulkhead_full";
  }

  /**
   * Judges an attempt that threw: the breaker counts it (unless the caller's deadline cut it
   * short), the permit goes back, and the answer is the wait before the next attempt, {@link
   * #STOP}, or {@link #CALLER_DEADLINE}. Only a refused connection is retried for a
   * non-idempotent call.
   */
  private long afterFailure(
      Throwable e,
      long attemptStart,
      long now,
      com.netflix.concurrency.limits.Limiter.@Nullable Listener permit,
      int attempts,
      long deadlineAt,
      boolean callerBound,
      boolean idempotent) {
    if (callerBound && now >= deadlineAt && RetryClassifier.isRetryableException(e)) {
      // The caller's deadline ran out during the attempt: not the dependency's failure. The
      // breaker, the budget and the adaptive limit are left as they were.
      breaker.releasePermission();
      if (permit == null) {
        bulkhead.onComplete();
      } else {
        permit.onIgnore();
      }
      return CALLER_DEADLINE;
    }
    outcomes.failure(now - attemptStart, now, e);
    reportTransition();
    release(permit, RetryClassifier.isRetryableException(e));
    boolean retryable = e instanceof java.net.ConnectException || (idempotent && RetryClassifier.isRetryableException(e));
    return retryable ? retryWait(attempts, deadlineAt, null, e.getClass().getName()) : STOP;
  }

  /** Judges an attempt that returned: the breaker counts it, the permit goes back, and a wait or {@link #STOP}. */
  private <T> long afterResult(
      T result,
      Outcome<T> outcome,
      boolean failed,
      long attemptStart,
      long now,
      com.netflix.concurrency.limits.Limiter.@Nullable Listener permit,
      int attempts,
      long deadlineAt) {
    long took = now - attemptStart;
    release(permit, failed);
    if (failed) {
      outcomes.failure(took, now, new FailedResultException(name));
      reportTransition();
    } else {
      outcomes.success(took, now);
    }
    if (!outcome.retryable(result)) {
      return STOP;
    }
    return retryWait(attempts, deadlineAt, outcome.retryAfter(result), outcome.cause(result));
  }

  /** Gives a result that will not be returned to {@link Outcome#discard}; a discard that throws is logged. */
  private <T> void discard(Outcome<T> outcome, T result) {
    try {
      outcome.discard(result);
    } catch (RuntimeException e) {
      discardLog.warn("Discarding a retried result of dependency '" + name + "' failed", e);
    }
  }

  private DeadlineExceededException callerDeadline(int attempts, Throwable cause) {
    DeadlineExceededException e = new DeadlineExceededException(name, deadline, attempts);
    e.initCause(cause);
    return e;
  }

  /** Waits {@code nanos} before the next attempt; false when the platform is closing. */
  private boolean pause(long nanos) throws InterruptedException {
    try {
      // false: the platform is closing; the caller gets the last failure at once.
      return sleeper.sleep(nanos);
    } catch (InterruptedException e) {
      // Keep the flag for the caller's code, and stop at once.
      Thread.currentThread().interrupt();
      throw e;
    }
  }

  /** The end of every call, whichever driver ran it: a state change reported once, then the call. */
  private void finish(String ended, int attempts, long nanos) {
    if (listeners.length > 0) {
      checkState();
      notifyCall(ended, attempts, nanos);
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

  /**
   * Subscribes {@code listener} to this policy's events from now on, at any time (after
   * Resilience4j's {@code EventPublisher}): service code can watch a named policy it did not
   * build. A listener that throws is logged (throttled) and never changes a call's result.
   */
  public synchronized void addListener(PolicyListener listener) {
    Objects.requireNonNull(listener, "listener");
    PolicyListener[] next = java.util.Arrays.copyOf(listeners, listeners.length + 1);
    next[next.length - 1] = listener;
    listeners = next;
  }

  /** The adaptive limit now, when the adaptive option is on. */
  public java.util.OptionalInt adaptiveLimit() {
    var a = adaptive;
    return a == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(a.getLimit());
  }

  /**
   * Reports a transition the attempt just recorded may have caused (a failure that opened the
   * breaker), when it happens rather than at the end of the call, after its retries.
   */
  private void reportTransition() {
    if (listeners.length > 0) {
      checkState();
    }
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
        listenerFailures.failed(e);
      }
    }
  }

  /**
   * Runs an asynchronous call under the policy, by the same rules as the blocking calls: deadline
   * (the request's too), breaker, bulkhead or adaptive limit around each attempt; I/O failures and
   * time-outs retried with backoff on {@code scheduler}, under the budget; no retry once the
   * platform is closing. The returned stage completes with the result or the last failure.
   * Cancelling it ({@code toCompletableFuture().cancel}) stops further attempts; a result that
   * still arrives is {@link Outcome#discard discarded}.
   */
  public <T> java.util.concurrent.CompletionStage<T> callAsync(
      java.util.function.Supplier<? extends java.util.concurrent.CompletionStage<T>> call,
      java.util.concurrent.ScheduledExecutorService scheduler) {
    @SuppressWarnings("unchecked")
    Outcome<T> ok = (Outcome<T>) ALWAYS_OK;
    return callAsync(call, ok, true, scheduler);
  }

  /**
   * As {@link #callAsync(java.util.function.Supplier, java.util.concurrent.ScheduledExecutorService)},
   * judging each result with {@code outcome} (a retryable result is retried, and {@link
   * Outcome#discard discarded} first) and retrying exceptions only when {@code idempotent} (or
   * the connection was refused).
   */
  public <T> java.util.concurrent.CompletionStage<T> callAsync(
      java.util.function.Supplier<? extends java.util.concurrent.CompletionStage<T>> call,
      Outcome<T> outcome,
      boolean idempotent,
      java.util.concurrent.ScheduledExecutorService scheduler) {
    Objects.requireNonNull(call, "call");
    return callAsyncTimed(timeLeft -> call.get(), outcome, idempotent, scheduler);
  }

  /**
   * As {@link #callAsync(java.util.function.Supplier, Outcome, boolean,
   * java.util.concurrent.ScheduledExecutorService)}, each attempt told how much time the call has
   * left (the policy's deadline or the request's, whichever ends first), as {@link #callTimed}
   * tells the blocking one: an HTTP attempt bounds its own time-out by it and sends it on.
   */
  public <T> java.util.concurrent.CompletionStage<T> callAsyncTimed(
      java.util.function.Function<Duration, ? extends java.util.concurrent.CompletionStage<T>> call,
      Outcome<T> outcome,
      boolean idempotent,
      java.util.concurrent.ScheduledExecutorService scheduler) {
    Objects.requireNonNull(call, "call");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(scheduler, "scheduler");
    long start = nanoTime.getAsLong();
    Long requestDeadline = dev.paved.observability.Deadlines.deadlineNanos(io.opentelemetry.context.Context.current());
    long deadlineAt = deadlineAt(start, requestDeadline);
    budget.recordRequest(start);
    AsyncCall<T> async =
        new AsyncCall<>(call, outcome, idempotent, scheduler, start, deadlineAt, requestDeadline != null && requestDeadline == deadlineAt);
    async.attempt();
    return async.result;
  }

  /** The asynchronous driver: the state the blocking driver keeps in locals. */
  private final class AsyncCall<T> {
    final java.util.function.Function<Duration, ? extends java.util.concurrent.CompletionStage<T>> call;
    final Outcome<T> outcome;
    final boolean idempotent;
    final java.util.concurrent.ScheduledExecutorService scheduler;
    final long start;
    final long deadlineAt;
    final boolean callerBound;
    final java.util.concurrent.CompletableFuture<T> result = new java.util.concurrent.CompletableFuture<>();
    final io.opentelemetry.context.Context context = io.opentelemetry.context.Context.current();
    int attempts;

    AsyncCall(
        java.util.function.Function<Duration, ? extends java.util.concurrent.CompletionStage<T>> call,
        Outcome<T> outcome,
        boolean idempotent,
        java.util.concurrent.ScheduledExecutorService scheduler,
        long start,
        long deadlineAt,
        boolean callerBound) {
      this.call = call;
      this.outcome = outcome;
      this.idempotent = idempotent;
      this.scheduler = scheduler;
      this.start = start;
      this.deadlineAt = deadlineAt;
      this.callerBound = callerBound;
    }

    void attempt() {
      if (result.isDone()) {
        // The caller cancelled (during the wait, or before it began): no further attempt.
        finish("failure", attempts, nanoTime.getAsLong() - start);
        return;
      }
      if (nanoTime.getAsLong() >= deadlineAt) {
        fail("deadline_exceeded", new DeadlineExceededException(name, deadline, attempts));
        return;
      }
      attempts++;
      com.netflix.concurrency.limits.Limiter.@Nullable Listener permit;
      try {
        permit = acquire();
      } catch (RuntimeException refused) {
        fail(refusal(refused), refused);
        return;
      }
      long attemptStart = nanoTime.getAsLong();
      java.util.concurrent.CompletionStage<T> stage;
      try {
        stage = call.apply(Duration.ofNanos(Math.max(0, deadlineAt - attemptStart)));
      } catch (RuntimeException | Error e) {
        stage = java.util.concurrent.CompletableFuture.failedFuture(e);
      }
      stage.whenComplete((value, error) -> completed(value, error, permit, attemptStart));
    }

    @SuppressWarnings("NullAway") // a CompletionStage<Void> completes with null: a valid result
    private void completed(
        @Nullable T value,
        @Nullable Throwable error,
        com.netflix.concurrency.limits.Limiter.@Nullable Listener permit,
        long attemptStart) {
      long now = nanoTime.getAsLong();
      if (error == null) {
        T r = value;
        boolean failed;
        try {
          failed = outcome.isFailure(r);
        } catch (RuntimeException judging) {
          outcomes.failure(now - attemptStart, now, judging);
          release(permit, false);
          fail("failure", judging);
          return;
        }
        long wait;
        try {
          wait = afterResult(r, outcome, failed, attemptStart, now, permit, attempts, deadlineAt);
        } catch (RuntimeException judging) {
          fail("failure", judging); // the permit was given back and the attempt recorded first
          return;
        }
        if (wait == STOP) {
          finish(failed ? "failure" : "success", attempts, nanoTime.getAsLong() - start);
          deliver(r);
          return;
        }
        if ((closing != null && closing.getCount() == 0) || scheduler.isShutdown()) {
          // The platform is closing: no new attempt; the caller gets this result.
          finish(failed ? "failure" : "success", attempts, nanoTime.getAsLong() - start);
          deliver(r);
          return;
        }
        discard(outcome, r);
        if (!retryLater(wait)) {
          fail("failure", new java.util.concurrent.RejectedExecutionException("the scheduler of dependency '" + name + "' refused the retry"));
        }
        return;
      }
      Throwable cause =
          error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
      if (cause instanceof Error e) {
        outcomes.failure(now - attemptStart, now, e);
        release(permit, false);
        fail("failure", e);
        return;
      }
      long wait = afterFailure(cause, attemptStart, now, permit, attempts, deadlineAt, callerBound, idempotent);
      if (wait == CALLER_DEADLINE) {
        fail("deadline_exceeded", callerDeadline(attempts, cause));
      } else if (wait == STOP || !retryLater(wait)) {
        fail("failure", cause);
      }
    }

    /** Completes the call with {@code r}; a result the caller no longer takes (cancelled) is released. */
    private void deliver(T r) {
      if (!result.complete(r)) {
        discard(outcome, r);
      }
    }

    /** Schedules the next attempt; false when the platform is closing or the scheduler is shut down. */
    private boolean retryLater(long wait) {
      if (closing != null && closing.getCount() == 0) {
        return false;
      }
      try {
        scheduler.schedule(context.wrap(this::attempt), wait, TimeUnit.NANOSECONDS);
        return true;
      } catch (java.util.concurrent.RejectedExecutionException shutDown) {
        return false;
      }
    }

    private void fail(String ended, Throwable error) {
      finish(ended, attempts, nanoTime.getAsLong() - start);
      result.completeExceptionally(error);
    }
  }

  /**
   * The wait before another attempt, or {@link #STOP} when there is none: no attempts left, the
   * breaker open, no time left for the wait, or the budget spent.
   */
  private long retryWait(int attempts, long deadlineAt, @Nullable Duration retryAfter, String cause) {
    CircuitBreaker.State state = breaker.getState();
    if (attempts >= maxAttempts || state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN) {
      return STOP;
    }
    if (closing != null && closing.getCount() == 0) {
      return STOP;
    }
    long wait = backoff.delay(attempts, retryAfter).toNanos();
    if (nanoTime.getAsLong() + wait >= deadlineAt) {
      return STOP;
    }
    if (!budget.tryRetry()) {
      tell(l -> l.onBudgetExhausted(name));
      return STOP;
    }
    tell(l -> l.onRetry(name, attempts + 1, Duration.ofNanos(wait), cause));
    return wait;
  }

  private void notifyCall(String outcome, int attempts, long nanos) {
    for (PolicyListener l : listeners) {
      try {
        l.onCall(name, outcome, attempts, nanos);
      } catch (RuntimeException e) {
        listenerFailures.failed(e);
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
            .slidingWindowSize((int) ResilienceSettings.CB_WINDOW.defaultValue().toSeconds())
            .minimumNumberOfCalls(ResilienceSettings.CB_MINIMUM_CALLS.defaultValue())
            .failureRateThreshold(ResilienceSettings.CB_FAILURE_RATE.defaultValue().floatValue())
            .slowCallRateThreshold(ResilienceSettings.CB_SLOW_RATE.defaultValue().floatValue())
            .slowCallDurationThreshold(ResilienceSettings.CB_SLOW_DURATION.defaultValue())
            .waitDurationInOpenState(ResilienceSettings.CB_WAIT_OPEN.defaultValue())
            .permittedNumberOfCallsInHalfOpenState(ResilienceSettings.CB_HALF_OPEN_CALLS.defaultValue())
            .maxWaitDurationInHalfOpenState(ResilienceSettings.CB_MAX_WAIT_HALF_OPEN.defaultValue())
            .automaticTransitionFromOpenToHalfOpenEnabled(false)
            .build();
    private BulkheadConfig bulkheadConfig =
        BulkheadConfig.custom()
            .maxConcurrentCalls(ResilienceSettings.BULKHEAD_MAX.defaultValue())
            .maxWaitDuration(Duration.ZERO)
            .fairCallHandlingStrategyEnabled(false)
            .build();
    private LongSupplier nanoTime = System::nanoTime;
    private Sleeper sleeper = nanos -> {
      TimeUnit.NANOSECONDS.sleep(nanos);
      return true;
    };
    private final java.util.List<PolicyListener> listeners = new java.util.ArrayList<>();
    private java.util.concurrent.@Nullable CountDownLatch closing;
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
     * maxConcurrency}, for blocking and asynchronous calls alike. A call refused by the limit gets
     * the same {@code BulkheadFullException} as one refused by the bulkhead.
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
      this.closing = closing;
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
