package dev.paved.examples.eventconsumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The service's work: one order event, {@code {"type":"order-viewed","orderId":"42"}}. */
final class OrderEvents {
  private static final Logger LOG = LoggerFactory.getLogger(OrderEvents.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private final AtomicLong viewed = new AtomicLong();

  /**
   * Counts an order view and logs it (the log line carries the trace id of the HTTP request that
   * read the order). A value that is not such an event is an {@link IllegalArgumentException}.
   */
  void handle(ConsumerRecord<String, String> record) {
    JsonNode event;
    try {
      event = JSON.readTree(record.value() == null ? "" : record.value());
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON at offset " + record.offset());
    }
    if (event == null || !event.path("orderId").isTextual() || !"order-viewed".equals(event.path("type").asText())) {
      throw new IllegalArgumentException("not an order-viewed event at offset " + record.offset());
    }
    long total = viewed.incrementAndGet();
    LOG.atInfo().addKeyValue("order.id", event.path("orderId").asText()).addKeyValue("orders.viewed", total).log("order event processed");
  }

  long viewed() {
    return viewed.get();
  }
}
