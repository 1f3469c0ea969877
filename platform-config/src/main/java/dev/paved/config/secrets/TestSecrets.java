package dev.paved.config.secrets;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A test's secrets, in memory: the platform's {@link Secrets} read them as they read Vault — cached,
 * registered for masking, rotated with {@link Secrets#onRotate} listeners called — and a test
 * rotates one on demand. Give the platform its {@link #module()} (it replaces the discovered secrets
 * module):
 *
 * <pre>{@code
 * TestSecrets secrets = TestSecrets.create().put("kv/inventory#api-key", "test-key-0001");
 * try (Platform platform = TestPlatforms.builder().serviceName("orders").module(secrets.module()).start()) {
 *   Secrets.of(platform).onRotate("kv/inventory#api-key", (before, after) -> ...);
 *   Secrets.of(platform).get("kv/inventory#api-key"); // in use (a secret never read has no rotation)
 *   secrets.rotate("kv/inventory#api-key", "test-key-0002"); // the listener has run when this returns
 * }
 * }</pre>
 *
 * <p>Test support, as {@code MockClock} is in Micrometer: it lives beside the secrets so that every
 * module's tests and a service's can use it; a platform in a production environment refuses it.
 */
public final class TestSecrets {
  private final Map<String, Map<String, String>> paths = new ConcurrentHashMap<>();
  private final Map<String, Long> versions = new ConcurrentHashMap<>();
  private volatile @Nullable SecretsModule module;

  private TestSecrets() {}

  /** No secrets yet. */
  public static TestSecrets create() {
    return new TestSecrets();
  }

  /**
   * Sets the secret at {@code reference} ({@code path#key}). Before the platform reads the path,
   * this is its value; once read, the new value is used from the next refresh of the path ({@code
   * platform.secrets.refresh-interval}) — {@link #rotate} puts it in use at once.
   */
  public TestSecrets put(String reference, String value) {
    SecretReference ref = SecretReference.parse(reference);
    Objects.requireNonNull(value, "value");
    synchronized (paths) {
      Map<String, String> data = new LinkedHashMap<>(paths.getOrDefault(ref.path(), Map.of()));
      data.put(ref.key(), value);
      paths.put(ref.path(), Map.copyOf(data));
      versions.merge(ref.path(), 1L, Long::sum);
    }
    return this;
  }

  /**
   * Rotates the secret at {@code reference} to {@code value} now: a new version of its path, which
   * the platform's secrets read at once; when this returns, {@code Secrets.get} gives the new value,
   * the old one has been retired from masking, and every {@code onRotate} listener of the path has
   * run (on this thread). For a path the platform has not read yet there is no rotation: its
   * first read gives the new value.
   */
  public void rotate(String reference, String value) {
    put(reference, value);
    SecretsModule m = module;
    Secrets s = m == null ? null : m.secrets();
    if (s != null) {
      s.refresh(SecretReference.parse(reference).path());
    }
  }

  /** The secrets module over these secrets, for {@code Platform.Builder.module(...)}. */
  public SecretsModule module() {
    SecretsModule m = new SecretsModule(Clock.systemUTC(), true, new Backend());
    module = m;
    return m;
  }

  /** The source the platform reads. */
  private final class Backend implements SecretBackend {
    @Override
    public String name() {
      return "test";
    }

    @Override
    public void start() {}

    @Override
    public Fetched read(String path) {
      Map<String, String> data;
      long version;
      synchronized (paths) {
        data = paths.get(path);
        version = versions.getOrDefault(path, 0L);
      }
      if (data == null) {
        throw new SecretException("no secret at " + path + " in the test's secrets (TestSecrets)");
      }
      return new Fetched(data, version, null, Duration.ZERO, false);
    }



    /** What the test put is all there will be at start-up: a missing required secret fails at once. */
    @Override
    public boolean mayChange() {
      return false;
    }

    @Override
    public String fixFor(SecretReference reference) {
      return "put it in the test's secrets: TestSecrets.put(\"" + reference + "\", value)";
    }

    @Override
    public Map<String, Object> status() {
      return Map.of("source", "test (in memory)");
    }

  }
}
