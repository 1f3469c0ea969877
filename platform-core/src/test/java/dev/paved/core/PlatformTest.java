package dev.paved.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paved.core.spi.ModuleContext;
import dev.paved.core.spi.PlatformModule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(30)
class PlatformTest {
  @RegisterExtension final LogCapture logs = new LogCapture();

  private final List<String> events = Collections.synchronizedList(new ArrayList<>());

  private PlatformModule module(String name, Set<String> dependsOn) {
    return new PlatformModule() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Set<String> dependsOn() {
        return dependsOn;
      }

      @Override
      public void start(ModuleContext context) {
        events.add("start " + name);
      }

      @Override
      public void stop() {
        events.add("stop " + name);
      }
    };
  }

  @Test
  void startsModulesInDependencyOrderAndStopsThemInReverse() {
    Platform p =
        TestPlatforms.isolated()
            .module(module("slo", Set.of("observability")))
            .module(module("resilience", Set.of("observability", "config")))
            .module(module("observability", Set.of()))
            .module(module("config", Set.of()))
            .start();
    assertThat(p.modules()).containsExactly("config", "observability", "resilience", "slo");
    p.close();
    assertThat(events)
        .containsExactly(
            "start config", "start observability", "start resilience", "start slo",
            "stop slo", "stop resilience", "stop observability", "stop config");
  }

  @Test
  void closeIsIdempotent() {
    Platform p = TestPlatforms.isolated().module(module("a", Set.of())).start();
    p.close();
    p.close();
    assertThat(events).containsExactly("start a", "stop a");
    assertThat(p.isClosed()).isTrue();
  }

  @Test
  void concurrentCloseRunsShutdownOnce() throws Exception {
    Platform p = TestPlatforms.isolated().module(module("a", Set.of())).start();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        futures.add(pool.submit(p::close));
      }
      for (Future<?> f : futures) {
        f.get(10, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(events).containsExactly("start a", "stop a");
  }

  @Test
  void missingModuleDependencyFailsStartNamingTheModule() {
    assertThatThrownBy(() -> TestPlatforms.isolated().module(module("slo", Set.of("observability"))).start())
        .isInstanceOf(PlatformStartException.class)
        .hasMessageContaining("'slo' needs module 'observability'")
        .hasMessageContaining("platform-observability");
  }

  @Test
  void dependencyCycleFailsStart() {
    assertThatThrownBy(
            () -> TestPlatforms.isolated().module(module("a", Set.of("b"))).module(module("b", Set.of("a"))).start())
        .isInstanceOf(PlatformStartException.class)
        .hasMessageContaining("cycle");
  }

  @Test
  void duplicateModuleNamesFailStart() {
    assertThatThrownBy(() -> TestPlatforms.isolated().module(module("a", Set.of())).module(module("a", Set.of())).start())
        .isInstanceOf(PlatformStartException.class)
        .hasMessageContaining("Two Paved modules are named 'a'");
  }

  /**
   * prepare() runs on the platform's background thread while the modules before it start, so
   * start-up overlaps them (issue #22); a prepare that throws does not fail start-up — the module's
   * start does the work and reports its own failure — nor stop the prepares after it (the failing
   * module sorts before b-second).
   */
  @Test
  void modulesPrepareOnABackgroundThreadWhileEarlierModulesStartAndAFailedPrepareIsIgnored() throws Exception {
    CountDownLatch firstStarting = new CountDownLatch(1);
    CountDownLatch prepared = new CountDownLatch(1);
    List<String> prepareThreads = Collections.synchronizedList(new ArrayList<>());
    PlatformModule slowFirst =
        new PlatformModule() {
          @Override
          public String name() {
            return "a-first";
          }

          @Override
          public void start(ModuleContext context) throws InterruptedException {
            firstStarting.countDown();
            // The second module's prepare completes while this one is still starting.
            assertThat(prepared.await(10, TimeUnit.SECONDS)).isTrue();
          }
        };
    PlatformModule second =
        new PlatformModule() {
          @Override
          public String name() {
            return "b-second";
          }

          @Override
          public Set<String> dependsOn() {
            return Set.of("a-first");
          }

          @Override
          public void prepare() {
            prepareThreads.add(Thread.currentThread().getName());
            prepared.countDown();
          }

          @Override
          public void start(ModuleContext context) {
            events.add("start b-second");
          }
        };
    PlatformModule failingPrepare =
        new PlatformModule() {
          @Override
          public String name() {
            return "a0-failing-prepare";
          }

          @Override
          public void prepare() {
            throw new IllegalStateException("engine not there");
          }

          @Override
          public void start(ModuleContext context) {
            events.add("start a0-failing-prepare");
          }
        };
    try (Platform p = TestPlatforms.isolated().module(slowFirst).module(second).module(failingPrepare).start()) {
      assertThat(firstStarting.getCount()).isZero();
      assertThat(prepareThreads).singleElement().asString().startsWith("paved-prepare");
      assertThat(events).contains("start b-second", "start a0-failing-prepare");
    }
  }

  @Test
  void moduleThatFailsToStartStopsThoseAlreadyStarted() {
    PlatformModule broken =
        new PlatformModule() {
          @Override
          public String name() {
            return "zz-broken";
          }

          @Override
          public void start(ModuleContext context) {
            throw new IllegalStateException("boom");
          }
        };
    assertThatThrownBy(() -> TestPlatforms.isolated().module(module("a", Set.of())).module(broken).start())
        .isInstanceOf(PlatformStartException.class)
        .hasMessageContaining("'zz-broken' failed to start")
        .hasRootCauseMessage("boom");
    assertThat(events).containsExactly("start a", "stop a");
  }

  @Test
  void moduleThrowingOnStopDoesNotPreventOthersFromStopping() {
    PlatformModule failing =
        new PlatformModule() {
          @Override
          public String name() {
            return "b";
          }

          @Override
          public void start(ModuleContext context) {}

          @Override
          public void stop() {
            throw new IllegalStateException("cannot flush");
          }
        };
    Platform p = TestPlatforms.isolated().module(module("a", Set.of())).module(failing).start();
    p.close();
    assertThat(events).containsExactly("start a", "stop a");
    assertThat(logs.messages()).contains("Paved module 'b' failed to stop");
  }

  @Test
  void modulesDeclareTheirKeysAndReadThem() {
    ConfigKey<Integer> key = ConfigKey.integer("platform.demo.size", 1, 10).withDefault("4");
    List<Integer> seen = new ArrayList<>();
    PlatformModule demo =
        new PlatformModule() {
          @Override
          public String name() {
            return "demo";
          }

          @Override
          public List<ConfigKey<?>> configKeys() {
            return List.of(key);
          }

          @Override
          public void start(ModuleContext context) {
            seen.add(context.config().get(key));
          }
        };
    try (Platform p = TestPlatforms.isolated().module(demo).property("platform.demo.size", "7").start()) {
      assertThat(seen).containsExactly(7);
      assertThat(p.config().get(key)).isEqualTo(7);
    }
    assertThatThrownBy(() -> TestPlatforms.isolated().module(demo).property("platform.demo.size", "70").start())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("platform.demo.size (builder): '70' is not an integer from 1 to 10");
  }

  @Test
  void modulesPublishComponentsThatServiceCodeLooksUp() {
    PlatformModule publisher =
        new PlatformModule() {
          @Override
          public String name() {
            return "publisher";
          }

          @Override
          public void start(ModuleContext context) {
            context.register(CharSequence.class, "component");
          }
        };
    try (Platform p = TestPlatforms.isolated().module(publisher).start()) {
      assertThat(p.require(CharSequence.class)).isEqualTo("component");
      assertThat(p.component(Integer.class)).isEmpty();
      assertThatThrownBy(() -> p.require(Integer.class)).hasMessageContaining("java.lang.Integer");
    }
  }

  @Test
  void invalidConfigurationFailsStartWithEveryProblem() {
    assertThatThrownBy(
            () ->
                TestPlatforms.isolated()
                    .property("platform.service.name", "Orders_Service")
                    .property("platform.admin.prot", "1")
                    .property("platform.service.tier", "9")
                    .start())
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .extracting(ConfigProblem::key)
                    .containsExactlyInAnyOrder("platform.service.name", "platform.admin.prot", "platform.service.tier"))
        .hasMessageContaining("3 problems")
        .hasMessageContaining("'orders-service'")
        .hasMessageContaining("did you mean 'platform.admin.port'?");
  }

  @Test
  void missingServiceNameSaysHowToSetIt() {
    assertThatThrownBy(() -> Platform.builder().environment(Map.of()).systemProperties(Map.of()).discoverModules(false).start())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("platform.service.name (not set): the service has no name")
        .hasMessageContaining("OTEL_SERVICE_NAME");
  }

  @Test
  void descriptorComesFromConfiguration() {
    try (Platform p =
        TestPlatforms.isolated()
            .property("platform.service.version", "1.2.3")
            .property("platform.service.owner", "team-checkout")
            .property("platform.service.lifecycle", "experimental")
            .property("platform.service.links.runbook", "https://runbooks.example.com/orders")
            .property("platform.service.dependencies.payments.kind", "http")
            .property("platform.service.dependencies.ledger.kind", "database")
            .start()) {
      ServiceDescriptor d = p.descriptor();
      assertThat(d.name()).isEqualTo("orders");
      assertThat(d.version()).isEqualTo("1.2.3");
      assertThat(d.owner()).contains("team-checkout");
      assertThat(d.lifecycle()).isEqualTo(ServiceDescriptor.Lifecycle.EXPERIMENTAL);
      assertThat(d.links().get("runbook")).hasToString("https://runbooks.example.com/orders");
      assertThat(d.dependencies())
          .containsExactly(
              new ServiceDescriptor.Dependency("ledger", ServiceDescriptor.DependencyKind.DATABASE),
              new ServiceDescriptor.Dependency("payments", ServiceDescriptor.DependencyKind.HTTP));
    }
  }

  @Test
  void builderDescriptorRoundTrips() {
    ServiceDescriptor d =
        ServiceDescriptor.builder("billing").version("3.0.0").environment("staging").tier(1).owner("team-money")
            .dependency("ledger", ServiceDescriptor.DependencyKind.DATABASE).build();
    try (Platform p = TestPlatforms.isolated().service(d).start()) {
      assertThat(p.descriptor()).isEqualTo(d);
    }
  }

  @Test
  void shutdownRunsPhasesInOrderEachLoggedWithItsDuration() {
    Platform p = TestPlatforms.isolated().module(module("a", Set.of())).start();
    p.close();
    List<String> phases =
        logs.messages().stream().filter(m -> m.startsWith("Paved shutdown phase")).toList();
    assertThat(phases).hasSize(5);
    assertThat(phases.get(0)).matches("Paved shutdown phase 'readiness-down' finished in \\d+ ms");
    assertThat(phases.get(1)).startsWith("Paved shutdown phase 'drain'");
    assertThat(phases.get(2)).startsWith("Paved shutdown phase 'in-flight'");
    assertThat(phases.get(3)).startsWith("Paved shutdown phase 'modules'");
    assertThat(phases.get(4)).startsWith("Paved shutdown phase 'admin'");
  }

  @Test
  void readinessIsDownDuringDrainAndModulesStillRun() throws Exception {
    CountDownLatch stopped = new CountDownLatch(1);
    List<HealthStatus> duringDrain = new ArrayList<>();
    Platform p = TestPlatforms.isolated().drain(Duration.ofSeconds(2)).module(module("a", Set.of())).start();
    assertThat(p.health().readiness().status()).isEqualTo(HealthStatus.UP);
    Thread closer = new Thread(() -> { p.close(); stopped.countDown(); });
    closer.start();
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
        .until(() -> p.health().readiness().status() == HealthStatus.DOWN);
    duringDrain.add(p.health().readiness().status());
    assertThat(events).doesNotContain("stop a");
    assertThat(stopped.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(duringDrain).containsExactly(HealthStatus.DOWN);
    assertThat(events).contains("stop a");
  }

  @Test
  void aServiceThatNeverBecameReadyIsNotDrainedAndBecomesReadyWhenItSaysSo() throws Exception {
    Platform never = TestPlatforms.isolated().drain(Duration.ofSeconds(30)).readinessAwaitsService().module(module("a", Set.of())).start();
    assertThat(never.health().readiness().status()).as("waits for the service").isEqualTo(HealthStatus.DOWN);
    long begin = System.nanoTime();
    never.close();
    assertThat(Duration.ofNanos(System.nanoTime() - begin)).as("no 30 s drain for a service nobody was routed to").isLessThan(Duration.ofSeconds(10));
    assertThat(logs.messages()).anyMatch(m -> m.contains("never became ready; no drain"));

    Platform ready = TestPlatforms.isolated().readinessAwaitsService().module(module("b", Set.of())).start();
    assertThat(ready.health().readiness().status()).isEqualTo(HealthStatus.DOWN);
    ready.serviceStarted();
    assertThat(ready.health().readiness().status()).isEqualTo(HealthStatus.UP);
    ready.close();
  }

  @Test
  void shutdownWaitsForInFlightWorkBeforeStoppingModules() throws Exception {
    Platform p = TestPlatforms.isolated().module(module("a", Set.of())).start();
    InFlight.Ticket ticket = p.inFlight().begin();
    Thread closer = new Thread(p::close);
    closer.start();
    // The closer is waiting in the in-flight phase once the drain phase (0 s here) has finished.
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(10))
        .until(() -> logs.messages().stream().anyMatch(m -> m.contains("Paved shutdown phase 'drain' finished")));
    assertThat(events).doesNotContain("stop a");
    events.add("work done");
    ticket.close();
    closer.join(10_000);
    assertThat(events).containsExactly("start a", "work done", "stop a");
  }

  @Test
  void shutdownStopsWaitingForInFlightWorkAtTheDeadline() {
    Platform p = TestPlatforms.isolated().property("platform.shutdown.timeout", "100ms").module(module("a", Set.of())).start();
    p.inFlight().begin();
    p.close();
    assertThat(events).containsExactly("start a", "stop a");
    assertThat(logs.messages()).anyMatch(m -> m.contains("1 units of work still in progress after 100 ms"));
  }

  @Test
  void shutdownHookRunsGracefulShutdown() throws Exception {
    Platform p = TestPlatforms.isolated().shutdownHook(true).module(module("a", Set.of())).start();
    Thread hook = java.util.Objects.requireNonNull(p.shutdownHookThread());
    // Take it from the runtime so that the JVM's own exit does not run it again, then run it as
    // the JVM would.
    assertThat(Runtime.getRuntime().removeShutdownHook(hook)).isTrue();
    hook.start();
    hook.join(10_000);
    assertThat(p.isClosed()).isTrue();
    assertThat(events).containsExactly("start a", "stop a");
  }

  @Test
  void explicitCloseRemovesTheShutdownHook() {
    Platform p = TestPlatforms.isolated().shutdownHook(true).start();
    Thread hook = java.util.Objects.requireNonNull(p.shutdownHookThread());
    p.close();
    assertThat(Runtime.getRuntime().removeShutdownHook(hook)).isFalse();
  }

  @Test
  void shutdownHookCanBeTurnedOff() {
    try (Platform p = TestPlatforms.isolated().shutdownHook(false).start()) {
      assertThat(p.shutdownHookThread()).isNull();
    }
  }

  @Test
  void sdkVersionIsKnownAtRuntime() {
    assertThat(Platform.sdkVersion()).matches("\\d+\\.\\d+\\.\\d+.*");
  }

  @Test
  void adminServerCanBeTurnedOff() {
    try (Platform p = TestPlatforms.isolated().property("platform.admin.enabled", "false").start()) {
      assertThat(p.admin().isEnabled()).isFalse();
      assertThat(p.admin().port()).isEqualTo(-1);
      assertThat(p.health().readiness().status()).isEqualTo(HealthStatus.UP);
    }
  }

  @Test
  void portInUseFailsStartNamingPortAndFix() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(() -> TestPlatforms.isolated().adminPort(taken.getLocalPort()).start())
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("platform.admin.port (builder): cannot listen on 127.0.0.1:" + taken.getLocalPort())
          .hasMessageContaining("PLATFORM_ADMIN_PORT");
    }
  }
}
