package dev.paved.examples.scheduledjob;

import dev.paved.core.Platform;
import dev.paved.observability.Jobs;
import java.time.Duration;

/**
 * A job run once per process, as a Kubernetes {@code CronJob} runs it: Paved starts the platform,
 * runs the report as the root span {@code job orders-report} with a deadline of {@code
 * REPORT_DEADLINE} (default 5 minutes), shuts down gracefully (telemetry flushed) and exits with 0
 * on success, 1 on failure, 3 past the deadline, 4 when skipped, 2 when it could not start.
 */
public final class OrdersReportMain {
  private OrdersReportMain() {}

  public static void main(String[] args) {
    Duration deadline = Duration.parse("PT" + System.getenv().getOrDefault("REPORT_DEADLINE", "5M"));
    Jobs.runOnce(Platform.builder(), "orders-report", deadline, platform -> new OrdersReport().write());
  }
}
