package dev.paved.core;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one registry of secret values that must never be written anywhere: the secrets module
 * registers every value it reads (and configuration values of secret-looking keys), and
 * platform-observability replaces each registered value by {@value #MASK} in every log field,
 * exception message, stack trace and in-memory span. Services register their own here too. Lives
 * in core so that modules that must not depend on observability can register values.
 *
 * <p>Process-wide, like the log it protects (the JSON encoder serves every platform of the JVM).
 * Bounded: at most {@value #MAX_VALUES} values; a value beyond that is refused, counted ({@link
 * #overflowed()}) and reported once a minute — it is then not masked, so the bound is set far
 * above what a service holds. A value replaced by rotation is {@linkplain #retire retired}: it
 * stays masked for a grace period (a log line in flight may still carry it), then leaves, so
 * rotation does not grow the set without end.
 *
 * <p>Values shorter than {@value #MIN_LENGTH} characters are refused: masking "a" would mask every
 * log line.
 */
public final class Redaction {
  /** What a registered value is replaced with. */
  public static final String MASK = "******";

  /** The shortest value that can be registered. */
  public static final int MIN_LENGTH = 4;

  /** The most values registered at once. */
  public static final int MAX_VALUES = 10_000;

  /** How long a retired value stays masked by default: {@code 10} minutes. */
  public static final long DEFAULT_GRACE_MINUTES = 10;

  private static final Logger LOG = LoggerFactory.getLogger(Redaction.class);
  private static final dev.paved.core.internal.ThrottledLogger OVERFLOW_LOG = new dev.paved.core.internal.ThrottledLogger(LOG);

  /** Each value, with the nanoTime after which it leaves (Long.MAX_VALUE: until unregistered). */
  private static final Map<String, Long> VALUES = new ConcurrentHashMap<>();
  private static final AtomicLong OVERFLOWED = new AtomicLong();
  /** The same values as an array, replaced on each change: masking iterates it without allocating. */
  private static volatile String[] snapshot = new String[0];
  /** The earliest retirement deadline, so that expired values are purged without a thread. */
  private static volatile long nextExpiry = Long.MAX_VALUE;

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
    purgeExpired();
    Long before = VALUES.get(secret);
    if (before != null && before == Long.MAX_VALUE) {
      return;
    }
    if (before == null && VALUES.size() >= MAX_VALUES) {
      OVERFLOWED.incrementAndGet();
      OVERFLOW_LOG.warn(
          "Secret masking is full (" + MAX_VALUES + " values): a new secret value could not be registered and will not be masked; "
              + OVERFLOWED.get() + " refused so far",
          null);
      return;
    }
    VALUES.put(secret, Long.MAX_VALUE);
    refresh();
  }

  /** Removes a value at once, for example once the old value can no longer appear. */
  public static void unregister(String secret) {
    if (VALUES.remove(secret) != null) {
      refresh();
    }
  }

  /**
   * Keeps {@code secret} masked for {@code graceMinutes} more minutes, then removes it: for a
   * value replaced by rotation.
   */
  public static void retire(String secret, long graceMinutes) {
    long at = System.nanoTime() + TimeUnit.MINUTES.toNanos(graceMinutes);
    if (VALUES.computeIfPresent(secret, (k, v) -> v == Long.MAX_VALUE ? at : Math.min(v, at)) != null) {
      synchronized (Redaction.class) {
        if (at < nextExpiry) {
          nextExpiry = at;
        }
      }
    }
    purgeExpired();
  }

  /** Removes the retired values whose grace period is over; cheap when none is. */
  public static void purgeExpired() {
    if (System.nanoTime() - nextExpiry < 0) {
      return;
    }
    synchronized (Redaction.class) {
      purgeExpiredLocked(System.nanoTime());
    }
  }

  private static void purgeExpiredLocked(long now) {
    boolean removed = false;
    long next = Long.MAX_VALUE;
    for (Map.Entry<String, Long> e : VALUES.entrySet()) {
      long at = e.getValue();
      if (at == Long.MAX_VALUE) {
        continue;
      }
      if (now - at >= 0) {
        removed |= VALUES.remove(e.getKey(), at);
      } else if (at < next) {
        next = at;
      }
    }
    nextExpiry = next;
    if (removed) {
      refresh();
    }
  }

  private static synchronized void refresh() {
    snapshot = VALUES.keySet().toArray(new String[0]);
    index = null; // built again at the next mask, once, however many values changed meanwhile
  }

  /** The index of the current values, built on first use after a change. */
  private static PairIndex index(String[] values) {
    PairIndex i = index;
    if (i != null && i.values == values) {
      return i;
    }
    synchronized (Redaction.class) {
      String[] current = snapshot;
      i = index;
      if (i == null || i.values != current) {
        i = new PairIndex(current);
        index = i;
      }
      return i;
    }
  }

  /** Up to this many values, each is looked for with {@code String.contains}; above, one scan finds them all. */
  static final int SCAN_ABOVE = 16;

  /** The index of the values by their first two characters, when there are more than {@link #SCAN_ABOVE}. */
  private static volatile @org.jspecify.annotations.Nullable PairIndex index;

  /**
   * The registered values by the hash of their first two characters: a text is scanned once,
   * testing one bit per position, whatever the number of values, and compared with the values
   * whose first two characters hash the same only where the bit is set.
   */
  private static final class PairIndex {
    private static final int BITS = 1 << 16;
    private final long[] present = new long[BITS / 64];
    private final String[][] byHash = new String[BITS][];
    private final int minLength;
    /** The snapshot it was built from. */
    final String[] values;

    PairIndex(String[] values) {
      this.values = values;
      int min = Integer.MAX_VALUE;
      int[] counts = new int[BITS];
      for (String v : values) {
        counts[hash(v.charAt(0), v.charAt(1))]++;
        min = Math.min(min, v.length());
      }
      for (String v : values) {
        int h = hash(v.charAt(0), v.charAt(1));
        present[h >>> 6] |= 1L << h;
        String[] bucket = byHash[h];
        if (bucket == null) {
          bucket = new String[counts[h]];
          byHash[h] = bucket;
        }
        bucket[bucket.length - counts[h]--] = v;
      }
      for (String[] bucket : byHash) {
        if (bucket != null && bucket.length > 1) {
          // Longest first: at one position the longest registered value is masked.
          java.util.Arrays.sort(bucket, (a, b) -> Integer.compare(b.length(), a.length()));
        }
      }
      this.minLength = min;
    }

    private static int hash(char a, char b) {
      return (a * 31 + b) & (BITS - 1);
    }

    String mask(String text) {
      int n = text.length();
      if (n < minLength) {
        return text;
      }
      StringBuilder out = null;
      int copied = 0;
      int i = 0;
      while (i <= n - minLength) {
        int h = hash(text.charAt(i), text.charAt(i + 1));
        if ((present[h >>> 6] & (1L << h)) != 0) {
          String found = null;
          for (String v : byHash[h]) {
            if (text.startsWith(v, i)) {
              found = v;
              break;
            }
          }
          if (found != null) {
            if (out == null) {
              out = new StringBuilder(n);
            }
            out.append(text, copied, i).append(MASK);
            i += found.length();
            copied = i;
            continue;
          }
        }
        i++;
      }
      if (out == null) {
        return text;
      }
      return out.append(text, copied, n).toString();
    }
  }

  /** {@code text} with every registered value replaced by {@value #MASK}. */
  public static String mask(String text) {
    String[] values = snapshot;
    if (values.length == 0) {
      return text;
    }
    if (values.length > SCAN_ABOVE) {
      return index(values).mask(text);
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

  /** How many values are registered now. */
  public static int size() {
    return snapshot.length;
  }

  /** Values refused because the registry was full, since start. */
  public static long overflowed() {
    return OVERFLOWED.get();
  }
}
