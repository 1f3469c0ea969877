package dev.paved.config.flags;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paved.core.Platform;
import dev.paved.observability.Observability;
import dev.paved.observability.ObservabilityModule;
import dev.paved.test.TestPlatforms;
import dev.paved.test.TestTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A test's flags: in front of the source, through the real client and its hooks, gone on reset. */
class TestFlagsTest {
  @TempDir Path dir;

  private Platform start(String flagsFile, String environment) throws Exception {
    Path file = dir.resolve("flags.yaml");
    Files.writeString(file, flagsFile);
    return TestPlatforms.builder()
        .serviceName("orders")
        .property("platform.service.environment", environment)
        .property("platform.flags.file", file.toString())
        .property("platform.flags.file.allow-in-production", "true")
        .module(new ObservabilityModule())
        .module(new FlagsModule())
        .start();
  }

  @Test
  void aTestsValuesGoInFrontOfTheFileForTheKeysTheyNameAndResetBringsTheFileBack() throws Exception {
    try (Platform platform = start("dark-mode:\n  enabled: false\nbeta:\n  enabled: true\n", "test")) {
      Flags flags = Flags.of(platform);
      TestFlags test = TestFlags.of(platform);
      assertThat(TestFlags.of(platform)).isSameAs(test);

      test.enable("dark-mode").variant("checkout", "express", "one-click").variant("theme", "blue", Map.of("primary", "#00f"));
      assertThat(flags.isEnabled("dark-mode")).isTrue();
      assertThat(flags.isEnabled("beta")).as("not set by the test: the file's").isTrue();
      assertThat(flags.getVariant("checkout", "user-1")).isEqualTo(new FlagVariant("express", "one-click", "SPLIT"));
      assertThat(flags.getString("checkout", "classic")).isEqualTo("one-click");
      assertThat(flags.client().getObjectValue("theme", new dev.openfeature.sdk.Value()).asStructure().getValue("primary").asString()).isEqualTo("#00f");

      test.disable("beta");
      assertThat(flags.isEnabled("beta", true)).isFalse();
      assertThat(flags.isEnabled("dark-mode")).as("earlier values stay").isTrue();

      test.reset();
      assertThat(flags.isEnabled("dark-mode")).isFalse();
      assertThat(flags.isEnabled("beta")).isTrue();
      assertThat(flags.getVariant("checkout").name()).isEqualTo("disabled");
    }
  }

  @Test
  void rulesInTheFilesFormatAreEvaluatedWithUnleashsRulesAndABadDefinitionChangesNothing() throws Exception {
    try (Platform platform = start("", "test")) {
      Flags flags = Flags.of(platform);
      TestFlags test = TestFlags.of(platform).enable("kept");
      test.define("beta:\n  users: [alice]\nhalf:\n  rollout: 50\n");
      assertThat(flags.isEnabled("beta", "alice")).isTrue();
      assertThat(flags.isEnabled("beta", "bob")).isFalse();
      long on = java.util.stream.IntStream.range(0, 400).filter(i -> flags.isEnabled("half", "user-" + i)).count();
      assertThat(on).as("a 50%% rollout over 400 users").isBetween(140L, 260L);

      assertThatThrownBy(() -> test.define("beta:\n  rollout: 150\n")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("beta.rollout");
      assertThatThrownBy(() -> test.define("beta: [\n")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("malformed YAML");
      assertThat(flags.isEnabled("beta", "alice")).as("the rejected definition changed nothing").isTrue();
      assertThat(flags.isEnabled("kept")).isTrue();
    }
  }

  @Test
  void anEvaluationOfATestFlagHasItsSpanEventAndItsCount() throws Exception {
    try (Platform platform = start("", "test")) {
      TestFlags.of(platform).variant("checkout", "express", "one-click");
      Span span = Observability.of(platform).tracer().spanBuilder("checkout").startSpan();
      try (Scope ignored = span.makeCurrent()) {
        assertThat(Flags.of(platform).getString("checkout", "classic")).isEqualTo("one-click");
      } finally {
        span.end();
      }
      TestTelemetry telemetry = TestTelemetry.of(platform);
      SpanData data = telemetry.awaitSpan("checkout");
      assertThat(data)
          .hasEventsSatisfyingExactly(
              e ->
                  e.hasName("feature_flag.evaluation")
                      .hasAttributesSatisfying(
                          a -> {
                            assertThat(a.get(AttributeKey.stringKey("feature_flag.key"))).isEqualTo("checkout");
                            assertThat(a.get(AttributeKey.stringKey("feature_flag.result.variant"))).isEqualTo("express");
                            assertThat(a.get(AttributeKey.stringKey("feature_flag.provider.name"))).isEqualTo("paved-unleash");
                          }));
      assertThat(telemetry.count("paved.flags.evaluations", "key", "checkout")).isEqualTo(1);
    }
  }

  @Test
  void aProductionPlatformRefusesTestFlags() throws Exception {
    try (Platform platform = start("", "production")) {
      assertThatThrownBy(() -> TestFlags.of(platform)).isInstanceOf(IllegalStateException.class).hasMessageContaining("production");
      assertThat(List.of(Flags.of(platform).isEnabled("x"))).containsExactly(false);
    }
  }
}
