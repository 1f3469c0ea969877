package dev.paved.benchmarks;

import dev.paved.config.flags.Flags;
import dev.paved.config.flags.FlagsModule;
import dev.paved.core.Platform;
import io.getunleash.DefaultUnleash;
import io.getunleash.Unleash;
import io.getunleash.UnleashContext;
import io.getunleash.util.UnleashConfig;
import io.getunleash.util.UnleashScheduledExecutorImpl;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A flag evaluation for a user through Paved (OpenFeature client, Paved's provider, telemetry
 * hook: counter, and span event when a span is current) against the Unleash client called by
 * hand with an {@link UnleashContext} built for the same user — the same flag, a 50% rollout.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@State(Scope.Benchmark)
public class FlagBenchmark {
  private static final String FLAGS = "new-checkout:\n  enabled: true\n  rollout: 50\n";
  private static final String STATE =
      "{\"version\":2,\"features\":[{\"name\":\"new-checkout\",\"enabled\":true,\"strategies\":[{\"name\":\"flexibleRollout\","
          + "\"parameters\":{\"rollout\":\"50\",\"stickiness\":\"default\",\"groupId\":\"new-checkout\"}}],\"variants\":[]}]}";

  private Path dir;
  private Platform platform;
  private Flags flags;
  private dev.openfeature.sdk.FeatureProvider provider;
  private dev.openfeature.sdk.FeatureProvider constant;
  private dev.openfeature.sdk.Client constantClient;
  private Unleash raw;
  private SdkTracerProvider tracing;
  private io.opentelemetry.api.trace.Tracer tracer;

  @Setup
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("paved-flags-bench");
    Path file = Files.writeString(dir.resolve("flags.yaml"), FLAGS);
    platform =
        Platform.builder()
            .environment(Map.of())
            .systemProperties(Map.of())
            .discoverModules(false)
            .serviceName("orders")
            .property("platform.admin.enabled", "false")
            .property("platform.flags.file", file.toString())
            .shutdownHook(false)
            .module(new FlagsModule())
            .start();
    flags = Flags.of(platform);
    provider = flags.api().getProvider();
    constant =
        new dev.openfeature.sdk.NoOpProvider() {
          @Override
          public dev.openfeature.sdk.ProviderEvaluation<Boolean> getBooleanEvaluation(
              String key, Boolean defaultValue, dev.openfeature.sdk.EvaluationContext ctx) {
            return dev.openfeature.sdk.ProviderEvaluation.<Boolean>builder().value(true).variant("on").reason("STATIC").build();
          }
        };
    dev.openfeature.sdk.OpenFeatureAPI isolated = dev.openfeature.sdk.OpenFeatureAPI.createIsolated();
    isolated.setProviderAndWait(constant);
    constantClient = isolated.getClient();
    Path absent = Files.createTempFile("raw", ".json");
    Files.delete(absent);
    raw =
        new DefaultUnleash(
            UnleashConfig.builder()
                .appName("orders")
                .instanceId("raw")
                .unleashAPI("http://127.0.0.1:1/api")
                .disablePolling()
                .disableMetrics()
                .scheduledExecutor(new UnleashScheduledExecutorImpl())
                .backupFile(absent.toString())
                .toggleBootstrapProvider(() -> Optional.of(STATE))
                .build());
    tracing = SdkTracerProvider.builder().build(); // recording spans, exported nowhere
    tracer = tracing.get("bench");
    if (!flags.isEnabled("new-checkout", "user-7") == raw.isEnabled("new-checkout", UnleashContext.builder().userId("user-7").build())) {
      throw new IllegalStateException("Paved and the raw client disagree");
    }
  }

  @TearDown
  public void tearDown() throws IOException {
    tracing.close();
    raw.shutdown();
    platform.close();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Benchmark
  public boolean rawUnleashIsEnabled() {
    return raw.isEnabled("new-checkout", UnleashContext.builder().userId("user-7").build());
  }

  /**
   * OpenFeature's own cost, without Unleash: its client over a provider that answers a constant,
   * against calling that provider directly.
   */
  @Benchmark
  public boolean openFeatureClientOnConstantProvider() {
    return constantClient.getBooleanValue("new-checkout", false, new dev.openfeature.sdk.ImmutableContext("user-7"));
  }

  @Benchmark
  public Object constantProviderDirect() {
    return constant.getBooleanEvaluation("new-checkout", false, new dev.openfeature.sdk.ImmutableContext("user-7"));
  }

  /** Paved's provider called directly: the context mapping, without OpenFeature's client and hooks. */
  @Benchmark
  public Object providerOnly() {
    return provider.getBooleanEvaluation("new-checkout", false, new dev.openfeature.sdk.ImmutableContext("user-7"));
  }

  @Benchmark
  public boolean pavedNoSpan() {
    return flags.isEnabled("new-checkout", "user-7");
  }

  /**
   * With a recording span current: a fresh span per operation (a long-lived one would stop
   * recording events at the SDK's limit of 128); {@link #spanAlone} is its cost without the flag.
   */
  @Benchmark
  public boolean pavedWithSpanEvent() {
    Span span = tracer.spanBuilder("GET /api/orders/{id}").startSpan();
    try (var s = Context.root().with(span).makeCurrent()) {
      return flags.isEnabled("new-checkout", "user-7");
    } finally {
      span.end();
    }
  }

  @Benchmark
  public Span spanAlone() {
    Span span = tracer.spanBuilder("GET /api/orders/{id}").startSpan();
    try (var s = Context.root().with(span).makeCurrent()) {
      return span;
    } finally {
      span.end();
    }
  }
}
