package dev.paved.config.flags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.openfeature.sdk.ErrorCode;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.Value;
import dev.paved.core.ConfigException;
import dev.paved.core.HealthStatus;
import dev.paved.core.Platform;
import dev.paved.observability.ObservabilityModule;
import dev.paved.test.LogCapture;
import dev.paved.test.TestPlatforms;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flags from a local YAML file: evaluation, reload, telemetry, and refusal in production. */
class LocalFlagsTest {
  static final String FLAGS =
      """
      new-checkout:
        enabled: true
        variants:
          - name: compact
            weight: 1
            payload: "compact-layout"
      dark-mode:
        enabled: false
      beta:
        users: [alice]
      page-size:
        variants:
          - name: big
            payload: 50
      theme:
        variants:
          - name: blue
            payload: {primary: "#00f", rounded: true}
      """;

  @TempDir Path dir;

  private Platform start(Path file, Map<String, String> properties) {
    Platform.Builder b =
        TestPlatforms.builder()
            .serviceName("orders")
            .property("platform.flags.file", file.toString())
            .property("platform.flags.file-poll-interval", "100ms")
            .module(new ObservabilityModule())
            .module(new FlagsModule());
    properties.forEach(b::property);
    return b.start();
  }

  /**
   * Regression (issue 15): a second platform in one JVM (every test class) made the Unleash client
   * log at ERROR "You already have 1 clients for AppName…".
   */
  @Test
  void twoPlatformsInOneJvmDoNotMakeTheUnleashClientComplain() throws Exception {
    Path file = Files.writeString(dir.resolve("flags.yaml"), FLAGS);
    try (LogCapture logs = LogCapture.root().start()) {
      try (Platform first = start(file, Map.of());
          Platform second = start(file, Map.of())) {
        assertThat(Flags.of(first).isEnabled("new-checkout")).isTrue();
        assertThat(Flags.of(second).isEnabled("new-checkout")).isTrue();
      }
      assertThat(logs.messages()).noneMatch(m -> m.contains("You already have"));
    }
  }

