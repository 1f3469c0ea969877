package dev.paved.observability;

import dev.paved.core.InFlight;
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
 * freshness is measured.
 */
public final class Jobs {
  static final String DURATION = "paved.job.duration";
  static final String LAST_SUCCESS = "paved.job.last_success.timestamp";
  private static final AttributeKey<String> JOB_NAME = AttributeKey.stringKey("job.name");

  private final Tracer tracer;
  private final MeterRegistry registry;
  private final InFlight inFlight;
  private final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.atomic.AtomicLong> lastSuccess =
      new java.util.concurrent.ConcurrentHashMap<>();

  Jobs(Tracer tracer, MeterRegistry registry, InFlight inFlight) {
    this.tracer = tracer;
    this.registry = registry;
    this.inFlight = inFlight;
  }

  /** Runs {@code job} now, on this thread, as a root span; its exception is recorded and rethrown. */
  public <T> T run(String name, Callable<T> job) throws Exception {
    Span span =
        tracer.spanBuilder("job " + name).setNoParent().setSpanKind(SpanKind.INTERNAL).setAttribute(JOB_NAME, name).startSpan();
    long start = System.nanoTime();
    String outcome = "success";
    try (Scope scope = span.makeCurrent(); InFlight.Ticket ticket = inFlight.begin()) {
      try {
        T result = job.call();
        tracked(name).set(System.currentTimeMillis());
        return result;
      } catch (Exception | Error e) {
        outcome = "failure";
        span.recordException(e);
        span.setStatus(StatusCode.ERROR);
        span.setAttribute(HttpInstrumentation.ERROR_TYPE, e.getClass().getName());
        throw e;
      } finally {
        Timer.builder(DURATION)
            .description("Duration of scheduled jobs by outcome")
            .tag("job.name", name)
            .tag("outcome", outcome)
            .register(registry)
            .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        span.end();
      }
    }
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
    return () -> {
      try {
        run(name, () -> {
          job.run();
          return null;
        });
      } catch (Exception e) {
        // Recorded on the span and in paved.job.duration{outcome="failure"}; a scheduler would
        // otherwise stop repeating the task.
        org.slf4j.LoggerFactory.getLogger(Jobs.class).warn("Job {} failed", name, e);
      }
    };
  }
}
