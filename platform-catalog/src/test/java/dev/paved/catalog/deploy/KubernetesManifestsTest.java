package dev.paved.catalog.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paved.catalog.CatalogModule;
import dev.paved.core.ConfigException;
import dev.paved.core.Platform;
import dev.paved.test.TestPlatforms;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The manifests from the declarations, and the declarations that cannot become valid manifests. */
class KubernetesManifestsTest {
  private static List<KubernetesManifests.Environment> render(String... properties) {
    Platform.Builder b =
        TestPlatforms.builder()
            .serviceName("orders")
            .property("platform.service.owner", "team-orders")
            .property("platform.service.tier", "1")
            .property("platform.admin.port", "8081")
            .property("platform.service.dependencies.inventory.kind", "http")
            .property("platform.service.dependencies.orders-db.kind", "database")
            .module(new CatalogModule());
    for (int i = 0; i < properties.length; i += 2) {
      b.property(properties[i], properties[i + 1]);
    }
    Platform.Description d = b.describe();
    return KubernetesManifests.render(new KubernetesManifests.Inputs(d.descriptor(), d.config(), "orders:1.2.3", "9.9.9", Map.of("platform.yaml", "platform: {}\n")));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> doc(KubernetesManifests.Environment env, String file) {
    return env.documents().stream().filter(d -> d.file().equals(file)).findFirst().orElseThrow().body();
  }

  @SuppressWarnings("unchecked")
  private static Object at(Object node, Object... path) {
    Object n = node;
    for (Object p : path) {
      Object next = p instanceof Integer i ? ((List<Object>) n).get(i) : ((Map<String, Object>) n).get(p);
      if (next == null) {
        throw new AssertionError("nothing at " + p + " of " + java.util.Arrays.toString(path));
      }
      n = next;
    }
    return n;
  }

  @Test
  void oneSetPerDeclaredEnvironmentWithTierDefaultsAndTheShutdownPhasesInTheGracePeriod() {
    List<KubernetesManifests.Environment> envs =
        render(
            "platform.deploy.environments.staging.replicas", "2",
            "platform.deploy.environments.production.namespace", "orders-prod",
            "platform.shutdown.drain", "5s",
            "platform.shutdown.timeout", "20s");
    assertThat(envs).extracting(KubernetesManifests.Environment::name).containsExactlyInAnyOrder("staging", "production");
    KubernetesManifests.Environment prod = envs.stream().filter(e -> e.name().equals("production")).findFirst().orElseThrow();
    assertThat(prod.documents()).extracting(KubernetesManifests.Document::file).startsWith("namespace.yaml", "resourcequota.yaml", "limitrange.yaml");
    Map<String, Object> deployment = doc(prod, "deployment.yaml");
    Object pod = at(deployment, "spec", "template", "spec");
    assertThat(at(pod, "terminationGracePeriodSeconds")).as("preStop drain 5 + in-flight 20 + 5").isEqualTo(30L);
    assertThat(at(pod, "containers", 0, "lifecycle", "preStop", "sleep", "seconds")).isEqualTo(5L);
    assertThat(at(pod, "containers", 0, "resources", "requests", "cpu")).as("tier 1").isEqualTo("1");
    assertThat(at(pod, "containers", 0, "securityContext", "readOnlyRootFilesystem")).isEqualTo(true);
    assertThat(at(pod, "securityContext", "seccompProfile", "type")).isEqualTo("RuntimeDefault");
    assertThat(at(deployment, "metadata", "labels")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
        .containsEntry("paved.dev/team", "team-orders").containsEntry("paved.dev/tier", "1").containsEntry("app.kubernetes.io/version", "0.0.0-unknown");
    assertThat(at(doc(prod, "horizontalpodautoscaler.yaml"), "spec", "minReplicas")).as("tier 1: 3").isEqualTo(3);
    assertThat(at(doc(prod, "networkpolicy.yaml"), "spec", "egress")).asList().hasSize(3);
    KubernetesManifests.Environment staging = envs.stream().filter(e -> e.name().equals("staging")).findFirst().orElseThrow();
    assertThat(staging.namespace()).isEqualTo("staging");
    assertThat(staging.documents()).extracting(KubernetesManifests.Document::file).doesNotContain("namespace.yaml", "resourcequota.yaml");
  }

  @Test
  void noEnvironmentDeclaredGivesNoManifests() {
    assertThat(render()).isEmpty();
  }

  @Test
  void everyDeclarationThatCannotBecomeAManifestIsNamedWithItsKeyAndFixInOneError() {
    assertThatThrownBy(
            () ->
                render(
                    "platform.deploy.environments.Prod_EU.replicas", "2",
                    "platform.deploy.environments.staging.namespace", "Staging!",
                    "platform.deploy.resources.memory", "lots",
                    "platform.deploy.dependencies.orders-db.cidr", "10.40.0.0/99",
                    "platform.service.dependencies.ledger.kind", "other",
                    "platform.admin.port", "0"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("platform.deploy.environments.Prod_EU")
        .hasMessageContaining("is not a valid Kubernetes namespace")
        .hasMessageContaining("rename the environment, or set platform.deploy.environments.Prod_EU.namespace")
        .hasMessageContaining("platform.deploy.environments.staging.namespace")
        .hasMessageContaining("platform.deploy.resources.memory")
        .hasMessageContaining("'lots': not a positive Kubernetes quantity")
        .hasMessageContaining("512Mi or 1Gi")
        .hasMessageContaining("platform.deploy.dependencies.orders-db.cidr")
        .hasMessageContaining("not a CIDR block")
        .hasMessageContaining("platform.deploy.dependencies.ledger.port")
        .hasMessageContaining("has no default port, so the NetworkPolicy cannot allow it")
        .hasMessageContaining("platform.admin.port")
        .hasMessageContaining("need a fixed admin port");
  }

  @Test
  void aCostCentreThatCannotBeALabelIsNamedAndSoIsAReplicaCountThatIsNotANumber() {
    assertThatThrownBy(() -> render("platform.service.cost-centre", "CC 1234 (EU)", "platform.deploy.environments.prod.replicas", "2"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("platform.service.cost-centre")
        .hasMessageContaining("cannot be a Kubernetes label value");
    // Typed keys are checked as the configuration is read, as at start-up.
    assertThatThrownBy(() -> render("platform.deploy.environments.prod.replicas", "two"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("platform.deploy.environments.prod.replicas")
        .hasMessageContaining("'two' is not an integer from 1 to 1000");
  }

  @Test
  void quantitiesAndCidrs() {
    assertThat(KubernetesManifests.Quantity.cpu(KubernetesManifests.Quantity.parse("250m").multiply(java.math.BigDecimal.valueOf(3)))).isEqualTo("750m");
    assertThat(KubernetesManifests.Quantity.memory(KubernetesManifests.Quantity.parse("1Gi"))).isEqualTo("1024Mi");
    assertThat(KubernetesManifests.validCidr("10.0.0.0/8")).isTrue();
    assertThat(KubernetesManifests.validCidr("fd00::/8")).isTrue();
    assertThat(KubernetesManifests.validCidr("300.0.0.0/8")).isFalse();
    assertThat(KubernetesManifests.validCidr("db.example.com/32")).isFalse();
    assertThat(KubernetesManifests.labelSafe("1.0.0+build.7")).isEqualTo("1.0.0_build.7");
  }
}
