package dev.paved.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression test of the defect a new user met (issue 15): a list written in {@code platform.yaml}
 * as the docs show, block or flow form, was ignored by every typed list read ({@code
 * platform.secrets.required} started without the secret). It walks every list key that core and
 * every module on the classpath declare, so a new list key cannot miss it, and reads each from
 * both YAML forms and from an environment variable. In package {@code dev.paved.core} to use the
 * loader the platform uses.
 */
class ListKeysTest {
  /** Items a key accepts, where an arbitrary word would be refused by its item check. */
  private static final Map<String, List<String>> SAMPLES =
      Map.of(
          "platform.observability.traces.propagators", List.of("b3", "tracecontext"),
          "platform.observability.http.routes", List.of("/api/orders/{id}", "/api/orders"),
          "platform.observability.deadlines.headers", List.of("grpc-timeout", "x-paved-timeout-ms"));

  @TempDir Path dir;

  private static List<ConfigKey<?>> declaredKeys() {
    List<ConfigKey<?>> keys = new ArrayList<>(CoreSettings.keys());
    for (dev.paved.core.spi.PlatformModule m : ServiceLoader.load(dev.paved.core.spi.PlatformModule.class)) {
      keys.addAll(m.configKeys());
    }
    return keys;
  }

  private static List<ConfigKey<?>> listKeys() {
    return declaredKeys().stream().filter(ConfigKey::isList).filter(k -> !k.isPattern()).toList();
  }

  private static ConfigLoader.Result loadResult(Map<String, String> env) {
    return ConfigLoader.load(
        new ConfigLoader.Inputs(env, Map.of(), Map.of(), ListKeysTest.class.getClassLoader()), declaredKeys());
  }

  /** The problems of {@code yaml} written as the whole platform.yaml. */
  private List<ConfigProblem> problemsOf(String yaml) throws IOException {
    Path file = dir.resolve("platform.yaml");
    Files.writeString(file, yaml, StandardCharsets.UTF_8);
    return loadResult(Map.of("PLATFORM_CONFIG", file.toString())).problems();
  }

  private PlatformConfig load(Map<String, String> env) {
    ConfigLoader.Result result = loadResult(env);
    assertThat(result.problems()).isEmpty();
    return result.config();
  }

  private PlatformConfig fromYaml(String yaml) throws IOException {
    Path file = dir.resolve("platform.yaml");
    Files.writeString(file, "platform:\n  service:\n    name: orders\n" + yaml, StandardCharsets.UTF_8);
    return load(Map.of("PLATFORM_CONFIG", file.toString()));
  }

  /** {@code a.b.c} as nested YAML ending in {@code c:} at the right indentation. */
  private static String nested(String key, String value) {
    String[] parts = key.substring("platform.".length()).split("\\.");
    StringBuilder sb = new StringBuilder("platform:\n");
    String indent = "  ";
    for (int i = 0; i < parts.length; i++) {
      sb.append(indent).append(parts[i]).append(':');
      if (i == parts.length - 1) {
        sb.append(value.startsWith("\n") ? value.replace("\n", "\n" + indent) : " " + value);
      }
      sb.append('\n');
      indent += "  ";
    }
    return sb.toString();
  }

  @Test
  void everyModuleDeclaresListKeysAndTheWalkFindsThem() {
    assertThat(listKeys())
        .extracting(ConfigKey::name)
        .contains(
            "platform.secrets.required",
            "platform.secrets.vault.kv-v2-mounts",
            "platform.observability.traces.propagators",
            "platform.observability.http.routes");
  }

  @Test
  void everyListKeyIsReadFromABlockSequence() throws IOException {
    for (ConfigKey<?> key : listKeys()) {
      List<String> items = SAMPLES.getOrDefault(key.name(), List.of("kv/risk#api-key", "second"));
      String block = "\n- " + String.join("\n- ", items);
      String yaml = nested(key.name(), block).replaceFirst("platform:\n", "");
      assertThat(fromYaml(yaml).get(key)).as("%s from a block sequence", key.name()).isEqualTo(items);
    }
  }

