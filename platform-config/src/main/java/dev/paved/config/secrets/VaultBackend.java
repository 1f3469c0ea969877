package dev.paved.config.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.jopenlibs.vault.EnvironmentLoader;
import io.github.jopenlibs.vault.SslConfig;
import io.github.jopenlibs.vault.Vault;
import io.github.jopenlibs.vault.VaultConfig;
import io.github.jopenlibs.vault.VaultException;
import io.github.jopenlibs.vault.response.AuthResponse;
import io.github.jopenlibs.vault.response.LogicalResponse;
import io.github.jopenlibs.vault.response.LookupResponse;
import io.github.jopenlibs.vault.response.VaultResponse;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vault through {@code io.github.jopenlibs:vault-java-driver}: token, AppRole or Kubernetes
 * authentication, token renewal at about two thirds of its TTL with jitter, logging in again when
 * renewal fails or the token nears its maximum TTL, never using an expired token.
 *
 * <p>The driver is configured so it cannot get in the way: no retries of its own (its retry sleep
 * swallows interrupts; Paved retries with backoff on its own thread), no environment read behind
 * Paved's back, one shared HTTP client with bounded connect and read timeouts. Its exception
 * messages can contain Vault's response bodies, so they are never logged: only the HTTP status
 * or the kind of I/O failure is.
 */
