package dev.paved.resilience;

import dev.paved.core.Platform;
import dev.paved.core.PlatformConfig;
import dev.paved.core.ServiceDescriptor;
import dev.paved.observability.Observability;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The policies of a service's dependencies, by name, configured from {@code
 * platform.resilience.defaults.*} and {@code platform.resilience.dependencies.<name>.*}.
 *
 * <pre>{@code
 * Resilience resilience = Resilience.of(platform);
 * Order order = resilience.call("payments", () -> payments.charge(cart));
 * ResilientHttpClient inventory = resilience.httpClient("inventory");
 * }</pre>
 */
public final class Resilience {
  private final PlatformConfig config;
  private final Observability observability;
  private final ResilienceTelemetry telemetry;
  private final Map<String, DependencyPolicy> policies = new ConcurrentHashMap<>();
  private final Map<String, ResilientHttpClient> clients = new ConcurrentHashMap<>();
  private final java.util.concurrent.CountDownLatch closing = new java.util.concurrent.CountDownLatch(1);
  /** What the admin console shows of each policy. */
  final PolicyActivity activity = new PolicyActivity();

  Resilience(PlatformConfig config, Observability observability, ResilienceTelemetry telemetry) {
    this.config = config;
    this.observability = observability;
    this.telemetry = telemetry;
  }

  /**
   * The resilience of a started platform.
   *
   * @throws IllegalStateException when platform-resilience is not on the classpath
   */
  public static Resilience of(Platform platform) {
    return platform.require(Resilience.class);
  }

  /**
   * The policy of {@code dependency}, built from configuration on first use.
   *
   * @throws IllegalArgumentException when the name breaks the naming rule
   */
  public DependencyPolicy policy(String dependency) {
    Objects.requireNonNull(dependency, "dependency");
    DependencyPolicy p = policies.get(dependency);
    if (p != null) {
      return p;
    }
    String problem = ServiceDescriptor.checkName(dependency);
    if (problem != null) {
      throw new IllegalArgumentException("dependency: '" + dependency + "' " + problem + " (expected: the name rule of platform.service.dependencies)");
    }
    return policies.computeIfAbsent(dependency, this::build);
  }

  /** Runs {@code call} under the dependency's policy. */
  public <T> T call(String dependency, Callable<T> call) throws Exception {
    return policy(dependency).call(call);
  }

  /** Runs {@code call} under the policy; when it fails in the end, returns {@code fallback}'s value. */
  public <T> T call(String dependency, Callable<T> call, Function<Throwable, T> fallback) {
    try {
      return policy(dependency).call(call);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fallback.apply(e);
    } catch (Exception e) {
      return fallback.apply(e);
    }
  }

  /**
   * Runs {@code supplier} under the policy. A checked exception (an interrupt during backoff) is
   * wrapped in {@link CompletionException}, with the interrupt flag kept.
   */
  public <T> T supply(String dependency, Supplier<T> supplier) {
    try {
      return policy(dependency).call(supplier::get);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new CompletionException(e);
    }
  }

  /**
   * The resilient HTTP client of {@code dependency}: its policy around each request, OpenTelemetry
   * CLIENT spans and client metrics per attempt (when platform-observability runs).
   */
  public ResilientHttpClient httpClient(String dependency) {
    return clients.computeIfAbsent(dependency, d -> {
      DependencyPolicy p = policy(d);
      HttpClient http = HttpClient.newBuilder().connectTimeout(ResilienceSettings.ATTEMPT_TIMEOUT.resolve(config, d)).build();
      ResilientHttpClient.Sender sender = observability.httpClient(http)::send;
      return ResilientHttpClient.create(p, sender, ResilienceSettings.ATTEMPT_TIMEOUT.resolve(config, d));
    });
  }

  /**
   * The time limit of one attempt to {@code dependency} ({@code
   * platform.resilience.dependencies.<name>.attempt-timeout}, else the default's): what an HTTP
   * client of the dependency bounds each attempt by.
   */
  public Duration attemptTimeout(String dependency) {
    return ResilienceSettings.ATTEMPT_TIMEOUT.resolve(config, dependency);
  }

  /** Ends every backoff wait at once, without retrying: called when the platform closes. */
  void close() {
    closing.countDown();
  }

