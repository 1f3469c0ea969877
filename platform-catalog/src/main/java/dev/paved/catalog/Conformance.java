package dev.paved.catalog;

import dev.paved.core.ServiceDescriptor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The golden-path scorecard: what the platform team checks across services. Each check is passed
 * or not; the score is the share passed.
 */
public final class Conformance {
  private Conformance() {}

  /** The checks, in a fixed order: name to passed. */
  public static Map<String, Boolean> checks(ServiceDescriptor d, String pavedVersion, boolean observabilityActive, boolean sloDeclared) {
    Map<String, Boolean> m = new LinkedHashMap<>();
    m.put("owner-set", d.owner().isPresent());
    m.put("runbook-linked", d.links().containsKey("runbook"));
    m.put("slo-declared", sloDeclared);
    m.put("paved-version-known", !pavedVersion.isBlank() && !pavedVersion.equals("unknown"));
    m.put("observability-active", observabilityActive);
    return m;
  }

  /** As {@code check=pass|fail} text values, for the entity's annotation. */
  static Map<String, String> asText(Map<String, Boolean> checks) {
    Map<String, String> m = new LinkedHashMap<>();
    checks.forEach((k, v) -> m.put(k, v ? "pass" : "fail"));
    return m;
  }

  /** The share of checks passed, from 0 to 1. */
  static double score(Map<String, Boolean> checks) {
    return checks.isEmpty() ? 0 : checks.values().stream().filter(b -> b).count() / (double) checks.size();
  }
}
