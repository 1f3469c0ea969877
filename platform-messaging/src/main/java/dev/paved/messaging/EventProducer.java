package dev.paved.messaging;

import dev.paved.observability.KafkaMessaging;
import java.time.Duration;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.jspecify.annotations.Nullable;

/**
 * A traced Kafka producer (see {@link Events#producer}). Thread-safe, like the {@link Producer} it
 * wraps; closed (flushed) by the platform at shutdown, after its consumers.
 */
public final class EventProducer<K, V> implements AutoCloseable {
  private final Producer<K, V> producer;
  private final KafkaMessaging kafka;

  EventProducer(Producer<K, V> producer, KafkaMessaging kafka) {
    this.producer = producer;
    this.kafka = kafka;
  }

  /** Sends {@code value} with {@code key} to {@code topic}, in a PRODUCER span that ends on the broker's acknowledgement. */
  public Future<RecordMetadata> send(String topic, @Nullable K key, V value) {
    return send(new ProducerRecord<>(topic, key, value));
  }

  /** Sends {@code record}, its headers given the current trace context. */
  public Future<RecordMetadata> send(ProducerRecord<K, V> record) {
    return kafka.send(producer, record);
  }

  /** The Kafka producer itself, for what this class does not cover (sends through it are not traced). */
  public Producer<K, V> unwrap() {
    return producer;
  }

  /** Flushes and closes the producer (at most 5 s). */
  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
