package dev.paved.config.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.paved.test.TestClock;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A WIRE-LEVEL FAKE of Vault's documented HTTP API — no Vault server can be installed on these
 * machines. It answers with the response shapes of Vault's API documentation
 * (https://developer.hashicorp.com/vault/api-docs): KV v2 reads ({@code data.data}, {@code
 * data.metadata.version}), {@code auth/token/lookup-self}, {@code auth/token/renew-self}, AppRole
 * and Kubernetes login ({@code auth.client_token}, {@code lease_duration}, {@code renewable}),
 * dynamic database credentials with a lease, {@code sys/leases/renew}, and the error shape {@code
 * {"errors":[...]}} for 400, 403 and 503 (sealed). Time comes from the test's clock, so TTLs and
 * maximum TTLs behave as Vault's do when the test moves time.
 */
final class FakeVault implements AutoCloseable {
  static final String ROOT_MARKER = "BODY-MARKER-never-in-a-message";
  private static final ObjectMapper JSON = new ObjectMapper();

  record Token(String id, Duration ttl, boolean renewable, Instant created, Duration maxTtl, Instant expiry) {}

  record Lease(String id, Instant issued, Duration ttl, Duration maxTtl, Instant expiry) {}

  private final TestClock clock;
  private final HttpServer server;
  final Map<String, Token> tokens = new ConcurrentHashMap<>();
  final Map<String, Map<String, String>> kv = new ConcurrentHashMap<>();
  final Map<String, Integer> kvVersions = new ConcurrentHashMap<>();
  final Map<String, Lease> leases = new ConcurrentHashMap<>();
  final List<String> requests = java.util.Collections.synchronizedList(new ArrayList<>());
  final AtomicInteger logins = new AtomicInteger();
  final java.util.Set<String> namespaces = ConcurrentHashMap.newKeySet();
  final AtomicInteger credentialsIssued = new AtomicInteger();
  volatile boolean sealed;
  volatile boolean hang;
  volatile boolean denyRenewSelf;
  volatile Duration loginTtl = Duration.ofSeconds(60);
  volatile Duration loginMaxTtl = Duration.ofSeconds(90);
  volatile Duration leaseTtl = Duration.ofSeconds(60);
  volatile Duration leaseMaxTtl = Duration.ofSeconds(90);
  volatile String roleId = "role-1234";
  volatile String secretId = "secret-id-5678";
  volatile String kubernetesRole = "orders";
  volatile String jwt = "jwt-header.jwt-payload.jwt-signature";
  private final CountDownLatch released = new CountDownLatch(1);

  FakeVault(TestClock clock) throws IOException {
    this.clock = clock;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.createContext("/", this::handle);
    server.start();
  }

  String address() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** A token as {@code vault token create} would make it. */
  String createToken(Duration ttl, boolean renewable, Duration maxTtl) {
    String id = "hvs.token-" + java.util.UUID.randomUUID();
    Instant now = clock.instant();
    tokens.put(id, new Token(id, ttl, renewable, now, maxTtl, now.plus(ttl)));
    return id;
  }

  void putKv(String mountAndPath, Map<String, String> data) {
    kv.put(mountAndPath, Map.copyOf(data));
    kvVersions.merge(mountAndPath, 1, Integer::sum);
  }

