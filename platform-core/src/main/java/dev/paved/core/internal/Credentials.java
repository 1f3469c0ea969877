package dev.paved.core.internal;

import dev.paved.core.ConfigException;
import dev.paved.core.ConfigKey;
import dev.paved.core.ConfigProblem;
import dev.paved.core.ConfigValue;
import dev.paved.core.PlatformConfig;
import dev.paved.core.Redaction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The one way Paved reads a credential (a Vault token, an Unleash API token, a Backstage token):
 * from the file a key names, else from a standard environment variable, stripped of surrounding
 * white space, and registered for masking before anything can log it. A file the configuration
 * names but that cannot be read is a configuration problem, whichever module asks: start-up fails
 * naming the key, the file and the fix, never the content. Internal: not for public use.
 */
public final class Credentials {
  private Credentials() {}

  /**
   * The credential from the file named by {@code fileKey}, else from {@code variable}; null when
   * neither is set.
   *
   * @throws ConfigException when the named file cannot be read
   */
  public static @Nullable String fromFileOrEnvironment(
      PlatformConfig config, Redaction redaction, ConfigKey<String> fileKey, String variable) {
    String value;
    if (config.find(fileKey).isPresent()) {
      String file = config.get(fileKey);
      try {
        value = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
      } catch (IOException | RuntimeException e) {
        String source = config.value(fileKey.name()).map(ConfigValue::source).orElse(file);
        throw new ConfigException(
            List.of(
                new ConfigProblem(
                    fileKey.name(),
                    source,
                    "the file " + file + " cannot be read (" + e.getClass().getSimpleName() + ")",
                    "check that it exists and is readable, or unset " + fileKey.name() + " and set " + variable)));
      }
    } else {
      value = config.environmentVariable(variable).map(String::strip).orElse(null);
    }
    if (value == null || value.isEmpty()) {
      return null;
    }
    redaction.tryRegister(value); // never in a log line, whatever logs it
    return value;
  }
}
