package dev.paved.examples.scheduledjob;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paved.test.LogCapture;
import dev.paved.test.ServiceProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class OrdersReportTest {
  @RegisterExtension final LogCapture logs = LogCapture.of(OrdersReport.class);

  @Test
  void theReportIsOneLogEventWithTheTotals() {
    assertThat(new OrdersReport().write()).isEqualTo(7500);
    assertThat(logs.lines()).extracting(LogCapture.Line::message).containsExactly("orders report written");
  }

  @Test
  void theJobRunsOnceAndExitsZeroWithItsRootSpanLogged() {
    try (ServiceProcess job = ServiceProcess.mainClass(OrdersReportMain.class).start()) {
      assertThat(job.awaitExit()).isZero();
      assertThat(job.events()).anySatisfy(e -> assertThat(e).containsEntry("message", "orders report written").containsKey("trace_id"));
    }
  }
}
