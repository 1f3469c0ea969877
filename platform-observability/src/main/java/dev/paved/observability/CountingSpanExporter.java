package dev.paved.observability;

import dev.paved.core.HealthResult;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps the configured span exporter: counts exported and failed spans, keeps the health of the
 * export, and warns once, then at most once a minute, while exports fail. An exporter that throws
 * counts as a failed export and never reaches the service.
 */
final class CountingSpanExporter implements SpanExporter {
  private static final Logger LOG = LoggerFactory.getLogger(CountingSpanExporter.class);
  private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final SpanExporter delegate;
  private final LongAdder exported = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final AtomicBoolean failing = new AtomicBoolean();
  private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);
  private final LongAdder suppressed = new LongAdder();

  CountingSpanExporter(SpanExporter delegate) {
    this.delegate = delegate;
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    int n = spans.size();
    CompletableResultCode result;
    try {
      result = delegate.export(spans);
    } catch (RuntimeException e) {
      onFailure(n, e.getClass().getName());
      return CompletableResultCode.ofFailure();
    }
    result.whenComplete(() -> {
      if (result.isSuccess()) {
        exported.add(n);
        if (failing.compareAndSet(true, false)) {
          LOG.info("Paved observability: span export recovered");
        }
      } else {
        Throwable t = result.getFailureThrowable();
        onFailure(n, t == null ? "export failed" : describe(t));
      }
    });
    return result;
  }

  /** The failure and its cause, e.g. "FailedExportException: ... (caused by ConnectException: ...)". */
  static String describe(Throwable t) {
    StringBuilder sb = new StringBuilder(t.getClass().getSimpleName());
    if (t.getMessage() != null) {
      sb.append(": ").append(t.getMessage());
    }
    Throwable cause = t.getCause();
    if (cause != null && cause != t) {
      sb.append(" (caused by ").append(cause.getClass().getSimpleName());
      if (cause.getMessage() != null) {
        sb.append(": ").append(cause.getMessage());
      }
      sb.append(')');
    }
    return sb.length() > 500 ? sb.substring(0, 500) + "…" : sb.toString();
  }

  private void onFailure(int spans, String reason) {
    failed.add(spans);
    failing.set(true);
    long now = System.nanoTime();
    long last = lastWarning.get();
    if (now - last >= WARN_EVERY_NANOS && lastWarning.compareAndSet(last, now)) {
      long skipped = suppressed.sumThenReset();
      LOG.warn(
          "Paved observability: exporting {} spans failed ({}); the service is unaffected, export is retried{}",
          spans,
          reason,
          skipped > 0 ? " (" + skipped + " similar failures not logged)" : "");
    } else {
      suppressed.increment();
    }
  }

  long exported() {
    return exported.sum();
  }

  long failed() {
    return failed.sum();
  }

  HealthResult health() {
    HealthResult r = failing.get() ? HealthResult.degraded("span export failing") : HealthResult.up();
    return r.withDetail("exportedSpans", exported()).withDetail("failedSpans", failed());
  }

  @Override
  public CompletableResultCode flush() {
    try {
      return delegate.flush();
    } catch (RuntimeException e) {
      return CompletableResultCode.ofFailure();
    }
  }

  @Override
  public CompletableResultCode shutdown() {
    try {
      return delegate.shutdown();
    } catch (RuntimeException e) {
      return CompletableResultCode.ofFailure();
    }
  }
}
