package dev.paved.tests.architecture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paved.core.ConfigException;
import dev.paved.core.Platform;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Regression (issue 15): a shaded jar that lost its META-INF/services files said "no Paved module
 * on the classpath reads 'platform.resilience' (is its module a dependency?)" although the module
 * was a dependency. With the module's classes on the classpath (every module is, here) and its
 * service entry missing (module discovery off stands for the lost file), the message says so.
 */
class LostServiceFilesTest {

  @Test
  void keysOfAModuleWhoseServiceFileWasLostNameTheShadeTransformer() {
    assertThatThrownBy(
            () ->
                Platform.builder()
                    .environment(Map.of())
                    .systemProperties(Map.of())
                    .discoverModules(false)
                    .serviceName("orders")
                    .adminPort(0)
                    .shutdownHook(false)
                    .property("platform.resilience.defaults.max-attempts", "3")
                    .start())
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.getMessage())
                    .contains("dev.paved.resilience.ResilienceModule")
                    .contains("META-INF/services/dev.paved.core.spi.PlatformModule")
                    .contains("ServicesResourceTransformer")
                    .doesNotContain("is its module a dependency"));
  }
}
