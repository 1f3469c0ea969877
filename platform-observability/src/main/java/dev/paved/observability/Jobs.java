package dev.paved.observability;

import dev.paved.core.InFlight;
import dev.paved.core.Platform;
import java.time.Duration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * Runs scheduled jobs as root spans ({@code job nightly-report}) with {@code paved.job.duration}
 * by job and outcome, counted as in-flight work so that graceful shutdown waits for a running job,
 * and {@code paved.job.last_success.timestamp} (seconds since the epoch) by job, from which job
 * freshness is measured. Three ways to run one: {@link #run(String, Callable)} on the caller's
 * thread, {@link #schedule} in process (jitter, no overlap, a deadline per run), and {@link
 * #runOnce} as the whole process of a Kubernetes {@code CronJob} (exit codes per {@link JobOutcome}).
 */
public final class Jobs {
  static final String DURATION = "paved.job.duration";
  static final String LAST_SUCCESS = "paved.job.last_success.timestamp";
  private static final AttributeKey<String> JOB_NAME = AttributeKey.stringKey("job.name");
  private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("paved.job.outcome");
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Jobs.class);

  private final Tracer tracer;
  private final MeterRegistry registry;
  private final InFlight inFlight;
  private final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.atomic.AtomicLong> lastSuccess =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** Job threads: at most one run per schedule at a time (runs never overlap), plus runs of {@link #run(String, Duration, Callable)}. */
  private final java.util.concurrent.ExecutorService runners =
      java.util.concurrent.Executors.newCachedThreadPool(new dev.paved.core.internal.DaemonThreadFactory("paved-job"));
  private final java.util.concurrent.ScheduledExecutorService ticker =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(new dev.paved.core.internal.DaemonThreadFactory("paved-job-schedule"));
  private volatile boolean stopped;

  Jobs(Tracer tracer, MeterRegistry registry, InFlight inFlight) {
    this.tracer = tracer;
    this.registry = registry;
    this.inFlight = inFlight;
  }

  /** Runs {@code job} now, on this thread, as a root span; its exception is recorded and rethrown. */
  public <T> T run(String name, Callable<T> job) throws Exception {
    return run(name, job, () -> false);
  }

  private <T> T run(String name, Callable<T> job, java.util.function.BooleanSupplier deadlineExceeded) throws Exception {
    Span span = startRun(name);
    long start = System.nanoTime();
    JobOutcome outcome = JobOutcome.SUCCESS;
    try (Scope scope = span.makeCurrent(); InFlight.Ticket ticket = inFlight.begin()) {
      try {
        T result = job.call();
        if (deadlineExceeded.getAsBoolean()) {
          outcome = JobOutcome.DEADLINE_EXCEEDED; // it ignored the interrupt and finished late: not a fresh success
        } else {
          tracked(name).set(System.currentTimeMillis());
        }
        return result;
      } catch (Exception | Error e) {
        outcome =
            deadlineExceeded.getAsBoolean() ? JobOutcome.DEADLINE_EXCEEDED : e instanceof JobSkippedException ? JobOutcome.SKIPPED : JobOutcome.FAILURE;
        span.recordException(e);
        throw e;
      } finally {
        endRun(name, span, outcome, System.nanoTime() - start);
      }
    }
  }

  /**
   * Runs {@code job} now on a job thread as a root span and waits for it, at most {@code deadline}:
   * a run still going then is interrupted, recorded as {@link JobOutcome#DEADLINE_EXCEEDED} and
   * logged. Never throws for the job's failure: the outcome says it (and the span, the log and
   * {@code paved.job.duration{outcome}}).
   */
  public JobOutcome run(String name, Duration deadline, Callable<?> job) {
    if (deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("deadline: " + deadline + " (expected: > 0)");
    }
    return run(name, deadline, job, () -> {});
  }

  /** {@code onFinish} runs on the job's thread when the job has returned, however long after the deadline. */
  private JobOutcome run(String name, Duration deadline, Callable<?> job, Runnable onFinish) {
    java.util.concurrent.atomic.AtomicBoolean exceeded = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.Future<JobOutcome> f =
        runners.submit(() -> {
          try {
            return runQuietly(name, job, exceeded::get);
          } finally {
            onFinish.run();
          }
        });
    try {
      return f.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      exceeded.set(true);
      if (!f.cancel(true)) {
        try {
          return f.get(); // it finished at the deadline: its own outcome
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException | InterruptedException late) {
          if (late instanceof InterruptedException) {
            Thread.currentThread().interrupt();
          }
          return JobOutcome.FAILURE;
        }
      }
      LOG.atWarn().addKeyValue("job.name", name).addKeyValue("event.kind", "job_deadline_exceeded")
          .log("Job {} exceeded its deadline of {} ms and was cancelled", name, deadline.toMillis());
      return JobOutcome.DEADLINE_EXCEEDED;
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      return JobOutcome.FAILURE;
    } catch (java.util.concurrent.ExecutionException e) {
      return JobOutcome.FAILURE; // runQuietly records and catches what the job throws
    }
  }

  /**
   * Runs {@code job} every {@code interval} plus a random delay up to {@code jitter} (so that the
   * replicas of a service do not all run it at once), the first run one interval from now. Runs
   * never overlap: a run due while the previous one is still going is skipped, counted in {@code
   * paved.job.skipped} and logged. Each run has {@code deadline} (see {@link #run(String, Duration,
   * Callable)}). Scheduling stops when graceful shutdown begins; a run in progress is in-flight work
   * that shutdown waits for. Starts tracking the job's freshness at once ({@link #track}).
   */
  public JobSchedule schedule(String name, Duration interval, Duration jitter, Duration deadline, Callable<?> job) {
    if (interval.toMillis() < 1) {
      throw new IllegalArgumentException("interval: " + interval + " (expected: >= 1ms)");
    }
    if (jitter.isNegative()) {
      throw new IllegalArgumentException("jitter: " + jitter + " (expected: >= 0)");
    }
    if (deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("deadline: " + deadline + " (expected: > 0)");
    }
    if (stopped) {
      throw new IllegalStateException("job " + name + ": the platform is shutting down");
    }
    track(name);
    JobSchedule schedule = new JobSchedule(name, System.nanoTime());
    schedule.next(this, interval, jitter, deadline, job);
    return schedule;
  }

  /** A job's schedule; {@link #close} stops it (a run in progress goes on). */
  public static final class JobSchedule implements AutoCloseable {
    private final String name;
    private final long start;
    private final java.util.concurrent.atomic.AtomicLong runs = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean cancelled;
    private volatile java.util.concurrent.@org.jspecify.annotations.Nullable ScheduledFuture<?> pending;

    private JobSchedule(String name, long start) {
      this.name = name;
      this.start = start;
    }

    public String name() {
      return name;
    }

    /** Whether a run is going now. */
    public boolean isRunning() {
      return running.get();
    }

    private void next(Jobs jobs, Duration interval, Duration jitter, Duration deadline, Callable<?> job) {
      if (cancelled || jobs.stopped) {
        return;
      }
      // Run k is due at start + k * interval, plus its own jitter: jitter never makes the schedule drift.
      long k = runs.incrementAndGet();
      long due = start + k * interval.toNanos() + (jitter.isZero() ? 0 : (long) (java.util.concurrent.ThreadLocalRandom.current().nextDouble() * jitter.toNanos()));
      long delay = Math.max(0, due - System.nanoTime());
      try {
        var p = jobs.ticker.schedule(() -> {
          next(jobs, interval, jitter, deadline, job);
          if (!running.compareAndSet(false, true)) {
            jobs.skipped(name);
            return;
          }
          try {
            // Not running again until the job itself has returned, even past its deadline.
            jobs.runners.execute(() -> jobs.run(name, deadline, job, () -> running.set(false)));
          } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
            running.set(false);
          }
        }, delay, TimeUnit.NANOSECONDS);
        pending = p;
        if (cancelled) {
          p.cancel(false); // close() ran while this run was being scheduled
        }
      } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
        // The platform stopped scheduling.
      }
    }

    @Override
    public void close() {
      cancelled = true;
      var p = pending;
      if (p != null) {
        p.cancel(false);
      }
    }
  }

  /**
   * The entry point of a job run by Kubernetes as a {@code CronJob}: starts the platform from
   * {@code builder}, runs {@code job} once as {@code name} with {@code deadline}, runs graceful
   * shutdown (telemetry flushed) and exits the process with the outcome's {@link
   * JobOutcome#exitCode()}: 0 success, 1 failure, 3 deadline exceeded, 4 skipped (the job threw
   * {@link JobSkippedException}), and 2 when the platform or the job's configuration could not start.
   *
   * <pre>{@code
   * public static void main(String[] args) {
   *   Jobs.runOnce(Platform.builder(), "nightly-report", Duration.ofMinutes(10), platform -> new Report(platform).write());
   * }
   * }</pre>
   */
  public static void runOnce(Platform.Builder builder, String name, Duration deadline, JobTask job) {
    System.exit(runOnceForExitCode(builder, name, deadline, job));
  }

  /** {@link #runOnce} without the exit: returns the exit code (tests). */
  static int runOnceForExitCode(Platform.Builder builder, String name, Duration deadline, JobTask job) {
    Platform platform;
    try {
      platform = builder.shutdownHook(false).start();
    } catch (RuntimeException | Error e) {
      LOG.atError().addKeyValue("event.kind", "fatal").addKeyValue("job.name", name).setCause(e).log("The platform of job {} could not start", name);
      return Platform.EXIT_START_FAILED;
    }
    JobOutcome outcome;
    try {
      Jobs jobs;
      try {
        jobs = Observability.of(platform).jobs();
      } catch (RuntimeException e) {
        LOG.atError().addKeyValue("event.kind", "fatal").addKeyValue("job.name", name).setCause(e).log("Job {} has no observability module", name);
        return Platform.EXIT_START_FAILED;
      }
      outcome = jobs.run(name, deadline, () -> {
        job.run(platform);
        return null;
      });
    } finally {
      platform.close();
    }
    return outcome.exitCode();
  }

  /** The work of a job run once per process. */
  @FunctionalInterface
  public interface JobTask {
    void run(Platform platform) throws Exception;
  }

  private JobOutcome runQuietly(String name, Callable<?> job, java.util.function.BooleanSupplier deadlineExceeded) {
    try {
      run(name, job, deadlineExceeded);
      return JobOutcome.SUCCESS;
    } catch (JobSkippedException e) {
      LOG.atInfo().addKeyValue("job.name", name).log("Job {} skipped: {}", name, e.getMessage());
      return JobOutcome.SKIPPED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return deadlineExceeded.getAsBoolean() ? JobOutcome.DEADLINE_EXCEEDED : JobOutcome.FAILURE;
    } catch (Exception | Error e) {
      if (deadlineExceeded.getAsBoolean()) {
        return JobOutcome.DEADLINE_EXCEEDED;
      }
      LOG.atWarn().addKeyValue("job.name", name).setCause(e).log("Job {} failed", name);
      return JobOutcome.FAILURE;
    }
  }

  private void skipped(String name) {
    io.micrometer.core.instrument.Counter.builder("paved.job.skipped")
        .description("Runs of a job skipped because the previous run was still going")
        .tag("job.name", name)
        .register(registry)
        .increment();
    LOG.atWarn().addKeyValue("job.name", name).addKeyValue("event.kind", "job_skipped").log("Job {} skipped: its previous run is still going", name);
  }

  private Span startRun(String name) {
    return tracer.spanBuilder("job " + name).setNoParent().setSpanKind(SpanKind.INTERNAL).setAttribute(JOB_NAME, name).startSpan();
  }

  private void endRun(String name, Span span, JobOutcome outcome, long nanos) {
    String o = outcome.name().toLowerCase(java.util.Locale.ROOT);
    span.setAttribute(OUTCOME, o);
    if (outcome == JobOutcome.FAILURE || outcome == JobOutcome.DEADLINE_EXCEEDED) {
      span.setStatus(StatusCode.ERROR);
      span.setAttribute(HttpInstrumentation.ERROR_TYPE, outcome == JobOutcome.DEADLINE_EXCEEDED ? "deadline_exceeded" : "failure");
    }
    Timer.builder(DURATION)
        .description("Duration of scheduled jobs by outcome")
        .tag("job.name", name)
        .tag("outcome", o)
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
    span.end();
  }

  /** No new runs from now on (graceful shutdown began); runs in progress go on. */
  void stopScheduling() {
    stopped = true;
    ticker.shutdownNow();
  }

  /** Interrupts what still runs (after the in-flight phase waited for it). */
  void close() {
    stopScheduling();
    runners.shutdownNow();
  }

  /**
   * Starts measuring the freshness of job {@code name} now: its {@code
   * paved.job.last_success.timestamp} exists from this moment, counting a job that has not yet run
   * in this process as having succeeded at this moment (it gets one whole interval to run). A job's
   * first successful run does the same by itself.
   */
  public void track(String name) {
    tracked(name);
  }

  /** When job {@code name} last succeeded in this process (or {@link #track} was called), in epoch milliseconds. */
  public java.util.OptionalLong lastSuccessMillis(String name) {
    java.util.concurrent.atomic.AtomicLong t = lastSuccess.get(name);
    return t == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(t.get());
  }

  private java.util.concurrent.atomic.AtomicLong tracked(String name) {
    java.util.concurrent.atomic.AtomicLong t = lastSuccess.get(name);
    if (t != null) {
      return t;
    }
    return lastSuccess.computeIfAbsent(
        name,
        n -> {
          java.util.concurrent.atomic.AtomicLong at = new java.util.concurrent.atomic.AtomicLong(System.currentTimeMillis());
          io.micrometer.core.instrument.Gauge.builder(LAST_SUCCESS, at, a -> a.get() / 1000.0)
              .description("When the job last succeeded, in seconds since the epoch (the process start when it has not run yet)")
              .baseUnit("seconds")
              .tag("job.name", n)
              .register(registry);
          return at;
        });
  }

  /** A {@link Runnable} for a scheduler that runs {@code job} with {@link #run}; failures are recorded, not rethrown. */
  public Runnable wrap(String name, Runnable job) {
    // Recorded on the span and in paved.job.duration{outcome}, logged, never rethrown: a scheduler
    // would otherwise stop repeating the task.
    return () -> runQuietly(name, () -> {
      job.run();
      return null;
    }, () -> false);
  }
}
