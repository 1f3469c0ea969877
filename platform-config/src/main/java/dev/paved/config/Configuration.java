package dev.paved.config;

import dev.paved.config.ConfigChange.KeyChange;
import dev.paved.config.ConfigChange.Outcome;
import dev.paved.core.ConfigException;
import dev.paved.core.ConfigProblem;
import dev.paved.core.ConfigValue;
import dev.paved.core.Platform;
import dev.paved.core.PlatformConfig;
import dev.paved.core.spi.ModuleContext;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The service's configuration: sections bound to types and validated, the current snapshot with
 * its version and hash, reloads, overrides in code and the audit history. Published by the config
 * module; {@code Configuration.of(platform)}.
 *
 * <p>Every change goes through one pipeline — read every source, bind and validate every bound
 * section, swap one immutable snapshot, notify listeners — and is applied whole or not at all.
 */
public final class Configuration {
  private static final Logger LOG = LoggerFactory.getLogger(Configuration.class);
  static final String MASK = PlatformConfig.MASK;

  private final ModuleContext context;
  private final Binder binder;
  private final List<ConfigSource> sources;
  private final ConfigTelemetry telemetry;
  private final Clock clock;
  private final int historySize;
  private final ReentrantLock lock = new ReentrantLock();
  /** Notifications of applied changes not yet delivered, oldest first (guarded by itself). */
  private final java.util.ArrayDeque<Runnable> pending = new java.util.ArrayDeque<>();
  /** Whether a thread is delivering notifications (guarded by {@link #pending}). */
  private boolean draining;
  private final List<Bound<?>> bindings = new ArrayList<>();
  private final Map<String, String> overrides = new LinkedHashMap<>();
  private final ArrayDeque<ConfigChange> history = new ArrayDeque<>();
  private volatile ConfigSnapshot snapshot;
  private volatile @Nullable ConfigChange lastRejected;

  Configuration(
      ModuleContext context, Binder binder, List<ConfigSource> sources, ConfigTelemetry telemetry, Clock clock, int historySize) {
    this.context = context;
    this.binder = binder;
    this.sources = List.copyOf(sources);
    this.telemetry = telemetry;
    this.clock = clock;
    this.historySize = historySize;
    this.snapshot = new ConfigSnapshot(context.config(), new Object[0], clock.instant());
  }

  /** The configuration of a running platform; requires platform-config on the classpath. */
  public static Configuration of(Platform platform) {
    return platform.require(Configuration.class);
  }

  /**
   * Binds {@code section} (for example {@code checkout}, the keys {@code checkout.*}) to {@code
   * type} — a record or a class with Jackson-style properties, keys in kebab-case — and validates
   * it with its Bean Validation constraints. Binding the same section to the same type again
   * returns the same {@link Bound}.
   *
   * @throws ConfigException listing every unknown key, wrong type and violated constraint, each
   *     with its key, source and fix
   */
  public <T> Bound<T> bind(String section, Class<T> type) {
    Objects.requireNonNull(section, "section");
    Objects.requireNonNull(type, "type");
    return bindAll(Map.of(section, type)).get(0).cast(type);
  }

