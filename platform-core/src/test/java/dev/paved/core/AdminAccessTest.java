package dev.paved.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Who may read what on the admin port, over real HTTP on loopback. */
@Timeout(60)
class AdminAccessTest {
  private static final String VIEWER = "viewer-token-7f3a9c21d4e8b605";
  private static final String OPERATOR = "operator-token-2b8e61f09ac47d3e";
  private static final String WRONG = "not-a-token-of-this-service-000";

  @RegisterExtension final LogCapture logs = new LogCapture();
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  @TempDir Path dir;

  private Path tokens(String... lines) throws Exception {
    Path file = dir.resolve("admin-tokens");
    Files.writeString(file, String.join("\n", lines) + "\n");
    return file;
  }

  private Platform production(Path tokens, String... properties) {
    Platform.Builder b =
        TestPlatforms.isolated()
            .property("platform.service.environment", "production")
            .property("platform.admin.auth.tokens-file", tokens.toString());
    for (int i = 0; i < properties.length; i += 2) {
      b.property(properties[i], properties[i + 1]);
    }
    Platform p = b.start();
    // What modules add: a protected endpoint (as /config, /traces, /slo are).
    p.admin().addEndpoint("/traces", r -> AdminResponse.json(200, Map.of("spans", List.of())));
    return p;
  }

