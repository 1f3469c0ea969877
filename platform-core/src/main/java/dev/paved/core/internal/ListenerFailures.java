package dev.paved.core.internal;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * The one way Paved isolates the listeners that service code gives it (configuration changes,
 * secret rotations, resilience events, request and message hooks): a listener that throws never
 * changes what Paved was doing, the other listeners are still told, and the failure is counted
 * and logged — the first {@value ThrottledLogger#BURST}, then at most once a minute with the
 * number suppressed, so a listener failing on every request cannot flood the log. Interrupts are
 * kept. Internal: not for public use.
 */
public final class ListenerFailures {
  private final String what;
  private final ThrottledLogger log;
  private final AtomicLong count = new AtomicLong();

  /** Failures of the listeners of {@code what} (for example "configuration section 'orders'"), logged to {@code logger}. */
  public ListenerFailures(Logger logger, String what) {
    this.what = what;
    this.log = new ThrottledLogger(logger);
  }

  /** Counts and reports one failure; what the caller was doing goes on. */
  public void failed(Throwable e) {
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    count.incrementAndGet();
    log.warn("A listener of " + what + " failed; the other listeners were told and Paved carries on", e);
  }

  /** Failures since start, for the module's metric. */
  public long count() {
    return count.get();
  }

  /** The counter itself, for a Micrometer {@code FunctionCounter}. */
  public AtomicLong counter() {
    return count;
  }
}
