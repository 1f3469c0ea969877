package dev.paved.config.secrets;

import dev.paved.core.ConfigException;
import dev.paved.core.ConfigKey;
import dev.paved.core.ConfigProblem;
import dev.paved.core.HealthKind;
import dev.paved.core.PlatformConfig;
import dev.paved.core.spi.ModuleContext;
import dev.paved.core.spi.PlatformModule;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The secrets module: publishes {@link Secrets}, backed by Vault when an address is configured and
 * by the development source otherwise (refused in production unless allowed); reads the required
 * secrets before the platform reports ready.
 */
public final class SecretsModule implements PlatformModule {
  private static final Logger LOG = LoggerFactory.getLogger(SecretsModule.class);

  private final Clock clock;
  private final boolean background;
  /** A source given by the test ({@link TestSecrets}) instead of Vault or the development one. */
  private final @Nullable SecretBackend given;
  private volatile @Nullable Secrets secrets;
  private java.util.concurrent.@Nullable Future<?> upkeep;

  public SecretsModule() {
    this(Clock.systemUTC(), true);
  }

  /** For tests: a controllable clock, and no background thread (they call {@code tick()}). */
  SecretsModule(Clock clock, boolean background) {
    this(clock, background, null);
  }

  SecretsModule(Clock clock, boolean background, @Nullable SecretBackend given) {
    this.clock = clock;
    this.background = background;
    this.given = given;
  }

  /** The secrets this module started; null before it started. */
  @Nullable Secrets secrets() {
    return secrets;
  }

  @Override
  public String name() {
    return "secrets";
  }

  @Override
  public Set<String> startsAfter() {
    return Set.of("config", "observability");
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return SecretsSettings.keys();
  }

  @Override
  public void start(ModuleContext context) throws InterruptedException {
    PlatformConfig config = context.config();
    SecretBackend test = given;
    if (test != null && context.descriptor().isProduction()) {
      throw new IllegalStateException("TestSecrets are for tests; this platform runs in the production environment '" + context.descriptor().environment() + "'");
    }
    SecretBackend backend = test != null ? test : backend(config, context.descriptor().environment(), context.redaction());
    Secrets s =
        new Secrets(backend, clock, config.get(SecretsSettings.REFRESH_INTERVAL), config.get(SecretsSettings.STALE_AFTER), context.redaction());
    readRequired(s, config);
    if (background) {
      this.upkeep = context.every("secrets", Duration.ofSeconds(1), s::tick);
    }
    this.secrets = s;
    context.register(Secrets.class, s);
    context.health().register("secrets", HealthKind.READINESS, s::health);
    context.info("secrets", s::describe);
    context.component(MeterRegistry.class).ifPresent(r -> metrics(r, s));
    LOG.info("Secrets from {}", backend.status().get("source"));
  }

  private static void metrics(MeterRegistry registry, Secrets s) {
    Gauge.builder("paved.secrets.staleness", s, Secrets::maxStalenessSeconds)
        .description("Seconds since the stalest secret was last read or renewed from its source")
        .baseUnit("seconds")
        .register(registry);
    FunctionCounter.builder("paved.secrets.refresh.failures", s.refreshFailures, java.util.concurrent.atomic.AtomicLong::get)
        .description("Failed background reads, lease renewals and logins; the last values kept being served")
        .register(registry);
    FunctionCounter.builder("paved.secrets.rotations", s.rotations, java.util.concurrent.atomic.AtomicLong::get)
        .description("New secret values put in use (new KV version, new lease credentials)")
        .register(registry);
    FunctionCounter.builder("paved.secrets.listener.failures", s.listenerFailures.counter(), java.util.concurrent.atomic.AtomicLong::get)
        .description("Rotation listeners that threw")
        .register(registry);
  }

