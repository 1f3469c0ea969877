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
 * by job and outcome, counted as in-flight work so that graceful shutdown waits for a running job.
 */
public final class Jobs {
  static final String DURATION = "paved.job.duration";
  private static final AttributeKey<String> JOB_NAME = AttributeKey.stringKey("job.name");

  private final Tracer tracer;
  private final MeterRegistry registry;
  private final InFlight inFlight;

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
        return job.call();
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
