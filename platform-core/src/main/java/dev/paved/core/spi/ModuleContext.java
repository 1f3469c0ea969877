package dev.paved.core.spi;

import dev.paved.core.AdminServer;
import dev.paved.core.ConfigValue;
import dev.paved.core.HealthRegistry;
import dev.paved.core.InFlight;
import dev.paved.core.PlatformConfig;
import dev.paved.core.ServiceDescriptor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** What the platform gives a module when it starts. */
public interface ModuleContext {
  ServiceDescriptor descriptor();

  /** The configuration in effect now; a module that applies reloads changes it with {@link #publishConfig}. */
  PlatformConfig config();

  /**
   * Reads every configuration source again — files, environment, system properties and the
   * builder's values — with {@code remote} values (from a configuration service) above the files
   * and below the environment, and {@code overrides} above everything. Nothing is applied.
   *
   * @return the new configuration, with version 1; the caller gives it its version
   * @throws dev.paved.core.ConfigException listing every problem, as at start-up
   */
  PlatformConfig readConfig(List<ConfigValue> remote, Map<String, String> overrides);

  /**
   * The files the configuration is read from, including an environment file that does not exist
   * yet; empty when it comes from the classpath only.
   */
  List<Path> configFiles();

  /** Makes {@code config} the platform's configuration: {@code Platform.config()}, {@code /info}. */
  void publishConfig(PlatformConfig config);

  HealthRegistry health();

  AdminServer admin();

  InFlight inFlight();

  /** The platform's secret values, masked in every log line: register each secret a module reads. */
  dev.paved.core.Redaction redaction();

  /**
   * Runs {@code action} every {@code period} (a fixed delay between runs; the first after one
   * period) on the platform's one background scheduler, until the returned future is cancelled or
   * the platform stops — the one way a module does periodic work, so that no module starts threads
   * of its own. A run that throws is logged under {@code task} (the first five, then once a
   * minute, with the count) and the schedule goes on. An action must not block for long: every
   * module shares the scheduler's two threads.
   */
  java.util.concurrent.Future<?> every(String task, java.time.Duration period, Runnable action);

  /** The Paved version, as in {@code platform.sdk.version}. */
  String sdkVersion();

  /**
   * Publishes a component that service code and later modules look up by type, for example
   * {@code Flags.of(platform)}.
   *
   * @throws IllegalArgumentException if a component of that type is already published
   */
  <T> void register(Class<T> type, T component);

  /** A component published by a module that started earlier. */
  <T> Optional<T> component(Class<T> type);

  /**
   * Adds a section to {@code GET /info}; the supplier is called for each request and must be
   * cheap and never return a secret.
   */
  void info(String section, Supplier<?> supplier);
}
