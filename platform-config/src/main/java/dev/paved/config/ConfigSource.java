package dev.paved.config;

import java.util.Map;

/**
 * A remote source of configuration, such as a configuration service. Its values rank above the
 * files and below environment variables, system properties and overrides in code. Found with
 * {@link java.util.ServiceLoader} ({@code META-INF/services/dev.paved.config.ConfigSource}) or
 * added with {@link ConfigModule.Builder#source}.
 *
 * <p>The built-in sources — {@code platform.yaml} on the classpath or in a file, {@code
 * platform-<environment>.yaml}, environment variables and system properties — are read by
 * platform-core and need no source.
 */
public interface ConfigSource {

  /** A short name for logs, audit events and the source of each value, such as {@code consul}. */
  String name();

  /**
   * Reads the whole content: flat keys ({@code checkout.max-items}, lists as {@code
   * checkout.hosts[0]}) to values. Called on the reload thread, at start and at every poll; must
   * use bounded timeouts.
   *
   * @throws Exception when the source cannot be read: the reload is rejected and the last good
   *     configuration keeps serving
   */
  Map<String, String> read() throws Exception;

  /**
   * Called once at start with a callback that a source able to push changes calls when its
   * content changed; sources that cannot are polled.
   */
  default void watch(Runnable changed) {}

  /** Releases what the source holds; called when the platform stops. */
  default void close() {}
}
