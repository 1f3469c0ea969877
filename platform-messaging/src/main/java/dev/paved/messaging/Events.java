package dev.paved.messaging;

import dev.paved.core.ConfigProblem;
import dev.paved.core.ConfigException;
import dev.paved.core.HealthKind;
import dev.paved.core.Platform;
import dev.paved.core.PlatformConfig;
import dev.paved.core.spi.ModuleContext;
import dev.paved.observability.Observability;
import dev.paved.resilience.Backoff;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.jspecify.annotations.Nullable;

/**
 * Starts the service's event consumers: give a name, the topics (or a pattern), the deserializers
 * and a handler; Paved runs the poll loop.
 *
 * <pre>{@code
 * EventConsumer<String, String> orders =
 *     Events.of(platform)
 *         .consumer("order-projections", new StringDeserializer(), new StringDeserializer())
 *         .topics("orders")
 *         .handler(record -> projections.apply(record.value()))
 *         .start();
 * }</pre>
 *
 * Every consumer of a platform stops polling when graceful shutdown begins, finishes the record in
 * progress, commits and leaves its group before the platform's modules stop.
 */
public final class Events {
  private final ModuleContext context;
  private final Observability observability;
  private final List<EventConsumer<?, ?>> consumers = new CopyOnWriteArrayList<>();
  private final List<EventProducer<?, ?>> producers = new CopyOnWriteArrayList<>();
  private volatile boolean stopping;

  Events(ModuleContext context, Observability observability) {
    this.context = context;
    this.observability = observability;
  }

  /** The event consumers of {@code platform} (platform-messaging must be on the class path). */
  public static Events of(Platform platform) {
    return platform.require(Events.class);
  }

  /**
   * A Kafka consumer named {@code name} (also its consumer group unless {@link Builder#group} says
   * otherwise; lower case, digits, '-', '.' and '_').
   */
  public <K, V> Builder<K, V> consumer(String name, Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
    if (!name.matches("[a-z0-9][a-z0-9._-]{0,99}")) {
      throw new IllegalArgumentException("name: '" + name + "' (expected: lower case letters, digits, '.', '_' or '-', at most 100)");
    }
    return new Builder<>(name, Objects.requireNonNull(keyDeserializer, "keyDeserializer"), Objects.requireNonNull(valueDeserializer, "valueDeserializer"));
  }

  /** The consumers started so far. */
  public List<EventConsumer<?, ?>> consumers() {
    return List.copyOf(consumers);
  }

  void stopIntake() {
    stopping = true;
    for (EventConsumer<?, ?> c : consumers) {
      c.stopIntake();
    }
  }

  void close() {
    stopping = true;
    for (EventConsumer<?, ?> c : consumers) {
      c.close();
    }
    for (EventProducer<?, ?> p : producers) {
      p.close();
    }
  }

  /**
   * A producer whose sends are traced ({@code send <topic>} PRODUCER spans, the context in the
   * record's headers, {@code messaging.client.operation.duration}); {@code acks=all} and
   * idempotence on. A failed send is counted and logged (a few times, then once a minute).
   *
   * @throws ConfigException when no brokers are configured
   */
  public <K, V> EventProducer<K, V> producer(Serializer<K> keySerializer, Serializer<V> valueSerializer) {
    if (stopping) {
      throw new IllegalStateException("producer: the platform is shutting down");
    }
    Properties props = clientProperties(context.config(), "producer");
    props.putIfAbsent("acks", "all");
    props.putIfAbsent("enable.idempotence", "true");
    props.putIfAbsent("client.id", context.descriptor().name() + "-producer-" + (producers.size() + 1));
    EventProducer<K, V> p = new EventProducer<>(new KafkaProducer<>(props, keySerializer, valueSerializer), observability.kafka());
    producers.add(p);
    return p;
  }

  /** {@code bootstrap.servers} and {@code platform.messaging.kafka.properties.*}. */
  private static Properties clientProperties(PlatformConfig config, String who) {
    String servers = config.find(MessagingSettings.BOOTSTRAP_SERVERS).orElse("").strip();
    if (servers.isEmpty()) {
      throw new ConfigException(List.of(new ConfigProblem(
          MessagingSettings.BOOTSTRAP_SERVERS.name(),
          "not set",
          who + " has no Kafka brokers",
          "set platform.messaging.kafka.bootstrap-servers (PLATFORM_MESSAGING_KAFKA_BOOTSTRAP_SERVERS), e.g. kafka:9092")));
    }
    Properties props = new Properties();
    String prefix = MessagingSettings.KAFKA_PROPERTIES_PREFIX;
    config.entries().forEach((key, value) -> {
      if (key.startsWith(prefix)) {
        props.setProperty(key.substring(prefix.length()), value.value());
      }
    });
    config.markRead(MessagingSettings.KAFKA_PROPERTIES.name());
    props.setProperty("bootstrap.servers", servers);
    return props;
  }

  /** Builds and starts one consumer. Settings not given here come from {@code platform.messaging.*}. */
  public final class Builder<K, V> {
    private final String name;
    private final Deserializer<K> keyDeserializer;
    private final Deserializer<V> valueDeserializer;
    private final List<String> topics = new ArrayList<>();
    private @Nullable Pattern pattern;
    private @Nullable String group;
    private @Nullable String deadLetterTopic;
    private @Nullable RecordHandler<K, V> handler;
    private Predicate<Throwable> retryable = e -> !(e instanceof SerializationException);
    private @Nullable Integer maxAttempts;
    private @Nullable Integer concurrency;
    private @Nullable Backoff backoff;
    private final Map<String, String> properties = new LinkedHashMap<>();

