package dev.paved.tests.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * STYLE rule 1 and 21: what one Paved module needs from another lives in an {@code internal}
 * package, and every public type there says in its Javadoc that it is not for public use, so no
 * service developer mistakes it for API (OpenTelemetry's {@code sdk.internal} model).
 */
class InternalPackagesTest {
  private static final Path ROOT = Path.of("..", "..").toAbsolutePath().normalize();

  @Test
  void everyPublicTypeInAnInternalPackageSaysItIsNotForPublicUse() throws IOException {
    List<Path> sources = new ArrayList<>();
    try (Stream<Path> all = Files.walk(ROOT, 12)) {
      all.filter(p -> p.toString().replace('\\', '/').matches(".*/src/main/java/.*/internal/[^/]+\\.java"))
          .filter(p -> !p.toString().contains("/target/"))
          .filter(p -> !p.getFileName().toString().equals("package-info.java"))
          .forEach(sources::add);
    }
    assertThat(sources).as("internal sources found").hasSizeGreaterThan(10);
    List<String> missing = new ArrayList<>();
    for (Path p : sources) {
      String text = Files.readString(p, StandardCharsets.UTF_8);
      if (!text.lines().anyMatch(l -> l.startsWith("public "))) {
        continue;
      }
      String flat = text.replaceAll("\\s*\\n\\s*\\*\\s*", " ").toLowerCase(java.util.Locale.ROOT);
      if (!flat.contains("not for public use") && !flat.contains("not api")) {
        missing.add(ROOT.relativize(p).toString());
      }
    }
    assertThat(missing).as("public internal types without 'not for public use' in their Javadoc").isEmpty();
  }
}