  /**
   * Runs an asynchronous call under the dependency's policy: breaker and bulkhead around each
   * attempt, retries with backoff on {@code scheduler} under the budget and deadline. The stage
   * completes with the result, or the last failure.
   */
  public <T> java.util.concurrent.CompletionStage<T> callAsync(
      String dependency, Supplier<? extends java.util.concurrent.CompletionStage<T>> call, java.util.concurrent.ScheduledExecutorService scheduler) {
    return policy(dependency).callAsync(call, scheduler);
  }

  /**
   * A filter for the JDK's {@code HttpServer} that answers 503 with {@code Retry-After: 1} above
   * {@code maxConcurrentRequests} requests in progress.
   */
  public LoadShedding loadShedding(int maxConcurrentRequests) {
    return new LoadShedding(maxConcurrentRequests, 1, observability.meterRegistry());
  }

  /**
   * The registry load shedding records in, if observability is present. (The Servlet filter is
   * made by {@link ServletLoadShedding#of}, so that this class's signatures never mention the
   * optional Servlet API: reflecting on it must work without {@code jakarta.servlet-api}.)
   */
  io.micrometer.core.instrument.MeterRegistry meterRegistry() {
    return observability.meterRegistry();
  }

  /** Every policy built so far, by dependency name. */
  public Map<String, DependencyPolicy> policies() {
    return Map.copyOf(policies);
  }

  private DependencyPolicy build(String d) {
    CircuitBreakerConfig breaker =
        CircuitBreakerConfig.custom()
            .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.TIME_BASED)
            .slidingWindowSize((int) Math.max(1, ResilienceSettings.CB_WINDOW.resolve(config, d).toSeconds()))
            .minimumNumberOfCalls(ResilienceSettings.CB_MINIMUM_CALLS.resolve(config, d))
            .failureRateThreshold(ResilienceSettings.CB_FAILURE_RATE.resolve(config, d).floatValue())
            .slowCallRateThreshold(ResilienceSettings.CB_SLOW_RATE.resolve(config, d).floatValue())
            .slowCallDurationThreshold(ResilienceSettings.CB_SLOW_DURATION.resolve(config, d))
            .waitDurationInOpenState(ResilienceSettings.CB_WAIT_OPEN.resolve(config, d))
            .permittedNumberOfCallsInHalfOpenState(ResilienceSettings.CB_HALF_OPEN_CALLS.resolve(config, d))
            .maxWaitDurationInHalfOpenState(positive(ResilienceSettings.CB_MAX_WAIT_HALF_OPEN.resolve(config, d)))
            .build();
    DependencyPolicy.Builder builder = DependencyPolicy.builder(d);
    if (ResilienceSettings.BULKHEAD_ADAPTIVE.resolve(config, d)) {
      builder.adaptiveConcurrency(ResilienceSettings.BULKHEAD_MAX.resolve(config, d));
    }
    DependencyPolicy policy = builder
        .maxAttempts(ResilienceSettings.MAX_ATTEMPTS.resolve(config, d))
        .deadline(positive(ResilienceSettings.DEADLINE.resolve(config, d)))
        .backoff(Backoff.create(
            ResilienceSettings.BACKOFF_INITIAL.resolve(config, d),
            ResilienceSettings.BACKOFF_MULTIPLIER.resolve(config, d),
            ResilienceSettings.BACKOFF_MAX.resolve(config, d),
            ResilienceSettings.RETRY_AFTER_CAP.resolve(config, d)))
        .budget(RetryBudget.create(
            ResilienceSettings.BUDGET_PERCENT.resolve(config, d),
            ResilienceSettings.BUDGET_MIN.resolve(config, d),
            ResilienceSettings.BUDGET_WINDOW.resolve(config, d)))
        .circuitBreaker(breaker)
        .bulkhead(BulkheadConfig.custom().maxConcurrentCalls(ResilienceSettings.BULKHEAD_MAX.resolve(config, d)).maxWaitDuration(Duration.ZERO).fairCallHandlingStrategyEnabled(false).build())
        .listener(telemetry)
        .listener(activity)
        .closing(closing)
        .build();
    telemetry.watch(policy);
    activity.watch(policy);
    return policy;
  }

  private static Duration positive(Duration d) {
    return d.isZero() || d.isNegative() ? Duration.ofMillis(1) : d;
  }
}