  /** Binds several sections at once, reporting the problems of all of them together. */
  List<Binding<?>> bindAll(Map<String, Class<?>> sections) {
    lock.lock();
    try {
      List<ConfigProblem> problems = new ArrayList<>();
      List<Binding<?>> out = new ArrayList<>();
      ConfigSnapshot current = snapshot;
      Map<String, Object> values = new LinkedHashMap<>();
      for (Map.Entry<String, Class<?>> e : sections.entrySet()) {
        String section = e.getKey();
        if (section.isBlank() || section.startsWith("platform.") || section.equals("platform")) {
          throw new IllegalArgumentException("section: '" + section + "' (expected: a service section, not platform.*)");
        }
        Bound<?> existing = find(section, e.getValue());
        if (existing != null) {
          continue;
        }
        Binder.Result r = binder.bind(current.config(), section, e.getValue());
        problems.addAll(r.problems());
        if (r.value() != null) {
          values.put(section, r.value());
        }
      }
      if (!problems.isEmpty()) {
        throw new ConfigException(problems);
      }
      ConfigSnapshot next = current;
      for (Map.Entry<String, Class<?>> e : sections.entrySet()) {
        Bound<?> b = find(e.getKey(), e.getValue());
        if (b == null) {
          Object value = Objects.requireNonNull(values.get(e.getKey()));
          b = newBound(e.getKey(), e.getValue(), bindings.size(), value);
          bindings.add(b);
          next = next.withSection(value);
        }
        out.add(new Binding<>(b));
      }
      snapshot = next;
      return out;
    } finally {
      lock.unlock();
    }
  }

  /** A bound section, to cast without an unchecked warning at each call site. */
  record Binding<T>(Bound<T> bound) {
    <U> Bound<U> cast(Class<U> type) {
      if (bound.type() != type) {
        throw new IllegalStateException("bound " + bound + " is not of " + type.getName());
      }
      @SuppressWarnings("unchecked")
      Bound<U> b = (Bound<U>) bound;
      return b;
    }
  }

  private static <T> Bound<T> newBound(String section, Class<T> type, int index, Object value) {
    return new Bound<>(section, type, index, type.cast(value));
  }

  private @Nullable Bound<?> find(String section, Class<?> type) {
    for (Bound<?> b : bindings) {
      if (b.section().equals(section) && b.type() == type) {
        return b;
      }
    }
    return null;
  }

  /** The configuration in effect now: one immutable snapshot. */
  public ConfigSnapshot snapshot() {
    return snapshot;
  }

  /** Reads every source again now and applies the result if it is valid. */
  public ConfigChange reload() {
    return reload("manual");
  }

  /**
   * Sets values in code, above every other source (for an operator's emergency switch, or a test),
   * and applies them if the result is valid; rejected values are not kept.
   */
  public ConfigChange override(Map<String, String> values) {
    Objects.requireNonNull(values, "values");
    return locked(
        notifications -> {
          Map<String, String> before = new LinkedHashMap<>(overrides);
          overrides.putAll(values);
          return reloadKeepingOverridesIfApplied("override", before, notifications);
        });
  }

  /** Removes overrides set with {@link #override} and applies the result. */
  public ConfigChange removeOverrides(Collection<String> keys) {
    return locked(
        notifications -> {
          Map<String, String> before = new LinkedHashMap<>(overrides);
          keys.forEach(overrides::remove);
          return reloadKeepingOverridesIfApplied("override", before, notifications);
        });
  }

  private ConfigChange reloadKeepingOverridesIfApplied(
      String trigger, Map<String, String> before, List<Runnable> notifications) {
    ConfigChange change = reloadLocked(trigger, notifications);
    if (change.outcome() == Outcome.REJECTED) {
      overrides.clear();
      overrides.putAll(before);
    }
    return change;
  }

  /** The last changes, newest first: applied and rejected ones, at most {@code platform.config.history.size}. */
  public List<ConfigChange> history() {
    lock.lock();
    try {
      List<ConfigChange> out = new ArrayList<>(history);
      java.util.Collections.reverse(out);
      return out;
    } finally {
      lock.unlock();
    }
  }

  /** The last rejected change since the last applied one, if any. */
  public java.util.Optional<ConfigChange> lastRejected() {
    return java.util.Optional.ofNullable(lastRejected);
  }

