package dev.paved.catalog.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        // Every module of the classpath (observability, config): their keys are read here too.
        TestPlatforms.withDiscovery()
            .serviceName("orders")
            .property("platform.service.owner", "team-orders")
            .property("platform.service.tier", "1")
            .property("platform.admin.port", "8081")
            .property("platform.service.dependencies.inventory.kind", "http")
            .property("platform.service.dependencies.orders-db.kind", "database");
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
            "platform.deploy.environments.production.env-from-secret", "orders-platform",
            "platform.shutdown.drain", "5s",
            "platform.shutdown.timeout", "20s");
    assertThat(envs).extracting(KubernetesManifests.Environment::name).containsExactlyInAnyOrder("staging", "production");
    KubernetesManifests.Environment prod = envs.stream().filter(e -> e.name().equals("production")).findFirst().orElseThrow();
    assertThat(prod.documents()).extracting(KubernetesManifests.Document::file).startsWith("namespace.yaml", "resourcequota.yaml", "limitrange.yaml");
    Map<String, Object> deployment = doc(prod, "deployment.yaml");
    Object pod = at(deployment, "spec", "template", "spec");
    assertThat(at(pod, "terminationGracePeriodSeconds")).as("preStop drain 5 + in-flight 20 + scheduler 2 + telemetry flush 10 + 3").isEqualTo(40L);
    assertThat(at(pod, "containers", 0, "envFrom", 0, "secretRef", "name")).isEqualTo("orders-platform");
    assertThat(at(pod, "containers", 0, "readinessProbe", "timeoutSeconds")).as("the health checks' 2 s deadline + 1").isEqualTo(3);
    assertThat(at(pod, "serviceAccountName")).isEqualTo("orders");
    assertThat(at(pod, "automountServiceAccountToken")).isEqualTo(false);
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
  void productionWithoutUnleashOrVaultWouldExitAtStartUpSoTheBuildSaysSo() {
    assertThatThrownBy(() -> render("platform.deploy.environments.production.replicas", "2"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("the production environment needs an Unleash URL")
        .hasMessageContaining("the production environment needs a Vault address")
        .hasMessageContaining("platform.deploy.environments.production.env-from-secret");
    // Declared in the environment's variables instead: the pod gets them, and the NetworkPolicy
    // lets it reach both (in-cluster names: their namespaces on their ports).
    KubernetesManifests.Environment prod =
        render(
                "platform.deploy.environments.production.env.UNLEASH_URL", "http://unleash.unleash.svc.cluster.local:4242/api",
                "platform.deploy.environments.production.env.VAULT_ADDR", "https://vault.vault.svc:8200",
                "platform.secrets.vault.auth.method", "kubernetes")
            .get(0);
    Object pod = at(doc(prod, "deployment.yaml"), "spec", "template", "spec");
    assertThat(at(pod, "containers", 0, "env").toString()).contains("name=UNLEASH_URL").contains("name=VAULT_ADDR");
    assertThat(at(pod, "automountServiceAccountToken")).as("Vault's kubernetes auth logs in with the token").isEqualTo(true);
    String egress = at(doc(prod, "networkpolicy.yaml"), "spec", "egress").toString();
    assertThat(egress).contains("kubernetes.io/metadata.name=unleash").contains("port=4242").contains("kubernetes.io/metadata.name=vault").contains("port=8200");
  }

  @Test
  void aBackendOutsideTheClusterNeedsItsAddressesDeclared() {
    assertThatThrownBy(
            () ->
                render(
                    "platform.deploy.environments.staging.replicas", "1",
                    "platform.observability.otlp.endpoint", "https://otlp.example.com:4318"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("platform.observability.otlp.endpoint")
        .hasMessageContaining("cannot allow the host otlp.example.com by name")
        .hasMessageContaining("platform.deploy.egress.otlp.cidr");
    KubernetesManifests.Environment staging =
        render(
                "platform.deploy.environments.staging.replicas", "1",
                "platform.observability.otlp.endpoint", "https://otlp.example.com:4318",
                "platform.deploy.egress.otlp.cidr", "203.0.113.0/24",
                "platform.deploy.egress.otlp.port", "4318")
            .get(0);
    assertThat(at(doc(staging, "networkpolicy.yaml"), "spec", "egress").toString()).contains("cidr=203.0.113.0/24").contains("port=4318");
  }

  @Test
  void anEnvironmentNameIsCheckedEvenWithADeclaredNamespaceAndSoAreTyposAndTinyMemory() {
    assertThatThrownBy(
            () ->
                render(
                    "platform.deploy.environments.Prod_EU.namespace", "orders-prod",
                    "platform.deploy.dependencies.inventroy.namespace", "inventory",
                    "platform.deploy.resources.memory", "100m"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'Prod_EU': not a valid environment name")
        .hasMessageContaining("platform.deploy.environments.Prod_EU");
    assertThatThrownBy(() -> render("platform.deploy.environments.staging.replicas", "1", "platform.deploy.dependencies.inventroy.namespace", "inventory", "platform.deploy.resources.memory", "100m"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("platform.deploy.dependencies.inventroy")
        .hasMessageContaining("no such dependency: the service declares inventory, orders-db")
        .hasMessageContaining("less than 64Mi")
        .hasMessageContaining("100m is a tenth of a byte");
  }

  @Test
  void nodeLocalDnsCanBeAllowedBesideTheDnsPods() {
    KubernetesManifests.Environment staging =
        render("platform.deploy.environments.staging.replicas", "1", "platform.deploy.dns.cidr", "169.254.20.10/32", "platform.deploy.dns.namespace", "dns").get(0);
    assertThat(at(doc(staging, "networkpolicy.yaml"), "spec", "egress", 0, "to").toString())
        .contains("kubernetes.io/metadata.name=dns")
        .contains("cidr=169.254.20.10/32");
  }

  @Test
  void aSharedNamespaceGetsNoNamespaceObjects() {
    KubernetesManifests.Environment staging =
        render("platform.deploy.environments.staging.namespace", "shop", "platform.deploy.environments.staging.shared-namespace", "true").get(0);
    assertThat(staging.documents()).extracting(KubernetesManifests.Document::file).doesNotContain("namespace.yaml", "resourcequota.yaml", "limitrange.yaml");
    assertThat(staging.namespace()).isEqualTo("shop");
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
                    "platform.deploy.environments.staging.env-from-secret", "staging-platform",
                    "platform.deploy.resources.memory", "lots",
                    "platform.deploy.dependencies.orders-db.cidr", "10.40.0.0/99",
                    "platform.service.dependencies.ledger.kind", "other",
                    "platform.admin.port", "0"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("platform.deploy.environments.Prod_EU")
        .hasMessageContaining("not a valid environment name")
        .hasMessageContaining("rename the environment")
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
    assertThatThrownBy(() -> render("platform.service.cost-centre", "CC 1234 (EU)", "platform.deploy.environments.staging.replicas", "2"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("platform.service.cost-centre")
        .hasMessageContaining("cannot be a Kubernetes label value");
    // Typed keys are checked as the configuration is read, as at start-up.
    assertThatThrownBy(() -> render("platform.deploy.environments.staging.replicas", "two"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("platform.deploy.environments.staging.replicas")
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

  @Test
  void aCronJobRunsThePodOnceOnItsScheduleWithoutServerPartsAndFailsFastOnTheJobsExitCodes() {
    KubernetesManifests.Environment staging =
        render(
                "platform.deploy.environments.staging.replicas", "1",
                "platform.deploy.workload", "cronjob",
                "platform.deploy.schedule", "0 3 * * *",
                "platform.deploy.job.active-deadline", "10m")
            .get(0);
    assertThat(staging.documents()).extracting(KubernetesManifests.Document::file)
        .contains("cronjob.yaml", "serviceaccount.yaml", "configmap.yaml", "networkpolicy.yaml")
        .doesNotContain("deployment.yaml", "service.yaml", "horizontalpodautoscaler.yaml", "poddisruptionbudget.yaml", "servicemonitor.yaml");
    Map<String, Object> cron = doc(staging, "cronjob.yaml");
    assertThat(at(cron, "spec", "schedule")).isEqualTo("0 3 * * *");
    assertThat(at(cron, "spec", "concurrencyPolicy")).isEqualTo("Forbid");
    assertThat(at(cron, "spec", "jobTemplate", "spec", "activeDeadlineSeconds")).isEqualTo(600L);
    assertThat(at(cron, "spec", "jobTemplate", "spec", "podFailurePolicy", "rules", 0, "onExitCodes", "values")).isEqualTo(List.of(2, 3, 4));
    Map<String, Object> container = (Map<String, Object>) at(cron, "spec", "jobTemplate", "spec", "template", "spec", "containers", 0);
    assertThat(container).doesNotContainKeys("readinessProbe", "livenessProbe", "startupProbe", "lifecycle").containsKeys("image", "env", "securityContext");
    assertThat(at(cron, "spec", "jobTemplate", "spec", "template", "spec", "restartPolicy")).isEqualTo("Never");
  }

  @Test
  void aCronJobWithoutAScheduleOrAnUnknownWorkloadIsRefusedNamingTheKey() {
    assertThatThrownBy(() -> render("platform.deploy.environments.staging.replicas", "1", "platform.deploy.workload", "cronjob"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("platform.deploy.schedule")
        .hasMessageContaining("five cron fields");
    assertThatThrownBy(() -> render("platform.deploy.environments.staging.replicas", "1", "platform.deploy.workload", "statefulset"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("use deployment or cronjob");
  }

  @Test
  void anEventConsumerScalesWithKedaOnItsGroupsLagInsteadOfCpu() {
    KubernetesManifests.Environment staging =
        render(
                "platform.deploy.environments.staging.replicas", "2",
                "platform.deploy.environments.staging.max-replicas", "8",
                "platform.deploy.autoscaling.kafka-lag-threshold", "1000",
                "platform.deploy.autoscaling.kafka-consumer-group", "order-events",
                "platform.deploy.autoscaling.prometheus-url", "http://prometheus.monitoring:9090")
            .get(0);
    assertThat(staging.documents()).extracting(KubernetesManifests.Document::file).contains("scaledobject.yaml").doesNotContain("horizontalpodautoscaler.yaml");
    Map<String, Object> so = doc(staging, "scaledobject.yaml");
    assertThat(at(so, "spec", "minReplicaCount")).isEqualTo(2);
    assertThat(at(so, "spec", "maxReplicaCount")).isEqualTo(8);
    assertThat(at(so, "spec", "triggers", 0, "metadata", "query")).isEqualTo("sum(messaging_kafka_consumer_group_lag{messaging_consumer_group_name=\"order-events\"})");
    assertThat(at(so, "spec", "triggers", 0, "metadata", "threshold")).isEqualTo("1000");
    assertThatThrownBy(() -> render("platform.deploy.environments.staging.replicas", "1", "platform.deploy.autoscaling.kafka-lag-threshold", "10"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("platform.deploy.autoscaling.kafka-consumer-group")
        .hasMessageContaining("platform.deploy.autoscaling.prometheus-url");
  }
}
