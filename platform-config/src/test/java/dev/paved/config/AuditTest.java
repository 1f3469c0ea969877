package dev.paved.config;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.paved.test.LogCapture;
import dev.paved.core.Platform;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class AuditTest {
  @TempDir Path dir;
  @org.junit.jupiter.api.extension.RegisterExtension final LogCapture logs = LogCapture.of(Configuration.class);

  private List<Map<String, Object>> auditEvents() {
    return logs.events().stream()
        .filter(e -> e.getKeyValuePairs() != null)
        .map(e -> e.getKeyValuePairs().stream().collect(Collectors.toMap(kv -> kv.key, kv -> (Object) String.valueOf(kv.value))))
        .filter(m -> "config_change".equals(m.get("event.kind")))
        .toList();
  }

  @Test
  void everyChangeIsAStructuredAuditEventWithSecretValuesRedacted() throws Exception {
    ConfigFixture f = new ConfigFixture(dir);
    f.write("platform:\n  service:\n    name: orders\npayments:\n  url: http://a\n  client-secret: first-secret-value\n");
    try (Platform platform = f.start(new ConfigModule())) {
      Configuration config = Configuration.of(platform);
      config.override(Map.of("payments.url", "http://b", "payments.client-secret", "second-secret-value"));
      config.bind("paging", Sections.Paging.class);
    } catch (dev.paved.core.ConfigException expected) {
      // paging is not set: binding it fails, which is not a change and is not audited
    }
    try (Platform platform = f.start(new ConfigModule())) {
      Configuration.of(platform).override(Map.of("payments.url", "not used", "platform.health.timeout", "forever"));
    }

    List<Map<String, Object>> events = auditEvents();
    assertThat(events).extracting(e -> e.get("config.outcome")).containsExactly("applied", "applied", "applied", "rejected");
    assertThat(events).extracting(e -> e.get("config.trigger")).containsExactly("start", "override", "start", "override");
    Map<String, Object> applied = events.get(1);
    assertThat(applied.get("config.version")).isEqualTo("2");
    assertThat(String.valueOf(applied.get("config.hash"))).hasSize(64);
    assertThat(String.valueOf(applied.get("config.changes")))
        .contains("key=payments.url, before=http://a, after=http://b")
        .contains("key=payments.client-secret, before=******, after=******");
    Map<String, Object> rejected = events.get(3);
    assertThat(String.valueOf(rejected.get("config.problems"))).contains("platform.health.timeout");
    assertThat(rejected.get("config.version")).isEqualTo("1");
    for (ILoggingEvent e : logs.events()) {
      String all = e.getFormattedMessage() + e.getKeyValuePairs();
      assertThat(all).doesNotContain("first-secret-value").doesNotContain("second-secret-value");
    }
  }
}
