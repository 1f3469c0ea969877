package dev.paved.spring;

import dev.paved.observability.Deadlines;
import dev.paved.observability.ObservedExchange;
import dev.paved.observability.HttpExchanges;
import dev.paved.resilience.DependencyPolicy;
import dev.paved.resilience.HttpOutcome;
import dev.paved.resilience.RetryClassifier;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.core.publisher.Mono;

/**
 * A {@code WebClient}'s requests sent the Paved way: a CLIENT span and {@code
 * http.client.request.duration} per attempt, the trace context injected, the request's context
 * taken from Reactor's ({@link ReactorContext}) — and, for a named dependency, its policy: retries
 * with backoff under the retry budget (the same {@link HttpOutcome} rule as the blocking client:
 * 429/502/503/504 and I/O failures of idempotent requests, {@code Retry-After} honoured, a retried
 * response's body released), the breaker and bulkhead, each attempt bounded by the attempt timeout
 * and the time left, which is sent on as the deadline header. Nothing blocks a thread: waits run
 * on the retry scheduler.
 */
final class PavedExchangeFilter implements ExchangeFilterFunction {
  private final HttpExchanges exchanges;
  private final @Nullable DependencyPolicy policy;
  private final @Nullable ScheduledExecutorService scheduler;
  private final Duration attemptTimeout;

  /** Traced only: one attempt per request, within {@code timeout}. */
  PavedExchangeFilter(HttpExchanges exchanges, Duration timeout) {
    this.exchanges = exchanges;
    this.policy = null;
    this.scheduler = null;
    this.attemptTimeout = timeout;
  }

  /** Under {@code policy}, its retries waiting on {@code scheduler}. */
  PavedExchangeFilter(HttpExchanges exchanges, DependencyPolicy policy, ScheduledExecutorService scheduler, Duration attemptTimeout) {
    this.exchanges = exchanges;
    this.policy = policy;
    this.scheduler = scheduler;
    this.attemptTimeout = attemptTimeout;
  }

  @Override
  public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
    DependencyPolicy p = policy;
    ScheduledExecutorService retries = scheduler;
    if (p == null || retries == null) {
      return Mono.deferContextual(view -> attempt(ReactorContext.of(view), request, next, null));
    }
    boolean idempotent = RetryClassifier.isIdempotent(request.method().name());
    HttpOutcome<ClientResponse> outcome =
        HttpOutcome.of(
            idempotent,
            r -> r.statusCode().value(),
            r -> r.headers().asHttpHeaders().getFirst("Retry-After"),
            r -> r.releaseBody().subscribe());
    return Mono.deferContextual(
            view -> {
              Context parent = ReactorContext.of(view);
              // Spring wraps an attempt's I/O failure (a refused connection, a reset) in a
              // WebClientRequestException, which is no IOException: the policy is given the I/O
              // failure itself, so that it retries by the blocking client's rules, and the caller
              // gets Spring's exception back.
              Map<Throwable, Throwable> unwrapped = new ConcurrentHashMap<>();
              java.util.concurrent.CompletionStage<ClientResponse> stage;
              // The policy reads the request's deadline, and each retry runs in, this context.
              try (Scope scope = parent.makeCurrent()) {
                stage =
                    p.callAsyncTimed(
                        timeLeft ->
                            attempt(Context.current(), request, next, timeLeft)
                                .onErrorMap(e -> ioCause(e, unwrapped))
                                // The caller's Reactor context (security, the filters after this one) for every attempt.
                                .contextWrite(context -> context.putAll(view))
                                .toFuture(),
                        outcome,
                        idempotent,
                        retries);
              }
              // A cancelled subscriber cancels the call: no further attempt, and an answer that
              // still arrives is released by the policy (HttpOutcome's release).
              return Mono.fromFuture(stage.toCompletableFuture()).onErrorMap(e -> unwrapped.getOrDefault(e, e));
            });
  }

  /** The I/O failure inside Spring's request exception (remembered, to give Spring's back), else {@code e}. */
  private static Throwable ioCause(Throwable e, Map<Throwable, Throwable> unwrapped) {
    if (e instanceof WebClientRequestException && e.getCause() instanceof java.io.IOException io) {
      unwrapped.put(io, e);
      return io;
    }
    return e;
  }

  private Mono<ClientResponse> attempt(Context parent, ClientRequest request, ExchangeFunction next, @Nullable Duration timeLeft) {
    ObservedExchange exchange = exchanges.client(parent, request.method().name(), request.url());
    Duration timeout = timeLeft != null && timeLeft.compareTo(attemptTimeout) < 0 ? timeLeft : attemptTimeout;
    ClientRequest traced =
        ClientRequest.from(request)
            .headers(
                headers -> {
                  exchange.inject(headers, (h, k, v) -> {
                    if (h != null) {
                      h.set(k, v);
                    }
                  });
                  if (timeLeft != null) {
                    // How long this caller will still wait, as the blocking client tells it.
                    headers.set(Deadlines.HEADER, String.valueOf(Math.max(1, timeLeft.toMillis())));
                  }
                })
            .build();
    return next.exchange(traced)
        .timeout(timeout.isZero() ? Duration.ofMillis(1) : timeout)
        .doOnNext(response -> exchange.status(response.statusCode().value()))
        // The span names the I/O failure (a refused connection), not Spring's wrapper of it.
        .doOnError(e -> exchange.failed(e instanceof WebClientRequestException && e.getCause() != null ? e.getCause() : e))
        .doFinally(signal -> exchange.end())
        .contextWrite(context -> context.put(ReactorContext.KEY, exchange.context()));
  }
}
