package dev.paved.config;

import dev.paved.core.ConfigKey;
import java.time.Duration;
import java.util.List;

/** The keys of platform-config, with their defaults; see {@code docs/configuration.md}. */
public final class ConfigSettings {
  private ConfigSettings() {}

  static final ConfigKey<Boolean> RELOAD_ENABLED =
      ConfigKey.bool("platform.config.reload.enabled")
          .withDefault("true")
          .withDescription("Watch the configuration files and remote sources and apply valid changes without a restart.");
  static final ConfigKey<Duration> RELOAD_POLL_INTERVAL =
      ConfigKey.duration("platform.config.reload.poll-interval")
          .withDefault("5s")
          .withDescription("How often files and remote sources are checked when no file event arrives.");
  static final ConfigKey<Duration> RELOAD_SETTLE =
      ConfigKey.duration("platform.config.reload.settle")
          .withDefault("250ms")
          .withDescription(
              "How long a changed file must stay unchanged before it is read: a file caught mid-write is not applied,"
                  + " and a burst of changes becomes one reload.");
  static final ConfigKey<Boolean> RELOAD_WATCH =
      ConfigKey.bool("platform.config.reload.watch")
          .withDefault("true")
          .withDescription("Use file-system events (including a Kubernetes ConfigMap's ..data swap) besides polling.");
  static final ConfigKey<Integer> HISTORY_SIZE =
      ConfigKey.integer("platform.config.history.size", 1, 10_000)
          .withDefault("50")
          .withDescription("Changes kept for GET /config/history; older ones are dropped.");
  static final ConfigKey<Boolean> SOURCES_REQUIRED =
      ConfigKey.bool("platform.config.sources.required")
          .withDefault("false")
          .withDescription(
              "Fail start-up when a remote ConfigSource cannot be read; otherwise start from the files and apply the"
                  + " source when it answers.");
  static final ConfigKey<Boolean> ENDPOINTS_ENABLED =
      ConfigKey.bool("platform.config.endpoints.enabled")
          .withDefault("true")
          .withDescription("Serve GET /config and GET /config/history on the admin port.");

  /** Every key this module reads. */
  public static List<ConfigKey<?>> keys() {
    return List.of(
        RELOAD_ENABLED, RELOAD_POLL_INTERVAL, RELOAD_SETTLE, RELOAD_WATCH, HISTORY_SIZE, SOURCES_REQUIRED, ENDPOINTS_ENABLED);
  }
}
