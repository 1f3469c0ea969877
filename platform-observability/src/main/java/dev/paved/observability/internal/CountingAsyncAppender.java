package dev.paved.observability.internal;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Logback's {@link AsyncAppender} that never blocks the logging thread and counts what it drops
 * when its queue is full, with a throttled warning on standard error (the log itself is what is
 * full). Not API.
 */
public final class CountingAsyncAppender extends AsyncAppender {
  private static final LongAdder DROPPED = new LongAdder();
  private static final java.util.Set<CountingAsyncAppender> LIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
  private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);

  static {
    // When the JVM exits (System.exit after a fatal start-up error, SIGTERM), the queued lines are
    // written first: the worker thread is a daemon, so without this the last lines — the fatal
    // event itself — could be lost. Process-wide, like the logging system it belongs to.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> drain(1_000), "paved-log-drain"));
  }

  public CountingAsyncAppender() {
    setNeverBlock(true);
    setDiscardingThreshold(0);
    setQueueSize(8192);
  }

  @Override
  public void start() {
    super.start();
    LIVE.add(this);
  }

  @Override
  public void stop() {
    LIVE.remove(this);
    super.stop();
  }

  /**
   * Waits, up to {@code timeoutMillis}, until every started instance has handed its queued events
   * to its appenders: called at the end of graceful shutdown so that the last lines are not lost
   * when the JVM exits (the worker thread is a daemon).
   */
  public static void drain(long timeoutMillis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    for (CountingAsyncAppender a : LIVE) {
      while (a.getNumberOfElementsInQueue() > 0 && System.nanoTime() < deadline) {
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
    try {
      // The worker may still be writing the batch it took last.
      Thread.sleep(Math.min(20, Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Events dropped by every instance since the JVM started. */
  public static long dropped() {
    return DROPPED.sum();
  }

  @Override
  protected void append(ILoggingEvent event) {
    if (getRemainingCapacity() == 0) {
      DROPPED.increment();
      long now = System.nanoTime();
      long last = lastWarning.get();
      if (now - last >= WARN_EVERY_NANOS && lastWarning.compareAndSet(last, now)) {
        System.err.println(
            "Paved: the log queue is full; " + DROPPED.sum() + " log events dropped so far (metric paved.logs.dropped)");
      }
      return;
    }
    super.append(event);
  }
}
