package dev.paved.resilience;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import dev.paved.observability.Deadlines;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP client for one dependency whose every request goes through its {@link DependencyPolicy}:
 * 429, 502, 503 and 504 are retried with backoff, honouring {@code Retry-After}; other 4xx and 5xx
 * are returned at once; a non-idempotent method (POST, PATCH) is retried only through {@link
 * #sendIdempotent}. Each attempt has a time limit (the request's own timeout, else the client's).
 * After the last attempt the last response is returned, not thrown; every response that is retried
 * is released first (a body left open by the handler, as {@code BodyHandlers.ofInputStream()}
 * leaves it, is closed), so retries never leak a connection.
 */
public final class ResilientHttpClient {
  /** Sends one attempt: {@link HttpClient#send}, or an instrumented client's. */
  @FunctionalInterface
  public interface Sender {
    <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException, InterruptedException;
  }

  /** Time limit of one attempt: the declared default of {@code platform.resilience.defaults.attempt-timeout}. */
  public static final Duration DEFAULT_ATTEMPT_TIMEOUT = ResilienceSettings.ATTEMPT_TIMEOUT.defaultValue();

  private final DependencyPolicy policy;
  private final Sender sender;
  private final Duration attemptTimeout;

  private ResilientHttpClient(DependencyPolicy policy, Sender sender, Duration attemptTimeout) {
    this.policy = policy;
    this.sender = sender;
    this.attemptTimeout = attemptTimeout;
  }

  public static ResilientHttpClient create(DependencyPolicy policy, HttpClient client) {
    return create(policy, client::send, DEFAULT_ATTEMPT_TIMEOUT);
  }

  public static ResilientHttpClient create(DependencyPolicy policy, Sender sender, Duration attemptTimeout) {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(sender, "sender");
    if (attemptTimeout.isNegative() || attemptTimeout.isZero()) {
      throw new IllegalArgumentException("attemptTimeout: " + attemptTimeout + " (expected: > 0)");
    }
    return new ResilientHttpClient(policy, sender, attemptTimeout);
  }

  /** Sends {@code request}; retried only when its method is idempotent. */
  public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException, InterruptedException {
    return send(request, handler, RetryClassifier.isIdempotent(request.method()));
  }

  /** Sends {@code request} as idempotent whatever its method (the dependency deduplicates it). */
  public <T> HttpResponse<T> sendIdempotent(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException {
    return send(request, handler, true);
  }

  private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler, boolean idempotent)
      throws IOException, InterruptedException {
    Duration limit = request.timeout().orElse(attemptTimeout);
    DependencyPolicy.Outcome<HttpResponse<T>> outcome =
        HttpOutcome.of(
            idempotent,
            HttpResponse::statusCode,
            r -> r.headers().firstValue("Retry-After").orElse(null),
            r -> {
              // A body the handler left open (ofInputStream, ofLines) holds the connection.
              if (r.body() instanceof AutoCloseable body) {
                try {
                  body.close();
                } catch (Exception e) {
                  // Closing a body only releases it; nothing to tell the caller.
                }
              }
            });
    try {
      return policy.callTimed(
          timeLeft -> {
            // Each attempt: at most its own limit and the time left, and it tells the dependency
            // how long this caller will still wait.
            Duration timeout = timeLeft.compareTo(limit) < 0 ? timeLeft : limit;
            HttpRequest attempt =
                HttpRequest.newBuilder(request, (k, v) -> !k.equalsIgnoreCase(Deadlines.HEADER))
                    .timeout(timeout.isZero() ? Duration.ofMillis(1) : timeout)
                    .header(Deadlines.HEADER, String.valueOf(Math.max(1, timeLeft.toMillis())))
                    .build();
            return sender.send(attempt, handler);
          },
          outcome,
          idempotent);
    } catch (IOException | InterruptedException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    }
  }
}
