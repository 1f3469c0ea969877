package dev.paved.test;

import dev.paved.core.Platform;
import java.time.Duration;
import java.util.Map;

/**
 * Platform builders with test defaults: the JVM's environment variables and system properties
 * are not read (a test sets what it needs with {@code environment(...)}, {@code
 * systemProperties(...)} and {@code property(...)}), the admin server listens on an ephemeral
 * loopback port ({@code platform.admin().port()} tells which), no shutdown hook, no drain. The
 * service's name comes from its {@code platform.yaml} or {@code serviceName(...)}.
 *
 * <pre>{@code
 * try (Platform platform = TestPlatforms.builder().serviceName("orders").module(new ObservabilityModule()).start()) {
 *   ...
 * }
 * }</pre>
 */
public final class TestPlatforms {
  private TestPlatforms() {}

  /**
   * A builder with the test defaults that starts only the modules the test adds ({@code
   * module(...)}): what the classpath holds is not discovered, so each test says what it runs.
   */
  public static Platform.Builder builder() {
    return withDiscovery().discoverModules(false);
  }

  /**
   * A builder with the test defaults that discovers the modules on the classpath, as {@code
   * main} would: for a service's tests of its whole platform.
   */
  public static Platform.Builder withDiscovery() {
    return testDefaults(Platform.builder());
  }

  /**
   * {@code builder} — for example the one the service's {@code main} builds — with the test
   * defaults set over it: no JVM environment or system properties, admin on an ephemeral loopback
   * port, no shutdown hook, no drain.
   */
  public static Platform.Builder testDefaults(Platform.Builder builder) {
    return builder
        .environment(Map.of())
        .systemProperties(Map.of())
        .adminPort(0)
        .property("platform.admin.bind-address", "127.0.0.1")
        .shutdownHook(false)
        .drain(Duration.ZERO);
  }
}
