package dev.paved.config.flags;

import dev.paved.core.ConfigKey;
import java.time.Duration;
import java.util.List;

/** The keys of the flags module, with their defaults; see {@code docs/flags.md}. */
public final class FlagsSettings {
  private FlagsSettings() {}

  static final ConfigKey<String> UNLEASH_URL =
      ConfigKey.string("platform.flags.unleash.url")
          .withDescription("Unleash's client API, such as https://unleash.internal/api; UNLEASH_URL when not set. Without one, the local file.");
  static final ConfigKey<String> TOKEN_FILE =
      ConfigKey.string("platform.flags.unleash.api-token-file").withDescription("A file holding the client API token (else UNLEASH_API_TOKEN).");
  static final ConfigKey<Duration> REFRESH_INTERVAL =
      ConfigKey.duration("platform.flags.unleash.refresh-interval").withDefault("15s").withDescription("How often flags are fetched from Unleash.");
  static final ConfigKey<Duration> CONNECT_TIMEOUT =
      ConfigKey.duration("platform.flags.unleash.connect-timeout").withDefault("2s").withDescription("Connect timeout to Unleash.");
  static final ConfigKey<Duration> READ_TIMEOUT =
      ConfigKey.duration("platform.flags.unleash.read-timeout").withDefault("5s").withDescription("Read timeout of one fetch.");
  static final ConfigKey<Boolean> SEND_METRICS =
      ConfigKey.bool("platform.flags.unleash.send-metrics").withDefault("true").withDescription("Send usage metrics to Unleash.");
  static final ConfigKey<Duration> STARTUP_FETCH_TIMEOUT =
      ConfigKey.duration("platform.flags.unleash.startup-fetch-timeout")
          .withDefault("0s")
          .withDescription("Wait up to this long for a first fetch at start-up (0: do not wait; flags come from the backup or bootstrap).");
  static final ConfigKey<Boolean> READY_REQUIRES_FRESH =
      ConfigKey.bool("platform.flags.ready-requires-fresh")
          .withDefault("false")
          .withDescription("Readiness is DOWN until a first fetch from Unleash has succeeded.");
  static final ConfigKey<String> BACKUP_DIR =
      ConfigKey.string("platform.flags.backup-dir")
          .withDescription("Where the last fetched flags are kept (written atomically); the temporary directory when not set.");
  static final ConfigKey<String> BOOTSTRAP =
      ConfigKey.string("platform.flags.bootstrap")
          .withDefault("classpath:flags-bootstrap.json")
          .withDescription("Flags in Unleash's JSON format shipped with the service, used when there is no valid backup.");
  static final ConfigKey<String> FILE =
      ConfigKey.string("platform.flags.file")
          .withDescription("Without Unleash: a flags file, YAML or Unleash JSON (file path, or classpath:name); reloaded when it changes.");
  static final ConfigKey<Duration> FILE_POLL =
      ConfigKey.positiveDuration("platform.flags.file-poll-interval").withDefault("2s").withDescription("How often the local flags file is checked.");
  static final ConfigKey<Boolean> FILE_IN_PRODUCTION =
      ConfigKey.bool("platform.flags.file.allow-in-production")
          .withDefault("false")
          .withDescription("Allow local flags (no Unleash) in the production environment.");
  static final ConfigKey<Boolean> RECORD_VALUE =
      ConfigKey.bool("platform.flags.telemetry.record-value")
          .withDefault("false")
          .withDescription("Add the evaluated value to the span event (feature_flag.result.value).");
  static final ConfigKey<Integer> MAX_SERIES =
      ConfigKey.integer("platform.flags.telemetry.max-series", 1, 100_000)
          .withDefault("500")
          .withDescription("Distinct key/variant/reason series of paved.flags.evaluations; more are counted under key _overflow.");
  static final ConfigKey<Boolean> REGISTER_GLOBAL =
      ConfigKey.bool("platform.flags.register-global")
          .withDefault("false")
          .withDescription("Also set the provider on OpenFeatureAPI.getInstance() for libraries that use the global API.");

  /** Every key of the flags module. */
  public static List<ConfigKey<?>> keys() {
    return List.of(
        UNLEASH_URL, TOKEN_FILE, REFRESH_INTERVAL, CONNECT_TIMEOUT, READ_TIMEOUT, SEND_METRICS, STARTUP_FETCH_TIMEOUT,
        READY_REQUIRES_FRESH, BACKUP_DIR, BOOTSTRAP, FILE, FILE_POLL, FILE_IN_PRODUCTION, RECORD_VALUE, MAX_SERIES, REGISTER_GLOBAL);
  }
}
