package dev.paved.resilience;

/** A call was refused because the dependency's adaptive concurrency limit was reached. */
public final class ConcurrencyLimitException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  ConcurrencyLimitException(String dependency, int limit) {
    super("Call to dependency '" + dependency + "' refused: its adaptive concurrency limit (" + limit + ") is reached", null, false, false);
  }
}
