package dev.paved.benchmarks;

import dev.paved.config.secrets.Secret;
import dev.paved.config.secrets.Secrets;
import dev.paved.core.Platform;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * A cached secret read, {@code Secrets.get("kv/inventory#api-key").reveal()}, against what a
 * service caching the value itself would do: a {@link ConcurrentHashMap} lookup.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@State(Scope.Benchmark)
public class SecretReadBenchmark {
  private Platform platform;
  private Secrets secrets;
  private final Map<String, String> handCache = new ConcurrentHashMap<>();

  @Setup
  public void setUp() {
    platform =
        Platform.builder()
            .environment(Map.of("INVENTORY_API_KEY", "bench-inventory-key-123456"))
            .systemProperties(Map.of())
            .discoverModules(false)
            .serviceName("orders")
            .property("platform.admin.enabled", "false")
            .shutdownHook(false)
            .module(new dev.paved.config.secrets.SecretsModule())
            .start();
    secrets = Secrets.of(platform);
    secrets.get("kv/inventory#api-key");
    handCache.put("kv/inventory#api-key", "bench-inventory-key-123456");
  }

  @TearDown
  public void tearDown() {
    platform.close();
  }

  @Benchmark
  public String cachedSecretRead() {
    Secret s = secrets.get("kv/inventory#api-key");
    return s.reveal();
  }

  @Benchmark
  public @org.jspecify.annotations.Nullable String handCachedRead() {
    return handCache.get("kv/inventory#api-key");
  }
}
