package dev.paved.messaging;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The service's work for one record. Returning is success: the record's offset is committed after
 * it. Throwing is failure: retried with backoff while the consumer's retry rule says the error is
 * retryable and attempts remain, then sent to the dead-letter topic.
 */
@FunctionalInterface
public interface RecordHandler<K, V> {
  void handle(ConsumerRecord<K, V> record) throws Exception;
}
