package dev.paved.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.paved.core.ServiceDescriptor;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogEntitiesTest {
  @TempDir Path dir;

  static ServiceDescriptor orders() {
    return ServiceDescriptor.builder("orders")
        .version("1.4.2")
        .environment("production")
        .owner("team-checkout")
        .system("commerce")
        .tier(1)
        .costCentre("CC 4711")
        .link("repository", URI.create("https://github.com/acme/orders"))
        .link("runbook", URI.create("https://runbooks.acme.dev/orders"))
        .link("dashboard", URI.create("https://grafana.acme.dev/d/orders"))
        .dependency("inventory", ServiceDescriptor.DependencyKind.HTTP)
        .dependency("orders-db", ServiceDescriptor.DependencyKind.DATABASE)
        .build();
  }

  static CatalogEntities.Options options() {
    return new CatalogEntities.Options(
        "default", "service", "dir:.", "PX1234", Map.of("orders-api", new CatalogEntities.ApiSpec("openapi", "./openapi.yaml")), Map.of("owner-set", "pass"));
  }

  @Test
  void theComponentAndItsApisComeFromTheDescriptor() throws Exception {
    Path file = CatalogEntities.write(CatalogEntities.generate(orders(), options()), dir);
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = new YAMLMapper().readerFor(JsonNode.class).readValues(Files.readString(file))) {
      it.forEachRemaining(docs::add);
    }
    assertThat(docs).hasSize(2);
    JsonNode c = docs.get(0);
    assertThat(c.path("apiVersion").asText()).isEqualTo("backstage.io/v1alpha1");
    assertThat(c.path("kind").asText()).isEqualTo("Component");
    assertThat(c.path("metadata").path("name").asText()).isEqualTo("orders");
    JsonNode a = c.path("metadata").path("annotations");
    assertThat(a.path("backstage.io/source-location").asText()).isEqualTo("url:https://github.com/acme/orders");
    assertThat(a.path("github.com/project-slug").asText()).isEqualTo("acme/orders");
    assertThat(a.path("backstage.io/techdocs-ref").asText()).isEqualTo("dir:.");
    assertThat(a.path("grafana/dashboard-selector").asText()).isEqualTo("tags @> 'orders'");
    assertThat(a.path("pagerduty.com/service-id").asText()).isEqualTo("PX1234");
    assertThat(a.path("paved.dev/conformance").asText()).isEqualTo("owner-set=pass");
    // Regression (issue 15): the entity is one artifact for every environment; the build
    // machine's environment ("production" here) is not baked into it.
    assertThat(a.has("paved.dev/environment")).isFalse();
    assertThat(c.path("metadata").path("tags").toString()).contains("tier-1").contains("cost-centre-cc-4711");
    assertThat(c.path("metadata").path("links").toString()).contains("https://runbooks.acme.dev/orders").contains("https://grafana.acme.dev/d/orders");
    JsonNode spec = c.path("spec");
    assertThat(spec.path("type").asText()).isEqualTo("service");
    assertThat(spec.path("lifecycle").asText()).isEqualTo("production");
    assertThat(spec.path("owner").asText()).isEqualTo("group:team-checkout");
    assertThat(spec.path("system").asText()).isEqualTo("commerce");
    assertThat(spec.path("providesApis").toString()).isEqualTo("[\"api:default/orders-api\"]");
    assertThat(spec.path("consumesApis").toString()).isEqualTo("[\"api:default/inventory\"]");
    assertThat(spec.path("dependsOn").toString()).isEqualTo("[\"component:default/inventory\",\"resource:default/orders-db\"]");
    JsonNode api = docs.get(1);
    assertThat(api.path("kind").asText()).isEqualTo("API");
    assertThat(api.path("spec").path("definition").path("$text").asText()).isEqualTo("./openapi.yaml");
  }

  @Test
  void everyBadInputIsReportedWithTheFieldAndTheFix() {
    // The descriptor's naming rule already refuses "user:jane"; the catalog's own check stands behind it.
    List<String> ownerProblems = new ArrayList<>();
    CatalogEntities.ownerRef("user:jane", ownerProblems);
    assertThat(ownerProblems).singleElement().asString().startsWith("spec.owner (platform.service.owner): 'user:jane' is a user, not a group");
    assertThat(CatalogEntities.ownerRef("group:platform/team-a", new ArrayList<>())).isEqualTo("group:platform/team-a");
    assertThatThrownBy(
            () ->
                CatalogEntities.generate(
                    orders(),
                    new CatalogEntities.Options(
                        "Team_A", "service", "dir:.", null, Map.of("bad api!", new CatalogEntities.ApiSpec("openapi", "")), Map.of())))
        .isInstanceOfSatisfying(
            CatalogException.class,
            e ->
                assertThat(e.problems())
                    .anySatisfy(p -> assertThat(p).startsWith("metadata.namespace (platform.catalog.namespace): 'Team_A' is not a DNS label"))
                    .anySatisfy(p -> assertThat(p).startsWith("API name (platform.catalog.apis.bad api!): 'bad api!' is not a Backstage name"))
                    .anySatisfy(p -> assertThat(p).startsWith("platform.catalog.apis.bad api!.definition: not set")));
    assertThatThrownBy(() -> CatalogEntities.generate(ServiceDescriptor.builder("orders").build(), options()))
        .hasMessageContaining("spec.owner (platform.service.owner): not set");
  }

  /** Backstage's own validators (npm @backstage/catalog-model, installed by the build) accept the generated YAML. */
  @Test
  void backstagesOwnValidatorsAcceptTheGeneratedEntities() throws Exception {
    Path file = CatalogEntities.write(CatalogEntities.generate(orders(), options()), dir);
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = new YAMLMapper().readerFor(JsonNode.class).readValues(Files.readString(file))) {
      it.forEachRemaining(docs::add);
    }
    // Backstage resolves $text placeholders (the PlaceholderProcessor) before it validates.
    Files.writeString(dir.resolve("openapi.yaml"), "openapi: 3.0.0\ninfo: {title: orders, version: 1.4.2}\npaths: {}\n");
    for (JsonNode doc : docs) {
      JsonNode definition = doc.path("spec").path("definition");
      if (definition.has("$text")) {
        ((ObjectNode) doc.path("spec")).put("definition", Files.readString(dir.resolve(definition.path("$text").asText())));
      }
    }
    // A broken copy proves the validator can refuse.
    ObjectNode broken = docs.get(0).deepCopy();
    ((ObjectNode) broken.path("metadata")).put("name", "not a valid name!");
    docs.add(broken);
    Path json = dir.resolve("entities.json");
    new ObjectMapper().writeValue(json.toFile(), docs);
    Path npm = Path.of("target", "npm", "node_modules").toAbsolutePath();
    assertThat(npm.resolve("@backstage/catalog-model/package.json")).as("npm install ran in generate-test-resources").exists();
    ProcessBuilder pb =
        new ProcessBuilder("node", Path.of("target", "test-classes", "backstage", "validate.js").toAbsolutePath().toString(), json.toString())
            .redirectErrorStream(true);
    pb.environment().put("NODE_PATH", npm.toString());
    Process p = pb.start();
    List<JsonNode> results = new ArrayList<>();
    List<String> raw = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        raw.add(line);
        if (line.startsWith("{")) {
          results.add(new ObjectMapper().readTree(line));
        }
      }
    }
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(results).as("validator output: %s", raw).hasSize(3);
    assertThat(results.get(0).path("valid").asBoolean()).as(results.get(0).toString()).isTrue();
    assertThat(results.get(1).path("valid").asBoolean()).as(results.get(1).toString()).isTrue();
    assertThat(results.get(2).path("valid").asBoolean()).isFalse();
    assertThat(results.get(2).path("error").asText()).contains("metadata.name");
  }
}
