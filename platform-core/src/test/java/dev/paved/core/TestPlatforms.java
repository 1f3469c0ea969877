package dev.paved.core;

import java.util.Map;

/** Platforms isolated from this JVM's environment, system properties and classpath. */
final class TestPlatforms {
  private TestPlatforms() {}

  static Platform.Builder isolated() {
    return Platform.builder()
        .environment(Map.of())
        .systemProperties(Map.of())
        .discoverModules(false)
        .serviceName("orders")
        .adminPort(0)
        .property("platform.admin.bind-address", "127.0.0.1")
        .shutdownHook(false)
        .drain(java.time.Duration.ZERO);
  }
}
