package dev.paved.spring;

import dev.paved.observability.HttpExchanges;
import dev.paved.resilience.Resilience;
import java.util.concurrent.ScheduledExecutorService;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * {@code WebClient}s for the service's named dependencies, each request under that dependency's
 * Paved policy ({@code platform.resilience.dependencies.<name>.*}: retries with backoff under the
 * retry budget, circuit breaker, bulkhead, attempt timeout, deadline propagation) with a CLIENT
 * span and client metrics per attempt — the rules of {@code Resilience.httpClient(name)}, without
 * blocking a thread.
 *
 * <pre>{@code
 * WebClient inventory = webClients.builder("inventory").baseUrl(url).build();
 * }</pre>
 */
public final class PavedWebClients implements AutoCloseable {
  private final Resilience resilience;
  private final HttpExchanges exchanges;
  /** Where the waits between retries run, so that no request thread is held: one daemon thread. */
  private final ScheduledExecutorService scheduler;
  private final WebClient.Builder base;

  PavedWebClients(Resilience resilience, HttpExchanges exchanges, WebClient.Builder base) {
    this.resilience = resilience;
    this.exchanges = exchanges;
    java.util.concurrent.ScheduledThreadPoolExecutor retries =
        new java.util.concurrent.ScheduledThreadPoolExecutor(1, new dev.paved.core.internal.DaemonThreadFactory("paved-webclient-retry"));
    retries.setRemoveOnCancelPolicy(true);
    this.scheduler = retries;
    this.base = base;
  }

  /**
   * Stops the retry thread once the retries already waiting have run: no new retry is scheduled
   * (a call that would retry ends with its last answer), and none waiting is dropped — a dropped
   * one would leave its caller waiting for ever.
   */
  @Override
  public void close() {
    scheduler.shutdown();
  }

  /**
   * A builder (a fresh copy of the application's {@code WebClient.Builder}, with its codecs and
   * customizers) whose requests go through {@code dependency}'s policy, in place of the traced-only
   * filter every Spring Boot builder has.
   */
  public WebClient.Builder builder(String dependency) {
    ExchangeFilterFunction policy = filter(dependency);
    return base.clone().filters(filters -> {
      filters.removeIf(f -> f instanceof PavedExchangeFilter);
      filters.add(policy);
    });
  }

  /**
   * The filter that puts a {@code WebClient.Builder} of the service's own under {@code
   * dependency}'s policy: {@code WebClient.builder().filter(webClients.filter("inventory"))}. Add
   * it once; a builder from Spring Boot already traces, so take {@link #builder} for those.
   */
  public ExchangeFilterFunction filter(String dependency) {
    return new PavedExchangeFilter(exchanges, resilience.policy(dependency), scheduler, resilience.attemptTimeout(dependency));
  }
}