  /** Reads the remote sources at start-up and records the initial load. */
  void start(boolean sourcesRequired) {
    lock.lock();
    try {
      PlatformConfig initial = snapshot.config();
      if (!sources.isEmpty()) {
        List<ConfigProblem> problems = new ArrayList<>();
        List<ConfigValue> remote = readSources(problems);
        if (!problems.isEmpty()) {
          if (sourcesRequired) {
            throw new ConfigException(problems);
          }
          LOG.warn(
              "Configuration sources could not be read at start-up; starting from the files and applying the sources"
                  + " when they answer: {}",
              problems);
        }
        initial = context.readConfig(remote, Map.of());
      }
      snapshot = new ConfigSnapshot(initial, snapshot.sections(), clock.instant());
      context.publishConfig(initial);
      registerSecretValues(initial);
    } finally {
      lock.unlock();
    }
  }

  /** Records the initial load, once the declared sections are bound. */
  void started() {
    lock.lock();
    try {
      PlatformConfig initial = snapshot.config();
      ConfigChange change =
          new ConfigChange(clock.instant(), Outcome.APPLIED, "start", initial.version(), initial.hash(), List.of(), List.of());
      record(change);
      telemetry.applied(initial);
      audit(change, "Configuration version " + initial.version() + " loaded (hash " + initial.hash() + ")");
    } finally {
      lock.unlock();
    }
  }

  /**
   * The reload pipeline: read, bind, validate, swap, then notify. Listeners run after the lock that
   * {@code /config} and {@code /config/history} take is released (a slow listener delays no reader),
   * one at a time and in the order the changes were applied (see {@link #drainNotifications}).
   */
  ConfigChange reload(String trigger) {
    return locked(notifications -> reloadLocked(trigger, notifications));
  }

  /** Runs {@code work} under the lock, then the notifications it queued outside it, in order. */
  private ConfigChange locked(java.util.function.Function<List<Runnable>, ConfigChange> work) {
    List<Runnable> notifications = new ArrayList<>();
    ConfigChange change;
    lock.lock();
    try {
      change = work.apply(notifications);
      // Queued while the lock is held, so the queue's order is the order changes were applied.
      synchronized (pending) {
        pending.addAll(notifications);
      }
    } finally {
      lock.unlock();
    }
    drainNotifications();
    return change;
  }

  /**
   * Tells listeners of the queued changes, one at a time and in order, on one thread at a time:
   * the caller that finds nobody draining drains (its own and any queued after it); another caller
   * (or a listener that changes the configuration) returns at once, its listeners told next. Never with {@link #lock} held: a slow listener delays no reader, and a
   * listener may read the configuration, or change it, without deadlock.
   */
  private void drainNotifications() {
    synchronized (pending) {
      if (draining) {
        return; // the draining thread delivers ours too, after the one in progress
      }
      draining = true;
    }
    try {
      while (true) {
        Runnable next;
        synchronized (pending) {
          next = pending.poll();
          if (next == null) {
            draining = false;
            return;
          }
        }
        next.run();
      }
    } catch (RuntimeException | Error e) {
      synchronized (pending) {
        draining = false;
      }
      throw e;
    }
  }



