package dev.paved.core;

/** The state of a health check or of an aggregate. Order matters: worse states come later. */
public enum HealthStatus {
  /** Working. */
  UP,
  /** Working, but something it relies on is impaired (served from cache, for example). */
  DEGRADED,
  /** Not working; the aggregate that contains it is DOWN. */
  DOWN;

  HealthStatus worst(HealthStatus other) {
    return other.ordinal() > ordinal() ? other : this;
  }
}
