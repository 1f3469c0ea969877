package dev.paved.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.paved.config.Bound;
import dev.paved.config.ConfigChange;
import dev.paved.config.ConfigModule;
import dev.paved.config.Configuration;
import dev.paved.core.Platform;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
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
 * platform-config's two costs. Reading a bound value ({@code boundRead}) against a plain volatile
 * field holding the same record ({@code plainVolatileRead}). A validated reload of a 200-key
 * configuration ({@code reload}: read the file, layers, platform keys, bind, validate, diff, swap,
 * audit) against binding and validating the same values by hand with the same Jackson and
 * Hibernate Validator ({@code handWiredBindAndValidate}), which reads no file and keeps no history.
 */
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@State(Scope.Benchmark)
public class ConfigBenchmark {

  /** 197 service keys; with the platform keys, 200. */
  public record Big(
      @Min(1) int pageSize,
      @NotBlank String name,
      Map<String, @Min(0) Integer> limits,
      List<@NotBlank String> hosts,
      Map<String, Duration> timeouts) {}

  /** What a service without Paved would hold: the record in a volatile field. */
  static final class Holder {
    volatile Big big;

    Holder(Big big) {
      this.big = big;
    }
  }

  private Path dir;
  private Platform platform;
  private Configuration configuration;
  private Bound<Big> bound;
  private Holder holder;
  private int toggle;
  private ObjectMapper mapper;
  private ValidatorFactory validatorFactory;
  private Validator validator;
  private Map<String, Object> tree;

  @Setup
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("paved-config-bench");
    StringBuilder yaml = new StringBuilder("platform:\n  service:\n    name: orders\n    owner: team-a\n  admin:\n    enabled: false\n");
    yaml.append("big:\n  page-size: 10\n  name: orders\n  limits:\n");
    Map<String, Object> limits = new LinkedHashMap<>();
    for (int i = 0; i < 120; i++) {
      yaml.append("    tier-").append(i).append(": ").append(i).append('\n');
      limits.put("tier-" + i, Integer.toString(i));
    }
    yaml.append("  hosts:\n");
    List<String> hosts = new java.util.ArrayList<>();
    for (int i = 0; i < 62; i++) {
      yaml.append("    - host-").append(i).append(".internal\n");
      hosts.add("host-" + i + ".internal");
    }
    yaml.append("  timeouts:\n");
    Map<String, Object> timeouts = new LinkedHashMap<>();
    for (int i = 0; i < 12; i++) {
      yaml.append("    call-").append(i).append(": ").append(100 + i).append("ms\n");
      timeouts.put("call-" + i, "PT0." + (100 + i) + "S");
    }
    Path file = dir.resolve("platform.yaml");
    Files.writeString(file, yaml.toString());
    platform =
        Platform.builder()
            .environment(Map.of("PLATFORM_CONFIG", file.toString()))
            .systemProperties(Map.of())
            .discoverModules(false)
            .shutdownHook(false)
            .property("platform.config.reload.enabled", "false")
            .module(ConfigModule.builder().bind("big", Big.class).build())
            .start();
    configuration = Configuration.of(platform);
    bound = configuration.bind("big", Big.class);
    int keys = configuration.snapshot().config().entries().size();
    if (keys < 200) {
      throw new IllegalStateException("expected 200 keys or more, got " + keys);
    }
    holder = new Holder(bound.get());

    // The same mapper setup by hand: kebab-case names and a Duration reader (ISO-8601 here).
    com.fasterxml.jackson.databind.module.SimpleModule durations = new com.fasterxml.jackson.databind.module.SimpleModule();
    durations.addDeserializer(
        Duration.class,
        new com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer<Duration>(Duration.class) {
          private static final long serialVersionUID = 1L;

          @Override
          public Duration deserialize(com.fasterxml.jackson.core.JsonParser p, com.fasterxml.jackson.databind.DeserializationContext c)
              throws IOException {
            return Duration.parse(p.getValueAsString());
          }
        });
    mapper = JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE).addModule(durations).build();
    validatorFactory =
        Validation.byDefaultProvider().configure().messageInterpolator(new ParameterMessageInterpolator()).buildValidatorFactory();
    validator = validatorFactory.getValidator();
    tree = new LinkedHashMap<>();
    tree.put("page-size", "10");
    tree.put("name", "orders");
    tree.put("limits", limits);
    tree.put("hosts", hosts);
    tree.put("timeouts", timeouts);
  }

  @TearDown
  public void tearDown() throws IOException {
    platform.close();
    validatorFactory.close();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public int boundRead() {
    return bound.get().pageSize();
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public int plainVolatileRead() {
    return holder.big.pageSize();
  }

  /** A change that is applied every time: the page size alternates. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public ConfigChange reload() {
    toggle ^= 1;
    ConfigChange change = configuration.override(Map.of("big.page-size", toggle == 0 ? "10" : "11"));
    if (change.outcome() != ConfigChange.Outcome.APPLIED) {
      throw new IllegalStateException("not applied: " + change);
    }
    return change;
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public Object handWiredBindAndValidate() {
    Big big = mapper.convertValue(tree, Big.class);
    if (!validator.validate(big).isEmpty()) {
      throw new IllegalStateException("invalid");
    }
    return big;
  }
}