  private ConfigChange reloadLocked(String trigger, List<Runnable> notifications) {
    {
      ConfigSnapshot current = snapshot;
      List<ConfigProblem> problems = new ArrayList<>();
      List<ConfigValue> remote = readSources(problems);
      PlatformConfig next = null;
      try {
        next = context.readConfig(remote, Map.copyOf(overrides));
      } catch (ConfigException e) {
        problems.addAll(e.problems());
      }
      Object[] values = new Object[bindings.size()];
      if (next != null) {
        for (int i = 0; i < bindings.size(); i++) {
          Bound<?> b = bindings.get(i);
          Binder.Result r = binder.bind(next, b.section(), b.type());
          problems.addAll(r.problems());
          values[i] = r.value();
        }
      }
      if (!problems.isEmpty() || next == null) {
        return reject(trigger, current, problems);
      }
      List<KeyChange> changes = diff(current.config(), next);
      if (changes.isEmpty()) {
        LOG.debug("Configuration re-read ({}): nothing changed, version {} stays", trigger, current.version());
        return new ConfigChange(clock.instant(), Outcome.UNCHANGED, trigger, current.version(), current.hash(), List.of(), List.of());
      }
      PlatformConfig versioned = next.withVersion(current.version() + 1);
      ConfigSnapshot applied = new ConfigSnapshot(versioned, values, clock.instant());
      // The swap: one volatile write makes the whole snapshot visible; each section's value follows.
      snapshot = applied;
      Object[] previous = current.sections();
      for (int i = 0; i < bindings.size(); i++) {
        bindings.get(i).set(values[i]);
      }
      context.publishConfig(versioned);
      registerSecretValues(versioned);
      releaseSecretValues(current.config());
      lastRejected = null;
      ConfigChange change =
          new ConfigChange(applied.appliedAt(), Outcome.APPLIED, trigger, versioned.version(), versioned.hash(), changes, List.of());
      record(change);
      telemetry.applied(versioned);
      audit(change, appliedMessage(change));
      List<String> restart =
          changes.stream().filter(KeyChange::restartRequired).map(KeyChange::key).toList();
      if (!restart.isEmpty()) {
        LOG.warn("Configuration keys {} changed; the modules that read them take the new values at the next restart", restart);
      }
      for (int i = 0; i < bindings.size(); i++) {
        Object before = i < previous.length ? previous[i] : null;
        if (before != null && !before.equals(values[i])) {
          Bound<?> bound = bindings.get(i);
          Object after = Objects.requireNonNull(values[i]);
          notifications.add(() -> notifyListeners(bound, before, after));
        }
      }
      return change;
    }
  }

  /**
   * The secret-looking values of the configuration a change replaced give up their hold (the new
   * configuration's are registered first, so a value both hold stays masked throughout); one that
   * nothing holds any more stays masked for the grace period, then leaves, so rotating a
   * configuration secret does not fill the masking registry.
   */
  private void releaseSecretValues(PlatformConfig before) {
    for (ConfigValue v : before.entries().values()) {
      if (PlatformConfig.isSecretKey(v.key())) {
        context.redaction().retire(v.value());
      }
    }
  }

  /**
   * Values of secret-looking keys are masked in every log line too, not only in dumps: code that
   * logs such a value by mistake does not leak it.
   */
  private void registerSecretValues(PlatformConfig config) {
    for (ConfigValue v : config.entries().values()) {
      if (PlatformConfig.isSecretKey(v.key())) {
        context.redaction().tryRegister(v.value());
      }
    }
  }

  private ConfigChange reject(String trigger, ConfigSnapshot current, List<ConfigProblem> problems) {
    ConfigChange change =
        new ConfigChange(clock.instant(), Outcome.REJECTED, trigger, current.version(), current.hash(), List.of(), problems);
    lastRejected = change;
    record(change);
    telemetry.rejected();
    audit(
        change,
        "Configuration change rejected (" + trigger + "); version " + current.version() + " keeps serving. "
            + problems.size() + (problems.size() == 1 ? " problem:" : " problems:")
            + problems.stream().map(p -> "\n  - " + p).collect(Collectors.joining()));
    return change;
  }

  private <T> void notifyListeners(Bound<T> bound, Object before, Object after) {
    T previous = bound.type().cast(before);
    T current = bound.type().cast(after);
    for (ChangeListener<? super T> listener : bound.listeners()) {
      try {
        listener.onChange(previous, current);
      } catch (Exception | LinkageError e) {
        telemetry.listenerFailures.failed(e); // the change stays applied
      }
    }
  }

  private List<ConfigValue> readSources(List<ConfigProblem> problems) {
    List<ConfigValue> out = new ArrayList<>();
    for (ConfigSource source : sources) {
      String name = "source " + source.name();
      try {
        Map<String, String> read = source.read();
        read.forEach((k, v) -> out.add(new ConfigValue(k, v, name)));
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        // Only the exception's type: a message can carry a URL with a token, or a response body.
        problems.add(
            new ConfigProblem(
                name,
                name,
                "cannot be read (" + e.getClass().getName() + ")",
                "check that " + source.name() + " is reachable; the last good configuration keeps serving"));
      }
    }
    return out;
  }

