package dev.paved.observability;

import dev.paved.core.Platform;
import java.util.Map;

/** Platforms for tests: isolated from this JVM's environment, on ephemeral loopback ports, no drain. */
final class TestPlatforms {
  private TestPlatforms() {}

  static Platform.Builder isolated() {
    return Platform.builder()
        .environment(Map.of())
        .systemProperties(Map.of())
        .serviceName("orders")
        .adminPort(0)
        .property("platform.admin.bind-address", "127.0.0.1")
        .shutdownHook(false)
        .property("platform.shutdown.drain", "0s");
  }
}
