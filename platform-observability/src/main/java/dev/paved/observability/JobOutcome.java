package dev.paved.observability;

/** How a run of a job ended, and the exit code {@link Jobs#runOnce} gives a {@code CronJob} for it. */
public enum JobOutcome {
  /** The job returned. Exit code 0. */
  SUCCESS(0),
  /** The job threw. Exit code 1. */
  FAILURE(1),
  /** The job ran past its deadline and was interrupted. Exit code 3. */
  DEADLINE_EXCEEDED(3),
  /** The job declined to run ({@link JobSkippedException}): a previous run is still going, say. Exit code 4. */
  SKIPPED(4);

  private final int exitCode;

  JobOutcome(int exitCode) {
    this.exitCode = exitCode;
  }

  /** The process exit code; 2 is {@code Platform.EXIT_START_FAILED}. */
  public int exitCode() {
    return exitCode;
  }
}
