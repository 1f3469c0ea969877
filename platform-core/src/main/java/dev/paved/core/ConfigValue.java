package dev.paved.core;

import java.util.Objects;

/**
 * One effective configuration value and where it came from.
 *
 * @param key the full key, for example {@code platform.admin.port}
 * @param value the raw text, after {@code ${VAR}} interpolation
 * @param source where the value was set: {@code platform.yaml:12:9}, {@code environment variable
 *     PLATFORM_ADMIN_PORT}, {@code system property platform.admin.port}, {@code builder} or {@code
 *     default}
 */
public record ConfigValue(String key, String value, String source) {
  public ConfigValue {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(source, "source");
  }

  /** The value as it may be shown: masked when the key looks secret. */
  public String displayValue() {
    return PlatformConfig.isSecretKey(key) ? PlatformConfig.MASK : value;
  }

  /** Never prints a value whose key looks secret. */
  @Override
  public String toString() {
    return key + "=" + displayValue() + " (" + source + ")";
  }
}
