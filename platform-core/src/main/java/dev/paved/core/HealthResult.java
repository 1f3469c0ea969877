package dev.paved.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of one health check.
 *
 * @param status the state
 * @param reason why it is not UP, shown in the probe's body; never put a secret here
 * @param details small, non-secret facts shown in the probe's body
 */
public record HealthResult(HealthStatus status, @Nullable String reason, Map<String, Object> details) {
  public HealthResult {
    Objects.requireNonNull(status, "status");
    details = Map.copyOf(details);
  }

  public static HealthResult up() {
    return new HealthResult(HealthStatus.UP, null, Map.of());
  }

  public static HealthResult degraded(String reason) {
    return new HealthResult(HealthStatus.DEGRADED, Objects.requireNonNull(reason), Map.of());
  }

  public static HealthResult down(String reason) {
    return new HealthResult(HealthStatus.DOWN, Objects.requireNonNull(reason), Map.of());
  }

  /** A copy with one more detail. */
  public HealthResult withDetail(String key, Object value) {
    Map<String, Object> d = new LinkedHashMap<>(details);
    d.put(key, value);
    return new HealthResult(status, reason, d);
  }
}