final class VaultBackend implements SecretBackend {
  private static final Logger LOG = LoggerFactory.getLogger(VaultBackend.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How Paved authenticates. */
  enum AuthMethod {
    TOKEN,
    APPROLE,
    KUBERNETES
  }

  /** Everything the backend needs, read from configuration by the module. */
  record Settings(
      String address,
      @Nullable String namespace,
      AuthMethod method,
      String authMount,
      @Nullable String token,
      @Nullable String roleId,
      @Nullable String secretId,
      @Nullable String role,
      Path jwtFile,
      @Nullable Path caFile,
      Duration connectTimeout,
      Duration readTimeout,
      Set<String> kvV2Mounts,
      boolean revokeOnClose) {}

  private final Settings settings;
  private final Clock clock;
  private final VaultConfig config;
  private final Vault vault;
  private final Object tokenLock = new Object();
  private volatile @Nullable Instant tokenExpiry; // null: the token does not expire
  private volatile Instant renewAt = Instant.MAX;
  private volatile @Nullable Instant maxExpiry;
  private volatile boolean tokenRenewable;
  private volatile Duration tokenTtl = Duration.ZERO;
  private volatile Duration baseTtl = Duration.ZERO; // the TTL the token had when issued: each renewal asks for it
  private volatile int failures;
  private volatile @Nullable String lastError;

  VaultBackend(Settings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    try {
      SslConfig ssl = new SslConfig();
      Path ca = settings.caFile();
      if (ca != null) {
        ssl = ssl.pemFile(ca.toFile());
      }
      ssl = ssl.build();
      HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(settings.connectTimeout());
      if (ca != null) {
        http.sslContext(ssl.getSslContext());
      }
      VaultConfig c =
          new VaultConfig()
              .environmentLoader(new NoEnvironment())
              .address(settings.address())
              .engineVersion(1) // KV v2 paths are built here, explicitly
              .openTimeout(seconds(settings.connectTimeout()))
              .readTimeout(seconds(settings.readTimeout()))
              .sslConfig(ssl)
              .httpClient(http.build());
      String ns = settings.namespace();
      if (ns != null && !ns.isBlank()) {
        c = c.nameSpace(ns);
      }
      String token = settings.token();
      if (token != null) {
        c = c.token(token);
      }
      this.config = c.build();
    } catch (VaultException e) {
      throw new SecretException("Vault client configuration is invalid: " + describe(e));
    }
    this.vault = Vault.create(config);
  }

  private static int seconds(Duration d) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (d.toMillis() + 999) / 1000));
  }

  @Override
  public String fixFor(SecretReference reference) {
    return "check that Vault is reachable and unsealed, and that the token's policies allow reading " + reference;
  }

  @Override
  public String name() {
    return "vault";
  }

  @Override
  public void start() {
    if (settings.method() == AuthMethod.TOKEN) {
      if (config.getToken() == null || config.getToken().isBlank()) {
        throw new SecretException(
            "no Vault token: set VAULT_TOKEN or platform.secrets.vault.auth.token-file, or use approle or kubernetes"
                + " authentication");
      }
      lookup();
    } else {
      login();
    }
  }

  /** Learns the token's TTL, renewability and maximum lifetime, and schedules its renewal. */
  private void lookup() {
    try {
      LookupResponse r = vault.auth().lookupSelf();
      Instant now = clock.instant();
      long ttl = r.getTTL();
      tokenRenewable = r.isRenewable();
      long explicitMax = r.getExplicitMaxTTL();
      maxExpiry = explicitMax > 0 ? Instant.ofEpochSecond(r.getCreationTime()).plusSeconds(explicitMax) : maxExpiry;
      baseTtl = Duration.ofSeconds(r.getCreationTTL() > 0 ? r.getCreationTTL() : ttl);
      setTtl(now, Duration.ofSeconds(ttl));
    } catch (VaultException e) {
      throw new SecretException("Vault token lookup failed: " + describe(e));
    }
  }

  private void setTtl(Instant now, Duration ttl) {
    if (ttl.isZero()) {
      tokenExpiry = null; // a root or periodic-less token that never expires
      renewAt = Instant.MAX;
      return;
    }
    tokenTtl = ttl;
    tokenExpiry = now.plus(ttl);
    renewAt = now.plus(twoThirdsWithJitter(ttl));
  }

  /** About two thirds of {@code ttl}, minus up to a tenth of it at random. */
  static Duration twoThirdsWithJitter(Duration ttl) {
    long ms = ttl.toMillis();
    long jitter = ms / 10 == 0 ? 0 : ThreadLocalRandom.current().nextLong(ms / 10);
    return Duration.ofMillis(ms * 2 / 3 - jitter);
  }

  private void login() {
    synchronized (tokenLock) {
      try {
        AuthResponse r;
        if (settings.method() == AuthMethod.APPROLE) {
          r = vault.auth().loginByAppRole(settings.authMount(), required(settings.roleId(), "role-id"), required(settings.secretId(), "secret-id"));
        } else {
          String jwt = Files.readString(settings.jwtFile(), StandardCharsets.UTF_8).strip();
          r = vault.auth().loginByKubernetes(required(settings.role(), "role"), jwt, "auth/" + settings.authMount());
        }
        String token = r.getAuthClientToken();
        if (token == null || token.isBlank()) {
          throw new SecretException("Vault login (" + method() + ") answered without a client token");
        }
        config.token(token);
        Instant now = clock.instant();
        tokenRenewable = r.isAuthRenewable();
        maxExpiry = null;
        baseTtl = Duration.ofSeconds(r.getAuthLeaseDuration());
        setTtl(now, baseTtl);
        failures = 0;
        lastError = null;
        LOG.info("Logged in to Vault ({}); token valid for {}", method(), tokenTtl);
      } catch (VaultException e) {
        throw new SecretException("Vault login (" + method() + ") failed: " + describe(e));
      } catch (IOException e) {
        throw new SecretException(
            "Vault login (kubernetes) failed: cannot read the service account token " + settings.jwtFile() + " ("
                + e.getClass().getSimpleName() + ")");
      }
    }
  }

  private String method() {
    return settings.method().name().toLowerCase(java.util.Locale.ROOT);
  }

  private static String required(@Nullable String value, String what) {
    if (value == null || value.isBlank()) {
      throw new SecretException("Vault login needs a " + what + "; see docs/secrets.md");
    }
    return value;
  }

  private boolean canLogin() {
    return settings.method() != AuthMethod.TOKEN;
  }

  @Override
  public void maintain(Instant now) {
    if (now.isBefore(renewAt)) {
      return;
    }
    try {
      Instant max = maxExpiry;
      // Near its maximum TTL: a renewal could not give it a full TTL any more.
      boolean nearMax = max != null && max.isBefore(now.plus(baseTtl));
      if (canLogin() && (!tokenRenewable || nearMax)) {
        login();
        return;
      }
      if (!tokenRenewable) {
        renewAt = Instant.MAX; // nothing to do: it will expire, and there is no way to log in again
        LOG.warn("The Vault token is not renewable and expires at {}; secrets will be served from memory after that", tokenExpiry);
        return;
      }
      AuthResponse r = vault.auth().renewSelf(baseTtl.toSeconds());
      Duration granted = Duration.ofSeconds(r.getAuthLeaseDuration());
      setTtl(now, granted);
      failures = 0;
      lastError = null;
      if (granted.compareTo(baseTtl) < 0) {
        // Vault capped the renewal at the token's maximum TTL: log in again (or, with a plain
        // token, renew what is left) before it ends.
        maxExpiry = now.plus(granted);
      }
      LOG.debug("Vault token renewed for {}", granted);
    } catch (VaultException | SecretException e) {
      String cause = e instanceof VaultException ve ? describe(ve) : e.getMessage();
      if (canLogin()) {
        try {
          login();
          return;
        } catch (SecretException again) {
          cause = again.getMessage();
        }
      }
      failures++;
      lastError = cause;
      Duration backoff = Duration.ofSeconds(Math.min(60, 1L << Math.min(6, failures)));
      renewAt = now.plus(backoff);
      LOG.warn("Vault token renewal failed ({}); retrying in {}; secrets keep being served from memory", cause, backoff);
    }
  }

  /** Refuses to use an expired token: logs in again if it can, else fails the call. */
  private void ensureToken() {
    Instant expiry = tokenExpiry;
    if (expiry != null && !clock.instant().isBefore(expiry)) {
      if (canLogin()) {
        login();
      } else {
        throw new SecretException("the Vault token has expired and cannot be renewed; provide a new one and restart");
      }
    }
  }

  @Override
  public Fetched read(String path) {
    ensureToken();
    SecretReference mountOf = new SecretReference(path, "x");
    boolean kv2 = settings.kvV2Mounts().contains(mountOf.mount());
    String apiPath = kv2 ? mountOf.mount() + "/data/" + path.substring(mountOf.mount().length() + 1) : path;
    try {
      LogicalResponse r = vault.logical().read(apiPath);
      int status = r.getRestResponse().getStatus();
      if (status != 200) {
        throw new SecretException(path + ": " + statusText(status));
      }
      JsonNode body = JSON.readTree(r.getRestResponse().getBody());
      JsonNode data = body.path("data");
      long version = 0;
      if (kv2) {
        version = data.path("metadata").path("version").asLong(0);
        data = data.path("data");
      }
      if (!data.isObject()) {
        throw new SecretException(path + ": Vault's answer has no data");
      }
      Map<String, String> values = new LinkedHashMap<>();
      data.fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()));
      String leaseId = body.path("lease_id").asText("");
      return new Fetched(
          values,
          version,
          leaseId.isEmpty() ? null : leaseId,
          Duration.ofSeconds(body.path("lease_duration").asLong(0)),
          body.path("renewable").asBoolean(false));
    } catch (VaultException e) {
      throw new SecretException(path + ": " + describe(e));
    } catch (IOException e) {
      throw new SecretException(path + ": Vault's answer is not JSON");
    }
  }

  @Override
  public Duration renewLease(String leaseId, Duration increment) {
    ensureToken();
    try {
      VaultResponse r = vault.leases().renew(leaseId, increment.toSeconds());
      JsonNode body = JSON.readTree(r.getRestResponse().getBody());
      return Duration.ofSeconds(body.path("lease_duration").asLong(0));
    } catch (VaultException e) {
      throw new SecretException("lease renewal: " + describe(e));
    } catch (IOException e) {
      throw new SecretException("lease renewal: Vault's answer is not JSON");
    }
  }

  @Override
  public Map<String, Object> status() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("source", "vault");
    m.put("auth", method());
    Instant expiry = tokenExpiry;
    m.put("tokenExpiresAt", expiry == null ? "never" : expiry.toString());
    m.put("tokenRenewable", tokenRenewable);
    String error = lastError;
    if (error != null) {
      m.put("lastError", error);
    }
    return m;
  }

  boolean tokenExpired(Instant now) {
    Instant expiry = tokenExpiry;
    return expiry != null && !now.isBefore(expiry);
  }

  @Override
  public void close() {
    if (settings.revokeOnClose() && config.getToken() != null) {
      try {
        vault.auth().revokeSelf();
        LOG.info("Vault token revoked");
      } catch (VaultException e) {
        LOG.warn("Vault token revocation failed: {}", describe(e));
      }
    }
  }

  /** What went wrong, without the driver's message (which can hold Vault's response body). */
  static String describe(VaultException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof InterruptedException) {
        Thread.currentThread().interrupt(); // the driver wraps it without restoring the flag
        return "interrupted";
      }
      if (t instanceof HttpTimeoutException) {
        return "Vault did not answer in time (read timeout)";
      }
      if (t instanceof ConnectException) {
        return "connection refused or unreachable";
      }
      if (t instanceof java.nio.channels.UnresolvedAddressException || t instanceof java.net.UnknownHostException) {
        return "unknown host";
      }
      if (t instanceof javax.net.ssl.SSLException) {
        return "TLS handshake failed (check platform.secrets.vault.tls.ca-file)";
      }
    }
    int status = e.getHttpStatusCode();
    if (status > 0) {
      return statusText(status);
    }
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root == e ? "request failed" : root.getClass().getSimpleName();
  }

  static String statusText(int status) {
    return switch (status) {
      case 400 -> "Vault answered 400 (bad request: for a renewal, the maximum TTL may be reached)";
      case 403 -> "Vault answered 403 (permission denied: check the token's policies)";
      case 404 -> "Vault answered 404 (no secret at this path)";
      case 429 -> "Vault answered 429 (rate limited)";
      case 503 -> "Vault answered 503 (sealed or in maintenance)";
      default -> "Vault answered " + status;
    };
  }

  /** The driver reads VAULT_* variables by default; Paved decides what it reads. */
  private static final class NoEnvironment extends EnvironmentLoader {
    private static final long serialVersionUID = 1L;

    @Override
    public @Nullable String loadVariable(String name) {
      return null;
    }
  }
}
