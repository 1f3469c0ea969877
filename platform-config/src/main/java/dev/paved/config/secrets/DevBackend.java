package dev.paved.config.secrets;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The development source, for local runs and the examples: a secret {@code kv/inventory#api-key}
 * is the environment variable {@code INVENTORY_API_KEY} (the path's last segment and the key,
 * upper case, other characters as {@code _}), or the entry {@code kv/inventory#api-key=…} of a
 * local properties file. The variable wins. Refused in production unless explicitly allowed.
 */
final class DevBackend implements SecretBackend {
  private final Function<String, @Nullable String> environment;
  private final @Nullable Path file;

  DevBackend(Function<String, @Nullable String> environment, @Nullable Path file) {
    this.environment = environment;
    this.file = file;
  }

  /** The variable that holds {@code reference} in development. */
  static String variableFor(SecretReference reference) {
    String path = reference.path();
    String last = path.substring(path.lastIndexOf('/') + 1);
    return (last + "_" + reference.key()).toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }

  @Override
  public String name() {
    return "development";
  }

  /** Environment variables cannot change while the process runs: a missing secret fails at once. */
  @Override
  public boolean mayChange() {
    return false;
  }

  @Override
  public String fixFor(SecretReference reference) {
    Path f = file;
    String inFile =
        f == null
            ? "or name a properties file in platform.secrets.dev.file with the line " + reference + "=…"
            : "or add the line " + reference + "=… to " + f + " (platform.secrets.dev.file)";
    return "set the environment variable " + variableFor(reference) + " (development source: no VAULT_ADDR), " + inFile;
  }

  @Override
  public void start() {
    fileEntries(); // a missing or unreadable file is reported at start-up
  }

  @Override
  public Fetched read(String path) {
    throw new UnsupportedOperationException("the development source reads keys, not paths");
  }

  /** The values of {@code keys} under {@code path}; absent ones are left out. */
  Fetched read(String path, Iterable<String> keys) {
    Map<String, String> file = fileEntries();
    Map<String, String> out = new LinkedHashMap<>();
    for (String key : keys) {
      SecretReference ref = new SecretReference(path, key);
      String v = environment.apply(variableFor(ref));
      if (v == null) {
        v = file.get(ref.toString());
      }
      if (v != null) {
        out.put(key, v);
      }
    }
    return new Fetched(out, 0, null, Duration.ZERO, false);
  }

  private Map<String, String> fileEntries() {
    Path f = file;
    if (f == null) {
      return Map.of();
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (NoSuchFileException e) {
      throw new SecretException("the development secrets file " + f + " does not exist");
    } catch (IOException | IllegalArgumentException e) {
      throw new SecretException("the development secrets file " + f + " cannot be read (" + e.getClass().getSimpleName() + ")");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String name : p.stringPropertyNames()) {
      out.put(name, p.getProperty(name));
    }
    return out;
  }



  @Override
  public Map<String, Object> status() {
    Path f = file;
    return f == null ? Map.of("source", "development (environment variables)") : Map.of("source", "development (environment variables, " + f + ")");
  }

}
