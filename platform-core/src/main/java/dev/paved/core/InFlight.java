package dev.paved.core;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts work in progress (requests, messages, jobs) so that graceful shutdown can wait for it.
 * Server instrumentation calls {@link #begin()} for each unit of work:
 *
 * <pre>{@code
 * try (InFlight.Ticket t = platform.inFlight().begin()) {
 *   handle(request);
 * }
 * }</pre>
 */
public final class InFlight {
  private final AtomicInteger count = new AtomicInteger();

  /** A unit of work in progress; closing it more than once counts once. */
  public final class Ticket implements AutoCloseable {
    private final AtomicInteger closed = new AtomicInteger();

    private Ticket() {}

    @Override
    public void close() {
      if (closed.compareAndSet(0, 1)) {
        count.decrementAndGet();
      }
    }
  }

  InFlight() {}

  /** Starts a unit of work. */
  public Ticket begin() {
    count.incrementAndGet();
    return new Ticket();
  }

  /** Work in progress now. */
  public int current() {
    return count.get();
  }

  /**
   * Waits until no work is in progress or {@code timeout} passes.
   *
   * @return whether all work finished in time
   */
  boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (count.get() > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      Thread.sleep(Math.min(10, Math.max(1, left / 1_000_000)));
    }
    return true;
  }
}
