package dev.paved.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.paved.config.ConfigChange.Outcome;
import dev.paved.config.Sections.Pair;
import dev.paved.config.Sections.Paging;
import dev.paved.core.HealthReport;
import dev.paved.core.HealthStatus;
import dev.paved.core.Platform;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReloadTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;

  private static String paging(int pageSize) {
    return paging(pageSize, "default");
  }

  private static String paging(int pageSize, String name) {
    return """
        platform:
          service:
            name: orders
        paging:
          page-size: %d
          name: %s
        """
        .formatted(pageSize, name);
  }

  @Test
  void aValidChangeToTheFileIsAppliedWithANewVersionHashAuditEventAndListenerCall() throws Exception {
    ConfigFixture f = new ConfigFixture(dir);
    f.write(paging(10));
    try (Platform platform = f.start(ConfigModule.builder().bind("paging", Paging.class).build())) {
      Configuration config = Configuration.of(platform);
      Bound<Paging> paging = config.bind("paging", Paging.class);
      List<String> told = new CopyOnWriteArrayList<>();
      paging.onChange((before, after) -> told.add(before.pageSize() + "->" + after.pageSize()));
      ConfigSnapshot first = config.snapshot();
      assertThat(first.version()).isEqualTo(1);

      f.write(paging(25));

      await().atMost(WAIT).until(() -> paging.get().pageSize() == 25);
      ConfigSnapshot second = config.snapshot();
      assertThat(second.version()).isEqualTo(2);
      assertThat(second.hash()).isNotEqualTo(first.hash()).hasSize(64);
      assertThat(platform.config().version()).isEqualTo(2);
      assertThat(platform.config().getInt("paging.page-size", 0)).isEqualTo(25);
      await().atMost(WAIT).until(() -> !told.isEmpty());
      assertThat(told).containsExactly("10->25");

      ConfigChange latest = config.history().get(0);
      assertThat(latest.outcome()).isEqualTo(Outcome.APPLIED);
      assertThat(latest.trigger()).isEqualTo("file");
      assertThat(latest.version()).isEqualTo(2);
      assertThat(latest.changes())
          .singleElement()
          .satisfies(
              c -> {
                assertThat(c.key()).isEqualTo("paging.page-size");
                assertThat(c.before()).isEqualTo("10");
                assertThat(c.after()).isEqualTo("25");
                assertThat(c.source()).startsWith(f.file.toString());
                assertThat(c.restartRequired()).isFalse();
              });
      assertThat(config.history()).extracting(ConfigChange::trigger).containsExactly("file", "start");
    }
  }

  @Test
  void anInvalidChangeIsRejectedTheOldSnapshotStaysAndReadinessStaysUpWithTheRejection() throws Exception {
    ConfigFixture f = new ConfigFixture(dir);
    f.write(paging(10));
    try (Platform platform = f.start(ConfigModule.builder().bind("paging", Paging.class).build())) {
      Configuration config = Configuration.of(platform);
      Bound<Paging> paging = config.bind("paging", Paging.class);
      AtomicInteger told = new AtomicInteger();
      paging.onChange((a, b) -> told.incrementAndGet());

      f.write(paging(0));

      await().atMost(WAIT).until(() -> config.lastRejected().isPresent());
      ConfigChange rejected = config.lastRejected().orElseThrow();
      assertThat(rejected.outcome()).isEqualTo(Outcome.REJECTED);
      assertThat(rejected.version()).isEqualTo(1);
      assertThat(rejected.problems()).singleElement().satisfies(p -> {
        assertThat(p.key()).isEqualTo("paging.page-size");
        assertThat(p.problem()).contains("@Min");
      });
      assertThat(paging.get().pageSize()).isEqualTo(10);
      assertThat(config.snapshot().version()).isEqualTo(1);
      assertThat(told).hasValue(0);

      HealthReport ready = platform.health().readiness();
      assertThat(ready.status()).isEqualTo(HealthStatus.UP);
      assertThat(ready.toMap().toString()).contains("lastRejected").contains("paging.page-size");

      f.write(paging(30));
      await().atMost(WAIT).until(() -> paging.get().pageSize() == 30);
      assertThat(config.lastRejected()).isEmpty();
      assertThat(config.snapshot().version()).isEqualTo(2);
      assertThat(config.history()).extracting(ConfigChange::outcome)
          .containsExactly(Outcome.APPLIED, Outcome.REJECTED, Outcome.APPLIED);
    }
  }

  @Test
  void aListenerThatThrowsStopsNeitherTheOthersNorTheSwap() throws Exception {
    ConfigFixture f = new ConfigFixture(dir);
    f.write(paging(10));
    try (Platform platform = f.start(new ConfigModule())) {
      Configuration config = Configuration.of(platform);
      Bound<Paging> paging = config.bind("paging", Paging.class);
      AtomicInteger second = new AtomicInteger();
      paging.onChange((a, b) -> {
        throw new IllegalStateException("listener bug");
      });
      paging.onChange((a, b) -> second.incrementAndGet());

      ConfigChange change = config.override(Map.of("paging.page-size", "40"));

      assertThat(change.outcome()).isEqualTo(Outcome.APPLIED);
      assertThat(change.trigger()).isEqualTo("override");
      assertThat(paging.get().pageSize()).isEqualTo(40);
      assertThat(second).hasValue(1);
      assertThat(config.snapshot().version()).isEqualTo(2);
    }
  }

  @Test
  void overridesInCodeAreValidatedAndARejectedOneIsNotKept() throws Exception {
    ConfigFixture f = new ConfigFixture(dir);
    f.write(paging(10));
    try (Platform platform = f.start(new ConfigModule())) {
      Configuration config = Configuration.of(platform);
      Bound<Paging> paging = config.bind("paging", Paging.class);

      assertThat(config.override(Map.of("paging.page-size", "-3")).outcome()).isEqualTo(Outcome.REJECTED);
      assertThat(config.override(Map.of("paging.name", "other")).outcome()).isEqualTo(Outcome.APPLIED);
      assertThat(paging.get()).isEqualTo(new Paging(10, "other"));

      assertThat(config.removeOverrides(List.of("paging.name")).outcome()).isEqualTo(Outcome.APPLIED);
      assertThat(paging.get()).isEqualTo(new Paging(10, "default"));
      assertThat(config.reload().outcome()).isEqualTo(Outcome.UNCHANGED);
      assertThat(config.snapshot().version()).isEqualTo(3);
    }
  }

  @Test
  void malformedYamlAndAnUndefinedVariableAreRejected() throws Exception {
    ConfigFixture f = new ConfigFixture(dir);
    f.write(paging(10));
    try (Platform platform = f.start(new ConfigModule())) {
      Configuration config = Configuration.of(platform);
      Bound<Paging> paging = config.bind("paging", Paging.class);

      f.write("platform:\n  service:\n    name: orders\npaging:\n  page-size: [1, 2\n\tname: x\n");
      await().atMost(WAIT).until(() -> config.lastRejected().isPresent());
      assertThat(config.lastRejected().orElseThrow().problems().toString()).contains("malformed YAML");

      f.write(paging(10).replace("name: default", "name: ${NOT_DEFINED_ANYWHERE}"));
      await().atMost(WAIT)
          .until(() -> config.lastRejected().orElseThrow().problems().toString().contains("${NOT_DEFINED_ANYWHERE} is not defined"));
      assertThat(paging.get()).isEqualTo(new Paging(10, "default"));
      assertThat(config.snapshot().version()).isEqualTo(1);
    }
  }

  @Test
  void aFileThatDisappearsOrBecomesUnreadableIsRejectedAndTheLastGoodConfigurationServes() throws Exception {
    ConfigFixture f = new ConfigFixture(dir);
    f.write(paging(10));
    try (Platform platform = f.start(new ConfigModule())) {
      Configuration config = Configuration.of(platform);
      Bound<Paging> paging = config.bind("paging", Paging.class);

      Files.delete(f.file);
      await().atMost(WAIT).until(() -> config.lastRejected().isPresent());
      assertThat(config.lastRejected().orElseThrow().problems().toString()).contains("does not exist");
      assertThat(paging.get().pageSize()).isEqualTo(10);

      // A directory in place of the file cannot be read (permissions do not stop root, which CI may be).
      Files.createDirectory(f.file);
      await().atMost(WAIT).until(() -> config.history().size() >= 3);
      assertThat(config.history().get(0).outcome()).isEqualTo(Outcome.REJECTED);
      assertThat(paging.get().pageSize()).isEqualTo(10);
      Files.delete(f.file);

      f.write(paging(11));
      await().atMost(WAIT).until(() -> paging.get().pageSize() == 11);
    }
  }

  @Test
  @org.junit.jupiter.api.Timeout(60)
  void aListenerThatBlocksDelaysNeitherReadinessNorTheConfigEndpoints() throws Exception {
    ConfigFixture f = new ConfigFixture(dir);
    f.write(paging(10));
    java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    try (Platform platform =
        f.builder().property("platform.admin.threads", "1").module(ConfigModule.builder().bind("paging", Paging.class).build()).start()) {
      Configuration config = Configuration.of(platform);
      Bound<Paging> paging = config.bind("paging", Paging.class);
      paging.onChange(
          (before, after) -> {
            entered.countDown();
            release.await(10, java.util.concurrent.TimeUnit.SECONDS);
          });
      Thread reloader = new Thread(() -> config.override(Map.of("paging.page-size", "20")), "reloader");
      reloader.start();
      assertThat(entered.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

      // The listener blocks: readiness, /config and /config/history still answer at once.
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      for (String path : List.of("/health/ready", "/config", "/config/history", "/health/live")) {
        long started = System.nanoTime();
        HttpResponse<String> response =
            client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + platform.admin().port() + path))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path).isIn(200, 503);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as(path).isLessThan(Duration.ofSeconds(2));
      }
      // The change itself is applied and visible while its listener still runs.
      assertThat(paging.get().pageSize()).isEqualTo(20);
      assertThat(config.history().get(0).version()).isEqualTo(2);
      release.countDown();
      reloader.join(10_000);
      assertThat(reloader.isAlive()).isFalse();
    }
  }

  @Test
  void aFileCaughtMidWriteIsNotAppliedHalfWritten() throws Exception {
    ConfigFixture f = new ConfigFixture(dir);
    f.write(paging(10));
    try (Platform platform = f.builder().property("platform.config.reload.settle", "400ms").module(new ConfigModule()).start()) {
      Configuration config = Configuration.of(platform);
      Bound<Paging> paging = config.bind("paging", Paging.class);
      String full = paging(77, "complete");
      // Written in place in two parts; the first part alone is valid YAML with the old page size.
      int cut = full.indexOf("  name:");
      Files.writeString(f.file, full.substring(0, cut));
      Thread.sleep(100); // a slow writer, within the settle window: nothing waits on this
      Files.writeString(f.file, full);

      await().atMost(WAIT).until(() -> paging.get().pageSize() == 77);
      assertThat(paging.get().name()).isEqualTo("complete");
      assertThat(config.history()).filteredOn(c -> c.outcome() == Outcome.REJECTED).isEmpty();
      assertThat(config.snapshot().version()).isEqualTo(2);
    }
  }

  @Test
  void aReloadStormEndsWithTheLastContentAppliedAndNothingHangs() throws Exception {
    ConfigFixture f = new ConfigFixture(dir);
    f.write(paging(1));
    try (Platform platform = f.start(new ConfigModule())) {
      Configuration config = Configuration.of(platform);
      Bound<Paging> paging = config.bind("paging", Paging.class);
      for (int i = 2; i <= 300; i++) {
        // Every tenth write is invalid.
        f.write(paging(i % 10 == 0 ? 0 : i));
      }
      f.write(paging(301));

      await().atMost(WAIT).until(() -> paging.get().pageSize() == 301);
      // Coalesced: far fewer reloads than writes.
      assertThat(config.snapshot().version()).isLessThan(100);
      assertThat(config.history().size()).isLessThanOrEqualTo(50);
      assertThat(config.override(Map.of("paging.name", "after")).outcome()).isEqualTo(Outcome.APPLIED);
    }
  }

  @Test
  void aKubernetesConfigMapSymlinkSwapIsSeen() throws Exception {
    // The layout kubelet writes: platform.yaml -> ..data/platform.yaml, ..data -> ..<timestamp>/.
    Path first = Files.createDirectory(dir.resolve("..2026_11_27_01"));
    Files.writeString(first.resolve("platform.yaml"), paging(5));
    Files.createSymbolicLink(dir.resolve("..data"), first.getFileName());
    Files.createSymbolicLink(dir.resolve("platform.yaml"), Path.of("..data/platform.yaml"));
    ConfigFixture f = new ConfigFixture(dir);
    try (Platform platform =
        f.builder().property("platform.config.reload.poll-interval", "1h").module(new ConfigModule()).start()) {
      Bound<Paging> paging = Configuration.of(platform).bind("paging", Paging.class);
      assertThat(paging.get().pageSize()).isEqualTo(5);

      Path second = Files.createDirectory(dir.resolve("..2026_11_27_02"));
      Files.writeString(second.resolve("platform.yaml"), paging(6));
      Path tmp = Files.createSymbolicLink(dir.resolve("..data_tmp"), second.getFileName());
      Files.move(tmp, dir.resolve("..data"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);

      // Polling is an hour: only the file-system event can have woken the reload.
      await().atMost(WAIT).until(() -> paging.get().pageSize() == 6);
    }
  }

  @Test
  void readersNeverSeeAHalfAppliedConfiguration() throws Exception {
    ConfigFixture f = new ConfigFixture(dir);
    f.write(pair("v0"));
    try (Platform platform = f.start(new ConfigModule())) {
      Configuration config = Configuration.of(platform);
      Bound<Pair> pair = config.bind("pair", Pair.class);
      Bound<Paging> paging = config.bind("paging", Paging.class);
      AtomicInteger torn = new AtomicInteger();
      AtomicInteger reads = new AtomicInteger();
      java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
      List<Thread> readers = new java.util.ArrayList<>();
      for (int t = 0; t < 8; t++) {
        Thread th =
            new Thread(
                () -> {
                  while (!stop.get()) {
                    Pair p = pair.get();
                    ConfigSnapshot s = config.snapshot();
                    Pair sp = s.get(pair);
                    String name = s.get(paging).name();
                    String raw = s.config().getString("pair.a").orElse("");
                    if (!p.a().equals(p.b()) || !sp.a().equals(sp.b()) || !sp.a().equals(name) || !raw.equals(name)) {
                      torn.incrementAndGet();
                    }
                    reads.incrementAndGet();
                  }
                });
        th.start();
        readers.add(th);
      }
      for (int i = 1; i <= 200; i++) {
        assertThat(config.override(Map.of("pair.a", "v" + i, "pair.b", "v" + i, "paging.name", "v" + i)).outcome())
            .isEqualTo(Outcome.APPLIED);
      }
      stop.set(true);
      for (Thread th : readers) {
        th.join(5_000);
      }
      assertThat(reads.get()).isGreaterThan(1000);
      assertThat(torn).hasValue(0);
      assertThat(pair.get()).isEqualTo(new Pair("v200", "v200"));
      assertThat(config.snapshot().version()).isEqualTo(201);
    }
  }

  private static String pair(String v) {
    return """
        platform:
          service:
            name: orders
        pair:
          a: %s
          b: %s
        paging:
          page-size: 1
          name: %s
        """.formatted(v, v, v);
  }

  @Test
  void anOperatorsReloadActionAppliesAValidFileAndReportsARejectedOne() throws Exception {
    ConfigFixture f = new ConfigFixture(dir);
    f.write(paging(10));
    try (Platform platform = f.builder().property("platform.config.reload.enabled", "false").module(ConfigModule.builder().bind("paging", Paging.class).build()).start()) {
      Bound<Paging> paging = Configuration.of(platform).bind("paging", Paging.class);
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest reload =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + platform.admin().port() + "/actions/config-reload"))
              .header("X-Paved-Action", "config-reload")
              .POST(HttpRequest.BodyPublishers.noBody())
              .build();
      f.write(paging(20));
      HttpResponse<String> applied = http.send(reload, HttpResponse.BodyHandlers.ofString());
      assertThat(applied.statusCode()).isEqualTo(200);
      assertThat(applied.body()).contains("\"before\":\"version 1\"", "\"after\":\"version 2 (1 keys changed)\"", "\"expiresAt\":null");
      assertThat(paging.get().pageSize()).isEqualTo(20);
      f.write(paging(0));
      HttpResponse<String> rejected = http.send(reload, HttpResponse.BodyHandlers.ofString());
      assertThat(rejected.statusCode()).isEqualTo(200);
      assertThat(rejected.body()).contains("version 2 kept; rejected", "paging.page-size");
      assertThat(paging.get().pageSize()).isEqualTo(20);
      assertThat(Configuration.of(platform).history().get(0).trigger()).isEqualTo("admin");
    }
  }

  @Test
  void adminEndpointsShowValuesWithSourcesAndTheHistorySecretsMasked() throws Exception {
    ConfigFixture f = new ConfigFixture(dir);
    f.write(paging(10) + "payments:\n  api-key: sk_live_123456\n");
    try (Platform platform = f.start(new ConfigModule())) {
      Configuration config = Configuration.of(platform);
      config.override(Map.of("payments.api-key", "sk_live_654321"));
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + platform.admin().port();
      String body = http.send(HttpRequest.newBuilder(URI.create(base + "/config")).build(), HttpResponse.BodyHandlers.ofString()).body();
      assertThat(body)
          .contains("\"paging.page-size\":{\"value\":\"10\",\"source\":\"" + f.file + ":5:14\"}")
          .contains("\"payments.api-key\":{\"value\":\"******\",\"source\":\"builder\"}")
          .contains("\"version\":2")
          .doesNotContain("sk_live");
      String history =
          http.send(HttpRequest.newBuilder(URI.create(base + "/config/history")).build(), HttpResponse.BodyHandlers.ofString()).body();
      assertThat(history).contains("\"trigger\":\"override\"").contains("\"key\":\"payments.api-key\"").doesNotContain("sk_live");
      String info = http.send(HttpRequest.newBuilder(URI.create(base + "/info")).build(), HttpResponse.BodyHandlers.ofString()).body();
      assertThat(info).contains("\"hash\":\"" + config.snapshot().hash() + "\"").contains("\"version\":2");
    }
  }

  @Test
  void platformKeysChangedAtRuntimeAreMarkedAsNeedingARestart() throws Exception {
    ConfigFixture f = new ConfigFixture(dir);
    f.write(paging(10));
    try (Platform platform = f.start(new ConfigModule())) {
      ConfigChange change = Configuration.of(platform).override(Map.of("platform.health.timeout", "3s"));
      assertThat(change.changes()).singleElement().satisfies(c -> assertThat(c.restartRequired()).isTrue());
    }
  }
}
