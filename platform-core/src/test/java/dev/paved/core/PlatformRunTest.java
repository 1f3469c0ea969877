package dev.paved.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Platform#run}: readiness waits for the service; a service whose start-up throws is shut
 * down and the process exits non-zero (regression, issue 15: the JVM stayed up with readiness UP
 * and no API port open, kept alive by the platform's threads).
 */
@Timeout(60)
class PlatformRunTest {

  @Test
  void readinessStaysDownUntilTheServiceHasStarted() throws Exception {
    AtomicReference<HealthReport> during = new AtomicReference<>();
    AtomicInteger exit = new AtomicInteger(-1);
    try (Platform p =
        Platform.run(TestPlatforms.isolated(), platform -> during.set(platform.health().readiness()), exit::set)) {
      HealthReport starting = java.util.Objects.requireNonNull(during.get());
      assertThat(starting.status()).isEqualTo(HealthStatus.DOWN);
      assertThat(starting.checks()).anySatisfy(c -> {
        assertThat(c.name()).isEqualTo("service");
        assertThat(c.reason()).isEqualTo("starting");
      });
      assertThat(p.health().readiness().status()).isEqualTo(HealthStatus.UP);
      assertThat(p.health().readiness().checks()).noneMatch(c -> c.name().equals("service"));
      assertThat(exit).hasValue(-1);
    }
  }

  @org.junit.jupiter.api.extension.RegisterExtension final LogCapture logs = new LogCapture();

  /** A training run (for a class-data sharing archive) starts everything, then shuts down and exits 0. */
  @Test
  void aTrainingRunStartsTheServiceThenShutsDownAndExitsZero() {
    AtomicInteger exit = new AtomicInteger(-1);
    AtomicReference<HealthStatus> during = new AtomicReference<>();
    Platform p = Platform.run(TestPlatforms.isolated(), platform -> during.set(platform.health().liveness().status()), exit::set, true);
    assertThat(during).hasValue(HealthStatus.UP);
    assertThat(exit).hasValue(0);
    assertThat(p.isClosed()).isTrue();
    assertThat(logs.messages()).anyMatch(m -> m.startsWith("Training run (paved.training-run=true)"));
  }

  /**
   * Regression (issue 15): a value present in platform.yaml that nothing read was silently
   * ignored; now one WARN names it (key and file position, never the value).
   */
  @Test
  void valuesThatNothingReadDuringStartUpAreNamedInOneWarning(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path yaml =
        java.nio.file.Files.writeString(
            dir.resolve("platform.yaml"),
            """
            platform:
              service:
                name: orders
            orders:
              page-size: 20
            chekout:
              max-items: 3
              api-token: s3cr3t-token-value
            """);
    try (Platform p =
        Platform.run(
            TestPlatforms.isolated().environment(Map.of("PLATFORM_CONFIG", yaml.toString())),
            platform -> assertThat(platform.config().getInt("orders.page-size", 0)).isEqualTo(20),
            code -> {})) {
      assertThat(logs.messages())
          .filteredOn(m -> m.startsWith("Configuration values that nothing read"))
          .singleElement()
          .asString()
          .contains("chekout.max-items (" + yaml + ":7:")
          .contains("chekout.api-token")
          .doesNotContain("orders.page-size")
          .doesNotContain("s3cr3t-token-value");
    }
  }

  @Test
  void aServiceWhoseStartUpThrowsIsShutDownAndExitsWithTwo() {
    AtomicInteger exit = new AtomicInteger(-1);
    AtomicReference<Platform> seen = new AtomicReference<>();
    assertThatThrownBy(
            () ->
                Platform.run(
                    TestPlatforms.isolated(),
                    platform -> {
                      seen.set(platform);
                      throw new IllegalStateException("port in use");
                    },
                    exit::set))
        .isInstanceOf(IllegalStateException.class);
    assertThat(exit).hasValue(Platform.EXIT_START_FAILED);
    assertThat(java.util.Objects.requireNonNull(seen.get()).isClosed()).isTrue();
  }

  @Test
  void aPlatformThatCannotStartExitsWithTwo() {
    AtomicInteger exit = new AtomicInteger(-1);
    assertThatThrownBy(
            () -> Platform.run(TestPlatforms.isolated().property("platform.admin.port", "not-a-port"), p -> {}, exit::set))
        .isInstanceOf(ConfigException.class);
    assertThat(exit).hasValue(Platform.EXIT_START_FAILED);
  }

  /**
   * Regression (issue 16): a dispatcher thread died of OutOfMemoryError and the process stayed up
   * with neither port answering; now it ends, so the orchestrator restarts it.
   */
  @Test
  void aThreadDyingOfOutOfMemoryEndsTheProcess() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process =
        new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), OutOfMemoryServiceMain.class.getName())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).isEqualTo(Platform.EXIT_VIRTUAL_MACHINE_ERROR);
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void aRealProcessWhoseStartUpThrowsExitsNonZeroAndNeverAnsweredReady() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), FailingServiceMain.class.getName());
    pb.environment().keySet().removeIf(k -> k.startsWith("PLATFORM_"));
    Process process = pb.redirectErrorStream(true).start();
    List<String> output = new CopyOnWriteArrayList<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  output.add(line);
                }
              } catch (IOException e) {
                output.add("reader failed: " + e);
              }
            });
    reader.setDaemon(true);
    reader.start();
    try {
      Awaitility.await("ADMIN_PORT line; output: " + output)
          .atMost(Duration.ofSeconds(30))
          .until(() -> output.stream().anyMatch(l -> l.startsWith("ADMIN_PORT ")));
      int port = Integer.parseInt(output.stream().filter(l -> l.startsWith("ADMIN_PORT ")).findFirst().orElseThrow().substring(11).strip());
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
      List<Integer> statuses = new CopyOnWriteArrayList<>();
      // Probe readiness every 50 ms, as a kubelet would, until the admin server has stopped.
      org.awaitility.Awaitility.await()
          .pollInterval(Duration.ofMillis(50))
          .atMost(Duration.ofSeconds(15))
          .until(
              () -> {
                try {
                  statuses.add(
                      client
                          .send(
                              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready")).timeout(Duration.ofSeconds(1)).build(),
                              HttpResponse.BodyHandlers.discarding())
                          .statusCode());
                  return !process.isAlive();
                } catch (IOException e) {
                  return true; // the admin server has stopped
                }
              });
      assertThat(process.waitFor(15, TimeUnit.SECONDS)).as("exits within the shutdown deadline; output: %s", output).isTrue();
      assertThat(process.exitValue()).isEqualTo(Platform.EXIT_START_FAILED);
      assertThat(statuses).as("readiness while the service was starting").isNotEmpty().doesNotContain(200);
      assertThat(output).anyMatch(l -> l.contains("could not start") && l.contains("BindException"));
    } finally {
      process.destroyForcibly();
    }
  }
}
