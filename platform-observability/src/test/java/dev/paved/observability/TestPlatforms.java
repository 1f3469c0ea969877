package dev.paved.observability;

import dev.paved.core.Platform;
import java.time.Duration;
import java.util.Map;

/**
 * Platforms for observability's tests, with the test kit's defaults (platform-test cannot be used
 * here: it depends on this module): isolated from this JVM's environment, ephemeral loopback admin
 * port, no shutdown hook, no drain, no module discovery — the observability module is added by name.
 */
final class TestPlatforms {
  private TestPlatforms() {}

  static Platform.Builder isolated() {
    return Platform.builder()
        .environment(Map.of())
        .systemProperties(Map.of())
        .discoverModules(false)
        .module(new ObservabilityModule())
        .serviceName("orders")
        .adminPort(0)
        .property("platform.admin.bind-address", "127.0.0.1")
        .shutdownHook(false)
        .drain(Duration.ZERO);
  }
}
