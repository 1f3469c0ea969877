package dev.paved.resilience;

import java.io.IOException;
import java.net.ConnectException;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * Which failures are worth another attempt. Retried: I/O errors and timeouts, and HTTP 429, 502,
 * 503 and 504. Never retried: other 4xx (the request is wrong, repeating it will not help), other
 * 5xx (500 and 501 say the server tried and failed), and exceptions that are not I/O or time-outs
 * (bugs). A method that is not idempotent (POST, PATCH) is retried only when the call is marked
 * idempotent — or when the connection was refused, since the request was then never sent.
 */
public final class RetryClassifier {
  private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

  private RetryClassifier() {}

  /** Whether the status asks for another attempt: 429, 502, 503, 504. */
  public static boolean isRetryableStatus(int status) {
    return status == 429 || status == 502 || status == 503 || status == 504;
  }

  /** Whether HTTP defines the method as idempotent (RFC 9110 section 9.2.2). */
  public static boolean isIdempotent(String method) {
    return IDEMPOTENT.contains(method.toUpperCase(Locale.ROOT));
  }

  /** Whether the exception is a transient failure: I/O (including HTTP time-outs) or a time-out. */
  public static boolean isRetryableException(Throwable error) {
    return error instanceof IOException || error instanceof TimeoutException;
  }

  /**
   * Whether an HTTP call that ended with {@code error} (or, when null, with {@code status}) should
   * be attempted again.
   */
  public static boolean shouldRetry(@Nullable Throwable error, int status, String method, boolean markedIdempotent) {
    if (error != null) {
      if (error instanceof ConnectException) {
        return true;
      }
      return isRetryableException(error) && (markedIdempotent || isIdempotent(method));
    }
    return isRetryableStatus(status) && (markedIdempotent || isIdempotent(method));
  }
}
