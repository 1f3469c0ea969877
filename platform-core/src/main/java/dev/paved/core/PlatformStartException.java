package dev.paved.core;

/** A module or the admin server could not start. The message names which, and why. */
public final class PlatformStartException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PlatformStartException(String message, Throwable cause) {
    super(message, cause);
  }

  public PlatformStartException(String message) {
    super(message);
  }
}
