package dev.paved.examples.eventconsumer;

import dev.paved.core.Platform;
import dev.paved.messaging.Events;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Starts the example: the platform (admin port {@code PLATFORM_ADMIN_PORT}, default 8081) and a
 * consumer of the {@code orders} topic (brokers: {@code PLATFORM_MESSAGING_KAFKA_BOOTSTRAP_SERVERS}),
 * whose events {@code examples/http-api} sends when an order is read. Paved runs the poll loop:
 * one CONSUMER span per record continuing the producer's trace, commits after the handler,
 * retries, the dead-letter topic {@code orders.dlt}, lag metrics and graceful shutdown on SIGTERM.
 */
public final class EventConsumerMain {
  private EventConsumerMain() {}

  public static void main(String[] args) {
    Platform.run(
        Platform.builder(),
        platform ->
            Events.of(platform)
                .consumer("order-events", new StringDeserializer(), new StringDeserializer())
                .topics(System.getenv().getOrDefault("ORDER_EVENTS_TOPIC", "orders"))
                // A malformed event will never parse: straight to orders.dlt, no retries.
                .retryable(e -> !(e instanceof IllegalArgumentException))
                .handler(new OrderEvents()::handle)
                .start());
  }
}
