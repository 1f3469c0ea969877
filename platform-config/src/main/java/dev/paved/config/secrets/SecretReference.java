package dev.paved.config.secrets;

import java.util.Objects;

/**
 * Where a secret lives: a Vault path and a key in it, written {@code path#key} — {@code
 * kv/payments#api-key} is the key {@code api-key} of the KV secret {@code payments} on the mount
 * {@code kv}; {@code database/creds/orders#password} a field of dynamic database credentials.
 */
public record SecretReference(String path, String key) {
  public SecretReference {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(key, "key");
  }

  /**
   * Parses {@code path#key}.
   *
   * @throws IllegalArgumentException naming what is wrong (a reference is not a secret, so it is
   *     shown)
   */
  public static SecretReference parse(String reference) {
    Objects.requireNonNull(reference, "reference");
    int hash = reference.indexOf('#');
    String path = hash < 0 ? reference : reference.substring(0, hash);
    String key = hash < 0 ? "" : reference.substring(hash + 1);
    if (hash < 0 || path.isBlank() || key.isBlank() || key.indexOf('#') >= 0 || path.startsWith("/") || path.endsWith("/")
        || path.contains("//") || !path.contains("/")) {
      throw new IllegalArgumentException(
          "reference: '" + reference + "' (expected: mount/path#key, such as kv/payments#api-key)");
    }
    return new SecretReference(path, key);
  }

  /** The mount: the first segment of the path. */
  public String mount() {
    return path.substring(0, path.indexOf('/'));
  }

  @Override
  public String toString() {
    return path + "#" + key;
  }
}
