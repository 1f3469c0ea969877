package dev.paved.resilience;

import java.time.Duration;

/** A call was not made (or not retried) because the time allowed for it had run out. */
public final class DeadlineExceededException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  DeadlineExceededException(String dependency, Duration deadline, int attempts) {
    super("Call to dependency '" + dependency + "' exceeded its deadline of " + deadline.toMillis() + " ms after " + attempts
        + (attempts == 1 ? " attempt" : " attempts"));
  }
}
