package dev.paved.resilience;

import java.time.Duration;

/** A call was not made (or not retried) because the time allowed for it had run out. */
public final class DeadlineExceededException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  DeadlineExceededException(String dependency, Duration deadline, int attempts) {
    super(attempts == 0
        ? "Call to dependency '" + dependency + "' not made: no time left of the request's deadline"
        : "Call to dependency '" + dependency + "' ran out of time (deadline " + deadline.toMillis() + " ms, or the request's, if shorter) after "
            + attempts + (attempts == 1 ? " attempt" : " attempts"));
  }
}
