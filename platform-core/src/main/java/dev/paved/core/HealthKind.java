package dev.paved.core;

/** Which probe a check belongs to. */
public enum HealthKind {
  /** Restart the process if DOWN: only for states a restart fixes. */
  LIVENESS,
  /** Stop routing traffic while DOWN. */
  READINESS
}
