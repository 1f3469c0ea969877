package dev.paved.config.secrets;

/**
 * A secret could not be read. The message names the reference and the cause — an HTTP status,
 * "connection refused", a time-out — and never a token, a value or a response body.
 */
public final class SecretException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SecretException(String message) {
    super(message);
  }
}
