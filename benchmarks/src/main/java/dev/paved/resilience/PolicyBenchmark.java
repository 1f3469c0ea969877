package dev.paved.resilience;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A successful call through a dependency's full policy (deadline, retry loop with budget, circuit
 * breaker, bulkhead, telemetry listener) against the same Resilience4j decorators composed by hand
 * in the same order (retry outside breaker outside bulkhead). Run with {@code -t 1} and {@code -t
 * 2} to see how it scales.
 */
@BenchmarkMode({Mode.AverageTime, Mode.Throughput})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
// Paved's loop settles after about 5 s of compilation (two slow iterations otherwise).
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class PolicyBenchmark {
  private static final Callable<String> WORK = () -> "ok";

  private PrometheusMeterRegistry registry;
  private DependencyPolicy policy;
  private DependencyPolicy bare;
  private DependencyPolicy noopListener;
  private Callable<String> handComposed;
  private Callable<String> breakerOnly;
  private Callable<String> bulkheadOnly;
  private Callable<String> lockFreeBreakerOnly;

  @Setup
  public void setUp() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ResilienceTelemetry telemetry = new ResilienceTelemetry(registry);
    policy = DependencyPolicy.builder("inventory").listener(telemetry).build();
    telemetry.watch(policy);
    bare = DependencyPolicy.builder("bare").build();
    noopListener = DependencyPolicy.builder("noop").listener(new PolicyListener() {}).build();

    CircuitBreaker breaker = CircuitBreaker.of("inventory", CircuitBreakerConfig.custom()
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.TIME_BASED).slidingWindowSize(30)
        .minimumNumberOfCalls(20).maxWaitDurationInHalfOpenState(Duration.ofSeconds(10)).build());
    Bulkhead bulkhead = Bulkhead.of("inventory", BulkheadConfig.custom().maxConcurrentCalls(64).maxWaitDuration(Duration.ZERO).fairCallHandlingStrategyEnabled(false).build());
    Retry retry = Retry.of("inventory", RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ofMillis(50))
        .retryExceptions(IOException.class).build());
    handComposed = Retry.decorateCallable(retry, CircuitBreaker.decorateCallable(breaker, Bulkhead.decorateCallable(bulkhead, WORK)));
    breakerOnly = CircuitBreaker.decorateCallable(CircuitBreaker.of("b", breaker.getCircuitBreakerConfig()), WORK);
    bulkheadOnly = Bulkhead.decorateCallable(Bulkhead.of("h", bulkhead.getBulkheadConfig()), WORK);
    lockFreeBreakerOnly = CircuitBreaker.decorateCallable(CircuitBreaker.of("c", CircuitBreakerConfig.custom()
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.TIME_BASED).slidingWindowSize(30)
        .slidingWindowSynchronizationStrategy(CircuitBreakerConfig.SlidingWindowSynchronizationStrategy.LOCK_FREE)
        .currentTimestampFunction(clock -> System.nanoTime(), java.util.concurrent.TimeUnit.NANOSECONDS)
        .maxWaitDurationInHalfOpenState(Duration.ofSeconds(10)).build()), WORK);
  }

  @TearDown
  public void tearDown() {
    registry.close();
  }

  @Benchmark
  public String paved() throws Exception {
    return policy.call(WORK);
  }

  /** The policy without its telemetry listener, to show what telemetry costs. */
  @Benchmark
  public String pavedWithoutTelemetry() throws Exception {
    return bare.call(WORK);
  }

  @Benchmark
  public String pavedWithNoopListener() throws Exception {
    return noopListener.call(WORK);
  }

  /**
   * Work that shares nothing between threads, of about the same length as a call: how far this
   * machine lets two threads scale at all.
   */
  @Benchmark
  public void independentWork() {
    org.openjdk.jmh.infra.Blackhole.consumeCPU(100);
  }

  /** Resilience4j's circuit breaker alone: what it costs, and how it scales. */
  @Benchmark
  public String breakerOnly() throws Exception {
    return breakerOnly.call();
  }

  /** Resilience4j's circuit breaker alone, lock-free time window and nanoTime timestamps. */
  @Benchmark
  public String lockFreeBreakerOnly() throws Exception {
    return lockFreeBreakerOnly.call();
  }

  /** Resilience4j's bulkhead alone. */
  @Benchmark
  public String bulkheadOnly() throws Exception {
    return bulkheadOnly.call();
  }

  @Benchmark
  public String handComposedResilience4j() throws Exception {
    return handComposed.call();
  }
}
