package dev.paved.config.flags;

import dev.openfeature.sdk.OpenFeatureAPI;
import dev.paved.core.ConfigException;
import dev.paved.core.ConfigKey;
import dev.paved.core.ConfigProblem;
import dev.paved.core.HealthKind;
import dev.paved.core.PlatformConfig;
import dev.paved.core.Redaction;
import dev.paved.core.ServiceDescriptor;
import dev.paved.core.spi.ModuleContext;
import dev.paved.core.spi.PlatformModule;
import io.getunleash.DefaultUnleash;
import io.getunleash.Unleash;
import io.getunleash.util.UnleashConfig;
import io.getunleash.util.UnleashScheduledExecutorImpl;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The flags module: Paved's OpenFeature provider over Unleash when a URL is configured, else over
 * a local flags file (refused in production unless allowed), registered on an isolated OpenFeature
 * API with the telemetry hook; publishes {@link Flags}. Start-up never blocks on Unleash unless a
 * first-fetch timeout is configured.
 */
public final class FlagsModule implements PlatformModule {
  private static final Logger LOG = LoggerFactory.getLogger(FlagsModule.class);

  private @Nullable OpenFeatureAPI api;
  private @Nullable UnleashProvider provider;
  private java.util.concurrent.@Nullable Future<?> fileWatcher;
  private @Nullable Path clientBackup;
  private @Nullable String localText;
  private volatile boolean closed;

  @Override
  public String name() {
    return "flags";
  }

  @Override
  public Set<String> startsAfter() {
    return Set.of("config", "observability", "secrets");
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return FlagsSettings.keys();
  }