  int count(String prefix) {
    synchronized (requests) {
      return (int) requests.stream().filter(r -> r.startsWith(prefix)).count();
    }
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String method = ex.getRequestMethod();
      String path = ex.getRequestURI().getPath();
      requests.add(method + " " + path);
      String ns = ex.getRequestHeaders().getFirst("X-Vault-Namespace");
      if (ns != null) {
        namespaces.add(ns);
      }
      if (hang) {
        try {
          released.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return;
      }
      if (sealed) {
        error(ex, 503, "Vault is sealed");
        return;
      }
      byte[] body = ex.getRequestBody().readAllBytes();
      JsonNode request = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
      Instant now = clock.instant();
      if (path.equals("/v1/auth/approle/login") && method.equals("POST")) {
        if (!roleId.equals(request.path("role_id").asText()) || !secretId.equals(request.path("secret_id").asText())) {
          error(ex, 400, "invalid role or secret ID");
          return;
        }
        login(ex, now);
        return;
      }
      if (path.equals("/v1/auth/kubernetes/login") && method.equals("POST")) {
        if (!kubernetesRole.equals(request.path("role").asText()) || !jwt.equals(request.path("jwt").asText())) {
          error(ex, 403, "permission denied");
          return;
        }
        login(ex, now);
        return;
      }
      Token token = tokens.get(String.valueOf(ex.getRequestHeaders().getFirst("X-Vault-Token")));
      if (token == null || !now.isBefore(token.expiry())) {
        error(ex, 403, "permission denied");
        return;
      }
      if (path.equals("/v1/auth/token/lookup-self")) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("accessor", "accessor-" + token.id().hashCode());
        data.put("creation_time", token.created().getEpochSecond());
        data.put("creation_ttl", token.ttl().toSeconds());
        data.put("display_name", "token");
        data.put("explicit_max_ttl", token.maxTtl().toSeconds());
        data.put("id", token.id());
        data.put("num_uses", 0);
        data.put("orphan", false);
        data.put("path", "auth/token/create");
        data.put("policies", List.of("default", "orders"));
        data.put("renewable", token.renewable());
        data.put("ttl", Duration.between(now, token.expiry()).toSeconds());
        json(ex, 200, Map.of("request_id", "r", "lease_id", "", "renewable", false, "lease_duration", 0, "data", data));
        return;
      }
      if (path.equals("/v1/auth/token/renew-self")) {
        if (denyRenewSelf || !token.renewable()) {
          error(ex, 403, "permission denied");
          return;
        }
        Instant max = token.created().plus(token.maxTtl());
        long increment = request.path("increment").asLong(token.ttl().toSeconds());
        Duration granted = Duration.ofSeconds(Math.min(increment, Duration.between(now, max).toSeconds()));
        if (granted.isNegative() || granted.isZero()) {
          error(ex, 400, "token has reached its max TTL");
          return;
        }
        tokens.put(token.id(), new Token(token.id(), token.ttl(), true, token.created(), token.maxTtl(), now.plus(granted)));
        json(ex, 200, authResponse(auth(token.id(), granted, true)));
        return;
      }
      if (path.startsWith("/v1/auth/token/revoke-self")) {
        tokens.remove(token.id());
        ex.sendResponseHeaders(204, -1);
        return;
      }
      if (path.startsWith("/v1/kv/data/") || path.startsWith("/v1/secret/data/")) {
        String mount = path.substring(4, path.indexOf("/data/"));
        String key = mount + "/" + path.substring(path.indexOf("/data/") + 6);
        Map<String, String> data = kv.get(key);
        if (key.contains("forbidden")) {
          error(ex, 403, "permission denied");
          return;
        }
        if (data == null) {
          json(ex, 404, Map.of("errors", List.of()));
          return;
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("created_time", now.toString());
        metadata.put("custom_metadata", null);
        metadata.put("deletion_time", "");
        metadata.put("destroyed", false);
        metadata.put("version", kvVersions.get(key));
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("data", data);
        inner.put("metadata", metadata);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("request_id", "r");
        out.put("lease_id", "");
        out.put("renewable", false);
        out.put("lease_duration", 0);
        out.put("data", inner);
        out.put("wrap_info", null);
        out.put("warnings", null);
        out.put("auth", null);
        json(ex, 200, out);
        return;
      }
      if (path.startsWith("/v1/database/creds/")) {
        int n = credentialsIssued.incrementAndGet();
        String leaseId = path.substring(4) + "/lease-" + n;
        leases.put(leaseId, new Lease(leaseId, now, leaseTtl, leaseMaxTtl, now.plus(leaseTtl)));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("request_id", "r");
        out.put("lease_id", leaseId);
        out.put("renewable", true);
        out.put("lease_duration", leaseTtl.toSeconds());
        out.put("data", Map.of("username", "v-orders-" + n, "password", "db-password-" + n + "-A1b2C3"));
        json(ex, 200, out);
        return;
      }
      if (path.startsWith("/v1/sys/leases/renew")) {
        String leaseId = path.length() > "/v1/sys/leases/renew/".length() ? path.substring("/v1/sys/leases/renew/".length()) : request.path("lease_id").asText();
        Lease lease = leases.get(leaseId);
        if (lease == null || !now.isBefore(lease.expiry())) {
          error(ex, 400, "lease not found or lease is not renewable");
          return;
        }
        Instant max = lease.issued().plus(lease.maxTtl());
        long increment = request.path("increment").asLong(lease.ttl().toSeconds());
        long granted = Math.min(increment, Duration.between(now, max).toSeconds());
        if (granted <= 0) {
          error(ex, 400, "lease is past its max TTL");
          return;
        }
        leases.put(leaseId, new Lease(leaseId, lease.issued(), lease.ttl(), lease.maxTtl(), now.plusSeconds(granted)));
        json(ex, 200, Map.of("lease_id", leaseId, "renewable", true, "lease_duration", granted));
        return;
      }
      error(ex, 404, "no handler for route " + path);
    }
  }

  private void login(HttpExchange ex, Instant now) throws IOException {
    logins.incrementAndGet();
    String id = "hvs.login-" + java.util.UUID.randomUUID();
    tokens.put(id, new Token(id, loginTtl, true, now, loginMaxTtl, now.plus(loginTtl)));
    json(ex, 200, authResponse(auth(id, loginTtl, true)));
  }

  /** The envelope Vault wraps an auth block in: top-level lease fields are present and empty. */
  private static Map<String, Object> authResponse(Map<String, Object> auth) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("request_id", "r");
    out.put("lease_id", "");
    out.put("renewable", false);
    out.put("lease_duration", 0);
    out.put("data", null);
    out.put("wrap_info", null);
    out.put("warnings", null);
    out.put("auth", auth);
    return out;
  }

  private static Map<String, Object> auth(String token, Duration ttl, boolean renewable) {
    Map<String, Object> auth = new LinkedHashMap<>();
    auth.put("client_token", token);
    auth.put("accessor", "accessor-" + token.hashCode());
    auth.put("policies", List.of("default", "orders"));
    auth.put("token_policies", List.of("default", "orders"));
    auth.put("metadata", Map.of());
    auth.put("lease_duration", ttl.toSeconds());
    auth.put("renewable", renewable);
    return auth;
  }

  /** Vault's error shape; the body also carries a marker that must never reach a message or a log. */
  private static void error(HttpExchange ex, int status, String message) throws IOException {
    json(ex, status, Map.of("errors", List.of(message, ROOT_MARKER)));
  }

  private static void json(HttpExchange ex, int status, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    released.countDown();
    server.stop(0);
  }

}
