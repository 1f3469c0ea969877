package dev.paved.observability;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import dev.paved.core.AdminServer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * The admin action {@code logger-level}: sets a Logback logger's level for a bounded time (default
 * 10 minutes, at most 1 hour), after which the level it had before comes back by itself.
 */
final class LoggerLevels {
  private static final List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

  private LoggerLevels() {}

  static void register(AdminServer admin) {
    admin.addAction(
        "logger-level",
        "Set a logger's level (TRACE, DEBUG, INFO, WARN, ERROR, OFF) for a while (default 10m, at most 1h)",
        List.of("logger", "level", "duration"),
        request -> {
          if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext logback)) {
            throw new IllegalArgumentException("logger: levels can be set only with Logback as the SLF4J binding");
          }
          String name = request.required("logger");
          if (name.length() > 200 || !name.matches("ROOT|[A-Za-z_$][A-Za-z0-9_$.-]*")) {
            throw new IllegalArgumentException("logger: '" + name + "' (expected: ROOT or a logger name such as dev.paved.resilience)");
          }
          String level = request.required("level").toUpperCase(Locale.ROOT);
          if (!LEVELS.contains(level)) {
            throw new IllegalArgumentException("level: '" + level + "' (expected: one of " + LEVELS + ")");
          }
          Duration duration = request.duration();
          Logger logger = logback.getLogger(name);
          return admin.temporary(
              "logger:" + name,
              request,
              duration,
              "logger " + name,
              level,
              () -> {
                Level before = logger.getLevel();
                logger.setLevel(Level.toLevel(level));
                return new AdminServer.Undo(before == null ? "inherited (" + logger.getEffectiveLevel() + ")" : before.toString(), () -> logger.setLevel(before));
              });
        });
  }
}
