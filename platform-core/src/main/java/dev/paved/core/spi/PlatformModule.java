package dev.paved.core.spi;

import dev.paved.core.ConfigKey;
import java.util.List;
import java.util.Set;

/**
 * A feature module that plugs into the platform: found with {@link java.util.ServiceLoader}
 * (listed in {@code META-INF/services/dev.paved.core.spi.PlatformModule}) or added on the builder.
 *
 * <p>Modules start in dependency order ({@link #dependsOn()}) and stop in reverse. A module that
 * depends on an external system must not fail start-up when that system is down: it degrades,
 * logs once, and reports it in health. Only what the service declared as required may fail.
 */
public interface PlatformModule {

  /** A unique, lower-case name such as {@code observability}. */
  String name();

  /** Names of modules that must start before this one; absent names are an error. */
  default Set<String> dependsOn() {
    return Set.of();
  }

  /** Modules this one starts after if they are present, without requiring them. */
  default Set<String> startsAfter() {
    return Set.of();
  }

  /** The {@code platform.*} keys this module reads; any other key under its namespace is an error. */
  default List<ConfigKey<?>> configKeys() {
    return List.of();
  }

  /**
   * The configuration problems that would make {@link #start} fail, found without starting (no
   * I/O, no threads). The platform asks every module when the configuration already has problems,
   * so that one failed start reports all of them — a typo under {@code platform.} and a violation
   * in one of the service's bound sections together, not in two runs.
   */
  default List<dev.paved.core.ConfigProblem> checkConfig(dev.paved.core.PlatformConfig config) {
    return List.of();
  }

  /**
   * Work {@link #start} begins with that needs neither the configuration nor another module — an
   * engine or a library to initialize (class loading, static set-up) — run by the platform on a
   * background thread as soon as the modules are found, while the modules before this one start:
   * start-up is shorter by what runs in parallel. {@code start} must not rely on it having run or
   * finished (it waits for what it needs, or does it itself); a failure here is ignored, and {@code
   * start} meets it again and reports it — except a class whose initialization failed, which the
   * JVM does not initialize again: the platform logs that error (a WARN with its stack trace) where
   * it happened, since {@code start} then sees only {@code NoClassDefFoundError: Could not
   * initialize class}. Never called by build tools that only describe the service.
   */
  default void prepare() {}

  /** Starts the module. Throwing fails start-up, so do it only for what the service declared as required. */
  void start(ModuleContext context) throws Exception;

  /**
   * Called at the start of graceful shutdown, in the {@code readiness-down} phase, right after
   * readiness turned DOWN: stop taking new work from sources no load balancer drains (an event
   * consumer stops polling). Work already taken goes on and is waited for in the {@code in-flight}
   * phase; {@link #stop} comes after. Must return at once; called once, in reverse start order.
   */
  default void stopIntake() {}

  /** Stops the module, flushing what it buffers. Called once, in reverse start order, during shutdown. */
  default void stop() throws Exception {}

  /**
   * Called once after every module has stopped, the admin server has stopped and the platform has
   * logged its last line: for what must outlive the other modules, such as flushing the log
   * queue. Must return within about a second.
   */
  default void afterStop() {}
}
