package dev.paved.core;

import dev.paved.core.spi.ModuleContext;
import dev.paved.core.spi.PlatformModule;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running platform of one service: its identity, configuration, health, admin server and the
 * modules found on the classpath.
 *
 * <pre>{@code
 * try (Platform platform = Platform.start()) {
 *   // serve
 * }
 * }</pre>
 *
 * <p>{@link #start()} reads {@code platform.yaml} and the environment; {@link #builder()} adds
 * overrides in code. Start-up fails with one {@link ConfigException} listing every configuration
 * problem. {@link #close()} runs graceful shutdown in phases, each logged with its duration:
 * readiness goes DOWN and modules stop taking new work from queues ({@code PlatformModule.stopIntake}), the drain period passes, in-flight work finishes (up to a deadline),
 * modules stop in reverse order (flushing telemetry), the admin server stops. A JVM shutdown hook
 * runs the same unless turned off. {@code close()} is idempotent and thread-safe: the first caller
 * runs the shutdown, and concurrent callers wait until it has finished.
 *
 * <p>A service's {@code main} is best written with {@link #run(Builder, ServiceStart)}, which
 * keeps readiness DOWN until the service's own start-up has finished and, when that start-up
 * fails, logs one fatal event, shuts down and exits the process non-zero.
 */
public final class Platform implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Platform.class);
  private static final String SDK_VERSION = readSdkVersion();

  private final ServiceDescriptor descriptor;
  /** When the platform was built: the start of its uptime in {@code /info}. */
  private final java.time.Instant createdAt = java.time.Instant.now();
  private volatile PlatformConfig config;
  private final ConfigLoader.Inputs configInputs;
  private final List<ConfigKey<?>> configKeys;
  private final List<Path> configFiles;
  private final HealthRegistry health;
  private final AdminServer admin;
  private final InFlight inFlight = new InFlight();
  private final Redaction redaction = Redaction.create();
  /** The one scheduler of the modules' periodic work ({@link ModuleContext#every}); its threads start with the first task. */
  private final java.util.concurrent.ScheduledThreadPoolExecutor scheduler = newScheduler();
  private final Map<Class<?>, Object> components = new ConcurrentHashMap<>();
  private final Map<String, Supplier<?>> info = Collections.synchronizedMap(new LinkedHashMap<>());
  private final List<PlatformModule> started = new ArrayList<>();
  private final Duration drain;
  private final Duration shutdownTimeout;
  private final Object closeLock = new Object();
  private volatile boolean closed;
  /** Readiness-down and drain have run ({@link #beginShutdown()}); guarded by {@code closeLock}. */
  private boolean intakeStopped;
  /** When shutdown began ({@link #beginShutdown()} or {@link #close()}); guarded by {@code closeLock}. */
  private long shutdownStarted;
  private @Nullable Thread shutdownHook;

  private Platform(
      ServiceDescriptor descriptor, ConfigLoader.Result loaded, ConfigLoader.Inputs inputs, List<ConfigKey<?>> keys, HealthRegistry health, AdminServer admin) {
    this.descriptor = descriptor;
    this.config = loaded.config();
    this.configInputs = inputs;
    this.configKeys = List.copyOf(keys);
    this.configFiles = loaded.files();
    this.health = health;
    this.admin = admin;
    this.drain = config.get(CoreSettings.SHUTDOWN_DRAIN);
    this.shutdownTimeout = config.get(CoreSettings.SHUTDOWN_TIMEOUT);
  }

  /** What {@link #run} exits with when the platform or the service cannot start: {@value}. */
  public static final int EXIT_START_FAILED = 2;

  /** The service's own start-up, run by {@link #run} once the platform has started. */
  @FunctionalInterface
  public interface ServiceStart {
    /** Starts the service (its servers, consumers, schedules); the platform is running. */
    void start(Platform platform) throws Exception;
  }

  /**
   * The entry point of a service: starts the platform from {@code builder}, then the service with
   * {@code service}, and only then reports ready ({@code /health/ready} shows a check {@code
   * service} DOWN "starting" until {@code service} returns). When either start-up throws, it logs
   * one fatal JSON event (with every configuration problem as a field), runs graceful shutdown and
   * exits the process with {@value #EXIT_START_FAILED}: the process never stays up half-started,
   * and it never reported ready.
   *
   * <pre>{@code
   * public static void main(String[] args) {
   *   Platform.run(Platform.builder(), platform -> new OrdersServer(platform).start());
   * }
   * }</pre>
   *
   * @return the running platform (closed by the JVM shutdown hook, or by the caller)
   */
  public static Platform run(Builder builder, ServiceStart service) {
    return run(builder, service, System::exit, Boolean.getBoolean(TRAINING_RUN));
  }

  /**
   * The system property that makes {@link #run} a <em>training run</em>: the platform and the
   * service start as always (configuration fully validated, every module and the service's own
   * start-up run), and once ready the process shuts down gracefully and exits 0. For a class-data
   * sharing archive ({@code -XX:ArchiveClassesAtExit}, written by the JVM at exit): the service
   * parent's {@code paved:cds} goal runs one, as Spring Boot's {@code spring.context.exit=onRefresh}.
   */
  public static final String TRAINING_RUN = "paved.training-run";

  /** {@link #run(Builder, ServiceStart)} with the exit as a parameter, for tests. */
  static Platform run(Builder builder, ServiceStart service, java.util.function.IntConsumer exit) {
    return run(builder, service, exit, false);
  }

  static Platform run(Builder builder, ServiceStart service, java.util.function.IntConsumer exit, boolean trainingRun) {
    Objects.requireNonNull(builder, "builder");
    Objects.requireNonNull(service, "service");
    exitOnVirtualMachineError();
    Platform platform;
    try {
      platform = builder.readinessAwaitsService().start();
    } catch (RuntimeException | Error e) {
      fatal("The platform could not start", e);
      exit.accept(EXIT_START_FAILED);
      throw e;
    }
    try {
      service.start(platform);
    } catch (Exception | Error e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      fatal("The service " + platform.descriptor.name() + " could not start", e);
      platform.close();
      exit.accept(EXIT_START_FAILED);
      throw e instanceof RuntimeException re ? re : new PlatformStartException("The service could not start: " + e, e);
    }
    platform.health.serviceStarted();
    LOG.info("Service {} started; ready", platform.descriptor.name());
    warnUnread(platform.config);
    if (trainingRun) {
      LOG.info("Training run ({}=true): the service started; shutting down", TRAINING_RUN);
      platform.close();
      exit.accept(0);
    }
    return platform;
  }

  /** What the process exits with when a thread dies of an {@code OutOfMemoryError}: {@value}. */
  public static final int EXIT_VIRTUAL_MACHINE_ERROR = 3;

  /**
   * Makes a thread that dies of a {@link VirtualMachineError} (an {@code OutOfMemoryError}, most
   * often in a server's dispatcher thread) end the process, so that the orchestrator restarts it,
   * instead of leaving it up with neither port answering. Process-wide: installed by {@link #run}
   * as the default uncaught-exception handler, delegating everything else to the handler there
   * was before. {@code -XX:+ExitOnOutOfMemoryError}, which services should also run with, covers the
   * threads whose error is caught before it reaches a handler.
   */
  static void exitOnVirtualMachineError() {
    Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
    if (previous instanceof ExitOnVirtualMachineError) {
      return;
    }
    Thread.setDefaultUncaughtExceptionHandler(new ExitOnVirtualMachineError(previous));
  }

  private static final class ExitOnVirtualMachineError implements Thread.UncaughtExceptionHandler {
    private final Thread.@Nullable UncaughtExceptionHandler previous;

    ExitOnVirtualMachineError(Thread.@Nullable UncaughtExceptionHandler previous) {
      this.previous = previous;
    }

    @Override
    public void uncaughtException(Thread t, Throwable e) {
      if (e instanceof VirtualMachineError) {
        try {
          System.err.println(
              "{\"level\":\"ERROR\",\"event.kind\":\"fatal\",\"message\":\"Thread "
                  + t.getName().replace("\"", "'")
                  + " died of "
                  + e.getClass().getName()
                  + "; halting with "
                  + EXIT_VIRTUAL_MACHINE_ERROR
                  + "\"}");
        } finally {
          // halt, not exit: shutdown hooks may need the memory that is gone.
          Runtime.getRuntime().halt(EXIT_VIRTUAL_MACHINE_ERROR);
        }
      }
      if (previous != null) {
        previous.uncaughtException(t, e);
      } else {
        System.err.print("Exception in thread \"" + t.getName() + "\" ");
        e.printStackTrace(System.err);
      }
    }
  }

  /**
   * One WARN naming the service's values that nothing read during start-up (issue 15: a value
   * written as the docs show and silently ignored is the worst kind of bug a platform can have).
   */
  static void warnUnread(PlatformConfig config) {
    List<ConfigValue> unread = config.unread();
    if (unread.isEmpty()) {
      return;
    }
    List<String> named = unread.stream().map(v -> v.key() + " (" + v.source() + ")").toList();
    LOG.atWarn()
        .addKeyValue("event.kind", "config_unread")
        .addKeyValue("config.unread", named)
        .log(
            "Configuration values that nothing read during start-up (misspelt, or no longer used?): {}",
            String.join(", ", named));
  }

  /** One structured fatal event: every configuration problem as a field of its own. */
  private static void fatal(String message, Throwable e) {
    var event =
        LOG.atError()
            .addKeyValue("event.kind", "fatal")
            .addKeyValue("error.type", e.getClass().getName())
            .addKeyValue("exit.code", EXIT_START_FAILED);
    if (e instanceof ConfigException ce) {
      List<ConfigProblem> problems = ce.problems();
      event = event.addKeyValue("config.problems", problems.size());
      for (int i = 0; i < problems.size(); i++) {
        event = event.addKeyValue("config.problem." + (i + 1), problems.get(i).toString());
      }
      event.log("{}: {} Exiting with {}", message, e.getMessage(), EXIT_START_FAILED);
    } else {
      event.setCause(e).log("{}: {}. Exiting with {}", message, e.toString(), EXIT_START_FAILED);
    }
  }

  /** Starts the platform from {@code platform.yaml}, the environment and system properties. */
  public static Platform start() {
    return builder().start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The Paved version, {@code platform.sdk.version}. */
  public static String sdkVersion() {
    return SDK_VERSION;
  }

  public ServiceDescriptor descriptor() {
    return descriptor;
  }

  /**
   * The configuration in effect: an immutable view, replaced as a whole when platform-config
   * applies a reload (its {@link PlatformConfig#version()} then grows).
   */
  public PlatformConfig config() {
    return config;
  }

  public HealthRegistry health() {
    return health;
  }

  public AdminServer admin() {
    return admin;
  }

  /** The secret values this platform masks in every log line and span (see {@link Redaction}). */
  public Redaction redaction() {
    return redaction;
  }

  /** Work in progress that graceful shutdown waits for. */
  public InFlight inFlight() {
    return inFlight;
  }

  /** A component a module published, such as the flags or secrets client. */
  public <T> Optional<T> component(Class<T> type) {
    return Optional.ofNullable(type.cast(components.get(type)));
  }

  /**
   * A component a module published.
   *
   * @throws IllegalStateException naming the type when no module on the classpath published it
   */
  public <T> T require(Class<T> type) {
    return component(type)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "No Paved module published " + type.getName() + "; add the module that provides it as a dependency"));
  }

  /** Names of the started modules, in start order. */
  public List<String> modules() {
    synchronized (started) {
      return started.stream().map(PlatformModule::name).toList();
    }
  }

  /** The registered JVM shutdown hook, if any (for tests). */
  @Nullable Thread shutdownHookThread() {
    return shutdownHook;
  }

  public boolean isClosed() {
    return closed;
  }

  /**
   * Runs graceful shutdown (see the class documentation). Idempotent and thread-safe: the first
   * caller runs it; a concurrent caller waits until it has finished; later calls return at once.
   */
  @Override
  public void close() {
    synchronized (closeLock) {
      if (closed) {
        return;
      }
      closed = true;
      Thread hook = shutdownHook;
      if (hook != null && Thread.currentThread() != hook) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
          // The JVM is exiting; the hook will find the platform closed.
        }
      }
      if (!intakeStopped) {
        shutdownStarted = System.nanoTime();
        LOG.info("Paved shutdown of {} started", descriptor.name());
        readinessDownAndDrain();
      }
      long total = shutdownStarted;
      phase(
          "in-flight",
          () -> {
            try {
              if (!inFlight.awaitIdle(shutdownTimeout)) {
                LOG.warn(
                    "Paved shutdown: {} units of work still in progress after {} ms (platform.shutdown.timeout); stopping anyway",
                    inFlight.current(),
                    shutdownTimeout.toMillis());
              }
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
      phase(
          "modules",
          () -> {
            // Periodic work first, and waited for: no task runs against a module that has stopped.
            stopScheduler();
            admin.revertTemporaries();
            stopModules();
          });
      phase(
          "admin",
          () -> {
            admin.stop();
            health.close();
          });
      LOG.info("Paved shutdown of {} finished in {} ms", descriptor.name(), millisSince(total));
      for (PlatformModule m : startedInReverse()) {
        try {
          m.afterStop();
        } catch (RuntimeException | LinkageError e) {
          // Logging may already be gone; there is nobody left to tell.
        }
      }
      redaction.close();
    }
  }

  /**
   * The service has started: readiness stops showing the {@code service} check ("starting") that
   * {@link Builder#readinessAwaitsService()} put there. For a host that starts the service itself;
   * {@link #run} calls it. Idempotent.
   */
  public void serviceStarted() {
    health.serviceStarted();
  }

  /**
   * Runs the first two phases of graceful shutdown now — {@code readiness-down} (readiness
   * answers 503, modules stop taking work) and {@code drain} ({@code platform.shutdown.drain}) —
   * for a host that stops its own server between them and the rest, as the Spring Boot
   * integration does before Spring's graceful shutdown of the web server. {@link #close()} then
   * runs only the remaining phases. Idempotent; does nothing once the platform is closed.
   */
  public void beginShutdown() {
    synchronized (closeLock) {
      if (closed || intakeStopped) {
        return;
      }
      shutdownStarted = System.nanoTime();
      LOG.info("Paved shutdown of {} started", descriptor.name());
      readinessDownAndDrain();
    }
  }

  private void readinessDownAndDrain() {
    intakeStopped = true;
    phase(
        "readiness-down",
        () -> {
          health.markStopping();
          stopIntake();
        });
    phase(
        "drain",
        () -> {
          if (health.awaitingService()) {
            // Never ready: no load balancer sends it anything, so there is nothing to drain.
            LOG.info("Paved shutdown: the service never became ready; no drain");
          } else if (!drain.isZero()) {
            try {
              Thread.sleep(drain.toMillis());
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        });
  }

  private void phase(String name, Runnable action) {
    dev.paved.core.internal.ShutdownPhase.run(LOG, name, "Paved shutdown phase '" + name + "'", action);
  }


  private List<PlatformModule> startedInReverse() {
    List<PlatformModule> reverse;
    synchronized (started) {
      reverse = new ArrayList<>(started);
    }
    Collections.reverse(reverse);
    return reverse;
  }

  private void stopIntake() {
    List<PlatformModule> reverse = startedInReverse();
    for (PlatformModule m : reverse) {
      try {
        m.stopIntake();
      } catch (RuntimeException | LinkageError e) {
        LOG.warn("Paved module '{}' failed to stop taking work", m.name(), e);
      }
    }
  }

  private void stopModules() {
    List<PlatformModule> reverse = startedInReverse();
    for (PlatformModule m : reverse) {
      long start = System.nanoTime();
      try {
        m.stop();
        LOG.debug("Paved module '{}' stopped in {} ms", m.name(), millisSince(start));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        LOG.warn("Paved module '{}' was interrupted while stopping", m.name());
      } catch (Exception | LinkageError e) {
        LOG.warn("Paved module '{}' failed to stop", m.name(), e);
      }
    }
  }

  /** Stops the periodic work and waits (up to 2 s) for a run in progress to end. */
  private void stopScheduler() {
    scheduler.shutdownNow();
    try {
      if (!scheduler.awaitTermination(2, java.util.concurrent.TimeUnit.SECONDS)) {
        LOG.warn("Paved shutdown: a background task was still running after 2 s; stopping the modules anyway");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static java.util.concurrent.ScheduledThreadPoolExecutor newScheduler() {
    java.util.concurrent.ScheduledThreadPoolExecutor s =
        new java.util.concurrent.ScheduledThreadPoolExecutor(2, new dev.paved.core.internal.DaemonThreadFactory("paved-scheduler"));
    s.setRemoveOnCancelPolicy(true);
    s.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    s.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
    return s;
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  private static String readSdkVersion() {
    try (InputStream in = Platform.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Map<String, Object> infoBody() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("service", descriptor.toMap());
    Map<String, Object> platform = new LinkedHashMap<>();
    platform.put("sdkVersion", SDK_VERSION);
    platform.put("modules", modules());
    platform.put("startedAt", createdAt.toString());
    platform.put("uptimeSeconds", Duration.between(createdAt, java.time.Instant.now()).toSeconds());
    body.put("platform", platform);
    Map<String, Object> cfg = new LinkedHashMap<>();
    PlatformConfig current = config;
    cfg.put("version", current.version());
    cfg.put("hash", current.hash());
    body.put("config", cfg);
    Map<String, Supplier<?>> extra;
    synchronized (info) {
      extra = new LinkedHashMap<>(info);
    }
    extra.forEach(
        (section, supplier) -> {
          try {
            body.put(section, supplier.get());
          } catch (RuntimeException e) {
            body.put(section, Map.of("error", e.getClass().getName()));
          }
        });
    return body;
  }

  private void registerCoreEndpoints() {
    admin.addEndpoint("/health/live", r -> report(health.liveness()));
    admin.addEndpoint("/health/ready", r -> report(health.readiness()));
    admin.addEndpoint(
        "/health/history",
        r -> {
          // Probes the checks first (a probe already running is waited for, not started twice), so the strip is current.
          health.liveness();
          health.readiness();
          return AdminResponse.json(200, Map.of("checks", health.history()));
        });
    admin.addEndpoint("/info", r -> AdminResponse.json(200, infoBody()));
    AdminConsole.register(admin);
  }

  private static AdminResponse report(HealthReport report) {
    return AdminResponse.json(report.httpStatus(), report.toMap());
  }

  private final class Context implements ModuleContext {
    @Override
    public ServiceDescriptor descriptor() {
      return descriptor;
    }

    @Override
    public PlatformConfig config() {
      return config;
    }

    /** {@code sources} without the keys a runtime override replaced (their source is "builder"). */
    private static Map<String, String> withoutKeys(Map<String, String> sources, java.util.Set<String> replaced) {
      Map<String, String> kept = new LinkedHashMap<>(sources);
      kept.keySet().removeAll(replaced);
      return kept;
    }

    @Override
    public PlatformConfig readConfig(List<ConfigValue> remote, Map<String, String> overrides) {
      Map<String, String> merged = new LinkedHashMap<>(configInputs.overrides());
      merged.putAll(overrides);
      ConfigLoader.Inputs inputs =
          new ConfigLoader.Inputs(
              configInputs.environment(),
              configInputs.systemProperties(),
              merged,
              configInputs.classLoader(),
              List.copyOf(remote),
              withoutKeys(configInputs.overrideSources(), overrides.keySet()),
              configInputs.hostDefaults());
      ConfigLoader.Result loaded = ConfigLoader.load(inputs, configKeys);
      List<ConfigProblem> problems = new ArrayList<>(loaded.problems());
      ServiceDescriptor.fromConfig(loaded.config(), problems);
      if (!problems.isEmpty()) {
        throw new ConfigException(problems);
      }
      return loaded.config();
    }

    @Override
    public List<Path> configFiles() {
      return configFiles;
    }

    @Override
    public void publishConfig(PlatformConfig newConfig) {
      Objects.requireNonNull(newConfig, "newConfig");
      config = newConfig;
    }

    @Override
    public HealthRegistry health() {
      return health;
    }

    @Override
    public AdminServer admin() {
      return admin;
    }

    @Override
    public Redaction redaction() {
      return redaction;
    }

    @Override
    public java.util.concurrent.Future<?> every(String task, Duration period, Runnable action) {
      if (period.isNegative() || period.isZero()) {
        throw new IllegalArgumentException("period: " + period + " (expected: more than 0)");
      }
      dev.paved.core.internal.ThrottledLogger failures =
          new dev.paved.core.internal.ThrottledLogger(LoggerFactory.getLogger(Platform.class.getName() + ".tasks"));
      long nanos = period.toNanos();
      return scheduler.scheduleWithFixedDelay(
          () -> {
            try {
              action.run();
            } catch (VirtualMachineError e) {
              throw e;
            } catch (Throwable e) { // anything else would cancel the schedule silently
              failures.warn("Paved background task '" + task + "' failed; it runs again in " + period.toMillis() + " ms", e);
            }
          },
          nanos,
          nanos,
          java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    @Override
    public InFlight inFlight() {
      return inFlight;
    }

    @Override
    public String sdkVersion() {
      return SDK_VERSION;
    }

    @Override
    public <T> void register(Class<T> type, T component) {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(component, "component");
      if (components.putIfAbsent(type, type.cast(component)) != null) {
        throw new IllegalArgumentException("type: " + type.getName() + " (expected: published once)");
      }
    }

    @Override
    public <T> Optional<T> component(Class<T> type) {
      return Platform.this.component(type);
    }

    @Override
    public void info(String section, Supplier<?> supplier) {
      Objects.requireNonNull(section, "section");
      Objects.requireNonNull(supplier, "supplier");
      info.put(section, supplier);
    }
  }

  /** A service's identity and configuration, read without starting it; see {@link Builder#describe()}. */
  public record Description(ServiceDescriptor descriptor, PlatformConfig config) {}

  /** Builds and starts a {@link Platform}. Values set here override every file and variable. */
  public static final class Builder {
    private final Map<String, String> overrides = new LinkedHashMap<>();
    private final Map<String, String> overrideSources = new LinkedHashMap<>();
    private final Map<String, ConfigValue> hostDefaults = new LinkedHashMap<>();
    private final List<PlatformModule> modules = new ArrayList<>();
    private boolean discoverModules = true;
    private boolean readinessAwaitsService;
    private @Nullable ClassLoader classLoader;
    private @Nullable Map<String, String> environment;
    private @Nullable Map<String, String> systemProperties;

    private Builder() {}

    /** Sets {@code platform.service.name}. */
    public Builder serviceName(String name) {
      ServiceDescriptor.requireName("serviceName", name);
      return property(CoreSettings.SERVICE_NAME.name(), name);
    }

    /** Sets every {@code platform.service.*} key from a descriptor. */
    public Builder service(ServiceDescriptor d) {
      Objects.requireNonNull(d, "descriptor");
      property("platform.service.name", d.name());
      property("platform.service.version", d.version());
      property("platform.service.environment", d.environment());
      d.owner().ifPresent(o -> property("platform.service.owner", o));
      d.system().ifPresent(s -> property("platform.service.system", s));
      property("platform.service.tier", String.valueOf(d.tier()));
      property("platform.service.lifecycle", d.lifecycle().id());
      d.costCentre().ifPresent(c -> property("platform.service.cost-centre", c));
      d.links().forEach((k, v) -> property("platform.service.links." + k, v.toString()));
      for (ServiceDescriptor.Dependency dep : d.dependencies()) {
        property("platform.service.dependencies." + dep.name() + ".kind", dep.kind().id());
      }
      return this;
    }

    /** Sets any configuration key; it outranks every other layer. */
    public Builder property(String key, String value) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      if (key.isBlank()) {
        throw new IllegalArgumentException("key: '' (expected: non-blank)");
      }
      overrides.put(key, value);
      overrideSources.remove(key);
      return this;
    }

    /**
     * {@link #property(String, String)}, naming where the value comes from (shown as its {@code
     * source} in {@code /config} and in problems), for a host that hands its own configuration
     * to the platform: the Spring Boot integration gives {@code "spring: class path resource
     * [application.yaml] - 3:11"}.
     */
    public Builder property(String key, String value, String source) {
      property(key, value);
      overrideSources.put(key, Objects.requireNonNull(source, "source"));
      return this;
    }

    /** Sets {@code platform.admin.port}; 0 picks a free port. */
    public Builder adminPort(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("adminPort: " + port + " (expected: 0 to 65535)");
      }
      return property(CoreSettings.ADMIN_PORT.name(), String.valueOf(port));
    }

    /** Sets {@code platform.shutdown.hook}: whether a JVM shutdown hook runs graceful shutdown. */
    public Builder shutdownHook(boolean enabled) {
      return property(CoreSettings.SHUTDOWN_HOOK.name(), String.valueOf(enabled));
    }

    /**
     * Readiness stays DOWN (check {@code service}: "starting") until the service has started:
     * {@link #run} does it after its {@code ServiceStart}; a host that starts the service itself
     * (the Spring Boot integration, once the application is ready) calls {@link
     * Platform#serviceStarted()}.
     */
    public Builder readinessAwaitsService() {
      this.readinessAwaitsService = true;
      return this;
    }

    /**
     * A value below every file and variable — above only the built-in defaults — naming where it
     * comes from: for a host that knows a default the service's own configuration may override
     * (the Spring Boot integration's {@code spring.application.name} as the service's name, its
     * controllers' routes).
     */
    public Builder defaultProperty(String key, String value, String source) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      hostDefaults.put(key, new ConfigValue(key, value, Objects.requireNonNull(source, "source")));
      return this;
    }

    /** Sets {@code platform.shutdown.drain}. */
    public Builder drain(Duration drain) {
      if (drain.isNegative()) {
        throw new IllegalArgumentException("drain: " + drain + " (expected: >= 0)");
      }
      return property(CoreSettings.SHUTDOWN_DRAIN.name(), drain.toMillis() + "ms");
    }

    /**
     * Adds a module in code, besides those found with {@link ServiceLoader}; it replaces a
     * discovered module of the same name.
     */
    public Builder module(PlatformModule module) {
      modules.add(Objects.requireNonNull(module, "module"));
      return this;
    }

    /** Whether to find modules with {@link ServiceLoader} (default true). */
    public Builder discoverModules(boolean discover) {
      this.discoverModules = discover;
      return this;
    }

    /** Where {@code platform.yaml} and modules are looked up (default: the context class loader). */
    public Builder classLoader(ClassLoader classLoader) {
      this.classLoader = Objects.requireNonNull(classLoader, "classLoader");
      return this;
    }

    /** Replaces the process's environment variables (for tests). */
    public Builder environment(Map<String, String> environment) {
      this.environment = Map.copyOf(environment);
      return this;
    }

    /** Replaces the JVM's system properties (for tests). */
    public Builder systemProperties(Map<String, String> properties) {
      this.systemProperties = Map.copyOf(properties);
      return this;
    }

    /**
     * The service's identity and configuration, read and checked exactly as {@link #start()}
     * would (with every module's keys), without starting anything: for build-time tools that
     * generate artifacts from the descriptor, such as the catalog entity.
     *
     * @throws ConfigException listing every configuration problem
     */
    public Description describe() {
      Loaded l = load();
      return new Description(l.descriptor(), l.loaded().config());
    }

    private record Loaded(
        List<PlatformModule> ordered, List<ConfigKey<?>> keys, ConfigLoader.Inputs inputs, ConfigLoader.Result loaded, ServiceDescriptor descriptor) {}

    private static void prepare(List<PlatformModule> ordered) {
      new dev.paved.core.internal.DaemonThreadFactory("paved-prepare")
          .newThread(
              () -> {
                for (PlatformModule m : ordered) {
                  try {
                    m.prepare();
                  } catch (RuntimeException e) {
                    // Its start() meets the same failure and reports it.
                    LOG.debug("Paved module '{}': prepare failed ({}); its start does the work", m.name(), e.toString());
                  } catch (LinkageError e) {
                    // A class whose initialization failed is not initialized again: the module's
                    // start sees only "Could not initialize class …". The cause is here.
                    LOG.warn("Paved module '{}': a class failed to initialize while preparing; its start will fail with the same class", m.name(), e);
                  }
                }
              })
          .start();
    }

    private Loaded load() {
      return load(false);
    }

    /** With {@code prepare}, the modules' {@link PlatformModule#prepare} begin on a background thread once they are found. */
    private Loaded load(boolean prepare) {
      ClassLoader cl = classLoader;
      if (cl == null) {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        cl = context != null ? context : Platform.class.getClassLoader();
      }
      List<PlatformModule> all = new ArrayList<>(modules);
      if (discoverModules) {
        Set<String> given = new HashSet<>();
        for (PlatformModule m : modules) {
          given.add(m.name());
        }
        for (PlatformModule m : ServiceLoader.load(PlatformModule.class, cl)) {
          // A module given on the builder replaces the discovered one of the same name, so a
          // service can configure a module in code (for example the config module's bindings).
          if (!given.contains(m.name())) {
            all.add(m);
          }
        }
      }
      List<PlatformModule> ordered = ModuleOrder.sort(all);
      if (prepare) {
        prepare(ordered);
      }

      List<ConfigKey<?>> keys = new ArrayList<>(CoreSettings.keys());
      for (PlatformModule m : ordered) {
        keys.addAll(m.configKeys());
      }
      Map<String, String> env = environment != null ? environment : System.getenv();
      Map<String, String> props = systemProperties != null ? systemProperties : systemPropertiesSnapshot();
      ConfigLoader.Inputs inputs = new ConfigLoader.Inputs(env, props, Map.copyOf(overrides), cl, List.of(), Map.copyOf(overrideSources), Map.copyOf(hostDefaults));
      ConfigLoader.Result loaded = ConfigLoader.load(inputs, keys);
      List<ConfigProblem> problems = new ArrayList<>(loaded.problems());
      ServiceDescriptor descriptor = ServiceDescriptor.fromConfig(loaded.config(), problems);
      if (!problems.isEmpty() || descriptor == null) {
        // Every problem in one run: what the modules would refuse too.
        for (PlatformModule m : ordered) {
          try {
            problems.addAll(m.checkConfig(loaded.config()));
          } catch (RuntimeException | LinkageError e) {
            LOG.debug("Paved module '{}' could not check the configuration", m.name(), e);
          }
        }
        throw new ConfigException(problems);
      }
      return new Loaded(ordered, keys, inputs, loaded, descriptor);
    }

    /**
     * Reads the configuration, starts the admin server and every module, and returns the running
     * platform.
     *
     * @throws ConfigException listing every configuration problem
     * @throws PlatformStartException when a module or the admin server cannot start
     */
    private static AdminAccess adminAccess(ServiceDescriptor descriptor, PlatformConfig config) {
      java.util.Optional<ConfigValue> file = config.value(CoreSettings.ADMIN_TOKENS_FILE.name());
      java.util.Optional<String> path = config.find(CoreSettings.ADMIN_TOKENS_FILE).map(String::strip).filter(p -> !p.isEmpty());
      return AdminAccess.of(
              descriptor.environment(),
              config.find(CoreSettings.ADMIN_OPEN_ENDPOINTS).orElse(List.of()),
              path.map(java.nio.file.Path::of).orElse(null),
              file.map(ConfigValue::source).orElse("not set"),
              config.find(CoreSettings.ADMIN_IDENTITY_HEADER).orElse(null),
              config.find(CoreSettings.ADMIN_VIEWERS).orElse(List.of()),
              config.find(CoreSettings.ADMIN_OPERATORS).orElse(List.of()));
    }

    public Platform start() {
      long begin = System.nanoTime();
      Loaded l = load(true);
      List<PlatformModule> ordered = l.ordered();
      List<ConfigKey<?>> keys = l.keys();
      ConfigLoader.Inputs inputs = l.inputs();
      ConfigLoader.Result loaded = l.loaded();
      ServiceDescriptor descriptor = l.descriptor();
      PlatformConfig config = loaded.config();

      // Who may read what on the admin port: a tokens file that cannot be read fails start-up here.
      AdminAccess access = config.get(CoreSettings.ADMIN_ENABLED) ? adminAccess(descriptor, config) : AdminAccess.open();
      HealthRegistry health = new HealthRegistry(config.get(CoreSettings.HEALTH_TIMEOUT), config.get(CoreSettings.HEALTH_THREADS));
      AdminServer admin;
      if (config.get(CoreSettings.ADMIN_ENABLED)) {
        ConfigValue port = config.value(CoreSettings.ADMIN_PORT.name()).orElseThrow();
        try {
          admin =
              AdminServer.start(
                  config.get(CoreSettings.ADMIN_BIND_ADDRESS),
                  config.get(CoreSettings.ADMIN_PORT),
                  config.get(CoreSettings.ADMIN_THREADS),
                  config.get(CoreSettings.ADMIN_QUEUE),
                  access);
        } catch (BindException e) {
          health.close();
          throw new ConfigException(
              List.of(
                  new ConfigProblem(
                      port.key(),
                      port.source(),
                      "cannot listen on " + config.get(CoreSettings.ADMIN_BIND_ADDRESS) + ":" + port.value() + " (" + e.getMessage() + ")",
                      "choose a free port with PLATFORM_ADMIN_PORT, or 0 for any free port")));
        } catch (IOException | RuntimeException e) {
          health.close();
          throw new PlatformStartException("The admin server could not start on port " + port.value(), e);
        }
      } else {
        admin = AdminServer.disabled();
      }

      Platform platform = new Platform(descriptor, loaded, inputs, keys, health, admin);
      platform.registerCoreEndpoints();
      Context context = platform.new Context();
      // Retired secret values leave once their grace is over, also when nothing registers again.
      context.every("redaction-purge", Duration.ofMinutes(1), Redaction::purgeExpired);
      // What operators set through the admin port's actions ends by itself.
      context.every("admin-actions-expiry", Duration.ofSeconds(1), admin::expireTemporaries);
      for (PlatformModule m : ordered) {
        long moduleStart = System.nanoTime();
        try {
          m.start(context);
        } catch (Exception | LinkageError e) {
          if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
          }
          LOG.error("Paved module '{}' failed to start; stopping the modules already started", m.name());
          platform.closed = true;
          platform.stopScheduler();
          platform.stopModules();
          admin.stop();
          health.close();
          platform.redaction.close();
          if (e instanceof ConfigException ce) {
            throw ce;
          }
          throw new PlatformStartException("Paved module '" + m.name() + "' failed to start: " + e, e);
        }
        synchronized (platform.started) {
          platform.started.add(m);
        }
        LOG.debug("Paved module '{}' started in {} ms", m.name(), millisSince(moduleStart));
      }
      if (readinessAwaitsService) {
        health.awaitService();
      }
      health.markReady();
      if (config.get(CoreSettings.SHUTDOWN_HOOK)) {
        Thread hook = new Thread(platform::close, "paved-shutdown");
        platform.shutdownHook = hook;
        Runtime.getRuntime().addShutdownHook(hook);
      }
      LOG.atInfo()
          .addKeyValue("event.kind", "started")
          .addKeyValue("paved.admin.port", admin.port())
          .log(
              "Paved {} started {} {} in environment {} in {} ms (admin port {}, modules {}, config version {} hash {})",
              SDK_VERSION,
              descriptor.name(),
              descriptor.version(),
              descriptor.environment(),
              millisSince(begin),
              admin.port(),
              platform.modules(),
              platform.config.version(),
              platform.config.hash());
      return platform;
    }

    private static Map<String, String> systemPropertiesSnapshot() {
      Map<String, String> out = new HashMap<>();
      Properties p = System.getProperties();
      for (String name : p.stringPropertyNames()) {
        String v = p.getProperty(name);
        if (v != null) {
          out.put(name, v);
        }
      }
      return out;
    }
  }
}