  /**
   * Initializes the Unleash client's WebAssembly engine (its static set-up loads and instantiates
   * the compiled module, the larger part of this module's start) while the modules before this one
   * start. The JVM runs a class's initialization once: a start that comes first waits for it.
   */
  @Override
  public void prepare() {
    try {
      Class.forName("io.getunleash.engine.WasmInterface", true, FlagsModule.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      // Another engine version: start() initializes what it has.
    }
  }

  @Override
  public void start(ModuleContext context) throws Exception {
    PlatformConfig config = context.config();
    ServiceDescriptor d = context.descriptor();
    Optional<String> url =
        config.find(FlagsSettings.UNLEASH_URL).or(() -> config.environmentVariable("UNLEASH_URL")).map(String::strip).filter(u -> !u.isEmpty());
    FlagState state;
    Unleash unleash;
    if (url.isPresent()) {
      Path backupDir =
          config.find(FlagsSettings.BACKUP_DIR).map(Path::of).orElse(Path.of(System.getProperty("java.io.tmpdir"), "paved-flags"));
      Path backup = backupDir.resolve(d.name() + "-unleash-flags.json");
      state = new FlagState(Clock.systemUTC(), backup, config.get(FlagsSettings.READY_REQUIRES_FRESH), "unleash");
      String bootstrapName = config.get(FlagsSettings.BOOTSTRAP);
      Optional<String> initial = state.initialState(read(bootstrapName), bootstrapName);
      String token = dev.paved.core.internal.Credentials.fromFileOrEnvironment(config, context.redaction(), FlagsSettings.TOKEN_FILE, "UNLEASH_API_TOKEN");
      // The client's own backup is written in place (not atomically); Paved keeps its own and
      // points the client at an empty temporary file so that it starts from Paved's choice.
      Path internal = absentFile();
      this.clientBackup = internal;
      UnleashConfig.Builder b =
          UnleashConfig.builder()
              .appName(d.name())
              .instanceId(instanceId(d.name() + "-" + ProcessHandle.current().pid()))
              .environment(d.environment())
              .unleashAPI(url.get())
              .fetchTogglesInterval(Math.max(1, config.get(FlagsSettings.REFRESH_INTERVAL).toSeconds()))
              .fetchTogglesConnectTimeout(config.get(FlagsSettings.CONNECT_TIMEOUT))
              .fetchTogglesReadTimeout(config.get(FlagsSettings.READ_TIMEOUT))
              .backupFile(internal.toString())
              .toggleBootstrapProvider(() -> initial)
              .scheduledExecutor(new UnleashScheduledExecutorImpl())
              .subscriber(state)
              .synchronousFetchOnInitialisation(false);
      if (token != null) {
        b.apiKey(token);
      }
      if (!config.get(FlagsSettings.SEND_METRICS)) {
        b.disableMetrics();
      }
      unleash = new DefaultUnleash(b.build());
      Duration wait = config.get(FlagsSettings.STARTUP_FETCH_TIMEOUT);
      long deadline = System.nanoTime() + wait.toNanos();
      while (!state.fetched() && System.nanoTime() < deadline) {
        Thread.sleep(25);
      }
      LOG.info("Flags from Unleash at {} (starting from {})", url.get(), state.source());
    } else {
      if (d.isProduction() && !config.get(FlagsSettings.FILE_IN_PRODUCTION)) {
        throw new ConfigException(
            List.of(
                new ConfigProblem(
                    FlagsSettings.UNLEASH_URL.name(),
                    "not set",
                    "no Unleash URL in the production environment; local flags are refused there",
                    "set platform.flags.unleash.url (or UNLEASH_URL), or allow local flags with platform.flags.file.allow-in-production=true")));
      }
      Optional<String> file = config.find(FlagsSettings.FILE);
      state = new FlagState(Clock.systemUTC(), null, false, file.map(f -> "file " + f).orElse("defaults in code"));
      // Read once: the same text makes the first client and is what the watcher compares with.
      localText = file.map(FlagsModule::read).orElse(null);
      String json = file.map(f -> local(f, localText)).orElse("{\"version\":2,\"features\":[]}");
      unleash = offline(d, json);
      LOG.info("Flags from {} (no Unleash URL)", state.source());
    }

    UnleashProvider p = new UnleashProvider(unleash);
    this.provider = p;
    OpenFeatureAPI isolated = OpenFeatureAPI.createIsolated();
    isolated.setProviderAndWait(p);
    isolated.setTransactionContextPropagator(new BaggageContextPropagator());
    FlagTelemetryHook hook =
        new FlagTelemetryHook(context.component(MeterRegistry.class).orElse(null), config.get(FlagsSettings.RECORD_VALUE), config.get(FlagsSettings.MAX_SERIES));
    isolated.addHooks(hook);
    this.api = isolated;
    if (config.get(FlagsSettings.REGISTER_GLOBAL)) {
      OpenFeatureAPI.getInstance().setProvider(p);
    }
    context.register(Flags.class, new Flags(isolated, isolated.getClient(d.name()), p, d));
    context.health().register("flags", HealthKind.READINESS, state::health);
    FlagState s = state;
    context.info(
        "flags",
        () -> {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("provider", UnleashProvider.NAME);
          m.put("source", s.source());
          m.put("flags", p.unleash().more().getFeatureToggleNames().size());
          return m;
        });
    FlagsConsole.register(context.admin(), p, s, hook);
    if (url.isEmpty()) {
      config.find(FlagsSettings.FILE).filter(f -> !f.startsWith("classpath:")).ifPresent(f -> watch(context, Path.of(f), d, p, s, config.get(FlagsSettings.FILE_POLL)));
    }
  }

  /**
   * A path in the temporary directory where no file is: the Unleash client reads its own backup
   * before the bootstrap, and must find none so that Paved's choice of starting state counts.
   */
  static Path absentFile() {
    try {
      Path p = Files.createTempFile("paved-unleash-client", ".json");
      Files.delete(p);
      return p;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Unleash clients made in this JVM: the client counts them per app name and instance id. */
  private static final java.util.concurrent.atomic.AtomicInteger CLIENTS = new java.util.concurrent.atomic.AtomicInteger();

  /**
   * {@code base} for the first client of this JVM, then {@code base-2}, {@code base-3}: the Unleash
   * client logs an ERROR ("You already have 1 clients for AppName…") for a second client with the
   * same app name and instance id, which a second platform in one JVM (each test class) made.
   */
  static String instanceId(String base) {
    int n = CLIENTS.incrementAndGet();
    return n == 1 ? base : base + "-" + n;
  }

  /** A client that evaluates {@code json} (Unleash's format) and never calls a server. */
  static Unleash offline(ServiceDescriptor d, String json) {
    UnleashConfig c =
        UnleashConfig.builder()
            .appName(d.name())
            .instanceId(instanceId(d.name() + "-local"))
            .environment(d.environment())
            .unleashAPI("http://127.0.0.1:1/api") // never called: polling and metrics are off
            .disablePolling()
            .disableMetrics()
            // Its own executor: the client's default is a process-wide singleton that shutting
            // down one client (the previous version of the file) would stop for all.
            .scheduledExecutor(new UnleashScheduledExecutorImpl())
            .backupFile(absentFile().toString())
            .toggleBootstrapProvider(() -> Optional.of(json))
            .build();
    return new DefaultUnleash(c);
  }

  /** The local file in Unleash JSON; a bad file fails start-up with the reason. */
  private static String local(String file, @Nullable String text) {
    if (text == null) {
      throw new ConfigException(
          List.of(new ConfigProblem(FlagsSettings.FILE.name(), file, "the flags file cannot be read", "check the path (or classpath:name)")));
    }
    try {
      return LocalFlags.toUnleashJson(text, file.endsWith(".json"));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          List.of(new ConfigProblem(FlagsSettings.FILE.name(), file, "invalid flags file: " + e.getMessage(), "see docs/flags.md for the format")));
    }
  }

  /**
   * Polls the local file and swaps in a new client for each valid version, once two polls in a row
   * read it the same; an invalid one is reported and skipped.
   */
  private void watch(ModuleContext context, Path file, ServiceDescriptor d, UnleashProvider p, FlagState state, Duration interval) {
    // [0]: the text applied; [1]: a changed text seen once. A change is applied when two polls in
    // a row read the same text, so a file caught mid-write (empty, or half of it) is never applied.
    String[] seen = {localText, null};
    this.fileWatcher =
        context.every(
            "flags-file",
            interval,
            () -> {
              String now = read(file.toString());
              if (closed || now == null || now.equals(seen[0])) {
                seen[1] = null;
                return;
              }
              if (!now.equals(seen[1])) {
                seen[1] = now;
                return;
              }
              seen[0] = now;
              seen[1] = null;
              try {
                Unleash next = offline(d, LocalFlags.toUnleashJson(now, file.toString().endsWith(".json")));
                p.swap(next).shutdown();
                state.problem(null);
                LOG.info("Flags reloaded from {}", file);
              } catch (IllegalArgumentException e) {
                state.problem("invalid flags file " + file + ": " + e.getMessage());
                LOG.warn("The flags file {} is invalid ({}); the previous flags stay", file, e.getMessage());
              } catch (RuntimeException e) {
                state.problem("flags file " + file + " not applied: " + e.getClass().getSimpleName());
                LOG.error("The flags file {} could not be applied; the previous flags stay", file, e);
              }
            });
  }

  private static @Nullable String read(String location) {
    try {
      if (location.startsWith("classpath:")) {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        if (cl == null) {
          cl = FlagsModule.class.getClassLoader();
        }
        try (InputStream in = cl.getResourceAsStream(location.substring("classpath:".length()))) {
          return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
      }
      Path p = Path.of(location);
      return Files.isRegularFile(p) ? Files.readString(p, StandardCharsets.UTF_8) : null;
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public void stop() throws IOException {
    closed = true;
    java.util.concurrent.Future<?> t = fileWatcher;
    if (t != null) {
      t.cancel(false);
    }
    OpenFeatureAPI a = api;
    if (a != null) {
      a.shutdown(); // shuts the provider, and with it the Unleash client, down
    }
    Path internal = clientBackup;
    if (internal != null) {
      Files.deleteIfExists(internal);
    }
  }
}
