package dev.paved.spring;

import dev.paved.config.secrets.SecretException;
import dev.paved.config.secrets.Secrets;
import dev.paved.core.Platform;
import org.jspecify.annotations.Nullable;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;

/**
 * Secrets as property values: {@code ${paved.secrets.kv/inventory#api-key}} in
 * {@code application.yaml}, {@code @Value} or any placeholder resolves to that secret, read by
 * Paved's {@link Secrets} (Vault, or the development source). The value is registered for
 * masking like every secret Paved reads, so it never reaches a log line, and Actuator's
 * {@code /actuator/env} shows it masked ({@link PavedAutoConfiguration}'s sanitizing function).
 * A secret that cannot be read fails the lookup with Paved's message, naming the reference and the
 * fix.
 *
 * <p>The property source also holds the application's one {@link Platform}: a placeholder resolved
 * before the context creates its beans starts it, and the {@code Platform} bean is that same one.
 */
public final class PavedSecretsPropertySource extends PropertySource<Object> {
  /** The property source's name. */
  public static final String NAME = "paved-secrets";
  /** The prefix of a secret reference used as a property name. */
  public static final String PREFIX = "paved.secrets.";

  private final ConfigurableEnvironment environment;
  private @Nullable Platform platform;
  private boolean starting;

  PavedSecretsPropertySource(ConfigurableEnvironment environment) {
    // Not the environment as the source: Spring Boot's binders and toString() walk a source.
    super(NAME, new Object());
    this.environment = environment;
  }

  /** The application's platform, started on first use with Spring's configuration. */
  synchronized Platform platform() {
    Platform p = platform;
    if (p == null) {
      starting = true;
      try {
        // Readiness DOWN ("service: starting") until Spring's application is ready (SpringHealth).
        Platform.Builder builder = Platform.builder().shutdownHook(false).readinessAwaitsService();
        SpringConfiguration.apply(environment, builder);
        p = builder.start();
        platform = p;
      } finally {
        starting = false;
      }
    }
    return p;
  }

  /** Closes the platform if it was started ({@link PavedStartFailure}). */
  synchronized void closeIfStarted() {
    Platform p = platform;
    if (p != null) {
      p.close();
    }
  }

  @Override
  public boolean containsProperty(String name) {
    return name.startsWith(PREFIX) && name.length() > PREFIX.length();
  }

  @Override
  public @Nullable Object getProperty(String name) {
    if (!containsProperty(name)) {
      return null;
    }
    synchronized (this) {
      if (starting) {
        // Paved's own configuration never needs the service's secrets (SpringConfiguration skips them).
        return null;
      }
    }
    Secrets secrets = Secrets.of(platform());
    String reference = name.substring(PREFIX.length());
    try {
      return secrets.get(reference).reveal();
    } catch (SecretException e) {
      throw new SecretException("${" + name + "}: " + e.getMessage() + ". Fix: " + secrets.fixFor(reference));
    }
  }

  /** The source of {@code environment}, added once. */
  static PavedSecretsPropertySource of(ConfigurableEnvironment environment) {
    PropertySource<?> existing = environment.getPropertySources().get(NAME);
    if (existing instanceof PavedSecretsPropertySource s) {
      return s;
    }
    PavedSecretsPropertySource s = new PavedSecretsPropertySource(environment);
    environment.getPropertySources().addLast(s);
    return s;
  }
}
