package dev.paved.core.internal;

import org.slf4j.Logger;

/**
 * Runs one step of graceful shutdown and logs it the one way the platform's phases are logged: a
 * line with {@code "event.kind":"shutdown_phase"} and {@code "paved.shutdown.phase"} when it
 * finishes (what {@code ServiceProcess.shutdownPhases()} reads), its failure logged and never
 * thrown. Internal: not for public use.
 */
public final class ShutdownPhase {
  private ShutdownPhase() {}

  /**
   * Runs {@code action} as phase {@code phase}; {@code description} starts the log lines
   * ("Paved shutdown phase 'drain'", followed by "finished in 3 ms" or "failed").
   */
  public static void run(Logger log, String phase, String description, Runnable action) {
    long start = System.nanoTime();
    try {
      action.run();
    } catch (RuntimeException e) {
      log.warn("{} failed", description, e);
    }
    log.atInfo()
        .addKeyValue("event.kind", "shutdown_phase")
        .addKeyValue("paved.shutdown.phase", phase)
        .log("{} finished in {} ms", description, (System.nanoTime() - start) / 1_000_000);
  }
}
