package dev.paved.resilience;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Each thread's stripe number, handed out round-robin when a thread first asks: threads that
 * start one after another (a pool's workers) never share a stripe while there are stripes enough,
 * which a hash of the thread id cannot promise. One small value per thread, gone with the thread.
 */
final class ThreadStripe {
  private static final AtomicInteger NEXT = new AtomicInteger();
  private static final ThreadLocal<int[]> INDEX = ThreadLocal.withInitial(() -> new int[] {NEXT.getAndIncrement()});

  private ThreadStripe() {}

  /** This thread's stripe number; callers mask it to their number of stripes (a power of two). */
  static int index() {
    return INDEX.get()[0];
  }

  /** The number of stripes for this machine: a power of two from 2 to 64, twice the processors or more. */
  static int count() {
    return Integer.highestOneBit(Math.max(2, Math.min(64, Runtime.getRuntime().availableProcessors() * 2)) * 2 - 1);
  }
}
