package dev.paved.config;

import dev.paved.core.PlatformConfig;
import java.time.Instant;
import java.util.Arrays;

/**
 * One effective configuration, immutable: its version, its content hash, every value with its
 * source, and the value of every bound section, all of the same version.
 */
public final class ConfigSnapshot {
  private final PlatformConfig config;
  private final Object[] sections;
  private final Instant appliedAt;

  ConfigSnapshot(PlatformConfig config, Object[] sections, Instant appliedAt) {
    this.config = config;
    this.sections = sections;
    this.appliedAt = appliedAt;
  }

  /** The counter of applied changes: 1 at start-up. */
  public long version() {
    return config.version();
  }

  /** SHA-256 of the normalised configuration, secret values left out; see {@link PlatformConfig#hash()}. */
  public String hash() {
    return config.hash();
  }

  /** Every effective value with its source. */
  public PlatformConfig config() {
    return config;
  }

  /** When this snapshot was applied. */
  public Instant appliedAt() {
    return appliedAt;
  }

  /** The value of {@code bound} in this snapshot. */
  public <T> T get(Bound<T> bound) {
    if (bound.index() >= sections.length) {
      throw new IllegalArgumentException(
          "bound: " + bound.section() + " (expected: a section bound before this snapshot was taken)");
    }
    return bound.type().cast(sections[bound.index()]);
  }

  Object[] sections() {
    return sections;
  }

  ConfigSnapshot withSection(Object value) {
    Object[] more = Arrays.copyOf(sections, sections.length + 1);
    more[sections.length] = value;
    return new ConfigSnapshot(config, more, appliedAt);
  }

  @Override
  public String toString() {
    return "ConfigSnapshot{version=" + version() + ", hash=" + hash() + "}";
  }
}
