package dev.paved.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The aggregate of one probe: DOWN if any check is DOWN, DEGRADED if any is DEGRADED, else UP.
 *
 * @param kind liveness or readiness
 * @param status the aggregate
 * @param checks each check's last result
 */
public record HealthReport(HealthKind kind, HealthStatus status, List<Check> checks) {
  public HealthReport {
    checks = List.copyOf(checks);
  }

  /** One check's result within a report. */
  public record Check(
      String name, HealthStatus status, @Nullable String reason, Map<String, Object> details, Duration duration, Instant checkedAt) {}

  /** The HTTP status a probe answers with: 200 unless DOWN, then 503. */
  public int httpStatus() {
    return status == HealthStatus.DOWN ? 503 : 200;
  }

  /** The report as a map, for JSON. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", status.name());
    List<Map<String, Object>> list = new ArrayList<>();
    for (Check c : checks) {
      Map<String, Object> cm = new LinkedHashMap<>();
      cm.put("name", c.name());
      cm.put("status", c.status().name());
      if (c.reason() != null) {
        cm.put("reason", c.reason());
      }
      if (!c.details().isEmpty()) {
        cm.put("details", c.details());
      }
      cm.put("durationMs", c.duration().toMillis());
      cm.put("checkedAt", c.checkedAt().toString());
      list.add(cm);
    }
    m.put("checks", list);
    return m;
  }
}
