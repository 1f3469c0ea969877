package dev.paved.core.internal;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Repeats background work that must never block or fail start-up (registering with a catalog,
 * publishing rules) until it succeeds: waits of 1 s between attempts, doubling up to 5 minutes.
 * Runs on the calling thread — give it a daemon thread of its own. Internal: not for public use.
 */
public final class RetryInBackground {
  static final Duration FIRST_WAIT = Duration.ofSeconds(1);
  static final Duration MAX_WAIT = Duration.ofMinutes(5);

  /** One attempt; any exception but an interrupt means "try again later". */
  @FunctionalInterface
  public interface Attempt {
    void run() throws Exception;
  }

  /** Told of each failed attempt, and whether it is the first (so it can be logged once). */
  @FunctionalInterface
  public interface Failure {
    void failed(Exception cause, boolean first);
  }

  private RetryInBackground() {}

  /**
   * Runs {@code attempt} until it succeeds, {@code stopped} says so, or the thread is interrupted
   * (the flag is kept).
   *
   * @return whether an attempt succeeded
   */
  public static boolean untilDone(Attempt attempt, BooleanSupplier stopped, Failure onFailure) {
    Duration wait = FIRST_WAIT;
    boolean first = true;
    while (!stopped.getAsBoolean()) {
      try {
        attempt.run();
        return true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } catch (Exception e) {
        onFailure.failed(e, first);
        first = false;
      }
      try {
        Thread.sleep(wait.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      Duration next = wait.multipliedBy(2);
      wait = next.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : next;
    }
    return false;
  }
}