  private SecretBackend backend(PlatformConfig config, String environment, dev.paved.core.Redaction redaction) {
    Optional<String> address =
        config.find(SecretsSettings.VAULT_ADDRESS).or(() -> config.environmentVariable("VAULT_ADDR")).map(String::strip).filter(a -> !a.isEmpty());
    if (address.isEmpty()) {
      if (dev.paved.core.ServiceDescriptor.isProduction(environment) && !config.get(SecretsSettings.DEV_IN_PRODUCTION)) {
        throw new ConfigException(
            List.of(
                new ConfigProblem(
                    SecretsSettings.VAULT_ADDRESS.name(),
                    "not set",
                    "no Vault address in the production environment; the development source is refused there",
                    "set platform.secrets.vault.address (or VAULT_ADDR), or allow the development source with"
                        + " platform.secrets.dev.allow-in-production=true")));
      }
      Path file = config.find(SecretsSettings.DEV_FILE).map(Path::of).orElse(null);
      LOG.info("No Vault address: secrets come from environment variables{}", file == null ? "" : " and " + file);
      return new DevBackend(name -> config.environmentVariable(name).orElse(null), file);
    }
    VaultBackend.AuthMethod method = config.get(SecretsSettings.AUTH_METHOD);
    String mount = config.find(SecretsSettings.AUTH_MOUNT).orElse(method == VaultBackend.AuthMethod.KUBERNETES ? "kubernetes" : "approle");
    String token = dev.paved.core.internal.Credentials.fromFileOrEnvironment(config, redaction, SecretsSettings.TOKEN_FILE, "VAULT_TOKEN");
    String secretId =
        dev.paved.core.internal.Credentials.fromFileOrEnvironment(config, redaction, SecretsSettings.SECRET_ID_FILE, "VAULT_SECRET_ID");
    VaultBackend.Settings settings =
        new VaultBackend.Settings(
            address.get(),
            config.find(SecretsSettings.VAULT_NAMESPACE).or(() -> config.environmentVariable("VAULT_NAMESPACE")).orElse(null),
            method,
            mount,
            token,
            config.find(SecretsSettings.ROLE_ID).orElse(null),
            secretId,
            config.find(SecretsSettings.ROLE).orElse(null),
            Path.of(config.get(SecretsSettings.JWT_FILE)),
            config.find(SecretsSettings.CA_FILE).map(Path::of).orElse(null),
            config.get(SecretsSettings.CONNECT_TIMEOUT),
            config.get(SecretsSettings.READ_TIMEOUT),
            new LinkedHashSet<>(config.get(SecretsSettings.KV_V2_MOUNTS)),
            config.get(SecretsSettings.REVOKE_ON_CLOSE));
    return new VaultBackend(settings, clock);
  }

  /** Reads every required secret, trying again until the start-up timeout, then fails with all that failed. */
  private void readRequired(Secrets s, PlatformConfig config) throws InterruptedException {
    List<String> required = config.get(SecretsSettings.REQUIRED);
    if (required.isEmpty()) {
      return;
    }
    Duration timeout = config.get(SecretsSettings.STARTUP_TIMEOUT);
    long deadline = System.nanoTime() + timeout.toNanos();
    List<ConfigProblem> problems = new ArrayList<>();
    for (String ref : required) {
      while (true) {
        try {
          s.require(ref);
          break;
        } catch (IllegalArgumentException e) {
          problems.add(new ConfigProblem(SecretsSettings.REQUIRED.name(), "platform.secrets.required", String.valueOf(e.getMessage()), "write it as mount/path#key"));
          break;
        } catch (SecretException e) {
          long left = deadline - System.nanoTime();
          SecretBackend backend = s.backend();
          if (!backend.mayChange()) {
            // A development source cannot change while the process runs: waiting would only delay this.
            problems.add(
                new ConfigProblem(
                    ref, "platform.secrets.required", "required secret could not be read: " + e.getMessage(), backend.fixFor(SecretReference.parse(ref))));
            break;
          }
          if (left <= 0) {
            problems.add(
                new ConfigProblem(
                    ref,
                    "platform.secrets.required",
                    "required secret could not be read within " + format(timeout) + ": " + e.getMessage(),
                    backend.fixFor(SecretReference.parse(ref))));
            break;
          }
          Thread.sleep(Math.min(500, left / 1_000_000 + 1));
        }
      }
    }
    if (!problems.isEmpty()) {
      s.close();
      throw new ConfigException(problems);
    }
  }

  /** 250ms, 10s, 15m: as durations are written in configuration. */
  static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 60_000 == 0 && ms > 0) {
      return ms / 60_000 + "m";
    }
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }

  @Override
  public void stop() {
    java.util.concurrent.Future<?> u = upkeep;
    if (u != null) {
      u.cancel(false);
    }
    Secrets s = secrets;
    if (s != null) {
      s.close();
    }
  }

}
