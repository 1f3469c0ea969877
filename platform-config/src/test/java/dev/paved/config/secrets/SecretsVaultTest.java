package dev.paved.config.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paved.core.ConfigException;
import dev.paved.core.HealthStatus;
import dev.paved.core.Platform;
import dev.paved.core.Redaction;
import dev.paved.test.TestPlatforms;
import dev.paved.test.LogCapture;
import dev.paved.test.TestClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Secrets against {@link FakeVault}, a wire-level fake of Vault's documented HTTP API (no Vault
 * server can run on these machines), through the real vault-java-driver.
 */
class SecretsVaultTest {
  @TempDir Path dir;
  private final TestClock clock = TestClock.at("2026-11-27T10:00:00Z");
  private FakeVault vault;
  @org.junit.jupiter.api.extension.RegisterExtension final LogCapture logs = LogCapture.root();
  private final List<Platform> platforms = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    vault = new FakeVault(clock);
    vault.putKv("kv/payments", Map.of("api-key", "pay-key-v1-0123456789", "user", "payments-svc"));
  }

  @AfterEach
  void tearDown() {
    platforms.forEach(Platform::close);
    vault.close();
  }

  private Platform start(Map<String, String> env, Map<String, String> properties) {
    Platform.Builder b =
        TestPlatforms.builder()
            .environment(env)
            .serviceName("orders")
            .property("platform.secrets.vault.read-timeout", "1s")
            .property("platform.secrets.startup-timeout", "1s")
            .module(new SecretsModule(clock, false));
    properties.forEach(b::property);
    Platform p = b.start();
    platforms.add(p);
    return p;
  }

  private Platform withToken(String token, Map<String, String> properties) {
    return start(Map.of("VAULT_ADDR", vault.address(), "VAULT_TOKEN", token), properties);
  }

  private Platform withToken(String token) {
    return withToken(token, Map.of());
  }

  private static Secrets secrets(Platform p) {
    return Secrets.of(p);
  }

  /** Everything logged so far, formatted, with key-value pairs and exceptions. */
  private String allLogs() {
    StringBuilder sb = new StringBuilder();
    for (ILoggingEvent e : logs.events()) {
      sb.append(e.getFormattedMessage()).append(' ').append(e.getKeyValuePairs()).append(' ');
      if (e.getThrowableProxy() != null) {
        sb.append(e.getThrowableProxy().getMessage());
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  @Test
  void aKvV2SecretIsReadOnceMaskedEverywhereAndRegisteredForMasking() throws Exception {
    String token = vault.createToken(Duration.ofHours(1), true, Duration.ofHours(24));
    Platform p = withToken(token);
    Secret key = secrets(p).get("kv/payments#api-key");

    assertThat(key.reveal()).isEqualTo("pay-key-v1-0123456789");
    assertThat(key.version()).isEqualTo(1);
    assertThat(key.reference()).isEqualTo(SecretReference.parse("kv/payments#api-key"));
    assertThat(key.toString()).isEqualTo("Secret[kv/payments#api-key=******]");
    assertThat(new ObjectMapper().writeValueAsString(Map.of("key", key))).isEqualTo("{\"key\":\"Secret[kv/payments#api-key=******]\"}");
    assertThat(Redaction.mask("calling with pay-key-v1-0123456789")).isEqualTo("calling with ******");
    assertThat(secrets(p).get("kv/payments#api-key")).isSameAs(key);
    assertThat(secrets(p).get("kv/payments#user").reveal()).isEqualTo("payments-svc");
    assertThat(vault.count("GET /v1/kv/data/payments")).isEqualTo(1);
    assertThat(allLogs()).doesNotContain(token).doesNotContain("pay-key-v1");
  }

  @Test
  void badReferencesAndMissingKeysAreClearErrors() throws Exception {
    Platform p = withToken(vault.createToken(Duration.ofHours(1), true, Duration.ofHours(24)));
    assertThatThrownBy(() -> secrets(p).get("payments")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mount/path#key");
    assertThatThrownBy(() -> secrets(p).get("kv/payments#nope"))
        .isInstanceOf(SecretException.class)
        .hasMessage("kv/payments#nope: no key 'nope' at kv/payments (keys there: api-key, user)");
    assertThatThrownBy(() -> secrets(p).get("kv/missing#x")).hasMessageContaining("404");
    assertThatThrownBy(() -> secrets(p).get("kv/forbidden#x"))
        .isInstanceOf(SecretException.class)
        .hasMessage("kv/forbidden: Vault answered 403 (permission denied: check the token's policies)");
  }

  @Test
  void theTokenIsRenewedAtAboutTwoThirdsOfItsTtl() throws Exception {
    String token = vault.createToken(Duration.ofSeconds(60), true, Duration.ofHours(24));
    Platform p = withToken(token);
    secrets(p).get("kv/payments#api-key");
    clock.advance(Duration.ofSeconds(30));
    secrets(p).tick();
    assertThat(vault.count("POST /v1/auth/token/renew-self")).isZero();

    clock.advance(Duration.ofSeconds(11)); // 41 s: past 2/3 of 60 s, jitter included
    secrets(p).tick();
    assertThat(vault.count("POST /v1/auth/token/renew-self")).isEqualTo(1);
    assertThat(java.util.Objects.requireNonNull(vault.tokens.get(token)).expiry()).isEqualTo(clock.instant().plusSeconds(60));

    clock.advance(Duration.ofSeconds(41));
    secrets(p).tick();
    assertThat(vault.count("POST /v1/auth/token/renew-self")).isEqualTo(2);
    assertThat(allLogs()).doesNotContain(token);
  }

  @Test
  void appRoleLogsInAgainWhenTheTokenNearsItsMaximumTtl() throws Exception {
    Path secretIdFile = Files.writeString(dir.resolve("secret-id"), vault.secretId + "\n");
    Platform p =
        start(
            Map.of("VAULT_ADDR", vault.address()),
            Map.of(
                "platform.secrets.vault.auth.method", "approle",
                "platform.secrets.vault.auth.role-id", vault.roleId,
                "platform.secrets.vault.auth.secret-id-file", secretIdFile.toString()));
    assertThat(secrets(p).get("kv/payments#api-key").reveal()).startsWith("pay-key");
    assertThat(vault.logins).hasValue(1);

    clock.advance(Duration.ofSeconds(41)); // renewal: max TTL 90 s caps it at 49 s
    secrets(p).tick();
    assertThat(vault.count("POST /v1/auth/token/renew-self")).isEqualTo(1);
    assertThat(vault.logins).hasValue(1);

    clock.advance(Duration.ofSeconds(33)); // 2/3 of the capped 49 s: a renewal cannot give 60 s any more, log in again
    secrets(p).tick();
    assertThat(vault.logins).hasValue(2);
    String all = allLogs();
    assertThat(all).doesNotContain(vault.secretId).doesNotContain("hvs.login");
  }

  @Test
  void kubernetesLoginReadsTheServiceAccountToken() throws Exception {
    Path jwt = Files.writeString(dir.resolve("token"), vault.jwt);
    Platform p =
        start(
            Map.of("VAULT_ADDR", vault.address()),
            Map.of(
                "platform.secrets.vault.auth.method", "kubernetes",
                "platform.secrets.vault.auth.role", "orders",
                "platform.secrets.vault.auth.jwt-file", jwt.toString()));
    assertThat(secrets(p).get("kv/payments#user").reveal()).isEqualTo("payments-svc");
    assertThat(vault.count("POST /v1/auth/kubernetes/login")).isEqualTo(1);
  }

  @Test
  void aFailedRenewalKeepsServingAndReadinessDegradesWhenStale() throws Exception {
    String token = vault.createToken(Duration.ofSeconds(60), true, Duration.ofHours(24));
    Platform p = withToken(token, Map.of("platform.secrets.stale-after", "2m", "platform.secrets.refresh-interval", "30s"));
    Secret before = secrets(p).get("kv/payments#api-key");
    vault.denyRenewSelf = true;
    vault.sealed = true;

    for (int i = 0; i < 20; i++) {
      clock.advance(Duration.ofSeconds(10));
      secrets(p).tick();
    }
    assertThat(secrets(p).get("kv/payments#api-key")).isSameAs(before);
    assertThat(secrets(p).staleness("kv/payments")).hasValueSatisfying(d -> assertThat(d).isGreaterThan(Duration.ofMinutes(2)));
    assertThat(secrets(p).refreshFailures.get()).isPositive();
    var ready = p.health().readiness();
    var check = ready.checks().stream().filter(c -> c.name().equals("secrets")).findFirst().orElseThrow();
    assertThat(check.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(String.valueOf(check.reason())).contains("the Vault token has expired").contains("kv/payments");
    assertThat(allLogs()).contains("503 (sealed").doesNotContain(FakeVault.ROOT_MARKER).doesNotContain(token);

    vault.sealed = false;
    vault.denyRenewSelf = false;
    vault.tokens.put(token, new FakeVault.Token(token, Duration.ofSeconds(60), true, clock.instant(), Duration.ofHours(24), clock.instant().plusSeconds(60)));
    for (int i = 0; i < 10; i++) {
      clock.advance(Duration.ofSeconds(10));
      secrets(p).tick();
    }
    assertThat(secrets(p).staleness("kv/payments")).hasValueSatisfying(d -> assertThat(d).isLessThan(Duration.ofMinutes(2)));
  }

  @Test
  void dynamicCredentialsAreRenewedThenRotatedBeforeTheirMaximumTtlAndListenersAreTold() throws Exception {
    Platform p = withToken(vault.createToken(Duration.ofHours(1), true, Duration.ofHours(24)));
    Secrets s = secrets(p);
    List<String> told = new CopyOnWriteArrayList<>();
    s.onRotate("database/creds/orders", (before, after) -> told.add(before.reference().key() + ":" + before.version() + "->" + after.version()));
    assertThat(s.get("database/creds/orders#username").reveal()).isEqualTo("v-orders-1");
    String firstPassword = s.get("database/creds/orders#password").reveal();

    clock.advance(Duration.ofSeconds(41)); // lease 60 s, renewed; max 90 s caps it at 49 s
    s.tick();
    assertThat(vault.count("POST /v1/sys/leases/renew")).isEqualTo(1);
    assertThat(told).isEmpty();

    clock.advance(Duration.ofSeconds(33)); // 2/3 of 49 s later: new credentials before the old ones end
    s.tick();
    assertThat(vault.credentialsIssued).hasValue(2);
    assertThat(s.get("database/creds/orders#username").reveal()).isEqualTo("v-orders-2");
    assertThat(s.get("database/creds/orders#password").reveal()).isNotEqualTo(firstPassword);
    assertThat(told).containsExactlyInAnyOrder("username:1->2", "password:1->2");
    assertThat(Redaction.mask(firstPassword)).isEqualTo("******");
    assertThat(allLogs()).doesNotContain(firstPassword).doesNotContain("db-password-2");
  }

  @Test
  void aNewKvVersionIsPickedUpAndListenersAreTold() throws Exception {
    Platform p = withToken(vault.createToken(Duration.ofHours(1), true, Duration.ofHours(24)), Map.of("platform.secrets.refresh-interval", "1m"));
    Secrets s = secrets(p);
    List<String> told = new CopyOnWriteArrayList<>();
    s.onRotate("kv/payments#api-key", (before, after) -> told.add(before.version() + "->" + after.version()));
    s.get("kv/payments#api-key");
    vault.putKv("kv/payments", Map.of("api-key", "pay-key-v2-9876543210", "user", "payments-svc"));

    clock.advance(Duration.ofSeconds(61));
    s.tick();

    assertThat(s.get("kv/payments#api-key").reveal()).isEqualTo("pay-key-v2-9876543210");
    assertThat(s.get("kv/payments#api-key").version()).isEqualTo(2);
    assertThat(told).containsExactly("1->2");
  }

  @Test
  void vaultDownAtStartFailsStartUpForRequiredSecretsWithinTheTimeoutNamingPathAndCause() throws Exception {
    String token = vault.createToken(Duration.ofHours(1), true, Duration.ofHours(24));
    vault.sealed = true;
    long begin = System.nanoTime();
    assertThatThrownBy(() -> withToken(token, Map.of("platform.secrets.required", "kv/payments#api-key")))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(e.getMessage())
                  .contains("kv/payments#api-key")
                  .contains("required secret could not be read within 1s")
                  .contains("503 (sealed")
                  .doesNotContain(token)
                  .doesNotContain(FakeVault.ROOT_MARKER);
            });
    assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofSeconds(8));
  }

  @Test
  void vaultUnreachableAtStartDegradesOptionalSecretsAndRecovers() throws Exception {
    String token = vault.createToken(Duration.ofHours(1), true, Duration.ofHours(24));
    vault.sealed = true;
    Platform p = withToken(token);
    assertThatThrownBy(() -> secrets(p).get("kv/payments#api-key")).isInstanceOf(SecretException.class).hasMessageContaining("503");
    vault.sealed = false;
    assertThat(secrets(p).get("kv/payments#api-key").reveal()).startsWith("pay-key");
  }

  @Test
  void connectionRefusedAndAServerThatNeverAnswersFailWithinTheTimeouts() throws Exception {
    String token = vault.createToken(Duration.ofHours(1), true, Duration.ofHours(24));
    int closedPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Platform refused = start(Map.of("VAULT_ADDR", "http://127.0.0.1:" + closedPort, "VAULT_TOKEN", token), Map.of());
    assertThatThrownBy(() -> secrets(refused).get("kv/payments#api-key")).hasMessageContaining("connection refused");

    Platform hanging = withToken(token);
    secrets(hanging).get("kv/payments#user");
    vault.hang = true;
    long begin = System.nanoTime();
    assertThatThrownBy(() -> secrets(hanging).get("kv/other#x")).hasMessageContaining("did not answer in time");
    assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void anInterruptDuringAVaultCallIsKept() throws Exception {
    String token = vault.createToken(Duration.ofHours(1), true, Duration.ofHours(24));
    Platform p = start(Map.of("VAULT_ADDR", vault.address(), "VAULT_TOKEN", token), Map.of("platform.secrets.vault.read-timeout", "20s"));
    secrets(p).get("kv/payments#user");
    vault.hang = true;
    List<Object> seen = new CopyOnWriteArrayList<>();
    Thread t =
        new Thread(
            () -> {
              try {
                secrets(p).get("kv/other#x");
              } catch (SecretException e) {
                seen.add(e.getMessage());
              }
              seen.add(Thread.currentThread().isInterrupted());
            });
    t.start();
    // Blocked on the slow Vault.
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(5))
        .until(() -> t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING);
    t.interrupt();
    t.join(5_000);
    assertThat(t.isAlive()).isFalse();
    assertThat(seen).containsExactly("kv/other: interrupted", true);
  }

  @Test
  void aLeaseWhoseRenewalIsRefusedIsReplacedByNewCredentials() throws Exception {
    Platform p = withToken(vault.createToken(Duration.ofHours(1), true, Duration.ofHours(24)));
    Secrets s = secrets(p);
    List<String> told = new CopyOnWriteArrayList<>();
    s.onRotate("database/creds/orders#username", (before, after) -> told.add(before.reveal() + "->" + after.reveal()));
    s.get("database/creds/orders#username");
    vault.leases.clear(); // Vault no longer knows the lease (revoked): renewal answers 400

    clock.advance(Duration.ofSeconds(41));
    s.tick();

    assertThat(vault.count("POST /v1/sys/leases/renew")).isEqualTo(1);
    assertThat(s.get("database/creds/orders#username").reveal()).isEqualTo("v-orders-2");
    assertThat(told).containsExactly("v-orders-1->v-orders-2");
    assertThat(allLogs()).doesNotContain(FakeVault.ROOT_MARKER);
  }

  @Test
  void theNamespaceIsSentAndTheTokenIsRevokedOnCloseWhenAsked() throws Exception {
    String token = vault.createToken(Duration.ofHours(1), true, Duration.ofHours(24));
    Platform p = withToken(token, Map.of("platform.secrets.vault.namespace", "team-a", "platform.secrets.vault.revoke-on-close", "true"));
    secrets(p).get("kv/payments#user");
    p.close();
    assertThat(vault.namespaces).containsExactly("team-a");
    assertThat(vault.count("POST /v1/auth/token/revoke-self")).isEqualTo(1);
    assertThat(vault.tokens).doesNotContainKey(token);
  }

  @Test
  void infoAndHealthShowReferencesAndNeverValuesOrTokens() throws Exception {
    String token = vault.createToken(Duration.ofHours(1), true, Duration.ofHours(24));
    Platform p = withToken(token);
    secrets(p).get("kv/payments#api-key");
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    Map<String, String> bodies = new LinkedHashMap<>();
    for (String path : List.of("/info", "/health/ready")) {
      bodies.put(
          path,
          http.send(
                  java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + p.admin().port() + path)).build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString())
              .body());
    }
    assertThat(bodies.get("/info")).contains("\"kv/payments\"").contains("api-key").doesNotContain("pay-key-v1").doesNotContain(token);
    assertThat(bodies.get("/health/ready")).contains("\"name\":\"secrets\"").doesNotContain("pay-key-v1").doesNotContain(token);
  }
}
