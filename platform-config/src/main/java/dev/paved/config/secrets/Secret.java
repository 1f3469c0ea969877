package dev.paved.config.secrets;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.paved.core.Redaction;
import java.util.Objects;

/**
 * A secret value with its reference and version. Its {@code toString()}, its JSON form and
 * anything that renders it show {@code ******}; the value is read only through {@link #reveal()}.
 * Every value is also registered for masking, so it is replaced in every log line even when code
 * logs the revealed value by mistake.
 */
public final class Secret {
  private final SecretReference reference;
  private final String value;
  private final long version;

  Secret(SecretReference reference, String value, long version) {
    this.reference = Objects.requireNonNull(reference, "reference");
    this.value = Objects.requireNonNull(value, "value");
    this.version = version;
  }

  /** Where the secret lives. */
  public SecretReference reference() {
    return reference;
  }

  /** The value. Pass it to the client that needs it; never log or print it. */
  public String reveal() {
    return value;
  }

  /**
   * The version: Vault's KV v2 version, or a counter of the values read for other sources (a new
   * lease's credentials, a changed file).
   */
  public long version() {
    return version;
  }

  /** The masked form, also used for JSON. */
  @JsonValue
  @Override
  public String toString() {
    return "Secret[" + reference + "=" + Redaction.MASK + "]";
  }

  /** Equal when reference, version and value are equal; the hash code does not reveal the value. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Secret s && s.reference.equals(reference) && s.version == version && s.value.equals(value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(reference, version);
  }
}
