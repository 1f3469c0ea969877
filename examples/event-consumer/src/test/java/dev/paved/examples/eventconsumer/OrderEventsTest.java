package dev.paved.examples.eventconsumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paved.test.LogCapture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The handler alone; the whole service against a real broker runs in tests/service-builds. */
class OrderEventsTest {
  @RegisterExtension final LogCapture logs = LogCapture.of(OrderEvents.class);

  private static ConsumerRecord<String, String> record(String value) {
    return new ConsumerRecord<>("orders", 0, 7, "42", value);
  }

  @Test
  void anOrderViewedEventIsCountedAndLogged() {
    OrderEvents events = new OrderEvents();
    events.handle(record("{\"type\":\"order-viewed\",\"orderId\":\"42\"}"));
    assertThat(events.viewed()).isEqualTo(1);
    assertThat(logs.lines()).extracting(LogCapture.Line::message).containsExactly("order event processed");
  }

  @Test
  void aMalformedEventIsAnIllegalArgumentSoItGoesToTheDeadLetterTopicAtOnce() {
    OrderEvents events = new OrderEvents();
    assertThatThrownBy(() -> events.handle(record("{not json"))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset 7");
    assertThatThrownBy(() -> events.handle(record("{\"type\":\"order-deleted\"}"))).isInstanceOf(IllegalArgumentException.class);
    assertThat(events.viewed()).isZero();
  }
}
