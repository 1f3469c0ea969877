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
