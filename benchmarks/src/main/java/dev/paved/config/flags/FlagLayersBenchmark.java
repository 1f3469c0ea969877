package dev.paved.config.flags;

import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.EvaluationContext;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.NoOpProvider;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.ProviderEvaluation;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The layers Paved puts around a provider, measured on a provider that answers a constant (so
 * Unleash's ~10 µs engine does not drown them): OpenFeature's client alone, then with Paved's
 * baggage context propagator, then with Paved's telemetry hook too (no current span).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class FlagLayersBenchmark {
  private Client bare;
  private Client withPropagator;
  private Client paved;
  private UnleashProvider mapper;
  private final ImmutableContext userContext = new ImmutableContext("user-7");

  private static Client client(boolean propagator, boolean hook) {
    NoOpProvider constant =
        new NoOpProvider() {
          @Override
          public ProviderEvaluation<Boolean> getBooleanEvaluation(String key, Boolean defaultValue, EvaluationContext ctx) {
            return ProviderEvaluation.<Boolean>builder().value(true).variant("on").reason("STATIC").build();
          }
        };
    OpenFeatureAPI api = OpenFeatureAPI.createIsolated();
    api.setProviderAndWait(constant);
    if (propagator) {
      api.setTransactionContextPropagator(new BaggageContextPropagator());
    }
    if (hook) {
      api.addHooks(new FlagTelemetryHook(null, false, 500));
    }
    return api.getClient();
  }

  @Setup
  public void setUp() {
    bare = client(false, false);
    withPropagator = client(true, false);
    paved = client(true, true);
    mapper = new UnleashProvider(new io.getunleash.FakeUnleash());
  }

  /** Paved's context mapping: an OpenFeature context with a targeting key to Unleash's context. */
  @Benchmark
  public Object pavedContextMapping() {
    return mapper.context(userContext);
  }

  /** What a service calling Unleash by hand builds instead. */
  @Benchmark
  public Object handBuiltUnleashContext() {
    return io.getunleash.UnleashContext.builder().userId("user-7").build();
  }

  @Benchmark
  public boolean openFeatureOnly() {
    return bare.getBooleanValue("new-checkout", false, new ImmutableContext("user-7"));
  }

  @Benchmark
  public boolean plusBaggagePropagator() {
    return withPropagator.getBooleanValue("new-checkout", false, new ImmutableContext("user-7"));
  }

  @Benchmark
  public boolean plusTelemetryHook() {
    return paved.getBooleanValue("new-checkout", false, new ImmutableContext("user-7"));
  }
}
