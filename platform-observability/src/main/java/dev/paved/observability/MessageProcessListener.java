package dev.paved.observability;

/**
 * Told of every message {@link Messaging#process} handled, after its series is recorded: for
 * in-process consumers such as SLO tracking. Called on the processing thread, so it must be fast,
 * allocation-free and must not block; an exception it throws is swallowed.
 */
@FunctionalInterface
public interface MessageProcessListener {
  /**
   * @param destination the {@code messaging.destination.name}
   * @param failed whether the handler threw
   */
  void onMessageProcessed(String destination, boolean failed, long durationNanos);
}
