package dev.paved.config;

import dev.paved.core.ConfigKey;

/**
 * A size in bytes, written in configuration as {@code 512B}, {@code 64KB}, {@code 10MB} or
 * {@code 1GB} (powers of 1024), for fields of bound sections.
 */
public record DataSize(long bytes) {
  private static final ConfigKey<Long> PARSER = ConfigKey.size("value");

  public DataSize {
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes: " + bytes + " (expected: >= 0)");
    }
  }

  /** Parses {@code 512B}, {@code 64KB}, {@code 10MB}, {@code 1GB}. */
  public static DataSize parse(String text) {
    return new DataSize(PARSER.parse(text));
  }

  @Override
  public String toString() {
    return bytes + "B";
  }
}
