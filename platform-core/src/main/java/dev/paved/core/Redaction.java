package dev.paved.core;

import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry of secret values that must never be written anywhere. Each platform owns one
 * ({@link Platform#redaction()}, {@link dev.paved.core.spi.ModuleContext#redaction()}): the
 * secrets module registers every value it reads, the configuration module the values of
 * secret-looking keys, and services their own. platform-observability replaces every value
 * registered by any live platform of the JVM with {@value #MASK} in every log field, exception
 * message, stack trace and in-memory span — the log is process-wide, so a line is masked
 * against them all ({@link #mask}).
 *
 * <p>What belongs to a platform stays its own: two platforms in one JVM count their values apart,
 * so one platform's rotation or shutdown never unmasks a value the other still holds. A value
 * registered twice (a configuration secret that is also a Vault secret) is held twice and must
 * be {@linkplain #retire retired} twice.
 *
 * <p>Bounded: at most {@value #MAX_VALUES} values a platform; a value beyond that is refused,
 * counted ({@link #overflowed()}) and reported once a minute — it is then not masked, so the bound
 * is set far above what a service holds. A retired value stays masked for a grace period (a log
 * line in flight may still carry it), then leaves; closing the platform retires all its values.
 *
 * <p>Values shorter than {@value #MIN_LENGTH} characters are refused: masking "a" would mask every
 * log line.
 */
public final class Redaction {
  /** What a registered value is replaced with. */
  public static final String MASK = "******";

  /** The shortest value that can be registered. */
  public static final int MIN_LENGTH = 4;

  /** The most values one platform registers at once. */
  public static final int MAX_VALUES = 10_000;

  /** How long a retired value stays masked by default: 10 minutes. */
  public static final Duration DEFAULT_GRACE = Duration.ofMinutes(10);

  private static final Logger LOG = LoggerFactory.getLogger(Redaction.class);
  private static final dev.paved.core.internal.ThrottledLogger OVERFLOW_LOG = new dev.paved.core.internal.ThrottledLogger(LOG);

  /** Every registry that still holds a value: those of live platforms, and closed ones in grace. */
  private static final CopyOnWriteArrayList<Redaction> LIVE = new CopyOnWriteArrayList<>();
  /** The values of every registry as one array, replaced on each change: masking iterates it without allocating. */
  private static volatile String[] snapshot = new String[0];
  /** The earliest retirement deadline of any registry, so expired values are purged without a thread. */
  private static volatile long nextExpiry = Long.MAX_VALUE;

  /** A value's holds and, once none is left, the nanoTime at which it leaves. */
  private static final class Entry {
    int holds;
    long leavesAt = Long.MAX_VALUE;
  }

  private final Map<String, Entry> values = new HashMap<>();
  private final AtomicLong overflowed = new AtomicLong();
  private boolean closed;

  private Redaction() {}

  /**
   * A new, empty registry whose values are masked from now on. {@link Platform} makes one for
   * itself; make your own only where no platform runs (a benchmark, a tool).
   */
  public static Redaction create() {
    Redaction r = new Redaction();
    LIVE.add(r);
    return r;
  }

  /**
   * Registers a secret value (once more, if it is registered already).
   *
   * @throws IllegalArgumentException when shorter than {@value #MIN_LENGTH} characters (the message
   *     does not contain the value)
   */
  public void register(String secret) {
    Objects.requireNonNull(secret, "secret");
    if (secret.length() < MIN_LENGTH) {
      throw new IllegalArgumentException("secret: " + secret.length() + " characters (expected: at least " + MIN_LENGTH + ")");
    }
    purgeExpired();
    boolean added;
    long leaves = Long.MAX_VALUE;
    synchronized (this) {
      Entry e = values.get(secret);
      if (e == null && values.size() >= MAX_VALUES) {
        long refused = overflowed.incrementAndGet();
        OVERFLOW_LOG.warn(
            "Secret masking is full (" + MAX_VALUES + " values): a new secret value could not be registered and will not be masked; "
                + refused + " refused so far",
            null);
        return;
      }
      added = e == null;
      if (e == null) {
        e = new Entry();
        values.put(secret, e);
      }
      if (closed) {
        // A late registration by a module of a stopped platform: masked through the grace like
        // the rest, never reopening the registry.
        e.holds = 0;
        e.leavesAt = Math.min(e.leavesAt, System.nanoTime() + DEFAULT_GRACE.toNanos());
        leaves = e.leavesAt;
        LIVE.addIfAbsent(this); // it may have left already, empty
      } else {
        e.holds++;
        e.leavesAt = Long.MAX_VALUE;
      }
    }
    if (leaves != Long.MAX_VALUE) {
      soonest(leaves);
    }
    // Published before returning, also when another thread added the entry and has not yet
    // refreshed: a caller never logs a value it registered unmasked.
    if (added || !published(secret)) {
      refresh();
    }
  }

  private static boolean published(String secret) {
    for (String v : snapshot) {
      if (v.equals(secret)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Registers {@code secret} when it is long enough to be masked ({@value #MIN_LENGTH} characters
   * or more) — the call for a value read from outside, which may be short.
   *
   * @return whether it was registered
   */
  public boolean tryRegister(String secret) {
    if (secret.length() < MIN_LENGTH) {
      return false;
    }
    register(secret);
    return true;
  }

  /**
   * Gives up one hold on {@code secret} — a value replaced by rotation, or no longer used — with
   * the {@linkplain #DEFAULT_GRACE default grace}: once nothing holds it, it stays masked for
   * the grace, then leaves.
   */
  public void retire(String secret) {
    retire(secret, DEFAULT_GRACE);
  }

  /** As {@link #retire(String)}, with the grace given. */
  public void retire(String secret, Duration grace) {
    long at = System.nanoTime() + Math.min(grace.toNanos(), Long.MAX_VALUE / 4);
    synchronized (this) {
      Entry e = values.get(secret);
      if (e == null) {
        return;
      }
      if (e.holds > 0) {
        e.holds--;
      }
      if (e.holds > 0) {
        return;
      }
      e.leavesAt = Math.min(e.leavesAt, at);
      at = e.leavesAt;
    }
    soonest(at);
    purgeExpired();
  }

  /** Removes a value at once, whatever holds it: for a value that can no longer appear. */
  public void unregister(String secret) {
    boolean removed;
    synchronized (this) {
      removed = values.remove(secret) != null;
      if (closed && values.isEmpty()) {
        LIVE.remove(this);
      }
    }
    if (removed) {
      refresh();
    }
  }

  /**
   * Retires every value with the default grace: the platform has stopped, lines it wrote may
   * still be in flight. Once they have left, the registry is gone.
   */
  public void close() {
    close(DEFAULT_GRACE);
  }

  /** As {@link #close()}, with the grace given (tests). */
  void close(Duration grace) {
    long at = System.nanoTime() + Math.min(grace.toNanos(), Long.MAX_VALUE / 4);
    synchronized (this) {
      for (Entry e : values.values()) {
        e.holds = 0;
        e.leavesAt = Math.min(e.leavesAt, at);
      }
      closed = true;
      if (values.isEmpty()) {
        LIVE.remove(this);
        return;
      }
    }
    soonest(at);
    purgeExpired();
  }

  /** How many registries hold values now (those of live platforms, and closed ones in their grace). */
  static int registries() {
    return LIVE.size();
  }

  /** How many values this registry holds now (retired ones in their grace included). */
  public synchronized int size() {
    return values.size();
  }

  /** Values refused because this registry was full. */
  public long overflowed() {
    return overflowed.get();
  }

  private static void soonest(long at) {
    synchronized (LIVE) {
      if (at - nextExpiry < 0) {
        nextExpiry = at;
      }
    }
  }

  /** Removes the retired values whose grace is over, in every registry; cheap when none is due. */
  public static void purgeExpired() {
    long now = System.nanoTime();
    if (now - nextExpiry < 0) {
      return;
    }
    boolean removed = false;
    synchronized (LIVE) {
      nextExpiry = Long.MAX_VALUE;
      for (Redaction r : LIVE) {
        synchronized (r) {
          for (Iterator<Entry> it = r.values.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (e.holds > 0 || e.leavesAt == Long.MAX_VALUE) {
              continue;
            }
            if (now - e.leavesAt >= 0) {
              it.remove();
              removed = true;
            } else if (e.leavesAt - nextExpiry < 0) {
              nextExpiry = e.leavesAt;
            }
          }
          if (r.closed && r.values.isEmpty()) {
            LIVE.remove(r);
          }
        }
      }
    }
    if (removed) {
      refresh();
    }
  }

  private static void refresh() {
    synchronized (LIVE) {
      Set<String> all = new LinkedHashSet<>();
      for (Redaction r : LIVE) {
        synchronized (r) {
          all.addAll(r.values.keySet());
        }
      }
      snapshot = all.toArray(new String[0]);
      index = null; // built again at the next mask, once, however many values changed meanwhile
    }
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

  /** How many distinct values all registries of the JVM hold now. */
  public static int maskedValues() {
    return snapshot.length;
  }
}
