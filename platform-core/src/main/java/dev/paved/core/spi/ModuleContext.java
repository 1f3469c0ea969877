package dev.paved.core.spi;

import dev.paved.core.AdminServer;
import dev.paved.core.HealthRegistry;
import dev.paved.core.InFlight;
import dev.paved.core.PlatformConfig;
import dev.paved.core.ServiceDescriptor;
import java.util.Optional;
import java.util.function.Supplier;

/** What the platform gives a module when it starts. */
public interface ModuleContext {
  ServiceDescriptor descriptor();

  PlatformConfig config();

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
