package dev.paved.examples.scheduledjob;

import java.util.stream.LongStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The job's work: a summary of the day's orders, as one log event. */
final class OrdersReport {
  private static final Logger LOG = LoggerFactory.getLogger(OrdersReport.class);

  /** Writes the report; returns the total it reported. */
  long write() {
    long total = LongStream.rangeClosed(1, 3).map(id -> id * 1250).sum(); // the example's three orders, in cents
    LOG.atInfo().addKeyValue("orders.count", 3).addKeyValue("orders.total_cents", total).log("orders report written");
    return total;
  }
}