    private Builder(String name, Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
      this.name = name;
      this.keyDeserializer = keyDeserializer;
      this.valueDeserializer = valueDeserializer;
    }

    /** The topics to subscribe to. */
    public Builder<K, V> topics(String... topics) {
      for (String t : topics) {
        if (t.isBlank()) {
          throw new IllegalArgumentException("topics: a blank topic name");
        }
        this.topics.add(t);
      }
      return this;
    }

    /** Subscribes to every topic whose name matches {@code pattern}, instead of named topics. */
    public Builder<K, V> topicPattern(Pattern pattern) {
      this.pattern = Objects.requireNonNull(pattern, "pattern");
      return this;
    }

    /** The consumer group ({@code group.id}); the consumer's name when not set. */
    public Builder<K, V> group(String group) {
      if (group.isBlank()) {
        throw new IllegalArgumentException("group: blank");
      }
      this.group = group;
      return this;
    }

    /** The service's work for one record. */
    public Builder<K, V> handler(RecordHandler<K, V> handler) {
      this.handler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /**
     * Which errors of the handler are worth another attempt; by default every error but a
     * {@link SerializationException}. A record that cannot be deserialized is never retried.
     */
    public Builder<K, V> retryable(Predicate<Throwable> retryable) {
      this.retryable = Objects.requireNonNull(retryable, "retryable");
      return this;
    }

    /** Attempts per record, the first included ({@code platform.messaging.consumer.max-attempts}). */
    public Builder<K, V> maxAttempts(int maxAttempts) {
      if (maxAttempts < 1 || maxAttempts > 100) {
        throw new IllegalArgumentException("maxAttempts: " + maxAttempts + " (expected: 1 to 100)");
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** The wait between attempts ({@code platform.messaging.consumer.backoff.*}). */
    public Builder<K, V> backoff(Backoff backoff) {
      this.backoff = Objects.requireNonNull(backoff, "backoff");
      return this;
    }

    /** Handler threads ({@code platform.messaging.consumer.concurrency}); one partition is always handled in order. */
    public Builder<K, V> concurrency(int threads) {
      if (threads < 1 || threads > 64) {
        throw new IllegalArgumentException("concurrency: " + threads + " (expected: 1 to 64)");
      }
      this.concurrency = threads;
      return this;
    }

    /**
     * The dead-letter topic for every subscribed topic; by default each topic's name followed by
     * {@code platform.messaging.consumer.dead-letter-suffix} ({@code orders.dlt}).
     */
    public Builder<K, V> deadLetterTopic(String topic) {
      if (topic.isBlank()) {
        throw new IllegalArgumentException("deadLetterTopic: blank");
      }
      this.deadLetterTopic = topic;
      return this;
    }

    /** A Kafka client property of this consumer (and its dead-letter producer), above the configuration's. */
    public Builder<K, V> property(String key, String value) {
      properties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Starts the consumer's poll loop and returns. Partitions are assigned in the background; the
     * consumer's readiness check ({@code kafka-consumer-<name>}) shows them.
     *
     * @throws ConfigException when no brokers are configured or a setting is invalid
     * @throws IllegalStateException when no handler or topic was given, or the platform is stopping
     */
    public EventConsumer<K, V> start() {
      RecordHandler<K, V> h = handler;
      if (h == null) {
        throw new IllegalStateException("consumer '" + name + "': no handler (call handler(record -> ...))");
      }
      if (topics.isEmpty() && pattern == null) {
        throw new IllegalStateException("consumer '" + name + "': no topic (call topics(...) or topicPattern(...))");
      }
      if (stopping) {
        throw new IllegalStateException("consumer '" + name + "': the platform is shutting down");
      }
      for (EventConsumer<?, ?> c : consumers) {
        if (c.name().equals(name)) {
          throw new IllegalStateException("consumer '" + name + "' already started");
        }
      }
      PlatformConfig config = context.config();
      Properties props = clientProperties(config, "consumer '" + name + "'");
      props.putAll(properties);
      Backoff b = backoff;
      if (b == null) {
        Duration initial = config.get(MessagingSettings.BACKOFF_INITIAL);
        Duration max = config.get(MessagingSettings.BACKOFF_MAX);
        try {
          b = Backoff.create(initial, config.get(MessagingSettings.BACKOFF_MULTIPLIER), max, Duration.ZERO);
        } catch (IllegalArgumentException e) {
          throw new ConfigException(List.of(new ConfigProblem(
              MessagingSettings.BACKOFF_MAX.name(), String.valueOf(max), String.valueOf(e.getMessage()), "make max-delay at least initial-delay")));
        }
      }
      Integer attempts = maxAttempts;
      Integer threads = concurrency;
      EventConsumer.Settings settings = new EventConsumer.Settings(
          name,
          group != null ? group : name,
          List.copyOf(topics),
          pattern,
          deadLetterTopic,
          config.get(MessagingSettings.DEAD_LETTER_SUFFIX),
          attempts != null ? attempts : config.get(MessagingSettings.MAX_ATTEMPTS),
          b,
          threads != null ? threads : config.get(MessagingSettings.CONCURRENCY),
          config.get(MessagingSettings.MAX_POLL_RECORDS),
          config.get(MessagingSettings.REVOKE_TIMEOUT),
          config.get(dev.paved.core.CoreSettings.SHUTDOWN_TIMEOUT),
          props);
      EventConsumer<K, V> consumer =
          new EventConsumer<>(settings, keyDeserializer, valueDeserializer, h, retryable, observability, context.descriptor().name());
      consumers.add(consumer);
      context.health().register("kafka-consumer-" + name, HealthKind.READINESS, consumer::health);
      consumer.start();
      return consumer;
    }
  }
}
