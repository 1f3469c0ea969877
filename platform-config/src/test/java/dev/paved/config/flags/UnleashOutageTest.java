package dev.paved.config.flags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.paved.test.LogCapture;
import com.sun.net.httpserver.HttpServer;
import dev.paved.core.HealthReport;
import dev.paved.core.HealthStatus;
import dev.paved.core.Platform;
import dev.paved.test.TestPlatforms;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Unleash misbehaving, as seen by the client: a loopback HTTP server answering Unleash's client
 * API ({@code GET /api/client/features}) with a state, then with 401, 503 or 429, or not at all.
 * (The real server is exercised by {@code UnleashServerIT}.)
 */
class UnleashOutageTest {
  static final String TOKEN = "default:development.unleash-test-token-7f3a";
  static String state(boolean darkMode) {
    return "{\"version\":2,\"features\":[{\"name\":\"dark-mode\",\"enabled\":" + darkMode
        + ",\"strategies\":[{\"name\":\"default\",\"parameters\":{}}],\"variants\":[]}]}";
  }

  @TempDir Path dir;
  private HttpServer server;
  private final AtomicInteger status = new AtomicInteger(200);
  private final AtomicReference<String> body = new AtomicReference<>(state(true));
  private final List<String> tokens = new CopyOnWriteArrayList<>();
  @org.junit.jupiter.api.extension.RegisterExtension final LogCapture logs = LogCapture.root();

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/api/client/features",
        ex -> {
          tokens.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
          byte[] b = String.valueOf(body.get()).getBytes(StandardCharsets.UTF_8);
          int s = status.get();
          ex.getResponseHeaders().set("Content-Type", "application/json");
          ex.sendResponseHeaders(s, s == 200 ? b.length : -1);
          if (s == 200) {
            ex.getResponseBody().write(b);
          }
          ex.close();
        });
    server.createContext("/api/client/register", ex -> {
      ex.sendResponseHeaders(202, -1);
      ex.close();
    });
    server.createContext("/api/client/metrics", ex -> {
      ex.sendResponseHeaders(202, -1);
      ex.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private Platform platform(Map<String, String> properties) {
    Platform.Builder b =
        TestPlatforms.builder()
            .environment(Map.of("UNLEASH_URL", "http://127.0.0.1:" + server.getAddress().getPort() + "/api", "UNLEASH_API_TOKEN", TOKEN))
            .serviceName("orders")
            .property("platform.flags.unleash.refresh-interval", "1s")
            .property("platform.flags.unleash.startup-fetch-timeout", "5s")
            .property("platform.flags.backup-dir", dir.resolve("backup").toString())
            .module(new FlagsModule());
    properties.forEach(b::property);
    return b.start();
  }

  private static HealthReport.Check flagsCheck(Platform p) {
    return p.health().readiness().checks().stream().filter(c -> c.name().equals("flags")).findFirst().orElseThrow();
  }

  private String allLogs() {
    StringBuilder sb = new StringBuilder();
    for (ILoggingEvent e : logs.events()) {
      sb.append(e.getFormattedMessage()).append(e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage()).append('\n');
    }
    return sb.toString();
  }

  @Test
  void fetchedFlagsAreBackedUpAtomicallyAndServedThroughOutagesOf401And503And429() throws Exception {
    try (Platform p = platform(Map.of())) {
      Flags flags = Flags.of(p);
      assertThat(flags.isEnabled("dark-mode")).isTrue();
      assertThat(tokens).contains(TOKEN);
      Path backup = dir.resolve("backup").resolve("orders-unleash-flags.json");
      await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(backup));
      assertThat(FlagState.valid(Files.readString(backup))).isTrue();
      assertThat(flagsCheck(p).status()).isEqualTo(HealthStatus.UP);

      for (int code : new int[] {503, 429}) {
        status.set(code);
        await().atMost(Duration.ofSeconds(10)).until(() -> flagsCheck(p).status() == HealthStatus.DEGRADED);
        assertThat(flagsCheck(p).reason()).contains("serving the last known flags").contains("Unleash answered " + code);
        assertThat(flags.isEnabled("dark-mode")).isTrue();
        status.set(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> flagsCheck(p).status() == HealthStatus.UP);
      }
      body.set(state(false));
      await().atMost(Duration.ofSeconds(10)).until(() -> !flags.isEnabled("dark-mode"));

      // 401: the client backs off to its longest interval (300 s), so recovery is not awaited here.
      status.set(401);
      await().atMost(Duration.ofSeconds(10)).until(() -> flagsCheck(p).status() == HealthStatus.DEGRADED);
      assertThat(flagsCheck(p).reason()).contains("Unleash answered 401");
      int fetches = tokens.size();
      // For 3 s (the poll interval is 1 s), at most the one fetch already under way.
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> tokens.size() <= fetches + 1);
      assertThat(flags.isEnabled("dark-mode")).isFalse();
    }
    assertThat(allLogs()).doesNotContain(TOKEN);
  }

  @Test
  void withUnleashDownTheBackupServesAndACorruptBackupFallsBackToTheBootstrapFile() throws Exception {
    Path backup = Files.createDirectories(dir.resolve("backup")).resolve("orders-unleash-flags.json");
    Files.writeString(backup, state(true));
    Path bootstrap = Files.writeString(dir.resolve("bootstrap.json"), state(false).replace("dark-mode", "bootstrapped"));
    server.stop(0); // Unleash unreachable

    try (Platform p = platform(Map.of("platform.flags.bootstrap", bootstrap.toString(), "platform.flags.unleash.startup-fetch-timeout", "0s"))) {
      assertThat(Flags.of(p).isEnabled("dark-mode")).isTrue();
      assertThat(flagsCheck(p).details().get("source")).asString().startsWith("backup");
    }

    Files.writeString(backup, state(true).substring(0, 40)); // truncated mid-write
    try (Platform p = platform(Map.of("platform.flags.bootstrap", bootstrap.toString(), "platform.flags.unleash.startup-fetch-timeout", "0s"))) {
      assertThat(Flags.of(p).isEnabled("dark-mode")).isFalse();
      assertThat(Flags.of(p).client().getBooleanDetails("bootstrapped", true).getValue()).isFalse();
      assertThat(flagsCheck(p).details().get("source")).asString().startsWith("bootstrap");
    }
    assertThat(allLogs()).contains("is corrupt or truncated");
  }

  @Test
  void anUnwritableBackupDirectoryIsReportedNotFatal() throws Exception {
    Path notADirectory = Files.writeString(dir.resolve("file"), "x");
    try (Platform p = platform(Map.of("platform.flags.backup-dir", notADirectory.resolve("sub").toString()))) {
      assertThat(Flags.of(p).isEnabled("dark-mode")).isTrue();
      await().atMost(Duration.ofSeconds(5)).until(() -> flagsCheck(p).details().containsKey("backup"));
      assertThat(flagsCheck(p).status()).isEqualTo(HealthStatus.DEGRADED);
      assertThat(String.valueOf(flagsCheck(p).details().get("backup"))).contains("cannot write");
    }
  }

  @Test
  void readinessCanRequireAFreshFetch() throws Exception {
    status.set(503);
    try (Platform p = platform(Map.of("platform.flags.ready-requires-fresh", "true", "platform.flags.unleash.startup-fetch-timeout", "0s"))) {
      assertThat(flagsCheck(p).status()).isEqualTo(HealthStatus.DOWN);
      assertThat(Flags.of(p).isEnabled("dark-mode", true)).isTrue(); // evaluation never throws
      status.set(200);
      await().atMost(Duration.ofSeconds(30)).until(() -> flagsCheck(p).status() == HealthStatus.UP);
    }
  }
}
