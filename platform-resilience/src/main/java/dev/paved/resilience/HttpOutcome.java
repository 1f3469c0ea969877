package dev.paved.resilience;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.jspecify.annotations.Nullable;

/**
 * How an HTTP attempt ended, as the retry loop sees it, for any client's response type: 429, 502,
 * 503 and 504 are retried (when the request is idempotent), honouring {@code Retry-After}; 5xx and
 * 429 count as failures of the dependency for its breaker; a retried response is released first.
 * The one rule of {@link ResilientHttpClient} and of the Spring {@code WebClient} filter.
 */
public final class HttpOutcome<R> implements DependencyPolicy.Outcome<R> {
  private final boolean idempotent;
  private final ToIntFunction<R> status;
  private final Function<R, @Nullable String> retryAfter;
  private final Consumer<R> release;

  private HttpOutcome(boolean idempotent, ToIntFunction<R> status, Function<R, @Nullable String> retryAfter, Consumer<R> release) {
    this.idempotent = idempotent;
    this.status = status;
    this.retryAfter = retryAfter;
    this.release = release;
  }

  /**
   * The outcome of responses of type {@code R}: {@code status} reads the status code, {@code
   * retryAfter} the {@code Retry-After} header (or null), {@code release} frees a response that is
   * retried (closes its body, so its connection is not leaked).
   */
  public static <R> HttpOutcome<R> of(
      boolean idempotent, ToIntFunction<R> status, Function<R, @Nullable String> retryAfter, Consumer<R> release) {
    return new HttpOutcome<>(
        idempotent, Objects.requireNonNull(status, "status"), Objects.requireNonNull(retryAfter, "retryAfter"), Objects.requireNonNull(release, "release"));
  }

  @Override
  public boolean retryable(R r) {
    return idempotent && RetryClassifier.isRetryableStatus(status.applyAsInt(r));
  }

  @Override
  public boolean isFailure(R r) {
    int s = status.applyAsInt(r);
    return s >= 500 || s == 429;
  }

  @Override
  public String cause(R r) {
    return "http_" + status.applyAsInt(r);
  }

  @Override
  public void discard(R r) {
    release.accept(r);
  }

  @Override
  public @Nullable Duration retryAfter(R r) {
    return Backoff.parseRetryAfter(retryAfter.apply(r), Instant.now()).orElse(null);
  }
}
