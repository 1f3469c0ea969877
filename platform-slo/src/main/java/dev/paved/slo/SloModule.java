package dev.paved.slo;

import dev.paved.core.AdminResponse;
import dev.paved.core.ConfigKey;
import dev.paved.observability.Observability;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import dev.paved.core.spi.ModuleContext;
import dev.paved.core.spi.PlatformModule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The SLO module: reads the SLOs declared under {@code platform.slo.objectives}, fails start-up on
 * a bad declaration (naming the SLO and the fix), lists them on {@code /info}, and tracks each one's
 * budget in process from the service's HTTP server requests: {@code GET /slo}, {@code
 * paved.slo.error_budget.remaining{slo}} and {@code paved.slo.burn_rate{slo,window}}.
 */
public final class SloModule implements PlatformModule {
  @Override
  public String name() {
    return "slo";
  }

  @Override
  public Set<String> dependsOn() {
    return Set.of("observability");
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return SloSettings.keys();
  }

  private final java.time.Clock clock;
  private java.util.concurrent.@org.jspecify.annotations.Nullable Future<?> ticker;

  public SloModule() {
    this(java.time.Clock.systemUTC());
  }

  /** For tests: a controllable clock. */
  SloModule(java.time.Clock clock) {
    this.clock = clock;
  }

  @Override
  public void start(ModuleContext context) {
    List<Slo> slos = Slo.fromConfig(context.config());
    List<SloTracker> trackers = new java.util.ArrayList<>();
    Observability obs = context.component(Observability.class).orElseThrow();
    // Each latency threshold becomes a bucket boundary, so Prometheus measures it exactly too.
    dev.paved.observability.internal.ObservabilityHooks.alignServerDurationBuckets(obs, Slo.thresholds(slos));
    for (Slo s : slos) {
      SloTracker t;
      switch (s.kind()) {
        case AVAILABILITY, LATENCY -> {
          t = new SloTracker(s, clock);
          dev.paved.observability.internal.ObservabilityHooks.addServerRequestListener(obs, t);
        }
        case MESSAGING -> {
          t = new SloTracker(s, clock);
          dev.paved.observability.internal.ObservabilityHooks.addMessageProcessListener(obs, t);
        }
        case FRESHNESS -> {
          String job = java.util.Objects.requireNonNull(s.job());
          obs.jobs().track(job);
          t = new SloTracker(s, clock, () -> obs.jobs().lastSuccessMillis(job));
        }
        default -> throw new IllegalStateException(s.kind().toString());
      }
      trackers.add(t);
      MeterRegistry registry = obs.meterRegistry();
      Gauge.builder("paved.slo.error_budget.remaining", t, SloTracker::budgetRemaining)
          .description("Share of the SLO window's error budget left (1 whole, 0 spent), from this instance's events")
          .tag("slo", s.name())
          .register(registry);
      for (java.time.Duration w : SloTracker.WINDOWS) {
        Gauge.builder("paved.slo.burn_rate", t, x -> x.burnRate(w))
            .description("How fast the error budget burns over the window (1 spends it exactly over the SLO window)")
            .tags("slo", s.name(), "window", SloTracker.label(w))
            .register(registry);
      }
    }
    publish(context, slos, obs.meterRegistry());
    if (!trackers.isEmpty()) {
      this.ticker = context.every("slo", java.time.Duration.ofSeconds(1), () -> trackers.forEach(SloTracker::tick));
    }
    context.admin().addEndpoint(
        "/slo",
        request -> {
          Map<String, Object> body = new LinkedHashMap<>();
          int points = request.queryParameter("points").map(SloModule::points).orElse(0);
          for (SloTracker t : trackers) {
            Map<String, Object> one = t.toMap();
            if (points > 0) {
              one.put("series", t.series(points));
            }
            body.put(t.slo().name(), one);
          }
          return AdminResponse.json(200, body);
        });
    context.info(
        "slo",
        () -> {
          Map<String, Object> m = new LinkedHashMap<>();
          for (Slo s : slos) {
            Map<String, Object> one = s.declaration();
            if (s.threshold() != null) {
              one.put(s.kind() == Slo.Kind.FRESHNESS ? "maxAge" : "threshold", String.valueOf(s.threshold()));
            }
            m.put(s.name(), one);
          }
          return m;
        });
  }

  private @org.jspecify.annotations.Nullable RulesPublisher publisher;

  /** Publishes the rules in the background when a rules directory is configured; never blocks start-up. */
  private void publish(ModuleContext context, List<Slo> slos, MeterRegistry registry) {
    java.util.Optional<String> dir = context.config().find(SloSettings.RULES_DIRECTORY);
    if (dir.isEmpty() || slos.isEmpty()) {
      if (context.config().find(SloSettings.RELOAD_URL).isPresent()) {
        org.slf4j.LoggerFactory.getLogger(SloModule.class).warn("platform.slo.publish.reload-url is set without platform.slo.publish.rules-directory; nothing is published");
      }
      return;
    }
    RulesPublisher p =
        new RulesPublisher(
            dev.paved.slo.internal.PrometheusRules.rulesFile(context.descriptor(), slos),
            java.nio.file.Path.of(dir.get()),
            context.descriptor().name(),
            context.config().find(SloSettings.RELOAD_URL).orElse(null),
            context.config().get(SloSettings.PUBLISH_TIMEOUT));
    io.micrometer.core.instrument.FunctionCounter.builder("paved.slo.rules.publish", p.successes, java.util.concurrent.atomic.AtomicLong::get)
        .description("Attempts to publish the SLO rules (write the file, reload Prometheus), by outcome; failures are retried with backoff")
        .tag("outcome", "success")
        .register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder("paved.slo.rules.publish", p.failures, java.util.concurrent.atomic.AtomicLong::get)
        .description("Attempts to publish the SLO rules (write the file, reload Prometheus), by outcome; failures are retried with backoff")
        .tag("outcome", "failure")
        .register(registry);
    this.publisher = p;
    Thread thread = new dev.paved.core.internal.DaemonThreadFactory("paved-slo-publish").newThread(p);
    this.publishThread = thread;
    thread.start();
  }

  private @org.jspecify.annotations.Nullable Thread publishThread;

  @Override
  public void stop() {
    RulesPublisher p = publisher;
    if (p != null) {
      p.close();
    }
    Thread pt = publishThread;
    if (pt != null) {
      pt.interrupt();
    }
    java.util.concurrent.Future<?> t = ticker;
    if (t != null) {
      t.cancel(false);
    }
  }

  /** {@code ?points=N}: 1 to 1440 minutes of burn-rate history per window (60 when not a number). */
  private static int points(String text) {
    try {
      return Math.max(1, Math.min(1440, Integer.parseInt(text.strip())));
    } catch (NumberFormatException e) {
      return 60;
    }
  }
}
