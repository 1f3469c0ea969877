package dev.paved.config.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paved.core.ConfigException;
import dev.paved.core.Platform;
import dev.paved.core.PlatformStartException;
import dev.paved.core.Redaction;
import dev.paved.test.TestPlatforms;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A test's in-memory secrets: read, masked and rotated on demand through the platform's Secrets. */
class TestSecretsTest {
  private static Platform start(TestSecrets secrets, String environment, String... properties) {
    Platform.Builder b = TestPlatforms.builder().serviceName("orders").property("platform.service.environment", environment).module(secrets.module());
    for (int i = 0; i < properties.length; i += 2) {
      b.property(properties[i], properties[i + 1]);
    }
    return b.start();
  }

  @Test
  void aRotationOnDemandCallsTheListenersBeforeItReturnsAndMasksBothValues() {
    TestSecrets secrets = TestSecrets.create().put("kv/inventory#api-key", "test-key-0001").put("kv/inventory#user", "orders-svc");
    try (Platform platform = start(secrets, "test", "platform.secrets.required", "kv/inventory#api-key")) {
      Secrets s = Secrets.of(platform);
      assertThat(s.get("kv/inventory#api-key").reveal()).isEqualTo("test-key-0001");
      List<String> seen = new CopyOnWriteArrayList<>();
      s.onRotate("kv/inventory#api-key", (before, after) -> seen.add(before.reveal() + " -> " + after.reveal() + (after.version() > before.version() ? ", a newer version" : "")));
      s.onRotate("kv/inventory#user", (before, after) -> seen.add("the user did not change: not rotated"));

      secrets.rotate("kv/inventory#api-key", "test-key-0002");

      assertThat(seen).containsExactly("test-key-0001 -> test-key-0002, a newer version");
      assertThat(s.get("kv/inventory#api-key").reveal()).isEqualTo("test-key-0002");
      assertThat(s.get("kv/inventory#user").reveal()).as("the other key of the path is unchanged").isEqualTo("orders-svc");
      assertThat(Redaction.mask("new test-key-0002, old test-key-0001")).doesNotContain("test-key-000");
    }
  }

  @Test
  void aRequiredSecretTheTestDidNotPutFailsStartUpAtOnceSayingWhereToPutIt() {
    long begin = System.nanoTime();
    assertThatThrownBy(() -> start(TestSecrets.create(), "test", "platform.secrets.required", "kv/inventory#api-key", "platform.secrets.startup-timeout", "120s"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kv/inventory#api-key")
        .hasMessageContaining("TestSecrets.put(\"kv/inventory#api-key\", value)");
    assertThat(System.nanoTime() - begin).as("no wait for the start-up timeout").isLessThan(60_000_000_000L);
  }

  @Test
  void aProductionPlatformRefusesTestSecrets() {
    assertThatThrownBy(() -> start(TestSecrets.create().put("kv/a#b", "value-123456"), "production"))
        .isInstanceOf(PlatformStartException.class)
        .hasMessageContaining("TestSecrets are for tests");
  }
}