  @Test
  void everyListKeyIsReadFromAFlowSequence() throws IOException {
    for (ConfigKey<?> key : listKeys()) {
      List<String> items = SAMPLES.getOrDefault(key.name(), List.of("kv/risk#api-key", "second"));
      String flow = "[\"" + String.join("\", \"", items) + "\"]";
      String yaml = nested(key.name(), flow).replaceFirst("platform:\n", "");
      assertThat(fromYaml(yaml).get(key)).as("%s from a flow sequence", key.name()).isEqualTo(items);
    }
  }

  @Test
  void everyListKeyIsReadFromAnEnvironmentVariable() {
    for (ConfigKey<?> key : listKeys()) {
      List<String> items = SAMPLES.getOrDefault(key.name(), List.of("kv/risk#api-key", "second"));
      PlatformConfig config =
          load(Map.of("PLATFORM_SERVICE_NAME", "orders", PlatformConfig.environmentName(key.name()), String.join(",", items)));
      assertThat(config.get(key)).as("%s from %s", key.name(), PlatformConfig.environmentName(key.name())).isEqualTo(items);
    }
  }

  @Test
  void anEnvironmentVariableReplacesTheWholeYamlList() throws IOException {
    Path file = dir.resolve("platform.yaml");
    Files.writeString(
        file,
        "platform:\n  service:\n    name: orders\n  observability:\n    traces:\n      propagators: [b3, baggage]\n",
        StandardCharsets.UTF_8);
    PlatformConfig config =
        load(Map.of("PLATFORM_CONFIG", file.toString(), "PLATFORM_OBSERVABILITY_TRACES_PROPAGATORS", "tracecontext"));
    assertThat(config.get(dev.paved.observability.ObservabilitySettings.PROPAGATORS)).containsExactly("tracecontext");
  }

  @Test
  void aBadItemOfAYamlListIsNamedWithItsOwnLine() throws IOException {
    List<ConfigProblem> problems =
        problemsOf(
            "platform:\n  service:\n    name: orders\n  observability:\n    traces:\n      propagators:\n        - b3\n        - zipkin\n");
    assertThat(problems)
        .anySatisfy(p -> assertThat(p.toString()).contains("propagators[1]").contains(":8:").contains("'zipkin' is not one of tracecontext, baggage, b3, b3multi, jaeger"));
  }

  /**
   * Regression (issue 15): one mistake in an SLO declaration — objectives written as list items
   * instead of named entries — gave one problem per key; now it is one problem that says how to
   * write it.
   */
  @Test
  void sloObjectivesWrittenAsAListAreOneProblem() throws IOException {
    List<ConfigProblem> problems =
        problemsOf(
        """
        platform:
          service:
            name: orders
          slo:
            objectives:
              - name: availability
                kind: availability
                objective: 99.9
              - name: latency
                kind: latency
                objective: 99
                threshold: 300ms
        """);
    assertThat(problems)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.key()).isEqualTo("platform.slo.objectives");
              assertThat(p.problem()).contains("written as a list").contains("7 values");
              assertThat(p.fix()).contains("platform.slo.objectives.<name>.<key>");
            });
  }

  /** The same mistake one level too high: objectives' entries written straight under platform.slo. */
  @Test
  void anSloWrittenWithoutObjectivesIsOneProblem() throws IOException {
    List<ConfigProblem> problems =
        problemsOf(
        """
        platform:
          service:
            name: orders
          slo:
            availability:
              kind: availability
              objective: 99.9
        """);
    assertThat(problems)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.key()).isEqualTo("platform.slo.availability");
              assertThat(p.problem()).contains("2 values under it");
              assertThat(p.fix()).contains("objectives");
            });
  }
}
