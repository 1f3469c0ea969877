package dev.paved.core;

import dev.paved.core.internal.DaemonThreadFactory;
import dev.paved.core.internal.ThrottledLogger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * Liveness and readiness checks of the service and of every module. Each check has a time limit
 * and keeps its last result; checks run in parallel on a small bounded executor, and a probe that
 * arrives while a check is still running waits for that same run rather than starting another.
 *
 * <p>Readiness always contains the check {@value #PLATFORM_CHECK}: DOWN while the platform starts
 * and from the first moment of shutdown.
 */
public final class HealthRegistry implements AutoCloseable {
  /** The name of the built-in readiness check that follows the platform's lifecycle. */
  public static final String PLATFORM_CHECK = "platform";

  private static final ThrottledLogger LOG = new ThrottledLogger(LoggerFactory.getLogger(HealthRegistry.class));

  enum State {
    STARTING,
    READY,
    STOPPING
  }

  private static final class Entry {
    final String name;
    final HealthKind kind;
    final HealthCheck check;
    final Duration timeout;
    @Nullable Future<HealthResult> running;
    long runningSince;
    volatile HealthReport.@Nullable Check last;
    /** The last {@value #HISTORY} results, oldest first. */
    final java.util.ArrayDeque<HealthReport.Check> history = new java.util.ArrayDeque<>();

    Entry(String name, HealthKind kind, HealthCheck check, Duration timeout) {
      this.name = name;
      this.kind = kind;
      this.check = check;
      this.timeout = timeout;
    }
  }

  private final Map<String, Entry> entries = new ConcurrentSkipListMap<>();
  private final Duration defaultTimeout;
  private final ThreadPoolExecutor executor;
  private volatile State state = State.STARTING;
  /** Set by {@code Platform.run} until the service's own start-up has returned. */
  private volatile boolean awaitingService;

  HealthRegistry(Duration defaultTimeout, int threads) {
    this.defaultTimeout = defaultTimeout;
    this.executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(64),
            new DaemonThreadFactory("paved-health"),
            new ThreadPoolExecutor.AbortPolicy());
    this.executor.allowCoreThreadTimeOut(true);
  }

  /** Adds a check with the default time limit ({@code platform.health.timeout}). */
  public void register(String name, HealthKind kind, HealthCheck check) {
    register(name, kind, check, defaultTimeout);
  }

  /**
   * Adds a check.
   *
   * @throws IllegalArgumentException if a check of that name and kind exists, or the timeout is not positive
   */
  public void register(String name, HealthKind kind, HealthCheck check, Duration timeout) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(timeout, "timeout");
    if (name.isBlank()) {
      throw new IllegalArgumentException("name: '' (expected: non-blank)");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
    }
    if (kind == HealthKind.READINESS && name.equals(PLATFORM_CHECK)) {
      throw new IllegalArgumentException("name: '" + PLATFORM_CHECK + "' (expected: not the built-in check's name)");
    }
    Entry previous = entries.putIfAbsent(key(name, kind), new Entry(name, kind, check, timeout));
    if (previous != null) {
      throw new IllegalArgumentException(
          "name: '" + name + "' (expected: a " + kind.name().toLowerCase(java.util.Locale.ROOT) + " check name not yet registered)");
    }
  }

  /** Removes a check; returns whether it existed. */
  public boolean unregister(String name, HealthKind kind) {
    return entries.remove(key(name, kind)) != null;
  }

  public HealthReport liveness() {
    return report(HealthKind.LIVENESS);
  }

  public HealthReport readiness() {
    return report(HealthKind.READINESS);
  }

  /** Runs every check of {@code kind} (in parallel, each under its time limit) and aggregates. */
  public HealthReport report(HealthKind kind) {
    List<HealthReport.Check> results = new ArrayList<>();
    if (kind == HealthKind.READINESS) {
      HealthResult platform =
          switch (state) {
            case STARTING -> HealthResult.down("starting");
            case READY -> HealthResult.up();
            case STOPPING -> HealthResult.down("shutting down");
          };
      results.add(
          new HealthReport.Check(PLATFORM_CHECK, platform.status(), platform.reason(), Map.of(), Duration.ZERO, Instant.now()));
      if (awaitingService) {
        results.add(new HealthReport.Check("service", HealthStatus.DOWN, "starting", Map.of(), Duration.ZERO, Instant.now()));
      }
    }
    List<Entry> selected = new ArrayList<>();
    List<@Nullable Future<HealthResult>> futures = new ArrayList<>();
    List<Long> starts = new ArrayList<>();
    for (Entry e : entries.values()) {
      if (e.kind != kind) {
        continue;
      }
      selected.add(e);
      synchronized (e) {
        Future<HealthResult> f = e.running;
        if (f == null || f.isDone()) {
          try {
            f = executor.submit(e.check::check);
            e.running = f;
            e.runningSince = System.nanoTime();
          } catch (RejectedExecutionException rejected) {
            f = null;
          }
        }
        futures.add(f);
        starts.add(e.runningSince);
      }
    }
    HealthStatus aggregate = HealthStatus.UP;
    for (HealthReport.Check built : results) {
      aggregate = aggregate.worst(built.status());
    }
    for (int i = 0; i < selected.size(); i++) {
      Entry e = selected.get(i);
      HealthReport.Check c = await(e, futures.get(i), starts.get(i));
      e.last = c;
      synchronized (e.history) {
        if (e.history.size() == HISTORY) {
          e.history.removeFirst();
        }
        e.history.addLast(c);
      }
      results.add(c);
      aggregate = aggregate.worst(c.status());
    }
    return new HealthReport(kind, aggregate, results);
  }

  private static HealthReport.Check await(Entry e, @Nullable Future<HealthResult> f, long start) {
    Instant now = Instant.now();
    if (f == null) {
      return check(e, HealthResult.down("health check executor is saturated"), 0, now);
    }
    long remaining = e.timeout.toNanos() - (System.nanoTime() - start);
    HealthResult result;
    try {
      HealthResult r = remaining > 0 ? f.get(remaining, TimeUnit.NANOSECONDS) : f.get(0, TimeUnit.NANOSECONDS);
      result = r == null ? HealthResult.down("the check returned no result") : r;
    } catch (TimeoutException timeout) {
      f.cancel(true);
      result = HealthResult.down("timed out after " + e.timeout.toMillis() + " ms");
    } catch (ExecutionException failed) {
      Throwable cause = failed.getCause() == null ? failed : failed.getCause();
      LOG.warn("Health check '" + e.name + "' failed", cause);
      result = HealthResult.down("failed: " + cause.getClass().getName());
    } catch (CancellationException cancelled) {
      result = HealthResult.down("timed out after " + e.timeout.toMillis() + " ms");
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      result = HealthResult.down("interrupted while waiting for the check");
    }
    long elapsed = Math.max(0, System.nanoTime() - start);
    return check(e, result, elapsed, now);
  }

  private static HealthReport.Check check(Entry e, HealthResult r, long nanos, Instant at) {
    return new HealthReport.Check(e.name, r.status(), r.reason(), r.details(), Duration.ofNanos(nanos), at);
  }

  /** How many results of each check {@link #history} keeps: {@value}. */
  public static final int HISTORY = 30;

  /**
   * Each check with its last {@value #HISTORY} results (status, reason, duration, time; oldest
   * first), without running anything: {@code GET /health/history} and the console's strip.
   */
  public List<Map<String, Object>> history() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Entry e : entries.values()) {
      List<Map<String, Object>> results = new ArrayList<>();
      synchronized (e.history) {
        for (HealthReport.Check c : e.history) {
          Map<String, Object> r = new java.util.LinkedHashMap<>();
          r.put("status", c.status().name());
          r.put("reason", c.reason());
          r.put("durationMs", c.duration().toMillis());
          r.put("checkedAt", c.checkedAt().toString());
          results.add(r);
        }
      }
      Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("name", e.name);
      m.put("kind", e.kind.name().toLowerCase(java.util.Locale.ROOT));
      m.put("results", results);
      out.add(m);
    }
    return out;
  }

  /** The last result of each check, without running anything. */
  public List<HealthReport.Check> lastResults() {
    List<HealthReport.Check> out = new ArrayList<>();
    for (Entry e : entries.values()) {
      HealthReport.Check c = e.last;
      if (c != null) {
        out.add(c);
      }
    }
    return out;
  }

  void markReady() {
    state = State.READY;
  }

  /** Readiness shows a check {@code service}, DOWN "starting", until {@link #serviceStarted}. */
  void awaitService() {
    awaitingService = true;
  }

  void serviceStarted() {
    awaitingService = false;
  }

  /** Whether readiness still waits for the service to start ({@link #awaitService}). */
  boolean awaitingService() {
    return awaitingService;
  }

  void markStopping() {
    state = State.STOPPING;
  }

  boolean isStopping() {
    return state == State.STOPPING;
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }

  private static String key(String name, HealthKind kind) {
    return kind.name() + ":" + name;
  }
}
