package dev.paved.core.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Child processes Paved starts (the test kit's service process, the build's training run). Internal: not for public use. */
public final class ChildProcesses {
  private ChildProcesses() {}

  /** Kills {@code process} if it still runs and waits up to {@code wait} for it to go. */
  public static void kill(Process process, Duration wait) {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
