package dev.paved.observability;

import dev.paved.core.Redaction;

/**
 * The masking hook: values registered here are replaced by {@value #MASK} in every field of every
 * JSON log line — message, arguments, MDC, exception messages and stack traces — and in the
 * in-memory spans of {@code /traces}. The set itself is core's {@link Redaction}, where the secrets
 * module registers every value it reads; services may register their own here or there.
 *
 * <p>Values shorter than {@value #MIN_LENGTH} characters are refused: masking "a" would mask every
 * log line.
 */
public final class Masking {
  /** What a registered value is replaced with. */
  public static final String MASK = Redaction.MASK;

  /** The shortest value that can be registered. */
  public static final int MIN_LENGTH = Redaction.MIN_LENGTH;

  private Masking() {}

  /**
   * Registers a secret value.
   *
   * @throws IllegalArgumentException when shorter than {@value #MIN_LENGTH} characters (the message
   *     does not contain the value)
   */
  public static void register(String secret) {
    Redaction.register(secret);
  }

  /** Removes a value, for example after rotation once the old value can no longer appear. */
  public static void unregister(String secret) {
    Redaction.unregister(secret);
  }

  /** {@code text} with every registered value replaced by {@value #MASK}. */
  public static String mask(String text) {
    return Redaction.mask(text);
  }

  /** Whether any value is registered. */
  public static boolean hasSecrets() {
    return Redaction.active();
  }
}
