package dev.paved.observability;

/**
 * Told of every HTTP server request the instrumentation measured, after its RED series is
 * recorded: for in-process consumers such as SLO tracking. Called on the request's thread, so it
 * must be fast, allocation-free and must not block; an exception it throws is swallowed.
 */
@FunctionalInterface
public interface ServerRequestListener {
  /**
   * @param route the route template ({@code unmatched} when no template matched)
   * @param status the response status, or a value at or below 0 when none was sent
   */
  void onServerRequest(String route, int status, long durationNanos);
}
