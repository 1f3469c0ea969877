package dev.paved.config;

import dev.paved.core.Platform;
import dev.paved.test.TestPlatforms;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** A platform reading its configuration from a file in a temporary directory, isolated from this JVM. */
final class ConfigFixture {
  final Path dir;
  final Path file;
  final Map<String, String> environment = new LinkedHashMap<>();

  ConfigFixture(Path dir) {
    this.dir = dir;
    this.file = dir.resolve("platform.yaml");
    environment.put("PLATFORM_CONFIG", file.toString());
  }

  /** Replaces the file atomically, as a deployment tool would. */
  void write(String yaml) throws IOException {
    Path tmp = Files.createTempFile(dir, "platform", ".tmp");
    Files.writeString(tmp, yaml, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  Platform.Builder builder() {
    return TestPlatforms.builder()
        .environment(environment)
        .property("platform.config.reload.poll-interval", "100ms")
        .property("platform.config.reload.settle", "50ms")
        .drain(Duration.ZERO);
  }

  Platform start(ConfigModule module) {
    return builder().module(module).start();
  }
}
