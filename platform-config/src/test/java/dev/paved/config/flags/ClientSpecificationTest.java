package dev.paved.config.flags;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.MutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import io.getunleash.DefaultUnleash;
import io.getunleash.util.UnleashConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Unleash's client specification ({@code @unleash/client-specification}, Apache-2.0, installed
 * from npm by this module's build into {@code target/npm}): every toggle and variant test of every
 * specification file, through Paved's OpenFeature provider and the OpenFeature client.
 */
class ClientSpecificationTest {
  static final Path SPECS = Path.of("target", "npm", "node_modules", "@unleash", "client-specification", "specifications");
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theSpecificationIsInstalledByTheBuild() throws Exception {
    assertThat(SPECS.resolve("index.json")).as("npm install ran in generate-test-resources").exists();
    assertThat(JSON.readTree(SPECS.resolve("index.json").toFile()).size()).isGreaterThanOrEqualTo(18);
  }

  @TestFactory
  Stream<DynamicNode> everySpecificationFile() throws Exception {
    List<DynamicNode> files = new ArrayList<>();
    for (JsonNode name : JSON.readTree(SPECS.resolve("index.json").toFile())) {
      JsonNode spec = JSON.readTree(Files.readString(SPECS.resolve(name.asText())));
      files.add(DynamicContainer.dynamicContainer(name.asText(), tests(spec)));
    }
    return files.stream();
  }

  private static Stream<DynamicNode> tests(JsonNode spec) {
    String state = spec.path("state").toString();
    List<DynamicNode> tests = new ArrayList<>();
    for (JsonNode t : spec.path("tests")) {
      tests.add(
          DynamicTest.dynamicTest(
              t.path("description").asText(),
              () -> {
                Client client = client(state);
                boolean enabled = client.getBooleanValue(t.path("toggleName").asText(), false, context(t.path("context")));
                assertThat(enabled).as(t.path("description").asText()).isEqualTo(t.path("expectedResult").asBoolean());
              }));
    }
    for (JsonNode t : spec.path("variantTests")) {
      tests.add(
          DynamicTest.dynamicTest(
              "variant: " + t.path("description").asText(),
              () -> {
                Client client = client(state);
                FlagEvaluationDetails<String> d = client.getStringDetails(t.path("toggleName").asText(), "", context(t.path("context")));
                JsonNode expected = t.path("expectedResult");
                String name = d.getVariant() == null ? "disabled" : d.getVariant();
                assertThat(name).as(t.path("description").asText()).isEqualTo(expected.path("name").asText());
                if (expected.path("enabled").asBoolean() && expected.has("payload")) {
                  assertThat(d.getValue()).as("payload of " + t.path("description").asText()).isEqualTo(expected.path("payload").path("value").asText());
                }
              }));
    }
    return tests.stream();
  }

  /** A specification's context as an OpenFeature context, as a service would pass it. */
  static MutableContext context(JsonNode c) {
    MutableContext ctx = new MutableContext();
    c.fields()
        .forEachRemaining(
            e -> {
              switch (e.getKey()) {
                case "userId" -> ctx.setTargetingKey(e.getValue().asText());
                case "properties" -> e.getValue().fields().forEachRemaining(p -> ctx.add(p.getKey(), p.getValue().asText()));
                default -> ctx.add(e.getKey(), e.getValue().asText());
              }
            });
    return ctx;
  }

  private static Client client(String state) throws Exception {
    UnleashConfig config =
        UnleashConfig.builder()
            .appName("spec")
            .instanceId("spec")
            .unleashAPI("http://127.0.0.1:1/api")
            .disablePolling()
            .disableMetrics()
            .backupFile(FlagsModule.absentFile().toString())
            .toggleBootstrapProvider(() -> Optional.of(state))
            .build();
    UnleashProvider provider = new UnleashProvider(new DefaultUnleash(config));
    OpenFeatureAPI api = OpenFeatureAPI.createIsolated();
    api.setProviderAndWait(provider);
    return api.getClient();
  }
}
