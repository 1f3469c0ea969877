package dev.paved.config.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paved.core.ConfigException;
import dev.paved.core.Platform;
import dev.paved.test.TestPlatforms;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The development source: environment variables and a local file, refused in production. */
class DevSecretsTest {
  @TempDir Path dir;

  private static Platform start(Map<String, String> env, Map<String, String> properties) {
    Platform.Builder b =
        TestPlatforms.builder()
            .environment(env)
            .serviceName("orders")
            .module(new SecretsModule(Clock.systemUTC(), false));
    properties.forEach(b::property);
    return b.start();
  }

  @Test
  void environmentVariablesThenTheLocalFileServeSecretsInDevelopment() throws Exception {
    Path file = Files.writeString(dir.resolve("secrets.properties"), "kv/inventory#api-key=from-file-123\nkv/db#password=db-pass-from-file\n");
    try (Platform p = start(Map.of("INVENTORY_API_KEY", "from-env-456"), Map.of("platform.secrets.dev.file", file.toString()))) {
      Secrets s = Secrets.of(p);
      assertThat(s.get("kv/inventory#api-key").reveal()).isEqualTo("from-env-456");
      assertThat(s.get("kv/db#password").reveal()).isEqualTo("db-pass-from-file");
      assertThat(DevBackend.variableFor(SecretReference.parse("database/creds/orders-db#pass.word"))).isEqualTo("ORDERS_DB_PASS_WORD");
      assertThatThrownBy(() -> s.get("kv/inventory#other"))
          .isInstanceOf(SecretException.class)
          .hasMessageContaining("kv/inventory#other: no key 'other'");
    }
  }

  @Test
  void aRequiredSecretMissingInDevelopmentFailsStartUpNamingTheVariable() {
    assertThatThrownBy(() -> start(Map.of(), Map.of("platform.secrets.required", "kv/inventory#api-key", "platform.secrets.startup-timeout", "100ms")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kv/inventory#api-key")
        .hasMessageContaining("no key 'api-key'");
  }

  /**
   * Regression (issue 15), as the user met it: the list written in platform.yaml as the docs show
   * was ignored (start-up succeeded without the secret); then the message said "check that Vault
   * is reachable" with no Vault involved, masked the reference as ******, and came after the whole
   * 10 s start-up timeout.
   */
  @Test
  @org.junit.jupiter.api.Timeout(30)
  void aRequiredSecretListedInPlatformYamlFailsAtOnceNamingTheVariableToSet() throws Exception {
    Path yaml =
        Files.writeString(
            dir.resolve("platform.yaml"),
            """
            platform:
              service:
                name: orders
              secrets:
                required:
                  - kv/risk#api-key
            """);
    long started = System.nanoTime();
    assertThatThrownBy(() -> start(Map.of("PLATFORM_CONFIG", yaml.toString()), Map.of()))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(e.getMessage())
                  .contains("kv/risk#api-key")
                  .contains("RISK_API_KEY")
                  .contains("platform.secrets.dev.file")
                  .doesNotContain("Vault is reachable")
                  .doesNotContain("******");
            });
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void theDevelopmentSourceIsRefusedInProductionUnlessAllowed() {
    Map<String, String> production = new LinkedHashMap<>();
    production.put("platform.service.environment", "production");
    assertThatThrownBy(() -> start(Map.of(), production))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("no Vault address in the production environment")
        .hasMessageContaining("platform.secrets.dev.allow-in-production=true");

    production.put("platform.secrets.dev.allow-in-production", "true");
    try (Platform p = start(Map.of("INVENTORY_API_KEY", "allowed-1234"), production)) {
      assertThat(Secrets.of(p).get("kv/inventory#api-key").reveal()).isEqualTo("allowed-1234");
    }
  }

  @Test
  void aMissingDevelopmentFileIsReported() {
    try (Platform p = start(Map.of(), Map.of("platform.secrets.dev.file", dir.resolve("absent.properties").toString()))) {
      assertThatThrownBy(() -> Secrets.of(p).get("kv/x#y")).hasMessageContaining("absent.properties does not exist");
    }
  }
}
