package dev.paved.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paved.core.ConfigException;
import dev.paved.core.ConfigKey;
import dev.paved.core.PlatformConfig;
import dev.paved.core.Redaction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one way a credential is read: a named file, else a standard variable; masked at once. */
class CredentialsTest {
  private static final Redaction REDACTION = Redaction.create();

  @org.junit.jupiter.api.AfterAll
  static void closeRedaction() {
    REDACTION.close();
  }
  private static final ConfigKey<String> FILE = ConfigKey.string("platform.test.token-file");

  @TempDir Path dir;

  @Test
  void aNamedFileWinsIsStrippedAndMasked() throws Exception {
    Path file = Files.writeString(dir.resolve("token"), "  file-token-value-1\n");
    String token =
        Credentials.fromFileOrEnvironment(PlatformConfig.of(Map.of(FILE.name(), file.toString())), REDACTION, FILE, "TEST_TOKEN");
    assertThat(token).isEqualTo("file-token-value-1");
    assertThat(Redaction.mask("Bearer file-token-value-1")).isEqualTo("Bearer " + Redaction.MASK);
    REDACTION.unregister("file-token-value-1");
  }

  @Test
  void withoutAFileNothingIsReadAndNothingThrows() {
    assertThat(Credentials.fromFileOrEnvironment(PlatformConfig.of(Map.of()), REDACTION, FILE, "TEST_TOKEN_NOT_SET_ANYWHERE")).isNull();
  }

  @Test
  void aNamedFileThatCannotBeReadIsAConfigurationProblemWithoutItsContent() {
    Path missing = dir.resolve("absent");
    assertThatThrownBy(() -> Credentials.fromFileOrEnvironment(PlatformConfig.of(Map.of(FILE.name(), missing.toString())), REDACTION, FILE, "TEST_TOKEN"))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(e.problems()).singleElement().satisfies(p -> {
                assertThat(p.key()).isEqualTo(FILE.name());
                assertThat(p.problem()).contains(missing.toString()).contains("NoSuchFileException");
                assertThat(p.fix()).contains("TEST_TOKEN");
              });
            });
  }
}
