package dev.paved.config.secrets;

import dev.paved.core.ConfigKey;
import java.time.Duration;
import java.util.List;

/** The keys of the secrets module, with their defaults; see {@code docs/secrets.md}. */
public final class SecretsSettings {
  private SecretsSettings() {}

  static final ConfigKey<String> VAULT_ADDRESS =
      ConfigKey.string("platform.secrets.vault.address")
          .withDescription("Vault's address, such as https://vault.internal:8200; VAULT_ADDR when not set. Without one, the development source is used.");
  static final ConfigKey<String> VAULT_NAMESPACE =
      ConfigKey.string("platform.secrets.vault.namespace").withDescription("Vault Enterprise namespace; VAULT_NAMESPACE when not set.");
  static final ConfigKey<VaultBackend.AuthMethod> AUTH_METHOD =
      ConfigKey.enumeration("platform.secrets.vault.auth.method", VaultBackend.AuthMethod.class)
          .withDefault("token")
          .withDescription("token (VAULT_TOKEN or a token file), approle or kubernetes.");
  static final ConfigKey<String> AUTH_MOUNT =
      ConfigKey.string("platform.secrets.vault.auth.mount")
          .withDescription("The auth method's mount path; approle or kubernetes when not set.");
  static final ConfigKey<String> TOKEN_FILE =
      ConfigKey.string("platform.secrets.vault.auth.token-file").withDescription("A file holding the Vault token (instead of VAULT_TOKEN).");
  static final ConfigKey<String> ROLE_ID =
      ConfigKey.string("platform.secrets.vault.auth.role-id").withDescription("AppRole role id.");
  static final ConfigKey<String> SECRET_ID_FILE =
      ConfigKey.string("platform.secrets.vault.auth.secret-id-file")
          .withDescription("A file holding the AppRole secret id (else VAULT_SECRET_ID).");
  static final ConfigKey<String> ROLE =
      ConfigKey.string("platform.secrets.vault.auth.role").withDescription("Kubernetes auth role.");
  static final ConfigKey<String> JWT_FILE =
      ConfigKey.string("platform.secrets.vault.auth.jwt-file")
          .withDefault("/var/run/secrets/kubernetes.io/serviceaccount/token")
          .withDescription("The service account token for Kubernetes auth.");
  static final ConfigKey<String> CA_FILE =
      ConfigKey.string("platform.secrets.vault.tls.ca-file").withDescription("PEM file of the CA that signed Vault's certificate.");
  static final ConfigKey<Duration> CONNECT_TIMEOUT =
      ConfigKey.duration("platform.secrets.vault.connect-timeout").withDefault("2s").withDescription("Connect timeout to Vault.");
  static final ConfigKey<Duration> READ_TIMEOUT =
      ConfigKey.duration("platform.secrets.vault.read-timeout")
          .withDefault("5s")
          .withDescription("Time Vault has to answer one request (whole seconds, at least 1s).");
  static final ConfigKey<List<String>> KV_V2_MOUNTS =
      ConfigKey.list("platform.secrets.vault.kv-v2-mounts")
          .withDefault("secret,kv")
          .withDescription("Mounts that are KV version 2 (read at <mount>/data/<path>); other paths are read as they are.");
  static final ConfigKey<Boolean> REVOKE_ON_CLOSE =
      ConfigKey.bool("platform.secrets.vault.revoke-on-close").withDefault("false").withDescription("Revoke the token at shutdown.");
  static final ConfigKey<List<String>> REQUIRED =
      ConfigKey.list("platform.secrets.required")
          .withDefault("")
          .withDescription("References (path#key) that must be readable for start-up to succeed.");
  static final ConfigKey<Duration> STARTUP_TIMEOUT =
      ConfigKey.duration("platform.secrets.startup-timeout")
          .withDefault("10s")
          .withDescription("How long start-up tries to read the required secrets before it fails.");
  static final ConfigKey<Duration> REFRESH_INTERVAL =
      ConfigKey.duration("platform.secrets.refresh-interval")
          .withDefault("5m")
          .withDescription("How often secrets without a lease (KV) are read again to see a new version.");
  static final ConfigKey<Duration> STALE_AFTER =
      ConfigKey.duration("platform.secrets.stale-after")
          .withDefault("15m")
          .withDescription("Readiness is DEGRADED when a secret has been served from memory for longer.");
  static final ConfigKey<String> DEV_FILE =
      ConfigKey.string("platform.secrets.dev.file")
          .withDescription("Development source: a properties file of path#key=value, besides environment variables.");
  static final ConfigKey<Boolean> DEV_IN_PRODUCTION =
      ConfigKey.bool("platform.secrets.dev.allow-in-production")
          .withDefault("false")
          .withDescription("Allow the development source when the environment is production.");

  /** Every key of the secrets module. */
  public static List<ConfigKey<?>> keys() {
    return List.of(
        VAULT_ADDRESS, VAULT_NAMESPACE, AUTH_METHOD, AUTH_MOUNT, TOKEN_FILE, ROLE_ID, SECRET_ID_FILE, ROLE, JWT_FILE, CA_FILE,
        CONNECT_TIMEOUT, READ_TIMEOUT, KV_V2_MOUNTS, REVOKE_ON_CLOSE, REQUIRED, STARTUP_TIMEOUT, REFRESH_INTERVAL, STALE_AFTER,
        DEV_FILE, DEV_IN_PRODUCTION);
  }
}
