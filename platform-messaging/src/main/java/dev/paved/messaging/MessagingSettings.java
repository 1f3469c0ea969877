package dev.paved.messaging;

import dev.paved.core.ConfigKey;
import java.time.Duration;
import java.util.List;

/** The keys of platform-messaging, with their defaults; see {@code docs/messaging.md}. */
public final class MessagingSettings {
  private MessagingSettings() {}

  static final String KAFKA_PROPERTIES_PREFIX = "platform.messaging.kafka.properties.";

  static final ConfigKey<String> BOOTSTRAP_SERVERS =
      ConfigKey.string("platform.messaging.kafka.bootstrap-servers")
          .withDescription("The Kafka brokers (host:port,host:port); required before a consumer starts.");
  static final ConfigKey<String> KAFKA_PROPERTIES =
      ConfigKey.string("platform.messaging.kafka.properties.**")
          .withDescription(
              "Escape hatch: any Kafka client property for consumers and the dead-letter producer, e.g."
                  + " platform.messaging.kafka.properties.security.protocol: SSL.");
  static final ConfigKey<Integer> MAX_ATTEMPTS =
      ConfigKey.integer("platform.messaging.consumer.max-attempts", 1, 100)
          .withDefault("3")
          .withDescription("Attempts of the handler per record, the first included, before the dead-letter topic.");
  static final ConfigKey<Duration> BACKOFF_INITIAL =
      ConfigKey.duration("platform.messaging.consumer.backoff.initial-delay")
          .withDefault("100ms")
          .withDescription("Ceiling of the first backoff between attempts (full jitter, as platform-resilience).");
  static final ConfigKey<Double> BACKOFF_MULTIPLIER =
      ConfigKey.decimal("platform.messaging.consumer.backoff.multiplier", 1, 10)
          .withDefault("2.0")
          .withDescription("Growth of the backoff ceiling per attempt.");
  static final ConfigKey<Duration> BACKOFF_MAX =
      ConfigKey.duration("platform.messaging.consumer.backoff.max-delay")
          .withDefault("5s")
          .withDescription("Largest backoff ceiling.");
  static final ConfigKey<Integer> CONCURRENCY =
      ConfigKey.integer("platform.messaging.consumer.concurrency", 1, 64)
          .withDefault("1")
          .withDescription("Threads that run the handler; records of one partition are always handled in order, one at a time.");
  static final ConfigKey<Integer> MAX_POLL_RECORDS =
      ConfigKey.integer("platform.messaging.consumer.max-poll-records", 1, 10_000)
          .withDefault("500")
          .withDescription("Records fetched per poll (max.poll.records): the most a rebalance or a crash can make redelivered per partition.");
  static final ConfigKey<String> DEAD_LETTER_SUFFIX =
      ConfigKey.string("platform.messaging.consumer.dead-letter-suffix")
          .withDefault(".dlt")
          .withDescription("The dead-letter topic of topic t is t followed by this suffix, unless the consumer names one.");
  static final ConfigKey<Duration> REVOKE_TIMEOUT =
      ConfigKey.duration("platform.messaging.consumer.revoke-timeout")
          .withDefault("10s")
          .withDescription("How long a rebalance waits for the record in progress on a revoked partition before committing.");

  /** Every key of the messaging module. */
  public static List<ConfigKey<?>> keys() {
    return List.of(
        BOOTSTRAP_SERVERS, KAFKA_PROPERTIES, MAX_ATTEMPTS, BACKOFF_INITIAL, BACKOFF_MULTIPLIER, BACKOFF_MAX, CONCURRENCY,
        MAX_POLL_RECORDS, DEAD_LETTER_SUFFIX, REVOKE_TIMEOUT);
  }
}
