package dev.paved.tests.builds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every manifest the builds generated — the example's two environments and the new service's —
 * validated strictly against the Kubernetes 1.36 API ({@code kubernetes-models} from npm) and the
 * prometheus-operator CRDs ({@code @kubernetes-models/prometheus-operator}), unknown fields refused;
 * and each kind broken on purpose, to see the validator refuse it.
 */
class ManifestsValidationIT {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path NPM = Path.of("target", "npm", "node_modules").toAbsolutePath();
  private static final Path EXAMPLE = Path.of(System.getProperty("examples.dir", "../../examples"), "http-api", "target", "platform", "kubernetes");
  private static final Path CONSUMER = Path.of(System.getProperty("examples.dir", "../../examples"), "event-consumer", "target", "platform", "kubernetes");
  private static final Path JOB = Path.of(System.getProperty("examples.dir", "../../examples"), "scheduled-job", "target", "platform", "kubernetes");
  private static final Path NEW_SERVICE = Path.of("target", "it-maven-3.9", "new-service", "target", "platform", "kubernetes");

  private static List<Path> manifests(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      return all.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  /** Runs the npm validators over {@code files}; the JSON they answer. */
  private static JsonNode validate(List<Path> files) throws Exception {
    Path script = Path.of("target", "test-classes", "validate-manifests.mjs").toAbsolutePath();
    List<String> command = new ArrayList<>(List.of("node", script.toString(), NPM.toString()));
    files.forEach(f -> command.add(f.toAbsolutePath().toString()));
    Path output = Files.createTempFile("validate-manifests", ".json");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the validators answered within 2 minutes").isTrue();
    String out = Files.readString(output);
    assertThat(p.exitValue()).as(out).isZero();
    String last = out.strip().lines().reduce((a, b) -> b).orElse("");
    return JSON.readTree(last);
  }

  @Test
  void everyGeneratedManifestIsValidWithUnknownFieldsRefused() throws Exception {
    List<Path> files = new ArrayList<>(manifests(EXAMPLE));
    files.addAll(manifests(NEW_SERVICE));
    files.addAll(manifests(CONSUMER));
    files.addAll(manifests(JOB));
    Map<String, Integer> kinds = new TreeMap<>();
    for (Path f : files) {
      kinds.merge(YAML.readTree(f.toFile()).path("kind").asText(), 1, Integer::sum);
    }
    assertThat(kinds.keySet())
        .contains(
            "Deployment", "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler", "ServiceMonitor", "PrometheusRule", "NetworkPolicy", "ConfigMap", "Namespace",
            "ResourceQuota", "LimitRange", "CronJob", "ScaledObject");
    JsonNode result = validate(files);
    assertThat(result.path("documents").asInt()).isEqualTo(files.size());
    assertThat(result.path("errors")).as("validation errors").isEmpty();
  }

  @Test
  void eachKindBrokenOnPurposeIsRefused(@TempDir Path dir) throws Exception {
    List<Path> broken = new ArrayList<>();
    Map<String, String> why = new TreeMap<>();
    List<Path> originals = new ArrayList<>(manifests(EXAMPLE.resolve("production")));
    originals.add(CONSUMER.resolve("staging/scaledobject.yaml"));
    originals.add(JOB.resolve("staging/cronjob.yaml"));
    for (Path f : originals) {
      ObjectNode doc = (ObjectNode) YAML.readTree(f.toFile());
      String kind = doc.path("kind").asText();
      // A field the API does not have, where a typo would put it: refused, not silently dropped.
      Consumer<ObjectNode> typo =
          switch (kind) {
            case "Deployment" -> d -> ((ObjectNode) d.at("/spec/template/spec/containers/0")).put("imagePullPolicyy", "Always");
            case "ServiceMonitor" -> d -> ((ObjectNode) d.at("/spec/endpoints/0")).put("intervall", "30s");
            case "PrometheusRule" -> d -> ((ObjectNode) d.at("/spec/groups/0/rules/0")).put("expression", "up");
            case "NetworkPolicy" -> d -> ((ObjectNode) d.at("/spec/egress/0")).put("too", "x");
            case "HorizontalPodAutoscaler" -> d -> ((ObjectNode) d.path("spec")).put("minReplica", 2);
            case "Service" -> d -> ((ObjectNode) d.at("/spec/ports/0")).put("targetPorts", "http");
            case "PodDisruptionBudget" -> d -> ((ObjectNode) d.path("spec")).put("maxUnavailabe", 1);
            case "ResourceQuota" -> d -> ((ObjectNode) d.path("spec")).put("limits", "x");
            case "LimitRange" -> d -> ((ObjectNode) d.at("/spec/limits/0")).put("defaults", "x");
            case "CronJob" -> d -> ((ObjectNode) d.at("/spec/jobTemplate/spec")).put("backoffLimitt", 1);
            case "ScaledObject" -> d -> ((ObjectNode) d.path("spec")).put("maxReplicas", 3);
            default -> d -> d.put("spec", "x"); // ConfigMap, Namespace: a field they do not have
          };
      typo.accept(doc);
      Path out = dir.resolve("typo-" + f.getFileName());
      YAML.writeValue(out.toFile(), doc);
      broken.add(out);
      why.put(out.toAbsolutePath().toString(), kind + ": an unknown field");
    }
    // Wrong types and values the schema refuses.
    ObjectNode deployment = (ObjectNode) YAML.readTree(EXAMPLE.resolve("production/deployment.yaml").toFile());
    ((ObjectNode) deployment.at("/spec/template/spec/containers/0/resources/requests")).set("cpu", JSON.createArrayNode().add(1));
    Path wrongType = dir.resolve("wrong-type-deployment.yaml");
    YAML.writeValue(wrongType.toFile(), deployment);
    broken.add(wrongType);
    why.put(wrongType.toAbsolutePath().toString(), "Deployment: a CPU request that is a list");
    ObjectNode rule = (ObjectNode) YAML.readTree(EXAMPLE.resolve("production/prometheusrule.yaml").toFile());
    ((ArrayNode) rule.at("/spec/groups")).add(JSON.createObjectNode().put("name", "no-rules"));
    ((ObjectNode) rule.at("/spec/groups/0")).remove("name");
    Path missing = dir.resolve("missing-required-prometheusrule.yaml");
    YAML.writeValue(missing.toFile(), rule);
    broken.add(missing);
    why.put(missing.toAbsolutePath().toString(), "PrometheusRule: a group without its required name");

    JsonNode result = validate(broken);
    Map<String, List<String>> refused = new TreeMap<>();
    for (JsonNode e : result.path("errors")) {
      refused.computeIfAbsent(e.path("file").asText(), k -> new ArrayList<>()).add(e.path("message").asText());
    }
    for (Map.Entry<String, String> w : why.entrySet()) {
      assertThat(refused).as("refused: " + w.getValue()).containsKey(w.getKey());
    }
    assertThat(String.join("\n", refused.get(dir.resolve("typo-deployment.yaml").toAbsolutePath().toString()))).contains("imagePullPolicyy");
  }
}
