package dev.paved.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The version the build recorded is the service's version unless something above it says otherwise. */
class BuildInfoTest {
  @TempDir Path dir;

  private Platform.Description describe(@org.jspecify.annotations.Nullable String platformYaml, Map<String, String> env) throws Exception {
    Path info = dir.resolve("META-INF/paved/build-info.properties");
    Files.createDirectories(info.getParent());
    Files.writeString(info, "service.version=1.4.2\nservice.artifact=com.example:orders\n");
    if (platformYaml != null) {
      Files.writeString(dir.resolve("platform.yaml"), platformYaml);
    }
    try (URLClassLoader cl = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
      return TestPlatforms.isolated().classLoader(cl).environment(env).describe();
    }
  }

  @Test
  void thePomsVersionIsTheServicesVersionWithItsSource() throws Exception {
    Platform.Description d = describe(null, Map.of());
    assertThat(d.descriptor().version()).isEqualTo("1.4.2");
    assertThat(d.config().value("platform.service.version").orElseThrow().source()).isEqualTo("build (META-INF/paved/build-info.properties)");
  }

  @Test
  void platformYamlAndTheEnvironmentWin() throws Exception {
    assertThat(describe("platform:\n  service:\n    version: 2.0.0\n", Map.of()).descriptor().version()).isEqualTo("2.0.0");
    assertThat(describe(null, Map.of("PLATFORM_SERVICE_VERSION", "3.0.0")).descriptor().version()).isEqualTo("3.0.0");
  }
}