  private HttpResponse<String> get(Platform p, String path, @Nullable String token) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.admin().port() + path)).GET();
    if (token != null) {
      r.header("Authorization", "Bearer " + token);
    }
    return client.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void everyEndpointTimesEveryCredentialGivesTheDocumentedStatus() throws Exception {
    try (Platform p = production(tokens("# the admin tokens", "viewer " + VIEWER, "operator " + OPERATOR))) {
      Map<String, Integer> expected = new LinkedHashMap<>();
      List<String> open = List.of("/health/live", "/health/ready", "/info");
      Map<String, String> credentials = new LinkedHashMap<>();
      credentials.put("none", null);
      credentials.put("viewer", VIEWER);
      credentials.put("operator", OPERATOR);
      credentials.put("wrong", WRONG);
      Map<String, Integer> actual = new LinkedHashMap<>();
      for (var c : credentials.entrySet()) {
        for (String path : open) {
          expected.put(path + " " + c.getKey(), 200);
          actual.put(path + " " + c.getKey(), get(p, path, c.getValue()).statusCode());
        }
        expected.put("/traces " + c.getKey(), c.getKey().equals("viewer") || c.getKey().equals("operator") ? 200 : 401);
        actual.put("/traces " + c.getKey(), get(p, "/traces", c.getValue()).statusCode());
        // An unknown path says nothing to a caller without a credential.
        expected.put("/nothing-here " + c.getKey(), c.getKey().equals("viewer") || c.getKey().equals("operator") ? 404 : 401);
        actual.put("/nothing-here " + c.getKey(), get(p, "/nothing-here", c.getValue()).statusCode());
      }
      assertThat(actual).isEqualTo(expected);
      HttpResponse<String> refused = get(p, "/traces", null);
      assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"paved-admin\"");
      assertThat(refused.body()).contains("platform.admin.auth.tokens-file");
      assertThat(get(p, "/traces", WRONG).headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).contains("invalid_token"));
      assertThat(refused.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
      assertThat(refused.headers().firstValue("Content-Security-Policy")).hasValue("default-src 'none'; frame-ancestors 'none'");
      assertThat(p.admin().refusedForAuth()).isEqualTo(2 * 2 + 2); // none and wrong on two paths, twice more above
      // The canary: no token in any log line.
      assertThat(logs.messages()).noneMatch(m -> m.contains(VIEWER) || m.contains(OPERATOR) || m.contains(WRONG));
      assertThat(logs.messages()).anyMatch(m -> m.contains("Admin request for /traces from 127.0.0.1 refused: no credential"));
    }
  }

  @Test
  void aLocalEnvironmentOrAnOpenedPathNeedsNoCredential() throws Exception {
    try (Platform local = TestPlatforms.isolated().property("platform.service.environment", "local").start()) {
      local.admin().addEndpoint("/traces", r -> AdminResponse.json(200, Map.of()));
      assertThat(get(local, "/traces", null).statusCode()).isEqualTo(200);
    }
    try (Platform opened = production(tokens("viewer " + VIEWER), "platform.admin.open-endpoints", "/traces")) {
      assertThat(get(opened, "/traces", null).statusCode()).isEqualTo(200);
    }
    // Production without any tokens file: the protected endpoints are closed to everybody.
    try (Platform closed = TestPlatforms.isolated().property("platform.service.environment", "production").start()) {
      closed.admin().addEndpoint("/traces", r -> AdminResponse.json(200, Map.of()));
      assertThat(get(closed, "/traces", null).statusCode()).isEqualTo(401);
      assertThat(get(closed, "/traces", VIEWER).statusCode()).isEqualTo(401);
      assertThat(get(closed, "/health/ready", null).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aRotatedTokenWorksWithoutARestartAndTheOldOneStops() throws Exception {
    Path file = tokens("viewer " + VIEWER);
    try (Platform p = production(file)) {
      assertThat(get(p, "/traces", VIEWER).statusCode()).isEqualTo(200);
      String rotated = "viewer-token-rotated-5d1c7e93a0";
      Files.writeString(file, "viewer " + rotated + "\n");
      Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
      Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> get(p, "/traces", rotated).statusCode() == 200);
      assertThat(get(p, "/traces", VIEWER).statusCode()).isEqualTo(401);
      // A file emptied by mistake keeps the tokens read before.
      Files.writeString(file, "# nothing\n");
      Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(10)));
      Thread.sleep(1_100);
      assertThat(get(p, "/traces", rotated).statusCode()).isEqualTo(200);
      assertThat(logs.messages()).noneMatch(m -> m.contains(rotated) || m.contains(VIEWER));
    }
  }

  @Test
  void aTokensFileThatCannotBeReadOrHoldsNoTokenFailsStartUpNamingTheKey() throws Exception {
    assertThatThrownBy(() -> production(dir.resolve("missing")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("platform.admin.auth.tokens-file")
        .hasMessageContaining("cannot read");
    assertThatThrownBy(() -> production(tokens("admin short", "viewer")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("no token in")
        .hasMessageContaining("line 1 is not")
        .hasMessageNotContaining("short");
  }

  @Test
  void theMeshsClientIdentityStandsInForATokenOnlyWhenConfiguredAndListed() throws Exception {
    String oncall = "spiffe://cluster.local/ns/ops/sa/oncall";
    String xfcc = "By=spiffe://cluster.local/ns/orders/sa/orders;Hash=abc123;URI=" + oncall + ",By=x;URI=spiffe://other";
    try (Platform p =
        production(
            tokens("viewer " + VIEWER),
            "platform.admin.auth.client-identity-header", "x-forwarded-client-cert",
            "platform.admin.auth.viewers", oncall)) {
      HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.admin().port() + "/traces")).GET();
      assertThat(client.send(r.copy().header("x-forwarded-client-cert", xfcc).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
      String stranger = "By=spiffe://cluster.local/ns/orders/sa/orders;URI=spiffe://cluster.local/ns/web/sa/frontend";
      assertThat(client.send(r.copy().header("x-forwarded-client-cert", stranger).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
      assertThat(get(p, "/traces", VIEWER).statusCode()).isEqualTo(200);
    }
    // Not configured: the header is just a header.
    try (Platform p = production(tokens("viewer " + VIEWER))) {
      HttpRequest withHeader =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p.admin().port() + "/traces")).header("x-forwarded-client-cert", xfcc).GET().build();
      assertThat(client.send(withHeader, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
    }
    assertThat(AdminAccess.identity("x-forwarded-client-cert", "Hash=1;URI=\"spiffe://a/b\";DNS=x")).isEqualTo("spiffe://a/b");
    assertThat(AdminAccess.identity("x-client-id", " svc-a ")).isEqualTo("svc-a");
    assertThat(AdminAccess.identity("x-forwarded-client-cert", "Hash=1")).isNull();
  }
}
