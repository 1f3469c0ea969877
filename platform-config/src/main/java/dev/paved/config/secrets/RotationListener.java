package dev.paved.config.secrets;

/** Told that a secret has a new value, for example to rebuild a connection pool's credentials. */
@FunctionalInterface
public interface RotationListener {
  /**
   * Called on the secrets thread once the new value is in use by {@code Secrets.get}. The previous
   * value stays valid until its lease ends. An exception is logged (never the values) and counted.
   */
  void onRotate(Secret previous, Secret current) throws Exception;
}
