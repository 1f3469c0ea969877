package dev.paved.config;

import dev.paved.core.AdminResponse;
import dev.paved.core.ConfigKey;
import dev.paved.core.HealthKind;
import dev.paved.core.HealthResult;
import dev.paved.core.PlatformConfig;
import dev.paved.core.spi.ModuleContext;
import dev.paved.core.spi.PlatformModule;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The config module: publishes {@link Configuration}, validates the sections declared here before
 * the platform reports ready, serves {@code GET /config} and {@code GET /config/history}, and
 * watches the configuration for changes. Found with {@link ServiceLoader}; a service that declares
 * sections adds {@code ConfigModule.builder().bind("checkout", CheckoutConfig.class).build()} on
 * the platform builder, which replaces the discovered one.
 */
public final class ConfigModule implements PlatformModule {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigModule.class);

  private final Map<String, Class<?>> sections;
  private final List<ConfigSource> sources;
  private @Nullable Configuration configuration;
  private @Nullable FileWatcher watcher;
  private @Nullable Binder binder;
  private enum PrepareState { IDLE, PREPARING, READY, TAKEN }

  private static final java.time.Duration PREPARE_WAIT = java.time.Duration.ofSeconds(30);
  private final Object prepareLock = new Object();
  private PrepareState prepareState = PrepareState.IDLE;
  private @Nullable Binder preparedBinder;

  /** The module with no declared sections, as {@link ServiceLoader} makes it. */
  public ConfigModule() {
    this(Map.of(), List.of());
  }

  private ConfigModule(Map<String, Class<?>> sections, List<ConfigSource> sources) {
    this.sections = sections;
    this.sources = sources;
  }

  /** A module with sections validated at start-up and remote sources. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return "config";
  }

  @Override
  public Set<String> startsAfter() {
    return Set.of("observability");
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return ConfigSettings.keys();
  }

  /** The declared sections' binding and validation problems, as {@link #start} would find them. */
  @Override
  public List<dev.paved.core.ConfigProblem> checkConfig(PlatformConfig config) {
    if (sections.isEmpty()) {
      return List.of();
    }
    List<dev.paved.core.ConfigProblem> problems = new ArrayList<>();
    try (Binder b = new Binder()) {
      sections.forEach((section, type) -> problems.addAll(b.bind(config, section, type).problems()));
    }
    return problems;
  }

  /** Builds the binder (Jackson and Hibernate Validator's bootstrap, ~0.3 s) while the modules before this one start. */
  @Override
  public void prepare() {
    synchronized (prepareLock) {
      if (prepareState != PrepareState.IDLE) {
        return;
      }
      prepareState = PrepareState.PREPARING;
    }
    Binder b = null;
    try {
      b = new Binder();
    } finally {
      synchronized (prepareLock) {
        preparedBinder = b; // null when it failed: start builds it again and reports the failure
        prepareState = PrepareState.READY;
        prepareLock.notifyAll();
      }
    }
  }

  /** The binder {@link #prepare} built (waiting while it is being built), else a new one. */
  private Binder takeBinder() {
    synchronized (prepareLock) {
      boolean interrupted = false;
      // Bounded: a prepare stuck (in a library's static set-up, say) never holds start-up up.
      long deadline = System.nanoTime() + PREPARE_WAIT.toNanos();
      while (prepareState == PrepareState.PREPARING && System.nanoTime() < deadline) {
        try {
          prepareLock.wait(Math.max(1, java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      Binder b = preparedBinder;
      preparedBinder = null;
      prepareState = PrepareState.TAKEN; // a prepare that comes late builds nothing
      if (b != null) {
        return b;
      }
    }
    return new Binder();
  }

  @Override
  public void start(ModuleContext context) {
    PlatformConfig config = context.config();
    List<ConfigSource> all = new ArrayList<>(sources);
    for (ConfigSource s : ServiceLoader.load(ConfigSource.class, ConfigModule.class.getClassLoader())) {
      all.add(s);
    }
    MeterRegistry registry = context.component(MeterRegistry.class).orElse(null);
    ConfigTelemetry telemetry = new ConfigTelemetry(registry);
    Binder b = takeBinder();
    this.binder = b;
    Configuration c =
        new Configuration(context, b, all, telemetry, Clock.systemUTC(), config.get(ConfigSettings.HISTORY_SIZE));
    c.start(config.get(ConfigSettings.SOURCES_REQUIRED));
    // Every declared section is validated now, all problems together, before the platform is ready.
    c.bindAll(sections);
    c.started();
    this.configuration = c;
    context.register(Configuration.class, c);
    context.info(
        "configuration",
        () -> {
          ConfigSnapshot s = c.snapshot();
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("version", s.version());
          m.put("hash", s.hash());
          m.put("appliedAt", s.appliedAt().toString());
          return m;
        });
    context.health().register(
        "config",
        HealthKind.READINESS,
        () -> {
          ConfigSnapshot s = c.snapshot();
          // A rejected change never takes readiness down: the last good configuration is serving.
          HealthResult r = HealthResult.up().withDetail("version", s.version()).withDetail("hash", s.hash());
          var rejected = c.lastRejected();
          if (rejected.isPresent()) {
            ConfigChange change = rejected.get();
            r =
                r.withDetail(
                    "lastRejected",
                    Map.of(
                        "time", change.time().toString(),
                        "trigger", change.trigger(),
                        "problems", change.problems().stream().map(Object::toString).toList()));
          }
          return r;
        });
    if (config.get(ConfigSettings.ENDPOINTS_ENABLED)) {
      context.admin().addEndpoint("/config", request -> AdminResponse.json(200, c.toMap()));
      context.admin().addEndpoint(
          "/config/history",
          request -> AdminResponse.json(200, Map.of("changes", c.history().stream().map(ConfigChange::toMap).toList())));
    }
    context.admin().addAction(
        "config-reload",
        "Read every configuration source again now and apply the result if it is valid (as a file change would)",
        List.of(),
        request -> {
          long before = c.snapshot().version();
          ConfigChange change = c.reload("admin");
          String after =
              switch (change.outcome()) {
                case APPLIED -> "version " + change.version() + " (" + change.changes().size() + " keys changed)";
                case UNCHANGED -> "version " + change.version() + " (nothing changed)";
                case REJECTED -> "version " + change.version() + " kept; rejected: " + change.problems().stream().map(Object::toString).toList();
              };
          return new dev.paved.core.AdminActionResult("configuration", "version " + before, after, null);
        });
    if (config.get(ConfigSettings.RELOAD_ENABLED)) {
      FileWatcher w =
          new FileWatcher(
              context.configFiles(),
              config.get(ConfigSettings.RELOAD_POLL_INTERVAL),
              config.get(ConfigSettings.RELOAD_SETTLE),
              config.get(ConfigSettings.RELOAD_WATCH),
              !all.isEmpty(),
              c::reload);
      for (ConfigSource s : all) {
        s.watch(() -> w.wake("source " + s.name()));
      }
      this.watcher = w;
      LOG.debug("Watching configuration files {} and {} sources", context.configFiles(), all.size());
    }
  }

  @Override
  public void stop() {
    FileWatcher w = watcher;
    if (w != null) {
      w.close();
    }
    Configuration c = configuration;
    if (c != null) {
      c.closeSources();
    }
    Binder b = binder;
    if (b != null) {
      b.close();
    }
    synchronized (prepareLock) {
      Binder unused = preparedBinder; // prepared, never taken (a stop without a start)
      if (unused != null) {
        unused.close();
      }
      preparedBinder = null;
      prepareState = PrepareState.IDLE;
    }
  }

  /** Declares sections and sources. */
  public static final class Builder {
    private final Map<String, Class<?>> sections = new LinkedHashMap<>();
    private final List<ConfigSource> sources = new ArrayList<>();

    private Builder() {}

    /** Binds and validates {@code section} at start-up; look it up later with {@link Configuration#bind}. */
    public Builder bind(String section, Class<?> type) {
      sections.put(Objects.requireNonNull(section, "section"), Objects.requireNonNull(type, "type"));
      return this;
    }

    /** Adds a remote source, besides those found with {@link ServiceLoader}. */
    public Builder source(ConfigSource source) {
      sources.add(Objects.requireNonNull(source, "source"));
      return this;
    }

    public ConfigModule build() {
      return new ConfigModule(Map.copyOf(new LinkedHashMap<>(sections)), List.copyOf(sources));
    }
  }
}
