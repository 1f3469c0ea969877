package dev.paved.observability;

/**
 * Thrown by a job that decides not to run (it finds the previous run's lock still held, say):
 * recorded as {@link JobOutcome#SKIPPED}, exit code 4 from {@link Jobs#runOnce}, and not a
 * success for the job's freshness.
 */
public final class JobSkippedException extends Exception {
  private static final long serialVersionUID = 1L;

  public JobSkippedException(String reason) {
    super(reason);
  }
}
