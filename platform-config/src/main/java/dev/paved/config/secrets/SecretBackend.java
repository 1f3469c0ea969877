package dev.paved.config.secrets;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Where secret values come from: Vault, or a development source. */
interface SecretBackend extends AutoCloseable {

  /** One read of a path: its keys and values, its version, and its lease if it has one. */
  record Fetched(Map<String, String> data, long version, @Nullable String leaseId, Duration leaseDuration, boolean renewable) {
    public Fetched {
      data = Map.copyOf(data);
    }
  }

  /** {@code vault} or {@code development}. */
  String name();

  /** Authenticates. */
  void start() throws SecretException;

  /** Reads a path. */
  Fetched read(String path) throws SecretException;

  /**
   * Renews a lease by {@code increment}; returns the lease duration Vault granted. A source whose
   * reads carry no lease (the development and test sources) never gets here; refusing is its answer.
   */
  default Duration renewLease(String leaseId, Duration increment) throws SecretException {
    throw new SecretException("the " + name() + " source has no leases");
  }

  /** Keeps the authentication alive (token renewal, login again); never throws. Nothing to keep by default. */
  default void maintain(Instant now) {}

  /**
   * Whether a value that could not be read may appear later (Vault coming back); false for a
   * source that cannot change while the process runs, where waiting for it only delays the failure.
   */
  default boolean mayChange() {
    return true;
  }

  /** The fix to show when {@code reference} cannot be read from this source. */
  String fixFor(SecretReference reference);

  /** For health and {@code /info}: never a token or a value. */
  Map<String, Object> status();

  /** Nothing to release by default. */
  @Override
  default void close() {}
}