  /** The keys whose value changed, added or removed, secret values masked. */
  static List<KeyChange> diff(PlatformConfig before, PlatformConfig after) {
    List<KeyChange> out = new ArrayList<>();
    Set<String> keys = new LinkedHashSet<>(before.entries().keySet());
    keys.addAll(after.entries().keySet());
    for (String key : new java.util.TreeSet<>(keys)) {
      ConfigValue b = before.entries().get(key);
      ConfigValue a = after.entries().get(key);
      String bv = b == null ? null : b.value();
      String av = a == null ? null : a.value();
      if (Objects.equals(bv, av)) {
        continue;
      }
      boolean secret = PlatformConfig.isSecretKey(key);
      out.add(
          new KeyChange(
              key,
              bv == null ? null : secret ? MASK : bv,
              av == null ? null : secret ? MASK : av,
              a != null ? a.source() : "removed",
              key.startsWith("platform.")));
    }
    return out;
  }

  private static String appliedMessage(ConfigChange change) {
    StringBuilder sb =
        new StringBuilder("Configuration version ")
            .append(change.version())
            .append(" applied (")
            .append(change.trigger())
            .append(", hash ")
            .append(change.hash())
            .append("): ");
    for (int i = 0; i < change.changes().size(); i++) {
      KeyChange c = change.changes().get(i);
      sb.append(i == 0 ? "" : ", ").append(c.key()).append(' ').append(c.before()).append(" -> ").append(c.after());
    }
    return sb.toString();
  }

  private void record(ConfigChange change) {
    history.addLast(change);
    while (history.size() > historySize) {
      history.removeFirst();
    }
  }

  private static void audit(ConfigChange change, String message) {
    LoggingEventBuilder event = change.outcome() == Outcome.REJECTED ? LOG.atWarn() : LOG.atInfo();
    event
        .addKeyValue("event.kind", "config_change")
        .addKeyValue("config.outcome", change.outcome().name().toLowerCase(java.util.Locale.ROOT))
        .addKeyValue("config.trigger", change.trigger())
        .addKeyValue("config.version", change.version())
        .addKeyValue("config.hash", change.hash())
        .addKeyValue("config.changes", change.toMap().get("changes"))
        .addKeyValue("config.problems", change.toMap().get("problems"))
        .log(message);
  }

  /** The body of {@code GET /config}: every value with its source, secrets masked. */
  Map<String, Object> toMap() {
    ConfigSnapshot s = snapshot;
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("version", s.version());
    body.put("hash", s.hash());
    body.put("appliedAt", s.appliedAt().toString());
    List<String> sections = new ArrayList<>();
    lock.lock();
    try {
      bindings.forEach(b -> sections.add(b.section() + " (" + b.type().getName() + ")"));
    } finally {
      lock.unlock();
    }
    body.put("sections", sections);
    Map<String, Object> values = new LinkedHashMap<>();
    for (Map.Entry<String, ConfigValue> e : new java.util.TreeMap<>(s.config().entries()).entrySet()) {
      boolean secret = PlatformConfig.isSecretKey(e.getKey());
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("value", secret ? MASK : e.getValue().value());
      v.put("source", e.getValue().source());
      values.put(e.getKey(), v);
    }
    body.put("values", values);
    ConfigChange rejected = lastRejected;
    if (rejected != null) {
      body.put("lastRejected", rejected.toMap());
    }
    return body;
  }

  void closeSources() {
    for (ConfigSource source : sources) {
      try {
        source.close();
      } catch (RuntimeException e) {
        LOG.warn("Configuration source '{}' failed to close: {}", source.name(), e.getClass().getName());
      }
    }
  }
}
