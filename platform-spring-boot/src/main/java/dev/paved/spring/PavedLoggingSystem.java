package dev.paved.spring;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.logging.LogFile;
import org.springframework.boot.logging.LoggingInitializationContext;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.logging.LoggingSystemFactory;
import org.springframework.boot.logging.logback.LogbackLoggingSystem;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.util.ClassUtils;

/**
 * Spring Boot's Logback logging system, except that with no {@code logback-spring.xml} (or
 * {@code logging.config}) it keeps Paved's configuration — JSON lines with trace ids, masking,
 * bounded async appender — instead of loading Spring's console pattern. {@code logging.level.*}
 * and Actuator's {@code /loggers} work as in any Boot application. A service that brings its own
 * Logback file gets it, as with plain Paved.
 */
public final class PavedLoggingSystem extends LogbackLoggingSystem {
  public PavedLoggingSystem(ClassLoader classLoader) {
    super(classLoader);
  }

  /**
   * Spring Boot would reset Logback here and load its defaults; Paved's configuration (applied by
   * Logback's {@code Configurator} service when the first logger was made) stays instead.
   */
  @Override
  protected void loadDefaults(LoggingInitializationContext initializationContext, @Nullable LogFile logFile) {
    // Paved's JSON configuration is already in place.
  }

  /** Chosen before Spring Boot's own factories when Logback and Paved's observability are present. */
  @Order(Ordered.HIGHEST_PRECEDENCE)
  public static final class Factory implements LoggingSystemFactory {
    private static final boolean PRESENT =
        ClassUtils.isPresent("ch.qos.logback.classic.LoggerContext", Factory.class.getClassLoader())
            && ClassUtils.isPresent("dev.paved.observability.Observability", Factory.class.getClassLoader());

    @Override
    public @Nullable LoggingSystem getLoggingSystem(ClassLoader classLoader) {
      return PRESENT ? new PavedLoggingSystem(classLoader) : null;
    }
  }
}
