package dev.paved.config.secrets;

import dev.paved.core.HealthResult;
import dev.paved.core.Platform;
import dev.paved.core.Redaction;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's secrets: {@code Secrets.of(platform).get("kv/payments#api-key")}. Values are read
 * once, cached in memory, and kept fresh in the background — KV paths polled for a new version,
 * leases renewed before they expire and credentials read again before they end, the Vault token
 * renewed — and every value is registered for masking. When Vault is down the last values keep
 * being served; staleness is a metric, and readiness degrades after {@code
 * platform.secrets.stale-after}.
 */
public final class Secrets implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Secrets.class);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

  private final SecretBackend backend;
  private final Clock clock;
  private final Duration refreshInterval;
  private final Duration staleAfter;
  private final Map<String, Secret> cache = new ConcurrentHashMap<>();
  private final Map<String, PathState> paths = new ConcurrentHashMap<>();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  final AtomicLong refreshFailures = new AtomicLong();
  final AtomicLong rotations = new AtomicLong();
  final dev.paved.core.internal.ListenerFailures listenerFailures =
      new dev.paved.core.internal.ListenerFailures(LoggerFactory.getLogger(Secrets.class), "secret rotations");
  private final Redaction redaction;
  private final Object startLock = new Object();
  private volatile boolean started;
  private volatile boolean closed;

  private record Listener(String path, @Nullable String key, RotationListener listener) {}

  /** What is known of one path. Guarded by itself. */
  private static final class PathState {
    final String path;
    final Set<String> keys = ConcurrentHashMap.newKeySet();
    SecretBackend.@Nullable Fetched fetched;
    long version;
    volatile Instant lastSuccess = Instant.EPOCH;
    Instant nextCheck = Instant.MAX;
    @Nullable String leaseId;
    Duration leaseDuration = Duration.ZERO;
    boolean renewable;
    boolean maxReached;
    Instant leaseExpiry = Instant.MAX;
    int failures;
    volatile @Nullable String lastError;

    PathState(String path) {
      this.path = path;
    }
  }

  /** Starts nothing: the module schedules {@link #tick()} on the platform's scheduler. */
  Secrets(SecretBackend backend, Clock clock, Duration refreshInterval, Duration staleAfter, Redaction redaction) {
    this.backend = backend;
    this.clock = clock;
    this.refreshInterval = refreshInterval;
    this.staleAfter = staleAfter;
    this.redaction = redaction;
  }

  /** The secrets of a running platform; requires platform-config on the classpath. */
  public static Secrets of(Platform platform) {
    return platform.require(Secrets.class);
  }

  /**
   * The secret at {@code reference} ({@code path#key}): from memory once read, which costs a map
   * lookup; the first read of a path asks the source, within its timeouts.
   *
   * @throws SecretException when it has never been read and cannot be now
   * @throws IllegalArgumentException when the reference is malformed
   */
  public Secret get(String reference) {
    Secret s = cache.get(reference);
    if (s != null) {
      return s;
    }
    return load(SecretReference.parse(reference), reference);
  }

  /**
   * How to provide the secret at {@code reference} with the source in use, for a message: "set the
   * environment variable INVENTORY_API_KEY (development source: no VAULT_ADDR), or …", or Vault's
   * path and policy.
   *
   * @throws IllegalArgumentException when the reference is malformed
   */
  public String fixFor(String reference) {
    return backend.fixFor(SecretReference.parse(reference));
  }

  /**
   * Declares a secret the service cannot work without and reads it now.
   *
   * @throws SecretException naming the reference and the cause when it cannot be read
   */
  public Secret require(String reference) {
    return get(reference);
  }

  /**
   * Calls {@code listener} when a secret at {@code reference} changes: {@code path#key} for one
   * key, or a path ({@code database/creds/orders}) for any of its keys.
   */
  public void onRotate(String reference, RotationListener listener) {
    Objects.requireNonNull(listener, "listener");
    int hash = reference.indexOf('#');
    if (hash >= 0) {
      SecretReference ref = SecretReference.parse(reference);
      listeners.add(new Listener(ref.path(), ref.key(), listener));
    } else {
      SecretReference.parse(reference + "#any"); // validates the path
      listeners.add(new Listener(reference, null, listener));
    }
  }

  /** How long since {@code path} was last read or renewed successfully; empty if never read. */
  public java.util.Optional<Duration> staleness(String path) {
    PathState st = paths.get(path);
    if (st == null || st.lastSuccess.equals(Instant.EPOCH)) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(Duration.between(st.lastSuccess, clock.instant()));
  }

  /** Authenticates once; until it succeeds, every first read and every tick tries again. */
  private void ensureStarted() {
    if (!started) {
      synchronized (startLock) {
        if (!started) {
          backend.start();
          started = true;
        }
      }
    }
  }

  private Secret load(SecretReference ref, String asGiven) {
    ensureStarted();
    PathState st = paths.computeIfAbsent(ref.path(), PathState::new);
    synchronized (st) {
      Secret s = cache.get(ref.toString());
      if (s == null) {
        st.keys.add(ref.key());
        SecretBackend.Fetched f = fetch(st);
        apply(st, f, clock.instant(), false);
        s = cache.get(ref.toString());
        if (s == null) {
          throw new SecretException(
              ref + ": no key '" + ref.key() + "' at " + ref.path() + " (keys there: " + String.join(", ", new java.util.TreeSet<>(f.data().keySet())) + ")");
        }
      }
      if (!asGiven.equals(ref.toString())) {
        cache.put(asGiven, s);
      }
      return s;
    }
  }

  private SecretBackend.Fetched fetch(PathState st) {
    if (backend instanceof DevBackend dev) {
      return dev.read(st.path, st.keys);
    }
    return backend.read(st.path);
  }

  /** Puts a read into effect: cache, masking, lease and poll schedule, and rotation events. */
  private void apply(PathState st, SecretBackend.Fetched f, Instant now, boolean notify) {
    SecretBackend.Fetched before = st.fetched;
    boolean changed = before == null || !before.data().equals(f.data()) || before.version() != f.version();
    if (changed) {
      st.version = f.version() > 0 ? f.version() : st.version + 1;
    }
    st.fetched = f;
    st.lastSuccess = now;
    st.failures = 0;
    st.lastError = null;
    st.leaseId = f.leaseId();
    st.leaseDuration = f.leaseDuration();
    st.renewable = f.renewable();
    st.maxReached = false;
    if (f.leaseId() != null && !f.leaseDuration().isZero()) {
      st.leaseExpiry = now.plus(f.leaseDuration());
      st.nextCheck = now.plus(VaultBackend.twoThirdsWithJitter(f.leaseDuration()));
    } else {
      st.leaseExpiry = Instant.MAX;
      st.nextCheck = now.plus(refreshInterval);
    }
    Map<String, Secret[]> rotated = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : f.data().entrySet()) {
      SecretReference ref = new SecretReference(st.path, e.getKey());
      String value = e.getValue();
      Secret previous = cache.get(ref.toString());
      if (previous != null && previous.reveal().equals(value)) {
        if (previous.version() != st.version) {
          // A new version of the path that left this key as it was: no rotation of this key (its
          // listeners are not called), the same hold on the value.
          cache.put(ref.toString(), new Secret(ref, value, st.version));
        }
        continue;
      }
      // One hold for each cached secret; the one it replaces gives its hold up below.
      if (!redaction.tryRegister(value) && !value.isEmpty()) {
        LOG.warn("Secret {} is shorter than {} characters and cannot be masked in logs", ref, Redaction.MIN_LENGTH);
      }
      Secret current = new Secret(ref, value, st.version);
      cache.put(ref.toString(), current);
      if (previous != null) {
        rotated.put(e.getKey(), new Secret[] {previous, current});
        // Rotated out: once nothing else holds the same value it stays masked for a while (a
        // line in flight may carry it), then it leaves.
        redaction.retire(previous.reveal());
      }
    }
    if (notify && !rotated.isEmpty()) {
      rotations.incrementAndGet();
      LOG.info("Secret {} rotated to version {} (keys {})", st.path, st.version, rotated.keySet());
      for (Map.Entry<String, Secret[]> e : rotated.entrySet()) {
        for (Listener l : listeners) {
          if (l.path().equals(st.path) && (l.key() == null || l.key().equals(e.getKey()))) {
            try {
              l.listener().onRotate(e.getValue()[0], e.getValue()[1]);
            } catch (Exception | LinkageError ex) {
              listenerFailures.failed(ex);
            }
          }
        }
      }
    }
  }

  /**
   * One round of background work at the clock's current time: token upkeep, due lease renewals,
   * due re-reads. The platform's scheduler calls it every second; tests with a controllable clock
   * call it directly.
   */
  void tick() {
    if (closed) {
      return;
    }
    Instant now = clock.instant();
    if (!started) {
      try {
        ensureStarted();
      } catch (SecretException e) {
        refreshFailures.incrementAndGet();
        LOG.warn("Secrets source not available yet: {}", e.getMessage());
        return;
      }
    }
    backend.maintain(now);
    for (PathState st : paths.values()) {
      synchronized (st) {
        if (st.fetched == null || now.isBefore(st.nextCheck)) {
          continue;
        }
        try {
          String lease = st.leaseId;
          if (lease != null && st.renewable && !st.maxReached && now.isBefore(st.leaseExpiry)) {
            Duration granted;
            try {
              granted = backend.renewLease(lease, st.leaseDuration);
            } catch (SecretException renewalFailed) {
              // Refused (400 past its maximum TTL, revoked, unknown): new credentials instead.
              refreshFailures.incrementAndGet();
              LOG.info("Renewing the lease of {} failed ({}); reading new credentials", st.path, renewalFailed.getMessage());
              apply(st, fetch(st), now, true);
              continue;
            }
            st.lastSuccess = now;
            st.failures = 0;
            st.lastError = null;
            st.leaseExpiry = now.plus(granted);
            if (granted.compareTo(st.leaseDuration) < 0) {
              // Capped by the lease's maximum TTL: read new credentials before these end.
              st.maxReached = true;
            }
            st.nextCheck = now.plus(VaultBackend.twoThirdsWithJitter(granted));
          } else {
            apply(st, fetch(st), now, true);
          }
        } catch (SecretException e) {
          st.failures++;
          st.lastError = e.getMessage();
          refreshFailures.incrementAndGet();
          long base = Math.min(MAX_BACKOFF.toMillis(), 1000L << Math.min(6, st.failures - 1));
          long delay = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
          // Never wait past the lease's end to try again.
          Instant next = now.plusMillis(delay);
          st.nextCheck = next.isAfter(st.leaseExpiry) && now.isBefore(st.leaseExpiry) ? st.leaseExpiry.minusMillis(1) : next;
          LOG.warn("Refreshing secret {} failed ({}); serving the last value, retrying in {} ms", st.path, e.getMessage(), delay);
        }
      }
    }
  }

  /**
   * Reads {@code path} again now, as a due refresh would, and puts a change into effect (rotation
   * listeners called on this thread); nothing when the path was never read.
   */
  void refresh(String path) {
    PathState st = paths.get(path);
    if (st == null || closed) {
      return;
    }
    synchronized (st) {
      apply(st, fetch(st), clock.instant(), true);
    }
  }

  /** Readiness: DEGRADED when a secret is staler than {@code stale-after} or the token expired. */
  HealthResult health() {
    Instant now = clock.instant();
    List<String> stale = new ArrayList<>();
    Map<String, Object> details = new LinkedHashMap<>(backend.status());
    Map<String, Object> ages = new LinkedHashMap<>();
    for (PathState st : paths.values()) {
      if (st.lastSuccess.equals(Instant.EPOCH)) {
        continue;
      }
      Duration age = Duration.between(st.lastSuccess, now);
      ages.put(st.path, age.toSeconds() + "s");
      if (age.compareTo(staleAfter) > 0) {
        stale.add(st.path + (st.lastError == null ? "" : " (" + st.lastError + ")"));
      }
    }
    details.put("staleness", ages);
    List<String> reasons = new ArrayList<>();
    if (backend instanceof VaultBackend v && v.tokenExpired(now)) {
      reasons.add("the Vault token has expired");
    }
    if (!stale.isEmpty()) {
      reasons.add("secrets served from memory for longer than " + SecretsModule.format(staleAfter) + ": " + String.join(", ", stale));
    }
    HealthResult r = reasons.isEmpty() ? HealthResult.up() : HealthResult.degraded(String.join("; ", reasons));
    for (Map.Entry<String, Object> e : details.entrySet()) {
      r = r.withDetail(e.getKey(), e.getValue());
    }
    return r;
  }

  /** For {@code /info}: references, versions and ages — never values. */
  Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>(backend.status());
    Map<String, Object> known = new LinkedHashMap<>();
    Instant now = clock.instant();
    for (PathState st : paths.values()) {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("keys", List.copyOf(st.keys));
      p.put("version", st.version);
      if (!st.lastSuccess.equals(Instant.EPOCH)) {
        p.put("ageSeconds", Duration.between(st.lastSuccess, now).toSeconds());
      }
      known.put(st.path, p);
    }
    m.put("paths", known);
    return m;
  }

  /** Seconds since the stalest path was read or renewed; 0 with none. */
  double maxStalenessSeconds() {
    Instant now = clock.instant();
    double max = 0;
    for (PathState st : paths.values()) {
      if (!st.lastSuccess.equals(Instant.EPOCH)) {
        max = Math.max(max, Duration.between(st.lastSuccess, now).toMillis() / 1000.0);
      }
    }
    return max;
  }

  /** The source the values come from. */
  SecretBackend backend() {
    return backend;
  }

  @Override
  public void close() {
    closed = true;
    for (Secret s : cache.values()) {
      redaction.retire(s.reveal());
    }
    backend.close();
  }
}
