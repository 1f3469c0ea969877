package dev.paved.core;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The process-wide set of secret values that must never be written anywhere: the secrets module
 * registers every value it reads, and platform-observability replaces each registered value by
 * {@value #MASK} in every log field, exception message, stack trace and in-memory span. Lives in
 * core so that modules that must not depend on observability can register values.
 *
 * <p>Values shorter than {@value #MIN_LENGTH} characters are refused: masking "a" would mask every
 * log line.
 */
public final class Redaction {
  /** What a registered value is replaced with. */
  public static final String MASK = "******";

  /** The shortest value that can be registered. */
  public static final int MIN_LENGTH = 4;

  private static final Set<String> VALUES = ConcurrentHashMap.newKeySet();
  /** The same values as an array, replaced on each change: masking iterates it without allocating. */
  private static volatile String[] snapshot = new String[0];

  private Redaction() {}

  /**
   * Registers a secret value.
   *
   * @throws IllegalArgumentException when shorter than {@value #MIN_LENGTH} characters (the message
   *     does not contain the value)
   */
  public static void register(String secret) {
    Objects.requireNonNull(secret, "secret");
    if (secret.length() < MIN_LENGTH) {
      throw new IllegalArgumentException("secret: " + secret.length() + " characters (expected: at least " + MIN_LENGTH + ")");
    }
    if (VALUES.add(secret)) {
      refresh();
    }
  }

  private static synchronized void refresh() {
    snapshot = VALUES.toArray(new String[0]);
  }

  /** Removes a value, for example after rotation once the old value can no longer appear. */
  public static void unregister(String secret) {
    if (VALUES.remove(secret)) {
      refresh();
    }
  }

  /** {@code text} with every registered value replaced by {@value #MASK}. */
  public static String mask(String text) {
    String[] values = snapshot;
    if (values.length == 0) {
      return text;
    }
    String out = text;
    for (String secret : values) {
      if (out.contains(secret)) {
        out = out.replace(secret, MASK);
      }
    }
    return out;
  }

  /** Whether any value is registered. */
  public static boolean active() {
    return snapshot.length > 0;
  }
}
