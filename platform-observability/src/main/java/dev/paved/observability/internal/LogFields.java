package dev.paved.observability.internal;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The service fields every log line carries, set when the platform starts. Logging starts before
 * the platform, so lines before that have none. Not API.
 */
public final class LogFields {
  private static volatile @Nullable Map<String, String> fields;

  private LogFields() {}

  public static void set(Map<String, String> serviceFields) {
    fields = Map.copyOf(serviceFields);
  }

  public static void clear() {
    fields = null;
  }

  static @Nullable Map<String, String> get() {
    return fields;
  }
}
