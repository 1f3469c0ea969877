package dev.paved.spring;

import dev.paved.resilience.Resilience;
import org.springframework.web.client.RestClient;

/**
 * {@code RestClient}s for the service's named dependencies, each call under that dependency's
 * Paved policy ({@code platform.resilience.dependencies.<name>.*}: retries with backoff under the
 * retry budget, circuit breaker, bulkhead, attempt timeout, deadline propagation) with a CLIENT
 * span and client metrics per attempt — the same client as {@code Resilience.httpClient(name)}.
 *
 * <pre>{@code
 * RestClient inventory = restClients.builder("inventory").baseUrl(url).build();
 * }</pre>
 */
public final class PavedRestClients {
  private final Resilience resilience;
  private final RestClient.Builder base;

  PavedRestClients(Resilience resilience, RestClient.Builder base) {
    this.resilience = resilience;
    this.base = base;
  }

  /**
   * A builder (a fresh copy of the application's {@code RestClient.Builder}, with its message
   * converters) whose requests go through {@code dependency}'s policy.
   */
  public RestClient.Builder builder(String dependency) {
    return base.clone().requestFactory(new PavedClientHttpRequestFactory(resilience.httpClient(dependency)::send));
  }
}
