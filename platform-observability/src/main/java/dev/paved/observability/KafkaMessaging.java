package dev.paved.observability;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

/**
 * Kafka adapters over {@link Messaging}: {@link #send} puts the context into the record's headers
 * and measures until the broker acknowledges; {@link #process} runs a handler for a consumed
 * record in a CONSUMER span that continues the producer's trace. Needs {@code kafka-clients} on the
 * classpath (an optional dependency of platform-observability).
 */
public final class KafkaMessaging {
  static final String SYSTEM = "kafka";
  private static final AttributeKey<Long> PARTITION = AttributeKey.longKey("messaging.destination.partition.id");
  private static final AttributeKey<Long> OFFSET = AttributeKey.longKey("messaging.kafka.offset");
  private static final AttributeKey<String> GROUP = AttributeKey.stringKey("messaging.consumer.group.name");
  private static final AttributeKey<Long> BODY_SIZE = AttributeKey.longKey("messaging.message.body.size");
  private static final dev.paved.core.internal.ThrottledLogger SEND_FAILURES =
      new dev.paved.core.internal.ThrottledLogger(org.slf4j.LoggerFactory.getLogger(KafkaMessaging.class));

  private static final TextMapSetter<Headers> SETTER =
      (headers, key, value) -> {
        if (headers != null) {
          headers.remove(key);
          headers.add(key, value.getBytes(StandardCharsets.UTF_8));
        }
      };
  private static final TextMapGetter<Headers> GETTER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers carrier) {
          List<String> keys = new ArrayList<>();
          for (Header h : carrier) {
            keys.add(h.key());
          }
          return keys;
        }

        @Override
        public @Nullable String get(@Nullable Headers carrier, String key) {
          if (carrier == null) {
            return null;
          }
          Header h = carrier.lastHeader(key);
          return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
        }
      };

  private final Messaging messaging;

  KafkaMessaging(Messaging messaging) {
    this.messaging = messaging;
  }

  /** Sends {@code record} with the current context in its headers; the span ends on the broker's acknowledgement. */
  public <K, V> Future<RecordMetadata> send(Producer<K, V> producer, ProducerRecord<K, V> record) {
    String topic = record.topic();
    Span span = messaging.startProducer(SYSTEM, topic);
    long start = System.nanoTime();
    try (Scope scope = span.makeCurrent()) {
      messaging.propagators.getTextMapPropagator().inject(Context.current(), record.headers(), SETTER);
      return producer.send(
          record,
          (metadata, exception) -> {
            if (metadata != null && metadata.hasOffset()) {
              span.setAttribute(PARTITION, (long) metadata.partition());
            }
            if (exception != null) {
              span.recordException(exception);
              // Counted in messaging.client.operation.duration{error.type}; logged a few times, then once a minute.
              SEND_FAILURES.warn("Kafka send to topic " + topic + " failed: " + exception, null);
            }
            messaging.endProducer(span, SYSTEM, topic, exception == null ? "" : exception.getClass().getName(), System.nanoTime() - start);
          });
    } catch (RuntimeException e) {
      span.recordException(e);
      SEND_FAILURES.warn("Kafka send to topic " + topic + " failed: " + e, null);
      messaging.endProducer(span, SYSTEM, topic, e.getClass().getName(), System.nanoTime() - start);
      throw e;
    }
  }

  /** A handler of one consumed record. */
  @FunctionalInterface
  public interface RecordHandler<K, V> {
    void handle(ConsumerRecord<K, V> record) throws Exception;
  }

  /** Handles {@code record} in a CONSUMER span that continues the trace in its headers. */
  public <K, V> void process(ConsumerRecord<K, V> record, RecordHandler<K, V> handler) throws Exception {
    process(record, null, handler);
  }

  /**
   * Handles {@code record}, consumed by consumer group {@code group}, in a CONSUMER span that
   * continues the trace in its headers ({@code messaging.consumer.group.name} set when not null).
   */
  public <K, V> void process(ConsumerRecord<K, V> record, @Nullable String group, RecordHandler<K, V> handler) throws Exception {
    Context parent = messaging.propagators.getTextMapPropagator().extract(Context.root(), record.headers(), GETTER);
    messaging.process(
        SYSTEM,
        record.topic(),
        parent,
        span -> {
          span.setAttribute(PARTITION, record.partition());
          span.setAttribute(OFFSET, record.offset());
          if (group != null) {
            span.setAttribute(GROUP, group);
          }
          if (record.serializedValueSize() >= 0) {
            span.setAttribute(BODY_SIZE, record.serializedValueSize());
          }
        },
        () -> {
          handler.handle(record);
          return null;
        });
  }
}