  @Test
  void anOperatorForcesAFlagForAWhileAndTheConsoleShowsItsEvaluationsByVariant() throws Exception {
    Path file = Files.writeString(dir.resolve("flags.yaml"), FLAGS);
    try (Platform p = start(file, Map.of())) {
      Flags flags = Flags.of(p);
      assertThat(flags.isEnabled("new-checkout")).isTrue();
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + p.admin().port();
      HttpResponse<String> forced =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/actions/flag"))
                  .header("X-Paved-Action", "flag")
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"flag\":\"new-checkout\",\"value\":\"off\",\"duration\":\"1s\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(forced.statusCode()).isEqualTo(200);
      assertThat(forced.body()).contains("\"before\":\"as the source says\"", "\"after\":\"forced off\"");
      assertThat(flags.client().getBooleanDetails("new-checkout", true).getReason()).isEqualTo("OVERRIDE");
      assertThat(flags.isEnabled("new-checkout")).isFalse();
      String view = http.send(HttpRequest.newBuilder(URI.create(base + "/flags")).build(), HttpResponse.BodyHandlers.ofString()).body();
      assertThat(view).contains("\"name\":\"new-checkout\"", "\"override\":\"off\"", "\"enabled\":1", "\"disabled\":2", "\"source\":\"file " + file + "\"");
      HttpResponse<String> unknown =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/actions/flag"))
                  .header("X-Paved-Action", "flag")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"flag\":\"new-chekout\",\"value\":\"on\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(unknown.statusCode()).isEqualTo(400);
      assertThat(unknown.body()).contains("new-chekout", "expected: one of", "new-checkout");
      // It ends by itself: the source's value again.
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> flags.isEnabled("new-checkout"));
    }
  }

  @Test
  void aMisspeltFlagIsLoggedOnceAsAWarningNamingIt() throws Exception {
    Path file = Files.writeString(dir.resolve("flags.yaml"), FLAGS);
    try (LogCapture logs = LogCapture.of(FlagTelemetryHook.class).start();
        Platform p = start(file, Map.of())) {
      Flags flags = Flags.of(p);
      for (int i = 0; i < 5; i++) {
        assertThat(flags.isEnabled("new-chekout")).isFalse();
      }
      assertThat(logs.events())
          .filteredOn(e -> e.getFormattedMessage().contains("'new-chekout'"))
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.getLevel()).isEqualTo(ch.qos.logback.classic.Level.WARN);
                assertThat(e.getFormattedMessage()).contains("FLAG_NOT_FOUND").contains("misspelt");
              });
    }
  }

  @Test
  void booleanStringIntegerAndObjectFlagsComeFromTheFile() throws Exception {
    Path file = Files.writeString(dir.resolve("flags.yaml"), FLAGS);
    try (Platform p = start(file, Map.of())) {
      Flags flags = Flags.of(p);
      assertThat(flags.isEnabled("new-checkout")).isTrue();
      assertThat(flags.isEnabled("dark-mode")).isFalse();
      assertThat(flags.isEnabled("beta", "alice")).isTrue();
      assertThat(flags.isEnabled("beta", "bob")).isFalse();
      assertThat(flags.getVariant("new-checkout")).isEqualTo(new FlagVariant("compact", "compact-layout", "SPLIT"));
      assertThat(flags.getString("new-checkout", "classic")).isEqualTo("compact-layout");
      assertThat(flags.getInteger("page-size", 20)).isEqualTo(50);
      assertThat(flags.getDouble("page-size", 1.5)).isEqualTo(50.0);
      Value theme = flags.client().getObjectValue("theme", new Value());
      assertThat(theme.asStructure().getValue("primary").asString()).isEqualTo("#00f");
      assertThat(theme.asStructure().getValue("rounded").asBoolean()).isTrue();

      FlagEvaluationDetails<Boolean> missing = flags.client().getBooleanDetails("no-such-flag", true);
      assertThat(missing.getValue()).isTrue();
      assertThat(missing.getErrorCode()).isEqualTo(ErrorCode.FLAG_NOT_FOUND);
      FlagEvaluationDetails<Integer> wrongType = flags.client().getIntegerDetails("new-checkout", 7);
      assertThat(wrongType.getValue()).isEqualTo(7);
      assertThat(wrongType.getErrorCode()).isEqualTo(ErrorCode.TYPE_MISMATCH);
      assertThat(flags.getVariant("dark-mode")).isEqualTo(new FlagVariant("disabled", "", "DISABLED"));
    }
  }

  @Test
  void theRequestsBaggageIsTheContextWhenTheCallerGivesNone() throws Exception {
    Path file = Files.writeString(dir.resolve("flags.yaml"), FLAGS);
    try (Platform p = start(file, Map.of())) {
      Flags flags = Flags.of(p);
      try (Scope s = Baggage.builder().put("user.id", "alice").build().makeCurrent()) {
        assertThat(flags.isEnabled("beta")).isTrue();
      }
      try (Scope s = Baggage.builder().put("user.id", "bob").build().makeCurrent()) {
        assertThat(flags.isEnabled("beta")).isFalse();
      }
      assertThat(flags.isEnabled("beta", new ImmutableContext("alice"))).isTrue();
    }
  }

  @Test
  void eachEvaluationIsASpanEventAndACountedSeries() throws Exception {
    Path file = Files.writeString(dir.resolve("flags.yaml"), FLAGS);
    List<SpanData> ended = new CopyOnWriteArrayList<>();
    SpanExporter collect =
        new SpanExporter() {
          @Override
          public CompletableResultCode export(Collection<SpanData> spans) {
            ended.addAll(spans);
            return CompletableResultCode.ofSuccess();
          }

          @Override
          public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
          }

          @Override
          public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
          }
        };
    try (SdkTracerProvider tracing = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(collect)).build();
        Platform p = start(file, Map.of("platform.flags.telemetry.record-value", "true"))) {
      Flags flags = Flags.of(p);
      Span span = tracing.get("test").spanBuilder("GET /api/orders/{id}").startSpan();
      try (Scope s = Context.current().with(span).makeCurrent()) {
        flags.isEnabled("new-checkout");
        flags.getString("new-checkout", "classic");
      }
      span.end();
      flags.isEnabled("dark-mode"); // no current span: counted, no event

      List<EventData> events = ended.get(0).getEvents();
      assertThat(events).hasSize(2).allSatisfy(e -> assertThat(e.getName()).isEqualTo("feature_flag.evaluation"));
      assertThat(events.get(0).getAttributes().asMap().toString())
          .contains("feature_flag.key=new-checkout")
          .contains("feature_flag.provider.name=paved-unleash")
          .contains("feature_flag.result.variant=enabled")
          .contains("feature_flag.result.reason=targeting_match")
          .contains("feature_flag.result.value=true");
      assertThat(events.get(1).getAttributes().asMap().toString()).contains("feature_flag.result.variant=compact").contains("reason=split");

      String metrics =
          HttpClient.newHttpClient()
              .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.admin().port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString())
              .body();
      assertThat(metrics)
          .containsPattern("paved_flags_evaluations_total\\{key=\"new-checkout\",reason=\"TARGETING_MATCH\",[^}]*variant=\"enabled\"} 1")
          .containsPattern("paved_flags_evaluations_total\\{key=\"dark-mode\",reason=\"DISABLED\",[^}]*variant=\"disabled\"} 1");
    }
  }

  @Test
  void theSeriesOfTheEvaluationCounterAreBounded() {
    FlagTelemetryHook hook = new FlagTelemetryHook(null, false, 3);
    for (int i = 0; i < 50; i++) {
      hook.counter("flag-" + i, "on", "TARGETING_MATCH").increment();
    }
    assertThat(hook.seriesCount()).isEqualTo(4); // three, and the overflow series
    assertThat(hook.counter("flag-49", "on", "TARGETING_MATCH")).isSameAs(hook.counter("flag-10", "on", "TARGETING_MATCH"));
  }

  @Test
  void aChangedFileIsReloadedAndAnInvalidOneKeepsThePreviousFlags() throws Exception {
    Path file = Files.writeString(dir.resolve("flags.yaml"), FLAGS);
    try (Platform p = start(file, Map.of())) {
      Flags flags = Flags.of(p);
      assertThat(flags.isEnabled("dark-mode")).isFalse();
      Files.writeString(file, FLAGS.replace("dark-mode:\n  enabled: false", "dark-mode:\n  enabled: true"));
      await().atMost(Duration.ofSeconds(10)).until(() -> flags.isEnabled("dark-mode"));

      Files.writeString(file, "dark-mode:\n  enabled: maybe\n");
      await().atMost(Duration.ofSeconds(10))
          .until(() -> p.health().readiness().checks().stream().anyMatch(c -> c.name().equals("flags") && c.status() == HealthStatus.DEGRADED));
      assertThat(flags.isEnabled("dark-mode")).isTrue();
      assertThat(flags.isEnabled("new-checkout")).isTrue();
    }
  }

  @Test
  void theFlagsFileIsReadByCoresYamlReaderWithAnchorsMergeKeysAndBlockScalars() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("flags.yaml"),
            """
            base: &on
              enabled: true
              users: [alice]
            beta:
              <<: *on
            banner:
              variants:
                - name: long
                  payload: >-
                    a folded
                    text
            """);
    try (Platform p = start(file, Map.of())) {
      Flags flags = Flags.of(p);
      assertThat(flags.isEnabled("beta", "alice")).isTrue();
      assertThat(flags.isEnabled("beta", "bob")).isFalse();
      assertThat(flags.getString("banner", "none")).isEqualTo("a folded text");
    }
  }

  @Test
  void aDuplicateFlagIsRefusedWithItsLineAsInPlatformYaml() throws Exception {
    Path file = Files.writeString(dir.resolve("flags.yaml"), "beta:\n  enabled: true\nbeta:\n  enabled: false\n");
    assertThatThrownBy(() -> start(file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("malformed YAML at line 3")
        .hasMessageContaining("duplicate key beta");
  }

  @Test
  void aBadFileFailsStartUpWithTheFlagAndTheProblem() throws Exception {
    Path file = Files.writeString(dir.resolve("flags.yaml"), "beta:\n  rollout: 140\n");
    assertThatThrownBy(() -> start(file, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("invalid flags file: beta.rollout: expected a percentage from 0 to 100");
  }

  @Test
  void localFlagsAreRefusedInProductionUnlessAllowed() throws Exception {
    Path file = Files.writeString(dir.resolve("flags.yaml"), FLAGS);
    assertThatThrownBy(() -> start(file, Map.of("platform.service.environment", "production")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("no Unleash URL in the production environment");
    try (Platform p = start(file, Map.of("platform.service.environment", "production", "platform.flags.file.allow-in-production", "true"))) {
      assertThat(Flags.of(p).isEnabled("new-checkout")).isTrue();
    }
  }
}
